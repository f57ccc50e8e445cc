// Weakness: what live ephemerons and weak references cost a collection, against their number.
//
//   BM_Weak_Ephemerons_Mosaic/N      N live ephemerons with independent keys (held by a vector);
//   BM_Weak_EphemeronChain_Mosaic/N  one chain: each value the next key, the first key held, so
//                                    the fixpoint must follow N links (built in the worst order);
//   BM_Weak_Pairs_Mosaic/N           N weak pairs whose targets are held;
//   BM_Weak_Links_Boehm/N            N disappearing links (GC_general_register_disappearing_link)
//                                    to held objects: Boehm's plain weak references.
// Each collects `collections` times and reports the pause per collection and per weak object;
// the baseline is the same heap (same N live objects, strongly held) without the weak objects,
// so weak_ns_per_object is what weakness adds. Linear growth shows as a flat ns/object across N.
// Every run checks its result: every value/target is still there after the collections.
#include <gc/gc.h>

#include <string>
#include <vector>

#include "bench_support.h"
#include "benchmark/benchmark.h"
#include "mosaic/heap.h"
#include "mosaic/weak.h"

namespace mosaic::bench {
namespace {

constexpr int kCollections = 10;

struct Heaped {
  std::unique_ptr<Heap> heap;
  KindId vector_kind;
};

Value NewVector(KindId kind, size_t n) {
  return Value::Object(Allocate(kind, 8 * (n + 1), n));
}
Value* Slots(Value v) { return reinterpret_cast<Value*>(v.ObjectWords() + 1); }

enum class Shape { kNone, kIndependent, kChain, kWeakPairs };

// Builds N keys (a vector holds them) and, by shape, N weak objects (another vector holds
// them); collects kCollections times; checks; returns the mean pause.
void RunMosaic(benchmark::State& state, Shape shape) {
  const int64_t n = Smoke() ? std::min<int64_t>(state.range(0), 1000) : state.range(0);
  auto heap = MakeHeap();
  KindId vector_kind = heap->RegisterKind({"vector", TracePolicy::kAllValues}).value();
  MutatorScope mutator(*heap);
  HandleScope scope;
  Handle keys(NewVector(vector_kind, n));
  Handle weak(NewVector(vector_kind, n));
  for (int64_t i = 0; i < n; ++i) {
    WriteField(&Slots(keys.get())[i], AllocatePair(Value::Fixnum(i), Value::Nil()));
  }
  if (shape == Shape::kIndependent) {
    for (int64_t i = 0; i < n; ++i) {
      Value key = Slots(keys.get())[i];
      WriteField(&Slots(weak.get())[i],
                 NewEphemeron(key, AllocatePair(Value::Fixnum(-i), Value::Nil())));
    }
  } else if (shape == Shape::kChain) {
    // value i = key i+1; only key 0 is held. The chain's keys are the pairs made here; the
    // vector of keys holds only the first. Stored from the end, the worst order for rounds.
    Value key = Slots(keys.get())[0];
    std::vector<Value> chain_keys;
    for (int64_t i = 0; i < n; ++i) {
      Value next = AllocatePair(Value::Fixnum(i + 1), Value::Nil());
      WriteField(&Slots(weak.get())[n - 1 - i], NewEphemeron(key, next));
      key = next;
    }
    for (int64_t i = 1; i < n; ++i) WriteField(&Slots(keys.get())[i], Value::Nil());
  } else if (shape == Shape::kWeakPairs) {
    for (int64_t i = 0; i < n; ++i) {
      WriteField(&Slots(weak.get())[i], NewWeakPair(Slots(keys.get())[i]));
    }
  }
  heap->Collect();
  GcStats before = heap->Stats();
  for (auto _ : state) {
    for (int i = 0; i < kCollections; ++i) heap->Collect();
  }
  GcStats after = heap->Stats();
  // Check: nothing reachable was cleared.
  for (int64_t i = 0; i < n && shape != Shape::kNone; ++i) {
    Value w = Slots(weak.get())[i];
    bool ok = shape == Shape::kWeakPairs ? !WeakPairTarget(w).IsBrokenWeak()
                                         : !EphemeronValue(w).IsBrokenWeak();
    if (!ok) {
      Fail(state, "weak object " + std::to_string(i) + " was cleared while reachable");
      break;
    }
  }
  const double collections = static_cast<double>(after.collections - before.collections);
  const double pause_ns = static_cast<double>(after.total_pause_ns - before.total_pause_ns);
  state.counters["pause_us"] = pause_ns / collections / 1e3;
  state.counters["ns_per_object"] = pause_ns / collections / static_cast<double>(n);
  state.counters["weak_objects"] = static_cast<double>(after.weak_objects);
}

void BM_Weak_None_Mosaic(benchmark::State& state) { RunMosaic(state, Shape::kNone); }
void BM_Weak_Ephemerons_Mosaic(benchmark::State& state) { RunMosaic(state, Shape::kIndependent); }
void BM_Weak_EphemeronChain_Mosaic(benchmark::State& state) { RunMosaic(state, Shape::kChain); }
void BM_Weak_Pairs_Mosaic(benchmark::State& state) { RunMosaic(state, Shape::kWeakPairs); }

struct BoehmObject {
  BoehmObject* next;
  int64_t number;
};

void BM_Weak_Links_Boehm(benchmark::State& state) {
  const int64_t n = Smoke() ? std::min<int64_t>(state.range(0), 1000) : state.range(0);
  ResetBoehm();
  auto** keys = static_cast<BoehmObject**>(GC_MALLOC(n * sizeof(void*)));
  auto** links = static_cast<void**>(GC_MALLOC_ATOMIC(n * sizeof(void*)));  // not traced
  for (int64_t i = 0; i < n; ++i) {
    keys[i] = static_cast<BoehmObject*>(GC_MALLOC(sizeof(BoehmObject)));
    keys[i]->number = i;
    links[i] = keys[i];
    GC_general_register_disappearing_link(&links[i], keys[i]);
  }
  GC_gcollect();
  uint64_t start = NowNs();
  for (auto _ : state) {
    for (int i = 0; i < kCollections; ++i) GC_gcollect();
  }
  double per = static_cast<double>(NowNs() - start) / kCollections;
  for (int64_t i = 0; i < n; ++i) {
    if (links[i] != keys[i]) {
      Fail(state, "Boehm cleared a link to a reachable object");
      break;
    }
    GC_unregister_disappearing_link(&links[i]);
  }
  state.counters["pause_us"] = per / 1e3;  // a whole GC_gcollect, sweep included
  state.counters["ns_per_object"] = per / static_cast<double>(n);
  benchmark::DoNotOptimize(keys);
}

#define WEAK_SIZES ->Arg(1'000)->Arg(10'000)->Arg(100'000)->Arg(1'000'000)
BENCHMARK(BM_Weak_None_Mosaic) WEAK_SIZES->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Weak_Ephemerons_Mosaic) WEAK_SIZES->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Weak_EphemeronChain_Mosaic) WEAK_SIZES->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Weak_Pairs_Mosaic) WEAK_SIZES->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Weak_Links_Boehm) WEAK_SIZES->Iterations(1)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace mosaic::bench
