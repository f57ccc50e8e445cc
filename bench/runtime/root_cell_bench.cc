// Root-cell scan cost. Allocates `cells` root cells, each holding its own pair, frees all but
// every `keep_every`-th (so 1M cells with keep_every=10 leave 100K live cells scattered over the
// whole table), then collects repeatedly and reports, per collection, the time the collector
// spent on root cells (GcStats::root_cell_ns), on all roots, and the whole pause.
//
// Companions in the same run: the same 100K live cells allocated densely (nothing freed), and no
// cells at all (the pause of an otherwise identical heap), so that what the sparse table costs
// beyond its live cells can be read off directly.
#include <string>
#include <vector>

#include "bench_support.h"
#include "benchmark/benchmark.h"
#include "mosaic/heap.h"

namespace mosaic::bench {
namespace {

void BM_RootCells(benchmark::State& state) {
  const int64_t divisor = Smoke() ? 100 : 1;
  const int64_t total = state.range(0) / divisor;
  const int64_t keep_every = state.range(1);
  const int64_t collections = Scaled(50, 5);
  auto heap = MakeHeap();
  MutatorScope mutator(*heap);

  std::vector<RootCell*> cells(total, nullptr);
  for (int64_t i = 0; i < total; ++i) {
    cells[i] = heap->NewRootCell(AllocatePair(Value::Fixnum(i), Value::Nil()));
  }
  for (int64_t i = 0; i < total; ++i) {
    if (i % keep_every != 0) {
      heap->FreeRootCell(cells[i]);
      cells[i] = nullptr;
    }
  }
  const int64_t live = (total + keep_every - 1) / keep_every;
  heap->Collect();  // the freed cells' pairs become garbage here, outside the measurement

  GcStats before = heap->Stats();
  for (auto _ : state) {
    for (int64_t i = 0; i < collections; ++i) heap->Collect();
  }
  GcStats after = heap->Stats();

  if (static_cast<int64_t>(heap->LiveRootCellCount()) != live) {
    Fail(state, "LiveRootCellCount is " + std::to_string(heap->LiveRootCellCount()) +
                    ", expected " + std::to_string(live));
  }
  for (int64_t i = 0; i < total; ++i) {
    if (cells[i] == nullptr) continue;
    Value v = cells[i]->Load();
    if (!v.IsPair() || static_cast<PairCell*>(v.ObjectAddress())->car != Value::Fixnum(i)) {
      Fail(state, "root cell " + std::to_string(i) + " lost its pair");
      break;
    }
    heap->FreeRootCell(cells[i]);
  }

  const double n = static_cast<double>(after.collections - before.collections);
  if (n != static_cast<double>(collections * state.iterations())) {
    Fail(state, "expected one collection per Collect()");
  }
  auto per_gc_us = [&](uint64_t a, uint64_t b) { return n > 0 ? (a - b) / n / 1e3 : 0.0; };
  state.counters["live_cells"] = static_cast<double>(live);
  state.counters["cells_visited_per_gc"] =
      n > 0 ? static_cast<double>(after.root_cells_visited - before.root_cells_visited) / n : 0;
  state.counters["root_cell_us_per_gc"] = per_gc_us(after.root_cell_ns, before.root_cell_ns);
  state.counters["all_roots_us_per_gc"] = per_gc_us(after.total_root_ns, before.total_root_ns);
  state.counters["pause_us_per_gc"] = per_gc_us(after.total_pause_ns, before.total_pause_ns);
  state.counters["max_pause_us"] = static_cast<double>(after.max_pause_ns) / 1e3;
}

BENCHMARK(BM_RootCells)
    ->ArgNames({"cells", "keep_every"})
    ->Args({1'000'000, 10})  // 1M allocated, 10% live, scattered
    ->Args({100'000, 1})     // the same live count, dense
    ->Args({0, 1})           // no cells: the rest of the pause
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mosaic::bench
