// call-with-current-continuation, call/cc, dynamic-wind; evaluation bases and continuation
// barriers (continuations.h; docs/design/continuations.md).
//
// Deviations from R7RS (for docs/toylang.md):
// - A continuation reaches up to its evaluation's base: each top-level form (each REPL input,
//   each form of a file) and each thread's thunk. Re-entering a continuation of an earlier
//   top-level form runs the rest of that form and returns its value as the value of the form
//   that re-entered it (the REPL prints it); the forms after the earlier one are not run again.
// - A continuation captured inside a continuation barrier (with-output-to-file,
//   with-input-from-file, call-with-input-file, call-with-output-file, call-with-port,
//   hashtable-update! and a generic hash table's hash or equivalence procedure, an after thunk
//   run because of an error or an escape) can be used to escape, but re-entering it is an
//   error; so is re-entering a continuation on another thread, or under another evaluation
//   base (a different stack depth).
// - An error unwinding through a dynamic-wind runs its after thunk, as an escape does.
#include "frontend/builtins/continuations.h"

#include <alloca.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/builtins/dynamic_state.h"
#include "frontend/common/error.h"
#include "frontend/common/stack_check.h"
#include "mosaic/internal/mutator_layout.h"

// --- The machine-level part (x86-64 SysV) --------------------------------------------------
//
// toylang_cont_base_call(fn, arg, sp_out): saves the callee-saved registers in its own frame,
// stores its stack pointer (the base: everything below belongs to the evaluation) in *sp_out,
// calls fn(arg), restores the registers from its frame and returns fn's result. A reinstated
// segment returns into it through the copied return address; it then pops the registers of the
// *current* caller, not those of the evaluation the segment was copied from.
//
// toylang_cont_capture_call(fn, arg, regs): records the caller's callee-saved registers, the
// stack pointer it will have after the return, the return address, MXCSR and the x87 control
// word in regs[0..8], then calls fn(arg) and returns its result.
//
// toylang_cont_resume(regs, value): makes toylang_cont_capture_call return `value` once more:
// registers and stack pointer as recorded, then a jump to the recorded return address. The
// caller's frame must already be back in place (the segment copied back).
extern "C" {
uint64_t toylang_cont_base_call(uint64_t (*fn)(void*), void* arg, uintptr_t* sp_out);
uint64_t toylang_cont_capture_call(uint64_t (*fn)(void*), void* arg, uint64_t* regs);
[[noreturn]] void toylang_cont_resume(const uint64_t* regs, uint64_t value);
}

asm(R"(
  .pushsection .text
  .p2align 4
  .globl toylang_cont_base_call
  .hidden toylang_cont_base_call
  .type toylang_cont_base_call,@function
toylang_cont_base_call:
  .cfi_startproc
  pushq %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  movq %rsp, %rbp
  .cfi_def_cfa_register %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  .cfi_offset %rbx, -24
  .cfi_offset %r12, -32
  .cfi_offset %r13, -40
  .cfi_offset %r14, -48
  .cfi_offset %r15, -56
  subq $8, %rsp
  movq %rsp, (%rdx)
  movq %rdi, %rax
  movq %rsi, %rdi
  callq *%rax
  addq $8, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  .cfi_def_cfa %rsp, 8
  retq
  .cfi_endproc
  .size toylang_cont_base_call, .-toylang_cont_base_call

  .p2align 4
  .globl toylang_cont_capture_call
  .hidden toylang_cont_capture_call
  .type toylang_cont_capture_call,@function
toylang_cont_capture_call:
  .cfi_startproc
  movq %rbx, 0(%rdx)
  movq %rbp, 8(%rdx)
  movq %r12, 16(%rdx)
  movq %r13, 24(%rdx)
  movq %r14, 32(%rdx)
  movq %r15, 40(%rdx)
  leaq 8(%rsp), %rax
  movq %rax, 48(%rdx)
  movq (%rsp), %rax
  movq %rax, 56(%rdx)
  stmxcsr 64(%rdx)
  fnstcw 68(%rdx)
  pushq %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  movq %rsp, %rbp
  .cfi_def_cfa_register %rbp
  movq %rdi, %rax
  movq %rsi, %rdi
  callq *%rax
  popq %rbp
  .cfi_def_cfa %rsp, 8
  retq
  .cfi_endproc
  .size toylang_cont_capture_call, .-toylang_cont_capture_call

  .p2align 4
  .globl toylang_cont_resume
  .hidden toylang_cont_resume
  .type toylang_cont_resume,@function
toylang_cont_resume:
  movq 0(%rdi), %rbx
  movq 8(%rdi), %rbp
  movq 16(%rdi), %r12
  movq 24(%rdi), %r13
  movq 32(%rdi), %r14
  movq 40(%rdi), %r15
  ldmxcsr 64(%rdi)
  fldcw 68(%rdi)
  movq 48(%rdi), %rsp
  movq %rsi, %rax
  jmpq *56(%rdi)
  .size toylang_cont_resume, .-toylang_cont_resume
  .popsection
)");

// The C++ runtime's per-thread exception state (Itanium C++ ABI, libstdc++ and libc++ alike).
namespace __cxxabiv1 {
struct __cxa_eh_globals;
extern "C" __cxa_eh_globals* __cxa_get_globals() noexcept;
}  // namespace __cxxabiv1

namespace toylang {
namespace {

using builtins_internal::CheckProcedure;
using builtins_internal::Fail;
using namespace cont_layout;  // NOLINT: the slot names
using V = Value;

struct EhGlobals {
  void* caught_exceptions;
  unsigned int uncaught_exceptions;
};
const EhGlobals& CxxExceptionState() {
  return *reinterpret_cast<const EhGlobals*>(__cxxabiv1::__cxa_get_globals());
}

constexpr int kRegisterWords = 9;  // see toylang_cont_capture_call
constexpr int kRspAfterWord = 6;

// An evaluation base, in RunAtBase's frame (above every frame of the evaluation, so the
// conservative scan of the stack sees its Values for the whole evaluation).
struct Base {
  Base* previous = nullptr;
  const char* previous_barrier = nullptr;
  uintptr_t sp = 0;  // written by toylang_cont_base_call
  BaseEntry entry = nullptr;
  void* arg = nullptr;
  const SegmentWalker* walker = nullptr;
  void* caught_at_entry = nullptr;
  V winds = V::Nil();         // the dynamic-wind list: ((before . after) ...), innermost first
  V reentry = V();            // a continuation to reinstate at the base, or 0
  V reentry_value = V();
  std::exception_ptr error;   // what the evaluation threw
};

// The call/cc frame's record, in CallWithCurrentContinuation's frame (so inside the segment).
struct CaptureFrame {
  uint64_t regs[kRegisterWords];  // written by toylang_cont_capture_call
  // Where a direct escape lands: the return of the receiver's call in CaptureBody (also written
  // by toylang_cont_capture_call).
  uint64_t escape_regs[kRegisterWords];
  V data;                         // the continuation object
  V k;                            // the procedure handed to the receiver
  V receiver;
  V escape_value;                 // set by an escape before it throws
  CallContext* ctx;
  uintptr_t hi;                   // the base
  void* activations;
  const SegmentWalker* walker;
  // The enclosing live call/cc frame under the same base (the thread's list of them), whose
  // segment continues this one's; never changed after the capture.
  CaptureFrame* parent;
  CaptureFrame* down;             // scratch for TakeSegment
  std::exception_ptr error;       // written after the copy, read after the return
};

struct ThreadContinuations {
  Base* base;
  const char* barrier;  // the innermost barrier below the innermost base, or null
  // The innermost call/cc frame on this thread's stack under the innermost base, linked by
  // CaptureFrame::parent: every call/cc frame on the stack, innermost first. A re-entry sets
  // it back to the re-entered frame's list (the links are in the restored frames).
  CaptureFrame* live;
  uint64_t captured;
  uint64_t escaped_directly;
};
thread_local ThreadContinuations tls_cont;

// Thrown by an escape: caught by the call/cc frame `frame` (not a toylang::Error, so guards
// and the pipeline's error handling let it pass).
struct ContinuationEscape {
  const CaptureFrame* frame;
};
// Thrown by a re-entry once the dynamic-wind transitions ran: caught by the base.
struct ReentryUnwind {};

[[noreturn]] void FatalContinuation(const char* what) {
  std::fprintf(stderr, "toylang: continuations: fatal: %s\n", what);
  std::fflush(stderr);
  std::abort();
}

V Slot(V data, size_t i) { return V::FromBits(data.ObjectWords()[i]); }
void SetSlot(V data, size_t i, V v) {
  mosaic::WriteField(reinterpret_cast<V*>(data.ObjectWords() + i), v);
}

// --- Bases -------------------------------------------------------------------------------------

uint64_t BaseBody(void* arg) {
  Base* base = static_cast<Base*>(arg);
  try {
    return base->entry(base->arg);
  } catch (const ReentryUnwind&) {
    // base->reentry says what to reinstate.
  } catch (...) {
    base->error = std::current_exception();
  }
  return 0;
}

[[noreturn]] __attribute__((noinline)) void ReinstateBelow(Base* base, V data, V value);

// Runs in place of BaseBody, just below the base: moves the stack pointer below the segment,
// then copies it back.
uint64_t ReinstateEntry(void* arg) {
  Base* base = static_cast<Base*>(arg);
  V data = base->reentry;
  V value = base->reentry_value;
  const StackSegment s = SegmentOf(Slot(data, kSegment));
  const uintptr_t here = CurrentStackPosition();
  if (here > s.lo) {
    // The segment's frames were on this thread's stack at these addresses: the room exists.
    void* room = alloca(here - s.lo + 512);
    asm volatile("" : : "r"(room) : "memory");
  }
  ReinstateBelow(base, data, value);
}

void ReinstateBelow(Base* base, V data, V value) {
  const StackSegment s = SegmentOf(Slot(data, kSegment));
  if (CurrentStackPosition() + 256 > s.lo) FatalContinuation("reinstating below the segment failed");
  if (CxxExceptionState().caught_exceptions != base->caught_at_entry) {
    FatalContinuation("a continuation would be reinstated inside a C++ catch block");
  }
  base->winds = Slot(data, kWinds);
  base->reentry = V();
  base->reentry_value = V();
  tls_cont.barrier = nullptr;  // a continuation with a barrier is never re-entered
  RestoreDynamicState(Slot(data, kDynamicState));
  mosaic::internal::tls_layout.activations = s.activations;
  auto* frame = reinterpret_cast<CaptureFrame*>(FromCodeWord(data.ObjectWords()[kFrame]));
  // The frame's own call/cc pops it from the list when it returns again.
  tls_cont.live = frame;
  // From here to the jump: no allocation, no safepoint. `value` is in a register or this frame.
  // The chain, innermost piece first; each piece is [lo, hi) of its own.
  for (V piece = Slot(data, kSegment); IsSegment(piece); piece = SegmentParent(piece)) {
    const StackSegment p = SegmentOf(piece);
    std::memcpy(reinterpret_cast<void*>(p.lo), p.copy, p.hi - p.lo);
  }
  toylang_cont_resume(frame->regs, value.bits());
}

}  // namespace

V RunAtBase(BaseEntry entry, void* arg, const SegmentWalker* walker) {
  ThreadContinuations& t = tls_cont;
  Base base;
  base.previous = t.base;
  base.previous_barrier = t.barrier;
  base.entry = entry;
  base.arg = arg;
  base.walker = walker;
  base.caught_at_entry = CxxExceptionState().caught_exceptions;
  CaptureFrame* const live = t.live;
  t.base = &base;
  t.barrier = nullptr;
  t.live = nullptr;  // segments end at this base: none continues an outer evaluation's
  uint64_t result = 0;
  uintptr_t first_sp = 0;
  for (;;) {
    result = toylang_cont_base_call(base.reentry.bits() != 0 ? &ReinstateEntry : &BaseBody, &base,
                                    &base.sp);
    if (first_sp == 0) {
      first_sp = base.sp;
    } else if (base.sp != first_sp) {
      FatalContinuation("the evaluation base moved");
    }
    if (base.reentry.bits() == 0) break;
  }
  ThreadContinuations& after = tls_cont;
  after.base = base.previous;
  after.barrier = base.previous_barrier;
  after.live = live;
  if (base.error) {
    std::exception_ptr error = std::move(base.error);
    std::rethrow_exception(error);
  }
  // Keep the base's Values visibly alive until here.
  asm volatile("" : : "r"(&base) : "memory");
  return V::FromBits(result);
}

ContinuationBarrier::ContinuationBarrier(const char* who) : previous_(tls_cont.barrier) {
  tls_cont.barrier = who;
}
ContinuationBarrier::~ContinuationBarrier() { tls_cont.barrier = previous_; }

uint64_t ContinuationsCaptured() { return tls_cont.captured; }
uint64_t ContinuationsEscapedDirectly() { return tls_cont.escaped_directly; }

namespace builtins_internal {
namespace {

// --- Capture -----------------------------------------------------------------------------------

V InvokeContinuation(CallContext& ctx, const V* args, int argc);
constexpr Builtin kContinuationProcedure = {"continuation", 0, -1, InvokeContinuation};

uintptr_t SegmentLo(const CaptureFrame& frame) {
  return static_cast<uintptr_t>(frame.regs[kRspAfterWord]) - 8;
}

// The segment of `frame`, taken now if it was not yet: the stack from its lo up to the lo of its
// parent (the enclosing live call/cc frame), continued by the parent's segment, taken first if
// need be; or up to the base when it has no parent. A live frame's part of the stack has not
// run since its capture (its CaptureBody is below it), so a segment taken early is the one its
// own exit would take; and a segment, once taken, stays right for the frame's whole extent,
// re-entries included (the parts are only ever restored from their own segments). So each
// piece of stack is copied once however many continuations share it: ctak- and fibc-like code,
// which captures at every level, copies the frames between two call/cc's, not the whole depth.
V TakeSegment(CaptureFrame& frame) {
  // Reverse the untaken part of the chain through `down`, then take it outermost first.
  CaptureFrame* outermost = nullptr;
  for (CaptureFrame* f = &frame; f != nullptr && !IsSegment(Slot(f->data, kSegment));
       f = f->parent) {
    f->down = outermost;
    outermost = f;
  }
  for (CaptureFrame* f = outermost; f != nullptr; f = f->down) {
    V parent = f->parent != nullptr ? Slot(f->parent->data, kSegment) : V::False();
    const uintptr_t hi = f->parent != nullptr ? SegmentLo(*f->parent) : f->hi;
    V segment = MakeSegment(SegmentLo(*f), hi, f->activations, f->walker, parent);
    SetSlot(f->data, kSegment, segment);
  }
  return Slot(frame.data, kSegment);
}

uint64_t CallReceiver(void* arg) {
  CaptureFrame& frame = *static_cast<CaptureFrame*>(arg);
  V k = frame.k;
  return frame.ctx->Apply(frame.receiver, &k, 1).bits();
}

// Runs below the segment: calls the receiver, catches the escapes aimed at this frame, and
// takes the copy of the segment before anything in it runs again.
uint64_t CaptureBody(void* arg) {
  CaptureFrame& frame = *static_cast<CaptureFrame*>(arg);
  uint64_t result = 0;
  std::exception_ptr error;
  try {
    // Returns the receiver's value, or a value a direct escape (TryDirectEscape) lands with.
    result = toylang_cont_capture_call(&CallReceiver, &frame, frame.escape_regs);
  } catch (const ContinuationEscape& e) {
    if (e.frame == &frame) {
      result = frame.escape_value.bits();
    } else {
      error = std::current_exception();
    }
  } catch (...) {
    error = std::current_exception();
  }
  frame.escape_value = V();
  // The frames from here up to the base have not run since the capture: copy them now (if an
  // inner frame's exit or an earlier exit of this frame, before a re-entry restored it, has
  // not).
  try {
    TakeSegment(frame);
  } catch (...) {
    // "heap limit reached": the continuation can still escape, not be re-entered.
    if (!error) error = std::current_exception();
  }
  if (error) {
    frame.error = std::move(error);
    return 0;
  }
  return result;
}

V CallWithCurrentContinuation(CallContext& ctx, const V* a, int) {
  CheckProcedure("call-with-current-continuation", a[0]);
  ThreadContinuations& t = tls_cont;
  Base* base = t.base;
  if (base == nullptr) Fail("call-with-current-continuation: no evaluation base on this thread");
  CaptureFrame frame;
  frame.receiver = a[0];
  frame.ctx = &ctx;
  frame.hi = base->sp;
  frame.walker = base->walker;
  frame.activations = mosaic::internal::tls_layout.activations;
  frame.escape_value = V();
  V data = MakeContinuationData();
  frame.data = data;
  V saved = SaveDynamicState();
  SetSlot(data, kDynamicState, saved);
  SetSlot(data, kWinds, base->winds);
  uint64_t* w = data.ObjectWords();
  w[kFrame] = ToCodeWord(reinterpret_cast<uintptr_t>(&frame));
  w[kBase] = ToCodeWord(base->sp);
  w[kThread] = ToCodeWord(reinterpret_cast<uintptr_t>(&tls_cont));
  w[kBarrier] = V::Fixnum(reinterpret_cast<intptr_t>(t.barrier)).bits();
  w[kLive] = V::Fixnum(1).bits();
  frame.k = MakePrimitiveWithStaticName(&kContinuationProcedure, "continuation", data);
  ++t.captured;
  frame.parent = t.live;
  frame.down = nullptr;
  t.live = &frame;
  const uint64_t result = toylang_cont_capture_call(&CaptureBody, &frame, frame.regs);
  // Here after the receiver returned, an escape to this frame, an exception passing through,
  // or a re-entry (the frame copied back; `result` is the value passed).
  frame.data.ObjectWords()[kLive] = V::Fixnum(0).bits();
  tls_cont.live = frame.parent;
  if (result == 0) {
    std::exception_ptr error = std::move(frame.error);
    std::rethrow_exception(error);
  }
  return V::FromBits(result);
}

// --- Invocation --------------------------------------------------------------------------------

// The dynamic-wind transitions from the current list to `to`: the after thunks of the extents
// being left, innermost first, then the before thunks of those being entered, outermost first.
// The common tail is not touched. Each thunk runs with the list as it is outside its extent.
void Rewind(CallContext& ctx, V to) {
  auto length = [](V l) {
    size_t n = 0;
    for (; l.IsPair(); l = Cdr(l)) ++n;
    return n;
  };
  V from = tls_cont.base->winds;
  size_t nf = length(from), nt = length(to);
  V f = from, g = to;
  while (nf > nt) { f = Cdr(f); --nf; }
  while (nt > nf) { g = Cdr(g); --nt; }
  while (f != g) { f = Cdr(f); g = Cdr(g); }
  const V common = f;
  // Leave: innermost first.
  for (V l = from; l != common; l = Cdr(l)) {
    tls_cont.base->winds = Cdr(l);
    ctx.Apply(Cdr(Car(l)), nullptr, 0);
  }
  // Enter: outermost first; the list is innermost first, so collect the entered part.
  size_t n = length(to) - length(common);
  V pending = MakeVector(n, V::False());
  size_t i = 0;
  for (V l = to; l != common; l = Cdr(l)) VectorSet(pending, i++, l);
  while (i-- > 0) {
    V l = VectorRef(pending, i);
    ctx.Apply(Car(Car(l)), nullptr, 0);
    tls_cont.base->winds = l;
  }
}

V InvokeContinuation(CallContext& ctx, const V* args, int argc) {
  V data = PrimitiveData(ctx.callee());
  V value = argc == 1 ? args[0] : MakeValues(args, argc);
  uint64_t* w = data.ObjectWords();
  ThreadContinuations& t = tls_cont;
  if (FromCodeWord(w[kThread]) != reinterpret_cast<uintptr_t>(&t)) {
    Fail("continuation: cannot invoke a continuation on another thread than the one that "
         "captured it");
  }
  if (V::FromBits(w[kLive]).FixnumValue() != 0) {
    // Its call/cc frame is on this thread's stack: unwind to it.
    auto* frame = reinterpret_cast<CaptureFrame*>(FromCodeWord(w[kFrame]));
    frame->escape_value = value;
    throw ContinuationEscape{frame};
  }
  Base* base = t.base;
  if (base == nullptr || base->sp != FromCodeWord(w[kBase])) {
    Fail("continuation: cannot re-enter a continuation captured under another evaluation base "
         "(another top-level evaluation at a different stack depth)");
  }
  const auto barrier = reinterpret_cast<const char*>(V::FromBits(w[kBarrier]).FixnumValue());
  if (barrier != nullptr) {
    Fail(Cat("continuation: cannot re-enter a continuation captured inside ", barrier,
             " (a continuation barrier)"));
  }
  if (!IsSegment(Slot(data, kSegment))) {
    Fail("continuation: cannot re-enter: its stack was not saved (heap limit reached)");
  }
  if (CxxExceptionState().caught_exceptions != base->caught_at_entry) {
    Fail("continuation: cannot re-enter a continuation from inside a C++ exception handler");
  }
  Rewind(ctx, Slot(data, kWinds));
  base = tls_cont.base;
  base->reentry = data;
  base->reentry_value = value;
  throw ReentryUnwind{};
}

// --- dynamic-wind ------------------------------------------------------------------------------

V DynamicWind(CallContext& ctx, const V* a, int) {
  CheckProcedure("dynamic-wind", a[0]);
  CheckProcedure("dynamic-wind", a[1]);
  CheckProcedure("dynamic-wind", a[2]);
  if (tls_cont.base == nullptr) Fail("dynamic-wind: no evaluation base on this thread");
  V before = a[0], thunk = a[1], after = a[2];
  ctx.Apply(before, nullptr, 0);
  V outer = tls_cont.base->winds;
  V winds = Cons(Cons(before, after), outer);
  tls_cont.base->winds = winds;
  V result;
  std::exception_ptr error;
  try {
    result = ctx.Apply(thunk, nullptr, 0);
  } catch (const ReentryUnwind&) {
    throw;  // the re-entry ran this extent's after thunk already
  } catch (...) {
    error = std::current_exception();
  }
  tls_cont.base->winds = outer;
  if (error) {
    // An escape or an error leaves the extent: the after thunk runs, outside the catch block.
    // This frame holds the exception, so it is a barrier meanwhile.
    {
      ContinuationBarrier barrier("an after thunk run by an escape or an error");
      ctx.Apply(after, nullptr, 0);
    }
    std::rethrow_exception(error);
  }
  ctx.Apply(after, nullptr, 0);
  asm volatile("" : : "r"(winds.bits()) : "memory");
  return result;
}

constexpr Builtin kBuiltins[] = {
    {"call-with-current-continuation", 1, 1, CallWithCurrentContinuation},
    {"call/cc", 1, 1, CallWithCurrentContinuation},
    {"dynamic-wind", 3, 3, DynamicWind},
};

}  // namespace

absl::Span<const Builtin> ContinuationBuiltins() { return kBuiltins; }

bool IsContinuationProcedure(V procedure) {
  return IsPrimitive(procedure) && PrimitiveBuiltin(procedure) == &kContinuationProcedure;
}

}  // namespace builtins_internal

void TryDirectEscape(V procedure, const V* args, int argc, const void* outer_activations) {
  if (!builtins_internal::IsContinuationProcedure(procedure)) return;
  V data = PrimitiveData(procedure);
  const uint64_t* w = data.ObjectWords();
  if (FromCodeWord(w[kThread]) != reinterpret_cast<uintptr_t>(&tls_cont) ||
      V::FromBits(w[kLive]).FixnumValue() == 0) {
    return;
  }
  auto* frame = reinterpret_cast<CaptureFrame*>(FromCodeWord(w[kFrame]));
  // A live frame's record is unique on the stack: the only entry record that follows it is the
  // one the engine's Apply pushed to call the receiver, a closure (a primitive receiver would
  // put its own frames between).
  if (frame->activations != outer_activations || outer_activations == nullptr ||
      !IsClosure(frame->receiver)) {
    return;
  }
  V value = argc == 1 ? args[0] : builtins_internal::MakeValues(args, argc);  // may collect
  // What unwinding the skipped frames would have restored. Nothing else changed: a
  // dynamic-wind, a barrier, a handler or a parameterization is a built-in calling back, which
  // the activation check excludes.
  RestoreDynamicState(Slot(data, kDynamicState));
  mosaic::internal::tls_layout.activations = frame->activations;
  ++tls_cont.escaped_directly;
  // From here to the jump: no allocation. The value goes in rax.
  toylang_cont_resume(frame->escape_regs, value.bits());
}

V ContinuationSegmentForTesting(V k) {
  if (!IsPrimitive(k) || !PrimitiveHasData(k) || !IsContinuationData(PrimitiveData(k))) {
    return V::False();
  }
  return V::FromBits(PrimitiveData(k).ObjectWords()[kSegment]);
}

}  // namespace toylang
