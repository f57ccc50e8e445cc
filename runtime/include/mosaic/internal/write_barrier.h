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
inline void RecordWrite(const void* field) {
  tls_mutator->card_table[reinterpret_cast<uintptr_t>(field) >> kCardShift] = kCardDirty;
}

}  // namespace mosaic::internal

#endif  // MOSAIC_INTERNAL_WRITE_BARRIER_H_
