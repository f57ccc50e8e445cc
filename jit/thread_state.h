// The JIT's per-thread state, and how generated code reaches it: through the thread pointer.
//
// JIT code needs four things that belong to the thread running it, not to the engine: the
// thread's allocation buffers and card table (mosaic's MutatorLayout, which the runtime keeps
// in the thread-local `tls_layout`), the stack limit, the innermost call site for
// position-less errors, and the pending-call buffer of tail calls made through tj_call_tail.
// The last three live in `tls_jit_state` below. Both are static thread-local variables: on
// x86-64 Linux each sits at a fixed offset from the thread pointer (the %fs base) in every
// thread, so code reads `%fs:offset` — one instruction, like a local-exec TLS access — by
// loading through address space 257, LLVM's x86 %fs segment. The offsets are literal in the
// code; they depend only on the build (the executable's TLS layout), which the code cache key
// covers (docs/design/threads.md has the measurement against other ways).
//
// Every thread that runs JIT code calls EnterJitThread first (the engine's thread in Init, a
// toylang thread in RunThread); it checks that the thread's offsets are the compiled ones.
#ifndef TOYLANG_JIT_THREAD_STATE_H_
#define TOYLANG_JIT_THREAD_STATE_H_

#include <cstddef>
#include <cstdint>

#include "jit/lower.h"

namespace toylang::jit {

// x86-64: address space 257 is %fs-relative.
inline constexpr unsigned kThreadPointerAddressSpace = 257;

struct JitThreadState {
  // The innermost active non-tail call site with a position (LowerEnv docs in lower.h).
  const ErrorSite* current_site;
  // The lowest frame address before "stack overflow" (toylang::StackLimit()).
  uintptr_t stack_limit;
  // Where tj_call_tail leaves a call that JIT code makes as a tail call: closure, argc, a0..a5,
  // rest.
  uint64_t pending[kPendingCallWords];
};

inline constexpr size_t kCurrentSiteOffset = offsetof(JitThreadState, current_site);
inline constexpr size_t kStackLimitOffset = offsetof(JitThreadState, stack_limit);
inline constexpr size_t kPendingOffset = offsetof(JitThreadState, pending);

// Zero-initialised, so that every access is a plain %fs-relative load (no TLS init guard).
extern thread_local JitThreadState tls_jit_state;

// The offsets from the thread pointer of tls_jit_state and of mosaic::internal::tls_layout,
// measured on the calling thread.
int64_t ThreadStateOffset();
int64_t LayoutOffset();

// Prepares the calling thread to run JIT code: its stack limit, no current site. Stops the
// process with a message if its TLS offsets differ from the first thread's (a toylang_jit
// loaded with dlopen into dynamic TLS would: not supported).
void EnterJitThread();

// For measurement, and to show what the thread pointer buys: with the environment variable
// MOSAIC_JIT_THREAD_STATE=constant (read once), lowering bakes the addresses of the compiling
// thread's state into the code as constants, as the JIT did before threads. Such code is wrong
// on any other thread: there the engine thread's stack limit makes every non-tail call raise
// "stack overflow", and allocation bumps the engine thread's buffers. Never for real use.
bool ThreadStateAsConstantsForTesting();

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_THREAD_STATE_H_
