// Weakness, with Chez Scheme's names: weak-cons, weak-pair?, bwp-object?, ephemeron-cons,
// ephemeron-pair?, make-guardian. The objects are the runtime's own (mosaic/weak.h); the order
// in which a collection handles them is docs/design/runtime.md, "Weakness".
//
// Deviations from Chez (for docs/toylang.md):
// - Weak and ephemeron pairs are not pairs: pair? is #f for them, and only car, cdr, set-car!
//   and set-cdr! accept them (lists.cc), not the list procedures, the c[ad]+r family or
//   equal? (which compares them with eqv?). They print as #<weak-pair> and #<ephemeron-pair>.
// - A guardian takes no representative: (g obj) registers obj, (g) returns a registered object
//   that has become unreachable, or #f. Weak references to an object are cleared before its
//   guardian keeps it (Chez keeps them), so a weak pair to a guarded object reads #!bwp once
//   the guardian has it.
#include "frontend/builtins/builtins_internal.h"
#include "mosaic/weak.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

V WeakCons(CallContext&, const V* a, int) { return mosaic::NewWeakPair(a[0], a[1]); }
V WeakPairP(CallContext&, const V* a, int) { return V::Bool(mosaic::IsWeakPair(a[0])); }
V BwpObjectP(CallContext&, const V* a, int) { return V::Bool(a[0].IsBrokenWeak()); }
V EphemeronCons(CallContext&, const V* a, int) { return mosaic::NewEphemeron(a[0], a[1]); }
V EphemeronPairP(CallContext&, const V* a, int) { return V::Bool(mosaic::IsEphemeron(a[0])); }

// What a guardian procedure runs: its primitive carries the runtime's guardian.
V GuardianCall(CallContext& ctx, const V* a, int argc) {
  V guardian = PrimitiveData(ctx.callee());
  if (argc == 1) {
    mosaic::GuardianRegister(guardian, a[0]);
    return V::Unspecified();
  }
  V back = mosaic::GuardianTake(guardian);
  return back == V() ? V::False() : back;
}

// Not in the table below (it must not become a global variable): only guardian procedures
// point at it. Static storage, as a primitive's code word requires.
constexpr Builtin kGuardianProcedure = {"guardian", 0, 1, GuardianCall};

V MakeGuardian(CallContext&, const V*, int) {
  V guardian = mosaic::NewGuardian();
  return MakePrimitiveWithData(&kGuardianProcedure, "guardian", guardian);
}

constexpr Builtin kBuiltins[] = {
    {"weak-cons", 2, 2, WeakCons},
    {"weak-pair?", 1, 1, WeakPairP},
    {"bwp-object?", 1, 1, BwpObjectP},
    {"ephemeron-cons", 2, 2, EphemeronCons},
    {"ephemeron-pair?", 1, 1, EphemeronPairP},
    {"make-guardian", 0, 0, MakeGuardian},
};

}  // namespace

absl::Span<const Builtin> WeakBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
