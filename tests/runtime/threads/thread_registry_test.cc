// Tests runtime/src/threads/thread_registry.cc on its own, without a heap: registration errors,
// stopping a running thread at its poll, and not waiting for a thread in a native region.
#include "threads/thread_registry.h"

#include <atomic>
#include <thread>

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

TEST(ThreadRegistryTest, RegistrationErrorsAreStatuses) {
  int removed = 0;
  ThreadRegistry registry({.before_removal = [&removed](Mutator*) { ++removed; }});
  ThreadRegistry other({});
  EXPECT_EQ(registry.UnregisterCurrentThread().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(registry.RegisterCurrentThread(nullptr).ok());
  EXPECT_EQ(registry.RegisterCurrentThread(nullptr).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(other.RegisterCurrentThread(nullptr).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(other.UnregisterCurrentThread().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(registry.Count(), 1u);
  EXPECT_EQ(removed, 0);
  ASSERT_TRUE(registry.UnregisterCurrentThread().ok());
  EXPECT_EQ(removed, 1);
  EXPECT_EQ(registry.Count(), 0u);
  EXPECT_EQ(tls_mutator, nullptr);
}

TEST(ThreadRegistryTest, StopTheWorldWaitsForARunningThreadToPoll) {
  ThreadRegistry registry({});
  Mutator* self = *registry.RegisterCurrentThread(nullptr);
  std::atomic<bool> registered{false}, release_poll{false}, done{false};
  std::atomic<Mutator*> other{nullptr};
  std::thread t([&] {
    other = *registry.RegisterCurrentThread(nullptr);
    registered = true;
    // Runs without polling until told to, then polls once.
    while (!release_poll.load()) std::this_thread::yield();
    while (!registry.StopRequested()) std::this_thread::yield();
    registry.SafepointSlow(other.load());
    ASSERT_TRUE(registry.UnregisterCurrentThread().ok());
    done = true;
  });
  while (!registered.load()) std::this_thread::yield();
  std::atomic<bool> stopped{false};
  std::thread collector([&] {
    uint64_t tts = 0;
    // The collector thread is not the registered main thread: stop on its behalf.
    ASSERT_TRUE(registry.StopTheWorld(self, &tts));
    stopped = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(stopped.load()) << "the world stopped while a thread ran without polling";
  release_poll = true;
  collector.join();
  EXPECT_TRUE(stopped.load());
  EXPECT_EQ(other.load()->state.load(), MutatorState::kParked);
  EXPECT_FALSE(done.load());
  registry.ResumeTheWorld();
  t.join();
  EXPECT_TRUE(done.load());
  ASSERT_TRUE(registry.UnregisterCurrentThread().ok());
}

TEST(ThreadRegistryTest, AThreadInANativeRegionDoesNotHoldUpTheWorld) {
  ThreadRegistry registry({});
  Mutator* self = *registry.RegisterCurrentThread(nullptr);
  std::atomic<bool> in_native{false}, leave{false}, left{false};
  std::thread t([&] {
    Mutator* m = *registry.RegisterCurrentThread(nullptr);
    registry.EnterNative(m);
    in_native = true;
    while (!leave.load()) std::this_thread::yield();
    registry.LeaveNative(m);  // parks here while the world is stopped
    left = true;
    ASSERT_TRUE(registry.UnregisterCurrentThread().ok());
  });
  while (!in_native.load()) std::this_thread::yield();
  uint64_t tts = 0;
  ASSERT_TRUE(registry.StopTheWorld(self, &tts));  // returns although t never polls
  leave = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(left.load()) << "a thread left its native region during the pause";
  registry.ResumeTheWorld();
  t.join();
  EXPECT_TRUE(left.load());
  ASSERT_TRUE(registry.UnregisterCurrentThread().ok());
}

}  // namespace
}  // namespace mosaic::internal
