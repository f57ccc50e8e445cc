// Time to safepoint: mutator threads spin in a loop that does nothing but poll
// (mosaic::Safepoint()), while the benchmark's own thread requests collections one after
// another. An event listener records every collection's time_to_safepoint_ns; GcStats'
// max_time_to_safepoint_ns is reported beside it as a cross-check.
//
// On a machine with fewer free cores than runnable threads this measures the OS scheduler as
// much as the poll: a spinner that is not on a CPU cannot reach its poll.
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "bench_support.h"
#include "benchmark/benchmark.h"
#include "mosaic/heap.h"

namespace mosaic::bench {
namespace {

void BM_TimeToSafepoint(benchmark::State& state) {
  const int spinners = static_cast<int>(state.range(0));
  const int64_t collections = Scaled(500, 20);
  auto heap = MakeHeap();

  std::mutex mu;
  std::vector<uint64_t> ttsp;
  std::vector<uint64_t> pauses;
  int listener = heap->AddEventListener([&](const GcEvent& event) {
    std::lock_guard<std::mutex> lock(mu);
    ttsp.push_back(event.time_to_safepoint_ns);
    pauses.push_back(event.pause_ns);
  });

  std::atomic<bool> stop{false};
  std::atomic<int> running{0};
  std::atomic<uint64_t> polls{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < spinners; ++i) {
    threads.emplace_back([&] {
      MutatorScope mutator(*heap);
      running.fetch_add(1);
      uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        Safepoint();
        ++n;
      }
      polls.fetch_add(n);
    });
  }
  while (running.load() < spinners) std::this_thread::yield();

  uint64_t start_ns = 0, end_ns = 0;
  GcStats before, after;
  {
    MutatorScope mutator(*heap);
    before = heap->Stats();
    start_ns = NowNs();
    for (auto _ : state) {
      for (int64_t i = 0; i < collections; ++i) {
        heap->Collect();
        // Let the spinners get going again, so each request finds them inside their loop.
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
    end_ns = NowNs();
    after = heap->Stats();
  }
  stop.store(true);
  for (auto& t : threads) t.join();
  heap->RemoveEventListener(listener);

  std::lock_guard<std::mutex> lock(mu);
  if (static_cast<int64_t>(ttsp.size()) != collections * state.iterations()) {
    Fail(state, "the listener saw " + std::to_string(ttsp.size()) + " collections, expected " +
                    std::to_string(collections * state.iterations()));
  }
  if (spinners > 0 && polls.load() == 0) Fail(state, "the spinners never polled");
  state.counters["collections"] = static_cast<double>(after.collections - before.collections);
  state.counters["ttsp_p50_us"] = static_cast<double>(Percentile(ttsp, 0.50)) / 1e3;
  state.counters["ttsp_p99_us"] = static_cast<double>(Percentile(ttsp, 0.99)) / 1e3;
  state.counters["ttsp_max_us"] = static_cast<double>(Percentile(ttsp, 1.0)) / 1e3;
  state.counters["stats_max_ttsp_us"] = static_cast<double>(after.max_time_to_safepoint_ns) / 1e3;
  state.counters["pause_p50_us"] = static_cast<double>(Percentile(pauses, 0.50)) / 1e3;
  state.counters["pause_max_us"] = static_cast<double>(Percentile(pauses, 1.0)) / 1e3;
  double seconds = static_cast<double>(end_ns - start_ns) / 1e9;
  state.counters["polls_per_s_per_thread"] =
      spinners > 0 ? static_cast<double>(polls.load()) / seconds / spinners : 0.0;
}

BENCHMARK(BM_TimeToSafepoint)
    ->ArgName("spinners")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mosaic::bench
