// The allocation slow path behind the inline fast path (mosaic/internal/allocate_inline.h):
// refill a thread's buffer from the next hole of its current block, or from a block taken from
// the pool; collect when the allocation budget or the heap limit says so.
//
// A hole is a run of free cells. Handing it out sets its cells' alloc bits at once and zeroes
// them (pair holes excepted: both pair fast paths store car and cdr before any safepoint), so the
// fast path is a bare bump; at a collection the unused rest of every buffer loses its alloc bits
// again (RetireBuffers).
//
// The budget: a collection is due when the bytes handed out since the last one pass the
// threshold the collector set (StartCycle). Threads count their refills privately and publish
// the sum only when they ask whether to collect and when their buffers retire: a locked add per
// refill waited for the hole's zeroing stores to drain and cost ~10% of an allocation-heavy run.
#ifndef MOSAIC_SRC_ALLOC_ALLOCATOR_H_
#define MOSAIC_SRC_ALLOC_ALLOCATOR_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>

#include "address/commit_budget.h"
#include "alloc/gc_trigger.h"
#include "block_pool/block_pool.h"
#include "large_objects/large_object_space.h"
#include "mosaic/internal/allocate_inline.h"
#include "threads/mutator.h"
#include "threads/thread_registry.h"

namespace mosaic::internal {

class Allocator {
 public:
  struct Config {
    uint64_t stress = 0;  // collect every N slow-path allocations; holes one cell long
    bool verify = false;  // check freed cells' poison before handing them out
    uint64_t first_threshold = 0;  // bytes before the first collection
    std::function<void(size_t requested_bytes)> oom_handler;
  };

  Allocator(Config config, BlockPool& blocks, LargeObjectSpace& large, CommitBudget& budget,
            ThreadRegistry& threads, GcTrigger& trigger);
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  // A newly registered thread.
  void InitThread(Mutator* m) { m->stress_countdown = config_.stress; }

  // Cells of `size_class` (zeroed, but for pairs); nullptr only if `may_fail` and the limit is
  // reached even after collecting.
  void* AllocateSmall(Mutator* self, int size_class, bool may_fail);
  void* AllocateLarge(Mutator* self, size_t bytes, bool may_fail);

  // --- Inside the pause ----------------------------------------------------------------------
  // The unused rest of every buffer loses its alloc bits; the thread's counts are published.
  void RetireBuffers(Mutator* m);
  // A collection ended: the next is due after `threshold` more bytes. When only `lead` bytes
  // of it are left (0: never), the trigger hears CollectionNear.
  void StartCycle(uint64_t threshold, uint64_t lead = 0);

  // A thread leaves: its buffers retire, and the blocks it was allocating from go back to the
  // pool as recyclable, so that the next thread fills them instead of committing new ones.
  void ReleaseThread(Mutator* m);

  // Totals since the heap was created: bytes handed out (cells of holes and buffers, net of what
  // retired unused; pages of large objects) and slow-path allocations. Threads publish their
  // counts when they refill from the pool, collect or leave, so up to one block per thread may
  // be missing; the calling thread's own counts are published first.
  uint64_t TotalBytes(Mutator* self);
  uint64_t TotalSlowAllocations(Mutator* self);

 private:
  bool RefillFromBlock(Mutator* self, int size_class);
  bool ShouldCollectBeforeRefill(Mutator* self);
  void PublishAllocated(Mutator* self);
  void* AllocateFailed(size_t bytes, bool may_fail);
  // Stress mode: true when this allocation is the one that collects.
  bool StressDue(Mutator* self);

  const Config config_;
  BlockPool& blocks_;
  LargeObjectSpace& large_;
  CommitBudget& budget_;
  ThreadRegistry& threads_;
  GcTrigger& trigger_;
  std::atomic<uint64_t> allocated_since_gc_{0};
  std::atomic<uint64_t> gc_threshold_{0};
  std::atomic<uint64_t> near_at_{UINT64_MAX};  // allocated_since_gc_ that calls CollectionNear
  std::atomic<bool> near_told_{false};         // this cycle's CollectionNear happened
  std::atomic<uint64_t> total_bytes_{0};
  std::atomic<uint64_t> total_slow_allocations_{0};
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ALLOC_ALLOCATOR_H_
