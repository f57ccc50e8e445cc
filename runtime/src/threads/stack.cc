// What the collector needs to know about a thread's stack: its bounds, where a scan starts
// (below the callee-saved registers, spilled into a frame that stays live), and ASan's fake
// stack, where instrumented frames may keep their locals.
#include <pthread.h>

#include "common/check.h"
#include "threads/mutator.h"

#ifdef MOSAIC_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mosaic::internal {

thread_local MutatorLayout* tls_mutator = nullptr;

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

MOSAIC_NO_SANITIZE_SCAN void SpillRegistersAndCall(void (*fn)(void* arg, uintptr_t top),
                                                   void* arg) {
  // Callee-saved registers may hold the only copy of a reference in a caller's frame. Store them
  // into this frame; everything from here up is then scanned. If the compiler picks one of them
  // to hold `regs`, the prologue has already saved its old value in this frame as well.
  uintptr_t regs[12] = {};
#if defined(__x86_64__)
  asm volatile(
      "movq %%rbx, 0(%0)\n\t"
      "movq %%rbp, 8(%0)\n\t"
      "movq %%r12, 16(%0)\n\t"
      "movq %%r13, 24(%0)\n\t"
      "movq %%r14, 32(%0)\n\t"
      "movq %%r15, 40(%0)\n\t"
      :
      : "r"(regs)
      : "memory");
#elif defined(__aarch64__)
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

Value* Mutator::NewHandleSlot() {
  size_t chunk = handle_top / kHandleChunk;
  if (chunk == handle_chunks.size()) {
    handle_chunks.push_back(std::make_unique<Value[]>(kHandleChunk));
  }
  return &handle_chunks[chunk][handle_top++ % kHandleChunk];
}

void Mutator::RecordStackTop(uintptr_t top, uintptr_t frame) {
  stack_top = top;
  frame_pointer = frame;
  asan_fake_stack = CurrentFakeStack();
}

}  // namespace mosaic::internal
