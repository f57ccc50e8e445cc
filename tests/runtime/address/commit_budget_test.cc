// Tests runtime/src/address/commit_budget.h: the limit holds under concurrent charges, and the
// peak covers every charge.
#include "address/commit_budget.h"

#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

TEST(CommitBudgetTest, RefusesWhatWouldPassTheLimit) {
  CommitBudget budget(1000);
  EXPECT_TRUE(budget.TryCommit(600));
  EXPECT_FALSE(budget.TryCommit(401));
  EXPECT_TRUE(budget.WouldFit(400));
  EXPECT_FALSE(budget.WouldFit(401));
  EXPECT_TRUE(budget.TryCommit(400));
  EXPECT_EQ(budget.committed(), 1000u);
  budget.Uncommit(700);
  EXPECT_EQ(budget.committed(), 300u);
  EXPECT_EQ(budget.peak(), 1000u);
  // Sizes near 2^64 must not wrap around the comparison.
  EXPECT_FALSE(budget.TryCommit(~uint64_t{0} - 100));
  EXPECT_FALSE(budget.WouldFit(~uint64_t{0}));
}

TEST(CommitBudgetTest, ConcurrentChargesNeverPassTheLimit) {
  constexpr uint64_t kLimit = 64 * 1024;
  CommitBudget budget(kLimit);
  std::atomic<uint64_t> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10'000; ++i) {
        if (budget.TryCommit(48)) granted.fetch_add(48);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), budget.committed());
  EXPECT_LE(budget.committed(), kLimit);
  EXPECT_GT(budget.committed(), kLimit - 48);  // it filled up to the last whole charge
  EXPECT_EQ(budget.peak(), budget.committed());
}

}  // namespace
}  // namespace mosaic::internal
