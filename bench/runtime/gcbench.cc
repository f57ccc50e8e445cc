// Single-threaded GCBench on Mosaic, Boehm and malloc/free in one binary.
#include "gcbench.h"

#include <string>

#include "bench_support.h"
#include "benchmark/benchmark.h"
#include "gcbench_policies.h"
#include "mosaic/heap.h"

namespace mosaic::bench {
namespace {

GcBenchParams Params() { return Smoke() ? GcBenchParams::Smoke() : GcBenchParams::Full(); }

void SetItems(benchmark::State& state, const GcBenchParams& p) {
  state.SetItemsProcessed(state.iterations() * (LoopNodes(p) + TreeSize(p.long_lived_depth)));
}

void BM_GcBench_Mosaic(benchmark::State& state) {
  const GcBenchParams p = Params();
  auto heap = MakeHeap();
  MosaicPolicy::RegisterKinds(*heap);
  LiveBytesListener live_bytes(*heap);
  MutatorScope mutator(*heap);
  GcStats before = heap->Stats();
  std::string error;
  for (auto _ : state) error = GcBench<MosaicPolicy>::Run(p);
  if (!error.empty()) Fail(state, "Mosaic GCBench: " + error);
  live_bytes.Report(state);
  ReportMosaicCounters(state, before, heap->Stats());
  SetItems(state, p);
}

void BM_GcBench_Boehm(benchmark::State& state) {
  const GcBenchParams p = Params();
  ResetBoehm();
  std::string error;
  for (auto _ : state) error = GcBench<BoehmPolicy>::Run(p);
  if (!error.empty()) Fail(state, "Boehm GCBench: " + error);
  ReportBoehmCounters(state);
  SetItems(state, p);
}

void BM_GcBench_Malloc(benchmark::State& state) {
  const GcBenchParams p = Params();
  std::string error;
  for (auto _ : state) error = GcBench<MallocPolicy>::Run(p);
  if (!error.empty()) Fail(state, "malloc GCBench: " + error);
  SetItems(state, p);
}

BENCHMARK(BM_GcBench_Mosaic)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcBench_Boehm)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GcBench_Malloc)->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mosaic::bench
