#include <vector>

#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

class RootCellTest : public HeapTest {};

TEST_F(RootCellTest, OperationsFollowTheirContracts) {
  RootCell* cell = heap().NewRootCell(Value::Fixnum(1));
  EXPECT_EQ(cell->Load(), Value::Fixnum(1));
  cell->Store(Value::Fixnum(2));
  EXPECT_EQ(cell->Exchange(Value::Fixnum(3)), Value::Fixnum(2));
  Value expected = Value::Fixnum(99);
  EXPECT_FALSE(cell->CompareExchangeStrong(expected, Value::Fixnum(4)));
  EXPECT_EQ(expected, Value::Fixnum(3));  // failure reports the current value
  EXPECT_TRUE(cell->CompareExchangeStrong(expected, Value::Fixnum(4)));
  EXPECT_EQ(cell->Load(), Value::Fixnum(4));
  expected = Value::Fixnum(4);
  while (!cell->CompareExchangeWeak(expected, Value::Fixnum(5))) {
  }
  EXPECT_EQ(cell->Load(std::memory_order_relaxed), Value::Fixnum(5));
  heap().FreeRootCell(cell);
  EXPECT_EQ(heap().LiveRootCellCount(), 0u);
}

TEST_F(RootCellTest, LiveCellsKeepObjectsAliveAndFreedCellsDoNot) {
  constexpr int kCells = 9000;  // more than one chunk
  std::vector<RootCell*> cells;
  std::vector<uintptr_t> hidden;
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kCells; ++i) {
      Value v = NewVector(1);
      Slots(v)[0] = Value::Fixnum(i);
      cells.push_back(heap().NewRootCell(v));
      hidden.push_back(Hide(v));
    }
  }();
  for (int i = 0; i < kCells; i += 2) heap().FreeRootCell(cells[i]);
  EXPECT_EQ(heap().LiveRootCellCount(), static_cast<size_t>(kCells / 2));
  PreciseCollect();
  size_t freed_survivors = 0;
  for (int i = 0; i < kCells; ++i) {
    Value v = Unhide(hidden[i]);
    if (i % 2 == 1) {
      ASSERT_TRUE(IsLive(v));
      EXPECT_EQ(Slots(v)[0], Value::Fixnum(i));
      EXPECT_EQ(cells[i]->Load(), v);
    } else if (IsLive(v)) {
      ++freed_survivors;
    }
  }
  EXPECT_LE(freed_survivors, static_cast<size_t>(kCells / 200));
  EXPECT_GE(heap().Stats().root_cells_visited, static_cast<uint64_t>(kCells / 2));
  // Freed slots are reused.
  RootCell* again = heap().NewRootCell(Value::Nil());
  bool reused = false;
  for (int i = 0; i < kCells; i += 2) reused |= again == cells[i];
  EXPECT_TRUE(reused);
}

TEST(RootCellDeathTest, DoubleFreeIsReported) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        auto heap = Heap::Create();
        RootCell* cell = (*heap)->NewRootCell();
        (*heap)->FreeRootCell(cell);
        (*heap)->FreeRootCell(cell);
      },
      "not a live root cell");
}

}  // namespace
}  // namespace mosaic::testing
