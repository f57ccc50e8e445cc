// Promises (R7RS 4.2.5): delay, delay-force, make-promise, force, promise?. The expander turns
// (delay e) into (%delay (lambda () e)) and (delay-force e) into (%delay-force (lambda () e)).
//
// A promise is [header | state], the state a pair (done? . value) as in R7RS's reference
// implementation: done? is #t (value is the value), kDelay (value is a thunk whose result is
// the value) or kDelayForce (value is a thunk whose result is a promise to force in its place).
// force runs a loop, not a recursion: when a delay-force thunk returns promise q, the promise
// takes q's state and q is made to share it, so a long chain of delay-forces (the R7RS stream
// loop) is forced in constant C++ stack and constant space.
//
// Deviations from R7RS (for docs/toylang.md):
// - (force obj) of an object that is not a promise returns it (R7RS allows this).
// - A delay-force expression that returns something other than a promise makes that the
//   promise's value.
#include "frontend/builtins/builtins_internal.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

const V kDelay = V::Fixnum(1);
const V kDelayForce = V::Fixnum(2);

V StateOfPromise(V p) { return V::FromBits(p.ObjectWords()[1]); }
void SetStateOfPromise(V p, V state) {
  mosaic::WriteField(reinterpret_cast<V*>(p.ObjectWords() + 1), state);
}

V NewPromise(V done, V value) {
  V state = Cons(done, value);
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(ObjType::kPromise, 1, 0));
  words[1] = state.bits();  // made just now: no barrier
  return V::Object(words);
}

V Delay(CallContext&, const V* a, int) { return NewPromise(kDelay, a[0]); }
V DelayForce(CallContext&, const V* a, int) { return NewPromise(kDelayForce, a[0]); }

V MakePromise(CallContext&, const V* a, int) {
  if (IsPromise(a[0])) return a[0];
  return NewPromise(V::True(), a[0]);
}

V PromiseP(CallContext&, const V* a, int) { return V::Bool(IsPromise(a[0])); }

V Force(CallContext& ctx, const V* a, int) {
  V promise = a[0];
  if (!IsPromise(promise)) return promise;
  for (;;) {
    V state = StateOfPromise(promise);
    if (Car(state) == V::True()) return Cdr(state);
    bool forcing = Car(state) == kDelayForce;
    V result = ctx.Apply(Cdr(state), nullptr, 0);
    // The thunk may have forced this promise itself (R7RS: reentrant force): the first value
    // computed wins.
    state = StateOfPromise(promise);
    if (Car(state) == V::True()) return Cdr(state);
    if (!forcing || !IsPromise(result)) {
      SetCar(state, V::True());
      SetCdr(state, result);
      return result;
    }
    // delay-force: this promise becomes `result` (shares its state), and forcing goes on.
    V next = StateOfPromise(result);
    SetCar(state, Car(next));
    SetCdr(state, Cdr(next));
    SetStateOfPromise(result, state);
  }
}

constexpr Builtin kBuiltins[] = {
    {"%delay", 1, 1, Delay},
    {"%delay-force", 1, 1, DelayForce},
    {"make-promise", 1, 1, MakePromise},
    {"promise?", 1, 1, PromiseP},
    {"force", 1, 1, Force},
};

}  // namespace

absl::Span<const Builtin> PromiseBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
