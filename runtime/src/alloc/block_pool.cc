// Where blocks come from: blocks with free cells left by the last sweep (per size class), then
// empty committed blocks, then decommitted ones, then never-used address space — the last two
// count against heap-max. Every path runs under pool_mu_.
//
// Blacklisting: a fresh block that a stack word already points into would have its objects
// kept alive by that word forever (Boehm's "pre-allocation blacklist"). Two checks: the
// collector marks empty blocks that conservative candidates land in (every stack, every
// collection), and before an empty block is handed out, the top kBlacklistScanBytes of the
// allocating thread's stack are searched for words pointing into it. A block caught either way is
// quarantined until a collection finds no candidate in it.
#include "common/check.h"

#ifdef MOSAIC_ASAN
#include <sanitizer/asan_interface.h>
#endif
#include "heap/heap_impl.h"

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

bool HeapImpl::Blacklisted(Mutator* self, uintptr_t scan_from, size_t index) {
  if (!options_.blacklist) return false;
  if (block_state_[index] & kBlacklistBit) return true;
  uintptr_t begin = BlockAddress(index);
  uintptr_t to = std::min(self->stack_base, scan_from + kBlacklistScanBytes);
  return StackWordsPointInto(scan_from, to, begin, begin + kBlockSize);
}

BlockHeader* HeapImpl::TakeEmptyBlock(Mutator* self, uintptr_t scan_from, bool* fresh) {
  auto quarantine = [&](size_t index) {
    // Quarantined blocks stay committed (they may be handed out after the next collection).
    block_state_[index] = (block_state_[index] & kBlacklistBit) | kBlockQuarantined;
    quarantined_.push_back(index);
    std::lock_guard<std::mutex> lock(stats_mu_);
    ++stats_.blocks_quarantined;
  };
  while (!free_blocks_.empty()) {
    size_t index = free_blocks_.back();
    free_blocks_.pop_back();
    if (Blacklisted(self, scan_from, index)) {
      quarantine(index);
      continue;
    }
    *fresh = false;
    return reinterpret_cast<BlockHeader*>(BlockAddress(index));
  }
  // Decommitted or never-used blocks: both read as zero.
  for (;;) {
    size_t index;
    bool from_unused = !unused_blocks_.empty();
    if (from_unused) {
      index = unused_blocks_.back();
    } else if (next_block_ < num_blocks_) {
      index = next_block_;
    } else {
      return nullptr;
    }
    if (WouldExceedLimit(kBlockSize)) return nullptr;
    if (from_unused) {
      unused_blocks_.pop_back();
    } else {
      ++next_block_;
    }
    uint64_t committed =
        committed_bytes_.fetch_add(kBlockSize, std::memory_order_relaxed) + kBlockSize;
    {
      std::lock_guard<std::mutex> lock(stats_mu_);
      stats_.peak_committed_bytes = std::max<uint64_t>(stats_.peak_committed_bytes, committed);
    }
    if (Blacklisted(self, scan_from, index)) {
      quarantine(index);
      continue;
    }
    *fresh = true;
    return reinterpret_cast<BlockHeader*>(BlockAddress(index));
  }
}

BlockHeader* HeapImpl::AcquireBlock(Mutator* self, int cls, uintptr_t scan_from) {
  std::vector<BlockHeader*>& recyclable = recyclable_[cls];
  if (!recyclable.empty()) {
    BlockHeader* block = recyclable.back();
    recyclable.pop_back();
    return block;
  }
  bool fresh = false;
  BlockHeader* block = TakeEmptyBlock(self, scan_from, &fresh);
  if (block == nullptr) return nullptr;
  block->Init(cls, fresh);
  block_state_[BlockIndex(block->start())] = kBlockInUse;
  used_blocks_.push_back(block);
  return block;
}

}  // namespace mosaic::internal
