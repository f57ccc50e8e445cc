// A registered thread's state. The part that inline allocation and JIT code touch
// (MutatorLayout) is the thread's tls_layout, which `layout` points at; the rest belongs to the
// runtime.
//
// State machine (state, an atomic):
//   kRunning  the thread may touch the heap; a collection waits for it to reach a safepoint
//   kParked   stopped at a safepoint, registers spilled, stack_top recorded; waits for the
//             collection to end
//   kNative   inside EnterNative/LeaveNative: the collection does not wait, and scans the stack
//             as it was at EnterNative (stack_top recorded then)
#ifndef MOSAIC_SRC_THREADS_MUTATOR_H_
#define MOSAIC_SRC_THREADS_MUTATOR_H_

#include <pthread.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "block/block.h"
#include "mosaic/internal/mutator_layout.h"
#include "mosaic/roots.h"
#include "mosaic/value.h"

namespace mosaic::internal {

// The heap a mutator belongs to, opaque at this level: the public API (heap/) routes a thread's
// calls through it.
class HeapImpl;

enum class MutatorState : uint32_t { kRunning, kParked, kNative };

struct Mutator {
  // The thread's tls_layout: its allocation buffers, activation list, safepoint flag and card
  // table. Another thread (the collector) reaches them through this pointer; the thread's static
  // TLS block outlives its registration (a thread that exits registered is unregistered by a
  // thread-local destructor, while the block is still there).
  MutatorLayout* layout = nullptr;
  HeapImpl* heap = nullptr;
  std::atomic<MutatorState> state{MutatorState::kRunning};
  uint64_t id = 0;  // registration order, for messages
  pid_t tid = 0;

  // Stack bounds. stack_top is valid while parked or in native code.
  uintptr_t stack_base = 0;  // one past the highest address
  uintptr_t stack_limit = 0;  // lowest address of the stack mapping
  uintptr_t stack_top = 0;
  uintptr_t frame_pointer = 0;
  void* asan_fake_stack = nullptr;
  // The callee-saved registers at EnterNative. They were spilled into a frame that returns before
  // the native code runs, which then reuses that stack; this copy is what the collector scans
  // while the stack top recorded at EnterNative is in use (zero otherwise).
  static constexpr size_t kSavedRegisters = 12;
  uintptr_t native_registers[kSavedRegisters] = {};

  // Per size class: the block the buffer is carved from and where the next hole search starts.
  struct ClassState {
    BlockHeader* block = nullptr;
    uint32_t next_cell = 0;
  };
  ClassState classes[kNumSizeClasses];

  // Handles: fixed-size chunks so that slots never move.
  static constexpr size_t kHandleChunk = 256;
  std::vector<std::unique_ptr<Value[]>> handle_chunks;
  size_t handle_top = 0;

  int no_gc_depth = 0;
  bool running_finalizers = false;
  uint64_t stress_countdown = 0;
  uint64_t slow_allocations = 0;  // not yet published (with unpublished_bytes)
  // Bytes handed to buffers but not yet added to the allocator's shared count. A locked add per
  // refill cost ~10% of an allocation-heavy run (it waits for the hole's zeroing stores to
  // drain), so refills count here and the sum is published when the thread next asks whether
  // to collect (a block ran out of holes, or a large allocation), and when its buffers retire.
  uint64_t unpublished_bytes = 0;

  Value* NewHandleSlot();
  // Records where a stack scan of this (current) thread starts: `top`, at or below the
  // callee-saved registers that SpillRegistersAndCall stored, and the calling frame.
  void RecordStackTop(uintptr_t top, uintptr_t frame);
  // The stack as a StackWalker sees it (valid while parked or in a native region).
  ThreadStack Stack() const {
    ThreadStack stack;
    stack.top = reinterpret_cast<const void*>(stack_top);
    stack.base = reinterpret_cast<const void*>(stack_base);
    stack.activations = layout->activations;
    stack.frame_pointer = reinterpret_cast<const void*>(frame_pointer);
    return stack;
  }
};

// The current thread's Mutator, or nullptr.
extern thread_local Mutator* tls_current_mutator;
inline Mutator* CurrentMutator() { return tls_current_mutator; }

// Spills the callee-saved registers onto the stack and calls fn(arg, top), where `top` is an
// address at or below the spilled registers: scanning [top, stack base) sees every value the
// caller's frames hold, in memory or in registers.
void SpillRegistersAndCall(void (*fn)(void* arg, uintptr_t top), void* arg);

#if defined(__x86_64__)
// Defines the function `symbol` in assembly: it stores the callee-saved registers, exactly as its
// caller left them, into 12 words of its own frame and tail-returns `target(words)` (an
// extern "C" function taking `const uintptr_t*`). A public entry point such as EnterNative
// must be such a function itself: any compiled C++ between the caller and the spill may keep
// its own values in those registers (instrumented builds do), saving the caller's elsewhere.
#define MOSAIC_SPILLING_ENTRY(symbol, target)                                                  \
  asm(".text\n .p2align 4\n .globl " symbol "\n .type " symbol ", @function\n" symbol ":\n" \
      " .cfi_startproc\n subq $104, %rsp\n .cfi_adjust_cfa_offset 104\n"                     \
      " movq %rbx, 0(%rsp)\n movq %rbp, 8(%rsp)\n movq %r12, 16(%rsp)\n"                     \
      " movq %r13, 24(%rsp)\n movq %r14, 32(%rsp)\n movq %r15, 40(%rsp)\n"                   \
      " movq $0, 48(%rsp)\n movq $0, 56(%rsp)\n movq $0, 64(%rsp)\n"                          \
      " movq $0, 72(%rsp)\n movq $0, 80(%rsp)\n movq $0, 88(%rsp)\n"                          \
      " movq %rsp, %rdi\n call " target "\n addq $104, %rsp\n"                               \
      " .cfi_adjust_cfa_offset -104\n ret\n .cfi_endproc\n .size " symbol ", .-" symbol "\n")
#endif

// The current thread's stack mapping: [*low, *high).
void CurrentStackBounds(uintptr_t* low, uintptr_t* high);

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_THREADS_MUTATOR_H_
