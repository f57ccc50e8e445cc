// The heap's composition root, after cppgc's HeapBase: it owns one of each component and wires
// them together; it holds no heap state of its own beyond the options and the reservation.
//
//   address/      Reservation, HeapLayout, CommitBudget        primitives
//   block/        BlockHeader (bitmaps), the side-table states
//   kinds/        KindTable                                     components: own state, own lock
//   block_pool/   BlockPool (blocks, quarantine, commit/decommit)
//   cards/        CardTable (the write barrier's remembered set)
//   large_objects/LargeObjectSpace
//   threads/      ThreadRegistry (registration, safepoints, native regions, watchdog)
//   roots/        RootSet (globals, root cells, the stack-walker hook)
//   finalizers/   FinalizerQueue
//   weak/         WeakRegistry (weak pairs, ephemerons, guardians)
//   stats/        StatsRecorder (statistics, listeners)
//   spaces/       ObjectSpaces: Locate over blocks and large objects
//   alloc/ mark/ sweep/ verify/   work on several components, wired here
//   collector/    Collector: one cycle
//
// docs/design/runtime.md has the diagram and the lock order.
#ifndef MOSAIC_SRC_HEAP_HEAP_IMPL_H_
#define MOSAIC_SRC_HEAP_HEAP_IMPL_H_

#include <memory>

#include "absl/status/statusor.h"
#include "address/commit_budget.h"
#include "address/heap_layout.h"
#include "address/reservation.h"
#include "alloc/allocator.h"
#include "block_pool/block_pool.h"
#include "cards/card_table.h"
#include "collector/collector.h"
#include "finalizers/finalizer_queue.h"
#include "kinds/kind_table.h"
#include "large_objects/large_object_space.h"
#include "mosaic/heap.h"
#include "roots/root_set.h"
#include "spaces/object_spaces.h"
#include "stats/stats_recorder.h"
#include "threads/thread_registry.h"
#include "weak/weak_registry.h"

namespace mosaic::internal {

class HeapImpl {
 public:
  static absl::StatusOr<std::unique_ptr<HeapImpl>> Create(Heap* owner, const HeapOptions& options);
  HeapImpl(const HeapImpl&) = delete;
  HeapImpl& operator=(const HeapImpl&) = delete;

  Heap* owner() const { return owner_; }
  const HeapOptions& options() const { return options_; }

  KindTable& kinds() { return kinds_; }
  ThreadRegistry& threads() { return threads_; }
  RootSet& roots() { return roots_; }
  FinalizerQueue& finalizers() { return finalizers_; }
  WeakRegistry& weak() { return weak_; }
  StatsRecorder& stats() { return stats_; }
  const ObjectSpaces& spaces() const { return spaces_; }
  Allocator& allocator() { return allocator_; }
  Collector& collector() { return collector_; }

  absl::Status RegisterCurrentThread();
  absl::Status UnregisterCurrentThread();
  // GcStats with every component's figures.
  GcStats Stats();

 private:
  HeapImpl(Heap* owner, const HeapOptions& options, Reservation reservation, CardTable cards);

  Heap* const owner_;
  const HeapOptions options_;
  const Reservation reservation_;
  const HeapLayout layout_;
  CommitBudget budget_;
  CardTable cards_;
  KindTable kinds_;
  BlockPool blocks_;
  LargeObjectSpace large_;
  ObjectSpaces spaces_;
  ThreadRegistry threads_;
  RootSet roots_;
  FinalizerQueue finalizers_;
  WeakRegistry weak_;
  StatsRecorder stats_;
  // The allocator asks the collector for collections through GcTrigger; the collector is built
  // after it, so the allocator gets a forwarding trigger.
  class Trigger final : public GcTrigger {
   public:
    explicit Trigger(HeapImpl& heap) : heap_(heap) {}
    void CollectForAllocation(Mutator* self, CollectReason reason) override {
      heap_.collector_.CollectForAllocation(self, reason);
    }
    void CollectionNear() override { heap_.collector_.CollectionNear(); }

   private:
    HeapImpl& heap_;
  };
  Trigger trigger_;
  Allocator allocator_;
  Collector collector_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_HEAP_HEAP_IMPL_H_
