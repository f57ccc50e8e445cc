// Many mutators: root cells under contention with collections from every thread, native regions,
// thread churn and orphaned blocks, finalizers run by another thread, misuse.
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

// A list of `length` fixnums whose last element is the sum of the others.
Value MakeCheckedList(int length, uint64_t seed) {
  Value list = Value::Nil();
  int64_t sum = 0;
  for (int i = 0; i < length - 1; ++i) {
    int64_t x = static_cast<int64_t>((seed * 2654435761u + i) % 1000);
    sum += x;
    list = AllocatePair(Value::Fixnum(x), list);
  }
  return AllocatePair(Value::Fixnum(sum), list);
}

bool CheckList(Value list) {
  if (!list.IsPair()) return false;
  auto* head = static_cast<PairCell*>(list.ObjectAddress());
  int64_t sum = 0;
  for (Value v = head->cdr; !v.IsNil();) {
    if (!v.IsPair()) return false;
    auto* cell = static_cast<PairCell*>(v.ObjectAddress());
    if (!cell->car.IsFixnum()) return false;
    sum += cell->car.FixnumValue();
    v = cell->cdr;
  }
  return head->car == Value::Fixnum(sum);
}

TEST(ThreadsTest, RootCellPublicationUnderCollectionsFromEveryThread) {
  const bool long_mode = std::getenv("MOSAIC_LONG_TESTS") != nullptr;
  const int kThreads = 4;
#if defined(__SANITIZE_THREAD__)
  constexpr bool kSlowBuild = true;  // ThreadSanitizer: ~50x slower
#else
  constexpr bool kSlowBuild = false;
#endif
  const int64_t kTargetAllocations =
      long_mode ? 20'000'000 : (UnderStress() ? 20'000 : (kSlowBuild ? 100'000 : 1'200'000));
  HeapOptions options;
  options.stress = UnderStress() ? 2000 : 5000;  // every thread collects every N allocations
  options.verify = true;
  auto heap_or = Heap::Create(options);
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  constexpr int kCells = 8;
  RootCell* cells[kCells];
  for (auto& c : cells) c = heap.NewRootCell(Value::Nil());
  std::atomic<int64_t> pushes{0};
  std::atomic<int64_t> allocations{0};
  std::atomic<int64_t> failures{0};

  auto worker = [&](int index) {
    MutatorScope mutator(heap);
    std::mt19937_64 rng(index);
    int64_t mine = 0;
    while (allocations.load(std::memory_order_relaxed) < kTargetAllocations) {
      int length = 1 + static_cast<int>(rng() % 20);
      Value list = MakeCheckedList(length, rng());
      if (!CheckList(list)) failures.fetch_add(1);
      RootCell* cell = cells[rng() % kCells];
      Value old = cell->Load();
      for (;;) {
        Value node = AllocatePair(list, old);  // may collect; `old` stays on our stack
        if (cell->CompareExchangeStrong(old, node)) break;
      }
      ++mine;
      allocations.fetch_add(length + 1, std::memory_order_relaxed);
    }
    pushes.fetch_add(mine);
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) threads.emplace_back(worker, i);
  for (auto& t : threads) t.join();

  MutatorScope mutator(heap);
  heap.Collect();
  int64_t found = 0;
  for (RootCell* cell : cells) {
    for (Value node = cell->Load(); !node.IsNil();) {
      auto* p = static_cast<PairCell*>(node.ObjectAddress());
      ASSERT_TRUE(CheckList(p->car)) << "a published list was corrupted";
      ++found;
      node = p->cdr;
    }
  }
  EXPECT_EQ(found, pushes.load()) << "lost updates";
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GE(allocations.load(), kTargetAllocations);
  GcStats stats = heap.Stats();
  EXPECT_GT(stats.collections, 10u);
  EXPECT_GT(stats.max_time_to_safepoint_ns, 0u);
  for (RootCell* cell : cells) heap.FreeRootCell(cell);
}

// The embedder's poll word (Heap::EmbedderPollWord) sits right after the safepoint flag in one
// aligned 8-byte word, so that JIT code polls both with one load; the runtime raises and clears
// its flag around collections from every thread and never touches the embedder's half, and a
// safepoint with only the embedder's word set does not stop.
TEST(ThreadsTest, TheEmbedderPollWordSitsBesideTheFlagAndTheRuntimeLeavesItAlone) {
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  const volatile uint32_t* flag = heap.SafepointFlagAddress();
  std::atomic<uint32_t>* word = heap.EmbedderPollWord();
  ASSERT_EQ(reinterpret_cast<uintptr_t>(flag) % 8, 0u);
  ASSERT_EQ(reinterpret_cast<uintptr_t>(word), reinterpret_cast<uintptr_t>(flag) + 4);
  word->store(0x5a);
  // One thread's view of the pair as JIT code loads it (no other thread yet).
  EXPECT_EQ(*reinterpret_cast<const volatile uint64_t*>(flag), uint64_t{0x5a} << 32);
  std::atomic<bool> stop{false};
  std::thread other([&] {
    MutatorScope mutator(heap);
    while (!stop.load()) {
      for (int j = 0; j < 100; ++j) AllocatePair(Value::Nil(), Value::Nil());
      Safepoint();  // the embedder's word alone does not park it
    }
  });
  {
    MutatorScope mutator(heap);
    for (int i = 0; i < (UnderStress() ? 10 : 100); ++i) {
      heap.Collect();
      EXPECT_EQ(word->load(), 0x5au);
    }
    Safepoint();
  }
  stop = true;
  other.join();
  EXPECT_EQ(*reinterpret_cast<const volatile uint64_t*>(flag), uint64_t{0x5a} << 32);
  word->store(0);
  EXPECT_GE(heap.Stats().collections, UnderStress() ? 10u : 100u);
}

TEST(ThreadsTest, ThreadBlockedInNativeCodeDoesNotStopCollections) {
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  std::mutex mu;
  std::condition_variable cv;
  bool release = false;
  bool blocked = false;
  std::atomic<bool> collector_done{false};
  std::atomic<bool> data_ok{false};

  std::thread sleeper([&] {
    MutatorScope mutator(heap);
    HandleScope scope;
    Handle mine(MakeCheckedList(100, 7));
    {
      NativeScope native;  // about to block
      std::unique_lock<std::mutex> lock(mu);
      blocked = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    }  // leaving waits if a collection is running
    for (int i = 0; i < (UnderStress() ? 500 : 10'000); ++i) {
      AllocatePair(Value::Fixnum(i), Value::Nil());
    }
    data_ok = CheckList(mine.get());
  });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return blocked; });
  }
  std::thread collector([&] {
    MutatorScope mutator(heap);
    for (int i = 0; i < 200; ++i) {
      if (i == 20) {
        std::lock_guard<std::mutex> lock(mu);
        release = true;  // the sleeper comes back while we keep collecting
        cv.notify_all();
      }
      for (int j = 0; j < (UnderStress() ? 20 : 1000); ++j) AllocatePair(Value::Nil(), Value::Nil());
      heap.Collect();
    }
    collector_done = true;
  });
  collector.join();
  sleeper.join();
  EXPECT_TRUE(collector_done.load());
  EXPECT_TRUE(data_ok.load());
  EXPECT_GE(heap.Stats().collections, 200u);
}

TEST(ThreadsTest, ThreadChurnFreesOrphansAndKeepsPublishedObjects) {
  const int kThreads = UnderStress() ? 100 : 1000;
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  std::vector<RootCell*> published(kThreads);
  for (auto& c : published) c = heap.NewRootCell(Value::Nil());
  const int kGarbagePairs = UnderStress() ? 200 : 2000;
  for (int batch = 0; batch < kThreads; batch += 4) {
    std::vector<std::thread> threads;
    for (int i = batch; i < batch + 4 && i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        MutatorScope mutator(heap);
        for (int j = 0; j < kGarbagePairs; ++j) AllocatePair(Value::Fixnum(j), Value::Nil());
        published[i]->Store(MakeCheckedList(10, i));
      });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(heap.RegisteredThreadCount(), 0u);
  MutatorScope mutator(heap);
  ClearStackBelow();
  heap.Collect();
  for (int i = 0; i < kThreads; ++i) ASSERT_TRUE(CheckList(published[i]->Load())) << i;
  // Published: 10 pairs per thread. Garbage: 2000 per thread. Allow 1% of the garbage to stay.
  uint64_t published_bytes = static_cast<uint64_t>(kThreads) * 10 * 16;
  uint64_t garbage_bytes = static_cast<uint64_t>(kThreads) * kGarbagePairs * 16;
  EXPECT_LE(heap.Stats().live_bytes, published_bytes + garbage_bytes / 100);
  for (auto* c : published) heap.FreeRootCell(c);
}

TEST(ThreadsTest, FinalizerRunsOnceWhenAnotherThreadCollects) {
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  static std::atomic<int> runs{0};
  static std::atomic<bool> allocated_inside{false};
  runs = 0;
  std::thread owner([&] {
    MutatorScope mutator(heap);
    [&]() __attribute__((noinline)) {
      heap.RegisterFinalizer(AllocatePair(Value::Fixnum(1), Value::Nil()), [](Value) {
        runs.fetch_add(1);
        Value v = AllocatePair(Value::Fixnum(2), Value::Nil());
        allocated_inside = v.IsPair();
      });
    }();
  });
  owner.join();  // the object is an orphan now
  std::thread collector([&] {
    MutatorScope mutator(heap);
    ClearStackBelow();
    heap.Collect();
    heap.Collect();
  });
  collector.join();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_TRUE(allocated_inside.load());
}

TEST(ThreadsTest, RegistrationErrorsAreStatuses) {
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  EXPECT_EQ(heap.UnregisterCurrentThread().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(heap.RegisterCurrentThread().ok());
  EXPECT_EQ(heap.RegisterCurrentThread().code(), absl::StatusCode::kAlreadyExists);
  auto other = Heap::Create();
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->RegisterCurrentThread().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(IsCurrentThreadRegistered());
  EXPECT_EQ(CurrentHeap(), &heap);
  ASSERT_TRUE(heap.UnregisterCurrentThread().ok());
  EXPECT_FALSE(IsCurrentThreadRegistered());
}

TEST(ThreadsDeathTest, AllocatingFromAnUnregisteredThreadIsAClearError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  EXPECT_DEATH(AllocatePair(Value::Nil(), Value::Nil()), "not registered with a heap");
  EXPECT_DEATH((*heap_or)->Collect(), "not registered with a heap");
  EXPECT_DEATH(Safepoint(), "not registered with a heap");
}

// The inline fast paths read the thread's buffers from its thread-local layout without asking
// whether the thread is registered: after it unregisters, the layout's buffers must all be empty,
// so that the next allocation takes the slow path and its message instead of bumping a buffer of
// the heap the thread left (or of one already destroyed).
TEST(ThreadsDeathTest, AllocatingAfterUnregisteringIsAClearError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  auto heap_or = Heap::Create();
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  ASSERT_TRUE(heap.RegisterCurrentThread().ok());
  auto kind = heap.RegisterKind({"bytes", TracePolicy::kNoReferences});
  ASSERT_TRUE(kind.ok());
  // Both buffers now hold cells for more allocations.
  Value list = Value::Nil();
  for (int i = 0; i < 10; ++i) list = AllocatePair(Value::Fixnum(i), list);
  ASSERT_NE(Allocate(*kind, 24, 0), nullptr);
  ASSERT_TRUE(heap.UnregisterCurrentThread().ok());
  EXPECT_DEATH(AllocatePair(Value::Nil(), Value::Nil()), "not registered with a heap");
  EXPECT_DEATH(Allocate(*kind, 24, 0), "not registered with a heap");
}

TEST(ThreadsTest, WatchdogNamesAThreadThatDoesNotReachASafepoint) {
  HeapOptions options;
  options.watchdog_ms = 100;
  auto heap_or = Heap::Create(options);
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  std::atomic<bool> registered{false};
  std::atomic<bool> stop{false};
  std::thread spinner([&] {
    MutatorScope mutator(heap);
    registered = true;
    // Busy without polling for a while (what the watchdog is for), then poll.
    auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(400);
    while (std::chrono::steady_clock::now() < until) {
    }
    while (!stop.load()) Safepoint();
  });
  while (!registered.load()) std::this_thread::yield();
  if (!std::getenv("MOSAIC_NO_CAPTURE")) ::testing::internal::CaptureStderr();
  {
    MutatorScope mutator(heap);
    heap.Collect();
  }
  std::string err = std::getenv("MOSAIC_NO_CAPTURE") ? "" : ::testing::internal::GetCapturedStderr();
  stop = true;
  spinner.join();
  EXPECT_NE(err.find("to reach a safepoint"), std::string::npos) << err;
  EXPECT_NE(err.find("thread #"), std::string::npos) << err;
}

}  // namespace
}  // namespace mosaic::testing
