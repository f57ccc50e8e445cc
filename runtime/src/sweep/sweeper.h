// Sweeping, after marking, mostly outside the pause (after Boehm's lazy sweeping). Marks are
// sticky: a block's sweep turns its mark bitmap into its alloc bitmap and keeps the marks (a
// survivor is old); dead cells are free from then on (verify mode poisons them). Nothing here
// runs user code, and finalizers were queued before: they never see freed memory.
//
// Order: Start (in the pause, after marking) files the blocks that can hold dead cells as
// unswept and marks the large-object space for sweeping; then, outside the pause, the allocator
// sweeps what it needs (BlockPool::Acquire, LargeObjectSpace::Allocate), background sweepers
// call SweepAll, and Finish sweeps whatever is left — at the start of the next pause, and right
// after an explicit collection (so that Heap::Collect() leaves a swept heap behind it).
#ifndef MOSAIC_SRC_SWEEP_SWEEPER_H_
#define MOSAIC_SRC_SWEEP_SWEEPER_H_

#include <cstdint>

#include "spaces/object_spaces.h"

namespace mosaic::internal {

class Sweeper {
 public:
  explicit Sweeper(const ObjectSpaces& spaces) : spaces_(spaces) {}

  // In the pause, after marking. After a minor collection only blocks that received young
  // objects can hold dead cells.
  void Start(bool minor);
  // Sweeps everything left (the large objects first) and keeps the emptied blocks committed:
  // the background sweepers, while the mutators run. Any thread.
  void SweepAll();
  // Sweeps everything left, then returns to the OS the empty blocks beyond retain-blocks that
  // stayed empty for a whole cycle. Any thread.
  void Finish();

 private:
  const ObjectSpaces& spaces_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_SWEEP_SWEEPER_H_
