// The built-in table and the helpers every area file uses.
//
// Deviations from R7RS (for docs/toylang.md): none here; each area file lists its own. Error
// messages quote the offending value as `write` prints it, cut off after 200 characters ("...").
#include "frontend/builtins/builtins.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "frontend/builtins/builtins_internal.h"
#include "frontend/common/error.h"
#include "frontend/objects/printer.h"

namespace toylang {

namespace {
thread_local mosaic::Value tls_callee;
}  // namespace

mosaic::Value CallContext::callee() const { return tls_callee; }
void CallContext::set_callee(mosaic::Value primitive) { tls_callee = primitive; }

namespace builtins_internal {

std::string Quote(Value v) { return WriteStringLimited(v, kMaxValueChars); }

void Fail(std::string message) { throw Error(std::move(message)); }

void TypeError(std::string_view who, std::string_view what, Value got) {
  bool vowel = !what.empty() && std::string_view("aeiou").find(what[0]) != std::string_view::npos;
  Fail(Cat(who, ": expected ", vowel ? "an " : "a ", what, ", got ", Quote(got)));
}

void IndexError(std::string_view who, Value index, std::string_view what, size_t length) {
  Fail(Cat(who, ": index ", Quote(index), " out of range for ",
                    std::string_view("aeiou").find(what[0]) != std::string_view::npos ? "an "
                                                                                      : "a ",
                    what, " of length ", length));
}

size_t CheckIndex(const char* who, Value index, std::string_view what, size_t length,
                  bool inclusive) {
  if (IsBignum(index)) IndexError(who, index, what, length);  // beyond any length
  if (!index.IsFixnum()) TypeError(who, "exact integer", index);
  int64_t i = index.FixnumValue();
  if (i < 0 || static_cast<uint64_t>(i) > length ||
      (!inclusive && static_cast<uint64_t>(i) == length)) {
    IndexError(who, index, what, length);
  }
  return static_cast<size_t>(i);
}

size_t CheckList(const char* who, Value list) {
  int64_t n = ListLength(list);
  if (n < 0) TypeError(who, "proper list", list);
  return static_cast<size_t>(n);
}

void CheckRange(const char* who, const Value* args, int argc, int first, size_t length,
                std::string_view what, size_t* start, size_t* end) {
  *start = 0;
  *end = length;
  if (argc > first) *start = CheckIndex(who, args[first], what, length, /*inclusive=*/true);
  if (argc > first + 1) *end = CheckIndex(who, args[first + 1], what, length, true);
  if (*start > *end) {
    Fail(Cat(who, ": start ", *start, " is greater than end ", *end));
  }
}

char CharToByte(const char* who, uint32_t code_point) {
  if (code_point > 0xff) {
    Fail(Cat(who, ": cannot store ", FormatChar(code_point),
                      " in a string (strings hold bytes: characters up to #\\xff)"));
  }
  return static_cast<char>(code_point);
}

Value ListFromArgs(const Value* args, int n, Value tail) {
  Value list = tail;
  for (int i = n - 1; i >= 0; --i) list = Cons(args[i], list);
  return list;
}

}  // namespace builtins_internal

absl::Span<const Builtin> AllBuiltins() {
  // Built once (thread-safe static initialisation); never freed, so Builtin pointers in
  // primitive objects stay valid for the life of the process.
  static const std::vector<Builtin>* const all = [] {
    auto* v = new std::vector<Builtin>;
    using namespace builtins_internal;
    for (absl::Span<const Builtin> area :
         {NumberBuiltins(), IntegerBuiltins(), NumberTextBuiltins(), ListBuiltins(),
          StringBuiltins(), VectorBuiltins(), BytevectorBuiltins(), ControlBuiltins(), IoBuiltins(),
          PortBuiltins(), SystemBuiltins(), HashtableBuiltins(), WeakBuiltins(),
          ThreadBuiltins(), TextBuiltins(), ProcessBuiltins(), ContinuationBuiltins(),
          ExceptionBuiltins(), PromiseBuiltins(), ParameterBuiltins(), CaseLambdaBuiltins()}) {
      v->insert(v->end(), area.begin(), area.end());
    }
    return v;
  }();
  return *all;
}

const Builtin* FindBuiltin(std::string_view name) {
  static const absl::flat_hash_map<std::string_view, const Builtin*>* const index = [] {
    auto* m = new absl::flat_hash_map<std::string_view, const Builtin*>;
    for (const Builtin& b : AllBuiltins()) m->emplace(b.name, &b);
    return m;
  }();
  auto it = index->find(name);
  return it == index->end() ? nullptr : it->second;
}

void InstallBuiltins() {
  for (const Builtin& b : AllBuiltins()) {
    Value sym = Intern(b.name);
    Value box = GlobalBox(sym);
    Value prim = MakePrimitive(&b, b.name);
    BoxSet(box, prim);
  }
}

std::string ArityMessage(const std::string& name, int min_args, int max_args, int argc) {
  using builtins_internal::Cat;
  auto plural = [](int n) { return n == 1 ? " argument" : " arguments"; };
  std::string expected;
  if (max_args == min_args) {
    expected = Cat(min_args, plural(min_args));
  } else if (max_args < 0) {
    expected = Cat("at least ", min_args, plural(min_args));
  } else {
    expected = Cat(min_args, " to ", max_args, " arguments");
  }
  return Cat(name.empty() ? std::string("#<procedure>") : name, ": expected ", expected,
             ", got ", argc);
}

std::string ArityErrorMessage(const Builtin& b, int argc) {
  return ArityMessage(b.name, b.min_args, b.max_args, argc);
}

mosaic::Value CallBuiltin(const Builtin& b, CallContext& ctx, const mosaic::Value* args,
                          int argc, const SourcePos& pos) {
  if (argc < b.min_args || (b.max_args >= 0 && argc > b.max_args)) {
    throw Error(ArityErrorMessage(b, argc), pos);
  }
  try {
    return b.fn(ctx, args, argc);
  } catch (Error& e) {
    e.SetPosIfMissing(pos);
    throw;
  }
}

mosaic::Value CallPrimitiveObject(mosaic::Value primitive, CallContext& ctx,
                                  const mosaic::Value* args, int argc, const SourcePos& pos) {
  ctx.set_callee(primitive);
  return CallBuiltin(*PrimitiveBuiltin(primitive), ctx, args, argc, pos);
}

}  // namespace toylang
