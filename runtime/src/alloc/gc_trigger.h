// How the allocator asks for a collection without depending on the collector: the heap wires the
// collector in as the allocator's GcTrigger.
#ifndef MOSAIC_SRC_ALLOC_GC_TRIGGER_H_
#define MOSAIC_SRC_ALLOC_GC_TRIGGER_H_

#include "mosaic/stats.h"
#include "threads/mutator.h"

namespace mosaic::internal {

class GcTrigger {
 public:
  // Collects (or parks for a collection another thread started) on behalf of `self`, which is
  // inside the allocation slow path and holds no runtime lock.
  virtual void CollectForAllocation(Mutator* self, CollectReason reason) = 0;
  // The budget is nearly spent (Allocator::StartCycle's `lead` bytes are left): a collection is
  // coming soon. Called once per cycle, by whichever thread noticed, holding no runtime lock.
  virtual void CollectionNear() = 0;

 protected:
  ~GcTrigger() = default;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ALLOC_GC_TRIGGER_H_
