// Pairs and lists: cons, car, cdr, the c[ad]{2,4}r family, list operations, member/assoc.
//
// Deviations from R7RS (for docs/toylang.md):
// - length, reverse, append (all but the last argument), list-copy, memq/memv/member and
//   assq/assv/assoc check that their list is proper (not improper, not circular) before they
//   start, and report "<op>: expected a proper list, got ..." instead of looping or returning #f.
// - assq/assv/assoc report an element that is not a pair as an error.
// - The c[ad]+r family reports a failure with the whole argument:
//   (caddr '(1 2)) => "caddr: expected a list with a caddr, got (1 2)".
#include <string>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/objects/equality.h"
#include "frontend/objects/printer.h"
#include "mosaic/weak.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

V ConsFn(CallContext&, const V* a, int) { return Cons(a[0], a[1]); }
// car, cdr, set-car! and set-cdr! also take weak pairs (car: the weakly held target) and
// ephemeron pairs (car: the key), as in Chez (frontend/builtins/weak.cc); the rest of the list
// procedures, pair? included, do not.
V CarFn(CallContext&, const V* a, int) {
  if (a[0].IsPair()) return Car(a[0]);
  if (mosaic::IsWeakPair(a[0])) return mosaic::WeakPairTarget(a[0]);
  if (mosaic::IsEphemeron(a[0])) return mosaic::EphemeronKey(a[0]);
  TypeError("car", "pair", a[0]);
}
V CdrFn(CallContext&, const V* a, int) {
  if (a[0].IsPair()) return Cdr(a[0]);
  if (mosaic::IsWeakPair(a[0])) return mosaic::WeakPairExtra(a[0]);
  if (mosaic::IsEphemeron(a[0])) return mosaic::EphemeronValue(a[0]);
  TypeError("cdr", "pair", a[0]);
}
// The runtime's setters go through the write barrier where the field is strong.
V SetCarFn(CallContext&, const V* a, int) {
  if (a[0].IsPair()) {
    SetCar(a[0], a[1]);
  } else if (mosaic::IsWeakPair(a[0])) {
    mosaic::SetWeakPairTarget(a[0], a[1]);
  } else if (mosaic::IsEphemeron(a[0])) {
    mosaic::SetEphemeronKey(a[0], a[1]);
  } else {
    TypeError("set-car!", "pair", a[0]);
  }
  return V::Unspecified();
}
V SetCdrFn(CallContext&, const V* a, int) {
  if (a[0].IsPair()) {
    SetCdr(a[0], a[1]);
  } else if (mosaic::IsWeakPair(a[0])) {
    mosaic::SetWeakPairExtra(a[0], a[1]);
  } else if (mosaic::IsEphemeron(a[0])) {
    mosaic::SetEphemeronValue(a[0], a[1]);
  } else {
    TypeError("set-cdr!", "pair", a[0]);
  }
  return V::Unspecified();
}

constexpr const char* kCxrNames[] = {
    "caar",   "cadr",   "cdar",   "cddr",   "caaar",  "caadr",  "cadar",
    "caddr",  "cdaar",  "cdadr",  "cddar",  "cdddr",  "caaaar", "caaadr",
    "caadar", "caaddr", "cadaar", "cadadr", "caddar", "cadddr", "cdaaar",
    "cdaadr", "cdadar", "cdaddr", "cddaar", "cddadr", "cdddar", "cddddr",
};
static_assert(sizeof(kCxrNames) / sizeof(kCxrNames[0]) == 28);

template <int I>
V Cxr(CallContext&, const V* args, int) {
  std::string_view name = kCxrNames[I];
  V v = args[0];
  // The operations apply right to left: cadr = car of cdr.
  for (size_t i = name.size() - 2; i >= 1; --i) {
    if (!v.IsPair()) {
      Fail(Cat(name, ": expected a list with a ", name, ", got ", Quote(args[0])));
    }
    v = name[i] == 'a' ? Car(v) : Cdr(v);
  }
  return v;
}

V ListFn(CallContext&, const V* args, int argc) { return ListFromArgs(args, argc); }
V ListP(CallContext&, const V* a, int) { return V::Bool(ListLength(a[0]) >= 0); }
V PairP(CallContext&, const V* a, int) { return V::Bool(a[0].IsPair()); }
V NullP(CallContext&, const V* a, int) { return V::Bool(a[0].IsNil()); }

V LengthFn(CallContext&, const V* a, int) {
  return V::Fixnum(static_cast<int64_t>(CheckList("length", a[0])));
}

V Append(CallContext&, const V* args, int argc) {
  if (argc == 0) return V::Nil();
  for (int i = 0; i + 1 < argc; ++i) CheckList("append", args[i]);
  // head and tail are locals, so the partial copy stays reachable while Cons allocates.
  V head = args[argc - 1];
  V tail = V::Nil();
  for (int i = 0; i + 1 < argc; ++i) {
    for (V l = args[i]; l.IsPair(); l = Cdr(l)) {
      V cell = Cons(Car(l), args[argc - 1]);
      if (tail.IsNil()) {
        head = cell;
      } else {
        SetCdr(tail, cell);
      }
      tail = cell;
    }
  }
  return head;
}

V Reverse(CallContext&, const V* args, int) {
  CheckList("reverse", args[0]);
  V result = V::Nil();
  for (V l = args[0]; l.IsPair(); l = Cdr(l)) result = Cons(Car(l), result);
  return result;
}

V ListTail(CallContext&, const V* args, int) {
  int64_t k = CheckFixnum("list-tail", args[1]);
  V l = args[0];
  if (k < 0) IndexError("list-tail", args[1], "list", 0);
  for (int64_t i = 0; i < k; ++i) {
    if (!l.IsPair()) {
      Fail(Cat("list-tail: index ", k, " out of range for a list of length ", i));
    }
    l = Cdr(l);
  }
  return l;
}

V ListRef(CallContext&, const V* args, int) {
  int64_t k = CheckFixnum("list-ref", args[1]);
  V l = args[0];
  int64_t n = ListLength(l);
  if (n < 0) {
    // Improper or circular: still fine if the index lands on a pair before the end.
    n = 0;
    for (V p = l; p.IsPair() && n <= k; p = Cdr(p)) ++n;
  }
  if (k < 0 || k >= n) {
    Fail(Cat("list-ref: index ", k, " out of range for a list of length ", n));
  }
  for (int64_t i = 0; i < k; ++i) l = Cdr(l);
  return Car(l);
}

V ListSet(CallContext&, const V* args, int) {
  int64_t k = CheckFixnum("list-set!", args[1]);
  V l = args[0];
  int64_t i = 0;
  for (; l.IsPair() && i < k; ++i) l = Cdr(l);
  if (k < 0 || !l.IsPair()) {
    int64_t n = ListLength(args[0]);
    Fail(Cat("list-set!: index ", k, " out of range for a list of length ", n < 0 ? i : n));
  }
  SetCar(l, args[2]);
  return V::Unspecified();
}

V MakeList(CallContext&, const V* args, int argc) {
  int64_t n = CheckFixnum("make-list", args[0]);
  if (n < 0) TypeError("make-list", "non-negative length", args[0]);
  V fill = argc > 1 ? args[1] : V::False();
  V list = V::Nil();
  for (int64_t i = 0; i < n; ++i) list = Cons(fill, list);
  return list;
}

V ListCopy(CallContext&, const V* args, int) {
  V l = args[0];
  if (!l.IsPair()) return l;
  // Circular lists would copy forever; improper ones keep their tail.
  {
    V slow = l, fast = l;
    while (fast.IsPair() && Cdr(fast).IsPair()) {
      fast = Cdr(Cdr(fast));
      slow = Cdr(slow);
      if (fast == slow) TypeError("list-copy", "list that is not circular", args[0]);
    }
  }
  V head = Cons(Car(l), V::Nil());
  V tail = head;
  for (l = Cdr(l); l.IsPair(); l = Cdr(l)) {
    V cell = Cons(Car(l), V::Nil());
    SetCdr(tail, cell);
    tail = cell;
  }
  SetCdr(tail, l);
  return head;
}

enum class Eq { kEq, kEqv, kEqual };

bool Same(Eq kind, V a, V b) {
  switch (kind) {
    case Eq::kEq: return a == b;
    case Eq::kEqv: return Eqv(a, b);
    case Eq::kEqual: return Equal(a, b);
  }
  return false;
}

// Walks `list` for member/assoc and friends, checking it as it goes rather than in a first pass:
// the first pair `hit` accepts (returned), or #f at the end of a proper list. An improper tail
// or a cycle (a second pointer moving at half speed meets the first) is the error "expected a
// proper list" -- only if the search reaches it, as in Chez Scheme.
template <typename Hit>
V SearchList(const char* who, V list, Hit hit) {
  V slow = list;
  bool move_slow = false;
  for (V l = list; l.IsPair();) {
    if (hit(l)) return l;
    l = Cdr(l);
    if (move_slow) slow = Cdr(slow);
    move_slow = !move_slow;
    if (l == slow && l.IsPair()) TypeError(who, "proper list", list);
    if (!l.IsPair() && !l.IsNil()) TypeError(who, "proper list", list);
  }
  if (!list.IsPair() && !list.IsNil()) TypeError(who, "proper list", list);
  return V::False();
}

V Member(const char* who, Eq kind, CallContext& ctx, const V* args, int argc) {
  if (argc > 2) CheckProcedure(who, args[2]);
  return SearchList(who, args[1], [&](V l) {
    if (argc > 2) {
      V call[2] = {args[0], Car(l)};
      return ctx.Apply(args[2], call, 2).IsTruthy();
    }
    return Same(kind, args[0], Car(l));
  });
}

V Assoc(const char* who, Eq kind, CallContext& ctx, const V* args, int argc) {
  if (argc > 2) CheckProcedure(who, args[2]);
  V found = SearchList(who, args[1], [&](V l) {
    V entry = Car(l);
    if (!entry.IsPair()) TypeError(who, "pair", entry);
    if (argc > 2) {
      V call[2] = {args[0], Car(entry)};
      return ctx.Apply(args[2], call, 2).IsTruthy();
    }
    return Same(kind, args[0], Car(entry));
  });
  return found.IsPair() ? Car(found) : found;
}

V Memq(CallContext& c, const V* a, int n) { return Member("memq", Eq::kEq, c, a, n); }
V Memv(CallContext& c, const V* a, int n) { return Member("memv", Eq::kEqv, c, a, n); }
V MemberFn(CallContext& c, const V* a, int n) { return Member("member", Eq::kEqual, c, a, n); }
V Assq(CallContext& c, const V* a, int n) { return Assoc("assq", Eq::kEq, c, a, n); }
V Assv(CallContext& c, const V* a, int n) { return Assoc("assv", Eq::kEqv, c, a, n); }
V AssocFn(CallContext& c, const V* a, int n) { return Assoc("assoc", Eq::kEqual, c, a, n); }

#define CXR(i) {kCxrNames[i], 1, 1, Cxr<i>}

constexpr Builtin kBuiltins[] = {
    {"list-set!", 3, 3, ListSet},
    {"make-list", 1, 2, MakeList},
    {"cons", 2, 2, ConsFn},
    {"car", 1, 1, CarFn},
    {"cdr", 1, 1, CdrFn},
    {"set-car!", 2, 2, SetCarFn},
    {"set-cdr!", 2, 2, SetCdrFn},
    CXR(0), CXR(1), CXR(2), CXR(3), CXR(4), CXR(5), CXR(6), CXR(7), CXR(8), CXR(9),
    CXR(10), CXR(11), CXR(12), CXR(13), CXR(14), CXR(15), CXR(16), CXR(17), CXR(18), CXR(19),
    CXR(20), CXR(21), CXR(22), CXR(23), CXR(24), CXR(25), CXR(26), CXR(27),
    {"list", 0, -1, ListFn},
    {"list?", 1, 1, ListP},
    {"pair?", 1, 1, PairP},
    {"null?", 1, 1, NullP},
    {"length", 1, 1, LengthFn},
    {"append", 0, -1, Append},
    {"reverse", 1, 1, Reverse},
    {"list-tail", 2, 2, ListTail},
    {"list-ref", 2, 2, ListRef},
    {"list-copy", 1, 1, ListCopy},
    {"memq", 2, 2, Memq},
    {"memv", 2, 2, Memv},
    {"member", 2, 3, MemberFn},
    {"assq", 2, 2, Assq},
    {"assv", 2, 2, Assv},
    {"assoc", 2, 3, AssocFn},
};

#undef CXR

}  // namespace

absl::Span<const Builtin> ListBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
