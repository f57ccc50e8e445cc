// GCBench with 1 and 2 mutator threads. The main thread builds the long-lived tree and array
// (shared, never written again); each mutator thread then runs the stretch tree and the whole
// construction loop on its own. The work grows with the thread count, so with two free cores the
// ideal 2-thread time equals the 1-thread time; on a loaded machine it will not.
#include <gc/gc.h>

#include <string>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "benchmark/benchmark.h"
#include "gcbench.h"
#include "gcbench_policies.h"
#include "mosaic/heap.h"

namespace mosaic::bench {
namespace {

GcBenchParams Params() { return Smoke() ? GcBenchParams::Smoke() : GcBenchParams::Full(); }

// Runs `body(i)` on `count` new threads and waits for them.
template <typename Body>
void RunThreads(int count, Body body) {
  std::vector<std::thread> threads;
  threads.reserve(count);
  for (int i = 0; i < count; ++i) threads.emplace_back(body, i);
  for (auto& t : threads) t.join();
}

std::string FirstError(const std::vector<std::string>& errors) {
  for (const std::string& e : errors) {
    if (!e.empty()) return e;
  }
  return "";
}

void SetItems(benchmark::State& state, const GcBenchParams& p, int threads) {
  state.SetItemsProcessed(state.iterations() * threads * LoopNodes(p));
}

void BM_GcBenchThreads_Mosaic(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const GcBenchParams p = Params();
  auto heap = MakeHeap();
  MosaicPolicy::RegisterKinds(*heap);
  LiveBytesListener live_bytes(*heap);
  MutatorScope mutator(*heap);
  auto live = GcBench<MosaicPolicy>::MakeLongLived(p);
  GcStats before = heap->Stats();
  std::vector<std::string> errors(threads);
  for (auto _ : state) {
    // The main thread only waits: in a native region, collections do not wait for it (its
    // stack, which holds `live`, is scanned as it was on entry).
    NativeScope native;
    RunThreads(threads, [&](int i) {
      MutatorScope worker(*heap);
      errors[i] = GcBench<MosaicPolicy>::StretchAndLoop(p);
    });
  }
  GcStats after = heap->Stats();
  std::string error = FirstError(errors);
  if (error.empty()) error = GcBench<MosaicPolicy>::CheckLongLived(p, live);
  if (!error.empty()) Fail(state, "Mosaic threaded GCBench: " + error);
  live_bytes.Report(state);
  ReportMosaicCounters(state, before, after);
  SetItems(state, p, threads);
}

void BM_GcBenchThreads_Boehm(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const GcBenchParams p = Params();
  ResetBoehm();
  auto live = GcBench<BoehmPolicy>::MakeLongLived(p);
  std::vector<std::string> errors(threads);
  for (auto _ : state) {
    RunThreads(threads, [&](int i) {
      GC_stack_base base;
      if (GC_get_stack_base(&base) != GC_SUCCESS || GC_register_my_thread(&base) != GC_SUCCESS) {
        errors[i] = "cannot register the thread with libgc";
        return;
      }
      errors[i] = GcBench<BoehmPolicy>::StretchAndLoop(p);
      GC_unregister_my_thread();
    });
  }
  std::string error = FirstError(errors);
  if (error.empty()) error = GcBench<BoehmPolicy>::CheckLongLived(p, live);
  if (!error.empty()) Fail(state, "Boehm threaded GCBench: " + error);
  ReportBoehmCounters(state);
  SetItems(state, p, threads);
}

void BM_GcBenchThreads_Malloc(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const GcBenchParams p = Params();
  auto live = GcBench<MallocPolicy>::MakeLongLived(p);
  std::vector<std::string> errors(threads);
  for (auto _ : state) {
    RunThreads(threads, [&](int i) { errors[i] = GcBench<MallocPolicy>::StretchAndLoop(p); });
  }
  std::string error = FirstError(errors);
  if (error.empty()) error = GcBench<MallocPolicy>::CheckLongLived(p, live);
  GcBench<MallocPolicy>::ReleaseLongLived(live);
  if (!error.empty()) Fail(state, "malloc threaded GCBench: " + error);
  SetItems(state, p, threads);
}

void ThreadArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("threads")->Arg(1)->Arg(2)->Iterations(1)->UseRealTime()->Unit(
      benchmark::kMillisecond);
}

BENCHMARK(BM_GcBenchThreads_Mosaic)->Apply(ThreadArgs);
BENCHMARK(BM_GcBenchThreads_Boehm)->Apply(ThreadArgs);
BENCHMARK(BM_GcBenchThreads_Malloc)->Apply(ThreadArgs);

}  // namespace
}  // namespace mosaic::bench
