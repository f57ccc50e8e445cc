// The write barrier's fast path, inline: after a reference is stored into a field of an existing
// object, the byte for the field's 512-byte card is set. A minor collection treats the old
// objects on dirty cards as roots (the remembered old-to-young edges); docs/design/runtime.md,
// "Generations", says why cards and not a log.
//
// JIT code emits the same three instructions: load the thread's biased card table
// (MutatorLayout::card_table), shift the field's address right by kCardShift, store kCardDirty.
// The table is biased by the heap's base, so the address needs no subtraction; a field outside the
// heap (an embedder's own memory) lands on no card and must not be passed.
#ifndef MOSAIC_INTERNAL_WRITE_BARRIER_H_
#define MOSAIC_INTERNAL_WRITE_BARRIER_H_

#include <cstdint>

#include "mosaic/internal/mutator_layout.h"

namespace mosaic::internal {

inline constexpr int kCardShift = 9;  // 512-byte cards
inline constexpr uint8_t kCardDirty = 1;

// Records a store into `field` (an address inside a heap object) for the current thread's heap.
// The byte store is atomic (relaxed): two threads may dirty one card at once. Both store the same
// value, so a plain store would do on the hardware, but it is a data race in C++'s model (and
// TSan's); the relaxed store is the same single `movb` on x86.
inline void RecordWrite(const void* field) {
  __atomic_store_n(&tls_layout.card_table[reinterpret_cast<uintptr_t>(field) >> kCardShift],
                   kCardDirty, __ATOMIC_RELAXED);
}

}  // namespace mosaic::internal

#endif  // MOSAIC_INTERNAL_WRITE_BARRIER_H_
