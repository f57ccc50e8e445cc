// Helpers shared by the built-in implementation files: argument checks that throw the house
// error messages ("car: expected a pair, got 42"), number coercions, and each area's table.
#ifndef TOYLANG_FRONTEND_BUILTINS_BUILTINS_INTERNAL_H_
#define TOYLANG_FRONTEND_BUILTINS_BUILTINS_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "absl/types/span.h"
#include "frontend/builtins/builtins.h"
#include "frontend/objects/bignum.h"
#include "frontend/objects/objects.h"
#include "frontend/objects/runtime.h"

namespace toylang::builtins_internal {

// Each area's table (numbers.cc, lists.cc, ...); AllBuiltins() concatenates them.
absl::Span<const Builtin> NumberBuiltins();
absl::Span<const Builtin> IntegerBuiltins();     // numbers_integer.cc: division, gcd, expt
absl::Span<const Builtin> NumberTextBuiltins();  // numbers_text.cc: number<->string
absl::Span<const Builtin> BytevectorBuiltins();
absl::Span<const Builtin> ListBuiltins();
absl::Span<const Builtin> StringBuiltins();  // characters, strings and symbols
absl::Span<const Builtin> VectorBuiltins();
absl::Span<const Builtin> ControlBuiltins();
absl::Span<const Builtin> IoBuiltins();
absl::Span<const Builtin> SystemBuiltins();
absl::Span<const Builtin> HashtableBuiltins();
absl::Span<const Builtin> WeakBuiltins();  // weak and ephemeron pairs, guardians
absl::Span<const Builtin> ThreadBuiltins();  // threads.cc: threads, mutexes, atomic boxes
absl::Span<const Builtin> PortBuiltins();  // ports.cc: string, file and console ports, read
absl::Span<const Builtin> TextBuiltins();  // text.cc: case, string iteration, string->vector
absl::Span<const Builtin> ProcessBuiltins();  // process.cc: files, environment, command line
absl::Span<const Builtin> ContinuationBuiltins();  // continuations.cc: call/cc, dynamic-wind
absl::Span<const Builtin> ExceptionBuiltins();  // exceptions.cc: raise, guard, error objects
absl::Span<const Builtin> PromiseBuiltins();    // promises.cc: delay, force, make-promise
absl::Span<const Builtin> ParameterBuiltins();  // parameters.cc: make-parameter, parameterize
absl::Span<const Builtin> CaseLambdaBuiltins(); // case_lambda.cc

// (values a ...) as one Value: a[0] itself when n == 1, else a multiple-values object
// (control.cc).
Value MakeValues(const Value* a, int n);

// Objects with native state (threads, mutexes, ports): slot 1 is a state word, a pointer to C++
// state with the low bit set (not a reference). A finalizer holds the state until the object is
// unreachable, then releases it (a port's state closes its file). Slots after the state word are
// zero (not references) until set.
template <typename S>
S* StateOf(Value object) {
  return reinterpret_cast<S*>(object.ObjectWords()[1] & ~uint64_t{1});
}
template <typename S>
Value NewStateObject(ObjType type, size_t slots, std::shared_ptr<S> state) {
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(type, slots, 0));
  words[1] = CodeWord(state.get());
  Value object = Value::Object(words);
  Runtime::Get().heap().RegisterFinalizer(object, [state](Value) {});
  return object;
}

// Writes `text` to the output port args[port_index] if argc has it, else to the current output
// port (ports.cc); "who: expected an output port, ..." for anything else, "who: the port is
// closed" for a closed one.
void PortOutput(CallContext& ctx, const char* who, const Value* args, int argc, int port_index,
                std::string_view text);

// Writes `text` to ctx.out() as one piece: with several threads running, under the output
// lock (in a native region), so that one display never interleaves with another (threads.cc).
void WriteOutput(CallContext& ctx, std::string_view text);

// Concatenates anything std::ostream prints (std::string_view included, which this Abseil's
// StrCat does not take).
template <typename... T>
std::string Cat(const T&... parts) {
  std::ostringstream out;
  (out << ... << parts);
  return out.str();
}

// How an offending value appears in an error message: as `write` prints it, cut off after
// kMaxValueChars characters.
inline constexpr size_t kMaxValueChars = 200;
std::string Quote(Value v);

// Throws toylang::Error(message).
[[noreturn]] void Fail(std::string message);
// "who: expected <a/an what>, got <v written>". `what` is e.g. "pair", "proper list".
[[noreturn]] void TypeError(std::string_view who, std::string_view what, Value got);
// "who: index 10 out of range for a vector of length 3".
[[noreturn]] void IndexError(std::string_view who, Value index, std::string_view what,
                             size_t length);

inline Value CheckPair(const char* who, Value v) {
  if (!v.IsPair()) TypeError(who, "pair", v);
  return v;
}
inline Value CheckString(const char* who, Value v) {
  if (!IsString(v)) TypeError(who, "string", v);
  return v;
}
inline Value CheckSymbol(const char* who, Value v) {
  if (!IsSymbol(v)) TypeError(who, "symbol", v);
  return v;
}
inline Value CheckVector(const char* who, Value v) {
  if (!IsVector(v)) TypeError(who, "vector", v);
  return v;
}
inline uint32_t CheckChar(const char* who, Value v) {
  if (!v.IsChar()) TypeError(who, "character", v);
  return v.CharValue();
}
inline Value CheckProcedure(const char* who, Value v) {
  if (!IsProcedure(v)) TypeError(who, "procedure", v);
  return v;
}
inline void CheckNumber(const char* who, Value v) {
  if (!IsNumber(v)) TypeError(who, "number", v);
}
// An exact integer in the fixnum range (counts, sizes, radixes, character codes).
inline int64_t CheckFixnum(const char* who, Value v) {
  if (IsBignum(v)) TypeError(who, "exact integer in the fixnum range", v);
  if (!v.IsFixnum()) TypeError(who, "exact integer", v);
  return v.FixnumValue();
}
// An index into something of `length` elements: 0 <= i < length (or <= length when
// `inclusive`, for end positions).
size_t CheckIndex(const char* who, Value index, std::string_view what, size_t length,
                  bool inclusive = false);
// The length of a proper list, or a type error "who: expected a proper list, got ...".
size_t CheckList(const char* who, Value list);
// [start, end) from optional arguments args[first], args[first+1] (absent when >= argc).
void CheckRange(const char* who, const Value* args, int argc, int first, size_t length,
                std::string_view what, size_t* start, size_t* end);

// The comparisons of the n-ary order predicates (string<?, char-ci>=? ...): whether a
// three-way comparison result `c` (negative, zero, positive) satisfies `o`.
enum class Order { kEq, kLt, kGt, kLe, kGe };
inline bool Holds(Order o, int c) {
  switch (o) {
    case Order::kEq: return c == 0;
    case Order::kLt: return c < 0;
    case Order::kGt: return c > 0;
    case Order::kLe: return c <= 0;
    case Order::kGe: return c >= 0;
  }
  return false;
}

// A number as a double (fixnums converted, bignums rounded to the nearest double). Requires
// IsNumber(v).
inline double ToDouble(Value v) {
  if (v.IsFixnum()) return static_cast<double>(v.FixnumValue());
  return IsFlonum(v) ? FlonumValue(v) : BignumToDouble(v);
}

// A byte for a string from a character, or "who: cannot store #\x3bb in a string ...".
char CharToByte(const char* who, uint32_t code_point);
inline Value ByteToChar(char c) { return Value::Char(static_cast<unsigned char>(c)); }

// Builds a list from args[0..n) (nothing else allocated on the way).
Value ListFromArgs(const Value* args, int n, Value tail = Value::Nil());

}  // namespace toylang::builtins_internal

#endif  // TOYLANG_FRONTEND_BUILTINS_BUILTINS_INTERNAL_H_
