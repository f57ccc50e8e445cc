// First-class continuations on mixed JIT/C++ stacks: evaluation bases, continuation barriers,
// and the built-ins call-with-current-continuation (call/cc) and dynamic-wind
// (docs/design/continuations.md has the design and its measured costs).
//
// A continuation is the native stack between its call/cc frame and the evaluation's base,
// plus the registers call/cc was called with and the thread's dynamic state
// (dynamic_state.h, the dynamic-wind list, the JIT's activation-list head). Invoking it while
// its call/cc frame is still on the stack throws a C++ exception that that frame catches (an
// escape: an unwind, no copy), or, from JIT code with only JIT frames in between, jumps there
// (TryDirectEscape); invoking it after the frame is gone unwinds to the base, copies the saved
// stack back to its addresses and returns from call/cc again (a re-entry). The copy is taken
// once, when the call/cc frame exits, and shared by the continuations captured inside it.
//
// Engines run every evaluation (a top-level form, a thread's thunk) at a base:
//
//   Value v = RunAtBase([&] { return interp.Run(lambda); }, /*walker=*/nullptr);
//
// The callable's frames, and everything it calls, lie below the base; a continuation captured
// there can be re-entered from any later evaluation whose base is at the same stack address on
// the same thread (the REPL's next input), and from no other (a clear error).
//
// C++ frames that own memory or locks (a std::vector, a HandleScope, a held mutex, a file the
// frame closes) and call toylang code back must not be copied and restored: such a frame is a
// continuation barrier. Escapes through it are fine (they unwind it); re-entering a
// continuation captured inside it is the error "cannot re-enter a continuation captured inside
// <who> (a continuation barrier)".
//
//   ContinuationBarrier barrier("with-output-to-file");
//   return ctx.Apply(thunk, nullptr, 0);
#ifndef TOYLANG_FRONTEND_BUILTINS_CONTINUATIONS_H_
#define TOYLANG_FRONTEND_BUILTINS_CONTINUATIONS_H_

#include <cstdint>
#include <utility>

#include "frontend/objects/continuation_object.h"
#include "mosaic/value.h"

namespace toylang {

using BaseEntry = uint64_t (*)(void* arg);

// Runs entry(arg) (which returns a Value's bits) at a new evaluation base on this thread and
// returns its result, or rethrows what it threw. Segments captured under it are traced by
// `walker` (null: conservatively). Bases nest (a thread's body inside no other; a form inside
// no other); a continuation can only be re-entered under the innermost base it was captured in.
mosaic::Value RunAtBase(BaseEntry entry, void* arg, const SegmentWalker* walker);

template <typename F>
mosaic::Value RunAtBase(F&& body, const SegmentWalker* walker) {
  using Body = std::remove_reference_t<F>;
  return RunAtBase(
      [](void* arg) -> uint64_t { return (*static_cast<Body*>(arg))().bits(); },
      static_cast<void*>(&body), walker);
}

class ContinuationBarrier {
 public:
  explicit ContinuationBarrier(const char* who);
  ~ContinuationBarrier();
  ContinuationBarrier(const ContinuationBarrier&) = delete;
  ContinuationBarrier& operator=(const ContinuationBarrier&) = delete;

 private:
  const char* previous_;
};

// Continuations captured on this thread so far (the JIT keeps the code of a top-level form
// during which one was captured: its frames may be reinstated later).
// For the JIT's helper that calls a primitive JIT code handed it (jit/helpers.cc): when
// `procedure` is a continuation whose call/cc frame is live on this thread and
// `outer_activations` is the activation head that frame recorded, escapes to that frame by a
// jump, without unwinding, and does not return; otherwise returns, and the caller calls the
// procedure the usual way (an escape by exception, or a re-entry).
//
// The caller guarantees what makes the jump equal to an unwind: between the call/cc frame and
// the caller lie only the receiver's call (call/cc's own frames, the engine's Apply and its
// CallJit), one run of JIT frames, and the caller's own frames, which own nothing. It checks
// this from the activation list: the head is the caller's exit record, the record before it the
// entry record of one JIT run, and the one before that `outer_activations` (any other C++ frame
// that calls toylang code back, and any built-in between, would have pushed records of its
// own). The jump restores what those frames' unwinding would: the activation head and the
// dynamic state registry (the JIT's current call site).
void TryDirectEscape(mosaic::Value procedure, const mosaic::Value* args, int argc,
                     const void* outer_activations);

uint64_t ContinuationsCaptured();
// How many escapes on this thread were jumps (TryDirectEscape), for tests and benchmarks.
uint64_t ContinuationsEscapedDirectly();

// For tests: the segment of the continuation procedure `k` (#f if its call/cc frame has not
// exited yet, or `k` is not a continuation).
mosaic::Value ContinuationSegmentForTesting(mosaic::Value k);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_CONTINUATIONS_H_
