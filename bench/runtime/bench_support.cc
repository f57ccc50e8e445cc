#include "bench_support.h"

#include <gc/gc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace mosaic::bench {
namespace {

bool smoke = false;
std::atomic<bool> failed{false};

// Boehm calls the event hook with its allocation lock held, so plain counters would do; atomics
// keep the reader in ReportBoehmCounters honest anyway.
std::atomic<uint64_t> boehm_start_ns{0};
std::atomic<uint64_t> boehm_collections{0};
std::atomic<uint64_t> boehm_max_pause_ns{0};
std::atomic<uint64_t> boehm_total_pause_ns{0};

void OnBoehmEvent(GC_EventType event) {
  if (event == GC_EVENT_PRE_STOP_WORLD) {
    boehm_start_ns.store(NowNs(), std::memory_order_relaxed);
  } else if (event == GC_EVENT_POST_START_WORLD) {
    uint64_t pause = NowNs() - boehm_start_ns.load(std::memory_order_relaxed);
    boehm_collections.fetch_add(1, std::memory_order_relaxed);
    boehm_total_pause_ns.fetch_add(pause, std::memory_order_relaxed);
    if (pause > boehm_max_pause_ns.load(std::memory_order_relaxed)) {
      boehm_max_pause_ns.store(pause, std::memory_order_relaxed);
    }
  }
}

}  // namespace

bool Smoke() { return smoke; }
void SetSmoke(bool value) { smoke = value; }

void Fail(benchmark::State& state, const std::string& message) {
  failed.store(true);
  std::fprintf(stderr, "bench_runtime: FAILED: %s\n", message.c_str());
  state.SkipWithError(message.c_str());
}

bool AnyFailure() { return failed.load(); }

uint64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<Heap> MakeHeap(const HeapOptions& options) {
  HeapOptions adjusted = options;
  // Smoke sizes allocate a few MiB: a small threshold makes them collect anyway, so the smoke
  // test checks results that lived through collections.
  if (smoke) adjusted.gc_min = size_t{256} << 10;
  // MOSAIC_GC_OPTIONS on top, so that a script can run the same benchmark with other options
  // (bench/generations/generations.py: generational=on against off).
  auto with_environment = HeapOptions::FromEnvironment(adjusted);
  if (!with_environment.ok()) {
    std::fprintf(stderr, "bench_runtime: MOSAIC_GC_OPTIONS: %s\n",
                 std::string(with_environment.status().message()).c_str());
    std::exit(2);
  }
  auto heap = Heap::Create(*with_environment);
  if (!heap.ok()) {
    std::fprintf(stderr, "bench_runtime: cannot create a heap: %s\n",
                 heap.status().ToString().c_str());
    std::exit(2);
  }
  return *std::move(heap);
}

void ReportMosaicCounters(benchmark::State& state, const GcStats& before, const GcStats& after) {
  uint64_t collections = after.collections - before.collections;
  state.counters["collections"] = static_cast<double>(collections);
  state.counters["max_pause_us"] = static_cast<double>(after.max_pause_ns) / 1e3;
  state.counters["total_pause_ms"] =
      static_cast<double>(after.total_pause_ns - before.total_pause_ns) / 1e6;
  state.counters["peak_heap_MiB"] =
      static_cast<double>(after.peak_committed_bytes) / (1024.0 * 1024.0);
  state.counters["max_ttsp_us"] = static_cast<double>(after.max_time_to_safepoint_ns) / 1e3;
}

LiveBytesListener::LiveBytesListener(Heap& heap) : heap_(heap) {
  // Listeners run on the collecting thread after the pause; a benchmark's collections never
  // overlap, so plain counters suffice.
  id_ = heap_.AddEventListener([this](const GcEvent& event) {
    ++count_;
    sum_ += event.live_bytes;
    if (event.live_bytes > max_) max_ = event.live_bytes;
  });
}

LiveBytesListener::~LiveBytesListener() { heap_.RemoveEventListener(id_); }

void LiveBytesListener::Report(benchmark::State& state) const {
  constexpr double kMiB = 1024.0 * 1024.0;
  state.counters["mean_live_MiB"] = count_ ? static_cast<double>(sum_) / count_ / kMiB : 0.0;
  state.counters["max_live_MiB"] = static_cast<double>(max_) / kMiB;
}

void InstallBoehmHooks() { GC_set_on_collection_event(OnBoehmEvent); }

void ResetBoehm() {
  GC_gcollect();
  boehm_collections.store(0);
  boehm_max_pause_ns.store(0);
  boehm_total_pause_ns.store(0);
}

void ReportBoehmCounters(benchmark::State& state) {
  state.counters["collections"] = static_cast<double>(boehm_collections.load());
  state.counters["max_pause_us"] = static_cast<double>(boehm_max_pause_ns.load()) / 1e3;
  state.counters["total_pause_ms"] = static_cast<double>(boehm_total_pause_ns.load()) / 1e6;
  state.counters["peak_heap_MiB"] = static_cast<double>(GC_get_heap_size()) / (1024.0 * 1024.0);
}

uint64_t Percentile(std::vector<uint64_t>& values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  size_t index = static_cast<size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace mosaic::bench
