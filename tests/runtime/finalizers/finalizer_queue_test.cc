// Tests runtime/src/finalizers/finalizer_queue.cc: only dead registrations move to the queue,
// each is handed back to be kept alive, and each finalizer comes out once, in order.
#include "finalizers/finalizer_queue.h"

#include <vector>

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

Value Fake(uint64_t n) { return Value::FromBits(n * 16); }  // object-tagged, never dereferenced

TEST(FinalizerQueueTest, QueuesOnlyTheDeadAndKeepsThem) {
  FinalizerQueue queue;
  std::vector<uint64_t> ran;
  for (uint64_t i = 1; i <= 6; ++i) {
    queue.Register(Fake(i), [&ran, i](Value v) {
      EXPECT_EQ(v, Fake(i));
      ran.push_back(i);
    });
  }
  std::vector<Value> kept;
  queue.QueueUnreachable([](Value v) { return v.bits() / 16 % 2 == 0; },  // evens live
                         [&kept](Value v) { kept.push_back(v); });
  EXPECT_EQ(kept.size(), 3u);
  EXPECT_EQ(queue.QueuedCount(), 3u);
  std::vector<Value> queued;
  queue.ForEachQueued([&queued](Value v) { queued.push_back(v); });
  EXPECT_EQ(queued, kept);

  Value object;
  FinalizerQueue::Finalizer finalizer;
  while (queue.TakeNext(&object, &finalizer)) finalizer(object);
  ASSERT_EQ(ran.size(), 3u);
  for (uint64_t i : ran) EXPECT_EQ(i % 2, 1u);
  EXPECT_EQ(queue.QueuedCount(), 0u);

  // A second cycle in which everything is dead queues only the registrations that were left.
  queue.QueueUnreachable([](Value) { return false; }, [](Value) {});
  EXPECT_EQ(queue.QueuedCount(), 3u);
}

TEST(FinalizerQueueTest, ARegistrationReplacesTheEarlierOne) {
  FinalizerQueue queue;
  int first = 0, second = 0;
  queue.Register(Fake(1), [&first](Value) { ++first; });
  queue.Register(Fake(1), [&second](Value) { ++second; });
  queue.QueueUnreachable([](Value) { return false; }, [](Value) {});
  Value object;
  FinalizerQueue::Finalizer finalizer;
  while (queue.TakeNext(&object, &finalizer)) finalizer(object);
  EXPECT_EQ(first, 0);
  EXPECT_EQ(second, 1);
}

}  // namespace
}  // namespace mosaic::internal
