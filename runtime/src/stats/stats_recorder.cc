#include "stats/stats_recorder.h"

#include <algorithm>

namespace mosaic::internal {

StatsRecorder::StatsRecorder(uintptr_t heap_base, bool heap_at_hint) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.heap_base = heap_base;
  stats_.heap_at_hint = heap_at_hint;
}

void StatsRecorder::Record(const CycleRecord& c) {
  std::lock_guard<std::mutex> lock(mu_);
  GcStats& s = stats_;
  ++s.collections;
  s.total_pause_ns += c.pause_ns;
  s.max_pause_ns = std::max(s.max_pause_ns, c.pause_ns);
  s.last_pause_ns = c.pause_ns;
  s.max_time_to_safepoint_ns = std::max(s.max_time_to_safepoint_ns, c.time_to_safepoint_ns);
  s.total_time_to_safepoint_ns += c.time_to_safepoint_ns;
  s.total_root_ns += c.root_ns;
  s.root_cell_ns += c.root_cell_ns;
  uint64_t before = s.live_bytes + c.allocated_bytes;
  uint64_t freed = before > c.live_bytes ? before - c.live_bytes : 0;
  s.bytes_allocated += c.allocated_bytes;
  s.objects_allocated += c.slow_allocations;
  s.live_bytes = c.live_bytes;
  s.conservative_bytes_scanned += c.conservative_bytes;
  s.conservative_words_examined += c.conservative_words_examined;
  s.conservative_words_accepted += c.conservative_words_accepted;
  s.precise_roots_visited += c.precise_roots;
  s.root_cells_visited += c.root_cells;
  s.jit_frames_visited += c.jit_frames;
  s.mark_stack_overflows += c.mark_stack_overflows;
  s.weak_references_cleared += c.weak_cleared;
  s.total_mark_ns += c.mark_ns;
  s.sweep_in_pause_ns += c.sweep_in_pause_ns;
  s.markers = c.markers;
  s.parallel_mark_collections += c.helpers_woken ? 1 : 0;
  s.mark_packets_shared += c.packets_shared;
  s.mark_packets_stolen += c.steals;
  s.marker_idle_ns += c.marker_idle_ns;
  s.mark_phases_solo += c.solo ? 1 : 0;
  s.mark_helpers_ready += c.helpers_ready ? 1 : 0;
  if (c.kind == CollectionKind::kMinor) {
    ++s.minor_collections;
    s.total_minor_pause_ns += c.pause_ns;
    s.max_minor_pause_ns = std::max(s.max_minor_pause_ns, c.pause_ns);
    s.minor_root_ns += c.root_ns;
    s.remembered_cards += c.remembered_cards;
    s.promoted_bytes += c.promoted_bytes;
  } else {
    ++s.major_collections;
    s.total_major_pause_ns += c.pause_ns;
    s.max_major_pause_ns = std::max(s.max_major_pause_ns, c.pause_ns);
  }
  // Keep a bounded sample of pauses: past the cap, drop every other one (older pauses thin
  // out, the distribution's shape stays).
  std::vector<uint64_t>& pauses = pauses_ns_[static_cast<int>(c.kind)];
  if (pauses.size() >= 100'000) {
    size_t j = 0;
    for (size_t i = 0; i < pauses.size(); i += 2) pauses[j++] = pauses[i];
    pauses.resize(j);
  }
  pauses.push_back(c.pause_ns);
  last_event_ = GcEvent{};
  last_event_.index = s.collections;
  last_event_.reason = c.reason;
  last_event_.kind = c.kind;
  last_event_.pause_ns = c.pause_ns;
  last_event_.time_to_safepoint_ns = c.time_to_safepoint_ns;
  last_event_.live_bytes = c.live_bytes;
  last_event_.freed_bytes = freed;
  last_event_.mutators = c.mutators;
}

namespace {

uint64_t Percentile(std::vector<uint64_t>& pauses, double q) {
  if (pauses.empty()) return 0;
  size_t k = static_cast<size_t>(q * static_cast<double>(pauses.size() - 1));
  std::nth_element(pauses.begin(), pauses.begin() + static_cast<ptrdiff_t>(k), pauses.end());
  return pauses[k];
}

}  // namespace

GcStats StatsRecorder::Snapshot() const {
  GcStats s;
  std::vector<uint64_t> minor, major;
  {
    std::lock_guard<std::mutex> lock(mu_);
    s = stats_;
    minor = pauses_ns_[static_cast<int>(CollectionKind::kMinor)];
    major = pauses_ns_[static_cast<int>(CollectionKind::kMajor)];
  }
  s.p50_minor_pause_ns = Percentile(minor, 0.50);
  s.p99_minor_pause_ns = Percentile(minor, 0.99);
  s.p50_major_pause_ns = Percentile(major, 0.50);
  s.p99_major_pause_ns = Percentile(major, 0.99);
  std::vector<uint64_t> all = std::move(minor);
  all.insert(all.end(), major.begin(), major.end());
  s.p50_pause_ns = Percentile(all, 0.50);
  s.p99_pause_ns = Percentile(all, 0.99);
  return s;
}

GcEvent StatsRecorder::LastEvent() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_event_;
}

void StatsRecorder::AddSweepTime(uint64_t ns) {
  std::lock_guard<std::mutex> lock(mu_);
  stats_.explicit_sweep_ns += ns;
}

int StatsRecorder::AddListener(Listener listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  int id = next_listener_id_++;
  listeners_.emplace_back(id, std::move(listener));
  return id;
}

void StatsRecorder::RemoveListener(int id) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
}

void StatsRecorder::NotifyListeners() {
  std::vector<std::pair<int, Listener>> listeners;
  {
    std::lock_guard<std::mutex> lock(listeners_mu_);
    listeners = listeners_;
  }
  if (listeners.empty()) return;
  GcEvent event = LastEvent();
  for (auto& [id, listener] : listeners) listener(event);
}

}  // namespace mosaic::internal
