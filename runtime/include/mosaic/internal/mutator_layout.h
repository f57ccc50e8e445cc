// The part of a registered thread's state that inline code reads and writes directly: the
// allocation buffers (one bump region per size class), the activation list that JIT code keeps,
// and the heap's safepoint flag. JIT code mirrors this layout through the offsets below; the
// runtime's full per-thread state (internal::Mutator) derives from it.
#ifndef MOSAIC_INTERNAL_MUTATOR_LAYOUT_H_
#define MOSAIC_INTERNAL_MUTATOR_LAYOUT_H_

#include <cstddef>
#include <cstdint>

#include "mosaic/export.h"
#include "mosaic/internal/size_classes.h"

namespace mosaic::internal {

// A bump region [cursor, limit) of pre-zeroed cells of one class (pair cells are not zeroed:
// whoever bumps the pair buffer stores car and cdr before the next safepoint). An empty region has
// cursor == limit (both 0 at first), so the fast path fails and the slow path refills.
struct AllocBuffer {
  uintptr_t cursor;
  uintptr_t limit;
};

struct MutatorLayout {
  AllocBuffer buffers[kNumSizeClasses];
  // Head of the activation list: records pushed by JIT entry/exit code, read by the stack walker.
  // The runtime never interprets it.
  void* activations;
  // Points at the heap's safepoint flag (non-zero: park at the next poll).
  const volatile uint32_t* safepoint_flag;
  // The heap's card table, biased so that card_table[address >> kCardShift] is the card of any
  // address in the heap (mosaic/internal/write_barrier.h).
  uint8_t* card_table;
};

inline constexpr size_t kAllocBufferCursorOffset = offsetof(AllocBuffer, cursor);
inline constexpr size_t kAllocBufferLimitOffset = offsetof(AllocBuffer, limit);
inline constexpr size_t kAllocBufferSize = sizeof(AllocBuffer);
inline constexpr size_t kMutatorBuffersOffset = offsetof(MutatorLayout, buffers);
inline constexpr size_t kMutatorActivationsOffset = offsetof(MutatorLayout, activations);
inline constexpr size_t kMutatorSafepointFlagOffset = offsetof(MutatorLayout, safepoint_flag);
inline constexpr size_t kMutatorCardTableOffset = offsetof(MutatorLayout, card_table);

// The calling thread's layout. It lives in the thread's static TLS block, not in the runtime's
// per-thread record (internal::Mutator points at it), so that code reaches a buffer with one
// thread-pointer-relative access (`%fs:offset` on x86-64) instead of loading a pointer to the
// record first: JIT code does (toylang's jit/thread_state.h), and so do the inline paths below.
// All zero while the thread is not registered: every buffer is empty, so a fast path fails and
// its slow path reports the unregistered thread.
extern MOSAIC_EXPORT thread_local MutatorLayout tls_layout;

// &tls_layout while the calling thread is registered with a heap, nullptr otherwise.
extern MOSAIC_EXPORT thread_local MutatorLayout* tls_mutator;

// The slow paths behind the inline fast paths (mosaic/internal/allocate_inline.h).
MOSAIC_EXPORT void* AllocateSlow(int size_class, size_t bytes, uint16_t kind, uint64_t aux,
                                 bool may_fail);
MOSAIC_EXPORT void* AllocatePairSlow();

}  // namespace mosaic::internal

#endif  // MOSAIC_INTERNAL_MUTATOR_LAYOUT_H_
