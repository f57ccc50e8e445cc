// Parameter objects (R7RS 4.2.6): make-parameter, and %parameterize, what the expander makes of
// (parameterize ((p v) ...) body ...): (%parameterize (lambda () body ...) p v ...).
//
// A parameter is a procedure (procedure? is #t): a primitive whose data is its state, an object
// [header | global value | converter or #f]. The current bindings are the thread's
// parameterization (dynamic_env.h), a list of (state . value) pairs, innermost first; calling
// the parameter returns the first binding of its state, else its global value. parameterize
// applies the converters, conses the new bindings onto the list for the body's extent and puts
// the old list back however the body exits (errors included).
//
// A new thread starts with the parameterize bindings in effect where make-thread was called
// (SRFI-18: it inherits the dynamic environment; threads.cc), and no exception handlers.
#include "frontend/builtins/builtins_internal.h"
#include "frontend/builtins/dynamic_env.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

constexpr size_t kValueSlot = 1;
constexpr size_t kConverterSlot = 2;

V ParameterCall(CallContext& ctx, const V*, int) {
  V state = PrimitiveData(ctx.callee());
  for (V l = CurrentParameterization(); l.IsPair(); l = Cdr(l)) {
    V binding = Car(l);
    if (Car(binding) == state) return Cdr(binding);
  }
  return V::FromBits(state.ObjectWords()[kValueSlot]);
}

// Not in the table below (it must not become a global variable): only parameter objects point
// at it. Static storage, as a primitive's code word requires.
constexpr Builtin kParameterProcedure = {"parameter", 0, 0, ParameterCall};

bool IsParameter(V v) {
  return IsPrimitive(v) && PrimitiveBuiltin(v) == &kParameterProcedure;
}

V MakeParameter(CallContext& ctx, const V* a, int argc) {
  V value = a[0];
  V converter = V::False();
  if (argc == 2) {
    converter = CheckProcedure("make-parameter", a[1]);
    value = ctx.Apply(converter, &value, 1);
  }
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(ObjType::kParameter, 2, 0));
  words[kValueSlot] = value.bits();  // made just now: no barrier
  words[kConverterSlot] = converter.bits();
  V state = V::Object(words);
  return MakePrimitiveWithData(&kParameterProcedure, "parameter", state);
}

V Parameterize(CallContext& ctx, const V* a, int argc) {
  V thunk = a[0];
  V saved = CurrentParameterization();
  V bindings = saved;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!IsParameter(a[i])) TypeError("parameterize", "parameter object", a[i]);
    V state = PrimitiveData(a[i]);
    V converter = V::FromBits(state.ObjectWords()[kConverterSlot]);
    V value = a[i + 1];
    if (!converter.IsFalse()) value = ctx.Apply(converter, &value, 1);
    bindings = Cons(Cons(state, value), bindings);
  }
  ParameterizationRestore restore(saved);
  SetCurrentParameterization(bindings);
  return ctx.Apply(thunk, nullptr, 0);
}

constexpr Builtin kBuiltins[] = {
    {"make-parameter", 1, 2, MakeParameter},
    {"%parameterize", 1, -1, Parameterize},
};

}  // namespace

absl::Span<const Builtin> ParameterBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
