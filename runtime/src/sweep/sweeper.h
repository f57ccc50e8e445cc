// Sweeping, inside the pause, after marking: for each small block the mark bitmap becomes the
// alloc bitmap (dead cells are free from then on; verify mode poisons them), blocks with no
// survivors go back to the pool and blocks with free cells become recyclable for their class.
// Unmarked large objects give their pages back to the OS. Empty blocks beyond retain-blocks are
// decommitted. Finalizers are not run here: they were queued before sweeping and run after the
// pause. Nothing here iterates a container that user code can change.
#ifndef MOSAIC_SRC_SWEEP_SWEEPER_H_
#define MOSAIC_SRC_SWEEP_SWEEPER_H_

#include <cstdint>

#include "heap/heap_impl.h"

namespace mosaic::internal {

class Sweeper {
 public:
  explicit Sweeper(HeapImpl& heap) : heap_(heap) {}
  // Returns the bytes that survived (cells of surviving objects, pages of large ones).
  uint64_t Sweep();

 private:
  void ReleaseBlock(BlockHeader* block);
  void ReviewQuarantine();
  void ReturnExcessBlocks();

  HeapImpl& heap_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_SWEEP_SWEEPER_H_
