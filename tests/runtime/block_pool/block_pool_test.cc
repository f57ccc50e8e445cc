// Tests runtime/src/block_pool/block_pool.cc on a reservation of its own: where blocks come from,
// the limit, blacklisting, and what a sweep does with the blocks.
#include "block_pool/block_pool.h"

#include <memory>
#include <vector>

#include "address/reservation.h"
#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

class BlockPoolTest : public ::testing::Test {
 protected:
  void Create(size_t blocks, uint64_t limit, BlockPool::Config config = {}) {
    auto r = Reservation::Create(0, 2 * blocks * kBlockSize, kBlockSize);
    ASSERT_TRUE(r.ok()) << r.status();
    reservation_ = std::make_unique<Reservation>(*std::move(r));
    layout_.base = reservation_->base();
    layout_.total_size = reservation_->size();
    layout_.small_size = reservation_->size() / 2;
    budget_ = std::make_unique<CommitBudget>(limit);
    pool_ = std::make_unique<BlockPool>(layout_, *budget_, config);
  }
  // A stack span with nothing in it.
  static BlockPool::StackSpan NoStack() { return {}; }
  size_t IndexOf(BlockHeader* b) const { return layout_.BlockIndex(b->start()); }

  std::unique_ptr<Reservation> reservation_;
  HeapLayout layout_;
  std::unique_ptr<CommitBudget> budget_;
  std::unique_ptr<BlockPool> pool_;
};

TEST_F(BlockPoolTest, FreshBlocksAreChargedAndStopAtTheLimit) {
  Create(8, 3 * kBlockSize);
  std::vector<BlockHeader*> got;
  while (BlockHeader* b = pool_->Acquire(1, NoStack())) got.push_back(b);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(budget_->committed(), 3 * kBlockSize);
  for (BlockHeader* b : got) {
    EXPECT_EQ(b->magic, kBlockMagic);
    EXPECT_EQ(b->size_class, 1);
    EXPECT_TRUE(b->fresh);
    EXPECT_EQ(StateOf(pool_->state(IndexOf(b))), kBlockInUse);
  }
  EXPECT_EQ(pool_->used_blocks().size(), 3u);
}

TEST_F(BlockPoolTest, SweepFreesEmptyBlocksAndRecyclesPartlyFullOnes) {
  Create(8, 8 * kBlockSize);
  BlockHeader* empty = pool_->Acquire(1, NoStack());
  BlockHeader* partly = pool_->Acquire(1, NoStack());
  BlockHeader* full = pool_->Acquire(2, NoStack());
  pool_->SweepUsedBlocks([&](BlockHeader* b) -> uint32_t {
    if (b == empty) return 0;
    if (b == partly) return 1;
    return b->num_cells;
  });
  EXPECT_EQ(StateOf(pool_->state(IndexOf(empty))), kBlockFree);
  EXPECT_EQ(pool_->used_blocks().size(), 2u);
  // The partly full block comes back first for its class; a full one never does.
  EXPECT_EQ(pool_->Acquire(1, NoStack()), partly);
  BlockHeader* reused = pool_->Acquire(2, NoStack());
  EXPECT_EQ(reused, empty);  // the empty block, re-initialised for class 2
  EXPECT_NE(reused, full);
  EXPECT_EQ(reused->size_class, 2);
  EXPECT_FALSE(reused->fresh);
  EXPECT_EQ(budget_->committed(), 3 * kBlockSize);  // nothing new was committed
}

TEST_F(BlockPoolTest, EmptyBlocksBeyondRetainAreDecommittedAfterACycle) {
  Create(8, 8 * kBlockSize, BlockPool::Config{true, /*retain_blocks=*/0, false});
  for (int i = 0; i < 4; ++i) ASSERT_NE(pool_->Acquire(1, NoStack()), nullptr);
  auto none_live = [](BlockHeader*) -> uint32_t { return 0; };
  pool_->SweepUsedBlocks(none_live);
  // Freed by this sweep: kept committed for the allocation that follows.
  EXPECT_EQ(pool_->free_blocks().size(), 4u);
  EXPECT_EQ(budget_->committed(), 4 * kBlockSize);
  pool_->SweepUsedBlocks(none_live);
  EXPECT_EQ(pool_->free_blocks().size(), 0u);
  EXPECT_EQ(budget_->committed(), 0u);
  EXPECT_EQ(pool_->blocks_released(), 4u);
}

TEST_F(BlockPoolTest, AFreshBlockAStackWordPointsIntoIsQuarantined) {
  Create(8, 8 * kBlockSize);
  // A "stack" whose one word points into the block the pool would hand out first.
  volatile uintptr_t fake_stack[4] = {0, layout_.BlockAddress(0) + 4096 + 24, 0, 0};
  BlockPool::StackSpan span{reinterpret_cast<uintptr_t>(&fake_stack[0]),
                            reinterpret_cast<uintptr_t>(&fake_stack[4])};
  BlockHeader* b = pool_->Acquire(1, span);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(IndexOf(b), 0u);
  EXPECT_EQ(StateOf(pool_->state(0)), kBlockQuarantined);
  EXPECT_EQ(pool_->blocks_quarantined(), 1u);
  // A sweep in which no candidate set the blacklist bit releases the quarantined block.
  pool_->ClearBlacklist();
  pool_->SweepUsedBlocks([](BlockHeader* blk) { return blk->num_cells; });
  EXPECT_EQ(StateOf(pool_->state(0)), kBlockFree);
  // ... but one with the bit set keeps it.
  Create(8, 8 * kBlockSize);
  fake_stack[1] = layout_.BlockAddress(0) + 4096 + 24;
  pool_->Acquire(1, span);
  ASSERT_EQ(StateOf(pool_->state(0)), kBlockQuarantined);
  pool_->Blacklist(0);
  pool_->SweepUsedBlocks([](BlockHeader* blk) { return blk->num_cells; });
  EXPECT_EQ(StateOf(pool_->state(0)), kBlockQuarantined);
}

TEST_F(BlockPoolTest, WithoutBlacklistingTheStackIsNotRead) {
  Create(8, 8 * kBlockSize, BlockPool::Config{/*blacklist=*/false, 64, false});
  volatile uintptr_t fake_stack[2] = {layout_.BlockAddress(0) + 4096, 0};
  BlockPool::StackSpan span{reinterpret_cast<uintptr_t>(&fake_stack[0]),
                            reinterpret_cast<uintptr_t>(&fake_stack[2])};
  BlockHeader* b = pool_->Acquire(1, span);
  EXPECT_EQ(IndexOf(b), 0u);
  EXPECT_EQ(pool_->blocks_quarantined(), 0u);
}

}  // namespace
}  // namespace mosaic::internal
