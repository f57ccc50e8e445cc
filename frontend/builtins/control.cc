// Control and equivalence: procedure?, apply, map, for-each, values, call-with-values, not,
// boolean?, eq?, eqv?, equal?. (error and the exceptions: exceptions.cc.)
//
// Deviations from R7RS (for docs/toylang.md):
// - map calls the procedure on elements from left to right (R7RS leaves the order unspecified)
//   and stops at the shortest list; an improper list argument is an error, and so is a call in
//   which every list is circular.
// - eqv? on inexact numbers compares bits: (eqv? 0.0 -0.0) => #f, (eqv? +nan.0 +nan.0) => #t.
#include <algorithm>
#include <alloca.h>

#include <cstdint>
#include <sstream>
#include <string>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/common/error.h"
#include "frontend/objects/equality.h"
#include "frontend/objects/printer.h"

namespace toylang::builtins_internal {

Value MakeValues(const Value* a, int n) {
  if (n == 1) return a[0];
  const auto count = static_cast<size_t>(n);
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(ObjType::kValues, count, count));
  for (size_t i = 0; i < count; ++i) words[1 + i] = a[i].bits();  // made just now: no barrier
  return Value::Object(words);
}

namespace {

using V = Value;

// Argument buffers up to this many values go on the C++ stack (alloca); longer ones in a heap
// vector held by a local, so that (apply f huge-list) cannot exhaust the C++ stack.
constexpr int kMaxStackArgs = 256;
// map's results held on the stack before the list is made (8 bytes each).
constexpr int64_t kMaxStackResults = 1024;

V ProcedureP(CallContext&, const V* a, int) { return V::Bool(IsProcedure(a[0])); }
V Not(CallContext&, const V* a, int) { return V::Bool(a[0].IsFalse()); }
V BooleanP(CallContext&, const V* a, int) { return V::Bool(a[0].IsBool()); }
V EqP(CallContext&, const V* a, int) { return V::Bool(a[0] == a[1]); }
V EqvP(CallContext&, const V* a, int) { return V::Bool(Eqv(a[0], a[1])); }
V EqualP(CallContext&, const V* a, int) { return V::Bool(Equal(a[0], a[1])); }

V BooleanEqP(CallContext&, const V* args, int argc) {
  bool result = true;
  for (int i = 0; i < argc; ++i) {
    if (!args[i].IsBool()) TypeError("boolean=?", "boolean", args[i]);
    if (i > 0 && args[i] != args[i - 1]) result = false;
  }
  return V::Bool(result);
}

V Apply(CallContext& ctx, const V* args, int argc) {
  CheckProcedure("apply", args[0]);
  V last = args[argc - 1];
  size_t n = CheckList("apply", last);
  size_t total = static_cast<size_t>(argc - 2) + n;
  if (total > INT32_MAX) Fail("apply: too many arguments");
  V buffer = V::False();  // keeps a heap buffer alive, when there is one
  V* call;
  if (total <= kMaxStackArgs) {
    call = static_cast<V*>(alloca(sizeof(V) * (total == 0 ? 1 : total)));
  } else {
    buffer = MakeVector(total, V::False());
    call = VectorData(buffer);
  }
  // A heap buffer is an object like any other: stores into it go through the write barrier.
  auto put = [&](size_t i, V v) {
    if (buffer.IsFalse()) {
      call[i] = v;
    } else {
      VectorSet(buffer, i, v);
    }
  };
  size_t k = 0;
  for (int i = 1; i + 1 < argc; ++i) put(k++, args[i]);
  for (V l = last; l.IsPair() && k < total; l = Cdr(l)) put(k++, Car(l));
  V result = ctx.Apply(args[0], call, static_cast<int>(k));
  // Keep the buffer visibly alive until the call returns.
  asm volatile("" : : "r"(buffer.bits()) : "memory");
  return result;
}

// The length of `list` if it is proper; -1 if it is circular; an error if it is improper.
int64_t FiniteOrCircular(const char* who, V list) {
  int64_t n = 0;
  V slow = list, fast = list;
  while (fast.IsPair()) {
    fast = Cdr(fast);
    ++n;
    if (!fast.IsPair()) break;
    fast = Cdr(fast);
    ++n;
    slow = Cdr(slow);
    if (fast == slow) return -1;
  }
  if (!fast.IsNil()) TypeError(who, "proper list", list);
  return n;
}

// map (collect) and for-each.
V ListWalk(const char* who, bool collect, CallContext& ctx, const V* args, int argc) {
  CheckProcedure(who, args[0]);
  int k = argc - 1;
  int64_t n = -1;
  for (int j = 0; j < k; ++j) {
    int64_t len = FiniteOrCircular(who, args[j + 1]);
    if (len >= 0 && (n < 0 || len < n)) n = len;
  }
  if (n < 0) Fail(std::string(who) + ": every list is circular");
  // cursors[j] walks list j; call holds one call's arguments. Both on this frame's stack (or in
  // a heap vector held by a local), where the collector finds them.
  V buffer = V::False();
  V* cursors;
  if (k <= kMaxStackArgs) {
    cursors = static_cast<V*>(alloca(sizeof(V) * 2 * k));
  } else {
    buffer = MakeVector(2 * static_cast<size_t>(k), V::False());
    cursors = VectorData(buffer);
  }
  V* call = cursors + k;
  // A heap buffer is an object like any other: stores into it go through the write barrier.
  auto put = [&](size_t i, V v) {
    if (buffer.IsFalse()) {
      cursors[i] = v;
    } else {
      VectorSet(buffer, i, v);
    }
  };
  for (int j = 0; j < k; ++j) put(j, args[j + 1]);
  // A short map keeps its results on this frame's stack and conses the list from the end once
  // they are all in: no pair is written after it was made. Appending instead (set-cdr! of the
  // last pair, through the write barrier, since the procedure may have collected) dirtied a
  // card per element, which minor collections then scanned (deriv: 13,000 cards each).
  V* results = nullptr;
  if (collect && n <= kMaxStackResults) {
    results = static_cast<V*>(alloca(sizeof(V) * static_cast<size_t>(std::max<int64_t>(n, 1))));
  }
  auto list_of = [&](int64_t count) {
    V l = V::Nil();
    for (int64_t i = count; i > 0; --i) l = Cons(results[i - 1], l);
    return l;
  };
  V head = V::Nil(), tail = V::Nil();
  for (int64_t i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) {
      // The procedure may have shortened a list with set-cdr!: stop rather than crash.
      if (!cursors[j].IsPair()) {
        if (results != nullptr) return list_of(i);
        return collect ? head : V::Unspecified();
      }
      put(k + j, Car(cursors[j]));
      put(j, Cdr(cursors[j]));
    }
    V x = ctx.Apply(args[0], call, k);
    if (results != nullptr) {
      results[i] = x;
    } else if (collect) {
      V cell = Cons(x, V::Nil());
      if (tail.IsNil()) {
        head = cell;
      } else {
        SetCdr(tail, cell);
      }
      tail = cell;
    }
  }
  if (results != nullptr) head = list_of(n);
  asm volatile("" : : "r"(buffer.bits()) : "memory");
  return collect ? head : V::Unspecified();
}

V Map(CallContext& c, const V* a, int n) { return ListWalk("map", true, c, a, n); }
V ForEach(CallContext& c, const V* a, int n) { return ListWalk("for-each", false, c, a, n); }

// (values v ...): one value is itself; any other number of them is a multiple-values object,
// which call-with-values spreads over its consumer's arguments (elsewhere it is an ordinary
// value, printed #<values 1 2>).
V Values(CallContext&, const V* a, int n) { return MakeValues(a, n); }

V CallWithValues(CallContext& ctx, const V* a, int) {
  CheckProcedure("call-with-values", a[0]);
  CheckProcedure("call-with-values", a[1]);
  V v = ctx.Apply(a[0], nullptr, 0);
  if (!IsValues(v)) return ctx.Apply(a[1], &v, 1);
  // The consumer reads its arguments from the object's slots (the heap does not move), which
  // this frame keeps alive until the call returns.
  V result = ctx.Apply(a[1], VectorData(v), static_cast<int>(LengthOf(v)));
  asm volatile("" : : "r"(v.bits()) : "memory");
  return result;
}

constexpr Builtin kBuiltins[] = {
    {"boolean=?", 1, -1, BooleanEqP},
    {"procedure?", 1, 1, ProcedureP},
    {"apply", 2, -1, Apply},
    {"map", 2, -1, Map},
    {"for-each", 2, -1, ForEach},
    {"values", 0, -1, Values},
    {"call-with-values", 2, 2, CallWithValues},
    {"not", 1, 1, Not},
    {"boolean?", 1, 1, BooleanP},
    {"eq?", 2, 2, EqP},
    {"eqv?", 2, 2, EqvP},
    {"equal?", 2, 2, EqualP},
};

}  // namespace

absl::Span<const Builtin> ControlBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
