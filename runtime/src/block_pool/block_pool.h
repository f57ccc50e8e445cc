// The small-object half of the reservation, cut into kBlockSize blocks: which block is in use,
// free, decommitted or quarantined, and where the allocator's next block comes from.
//
// Blocks come from, in order: blocks of the wanted size class with free cells left by the last
// sweep; empty committed blocks; decommitted ones; never-used address space. The last two are
// charged to the CommitBudget (heap-max).
//
// Blacklisting (Boehm's "pre-allocation blacklist"): a fresh block that a stack word already
// points into would have its objects kept alive by that word for ever. Two checks: the marker
// sets the blacklist bit of an empty block a conservative candidate lands in (every stack, every
// collection), and before an empty block is handed out the top kBlacklistScanBytes of the
// allocating thread's stack are searched for words pointing into it. A block caught either way is
// quarantined until a collection finds no candidate in it.
//
// Lazy sweeping (after Boehm): a collection's pause ends when marking ends. StartLazySweep files
// every block that needs sweeping on an unswept list of its size class; a block is swept (one
// BlockHeader::Sweep: its mark bitmap becomes its alloc bitmap) when the allocator wants a
// block of that class, by background sweepers (SweepOne), or at the start of the next pause
// (FinishSweeping). Until then the block's live cells are its marked ones (BlockHeader::
// IsLiveCell), and it is handed to no thread. Before committing a fresh block, Acquire sweeps
// every unswept block: empty ones may be among them.
//
// Locking: Acquire, ReturnPartlyUsed and SweepOne run on any thread under the pool's own lock
// (SweepOne sweeps its block outside it: the block is on no list meanwhile). StartLazySweep,
// ClearBlacklist and the lists' accessors run inside the collector's pause; the marker reads the
// state table without a lock.
#ifndef MOSAIC_SRC_BLOCK_POOL_BLOCK_POOL_H_
#define MOSAIC_SRC_BLOCK_POOL_BLOCK_POOL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "address/commit_budget.h"
#include "address/heap_layout.h"
#include "block/block.h"
#include "block/block_state.h"

namespace mosaic::internal {

class BlockPool {
 public:
  struct Config {
    bool blacklist = true;     // check fresh blocks against the allocating thread's stack
    size_t retain_blocks = 64;  // empty blocks kept committed beyond one cycle
    bool verify = false;        // poison released blocks
  };
  // The part of the allocating thread's stack that the blacklist check reads: [from, to).
  struct StackSpan {
    uintptr_t from = 0;
    uintptr_t to = 0;
  };

  BlockPool(const HeapLayout& layout, CommitBudget& budget, Config config);
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  // A block for `size_class`, initialised and in use; nullptr when none is left within the
  // limit. Thread-safe.
  BlockHeader* Acquire(int size_class, StackSpan stack);

  // A block a leaving thread was allocating from: recyclable for its class until the next sweep
  // files it again. Thread-safe.
  void ReturnPartlyUsed(BlockHeader* block);

  // --- The side table: read by the marker inside the pause, without the lock. ---------------
  // Relaxed atomic accesses (plain loads on x86): parallel markers set blacklist bits while
  // others read the table.
  uint8_t state(size_t index) const { return __atomic_load_n(&state_[index], __ATOMIC_RELAXED); }
  const uint8_t* state_table() const { return state_.get(); }
  // A conservative candidate landed in block `index`, which is not in use.
  void Blacklist(size_t index) {
    __atomic_fetch_or(&state_[index], kBlacklistBit, __ATOMIC_RELAXED);
    // The range ClearBlacklist must clear (candidates are rare: a CAS loop is cheap enough).
    size_t lo = blacklist_lo_.load(std::memory_order_relaxed);
    while (index < lo && !blacklist_lo_.compare_exchange_weak(lo, index, std::memory_order_relaxed)) {
    }
    size_t hi = blacklist_hi_.load(std::memory_order_relaxed);
    while (index >= hi &&
           !blacklist_hi_.compare_exchange_weak(hi, index + 1, std::memory_order_relaxed)) {
    }
  }
  // Clears every blacklist bit: only the range Blacklist set since the last clear (the table
  // has an entry per block of the reservation, and a collection of a small heap is a few
  // microseconds).
  void ClearBlacklist();

  // --- Inside the pause ----------------------------------------------------------------------
  const std::vector<BlockHeader*>& used_blocks() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return used_;
  }
  const std::vector<size_t>& free_blocks() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return free_;
  }
  const std::vector<size_t>& quarantined_blocks() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return quarantined_;
  }
  // After marking: every block in use that can have dead cells (all of them after a major
  // collection; after a minor one, those that received young objects) goes on the unswept
  // lists; the others stay as they are. Quarantined blocks that no candidate pointed into this
  // time are released.
  void StartLazySweep(bool minor);
  // Sweeps one unswept block, if any is left (any thread). False when none is.
  bool SweepOne();
  // Sweeps every block still unswept, then decommits the empty blocks beyond retain_blocks that
  // stayed empty for a whole cycle. Any thread; in the pause before marking.
  void FinishSweeping();
  // Sweeps every block still unswept and keeps the empty ones committed (background sweepers:
  // what to return to the OS is decided at the next pause, as it is after lazy sweeping).
  void SweepAll();
  bool AnyUnswept();
  size_t UnsweptBlocks();

  // --- Statistics ----------------------------------------------------------------------------
  uint64_t blocks_quarantined() const { return quarantined_count_.load(std::memory_order_relaxed); }
  uint64_t blocks_released() const { return released_count_.load(std::memory_order_relaxed); }
  uint64_t sweep_ns() const { return sweep_ns_.load(std::memory_order_relaxed); }
  // Live bytes counted by the sweeps since the last StartLazySweep (verify mode checks it).
  uint64_t swept_live_bytes() const { return swept_live_bytes_.load(std::memory_order_relaxed); }

 private:
  BlockHeader* TakeEmptyBlock(StackSpan stack, bool* fresh) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool Blacklisted(StackSpan stack, size_t index) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Quarantine(size_t index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Release(BlockHeader* block) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReviewQuarantine() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReturnExcessBlocks() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddUsed(BlockHeader* block) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void RemoveUsed(BlockHeader* block) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sweeps `block` (taken off the unswept lists) and files it: free, recyclable or just in use.
  // Returns whether it has a free cell.
  bool SweepAndFile(BlockHeader* block, std::unique_lock<std::mutex>& lock)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  BlockHeader* TakeUnswept(int size_class) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const HeapLayout layout_;
  CommitBudget& budget_;
  const Config config_;
  std::unique_ptr<uint8_t[]> state_;
  std::atomic<size_t> blacklist_lo_{SIZE_MAX};  // [lo, hi): where blacklist bits may be set
  std::atomic<size_t> blacklist_hi_{0};

  std::mutex mu_;
  std::vector<BlockHeader*> used_ ABSL_GUARDED_BY(mu_);
  std::vector<BlockHeader*> recyclable_[kNumSizeClasses] ABSL_GUARDED_BY(mu_);
  std::vector<BlockHeader*> unswept_[kNumSizeClasses] ABSL_GUARDED_BY(mu_);
  size_t unswept_count_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<size_t> free_ ABSL_GUARDED_BY(mu_);  // committed and empty, oldest first
  // Per block: the sweep at which it last became free. Blocks freed by the latest sweep stay
  // committed for a cycle (ReturnExcessBlocks).
  std::unique_ptr<uint32_t[]> freed_at_sweep_;
  uint32_t sweeps_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<size_t> unused_ ABSL_GUARDED_BY(mu_);  // decommitted, below next_block_
  std::vector<size_t> quarantined_ ABSL_GUARDED_BY(mu_);
  size_t next_block_ ABSL_GUARDED_BY(mu_) = 0;  // blocks at or above this were never used

  std::atomic<uint64_t> quarantined_count_{0};
  std::atomic<uint64_t> released_count_{0};
  std::atomic<uint64_t> sweep_ns_{0};
  std::atomic<uint64_t> swept_live_bytes_{0};
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_BLOCK_POOL_BLOCK_POOL_H_
