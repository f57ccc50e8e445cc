// Collector statistics and the event-listener hook.
#ifndef MOSAIC_STATS_H_
#define MOSAIC_STATS_H_

#include <cstdint>
#include <string>

#include "mosaic/export.h"

namespace mosaic {

enum class CollectReason : uint8_t { kExplicit, kThreshold, kHeapLimit, kStress };
MOSAIC_EXPORT const char* CollectReasonName(CollectReason reason);

// A minor collection marks only young objects (those allocated since the last collection), from
// the roots and the remembered old objects; a major one marks the whole heap. Without
// generational=on every collection is major.
enum class CollectionKind : uint8_t { kMinor, kMajor };
MOSAIC_EXPORT const char* CollectionKindName(CollectionKind kind);

struct MOSAIC_EXPORT GcStats {
  uint64_t collections = 0;
  // Pauses: from the moment the collector asked the world to stop to the moment it resumed it.
  uint64_t total_pause_ns = 0;
  uint64_t max_pause_ns = 0;
  uint64_t p50_pause_ns = 0;
  uint64_t p99_pause_ns = 0;
  uint64_t last_pause_ns = 0;
  // Time from the stop request until every running mutator had parked.
  uint64_t max_time_to_safepoint_ns = 0;
  uint64_t total_time_to_safepoint_ns = 0;
  // Time spent finding and visiting roots (all kinds), in total.
  uint64_t total_root_ns = 0;
  uint64_t root_cell_ns = 0;
  // Marking (roots included), in total; and sweeping: all of it wherever it ran (allocation,
  // background sweepers, pauses), the part inside pauses, and the part an explicit collection
  // did on its own thread after its pause.
  uint64_t total_mark_ns = 0;
  uint64_t total_sweep_ns = 0;
  uint64_t sweep_in_pause_ns = 0;
  uint64_t explicit_sweep_ns = 0;

  // Generations: how many of the collections were minor and major, and their pauses apart.
  uint64_t minor_collections = 0;
  uint64_t major_collections = 0;
  uint64_t total_minor_pause_ns = 0;
  uint64_t max_minor_pause_ns = 0;
  uint64_t p50_minor_pause_ns = 0;
  uint64_t p99_minor_pause_ns = 0;
  uint64_t total_major_pause_ns = 0;
  uint64_t max_major_pause_ns = 0;
  uint64_t p50_major_pause_ns = 0;
  uint64_t p99_major_pause_ns = 0;
  uint64_t minor_root_ns = 0;       // root time of minor collections (stacks, cells, globals)
  uint64_t remembered_cards = 0;    // dirty cards scanned by minor collections
  uint64_t promoted_bytes = 0;      // young bytes that survived a minor collection

  uint64_t bytes_allocated = 0;     // since the heap was created
  uint64_t objects_allocated = 0;   // counted on the slow path: exact only under stress
  uint64_t live_bytes = 0;          // after the last collection
  uint64_t committed_bytes = 0;     // now
  uint64_t peak_committed_bytes = 0;

  uint64_t conservative_bytes_scanned = 0;
  uint64_t conservative_words_examined = 0;
  uint64_t conservative_words_accepted = 0;  // landed on an allocated object
  uint64_t precise_roots_visited = 0;        // handles, globals, root cells, precise stack slots
  uint64_t root_cells_visited = 0;
  uint64_t jit_frames_visited = 0;           // reported by the stack walker, if any

  uint64_t blocks_quarantined = 0;  // fresh blocks set aside because a stack word pointed in
  uint64_t blocks_released = 0;     // empty blocks returned to the OS
  uint64_t mark_stack_overflows = 0;
  uint64_t finalizers_run = 0;
  uint64_t weak_references_cleared = 0;  // weak pairs, ephemerons and weak root cells
  uint64_t weak_objects = 0;             // weak pairs and ephemerons alive now

  // Parallel marking (the `markers` option): the markers of the last collection; packets of
  // work a busy marker put in the shared pool, and how many of them another marker took; the
  // time markers spent waiting for work, summed over markers and collections. The helper
  // markers are woken only when a collection's marking is big enough to share (or always, with
  // verify=1): parallel_mark_collections counts the collections they took part in.
  uint64_t markers = 1;
  uint64_t parallel_mark_collections = 0;
  uint64_t mark_packets_shared = 0;
  uint64_t mark_packets_stolen = 0;
  uint64_t marker_idle_ns = 0;
  // Parallel collections whose marking the collecting thread finished alone, without atomic
  // mark bits, after every helper had waited for work in vain and left (a heap of lists, which
  // cannot be split, is marked that way).
  uint64_t mark_phases_solo = 0;
  // Collections whose helper markers were already awake when marking began: the allocator saw
  // the budget nearly spent and woke them ahead (they poll for up to 2 ms, yielding the CPU).
  uint64_t mark_helpers_ready = 0;

  uintptr_t heap_base = 0;
  bool heap_at_hint = false;

  // One line per field, "name value", for humans; and a JSON object for machines.
  std::string ToText() const;
  std::string ToJson() const;
};

// Passed to event listeners after each collection, outside the pause, with no runtime lock held.
struct GcEvent {
  uint64_t index = 0;  // 1 for the first collection
  CollectReason reason = CollectReason::kExplicit;
  CollectionKind kind = CollectionKind::kMajor;
  uint64_t pause_ns = 0;
  uint64_t time_to_safepoint_ns = 0;
  uint64_t live_bytes = 0;
  uint64_t freed_bytes = 0;
  uint64_t mutators = 0;
};

}  // namespace mosaic

#endif  // MOSAIC_STATS_H_
