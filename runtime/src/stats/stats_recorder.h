// Statistics and event listeners. The collector records one CycleRecord per collection inside
// the pause; Snapshot() folds them into GcStats (pause percentiles are computed on demand, so
// nothing is sorted in the pause). Listeners run after the pause with no runtime lock held.
//
// Locking: one lock for the figures, one for the listener list; neither is held while a listener
// runs.
#ifndef MOSAIC_SRC_STATS_STATS_RECORDER_H_
#define MOSAIC_SRC_STATS_STATS_RECORDER_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "mosaic/stats.h"

namespace mosaic::internal {

// What one collection did.
struct CycleRecord {
  CollectReason reason = CollectReason::kExplicit;
  CollectionKind kind = CollectionKind::kMajor;
  uint64_t pause_ns = 0;
  uint64_t time_to_safepoint_ns = 0;
  uint64_t root_ns = 0;
  uint64_t root_cell_ns = 0;
  uint64_t allocated_bytes = 0;   // handed to buffers (or large objects) since the last cycle
  uint64_t slow_allocations = 0;
  uint64_t live_bytes = 0;        // after the sweep
  uint64_t conservative_bytes = 0;
  uint64_t conservative_words_examined = 0;
  uint64_t conservative_words_accepted = 0;
  uint64_t precise_roots = 0;
  uint64_t root_cells = 0;
  uint64_t jit_frames = 0;
  uint64_t mark_stack_overflows = 0;
  uint64_t mutators = 0;
  uint64_t remembered_cards = 0;  // minor: dirty cards scanned
  uint64_t promoted_bytes = 0;    // minor: young bytes that survived
  uint64_t weak_cleared = 0;      // weak pairs, ephemerons and weak cells cleared
  uint64_t mark_ns = 0;           // from the first root to the end of marking (weakness too)
  uint64_t sweep_in_pause_ns = 0;  // what was left unswept, swept at the start of the pause
  uint64_t markers = 1;            // marker threads (parallel marking)
  bool helpers_woken = false;      // the helper markers took part (the marking was big enough)
  bool helpers_ready = false;      // some helper was awake (pre-woken) when marking began
  uint64_t steals = 0;             // packets a marker took that another one shared
  uint64_t packets_shared = 0;
  uint64_t marker_idle_ns = 0;     // summed over markers: waiting for work
  bool solo = false;               // marker 0 finished the parallel phase alone
};

class StatsRecorder {
 public:
  using Listener = std::function<void(const GcEvent& event)>;

  StatsRecorder(uintptr_t heap_base, bool heap_at_hint);
  StatsRecorder(const StatsRecorder&) = delete;
  StatsRecorder& operator=(const StatsRecorder&) = delete;

  // Inside the pause.
  void Record(const CycleRecord& cycle);
  // The figures recorded so far (fields owned by other components are left for the heap to
  // fill in: committed bytes, block counts, finalizers run).
  GcStats Snapshot() const;
  GcEvent LastEvent() const;

  int AddListener(Listener listener);
  void RemoveListener(int id);
  // Calls every listener with the last event; outside the pause, no lock held.
  void NotifyListeners();
  // Sweeping done outside a pause by the collecting thread (after an explicit collection).
  void AddSweepTime(uint64_t ns);

 private:
  mutable std::mutex mu_;
  GcStats stats_ ABSL_GUARDED_BY(mu_);
  // Pauses of each kind, for percentiles (index: CollectionKind).
  std::vector<uint64_t> pauses_ns_[2] ABSL_GUARDED_BY(mu_);
  GcEvent last_event_ ABSL_GUARDED_BY(mu_);

  std::mutex listeners_mu_;
  std::vector<std::pair<int, Listener>> listeners_ ABSL_GUARDED_BY(listeners_mu_);
  int next_listener_id_ ABSL_GUARDED_BY(listeners_mu_) = 1;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_STATS_STATS_RECORDER_H_
