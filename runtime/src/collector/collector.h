// One collection, and the only code that sees several components at once. Inside the pause:
//
//   1. Stop the world (threads/): every other mutator parked or in native code.
//   2. Retire every thread's allocation buffers (alloc/): unused cells lose their alloc bits.
//   3. Verify (verify=1, verify/).
//   4. Mark (mark/) from the roots: each thread's stack — through the StackWalker if one is
//      installed (precise JIT frames, conservative native spans), else conservatively — and its
//      handles; the global slots and live root cells (roots/); objects queued for finalization.
//   5. Queue unreachable objects that have finalizers (finalizers/), and mark them and what they
//      reference so that their finalizers see them intact.
//   6. Sweep (sweep/, block_pool/, large_objects/); verify again.
//   7. Record the cycle (stats/), set the next allocation threshold, resume the world.
//
// Then, outside the pause and with no lock held, on the thread that collected: event listeners,
// then queued finalizers.
#ifndef MOSAIC_SRC_COLLECTOR_COLLECTOR_H_
#define MOSAIC_SRC_COLLECTOR_COLLECTOR_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "alloc/allocator.h"
#include "alloc/gc_trigger.h"
#include "finalizers/finalizer_queue.h"
#include "kinds/kind_table.h"
#include "mosaic/options.h"
#include "roots/root_set.h"
#include "spaces/object_spaces.h"
#include "stats/stats_recorder.h"
#include "threads/thread_registry.h"

namespace mosaic::internal {

class Collector final : public GcTrigger {
 public:
  // The components a collection works on; all outlive the collector.
  struct Parts {
    ThreadRegistry& threads;
    Allocator& allocator;
    const ObjectSpaces& spaces;
    const KindTable& kinds;
    RootSet& roots;
    FinalizerQueue& finalizers;
    StatsRecorder& stats;
  };

  Collector(const HeapOptions& options, const Parts& parts);
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;
  // Allocates the mark stack; ResourceExhausted if the system refuses it.
  absl::Status Init();

  // Stops the world and collects (or, if another thread is collecting, parks for that
  // collection), then runs listeners and queued finalizers. `self` holds no runtime lock.
  void Collect(Mutator* self, CollectReason reason);
  void CollectForAllocation(Mutator* self, CollectReason reason) override {
    Collect(self, reason);
  }
  // Runs finalizers queued by earlier collections; a finalizer that collects only queues more
  // for the loop already running.
  void RunFinalizers(Mutator* self);

 private:
  void CollectStopped(Mutator* self, CollectReason reason, uint64_t time_to_safepoint_ns,
                      uint64_t pause_start);

  const HeapOptions& options_;
  const Parts parts_;
  // Mark-stack storage, allocated once: marking never allocates.
  std::unique_ptr<uintptr_t[]> mark_stack_;
  // The allocator's totals at the last collection, for the bytes allocated in between.
  uint64_t bytes_at_last_cycle_ = 0;
  uint64_t slow_at_last_cycle_ = 0;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COLLECTOR_COLLECTOR_H_
