// The native helpers behind JIT code (jit/helpers.h). Each starts with MOSAIC_JIT_EXIT_SCOPE():
// it may collect (or throw a toylang error through JIT frames), and the stack walker must find
// the JIT frames above it.
#include "jit/helpers.h"

#include <alloca.h>

#include "absl/strings/str_cat.h"
#include "frontend/builtins/builtins.h"
#include "frontend/builtins/case_lambda.h"
#include "frontend/builtins/continuations.h"
#include "frontend/objects/objects.h"
#include "frontend/objects/printer.h"
#include "jit/thread_state.h"
#include "mosaic/stackmaps/activation.h"

namespace toylang::jit {

HelperHost*& CurrentHelperHost() {
  static thread_local HelperHost* host = nullptr;
  return host;
}

namespace {
thread_local uint64_t primitive_calls_through_helpers = 0;
}  // namespace

uint64_t PrimitiveCallsThroughHelpers() { return primitive_calls_through_helpers; }

[[noreturn]] void ThrowArityError(const JitProc& proc, int argc, const SourcePos& pos) {
  throw Error(ArityMessage(proc.name, proc.min_args, proc.max_args, argc), pos);
}

namespace {

using mosaic::stackmaps::Activation;
using mosaic::stackmaps::ActivationHead;
using mosaic::stackmaps::kActivationEntry;
using mosaic::stackmaps::kActivationExit;

// --- Helpers called by JIT code ----------------------------------------------------------------

bool Accepts(const JitProc& proc, int64_t argc) {
  return proc.max_args < 0 ? argc >= proc.min_args : argc == proc.max_args;
}

// A call that JIT code does not make itself: primitives, and closures given the wrong number of
// arguments (the error) or something that is not a procedure (the error). The site's position
// is computed only for an error: it costs a virtual call and a copy.
uint64_t CallSlow(uint64_t f, int64_t argc, const uint64_t* regs, uint64_t rest,
                  const ErrorSite* site) {
  HelperHost* host = CurrentHelperHost();
  Value fn = Value::FromBits(f);
  int n = static_cast<int>(argc);
  if (IsClosure(fn)) {
    ThrowArityError(*static_cast<const JitProc*>(ClosureInfo(fn)), n, host->PosFor(site));
  }
  if (!IsPrimitive(fn)) {
    throw Error(absl::StrCat("not a procedure: ", WriteString(fn)), host->PosFor(site));
  }
  ++primitive_calls_through_helpers;
  // The arguments stay on this native frame (scanned conservatively), never in malloc'd
  // memory; n is bounded by the longest call in the program text.
  Value small[kRegisterArgs];
  Value* args = small;
  if (n > kRegisterArgs) args = static_cast<Value*>(alloca(static_cast<size_t>(n) * sizeof(Value)));
  for (int i = 0; i < n && i < kRegisterArgs; ++i) args[i] = Value::FromBits(regs[i]);
  Value list = Value::FromBits(rest);
  for (int i = kRegisterArgs; i < n; ++i, list = Cdr(list)) args[i] = Car(list);
  Value primitive = fn;
  // A continuation (a primitive with data: the cheap test first, this path carries every call
  // of a built-in passed as a value) whose call/cc called the receiver that led here through
  // JIT frames alone: the activation list reads [this helper's exit, the receiver's entry,
  // call/cc's head].
  if (PrimitiveHasData(primitive)) {
    const Activation* exit = ActivationHead();
    if (exit != nullptr && exit->kind == kActivationExit && exit->prev != nullptr &&
        exit->prev->kind == kActivationEntry) {
      TryDirectEscape(primitive, args, n, exit->prev->prev);  // returns when it does not apply
    }
  }
  try {
    return host->CallPrimitive(primitive, args, n, SourcePos{}).bits();
  } catch (Error& e) {
    e.SetPosIfMissing(host->PosFor(site));
    throw;
  }
}

// The call of anything: the slow path behind inline primitives and procedure tests (a global
// redefined to another procedure lands here), and the generic call's path for primitives.
extern "C" uint64_t tj_call(uint64_t f, int64_t argc, uint64_t a0, uint64_t a1, uint64_t a2,
                            uint64_t a3, uint64_t a4, uint64_t a5, uint64_t rest,
                            const ErrorSite* site) {
  MOSAIC_JIT_EXIT_SCOPE();
  uint64_t regs[kRegisterArgs] = {a0, a1, a2, a3, a4, a5};
  Value fn = Value::FromBits(f);
  if (IsCaseLambda(fn)) {  // its clause for argc arguments (or itself, which reports the error)
    fn = SelectCaseLambdaClause(fn, static_cast<int>(argc));
    f = fn.bits();
  }
  if (IsClosure(fn) && Accepts(*static_cast<const JitProc*>(ClosureInfo(fn)), argc)) {
    try {
      return CurrentHelperHost()->CallClosure(fn, argc, regs, rest, site).bits();
    } catch (Error& e) {  // "stack overflow" before the call; the callee's own have positions
      e.SetPosIfMissing(CurrentHelperHost()->PosFor(site));
      throw;
    }
  }
  return CallSlow(f, argc, regs, rest, site);
}

// tj_call for a call in tail position. (apply f x ... list) with a closure f is not performed
// here: the spread call is left in the engine's pending buffer and kTailCallMarker returned,
// and the JIT caller makes it as a real tail call (R7RS 3.5: apply calls f in tail position).
extern "C" uint64_t tj_call_tail(uint64_t f, int64_t argc, uint64_t a0, uint64_t a1,
                                 uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                                 uint64_t rest, const ErrorSite* site) {
  MOSAIC_JIT_EXIT_SCOPE();
  uint64_t regs[kRegisterArgs] = {a0, a1, a2, a3, a4, a5};
  static const Builtin* const apply = FindBuiltin("apply");
  Value fn = Value::FromBits(f);
  if (IsCaseLambda(fn)) {  // its clause is called as a tail call like any closure
    fn = SelectCaseLambdaClause(fn, static_cast<int>(argc));
    f = fn.bits();
  }
  uint64_t* pending = tls_jit_state.pending;  // the running thread's (thread_state.h)
  if (IsClosure(fn) && Accepts(*static_cast<const JitProc*>(ClosureInfo(fn)), argc)) {
    // The JIT caller makes the call itself, as a tail call.
    pending[0] = f;
    pending[1] = static_cast<uint64_t>(argc);
    for (int i = 0; i < kRegisterArgs; ++i) pending[2 + i] = regs[i];
    pending[2 + kRegisterArgs] = rest;
    return kTailCallMarker;
  }
  if (!IsPrimitive(fn) || PrimitiveBuiltin(fn) != apply || argc < 2) {
    return CallSlow(f, argc, regs, rest, site);
  }
  SourcePos pos = CurrentHelperHost()->PosFor(site);
  // The arguments in order: argv(0) is the procedure, argv(argc - 1) the list.
  int n_args = static_cast<int>(argc);
  Value extra = Value::FromBits(rest);
  auto argv = [&](int i) {
    if (i < kRegisterArgs) return Value::FromBits(regs[i]);
    Value l = extra;
    for (int k = kRegisterArgs; k < i; ++k) l = Cdr(l);
    return Car(l);
  };
  Value proc = argv(0);
  Value list = argv(n_args - 1);
  int64_t length = ListLength(list);
  if (length >= 0 && IsCaseLambda(proc)) proc = SelectCaseLambdaClause(proc, n_args - 2 + static_cast<int>(length));
  // The built-in reports these errors (and calls primitives).
  if (length < 0 || !IsClosure(proc)) return CallSlow(f, argc, regs, rest, site);
  int spread = n_args - 2;
  int64_t total = spread + length;
  const auto* target = static_cast<const JitProc*>(ClosureInfo(proc));
  if (total < target->min_args || (target->max_args >= 0 && total > target->max_args)) {
    ThrowArityError(*target, static_cast<int>(total), pos);
  }
  // The spread arguments: argv(1..spread), then the list's elements.
  Value l = list;
  auto spread_arg = [&](int64_t i) {
    if (i < spread) return argv(static_cast<int>(i) + 1);
    Value v = Car(l);
    l = Cdr(l);
    return v;
  };
  Value first[kRegisterArgs];
  for (int64_t i = 0; i < kRegisterArgs; ++i) {
    first[i] = i < total ? spread_arg(i) : Value::Unspecified();
  }
  // The arguments after the sixth, in a fresh list (built reversed, then turned in place).
  // Everything stays reachable from this frame's locals while Cons collects.
  Value reversed = Value::Nil();
  for (int64_t i = kRegisterArgs; i < total; ++i) reversed = Cons(spread_arg(i), reversed);
  Value tail = Value::Nil();
  while (reversed.IsPair()) {
    Value next = Cdr(reversed);
    SetCdr(reversed, tail);
    tail = reversed;
    reversed = next;
  }
  pending[0] = proc.bits();
  pending[1] = static_cast<uint64_t>(total);
  for (int i = 0; i < kRegisterArgs; ++i) pending[2 + i] = first[i].bits();
  pending[2 + kRegisterArgs] = tail.bits();
  return kTailCallMarker;
}

extern "C" uint64_t tj_cons(uint64_t car, uint64_t cdr) {
  MOSAIC_JIT_EXIT_SCOPE();
  return Cons(Value::FromBits(car), Value::FromBits(cdr)).bits();
}

extern "C" uint64_t tj_make_box(uint64_t v) {
  MOSAIC_JIT_EXIT_SCOPE();
  return MakeBox(Value::FromBits(v)).bits();
}

extern "C" uint64_t tj_make_closure(const JitProc* proc, int64_t captures) {
  MOSAIC_JIT_EXIT_SCOPE();
  return MakeClosure(proc, static_cast<size_t>(captures)).bits();
}

extern "C" [[noreturn]] void tj_throw(const ErrorSite* site) {
  MOSAIC_JIT_EXIT_SCOPE();
  throw Error(site->message, CurrentHelperHost()->PosFor(site));
}

extern "C" void tj_poll() {
  MOSAIC_JIT_EXIT_SCOPE();
  CurrentHelperHost()->Poll();
}


}  // namespace

std::vector<std::pair<std::string, const void*>> HelperSymbols() {
  return {
      {"tj_call", reinterpret_cast<const void*>(&tj_call)},
      {"tj_call_tail", reinterpret_cast<const void*>(&tj_call_tail)},
      {"tj_cons", reinterpret_cast<const void*>(&tj_cons)},
      {"tj_make_box", reinterpret_cast<const void*>(&tj_make_box)},
      {"tj_make_closure", reinterpret_cast<const void*>(&tj_make_closure)},
      {"tj_throw", reinterpret_cast<const void*>(&tj_throw)},
      {"tj_poll", reinterpret_cast<const void*>(&tj_poll)},
  };
}

}  // namespace toylang::jit
