// HeapMutex (frontend/objects/heap_mutex.h): a thread waiting for the lock does not hold up a
// collection that the holder starts. With a plain mutex the waiter would block outside a native
// region and the collection would wait for it for ever (here: the watchdog aborts).
#include "frontend/objects/heap_mutex.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <vector>
#include <thread>

#include "gtest/gtest.h"
#include "mosaic/heap.h"

namespace toylang {
namespace {

TEST(HeapMutexTest, AWaiterDoesNotHoldUpTheHoldersCollection) {
  auto options = mosaic::HeapOptions::Parse("watchdog-ms=20000,watchdog-action=abort",
                                            mosaic::HeapOptions{});
  ASSERT_TRUE(options.ok()) << options.status();
  std::unique_ptr<mosaic::Heap> heap = mosaic::Heap::Create(*options).value();
  mosaic::MutatorScope mutator(*heap);
  HeapMutex mu;
  mu.Lock();
  std::atomic<bool> waiting{false};
  std::atomic<bool> got{false};
  std::thread waiter([&] {
    mosaic::MutatorScope registered(*heap);
    waiting.store(true);
    mu.Lock();  // blocks until the main thread unlocks, after its collections
    got.store(true);
    mu.Unlock();
  });
  while (!waiting.load()) std::this_thread::yield();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let it block in Lock
  const uint64_t before = heap->Stats().collections;
  for (int i = 0; i < 3; ++i) {
    (void)mosaic::AllocatePair(mosaic::Value::Fixnum(i), mosaic::Value::Nil());
    heap->Collect();  // the holder collects while the waiter waits
  }
  EXPECT_EQ(heap->Stats().collections, before + 3);
  EXPECT_FALSE(got.load());
  mu.Unlock();
  {
    mosaic::NativeScope native;  // the waiter may collect on its way out
    waiter.join();
  }
  EXPECT_TRUE(got.load());
}

TEST(HeapMutexTest, ExcludesOtherThreads) {
  std::unique_ptr<mosaic::Heap> heap = mosaic::Heap::Create(mosaic::HeapOptions{}).value();
  HeapMutex mu;
  int counter = 0;  // guarded by mu
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      mosaic::MutatorScope registered(*heap);
      for (int i = 0; i < 10000; ++i) {
        HeapMutexLock lock(mu);
        ++counter;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(counter, 40000);
}

}  // namespace
}  // namespace toylang
