// Tests runtime/src/block/block.cc and the size-class ladder.
#include "block/block.h"

#include <sys/mman.h>

#include <set>

#include "gtest/gtest.h"
#include "mosaic/internal/size_classes.h"

namespace mosaic::internal {
namespace {

TEST(SizeClassTest, EveryRequestFitsItsClassWithBoundedWaste) {
  for (size_t bytes = 1; bytes <= kMaxSmallObjectBytes; ++bytes) {
    int cls = SizeClassFor(bytes);
    ASSERT_GE(cls, 1);
    ASSERT_LT(cls, kNumSizeClasses);
    size_t cell = ClassCellBytes(cls);
    ASSERT_GE(cell, bytes) << bytes;
    ASSERT_EQ(cell % kGranule, 0u);
    // The class below would not fit: the choice is the smallest.
    if (cls > 1) {
      ASSERT_LT(ClassCellBytes(cls - 1), bytes) << bytes;
    }
    // Internal fragmentation under 25% above 64 bytes.
    if (bytes > 64) {
      ASSERT_LT(cell - bytes, cell / 4 + 1) << bytes;
    }
  }
}

TEST(SizeClassTest, LadderIsStrictlyIncreasingAndNotOnlyPowersOfTwo) {
  std::set<size_t> sizes;
  for (int cls = 1; cls < kNumSizeClasses; ++cls) {
    EXPECT_GT(ClassCellBytes(cls), ClassCellBytes(cls - 1 == 0 ? 1 : cls - 1) - (cls == 1));
    sizes.insert(ClassCellBytes(cls));
  }
  EXPECT_EQ(sizes.size(), static_cast<size_t>(kNumSizeClasses - 1));
  EXPECT_TRUE(sizes.count(48) && sizes.count(320) && sizes.count(640) && sizes.count(6144));
}

class BlockTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Two blocks' worth, so that one aligned block fits.
    raw_ = mmap(nullptr, 2 * kBlockSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                0);
    ASSERT_NE(raw_, MAP_FAILED);
    auto aligned = (reinterpret_cast<uintptr_t>(raw_) + kBlockSize - 1) & kBlockMask;
    block_ = reinterpret_cast<BlockHeader*>(aligned);
  }
  void TearDown() override { munmap(raw_, 2 * kBlockSize); }
  void* raw_ = nullptr;
  BlockHeader* block_ = nullptr;
};

TEST_F(BlockTest, CellIndexResolvesEveryByteOfEveryCell) {
  for (int cls : {kPairClass, 1, 3, 17, 23, kNumSizeClasses - 1}) {
    block_->Init(cls, true);
    for (uint32_t cell = 0; cell < block_->num_cells; cell += (cls > 20 ? 1 : 97)) {
      uintptr_t start = block_->CellAddress(cell);
      for (uintptr_t a = start; a < start + block_->cell_bytes; ++a) {
        ASSERT_EQ(block_->CellIndex(a), cell) << "class " << cls;
        ASSERT_EQ(BlockHeader::Of(a), block_);
      }
    }
    EXPECT_EQ(block_->CellIndex(block_->start() + 8), -1);  // the header
    uintptr_t slack = block_->CellAddress(block_->num_cells);
    if (slack < block_->start() + kBlockSize) {
      EXPECT_EQ(block_->CellIndex(slack), -1);
    }
  }
}

TEST_F(BlockTest, RangesSetAndClearExactlyTheirBits) {
  block_->Init(1, true);
  BlockHeader::SetRange(block_->alloc, 5, 200);
  for (uint32_t i = 0; i < 300; ++i) EXPECT_EQ(block_->IsAllocated(i), i >= 5 && i < 200) << i;
  BlockHeader::ClearRange(block_->alloc, 63, 129);
  for (uint32_t i = 0; i < 300; ++i) {
    EXPECT_EQ(block_->IsAllocated(i), (i >= 5 && i < 63) || (i >= 129 && i < 200)) << i;
  }
}

TEST_F(BlockTest, FindHoleWalksTheFreeRuns) {
  block_->Init(1, true);
  BlockHeader::SetRange(block_->alloc, 0, 10);
  BlockHeader::SetRange(block_->alloc, 70, 64 * 3 + 1);
  uint32_t begin, end;
  ASSERT_TRUE(block_->FindHole(0, &begin, &end));
  EXPECT_EQ(begin, 10u);
  EXPECT_EQ(end, 70u);
  ASSERT_TRUE(block_->FindHole(end, &begin, &end));
  EXPECT_EQ(begin, 64u * 3 + 1);
  EXPECT_EQ(end, block_->num_cells);
  BlockHeader::SetRange(block_->alloc, 0, block_->num_cells);
  EXPECT_FALSE(block_->FindHole(0, &begin, &end));
}

}  // namespace
}  // namespace mosaic::internal
