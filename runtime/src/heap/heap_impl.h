// The heap's internals: one object that owns the reservation, the block pool, the large-object
// space, the registered threads, the roots and the statistics, and runs collections.
//
// Locks, in the order they may be taken (never the other way round):
//   world_mu_  registration, stopping and resuming the world
//   pool_mu_   block lists and the large-object space (allocation slow path)
//   roots_mu_, cells_mu_, fin_mu_, listeners_mu_, stats_mu_ (leaves)
// No lock is held while user code runs (finalizers, listeners, the OOM handler), and no mutator
// parks while holding one, so the collector can take every lock inside the pause.
//
// A collection (Collect):
//   1. StopTheWorld: raise the safepoint flag, wait until every other mutator is parked or in
//      native code.
//   2. Retire every thread's allocation buffers (unused cells lose their alloc bits).
//   3. Verify (verify=1); mark from roots: stacks (through the StackWalker, if any), handles,
//      globals, root cells, objects awaiting finalization; then unreachable objects that have
//      finalizers are queued and marked (so what they reference survives one more cycle).
//   4. Sweep blocks and large objects; empty blocks go back to the pool; verify again.
//   5. ResumeTheWorld; then, outside the pause, listeners and finalizers.
#ifndef MOSAIC_SRC_HEAP_HEAP_IMPL_H_
#define MOSAIC_SRC_HEAP_HEAP_IMPL_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include <condition_variable>
#include <mutex>
#include "heap/block.h"
#include "heap/large_object_space.h"
#include "heap/reservation.h"
#include "mosaic/heap.h"
#include "roots/root_cells.h"
#include "threads/mutator.h"

namespace mosaic::internal {

// Side-table state of each block of the small-object region.
enum BlockState : uint8_t {
  kBlockUnused = 0,   // never committed, or decommitted
  kBlockFree = 1,     // committed, empty, in the free pool
  kBlockInUse = 2,    // holds cells of its size class
  kBlockQuarantined = 3,  // empty, but a stack word points into it: not handed out
};
inline constexpr uint8_t kBlacklistBit = 0x80;

// An allocated object found from an address.
struct ObjectLocation {
  uintptr_t start = 0;
  BlockHeader* block = nullptr;  // small objects and pairs
  uint32_t cell = 0;
  LargeHeader* large = nullptr;  // large objects
  bool is_pair() const { return block != nullptr && block->size_class == kPairClass; }
};

class HeapImpl {
 public:
  static absl::StatusOr<std::unique_ptr<HeapImpl>> Create(Heap* owner, const HeapOptions& options);
  ~HeapImpl();

  Heap* owner() const { return owner_; }
  const HeapOptions& options() const { return options_; }

  // --- Address queries -----------------------------------------------------------------------
  bool InReservation(uintptr_t a) const { return a - base_ < total_size_; }
  bool InSmallRegion(uintptr_t a) const { return a - base_ < small_size_; }
  // The allocated object containing `address`, if any.
  bool Locate(uintptr_t address, ObjectLocation* out) const;
  size_t CellBytes(const ObjectLocation& loc) const {
    return loc.block ? loc.block->cell_bytes : loc.large->object_bytes;
  }

  // --- Kinds ---------------------------------------------------------------------------------
  absl::StatusOr<KindId> RegisterKind(const KindDescriptor& kind);
  const KindDescriptor* FindKind(KindId id) const {
    return kinds_[id].load(std::memory_order_acquire);
  }

  // --- Threads -------------------------------------------------------------------------------
  absl::Status RegisterCurrentThread();
  absl::Status UnregisterCurrentThread();
  size_t RegisteredThreadCount() const;
  void SafepointSlow(Mutator* self, bool leaving_native = false);
  void EnterNative(Mutator* self);
  void LeaveNative(Mutator* self);
  const volatile uint32_t* safepoint_flag() const {
    return reinterpret_cast<const volatile uint32_t*>(&safepoint_flag_);
  }

  // --- Allocation (alloc/allocator.cc) -------------------------------------------------------
  void* AllocateSmall(Mutator* self, int size_class, bool may_fail);
  void* AllocateLarge(Mutator* self, size_t bytes, bool may_fail);
  void RetireBuffers(Mutator* m);

  // --- Collection ----------------------------------------------------------------------------
  void Collect(Mutator* self, CollectReason reason);
  void RunPendingFinalizers(Mutator* self);

  // --- Roots ---------------------------------------------------------------------------------
  void AddGlobalRoot(Value* slot);
  void RemoveGlobalRoot(Value* slot);
  RootCellTable& root_cells() { return root_cells_; }
  void RegisterFinalizer(Value object, Finalizer finalizer);
  size_t PendingFinalizerCount() const;
  void SetStackWalker(StackWalker* walker) { walker_.store(walker, std::memory_order_release); }

  // --- Stats ---------------------------------------------------------------------------------
  GcStats Stats() const;
  int AddEventListener(EventListener listener);
  void RemoveEventListener(int id);

 private:
  friend class Marker;
  friend class Sweeper;
  friend class Verifier;
  friend class ConservativeScanner;

  HeapImpl(Heap* owner, const HeapOptions& options, Reservation reservation);

  // Stop-the-world (threads/safepoint.cc).
  void ParkLocked(Mutator* self, std::unique_lock<std::mutex>& lock);
  bool StopTheWorld(Mutator* self, uint64_t* time_to_safepoint_ns);
  void ResumeTheWorld();
  void CollectStopped(Mutator* self, CollectReason reason, uint64_t time_to_safepoint_ns,
                      uint64_t pause_start);

  // Block pool (alloc/block_pool.cc). All require pool_mu_.
  // `scan_from` is where the mutator's own frames start (for the blacklist check).
  BlockHeader* AcquireBlock(Mutator* self, int size_class, uintptr_t scan_from)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_mu_);
  BlockHeader* TakeEmptyBlock(Mutator* self, uintptr_t scan_from, bool* fresh)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_mu_);
  bool Blacklisted(Mutator* self, uintptr_t scan_from, size_t index)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(pool_mu_);
  size_t BlockIndex(uintptr_t a) const { return (a - base_) >> kBlockShift; }
  uintptr_t BlockAddress(size_t index) const { return base_ + (index << kBlockShift); }
  bool WouldExceedLimit(size_t more_bytes) const;
  bool RefillFromBlock(Mutator* self, int size_class);
  void* AllocateFailed(Mutator* self, size_t bytes, bool may_fail);
  bool ShouldCollectBeforeRefill(Mutator* self);
  void PublishAllocated(Mutator* self);

  Heap* owner_;
  HeapOptions options_;
  Reservation reservation_;
  uintptr_t base_;
  size_t total_size_;
  size_t small_size_;
  size_t num_blocks_;

  // Kinds: a fixed table of pointers so readers never see it move.
  std::unique_ptr<std::atomic<const KindDescriptor*>[]> kinds_;
  std::vector<std::unique_ptr<KindDescriptor>> kind_storage_ ABSL_GUARDED_BY(kinds_mu_);
  std::mutex kinds_mu_;

  // Threads and safepoints.
  mutable std::mutex world_mu_;
  std::condition_variable parked_cv_;
  std::condition_variable resume_cv_;
  std::vector<Mutator*> mutators_ ABSL_GUARDED_BY(world_mu_);
  bool collecting_ ABSL_GUARDED_BY(world_mu_) = false;
  uint64_t next_mutator_id_ ABSL_GUARDED_BY(world_mu_) = 1;
  std::atomic<uint32_t> safepoint_flag_{0};

  // Blocks (guarded by pool_mu_; the collector reads them inside the pause).
  mutable std::mutex pool_mu_;
  std::unique_ptr<uint8_t[]> block_state_;
  std::vector<BlockHeader*> used_blocks_;
  std::vector<BlockHeader*> recyclable_[kNumSizeClasses];
  std::vector<size_t> free_blocks_;      // committed and empty, oldest first
  // Per block: the sweep at which it last became free. Blocks freed by the latest sweep stay
  // committed for a cycle (Sweeper::ReturnExcessBlocks).
  std::unique_ptr<uint32_t[]> freed_at_sweep_;
  uint32_t sweeps_ = 0;
  std::vector<size_t> unused_blocks_;    // decommitted, below next_block_
  std::vector<size_t> quarantined_;
  size_t next_block_ = 0;                // blocks at or above this were never used
  std::unique_ptr<LargeObjectSpace> los_;
  std::atomic<uint64_t> committed_bytes_{0};
  std::atomic<uint64_t> allocated_since_gc_{0};
  std::atomic<uint64_t> gc_threshold_{0};

  // Roots.
  std::mutex roots_mu_;
  absl::flat_hash_set<Value*> global_roots_ ABSL_GUARDED_BY(roots_mu_);
  RootCellTable root_cells_;
  std::atomic<StackWalker*> walker_{nullptr};

  // Finalizers: registered ones by object address; queued ones are roots until they have run.
  mutable std::mutex fin_mu_;
  absl::flat_hash_map<uintptr_t, Finalizer> finalizers_ ABSL_GUARDED_BY(fin_mu_);
  std::deque<std::pair<Value, Finalizer>> pending_finalizers_ ABSL_GUARDED_BY(fin_mu_);

  // Listeners.
  std::mutex listeners_mu_;
  std::vector<std::pair<int, EventListener>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  int next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;

  // Stats.
  mutable std::mutex stats_mu_;
  GcStats stats_ ABSL_GUARDED_BY(stats_mu_);
  std::vector<uint64_t> pauses_ns_ ABSL_GUARDED_BY(stats_mu_);
  GcEvent last_event_ ABSL_GUARDED_BY(stats_mu_);
  // Mark-stack storage, allocated once (marking must not allocate).
  std::unique_ptr<uintptr_t[]> mark_stack_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_HEAP_HEAP_IMPL_H_
