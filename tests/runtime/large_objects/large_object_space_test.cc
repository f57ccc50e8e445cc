// Tests runtime/src/large_objects/large_object_space.cc: interior addresses, the budget, sweeping
// and the reuse of freed runs.
#include "large_objects/large_object_space.h"

#include <memory>

#include "address/reservation.h"
#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

class LargeObjectSpaceTest : public ::testing::Test {
 protected:
  void Create(size_t pages, uint64_t limit) {
    auto r = Reservation::Create(0, pages * kPageSize, kPageSize);
    ASSERT_TRUE(r.ok()) << r.status();
    reservation_ = std::make_unique<Reservation>(*std::move(r));
    budget_ = std::make_unique<CommitBudget>(limit);
    space_ = std::make_unique<LargeObjectSpace>(reservation_->base(), pages * kPageSize, *budget_);
  }
  std::unique_ptr<Reservation> reservation_;
  std::unique_ptr<CommitBudget> budget_;
  std::unique_ptr<LargeObjectSpace> space_;
};

TEST_F(LargeObjectSpaceTest, EveryAddressInsideFindsItsObject) {
  Create(64, 64 * kPageSize);
  LargeHeader* h = space_->Allocate(3 * kPageSize);
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->pages, 4u);  // three pages of object plus the header
  for (uintptr_t a = h->object(); a < h->object() + h->object_bytes; a += 512) {
    EXPECT_EQ(space_->HeaderFor(a), h);
  }
  EXPECT_EQ(space_->HeaderFor(reservation_->base() + 10 * kPageSize), nullptr);
  // Zeroed.
  const auto* words = reinterpret_cast<const uint64_t*>(h->object());
  for (size_t i = 0; i < h->object_bytes / 8; ++i) ASSERT_EQ(words[i], 0u);
}

TEST_F(LargeObjectSpaceTest, PagesAreChargedToTheBudgetAndCreditedWhenSwept) {
  Create(64, 10 * kPageSize);
  LargeHeader* a = space_->Allocate(4 * kPageSize);  // 5 pages
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(budget_->committed(), 5 * kPageSize);
  EXPECT_NE(space_->Allocate(4 * kPageSize), nullptr);
  EXPECT_EQ(space_->Allocate(8), nullptr);  // would pass the limit
  EXPECT_EQ(budget_->committed(), 10 * kPageSize);
  a->marked = true;
  EXPECT_EQ(space_->MarkedBytes(), 5 * kPageSize);
  space_->StartLazySweep();
  space_->SweepIfPending();  // one survives, and stays marked: it is old now
  EXPECT_TRUE(a->marked);
  space_->ClearMarks();
  EXPECT_FALSE(a->marked);
  EXPECT_EQ(budget_->committed(), 5 * kPageSize);
  EXPECT_EQ(space_->objects().size(), 1u);
  EXPECT_EQ(budget_->peak(), 10 * kPageSize);
}

TEST_F(LargeObjectSpaceTest, FreedRunsCoalesceAndAreReusedFirstFit) {
  Create(64, 64 * kPageSize);
  LargeHeader* a = space_->Allocate(kPageSize);  // 2 pages each
  LargeHeader* b = space_->Allocate(kPageSize);
  LargeHeader* c = space_->Allocate(kPageSize);
  ASSERT_TRUE(a && b && c);
  uintptr_t a_at = reinterpret_cast<uintptr_t>(a);
  c->marked = true;
  space_->StartLazySweep();  // a and b die: one run of four pages at the start, freed when the
                             // next allocation sweeps
  LargeHeader* d = space_->Allocate(3 * kPageSize - 64);  // exactly 3 pages with the header
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(d), a_at);
  EXPECT_EQ(space_->HeaderFor(a_at + 2 * kPageSize + 8), d);  // across the old a/b border
}

TEST_F(LargeObjectSpaceTest, ARegionWithoutRoomGivesBackTheCharge) {
  Create(8, 1000 * kPageSize);
  EXPECT_EQ(space_->Allocate(20 * kPageSize), nullptr);
  EXPECT_EQ(budget_->committed(), 0u);
}

}  // namespace
}  // namespace mosaic::internal
