#include "block_pool/block_pool.h"

#include <algorithm>

#include "address/reservation.h"
#include "common/check.h"

#ifdef MOSAIC_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mosaic::internal {

namespace {

constexpr size_t kBlacklistScanBytes = 64 * 1024;

MOSAIC_NO_SANITIZE_SCAN bool StackWordsPointInto(uintptr_t from, uintptr_t to, uintptr_t begin,
                                                 uintptr_t end) {
#ifdef MOSAIC_ASAN
  void* fake_stack = __asan_get_current_fake_stack();
#endif
  for (uintptr_t p = from & ~uintptr_t{7}; p + 8 <= to; p += 8) {
    uintptr_t word = *reinterpret_cast<const uintptr_t*>(p);
    if (word - begin < end - begin) return true;
#ifdef MOSAIC_ASAN
    // Locals of instrumented frames may live in ASan's fake frames, which the stack points to.
    void* frame_begin = nullptr;
    void* frame_end = nullptr;
    if (fake_stack != nullptr &&
        __asan_addr_is_in_fake_stack(fake_stack, reinterpret_cast<void*>(word), &frame_begin,
                                     &frame_end) != nullptr) {
      for (auto q = reinterpret_cast<uintptr_t>(frame_begin);
           q + 8 <= reinterpret_cast<uintptr_t>(frame_end); q += 8) {
        if (*reinterpret_cast<const uintptr_t*>(q) - begin < end - begin) return true;
      }
    }
#endif
  }
  return false;
}

}  // namespace

BlockPool::BlockPool(const HeapLayout& layout, CommitBudget& budget, Config config)
    : layout_(layout),
      budget_(budget),
      config_(config),
      state_(new uint8_t[layout.num_blocks()]()),
      freed_at_sweep_(new uint32_t[layout.num_blocks()]()) {}

bool BlockPool::Blacklisted(StackSpan stack, size_t index) const {
  if (!config_.blacklist) return false;
  if (state_[index] & kBlacklistBit) return true;
  uintptr_t begin = layout_.BlockAddress(index);
  uintptr_t to = std::min(stack.to, stack.from + kBlacklistScanBytes);
  return StackWordsPointInto(stack.from, to, begin, begin + kBlockSize);
}

void BlockPool::Quarantine(size_t index) {
  // Quarantined blocks stay committed (they may be handed out after the next collection).
  state_[index] = (state_[index] & kBlacklistBit) | kBlockQuarantined;
  quarantined_.push_back(index);
  quarantined_count_.fetch_add(1, std::memory_order_relaxed);
}

BlockHeader* BlockPool::TakeEmptyBlock(StackSpan stack, bool* fresh) {
  while (!free_.empty()) {
    size_t index = free_.back();
    free_.pop_back();
    if (Blacklisted(stack, index)) {
      Quarantine(index);
      continue;
    }
    *fresh = false;
    return reinterpret_cast<BlockHeader*>(layout_.BlockAddress(index));
  }
  // Decommitted or never-used blocks: both read as zero.
  for (;;) {
    size_t index;
    bool from_unused = !unused_.empty();
    if (from_unused) {
      index = unused_.back();
    } else if (next_block_ < layout_.num_blocks()) {
      index = next_block_;
    } else {
      return nullptr;
    }
    if (!budget_.TryCommit(kBlockSize)) return nullptr;
    if (from_unused) {
      unused_.pop_back();
    } else {
      ++next_block_;
    }
    if (Blacklisted(stack, index)) {
      Quarantine(index);
      continue;
    }
    *fresh = true;
    return reinterpret_cast<BlockHeader*>(layout_.BlockAddress(index));
  }
}

BlockHeader* BlockPool::Acquire(int size_class, StackSpan stack) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<BlockHeader*>& recyclable = recyclable_[size_class];
  if (!recyclable.empty()) {
    BlockHeader* block = recyclable.back();
    recyclable.pop_back();
    return block;
  }
  bool fresh = false;
  BlockHeader* block = TakeEmptyBlock(stack, &fresh);
  if (block == nullptr) return nullptr;
  block->Init(size_class, fresh);
  state_[layout_.BlockIndex(block->start())] = kBlockInUse;
  used_.push_back(block);
  return block;
}

void BlockPool::ReturnPartlyUsed(BlockHeader* block) {
  std::lock_guard<std::mutex> lock(mu_);
  recyclable_[block->size_class].push_back(block);
}

void BlockPool::ClearBlacklist() {
  for (size_t i = 0; i < layout_.num_blocks(); ++i) state_[i] &= ~kBlacklistBit;
}

void BlockPool::SweepUsedBlocks(absl::FunctionRef<uint32_t(BlockHeader*)> sweep) {
  std::lock_guard<std::mutex> lock(mu_);
  ++sweeps_;
  for (auto& list : recyclable_) list.clear();
  std::vector<BlockHeader*> survivors;
  survivors.reserve(used_.size());
  for (BlockHeader* block : used_) {
    uint32_t live = sweep(block);
    if (live == 0) {
      Release(block);
      continue;
    }
    survivors.push_back(block);
    if (live < block->num_cells) recyclable_[block->size_class].push_back(block);
  }
  used_.swap(survivors);
  ReviewQuarantine();
  ReturnExcessBlocks();
}

void BlockPool::Release(BlockHeader* block) {
  if (config_.verify) {
    // The block may come back with another size class, whose cells straddle the old ones:
    // poison it whole so that the reuse check sees uniform poison.
    Poison(block->cells_start(), block->start() + kBlockSize);
  }
  block->magic = 0;
  size_t index = layout_.BlockIndex(block->start());
  state_[index] = kBlockFree;
  freed_at_sweep_[index] = sweeps_;
  free_.push_back(index);
}

void BlockPool::ReviewQuarantine() {
  // A quarantined block whose blacklist bit this collection did not set again has no stack word
  // pointing into it any more.
  std::vector<size_t> still;
  for (size_t index : quarantined_) {
    if (state_[index] & kBlacklistBit) {
      still.push_back(index);
    } else {
      state_[index] = kBlockFree;
      freed_at_sweep_[index] = sweeps_;
      free_.push_back(index);
    }
  }
  quarantined_.swap(still);
}

void BlockPool::ReturnExcessBlocks() {
  // Beyond retain-blocks, empty blocks go back to the OS, oldest first, but not those that this
  // sweep freed: until the next collection the program allocates up to gc-growth x live bytes
  // and would fault them straight back in (decommitting them at once sent ~45% of gcbench's
  // allocation through page faults). A block that stays empty for a whole cycle is released at
  // the next collection. Peak memory does not change: the blocks kept are the ones the next
  // cycle fills.
  size_t excess = free_.size() > config_.retain_blocks ? free_.size() - config_.retain_blocks : 0;
  uint64_t released = 0;
  size_t kept = 0;
  for (size_t index : free_) {
    if (released < excess && freed_at_sweep_[index] != sweeps_) {
      Reservation::Decommit(layout_.BlockAddress(index), kBlockSize);
      state_[index] = (state_[index] & kBlacklistBit) | kBlockUnused;
      unused_.push_back(index);
      budget_.Uncommit(kBlockSize);
      ++released;
    } else {
      free_[kept++] = index;
    }
  }
  free_.resize(kept);
  released_count_.fetch_add(released, std::memory_order_relaxed);
}

}  // namespace mosaic::internal
