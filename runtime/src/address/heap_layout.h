// The geometry of the heap's one reservation: the first half holds small-object blocks, the
// second half large objects, so neither can run out of address space before heap-max is reached.
// Every membership test is one subtraction and one compare.
#ifndef MOSAIC_SRC_ADDRESS_HEAP_LAYOUT_H_
#define MOSAIC_SRC_ADDRESS_HEAP_LAYOUT_H_

#include <cstddef>
#include <cstdint>

#include "mosaic/internal/size_classes.h"

namespace mosaic::internal {

struct HeapLayout {
  uintptr_t base = 0;
  size_t small_size = 0;  // a multiple of kBlockSize
  size_t total_size = 0;

  bool InReservation(uintptr_t a) const { return a - base < total_size; }
  bool InSmallRegion(uintptr_t a) const { return a - base < small_size; }
  size_t num_blocks() const { return small_size >> kBlockShift; }
  // Requires InSmallRegion(a).
  size_t BlockIndex(uintptr_t a) const { return (a - base) >> kBlockShift; }
  uintptr_t BlockAddress(size_t index) const { return base + (index << kBlockShift); }
  uintptr_t large_base() const { return base + small_size; }
  size_t large_size() const { return total_size - small_size; }
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ADDRESS_HEAP_LAYOUT_H_
