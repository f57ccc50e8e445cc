// What an embedder's threads do on the first day (issue "nothing lost, nothing hung"): threads
// the collector never stops moving objects between root cells, registers held across a native
// region, thousands of short threads, a thread that exits while registered, a thread that never
// polls.
#include <atomic>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

#if defined(__SANITIZE_THREAD__) || defined(MOSAIC_SANITIZER_thread)
constexpr bool kSlowBuild = true;
#else
constexpr bool kSlowBuild = false;
#endif

// An object that knows its own number: a vector of [id, (id . -id)].
Value MakeTagged(int64_t id) {
  Value pair = AllocatePair(Value::Fixnum(id), Value::Fixnum(-id));
  auto* words = static_cast<uint64_t*>(Allocate(/*kind=*/2, 8 * 3, 2));  // HeapTest's "vector"
  words[1] = Value::Fixnum(id).bits();
  words[2] = pair.bits();
  return Value::Object(words);
}

bool IsTagged(Heap& heap, Value v, int64_t id) {
  if (!v.IsObject() || heap.FindObject(v.ObjectAddress()) != v) return false;
  const uint64_t* words = v.ObjectWords();
  Value pair = Value::FromBits(words[2]);
  if (Value::FromBits(words[1]) != Value::Fixnum(id) || !pair.IsPair()) return false;
  if (heap.FindObject(pair.ObjectAddress()) != pair) return false;
  auto* cell = static_cast<PairCell*>(pair.ObjectAddress());
  return cell->car == Value::Fixnum(id) && cell->cdr == Value::Fixnum(-id);
}

// Threads that never registered, and a registered one that works inside a native region, move
// objects from cell to cell (load A, create B with the value, free A; exchanges between two
// cells; compare-and-swap) and churn thousands of short-lived cells (so that chunks are added),
// while a registered thread collects without pause, verifying the heap around every collection.
// Every object must survive, intact. Before cells were read as one snapshot, the collector
// crashed walking a chunk list that grew under it, and objects moved between two cells during a
// scan were freed.
TEST(ForeignThreadsTest, ObjectsMovedBetweenRootCellsByUnstoppedThreadsAreNeverLost) {
  HeapOptions options;
  options.verify = true;
  auto heap_or = Heap::Create(options);
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  ASSERT_TRUE(heap.RegisterCurrentThread().ok());
  ASSERT_EQ(*heap.RegisterKind({"vector", TracePolicy::kAllValues}), 2);

  constexpr int kWorkers = 3;
  constexpr int kPerWorker = 48;
  const int kRounds = UnderStress() ? 40 : (kSlowBuild ? 60 : 400);
  struct Owned {
    std::atomic<RootCell*> cell{nullptr};
  };
  std::vector<Owned> owned(kWorkers * kPerWorker);
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kWorkers * kPerWorker; ++i) {
      owned[i].cell = heap.NewRootCell(MakeTagged(i));
    }
  }();
  ClearStackBelow();

  std::atomic<int> done{0};
  auto work = [&](int w, bool in_native) {
    std::mt19937 rng(w);
    for (int round = 0; round < kRounds; ++round) {
      for (int k = 0; k < kPerWorker; ++k) {
        Owned& slot = owned[w * kPerWorker + k];
        switch (rng() % 3) {
          case 0: {  // move: the object is in A, then in A and B, then in B
            RootCell* a = slot.cell.load();
            RootCell* b = heap.NewRootCell(a->Load());
            slot.cell = b;
            heap.FreeRootCell(a);
            break;
          }
          case 1: {  // swap two of this worker's objects, each always in some cell
            Owned& other = owned[w * kPerWorker + rng() % kPerWorker];
            if (&other == &slot) break;
            RootCell* a = slot.cell.load();
            RootCell* b = other.cell.load();
            RootCell* keep_a = heap.NewRootCell(a->Load());
            RootCell* keep_b = heap.NewRootCell(b->Load());
            Value old_b = b->Exchange(keep_a->Load());  // old_b is in keep_b as well
            a->Store(old_b);
            heap.FreeRootCell(keep_a);
            heap.FreeRootCell(keep_b);
            break;
          }
          default: {  // rewrite through compare-and-swap (the same value: a no-op that writes)
            RootCell* a = slot.cell.load();
            Value expected = a->Load();
            EXPECT_TRUE(a->CompareExchangeStrong(expected, expected));
          }
        }
      }
      // Short-lived cells: more than a chunk's worth, created and freed during collections.
      std::vector<RootCell*> temp;
      for (int i = 0; i < 4500; ++i) temp.push_back(heap.NewRootCell(Value::Fixnum(i)));
      for (RootCell* c : temp) heap.FreeRootCell(c);
    }
    (void)in_native;
    done.fetch_add(1);
  };
  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers - 1; ++w) workers.emplace_back(work, w, false);
  workers.emplace_back([&] {  // registered, but inside a native region the whole time
    MutatorScope mutator(heap);
    NativeScope native;
    work(kWorkers - 1, true);
  });
  uint64_t collections = 0;
  while (done.load() < kWorkers) {
    heap.Collect();
    ++collections;
  }
  for (auto& t : workers) t.join();
  ClearStackBelow();
  heap.Collect();
  EXPECT_GT(collections, 2u);
  // Swaps permute objects among a worker's cells: check each worker's set.
  for (int w = 0; w < kWorkers; ++w) {
    std::vector<bool> seen(kPerWorker, false);
    for (int k = 0; k < kPerWorker; ++k) {
      Value v = owned[w * kPerWorker + k].cell.load()->Load();
      bool found = false;
      for (int id = 0; id < kPerWorker && !found; ++id) {
        if (!seen[id] && IsTagged(heap, v, w * kPerWorker + id)) seen[id] = found = true;
      }
      EXPECT_TRUE(found) << "worker " << w << " cell " << k << " lost its object";
    }
  }
  for (Owned& o : owned) heap.FreeRootCell(o.cell.load());
  ASSERT_TRUE(heap.UnregisterCurrentThread().ok());
}

// A load racing a free of the same cell reads the value or null, never faults.
TEST(ForeignThreadsTest, LoadsRacingFreesNeverFault) {
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  std::atomic<RootCell*> shared{heap.NewRootCell(Value::Fixnum(7))};
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> loads{0}, nulls{0};
  std::thread reader([&] {
    while (!stop.load()) {
      Value v = shared.load()->Load();
      if (v == Value()) nulls.fetch_add(1);
      else EXPECT_EQ(v, Value::Fixnum(7));
      loads.fetch_add(1);
    }
  });
  const uint64_t kLoads = kSlowBuild ? 2'000 : 50'000;
  for (int i = 0; i < (kSlowBuild ? 2'000 : 50'000) || loads.load() < kLoads; ++i) {
    RootCell* fresh = heap.NewRootCell(Value::Fixnum(7));
    heap.FreeRootCell(shared.exchange(fresh));
  }
  stop = true;
  reader.join();
  heap.FreeRootCell(shared.load());
  EXPECT_GE(loads.load(), kLoads);
}

// 20,000 threads that each register, allocate and leave: what they leave behind is reused, so
// committed memory stays near what one thread needs. Before, every thread took fresh blocks and
// committed memory grew until heap-max.
TEST(ForeignThreadsTest, ThousandsOfShortThreadsReuseTheirBlocks) {
  const int kThreads = UnderStress() ? 500 : (kSlowBuild ? 2'000 : 20'000);
  HeapOptions options;
  options.heap_max = size_t{1} << 30;
  auto heap_or = Heap::Create(options);
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  KindId bytes = *heap.RegisterKind({"bytes", TracePolicy::kNoReferences});
  for (int i = 0; i < kThreads; i += 2) {
    std::thread a([&] {
      MutatorScope mutator(heap);
      for (int j = 0; j < 20; ++j) AllocatePair(Value::Fixnum(j), Value::Nil());
      for (size_t size : {24u, 100u, 700u, 3000u}) Allocate(bytes, size);
    });
    std::thread b([&] {
      MutatorScope mutator(heap);
      for (int j = 0; j < 20; ++j) AllocatePair(Value::Fixnum(j), Value::Nil());
    });
    a.join();
    b.join();
  }
  GcStats stats = heap.Stats();
  EXPECT_EQ(heap.RegisteredThreadCount(), 0u);
  // Five size classes in use by two threads at a time: a handful of blocks, not thousands.
  EXPECT_LE(stats.peak_committed_bytes, uint64_t{32} << 20) << "committed memory grew with the "
                                                                "number of threads";
  EXPECT_GT(stats.bytes_allocated, uint64_t(kThreads) / 2 * 20 * 16);
}

// A thread that exits without unregistering is unregistered on its way out, with a warning;
// collections afterwards do not wait for it.
TEST(ForeignThreadsTest, AThreadThatExitsWhileRegisteredIsUnregistered) {
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  ::testing::internal::CaptureStderr();
  std::thread([&] {
    ASSERT_TRUE(heap.RegisterCurrentThread().ok());
    AllocatePair(Value::Nil(), Value::Nil());
    EnterNative();  // exits inside a native region, too
  }).join();
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("exited while registered"), std::string::npos) << err;
  EXPECT_EQ(heap.RegisteredThreadCount(), 0u);
  MutatorScope mutator(heap);
  uint64_t before = heap.Stats().collections;
  heap.Collect();  // returns: nobody to wait for
  EXPECT_EQ(heap.Stats().collections, before + 1);
}

// watchdog-action=abort: a thread that never reaches a safepoint stops the process with a
// message naming it, instead of hanging every collection.
TEST(ForeignThreadsDeathTest, WatchdogAbortStopsAStuckCollection) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        HeapOptions options;
        options.watchdog_ms = 100;
        options.watchdog_action = WatchdogAction::kAbort;
        auto heap = Heap::Create(options);
        std::atomic<bool> registered{false};
        std::thread spinner([&] {
          MutatorScope mutator(**heap);
          registered = true;
          for (;;) {  // never polls
          }
        });
        while (!registered.load()) std::this_thread::yield();
        MutatorScope mutator(**heap);
        (*heap)->Collect();
      },
      "watchdog-action=abort: thread #[0-9]+ \\(tid [0-9]+\\) did not reach a safepoint");
}

}  // namespace
}  // namespace mosaic::testing
