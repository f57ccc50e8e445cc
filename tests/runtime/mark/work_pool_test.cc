// The parallel markers' shared pool alone: packets keep their entries, a full pool refuses, the
// phase ends exactly when every marker waits and no packet is left, and an idle helper leaves.
#include "mark/work_pool.h"

#include <atomic>
#include <chrono>
#include <future>
#include <numeric>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

TEST(WorkPoolTest, PacketsKeepTheirEntriesAndAFullPoolRefuses) {
  WorkPool pool(2);
  pool.Reset(1, [] {}, /*lazy=*/false);
  std::vector<uintptr_t> a(WorkPool::kPacketEntries), b(3, 7);
  std::iota(a.begin(), a.end(), 100);
  EXPECT_TRUE(pool.Put(a.data(), a.size(), 0));
  EXPECT_TRUE(pool.Put(b.data(), b.size(), 1));
  EXPECT_FALSE(pool.Put(b.data(), b.size(), 0)) << "two packets only";
  std::vector<uintptr_t> out(WorkPool::kPacketEntries);
  uint64_t idle = 0, steals = 0;
  // Last in, first out; the packet marker 1 produced counts as a steal for marker 0.
  ASSERT_EQ(pool.Take(out.data(), 0, &idle, &steals), 3u);
  EXPECT_EQ(out[2], 7u);
  EXPECT_EQ(steals, 1u);
  ASSERT_EQ(pool.Take(out.data(), 0, &idle, &steals), WorkPool::kPacketEntries);
  EXPECT_EQ(out, a);
  EXPECT_EQ(steals, 1u);
  // Alone and nothing left: the phase is over, now and on every later call.
  EXPECT_EQ(pool.Take(out.data(), 0, &idle, &steals), 0u);
  EXPECT_EQ(pool.Take(out.data(), 0, &idle, &steals), 0u);
}

// Four markers; each turns every entry it takes (a countdown) into smaller ones, sharing its
// oldest entries whenever another marker waits. Every entry is processed exactly once
// and every marker sees the end.
TEST(WorkPoolTest, EveryEntryIsProcessedOnceAndEveryMarkerSeesTheEnd) {
  constexpr int kMarkers = 4;
  WorkPool pool(64);
  pool.Reset(kMarkers, [] {}, /*lazy=*/false);
  std::atomic<uint64_t> processed{0};
  std::atomic<int> finished{0};
  std::vector<std::thread> threads;
  for (int m = 0; m < kMarkers; ++m) {
    threads.emplace_back([&, m] {
      if (m > 0 && !pool.Join()) {  // late: the phase is over without this marker
        finished.fetch_add(1);
        return;
      }
      std::vector<uintptr_t> local;
      if (m == 0) local.push_back(14);  // a binary tree of countdowns: 2^15 - 1 entries
      std::vector<uintptr_t> packet(WorkPool::kPacketEntries);
      uint64_t idle = 0, steals = 0;
      for (;;) {
        while (!local.empty()) {
          uintptr_t e = local.back();
          local.pop_back();
          processed.fetch_add(1, std::memory_order_relaxed);
          if (e > 0) {
            local.push_back(e - 1);
            local.push_back(e - 1);
          }
          // The oldest (largest) countdowns go, a few at a time.
          constexpr size_t kShare = 4;
          if (local.size() > kShare && pool.SomeoneIdle() && pool.Put(local.data(), kShare, m)) {
            local.erase(local.begin(), local.begin() + kShare);
          }
        }
        size_t n = pool.Take(packet.data(), m, &idle, &steals);
        if (n == 0) break;
        local.assign(packet.begin(), packet.begin() + static_cast<ptrdiff_t>(n));
      }
      finished.fetch_add(1);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(processed.load(), (uint64_t{1} << 15) - 1);
  EXPECT_EQ(finished.load(), kMarkers);
}

// Marker 0 alone, with room for a helper that has not joined: the phase ends when marker 0 runs
// dry, without waiting for the helper, and the helper joining afterwards finds it over.
TEST(WorkPoolTest, AHelperThatNeverJoinsDoesNotHoldThePhaseUp) {
  WorkPool pool(4);
  pool.Reset(2, [] {}, /*lazy=*/false);
  std::vector<uintptr_t> out(WorkPool::kPacketEntries);
  uint64_t idle = 0, steals = 0;
  EXPECT_EQ(pool.Take(out.data(), 0, &idle, &steals), 0u);
  EXPECT_FALSE(pool.Join());
  // A helper that joins in time keeps the phase open until it, too, runs dry.
  pool.Reset(2, [] {}, /*lazy=*/false);
  ASSERT_TRUE(pool.Join());
  std::thread helper([&] {
    uint64_t helper_idle = 0, helper_steals = 0;
    uintptr_t entry = 42;
    EXPECT_TRUE(pool.Put(&entry, 1, 1));
    std::vector<uintptr_t> mine(WorkPool::kPacketEntries);
    while (pool.Take(mine.data(), 1, &helper_idle, &helper_steals) != 0) {
    }
  });
  size_t taken = 0;
  for (size_t n; (n = pool.Take(out.data(), 0, &idle, &steals)) != 0;) taken += n;
  helper.join();
  EXPECT_LE(taken, 1u);  // the helper's entry, unless the helper took it back itself
}

// A helper with nothing to take while marker 0 is still busy (a heap of lists: nothing to share)
// leaves the phase instead of waiting to its end; marker 0 may then go on alone, and the phase is
// closed to helpers that join later. Before any helper has left, GoSolo refuses: helpers still
// on their way (woken, not yet joined) must not be shut out.
TEST(WorkPoolTest, AnIdleHelperLeavesAndMarkerZeroThenGoesSolo) {
  WorkPool pool(4);
  pool.Reset(3, [] {}, /*lazy=*/false);
  EXPECT_FALSE(pool.Deserted());
  EXPECT_FALSE(pool.GoSolo()) << "no helper has come and gone yet";
  ASSERT_TRUE(pool.Join());
  std::future<size_t> helper = std::async(std::launch::async, [&] {
    std::vector<uintptr_t> mine(WorkPool::kPacketEntries);
    uint64_t idle = 0, steals = 0;
    return pool.Take(mine.data(), 1, &idle, &steals);
  });
  // Marker 0 does not call Take yet: it is busy. A helper that waited to the end of the phase
  // would not return (the limit only keeps a broken pool from hanging the test).
  std::vector<uintptr_t> out(WorkPool::kPacketEntries);
  uint64_t idle = 0, steals = 0;
  if (helper.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    ADD_FAILURE() << "the idle helper is still waiting for a phase that marker 0 keeps open";
    EXPECT_EQ(pool.Take(out.data(), 0, &idle, &steals), 0u);  // ends the phase for it
    return;
  }
  EXPECT_EQ(helper.get(), 0u);
  EXPECT_TRUE(pool.Deserted());
  // A packet waiting in the pool keeps the phase shared.
  uintptr_t entry = 5;
  ASSERT_TRUE(pool.Put(&entry, 1, 0));
  EXPECT_FALSE(pool.GoSolo());
  ASSERT_EQ(pool.Take(out.data(), 0, &idle, &steals), 1u);
  EXPECT_TRUE(pool.GoSolo());
  EXPECT_FALSE(pool.Join()) << "a helper arriving after marker 0 went solo must stay out";
  EXPECT_EQ(pool.Take(out.data(), 0, &idle, &steals), 0u);
  // The next phase starts with every helper welcome again.
  pool.Reset(2, [] {}, /*lazy=*/false);
  EXPECT_FALSE(pool.Deserted());
  EXPECT_TRUE(pool.Join());
}

}  // namespace
}  // namespace mosaic::internal
