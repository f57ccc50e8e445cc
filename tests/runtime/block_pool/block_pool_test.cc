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
  // What marking leaves: `n` allocated and marked cells at the start of the block.
  static void MarkCells(BlockHeader* b, uint32_t n) {
    BlockHeader::SetRange(b->alloc, 0, b->num_cells);  // every cell was allocated
    BlockHeader::SetRange(b->mark, 0, n);
  }
  // A whole collection's sweep, all at once.
  void SweepAll(bool minor = false) {
    pool_->StartLazySweep(minor);
    pool_->FinishSweeping();
  }

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
  MarkCells(empty, 0);
  MarkCells(partly, 1);
  MarkCells(full, full->num_cells);
  SweepAll();
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
  SweepAll();  // nothing marked: every block is empty
  // Freed by this sweep: kept committed for the allocation that follows.
  EXPECT_EQ(pool_->free_blocks().size(), 4u);
  EXPECT_EQ(budget_->committed(), 4 * kBlockSize);
  SweepAll();
  EXPECT_EQ(pool_->free_blocks().size(), 0u);
  EXPECT_EQ(budget_->committed(), 0u);
  EXPECT_EQ(pool_->blocks_released(), 4u);
}

TEST_F(BlockPoolTest, ABackgroundSweepLeavesTheDecommittingToTheNextPause) {
  // A background sweeper finishes a cycle's sweep right after the pause. Were it to return
  // memory then, a block freed by the previous sweep would go back to the OS with the cycle that
  // may want it not yet begun (GCBench with two markers refaulted ~80 MB that way: 34,000 page
  // faults against 14,500 with one marker).
  Create(8, 8 * kBlockSize, BlockPool::Config{true, /*retain_blocks=*/0, false});
  for (int i = 0; i < 4; ++i) ASSERT_NE(pool_->Acquire(1, NoStack()), nullptr);
  SweepAll();  // a pause, then its sweep: every block is empty, freed by this sweep
  ASSERT_EQ(pool_->free_blocks().size(), 4u);
  pool_->StartLazySweep(false);  // the next pause; nothing was allocated in between
  pool_->SweepAll();             // its background sweep
  EXPECT_EQ(pool_->free_blocks().size(), 4u);
  EXPECT_EQ(budget_->committed(), 4 * kBlockSize);
  EXPECT_EQ(pool_->blocks_released(), 0u);
  pool_->FinishSweeping();  // the pause after: empty for a whole cycle, they go back
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
  MarkCells(b, b->num_cells);
  SweepAll();
  EXPECT_EQ(StateOf(pool_->state(0)), kBlockFree);
  // ... but one with the bit set keeps it.
  Create(8, 8 * kBlockSize);
  fake_stack[1] = layout_.BlockAddress(0) + 4096 + 24;
  BlockHeader* other = pool_->Acquire(1, span);
  ASSERT_EQ(StateOf(pool_->state(0)), kBlockQuarantined);
  pool_->Blacklist(0);
  MarkCells(other, other->num_cells);
  SweepAll();
  EXPECT_EQ(StateOf(pool_->state(0)), kBlockQuarantined);
}

// Lazy sweeping: after StartLazySweep nothing is swept until someone needs a block; an unswept
// block's live cells are its marked ones; Acquire sweeps its class's blocks first.
TEST_F(BlockPoolTest, BlocksAreSweptWhenTheAllocatorWantsThem) {
  Create(8, 8 * kBlockSize);
  BlockHeader* a = pool_->Acquire(1, NoStack());
  BlockHeader* b = pool_->Acquire(1, NoStack());
  MarkCells(a, 10);
  MarkCells(b, b->num_cells);
  pool_->StartLazySweep(false);
  EXPECT_TRUE(a->Unswept());
  EXPECT_TRUE(pool_->AnyUnswept());
  EXPECT_TRUE(a->IsLiveCell(5));
  EXPECT_FALSE(a->IsLiveCell(20));  // allocated, but unmarked: dead though not swept
  EXPECT_TRUE(a->IsAllocated(20));
  // The allocator wants a class-1 block: a (with room) is swept and handed out; b is full.
  EXPECT_EQ(pool_->Acquire(1, NoStack()), a);
  EXPECT_FALSE(a->Unswept());
  EXPECT_FALSE(a->IsAllocated(20));
  EXPECT_EQ(a->live_cells, 10u);
  pool_->FinishSweeping();
  EXPECT_FALSE(pool_->AnyUnswept());
  EXPECT_FALSE(b->Unswept());
  EXPECT_EQ(budget_->committed(), 2 * kBlockSize);
}

// After a minor collection, blocks that received no young objects need no sweep.
TEST_F(BlockPoolTest, AMinorCollectionSweepsOnlyBlocksWithYoungObjects) {
  Create(8, 8 * kBlockSize);
  BlockHeader* old_only = pool_->Acquire(1, NoStack());
  BlockHeader* young = pool_->Acquire(1, NoStack());
  MarkCells(old_only, 5);
  MarkCells(young, 5);
  SweepAll();  // both old now, 5 cells each
  young->has_young = true;
  BlockHeader::SetRange(young->alloc, 5, 9);  // four young objects, one survives
  BlockHeader::Set(young->mark, 6);
  pool_->StartLazySweep(/*minor=*/true);
  EXPECT_FALSE(old_only->Unswept());
  EXPECT_TRUE(young->Unswept());
  pool_->FinishSweeping();
  EXPECT_EQ(young->live_cells, 6u);
  EXPECT_EQ(old_only->live_cells, 5u);
  EXPECT_EQ(pool_->swept_live_bytes(), 11u * young->cell_bytes);
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
