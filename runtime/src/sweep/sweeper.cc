#include "sweep/sweeper.h"

#include <cstring>

namespace mosaic::internal {

uint64_t Sweeper::Sweep() {
  live_bytes_ = 0;
  spaces_.blocks().SweepUsedBlocks([this](BlockHeader* block) { return SweepBlock(block); });
  live_bytes_ += spaces_.large().Sweep();
  return live_bytes_;
}

uint32_t Sweeper::SweepBlock(BlockHeader* block) {
  if (minor_ && !block->has_young) {
    // Nothing was allocated here since the last collection, and old objects do not die in a
    // minor collection: the block is as the last sweep left it.
    live_bytes_ += uint64_t{block->live_cells} * block->cell_bytes;
    return block->live_cells;
  }
  const uint32_t words = (block->num_cells + 63) / 64;
  uint32_t live = block->CountMarked();
  block->has_young = false;
  if (live == 0) return 0;  // the pool releases it whole
  if (verify_) {
    for (uint32_t w = 0; w < words; ++w) {
      uint64_t dead = block->alloc[w] & ~block->mark[w];
      while (dead != 0) {
        uint32_t cell = w * 64 + static_cast<uint32_t>(std::countr_zero(dead));
        dead &= dead - 1;
        uintptr_t start = block->CellAddress(cell);
        Poison(start, start + block->cell_bytes);
      }
    }
  }
  std::memcpy(block->alloc, block->mark, words * sizeof(uint64_t));
  block->live_cells = live;
  block->fresh = false;
  live_bytes_ += uint64_t{live} * block->cell_bytes;
  return live;
}

}  // namespace mosaic::internal
