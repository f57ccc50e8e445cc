// The strong-marking phase of a collection, run by one marker or by several in parallel: the
// roots are cut into tasks — one per thread stack (its frames through the StackWalker or
// conservatively, its native-region registers, its handles), the global slots and queued objects
// (finalizers, guardians), the root-cell values in slices, and in a minor collection the dirty
// cards in slices — that the markers take from a shared counter; then each marker drains its own
// stack and shares work through the WorkPool until every one is idle.
//
// What the tasks need is gathered first, on the collecting thread: the root cells' values (one
// atomic snapshot) and the dirty cards (read and cleared). So the phase can be run twice on the
// same roots, which verify mode does to check that parallel marking marks exactly what serial
// marking marks.
#ifndef MOSAIC_SRC_COLLECTOR_MARK_PHASE_H_
#define MOSAIC_SRC_COLLECTOR_MARK_PHASE_H_

#include <cstdint>
#include <vector>

#include "cards/card_table.h"
#include "collector/marker_threads.h"
#include "finalizers/finalizer_queue.h"
#include "mark/marker.h"
#include "roots/root_set.h"
#include "stats/stats_recorder.h"
#include "threads/mutator.h"
#include "weak/weak_registry.h"

namespace mosaic::internal {

// The roots of one collection, gathered before marking.
struct GatheredRoots {
  std::vector<Mutator*> mutators;
  std::vector<Value> cell_values;
  std::vector<uintptr_t> dirty_cards;  // minor collections: the remembered set
  uint64_t root_cell_ns = 0;
};

class MarkPhase {
 public:
  struct Parts {
    const ObjectSpaces& spaces;
    const KindTable& kinds;
    RootSet& roots;
    FinalizerQueue& finalizers;
    WeakRegistry& weak;
    CardTable& cards;
  };
  MarkPhase(const Parts& parts, MarkerThreads* threads) : parts_(parts), threads_(threads) {}

  // On the collecting thread, in the pause: the cell values, and (minor) the dirty cards; every
  // card is clean afterwards.
  GatheredRoots Gather(std::vector<Mutator*> mutators, bool minor);
  // Marks everything strongly reachable from `roots` with `markers` (markers[0] runs on this
  // thread; with more than one, they share `pool`). Counts go into `cycle`; markers[0] absorbs
  // the others' counts and waiting ephemerons, and is left ready for serial marking (overflow
  // recovered). With `lazy_helpers` the helper threads sleep unless markers[0] finds the
  // marking big enough to share (Marker::MaybeWakeHelpers); cycle->helpers_woken says whether.
  void Run(const GatheredRoots& roots, const std::vector<Marker*>& markers, WorkPool* pool,
           CycleRecord* cycle, bool lazy_helpers);

 private:
  struct Counts {
    uint64_t precise = 0;
    uint64_t conservative_bytes = 0;
    uint64_t jit_frames = 0;
  };
  void RunTask(const GatheredRoots& roots, size_t task, Marker& marker, Counts& counts);

  const Parts parts_;
  MarkerThreads* const threads_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COLLECTOR_MARK_PHASE_H_
