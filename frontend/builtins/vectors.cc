// Vectors.
//
// Deviations from R7RS (for docs/toylang.md):
// - Vector literals are mutable (R7RS makes mutating a literal an error).
// - vector-map and vector-for-each call the procedure on elements in index order (R7RS leaves
//   vector-map's order unspecified) and stop at the shortest vector.
// - make-vector without a fill fills with #f.
#include <alloca.h>

#include "frontend/builtins/builtins_internal.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

V VectorP(CallContext&, const V* a, int) { return V::Bool(IsVector(a[0])); }

V MakeVectorFn(CallContext&, const V* args, int argc) {
  int64_t n = CheckFixnum("make-vector", args[0]);
  if (n < 0) TypeError("make-vector", "non-negative length", args[0]);
  return MakeVector(static_cast<size_t>(n), argc > 1 ? args[1] : V::False());
}

V VectorFn(CallContext&, const V* args, int argc) {
  V v = MakeVector(static_cast<size_t>(argc), V::False());
  for (int i = 0; i < argc; ++i) VectorSet(v, i, args[i]);
  return v;
}

V VectorLengthFn(CallContext&, const V* a, int) {
  return V::Fixnum(static_cast<int64_t>(VectorLength(CheckVector("vector-length", a[0]))));
}

V VectorRefFn(CallContext&, const V* a, int) {
  V v = CheckVector("vector-ref", a[0]);
  return VectorRef(v, CheckIndex("vector-ref", a[1], "vector", VectorLength(v)));
}

V VectorSetFn(CallContext&, const V* a, int) {
  V v = CheckVector("vector-set!", a[0]);
  VectorSet(v, CheckIndex("vector-set!", a[1], "vector", VectorLength(v)), a[2]);
  return V::Unspecified();
}

V VectorToList(CallContext&, const V* args, int argc) {
  V v = CheckVector("vector->list", args[0]);
  size_t start, end;
  CheckRange("vector->list", args, argc, 1, VectorLength(v), "vector", &start, &end);
  V list = V::Nil();
  for (size_t i = end; i > start; --i) list = Cons(VectorRef(v, i - 1), list);
  return list;
}

V ListToVector(CallContext&, const V* args, int) {
  size_t n = CheckList("list->vector", args[0]);
  V v = MakeVector(n, V::False());
  size_t i = 0;
  for (V l = args[0]; l.IsPair() && i < n; l = Cdr(l)) VectorSet(v, i++, Car(l));
  return v;
}

V VectorFill(CallContext&, const V* args, int argc) {
  V v = CheckVector("vector-fill!", args[0]);
  size_t start, end;
  CheckRange("vector-fill!", args, argc, 2, VectorLength(v), "vector", &start, &end);
  for (size_t i = start; i < end; ++i) VectorSet(v, i, args[1]);
  return V::Unspecified();
}

V VectorCopy(CallContext&, const V* args, int argc) {
  V v = CheckVector("vector-copy", args[0]);
  size_t start, end;
  CheckRange("vector-copy", args, argc, 1, VectorLength(v), "vector", &start, &end);
  V copy = MakeVector(end - start, V::False());
  for (size_t i = start; i < end; ++i) VectorSet(copy, i - start, VectorRef(v, i));
  return copy;
}

V VectorAppend(CallContext&, const V* args, int argc) {
  size_t total = 0;
  for (int i = 0; i < argc; ++i) total += VectorLength(CheckVector("vector-append", args[i]));
  V result = MakeVector(total, V::False());
  size_t k = 0;
  for (int i = 0; i < argc; ++i) {
    for (size_t j = 0; j < VectorLength(args[i]); ++j) VectorSet(result, k++, VectorRef(args[i], j));
  }
  return result;
}

// (vector-copy! to at from [start [end]]); overlapping ranges of one vector copy as if through
// a temporary, as R7RS requires.
V VectorCopyInto(CallContext&, const V* args, int argc) {
  const char* who = "vector-copy!";
  V to = CheckVector(who, args[0]);
  size_t at = CheckIndex(who, args[1], "vector", VectorLength(to), /*inclusive=*/true);
  V from = CheckVector(who, args[2]);
  size_t start, end;
  CheckRange(who, args, argc, 3, VectorLength(from), "vector", &start, &end);
  size_t n = end - start;
  if (n > VectorLength(to) - at) {
    Fail(Cat(who, ": ", n, " elements do not fit at index ", at, " of a vector of length ",
             VectorLength(to)));
  }
  if (at <= start) {
    for (size_t i = 0; i < n; ++i) VectorSet(to, at + i, VectorRef(from, start + i));
  } else {
    for (size_t i = n; i > 0; --i) VectorSet(to, at + i - 1, VectorRef(from, start + i - 1));
  }
  return V::Unspecified();
}

// vector-map (collect = true) and vector-for-each.
V VectorWalk(const char* who, bool collect, CallContext& ctx, const V* args, int argc) {
  CheckProcedure(who, args[0]);
  size_t n = SIZE_MAX;
  for (int i = 1; i < argc; ++i) {
    size_t len = VectorLength(CheckVector(who, args[i]));
    if (len < n) n = len;
  }
  V result = collect ? MakeVector(n, V::False()) : V::Unspecified();
  // The call's arguments live on this frame's stack (alloca), where the collector finds them,
  // or, for very many vectors, in a heap vector held by a local.
  int k = argc - 1;
  V buffer = V::False();
  V* call;
  if (k <= 256) {
    call = static_cast<V*>(alloca(sizeof(V) * k));
  } else {
    buffer = MakeVector(static_cast<size_t>(k), V::False());
    call = VectorData(buffer);
  }
  for (size_t i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) {
      V x = VectorRef(args[j + 1], i);
      if (buffer.IsFalse()) {
        call[j] = x;
      } else {
        VectorSet(buffer, static_cast<size_t>(j), x);  // a heap object: through the barrier
      }
    }
    V x = ctx.Apply(args[0], call, k);
    if (collect) VectorSet(result, i, x);
  }
  asm volatile("" : : "r"(buffer.bits()) : "memory");
  return result;
}

V VectorMap(CallContext& c, const V* a, int n) { return VectorWalk("vector-map", true, c, a, n); }
V VectorForEach(CallContext& c, const V* a, int n) {
  return VectorWalk("vector-for-each", false, c, a, n);
}

constexpr Builtin kBuiltins[] = {
    {"vector-append", 0, -1, VectorAppend},
    {"vector-copy!", 3, 5, VectorCopyInto},
    {"vector?", 1, 1, VectorP},
    {"make-vector", 1, 2, MakeVectorFn},
    {"vector", 0, -1, VectorFn},
    {"vector-length", 1, 1, VectorLengthFn},
    {"vector-ref", 2, 2, VectorRefFn},
    {"vector-set!", 3, 3, VectorSetFn},
    {"vector->list", 1, 3, VectorToList},
    {"list->vector", 1, 1, ListToVector},
    {"vector-fill!", 2, 4, VectorFill},
    {"vector-map", 2, -1, VectorMap},
    {"vector-for-each", 2, -1, VectorForEach},
    {"vector-copy", 1, 3, VectorCopy},
};

}  // namespace

absl::Span<const Builtin> VectorBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
