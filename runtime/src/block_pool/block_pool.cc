#include "block_pool/block_pool.h"

#include <algorithm>

#include "address/reservation.h"
#include "common/check.h"
#include "common/clock.h"

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
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    std::vector<BlockHeader*>& recyclable = recyclable_[size_class];
    if (!recyclable.empty()) {
      BlockHeader* block = recyclable.back();
      recyclable.pop_back();
      return block;
    }
    // Sweep this class's unswept blocks until one has room (SweepAndFile makes it recyclable).
    BlockHeader* unswept = TakeUnswept(size_class);
    if (unswept == nullptr) break;
    SweepAndFile(unswept, lock);
  }
  if (free_.empty() && unswept_count_ > 0) {
    // Before committing fresh memory: other classes' unswept blocks may be empty.
    for (int cls = 0; cls < kNumSizeClasses; ++cls) {
      while (BlockHeader* b = TakeUnswept(cls)) SweepAndFile(b, lock);
    }
    if (!recyclable_[size_class].empty()) {
      BlockHeader* block = recyclable_[size_class].back();
      recyclable_[size_class].pop_back();
      return block;
    }
  }
  bool fresh = false;
  BlockHeader* block = TakeEmptyBlock(stack, &fresh);
  if (block == nullptr) return nullptr;
  block->Init(size_class, fresh);
  state_[layout_.BlockIndex(block->start())] = kBlockInUse;
  AddUsed(block);
  return block;
}

void BlockPool::AddUsed(BlockHeader* block) {
  block->used_index = static_cast<uint32_t>(used_.size());
  used_.push_back(block);
}

void BlockPool::RemoveUsed(BlockHeader* block) {
  BlockHeader* last = used_.back();
  used_[block->used_index] = last;
  last->used_index = block->used_index;
  used_.pop_back();
}

BlockHeader* BlockPool::TakeUnswept(int size_class) {
  std::vector<BlockHeader*>& list = unswept_[size_class];
  if (list.empty()) return nullptr;
  BlockHeader* block = list.back();
  list.pop_back();
  --unswept_count_;
  return block;
}

bool BlockPool::SweepAndFile(BlockHeader* block, std::unique_lock<std::mutex>& lock) {
  // The block is on no list now: nobody else touches it while the lock is released.
  lock.unlock();
  uint64_t start = NowNanos();
  uint32_t live = block->Sweep(config_.verify);
  sweep_ns_.fetch_add(NowNanos() - start, std::memory_order_relaxed);
  swept_live_bytes_.fetch_add(uint64_t{live} * block->cell_bytes, std::memory_order_relaxed);
  lock.lock();
  if (live == 0) {
    RemoveUsed(block);
    Release(block);
    return true;
  }
  if (live < block->num_cells) {
    recyclable_[block->size_class].push_back(block);
    return true;
  }
  return false;
}

bool BlockPool::SweepOne() {
  std::unique_lock<std::mutex> lock(mu_);
  for (int cls = 0; cls < kNumSizeClasses; ++cls) {
    if (BlockHeader* b = TakeUnswept(cls)) {
      SweepAndFile(b, lock);
      return true;
    }
  }
  return false;
}

bool BlockPool::AnyUnswept() { return UnsweptBlocks() > 0; }

size_t BlockPool::UnsweptBlocks() {
  std::lock_guard<std::mutex> lock(mu_);
  return unswept_count_;
}

void BlockPool::SweepAll() {
  while (SweepOne()) {
  }
}

void BlockPool::FinishSweeping() {
  SweepAll();
  std::lock_guard<std::mutex> lock(mu_);
  ReturnExcessBlocks();
}

void BlockPool::StartLazySweep(bool minor) {
  std::lock_guard<std::mutex> lock(mu_);
  ++sweeps_;
  swept_live_bytes_.store(0, std::memory_order_relaxed);
  for (auto& list : recyclable_) list.clear();
  for (BlockHeader* block : used_) {
    if (minor && !block->has_young) {
      // Nothing was allocated here since the last collection, and old objects do not die in a
      // minor collection: the block is as the last sweep left it.
      swept_live_bytes_.fetch_add(uint64_t{block->live_cells} * block->cell_bytes,
                                  std::memory_order_relaxed);
      if (block->live_cells < block->num_cells) recyclable_[block->size_class].push_back(block);
      continue;
    }
    block->SetUnswept(true);
    unswept_[block->size_class].push_back(block);
    ++unswept_count_;
  }
  ReviewQuarantine();
}

void BlockPool::ReturnPartlyUsed(BlockHeader* block) {
  std::lock_guard<std::mutex> lock(mu_);
  recyclable_[block->size_class].push_back(block);
}

void BlockPool::ClearBlacklist() {
  const size_t hi = blacklist_hi_.exchange(0, std::memory_order_relaxed);
  for (size_t i = blacklist_lo_.exchange(SIZE_MAX, std::memory_order_relaxed); i < hi; ++i) {
    state_[i] &= ~kBlacklistBit;
  }
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
