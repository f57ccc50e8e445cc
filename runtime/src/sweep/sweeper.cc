#include "sweep/sweeper.h"

#include <cstring>

namespace mosaic::internal {

namespace {

void Poison(uintptr_t begin, uintptr_t end) {
  for (auto* p = reinterpret_cast<uint64_t*>(begin); p < reinterpret_cast<uint64_t*>(end); ++p) {
    *p = kPoisonWord;
  }
}

}  // namespace

uint64_t Sweeper::Sweep() {
  uint64_t live_bytes = 0;
  ++heap_.sweeps_;
  for (auto& list : heap_.recyclable_) list.clear();
  std::vector<BlockHeader*> survivors;
  survivors.reserve(heap_.used_blocks_.size());
  const bool verify = heap_.options_.verify;
  for (BlockHeader* block : heap_.used_blocks_) {
    const uint32_t words = (block->num_cells + 63) / 64;
    uint32_t live = block->CountMarked();
    if (live == 0) {
      ReleaseBlock(block);
      continue;
    }
    if (verify) {
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
    std::memset(block->mark, 0, words * sizeof(uint64_t));
    block->live_cells = live;
    block->fresh = false;
    live_bytes += uint64_t{live} * block->cell_bytes;
    survivors.push_back(block);
    if (live < block->num_cells) heap_.recyclable_[block->size_class].push_back(block);
  }
  heap_.used_blocks_.swap(survivors);

  live_bytes += heap_.los_->Sweep([this](LargeHeader* h) {
    heap_.committed_bytes_.fetch_sub(uint64_t{h->pages} * kPageSize, std::memory_order_relaxed);
  });
  ReviewQuarantine();
  ReturnExcessBlocks();
  return live_bytes;
}

void Sweeper::ReleaseBlock(BlockHeader* block) {
  if (heap_.options_.verify) {
    // The block may come back with another size class, whose cells straddle the old ones:
    // poison it whole so that the reuse check sees uniform poison.
    Poison(block->cells_start(), block->start() + kBlockSize);
  }
  block->magic = 0;
  size_t index = heap_.BlockIndex(block->start());
  heap_.block_state_[index] = kBlockFree;
  heap_.freed_at_sweep_[index] = heap_.sweeps_;
  heap_.free_blocks_.push_back(index);
}

void Sweeper::ReviewQuarantine() {
  // A quarantined block whose blacklist bit this collection did not set again has no stack word
  // pointing into it any more.
  std::vector<size_t> still;
  for (size_t index : heap_.quarantined_) {
    if (heap_.block_state_[index] & kBlacklistBit) {
      still.push_back(index);
    } else {
      heap_.block_state_[index] = kBlockFree;
      heap_.freed_at_sweep_[index] = heap_.sweeps_;
      heap_.free_blocks_.push_back(index);
    }
  }
  heap_.quarantined_.swap(still);
}

void Sweeper::ReturnExcessBlocks() {
  // Beyond retain-blocks, empty blocks go back to the OS, oldest first, but not those that this
  // sweep freed: until the next collection the program allocates up to gc-growth x live bytes
  // and would fault them straight back in (decommitting them at once sent ~45% of gcbench's
  // allocation through page faults). A block that stays empty for a whole cycle is released at
  // the next collection. Peak memory does not change: the blocks kept are the ones the next
  // cycle fills.
  std::vector<size_t>& free = heap_.free_blocks_;
  size_t excess = free.size() > heap_.options_.retain_blocks
                      ? free.size() - heap_.options_.retain_blocks
                      : 0;
  uint64_t released = 0;
  size_t kept = 0;
  for (size_t index : free) {
    if (released < excess && heap_.freed_at_sweep_[index] != heap_.sweeps_) {
      Reservation::Decommit(heap_.BlockAddress(index), kBlockSize);
      heap_.block_state_[index] = (heap_.block_state_[index] & kBlacklistBit) | kBlockUnused;
      heap_.unused_blocks_.push_back(index);
      heap_.committed_bytes_.fetch_sub(kBlockSize, std::memory_order_relaxed);
      ++released;
    } else {
      free[kept++] = index;
    }
  }
  free.resize(kept);
  if (released > 0) {
    std::lock_guard<std::mutex> lock(heap_.stats_mu_);
    heap_.stats_.blocks_released += released;
  }
}

}  // namespace mosaic::internal
