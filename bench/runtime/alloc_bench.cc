// Allocation throughput: N objects of 16, 32 or 64 bytes, the newest kRing of them kept
// reachable through a ring, everything older dying young. The same loop runs on Mosaic's inline
// bump allocator, on malloc/free and on Boehm's GC_MALLOC, in one binary.
//
// What each allocator does per object:
//   Mosaic   bump pointer in a pre-zeroed thread-local buffer (the slow path memsets each hole of
//            free cells when it hands it out, so zeroing is paid per hole, off the fast path);
//            header word written; pairs have no header. The ring is a heap vector (kAllValues), rooted by a Handle.
//   malloc   glibc tcache; no zeroing; the ring frees the slot's previous object.
//   Boehm    GC_MALLOC (thread-local free lists, memory returned cleared); the ring is a
//            GC_MALLOC'd array of pointers held on the stack.
// Every allocator then stores the same two words (a fixnum and an empty reference), so the
// object is touched the same way everywhere; nothing points from one object to another, so an
// object dies as soon as the ring overwrites its slot.
#include <gc/gc.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "bench_support.h"
#include "benchmark/benchmark.h"
#include "mosaic/heap.h"
#include "mosaic/roots.h"

namespace mosaic::bench {
namespace {

constexpr int64_t kRing = 4096;  // a power of two: the slot is i & (kRing - 1)

int64_t ObjectCount() { return Scaled(100'000'000, 200'000); }

// The ring must hold exactly the newest kRing objects, each with the fixnum it was given.
template <typename Get>
bool RingHoldsNewest(int64_t n, Get get_fixnum) {
  for (int64_t i = n - kRing; i < n; ++i) {
    if (get_fixnum(i & (kRing - 1)) != i) return false;
  }
  return true;
}

void BM_Alloc_Mosaic(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  const int64_t n = ObjectCount();
  auto heap = MakeHeap();
  KindId vector_kind = heap->RegisterKind({"vector", TracePolicy::kAllValues}).value();
  KindId object_kind = heap->RegisterKind({"object", TracePolicy::kAllValues}).value();
  MutatorScope mutator(*heap);
  HandleScope scope;
  auto* ring_words = static_cast<uint64_t*>(Allocate(vector_kind, 8 * (1 + kRing), kRing));
  Handle ring(Value::Object(ring_words));
  Value* slots = reinterpret_cast<Value*>(ring_words + 1);
  GcStats before = heap->Stats();
  for (auto _ : state) {
    if (bytes == 16) {
      for (int64_t i = 0; i < n; ++i) {
        // The ring is old after its first collection: stores into it go through the barrier.
        WriteField(&slots[i & (kRing - 1)], AllocatePair(Value::Fixnum(i), Value::Nil()));
      }
    } else {
      for (int64_t i = 0; i < n; ++i) {
        auto* words = static_cast<uint64_t*>(Allocate(object_kind, bytes));
        words[1] = Value::Fixnum(i).bits();
        words[2] = Value::Nil().bits();
        WriteField(&slots[i & (kRing - 1)], Value::Object(words));
      }
    }
    benchmark::ClobberMemory();
  }
  GcStats after = heap->Stats();
  heap->Collect();  // the ring must survive a collection intact
  bool ok = RingHoldsNewest(n, [&](int64_t slot) {
    Value v = slots[slot];
    return v.IsHeapReference() ? Value::FromBits(v.ObjectWords()[bytes == 16 ? 0 : 1]).FixnumValue()
                               : int64_t{-1};
  });
  if (!ok) Fail(state, "Mosaic ring lost objects");
  state.SetItemsProcessed(n * state.iterations());
  ReportMosaicCounters(state, before, after);
}

struct MallocObject {
  int64_t fixnum;
  MallocObject* reference;
};

void BM_Alloc_Malloc(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  const int64_t n = ObjectCount();
  auto** ring = static_cast<MallocObject**>(std::calloc(kRing, sizeof(MallocObject*)));
  for (auto _ : state) {
    for (int64_t i = 0; i < n; ++i) {
      auto* object = static_cast<MallocObject*>(std::malloc(bytes));
      object->fixnum = i;
      object->reference = nullptr;
      MallocObject*& slot = ring[i & (kRing - 1)];
      std::free(slot);
      slot = object;
    }
    benchmark::ClobberMemory();
  }
  bool ok = RingHoldsNewest(n, [&](int64_t slot) { return ring[slot]->fixnum; });
  if (!ok) Fail(state, "malloc ring lost objects");
  for (int64_t i = 0; i < kRing; ++i) std::free(ring[i]);
  std::free(ring);
  state.SetItemsProcessed(n * state.iterations());
}

void BM_Alloc_Boehm(benchmark::State& state) {
  const size_t bytes = static_cast<size_t>(state.range(0));
  const int64_t n = ObjectCount();
  ResetBoehm();
  auto** ring = static_cast<MallocObject**>(GC_MALLOC(kRing * sizeof(MallocObject*)));
  for (auto _ : state) {
    for (int64_t i = 0; i < n; ++i) {
      auto* object = static_cast<MallocObject*>(GC_MALLOC(bytes));
      object->fixnum = i;
      object->reference = nullptr;
      ring[i & (kRing - 1)] = object;
    }
    benchmark::ClobberMemory();
  }
  ReportBoehmCounters(state);
  GC_gcollect();
  bool ok = RingHoldsNewest(n, [&](int64_t slot) { return ring[slot]->fixnum; });
  if (!ok) Fail(state, "Boehm ring lost objects");
  benchmark::DoNotOptimize(ring);
  state.SetItemsProcessed(n * state.iterations());
}

void AllocArgs(benchmark::internal::Benchmark* b) {
  b->ArgName("bytes")->Arg(16)->Arg(32)->Arg(64)->Iterations(1)->UseRealTime()->Unit(
      benchmark::kMillisecond);
}

BENCHMARK(BM_Alloc_Mosaic)->Apply(AllocArgs);
BENCHMARK(BM_Alloc_Malloc)->Apply(AllocArgs);
BENCHMARK(BM_Alloc_Boehm)->Apply(AllocArgs);

}  // namespace
}  // namespace mosaic::bench
