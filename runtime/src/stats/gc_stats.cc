#include "mosaic/stats.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace mosaic {

const char* CollectReasonName(CollectReason reason) {
  switch (reason) {
    case CollectReason::kExplicit: return "explicit";
    case CollectReason::kThreshold: return "threshold";
    case CollectReason::kHeapLimit: return "heap-limit";
    case CollectReason::kStress: return "stress";
  }
  return "unknown";
}

const char* CollectionKindName(CollectionKind kind) {
  return kind == CollectionKind::kMinor ? "minor" : "major";
}

namespace {

std::vector<std::pair<const char*, uint64_t>> Fields(const GcStats& s) {
  return {
      {"collections", s.collections},
      {"total_pause_ns", s.total_pause_ns},
      {"max_pause_ns", s.max_pause_ns},
      {"p50_pause_ns", s.p50_pause_ns},
      {"p99_pause_ns", s.p99_pause_ns},
      {"last_pause_ns", s.last_pause_ns},
      {"max_time_to_safepoint_ns", s.max_time_to_safepoint_ns},
      {"total_time_to_safepoint_ns", s.total_time_to_safepoint_ns},
      {"total_root_ns", s.total_root_ns},
      {"root_cell_ns", s.root_cell_ns},
      {"total_mark_ns", s.total_mark_ns},
      {"total_sweep_ns", s.total_sweep_ns},
      {"sweep_in_pause_ns", s.sweep_in_pause_ns},
      {"explicit_sweep_ns", s.explicit_sweep_ns},
      {"minor_collections", s.minor_collections},
      {"major_collections", s.major_collections},
      {"total_minor_pause_ns", s.total_minor_pause_ns},
      {"max_minor_pause_ns", s.max_minor_pause_ns},
      {"p50_minor_pause_ns", s.p50_minor_pause_ns},
      {"p99_minor_pause_ns", s.p99_minor_pause_ns},
      {"total_major_pause_ns", s.total_major_pause_ns},
      {"max_major_pause_ns", s.max_major_pause_ns},
      {"p50_major_pause_ns", s.p50_major_pause_ns},
      {"p99_major_pause_ns", s.p99_major_pause_ns},
      {"minor_root_ns", s.minor_root_ns},
      {"remembered_cards", s.remembered_cards},
      {"promoted_bytes", s.promoted_bytes},
      {"bytes_allocated", s.bytes_allocated},
      {"objects_allocated_slow_path", s.objects_allocated},
      {"live_bytes", s.live_bytes},
      {"committed_bytes", s.committed_bytes},
      {"peak_committed_bytes", s.peak_committed_bytes},
      {"conservative_bytes_scanned", s.conservative_bytes_scanned},
      {"conservative_words_examined", s.conservative_words_examined},
      {"conservative_words_accepted", s.conservative_words_accepted},
      {"precise_roots_visited", s.precise_roots_visited},
      {"root_cells_visited", s.root_cells_visited},
      {"jit_frames_visited", s.jit_frames_visited},
      {"blocks_quarantined", s.blocks_quarantined},
      {"blocks_released", s.blocks_released},
      {"mark_stack_overflows", s.mark_stack_overflows},
      {"finalizers_run", s.finalizers_run},
      {"weak_references_cleared", s.weak_references_cleared},
      {"weak_objects", s.weak_objects},
      {"markers", s.markers},
      {"parallel_mark_collections", s.parallel_mark_collections},
      {"mark_packets_shared", s.mark_packets_shared},
      {"mark_packets_stolen", s.mark_packets_stolen},
      {"marker_idle_ns", s.marker_idle_ns},
      {"mark_phases_solo", s.mark_phases_solo},
      {"mark_helpers_ready", s.mark_helpers_ready},
  };
}

}  // namespace

std::string GcStats::ToText() const {
  std::string out;
  for (const auto& [name, value] : Fields(*this)) absl::StrAppend(&out, name, " ", value, "\n");
  absl::StrAppendFormat(&out, "heap_base %#x\nheap_at_hint %d\n", heap_base, heap_at_hint ? 1 : 0);
  return out;
}

std::string GcStats::ToJson() const {
  std::string out = "{";
  for (const auto& [name, value] : Fields(*this)) absl::StrAppend(&out, "\"", name, "\": ", value, ", ");
  absl::StrAppendFormat(&out, "\"heap_base\": %u, \"heap_at_hint\": %s}", heap_base,
                        heap_at_hint ? "true" : "false");
  return out;
}

}  // namespace mosaic
