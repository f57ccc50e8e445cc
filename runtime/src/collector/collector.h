// One collection, and the only code that sees several components at once. Inside the pause:
//
//   1. Stop the world (threads/): every other mutator parked or in native code.
//   2. Retire every thread's allocation buffers (alloc/): unused cells lose their alloc bits.
//   3. Verify (verify=1, verify/); before a minor collection, also that the write barrier
//      recorded every old-to-young reference.
//   4. Choose minor or major (the policy below). A major collection clears every mark bit: marks
//      are sticky, so a marked object is an old one, and a minor collection marks only young ones.
//   5. Mark (collector/mark_phase.h; in parallel when `markers` > 1) from the roots: each
//      thread's stack — through the StackWalker if one is installed (precise JIT frames,
//      conservative native spans), else conservatively — its
//      handles and native-region registers; the global slots and live root cells (roots/);
//      objects queued for finalization; in a minor collection, the old objects on dirty cards
//      (cards/). Every card is clean afterwards.
//   6. Weakness (mosaic/weak.h has the user's view): resolve ephemerons to a fixpoint; mark what
//      weak root cells handed out during marking and clear the cells whose values died; clear
//      weak pairs and ephemerons whose targets (keys) died (weak/); resurrect guardians'
//      unreachable objects onto their queues; queue unreachable objects that have finalizers
//      (finalizers/) and mark them and what they reference so that their finalizers see them
//      intact; clear once more for weak objects only resurrection kept; forget dead weak objects.
//   7. Start the sweep (sweep/, block_pool/, large_objects/): blocks become unswept, and are
//      swept lazily by allocation, by a helper thread in the background, and at the start of
//      the next pause (what is left); verify again.
//   8. Record the cycle (stats/), set the next allocation threshold, resume the world.
//
// Then, outside the pause and with no lock held, on the thread that collected: event listeners,
// then queued finalizers.
//
// Policy (generational=on): a collection that allocation starts is minor, unless the old
// generation (everything marked: live after the last collection) has grown past
// max(gc-min, gc-growth x live after the last major collection) beyond that live size, or the
// promotion policy asks for majors (the last minor collection promoted more than
// promotion-limit x the live size after the last major one: 1, 2, 4, ... up to 64 majors in a
// row, at the non-generational budget, between minor collections that try again), or the
// allocation slow path has become fragmentation-limit times as frequent as it was after the
// last major collection (old garbage breaking the free space into small holes); then it is
// major. Collections for the heap limit and explicit ones are major unless a minor one is
// asked for. With generational=off every collection is major and is due after
// max(gc-min, gc-growth x live) bytes; with generations, after `nursery` bytes or that, whichever
// comes first.
#ifndef MOSAIC_SRC_COLLECTOR_COLLECTOR_H_
#define MOSAIC_SRC_COLLECTOR_COLLECTOR_H_

#include <cstdint>
#include <memory>

#include "absl/status/status.h"
#include "alloc/allocator.h"
#include "alloc/gc_trigger.h"
#include "cards/card_table.h"
#include "collector/marker_threads.h"
#include "mark/work_pool.h"
#include "finalizers/finalizer_queue.h"
#include "kinds/kind_table.h"
#include "mosaic/options.h"
#include "roots/root_set.h"
#include "spaces/object_spaces.h"
#include "stats/stats_recorder.h"
#include "threads/thread_registry.h"
#include "weak/weak_registry.h"

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
    WeakRegistry& weak;
    StatsRecorder& stats;
    CardTable& cards;
  };

  Collector(const HeapOptions& options, const Parts& parts);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;
  // Allocates the mark stack; ResourceExhausted if the system refuses it.
  absl::Status Init();

  // Stops the world and collects (or, if another thread is collecting, parks for that
  // collection), then runs listeners and queued finalizers. `self` holds no runtime lock.
  // `kind` is what the caller asks for; kMinor is major anyway without generations.
  void Collect(Mutator* self, CollectReason reason, CollectionKind kind);
  // An allocation's collection: the policy chooses minor or major.
  void CollectForAllocation(Mutator* self, CollectReason reason) override;
  // The allocator's warning: the helper markers wake and wait for the collection
  // (MarkerThreads::Prewake), if the allocator was told to warn (PrewakeLead).
  void CollectionNear() override;
  // Runs finalizers queued by earlier collections; a finalizer that collects only queues more
  // for the loop already running.
  void RunFinalizers(Mutator* self);

 private:
  // Unswept blocks (256 KiB each: 16 MiB) from which a collection hands the sweeping to a
  // helper thread.
  static constexpr size_t kBackgroundSweepBlocks = 64;
  // What was asked, before the policy decides.
  enum class Request : uint8_t { kMinor, kMajor, kPolicy };
  void CollectStopped(Mutator* self, CollectReason reason, Request request,
                      uint64_t time_to_safepoint_ns, uint64_t pause_start);
  CollectionKind Choose(CollectReason reason, Request request) const;
  // Minor: traces the old objects on dirty cards; major: clears the cards. Either way every card
  // of the heap's objects is clean afterwards. Returns the dirty cards seen.
  void StartMajor();
  // Strong marking from the roots with every marker; returns the collecting thread's marker,
  // which then goes on alone. In verify mode with several markers, marks a second time alone
  // from the same roots and checks that both marked exactly the same objects.
  class Marker& MarkStrongly(const std::vector<Mutator*>& mutators, bool minor,
                             std::vector<std::unique_ptr<class Marker>>* markers,
                             CycleRecord* cycle);
  // Step 6 above; returns the weak references cleared.
  uint64_t ProcessWeakness(class Marker& marker);
  void Collect(Mutator* self, CollectReason reason, Request request);

  const HeapOptions& options_;
  const Parts parts_;
  // Mark-stack storage, allocated once (marking never allocates): a local stack per marker, and
  // the pool of packets they share.
  const int markers_;
  size_t local_capacity_ = 0;
  std::unique_ptr<uintptr_t[]> mark_stack_;
  std::unique_ptr<WorkPool> pool_;
  std::unique_ptr<MarkerThreads> threads_;
  // The allocator's totals at the last collection, for the bytes allocated in between.
  uint64_t bytes_at_last_cycle_ = 0;
  uint64_t slow_at_last_cycle_ = 0;
  // Generations (changed only inside the pause).
  uint64_t live_after_major_ = 0;
  uint64_t old_bytes_ = 0;  // everything marked: live after the last collection
  // Bytes the last minor and the last major collection marked: the next one of the same kind
  // wakes the helper markers with the phase if that was at least kEagerWakeBytes (it will
  // likely mark as much again), instead of after marker 0 has traced kWakeAfter objects alone.
  // Waking is ~45 us on this machine; at ~2 GB/s of marking, 1 MiB is ~0.5 ms of serial work.
  static constexpr uint64_t kEagerWakeBytes = uint64_t{1} << 20;
  uint64_t last_marked_bytes_[2] = {0, 0};  // indexed by CollectionKind
  // Helpers woken with the phase still join it one thread wake-up late (60-150 us here, a tenth
  // of a GCBench pause, measured as the helper's root time). So when the next collection will
  // wake them with the phase, the allocator warns this long ahead (in bytes, at the rate the
  // mutators allocated during the last cycle) and the helpers wait for it awake. The warning
  // comes at a block refill, so the real lead is longer: on GCBench 67-250 us (10th-90th
  // percentile) for this nominal 60, and the helpers were awake for 221 of 227 collections.
  static constexpr uint64_t kPrewakeLeadNanos = 60'000;
  uint64_t resumed_at_ = 0;  // when the last pause ended
  uint64_t PrewakeLead(const CycleRecord& cycle, uint64_t pause_start, uint64_t threshold) const;
  // The promotion policy (HeapOptions::promotion_limit): major collections still to come before
  // the next minor one, and how many the next failed minor collection asks for.
  static constexpr uint32_t kMaxMajorRun = 64;
  // The nursery is at least this fraction of the non-generational budget.
  static constexpr uint64_t kNurseryShare = 4;
  uint32_t majors_ahead_ = 0;
  uint32_t major_run_ = 1;
  void UpdatePromotionPolicy(uint64_t promoted);
  // The fragmentation rule (HeapOptions::fragmentation_limit), fed before each collection with
  // what allocation did since the last one.
  CollectionKind last_kind_ = CollectionKind::kMajor;
  double bytes_per_trip_after_major_ = 0;
  bool fragmented_ = false;
  void NoteFragmentation(uint64_t allocated, uint64_t slow);
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COLLECTOR_COLLECTOR_H_
