// Sweeping, inside the pause, after marking: for each small block the mark bitmap becomes the
// alloc bitmap (dead cells are free from then on; verify mode poisons them) and stays as it is:
// mark bits are sticky, a survivor is old. The block pool then files each block by what survived
// (sweep/ does the bits, block_pool/ the lists). Unmarked large objects give their pages back to
// the OS.
//
// After a minor collection only blocks that received young objects since the last collection
// (BlockHeader::has_young) can have changed: the others keep their bitmaps and count. Finalizers are not run here: they were queued before
// sweeping and run after the pause. Nothing here iterates a container that user code can change.
#ifndef MOSAIC_SRC_SWEEP_SWEEPER_H_
#define MOSAIC_SRC_SWEEP_SWEEPER_H_

#include <cstdint>

#include "spaces/object_spaces.h"

namespace mosaic::internal {

class Sweeper {
 public:
  Sweeper(const ObjectSpaces& spaces, bool verify, bool minor)
      : spaces_(spaces), verify_(verify), minor_(minor) {}
  // Returns the bytes that survived (cells of surviving objects, pages of large ones).
  uint64_t Sweep();

 private:
  // One block's bitmaps; returns its surviving cells.
  uint32_t SweepBlock(BlockHeader* block);

  const ObjectSpaces& spaces_;
  const bool verify_;
  const bool minor_;
  uint64_t live_bytes_ = 0;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_SWEEP_SWEEPER_H_
