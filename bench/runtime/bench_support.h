// Shared pieces of bench_runtime: the --smoke switch, failure reporting, a fresh Mosaic heap per
// benchmark, and pause tracking for the Boehm collector (which has no per-pause statistics of
// its own).
#ifndef MOSAIC_BENCH_RUNTIME_BENCH_SUPPORT_H_
#define MOSAIC_BENCH_RUNTIME_BENCH_SUPPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "mosaic/heap.h"

namespace mosaic::bench {

// True under --smoke: every benchmark shrinks to a size that runs in well under a second.
bool Smoke();
void SetSmoke(bool smoke);

// Picks the full or the smoke size.
inline int64_t Scaled(int64_t full, int64_t smoke) { return Smoke() ? smoke : full; }

// Marks the benchmark as failed (its result was wrong, not merely slow) and remembers it, so
// that main() exits non-zero and the smoke test fails.
void Fail(benchmark::State& state, const std::string& message);
bool AnyFailure();

uint64_t NowNs();

// A fresh heap with default options (MOSAIC_GC_OPTIONS still applies, for experiments); under
// --smoke with a 256 KiB collection threshold.
// Dies with a message if the heap cannot be created: a benchmark without a heap is meaningless.
std::unique_ptr<Heap> MakeHeap(const HeapOptions& options = HeapOptions{});

// Sets the counters that every Mosaic benchmark reports, from the difference of two snapshots.
void ReportMosaicCounters(benchmark::State& state, const GcStats& before, const GcStats& after);

// Listens to a heap's collections and reports the mean and largest live size after them (a
// conservative collector's live size shows what stale stack words keep alive).
class LiveBytesListener {
 public:
  explicit LiveBytesListener(Heap& heap);
  ~LiveBytesListener();
  LiveBytesListener(const LiveBytesListener&) = delete;
  LiveBytesListener& operator=(const LiveBytesListener&) = delete;
  void Report(benchmark::State& state) const;

 private:
  Heap& heap_;
  int id_;
  uint64_t count_ = 0;
  uint64_t sum_ = 0;
  uint64_t max_ = 0;
};

// Boehm: a GC_set_on_collection_event hook times each pause from GC_EVENT_PRE_STOP_WORLD to
// GC_EVENT_POST_START_WORLD, the same span as Mosaic's pause (stop request to resumption).
// Boehm's default collector is non-incremental; its sweep is lazy and runs later, during
// allocation, outside that span, whereas Mosaic sweeps inside its pause.
void InstallBoehmHooks();
// Collects once, then clears the counters, so a benchmark does not pay for its predecessor's
// garbage and reports only its own pauses.
void ResetBoehm();
void ReportBoehmCounters(benchmark::State& state);

// The value at quantile q (0..1) of `values` (sorted in place); 0 for an empty vector.
uint64_t Percentile(std::vector<uint64_t>& values, double q);

}  // namespace mosaic::bench

#endif  // MOSAIC_BENCH_RUNTIME_BENCH_SUPPORT_H_
