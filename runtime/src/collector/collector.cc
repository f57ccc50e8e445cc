#include "collector/collector.h"

#include <algorithm>
#include <new>

#include "absl/strings/str_format.h"
#include "common/check.h"
#include "common/clock.h"
#include "collector/mark_phase.h"
#include "collector/mark_snapshot.h"
#include "mark/marker.h"
#include "mark/root_marking_visitor.h"
#include "sweep/sweeper.h"
#include "verify/verifier.h"

namespace mosaic::internal {

Collector::Collector(const HeapOptions& options, const Parts& parts)
    : options_(options), parts_(parts), markers_(options.EffectiveMarkers()) {}

Collector::~Collector() = default;

absl::Status Collector::Init() {
  // Marking must never allocate, so the stacks are allocated now (their pages are committed
  // only as deep as marking ever goes). Every marker has a stack of mark-stack entries, and with
  // helpers half as many again are the shared pool's packets. (Splitting mark-stack between the
  // markers made a 1M-slot vector overflow a stack that one marker alone holds: the recovery
  // rescans made that heap's collections 7 times slower with two markers than with one.)
  const size_t total = options_.mark_stack;
  local_capacity_ = total;
  mark_stack_.reset(new (std::nothrow) uintptr_t[local_capacity_ * markers_]);
  if (mark_stack_ == nullptr) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "mark-stack=%u: cannot allocate %u bytes for the mark stack", options_.mark_stack,
        local_capacity_ * markers_ * sizeof(uintptr_t)));
  }
  if (markers_ > 1) {
    pool_ = std::make_unique<WorkPool>(total / 2 / WorkPool::kPacketEntries);
    threads_ = std::make_unique<MarkerThreads>(markers_ - 1);
  }
  return absl::OkStatus();
}

void Collector::Collect(Mutator* self, CollectReason reason, CollectionKind kind) {
  Collect(self, reason, kind == CollectionKind::kMinor ? Request::kMinor : Request::kMajor);
}

void Collector::CollectForAllocation(Mutator* self, CollectReason reason) {
  Collect(self, reason, reason == CollectReason::kHeapLimit ? Request::kMajor : Request::kPolicy);
}

void Collector::Collect(Mutator* self, CollectReason reason, Request request) {
  struct Args {
    Collector* collector;
    Mutator* self;
    CollectReason reason;
    Request request;
    bool collected;
  } args{this, self, reason, request, false};
  SpillRegistersAndCall(
      [](void* p, uintptr_t top) {
        auto* a = static_cast<Args*>(p);
        uint64_t pause_start = NowNanos();
        a->self->RecordStackTop(top, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
        uint64_t tts = 0;
        if (!a->collector->parts_.threads.StopTheWorld(a->self, &tts)) return;
        a->collector->CollectStopped(a->self, a->reason, a->request, tts, pause_start);
        a->collected = true;
      },
      &args);
  if (args.collected) {
    // An explicit collection leaves a swept heap behind it (statistics, committed memory and
    // Heap::FindObject then say what the caller expects); others sweep lazily.
    if (reason == CollectReason::kExplicit) {
      uint64_t start = NowNanos();
      Sweeper(parts_.spaces).Finish();
      parts_.stats.AddSweepTime(NowNanos() - start);
    } else if (threads_ != nullptr &&
               parts_.spaces.blocks().UnsweptBlocks() >= kBackgroundSweepBlocks) {
      // The helpers sweep what the mutators do not, while they run; a small heap's few blocks
      // are left to the mutators' allocation (waking a thread costs more than sweeping them).
      // Which empty blocks go back to the OS is decided at the next pause, as after a lazy
      // sweep: deciding now would return blocks the cycle just beginning will want.
      threads_->StartBackground([this] { Sweeper(parts_.spaces).SweepAll(); });
    }
    parts_.stats.NotifyListeners();
  }
  RunFinalizers(self);
}

CollectionKind Collector::Choose(CollectReason reason, Request request) const {
  if (!options_.generational || request == Request::kMajor) return CollectionKind::kMajor;
  if (request == Request::kMinor) return CollectionKind::kMinor;
  if (reason == CollectReason::kThreshold && (majors_ahead_ > 0 || fragmented_)) {
    return CollectionKind::kMajor;
  }
  uint64_t growth = std::max<uint64_t>(
      options_.gc_min, static_cast<uint64_t>(options_.gc_growth * live_after_major_));
  return old_bytes_ > live_after_major_ + growth ? CollectionKind::kMajor
                                                 : CollectionKind::kMinor;
}

void Collector::NoteFragmentation(uint64_t allocated, uint64_t slow) {
  // Bytes allocated per trip through the allocation slow path (each trip takes a new hole or
  // block): measured after each major collection, when only live objects occupy the blocks,
  // and compared after each minor one. Old garbage scattered through the blocks shows as holes
  // too small to hold many objects (cpstak: 3 KB per trip against 190 KB); a major collection
  // frees it.
  const double per_trip =
      static_cast<double>(allocated) / static_cast<double>(std::max<uint64_t>(slow, 1));
  if (last_kind_ == CollectionKind::kMajor) {
    bytes_per_trip_after_major_ = per_trip;
    fragmented_ = false;
  } else if (options_.fragmentation_limit > 0 && bytes_per_trip_after_major_ > 0) {
    fragmented_ = per_trip * options_.fragmentation_limit < bytes_per_trip_after_major_;
  }
}

void Collector::UpdatePromotionPolicy(uint64_t promoted) {
  if (options_.promotion_limit <= 0.0) return;
  if (static_cast<double>(promoted) <=
      options_.promotion_limit * static_cast<double>(live_after_major_)) {
    major_run_ = 1;  // worth it: minor collections go on
    return;
  }
  // Not worth it: as many major collections as last time twice over, then another try.
  majors_ahead_ = major_run_;
  major_run_ = std::min<uint32_t>(2 * major_run_, kMaxMajorRun);
}

void Collector::CollectionNear() {
  if (threads_ != nullptr) threads_->Prewake();
}

uint64_t Collector::PrewakeLead(const CycleRecord& cycle, uint64_t pause_start,
                                uint64_t threshold) const {
  // Only where the next collection (likely of this one's kind) will wake the helpers with the
  // phase: a small one marks alone, and helpers polling for it would only take CPU.
  if (threads_ == nullptr || resumed_at_ == 0 || pause_start <= resumed_at_ ||
      last_marked_bytes_[static_cast<int>(cycle.kind)] < kEagerWakeBytes) {
    return 0;
  }
  const double rate = static_cast<double>(cycle.allocated_bytes) /
                      static_cast<double>(pause_start - resumed_at_);  // bytes per ns
  return static_cast<uint64_t>(
      std::min(rate * kPrewakeLeadNanos, static_cast<double>(threshold / 2)));
}

void Collector::StartMajor() {
  for (BlockHeader* block : parts_.spaces.blocks().used_blocks()) {
    std::memset(block->mark, 0, (block->num_cells + 63) / 64 * sizeof(uint64_t));
  }
  parts_.spaces.large().ClearMarks();
}

Marker& Collector::MarkStrongly(const std::vector<Mutator*>& mutators, bool minor,
                                std::vector<std::unique_ptr<Marker>>* markers,
                                CycleRecord* cycle) {
  MarkPhase phase(MarkPhase::Parts{parts_.spaces, parts_.kinds, parts_.roots, parts_.finalizers,
                                   parts_.weak, parts_.cards},
                  threads_.get());
  GatheredRoots roots = phase.Gather(mutators, minor);
  auto make_markers = [&](int n) {
    markers->clear();
    std::vector<Marker*> raw;
    for (int i = 0; i < n; ++i) {
      markers->push_back(std::make_unique<Marker>(parts_.spaces, parts_.kinds,
                                                  mark_stack_.get() + i * local_capacity_,
                                                  local_capacity_, n > 1 ? pool_.get() : nullptr,
                                                  i));
      raw.push_back(markers->back().get());
    }
    return raw;
  };
  cycle->markers = markers_;
  // Under ASan's detect_stack_use_after_return the collecting thread's own locals live in fake
  // frames that the conservative scan may reach through stale words, and they change between
  // the two markings (what the collector itself is doing at that moment): no comparison there.
  bool fake_stacks = false;
  for (const Mutator* m : mutators) fake_stacks |= m->asan_fake_stack != nullptr;
  if (!(options_.verify && markers_ > 1) || fake_stacks) {
    const uint64_t predicted = last_marked_bytes_[static_cast<int>(cycle->kind)];
    phase.Run(roots, make_markers(markers_), pool_.get(), cycle,
              /*lazy_helpers=*/!options_.verify && predicted < kEagerWakeBytes);
    return *(*markers)[0];
  }
  // Verify mode: parallel, then serial from the same marks and roots; both must agree. They are
  // compared with the ephemerons resolved too: what strong marking alone marks depends on the
  // order (an ephemeron traced after its key was marked has its value marked at once).
  MarkBitsSnapshot before = MarkBitsSnapshot::Take(parts_.spaces);
  CycleRecord discarded = *cycle;
  // The helpers from the start, so that even a small heap's marking is done in parallel.
  phase.Run(roots, make_markers(markers_), pool_.get(), &discarded, /*lazy_helpers=*/false);
  cycle->helpers_woken = discarded.helpers_woken;
  cycle->solo = discarded.solo;
  (*markers)[0]->ResolveEphemerons();
  MarkBitsSnapshot parallel = MarkBitsSnapshot::Take(parts_.spaces);
  before.Restore(parts_.spaces);
  phase.Run(roots, make_markers(1), nullptr, cycle, /*lazy_helpers=*/false);
  (*markers)[0]->ResolveEphemerons();  // ProcessWeakness's call then finds nothing pending
  MarkBitsSnapshot serial = MarkBitsSnapshot::Take(parts_.spaces);
  serial.CheckEqual(parallel, minor ? "minor" : "major");
  return *(*markers)[0];
}

void Collector::CollectStopped(Mutator* self, CollectReason reason, Request request,
                               uint64_t time_to_safepoint_ns, uint64_t pause_start) {
  const std::vector<Mutator*> mutators = parts_.threads.Snapshot();
  Allocator& allocator = parts_.allocator;
  CycleRecord cycle;
  cycle.reason = reason;
  cycle.time_to_safepoint_ns = time_to_safepoint_ns;
  cycle.mutators = mutators.size();
  for (Mutator* m : mutators) allocator.RetireBuffers(m);
  const uint64_t total_bytes = allocator.TotalBytes(nullptr);
  const uint64_t total_slow = allocator.TotalSlowAllocations(nullptr);
  cycle.allocated_bytes = total_bytes - bytes_at_last_cycle_;
  cycle.slow_allocations = total_slow - slow_at_last_cycle_;
  bytes_at_last_cycle_ = total_bytes;
  slow_at_last_cycle_ = total_slow;
  NoteFragmentation(cycle.allocated_bytes, cycle.slow_allocations);
  cycle.kind = Choose(reason, request);
  const bool minor = cycle.kind == CollectionKind::kMinor;
  last_kind_ = cycle.kind;

  // What the last collection left unswept (background sweepers and allocation usually took it
  // all), before anything reads the heap.
  Sweeper sweeper(parts_.spaces);
  uint64_t sweep_start = NowNanos();
  if (threads_ != nullptr) threads_->WaitBackground();
  sweeper.Finish();
  cycle.sweep_in_pause_ns = NowNanos() - sweep_start;

  const Verifier::Heap verified{parts_.spaces, parts_.kinds, parts_.roots, parts_.finalizers,
                                parts_.cards};
  if (options_.verify) {
    Verifier verifier(verified, minor ? "before minor collection" : "before major collection");
    verifier.VerifyHeap(mutators);
    if (options_.generational) verifier.VerifyRememberedSet();
  }

  if (!minor) StartMajor();
  parts_.roots.weak_cells().BeginCycle();  // weak-cell loads from now on shade
  parts_.spaces.blocks().ClearBlacklist();
  const uint64_t mark_start = NowNanos();
  std::vector<std::unique_ptr<Marker>> markers;
  Marker& marker = MarkStrongly(mutators, minor, &markers, &cycle);
  cycle.weak_cleared = ProcessWeakness(marker);

  cycle.mark_ns = NowNanos() - mark_start;
  // Live: every marked cell. Old objects were marked before a minor collection began.
  cycle.live_bytes = (minor ? old_bytes_ : 0) + marker.marked_bytes();
  last_marked_bytes_[static_cast<int>(cycle.kind)] = marker.marked_bytes();
  sweeper.Start(minor);
  if (options_.verify) {
    // Verify mode sweeps in the pause, so that the heap it checks is swept, and checks that the
    // sweep found exactly the bytes marking counted.
    sweeper.Finish();
    uint64_t swept = parts_.spaces.blocks().swept_live_bytes() +
                     parts_.spaces.large().MarkedBytes();
    MOSAIC_CHECK(swept == cycle.live_bytes,
                 "verify (after %s collection): marking counted %u live bytes, sweeping %u",
                 minor ? "minor" : "major", cycle.live_bytes, swept);
    Verifier(verified, minor ? "after minor collection" : "after major collection")
        .VerifyHeap(mutators);
  }

  // Policy.
  if (minor) {
    cycle.promoted_bytes = cycle.live_bytes > old_bytes_ ? cycle.live_bytes - old_bytes_ : 0;
    UpdatePromotionPolicy(cycle.promoted_bytes);
  } else {
    live_after_major_ = cycle.live_bytes;
    if (majors_ahead_ > 0) --majors_ahead_;  // any major collection counts towards the run
  }
  old_bytes_ = cycle.live_bytes;
  const uint64_t full_threshold = std::max<uint64_t>(
      options_.gc_min, static_cast<uint64_t>(options_.gc_growth * cycle.live_bytes));
  // Minor collections come every `nursery` bytes, or every quarter of the non-generational
  // budget if that is more (a big heap's nursery grows with it: toylang's gcbench promoted
  // 857 MB through a 16 MB nursery and 262 MB through 64 MB, its temporary trees outliving the
  // smaller one), never later than that budget; major ones the promotion rule chose come at the
  // non-generational budget, as they would without generations.
  const uint64_t nursery = std::min<uint64_t>(
      full_threshold, std::max<uint64_t>(options_.nursery, full_threshold / kNurseryShare));
  const uint64_t threshold =
      options_.generational && majors_ahead_ == 0 ? nursery : full_threshold;
  allocator.StartCycle(threshold, PrewakeLead(cycle, pause_start, threshold));
  cycle.conservative_words_examined = marker.words_examined();
  cycle.conservative_words_accepted = marker.words_accepted();
  cycle.mark_stack_overflows = marker.overflows();
  resumed_at_ = NowNanos();
  cycle.pause_ns = resumed_at_ - pause_start;
  parts_.stats.Record(cycle);
  (void)self;
  parts_.threads.ResumeTheWorld();
}

uint64_t Collector::ProcessWeakness(Marker& marker) {
  // Alive: marked, or not a heap object (immediates, fixnums and the embedder's own memory are
  // never collected). Old objects are marked, so a minor collection clears only young ones.
  const HeapLayout& layout = parts_.spaces.layout();
  auto alive = [&](Value v) {
    if (!v.IsHeapReference()) return true;
    if (!layout.InReservation(reinterpret_cast<uintptr_t>(v.ObjectAddress()))) return true;
    return marker.IsMarked(v);
  };
  auto mark = [&](Value v) { marker.MarkPrecise(v); };
  auto finish = [&] { marker.Finish(); };
  marker.ResolveEphemerons();
  uint64_t cleared = parts_.roots.weak_cells().ClearDead(mark, finish, alive);
  cleared += parts_.weak.ClearWeak(alive);
  // What guardians and finalizers keep is kept whole: its ephemerons are traced strongly.
  marker.SetEphemeronsStrong(true);
  parts_.weak.ResurrectGuarded(alive, mark);
  marker.Finish();
  // Unreachable objects with finalizers: queue them, and keep them and what they reference
  // alive until their finalizers have run. (Old objects cannot die in a minor collection: they
  // are marked.)
  parts_.finalizers.QueueUnreachable(alive, mark);
  marker.Finish();
  // Weak objects that only resurrection kept were skipped above (they were unmarked then).
  cleared += parts_.weak.ClearWeak(alive);
  parts_.weak.PruneDead(alive);
  return cleared;
}

void Collector::RunFinalizers(Mutator* self) {
  if (self->running_finalizers) return;  // the outer loop will get to new ones
  self->running_finalizers = true;
  uint64_t ran = 0;
  Value object;
  FinalizerQueue::Finalizer finalizer;
  while (parts_.finalizers.TakeNext(&object, &finalizer)) {
    // `object` is on this thread's stack now, which keeps it alive while the finalizer runs.
    finalizer(object);
    ++ran;
  }
  self->running_finalizers = false;
  parts_.finalizers.CountRun(ran);
}

}  // namespace mosaic::internal
