// The allocation fast paths, inline: a bump of the thread's buffer for the object's class, and a
// cold call to the slow path when the buffer is empty. Cells come pre-zeroed, except pair cells,
// which AllocatePair (and the JIT's inline cons) fill completely before any safepoint.
#ifndef MOSAIC_INTERNAL_ALLOCATE_INLINE_H_
#define MOSAIC_INTERNAL_ALLOCATE_INLINE_H_

#include <cstddef>
#include <cstdint>

#include "mosaic/internal/mutator_layout.h"
#include "mosaic/internal/size_classes.h"
#include "mosaic/object.h"
#include "mosaic/value.h"

namespace mosaic {
namespace internal {

// Bumps `cls`'s buffer by `cell_bytes`; nullptr when the buffer cannot satisfy it.
inline void* TryBump(MutatorLayout* m, int cls, size_t cell_bytes) {
  AllocBuffer& b = m->buffers[cls];
  uintptr_t p = b.cursor;
  if (__builtin_expect(b.limit - p < cell_bytes, 0)) return nullptr;
  b.cursor = p + cell_bytes;
  return reinterpret_cast<void*>(p);
}

}  // namespace internal

// The buffers are the calling thread's tls_layout, empty (so the slow path runs) unless the thread
// is registered.
inline void* Allocate(KindId kind, size_t bytes, uint64_t aux) {
  if (bytes <= kMaxSmallObjectBytes) {
    int cls = internal::SizeClassFor(bytes < 8 ? 8 : bytes);
    if (void* p = internal::TryBump(&internal::tls_layout, cls, internal::ClassCellBytes(cls))) {
      *static_cast<uint64_t*>(p) = ObjectHeader::Make(kind, aux);
      return p;
    }
  }
  int cls = bytes <= kMaxSmallObjectBytes ? internal::SizeClassFor(bytes < 8 ? 8 : bytes) : -1;
  return internal::AllocateSlow(cls, bytes, kind, aux, /*may_fail=*/false);
}

inline void* TryAllocate(KindId kind, size_t bytes, uint64_t aux) {
  int cls = bytes <= kMaxSmallObjectBytes ? internal::SizeClassFor(bytes < 8 ? 8 : bytes) : -1;
  return internal::AllocateSlow(cls, bytes, kind, aux, /*may_fail=*/true);
}

inline Value AllocatePair(Value car, Value cdr) {
  void* p = internal::TryBump(&internal::tls_layout, internal::kPairClass, 16);
  if (__builtin_expect(p == nullptr, 0)) p = internal::AllocatePairSlow();
  auto* cell = static_cast<PairCell*>(p);
  cell->car = car;
  cell->cdr = cdr;
  return Value::Pair(cell);
}

}  // namespace mosaic

#endif  // MOSAIC_INTERNAL_ALLOCATE_INLINE_H_
