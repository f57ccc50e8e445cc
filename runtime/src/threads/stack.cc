// What the collector needs to know about a thread's stack: its bounds, where a scan starts
// (below the callee-saved registers, spilled into a frame that stays live), and ASan's fake
// stack, where instrumented frames may keep their locals.
#include <pthread.h>

#include <algorithm>

#include "common/check.h"
#include "threads/mutator.h"

#ifdef MOSAIC_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mosaic::internal {

// Zero-initialised (no constructor), so every access is a plain thread-pointer-relative one.
thread_local MutatorLayout tls_layout;
thread_local MutatorLayout* tls_mutator = nullptr;
thread_local Mutator* tls_current_mutator = nullptr;

void CurrentStackBounds(uintptr_t* low, uintptr_t* high) {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  MOSAIC_CHECK(pthread_getattr_np(pthread_self(), &attr) == 0, "pthread_getattr_np failed");
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  *low = reinterpret_cast<uintptr_t>(addr);
  *high = *low + size;
}

void* CurrentFakeStack() {
#ifdef MOSAIC_ASAN
  return __asan_get_current_fake_stack();
#else
  return nullptr;
#endif
}

#if defined(__x86_64__)
// In assembly, so that the words at `top` hold the callee-saved registers exactly as the caller
// left them: compiled C++ may pick one of them to hold its own pointer and store that instead
// (its prologue would still save the original, but elsewhere in the frame, where EnterNative's
// copy would miss it). No frame pointer of its own; CFI keeps it unwindable for debuggers.
//   void SpillRegistersAndCall(void (*fn)(void* arg, uintptr_t top) /* rdi */, void* arg /* rsi */)
asm(R"(
  .text
  .p2align 4
  .globl _ZN6mosaic8internal21SpillRegistersAndCallEPFvPvmES1_
  .hidden _ZN6mosaic8internal21SpillRegistersAndCallEPFvPvmES1_
  .type _ZN6mosaic8internal21SpillRegistersAndCallEPFvPvmES1_, @function
_ZN6mosaic8internal21SpillRegistersAndCallEPFvPvmES1_:
  .cfi_startproc
  subq $104, %rsp
  .cfi_adjust_cfa_offset 104
  movq %rbx, 0(%rsp)
  movq %rbp, 8(%rsp)
  movq %r12, 16(%rsp)
  movq %r13, 24(%rsp)
  movq %r14, 32(%rsp)
  movq %r15, 40(%rsp)
  movq $0, 48(%rsp)
  movq $0, 56(%rsp)
  movq $0, 64(%rsp)
  movq $0, 72(%rsp)
  movq $0, 80(%rsp)
  movq $0, 88(%rsp)
  movq %rdi, %rax
  movq %rsi, %rdi
  movq %rsp, %rsi
  call *%rax
  addq $104, %rsp
  .cfi_adjust_cfa_offset -104
  ret
  .cfi_endproc
  .size _ZN6mosaic8internal21SpillRegistersAndCallEPFvPvmES1_, .-_ZN6mosaic8internal21SpillRegistersAndCallEPFvPvmES1_
)");
static_assert(Mutator::kSavedRegisters == 12, "the assembly above stores 12 words");
#else
MOSAIC_NO_SANITIZE_SCAN void SpillRegistersAndCall(void (*fn)(void* arg, uintptr_t top),
                                                   void* arg) {
  // Callee-saved registers may hold the only copy of a reference in a caller's frame. Store them
  // into this frame; everything from here up is then scanned. If the compiler picks one of them
  // to hold `regs`, the prologue has already saved its old value in this frame as well (but
  // EnterNative's copy of `regs` misses it: x86-64 uses the assembly above).
  uintptr_t regs[Mutator::kSavedRegisters] = {};
#if defined(__aarch64__)
  asm volatile(
      "stp x19, x20, [%0, #0]\n\t"
      "stp x21, x22, [%0, #16]\n\t"
      "stp x23, x24, [%0, #32]\n\t"
      "stp x25, x26, [%0, #48]\n\t"
      "stp x27, x28, [%0, #64]\n\t"
      "str x29, [%0, #80]\n\t"
      :
      : "r"(regs)
      : "memory");
#else
  __builtin_unwind_init();
#endif
  fn(arg, reinterpret_cast<uintptr_t>(regs));
  asm volatile("" : : "r"(regs) : "memory");  // keep `regs` alive across the call
}
#endif

Value* Mutator::NewHandleSlot() {
  size_t chunk = handle_top / kHandleChunk;
  if (chunk == handle_chunks.size()) {
    handle_chunks.push_back(std::make_unique<Value[]>(kHandleChunk));
  }
  return &handle_chunks[chunk][handle_top++ % kHandleChunk];
}

void Mutator::RecordStackTop(uintptr_t top, uintptr_t frame) {
  // The registers are in the frame at `top` now (EnterNative copies them out again).
  std::fill(std::begin(native_registers), std::end(native_registers), 0);
  stack_top = top;
  frame_pointer = frame;
  asan_fake_stack = CurrentFakeStack();
}

}  // namespace mosaic::internal
