// Turning native stack exhaustion into the toylang error "stack overflow".
//
// Every recursive part of the pipeline (reader, expander, analysis) and the interpreter at each
// procedure entry calls CheckStack(). The limit is computed once per thread from the thread's
// real stack bounds (pthread_getattr_np) minus a safety margin, so it works on the main thread,
// on a small test thread and on the toylang program's multi-GiB thread alike.
#ifndef TOYLANG_FRONTEND_COMMON_STACK_CHECK_H_
#define TOYLANG_FRONTEND_COMMON_STACK_CHECK_H_

#include <cstddef>
#include <cstdint>

#include "frontend/common/error.h"

namespace toylang {

// Headroom left below the limit for the C++ code (built-ins, printer, error formatting) that
// runs after the last check.
inline constexpr uintptr_t kStackMargin = 256 * 1024;

// The lowest address the stack pointer may reach on this thread before CheckStack throws.
uintptr_t StackLimit();
// Half-way between StackLimit() and the end of the stack: for checks that should fire only
// when a StackLimit() check elsewhere could not (the interpreter uses StackLimit() at procedure
// entries, where the error can name the call site, and this one for every expression).
uintptr_t StackLastResortLimit();

[[noreturn]] void ThrowStackOverflow(const SourcePos& pos);

// Where the stack is now. The frame address, not the address of a local: under ASan with
// detect_stack_use_after_return, locals live in fake frames on the heap and their addresses say
// nothing about the real stack.
__attribute__((always_inline)) inline uintptr_t CurrentStackPosition() {
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
}

// Throws toylang::Error("stack overflow", pos) when the stack is nearly exhausted. One
// thread-local load and one compare on the fast path.
inline void CheckStack(const SourcePos& pos = {}) {
  if (CurrentStackPosition() < StackLimit()) ThrowStackOverflow(pos);
}

// Whether `bytes` more of stack (an alloca) would still leave the stack above StackLimit().
inline bool StackHasRoom(uintptr_t limit, size_t bytes) {
  uintptr_t sp = CurrentStackPosition();
  return sp > limit && sp - limit > bytes;
}

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_COMMON_STACK_CHECK_H_
