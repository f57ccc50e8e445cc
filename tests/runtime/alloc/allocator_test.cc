// The allocation slow path: holes are exactly the cells the sweep freed, reused cells of object
// classes come back zeroed (pair cells need not: the fast path fills them), and the bytes that
// refills hand out still drive the collection threshold.
#include <algorithm>
#include <vector>

#include "gtest/gtest.h"
#include "mosaic/internal/size_classes.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

using internal::ClassCellBytes;
using internal::kNumSizeClasses;

class AllocatorTest : public HeapTest {};

// Fills `n` cells of `bytes` with odd junk words (fixnums), keeping every `keep_every`-th in
// `keep` (a handle-rooted vector); returns nothing else, so the rest is garbage.
__attribute__((noinline)) void AllocateJunk(AllocatorTest* t, Value keep, size_t n,
                                            size_t bytes, size_t keep_every, KindId kind) {
  for (size_t i = 0; i < n; ++i) {
    void* p = Allocate(kind, bytes, bytes / 8 - 1);
    auto* words = static_cast<uint64_t*>(p);
    for (size_t w = 1; w < bytes / 8; ++w) words[w] = 0x1234'5678'9abc'def1ull;
    if (i % keep_every == 0) {
      WriteField(&reinterpret_cast<Value*>(keep.ObjectWords() + 1)[i / keep_every],
                 Value::Object(p));
    }
  }
  (void)t;
}

TEST_F(AllocatorTest, ReusedCellsOfEveryClassComeBackZeroed) {
  const size_t n = UnderStress() ? 40 : 4'000;
  for (int cls = 1; cls < kNumSizeClasses; ++cls) {
    const size_t bytes = ClassCellBytes(cls);
    HandleScope scope;
    Handle keep(NewVector(n / 3 + 1));
    // Junk in every cell; a third survive, so the block is recycled through its holes; the
    // junk is odd (fixnums) and would read as valid values if the zeroing were skipped.
    AllocateJunk(this, keep.get(), n, bytes, 3, bytes_kind_);
    PreciseCollect();
    for (size_t i = 0; i < n; ++i) {
      // Nothing is written but the header: everything after it must read zero.
      auto* big = static_cast<uint64_t*>(Allocate(bytes_kind_, bytes, 0));
      for (size_t w = 1; w < bytes / 8; ++w) {
        ASSERT_EQ(big[w], 0u) << bytes << "-byte cell, word " << w << ", allocation " << i;
      }
    }
  }
}

TEST_F(AllocatorTest, HolesAreExactlyTheFreedCells) {
  // Survivors interleaved with garbage: refilling from the holes must hand out every freed cell
  // and never a surviving one. No collection but ours (one in the middle of the junk would let
  // later junk fill its holes, and fewer cells would be free next to the survivors).
  HeapOptions options;
  options.gc_min = size_t{256} << 20;
  CreateHeap(options);
  const size_t n = UnderStress() ? 300 : 30'000;
  for (size_t bytes : {size_t{16}, size_t{48}, size_t{320}}) {
    HandleScope scope;
    Handle keep(NewVector(n / 2 + 1));
    AllocateJunk(this, keep.get(), n, bytes, 2, vector_kind_);
    std::vector<uintptr_t> survivors;
    for (size_t i = 0; i < n / 2; ++i) {
      Value v = Slots(keep.get())[i];
      Slots(v)[0] = Value::Fixnum(static_cast<int64_t>(i));  // a stamp to check afterwards
      survivors.push_back(reinterpret_cast<uintptr_t>(v.ObjectAddress()));
    }
    std::sort(survivors.begin(), survivors.end());
    PreciseCollect();
    // Allocate as many as were freed; none may land on a survivor, and most must reuse the
    // survivors' blocks (the holes between them) rather than fresh blocks.
    size_t reused = 0;
    for (size_t i = 0; i < n / 2; ++i) {
      auto p = reinterpret_cast<uintptr_t>(Allocate(bytes_kind_, bytes, 0));
      ASSERT_FALSE(std::binary_search(survivors.begin(), survivors.end(), p))
          << bytes << "-byte cell " << p << " handed out while alive";
      auto block = p & internal::kBlockMask;
      auto it = std::lower_bound(survivors.begin(), survivors.end(), block);
      reused += it != survivors.end() && (*it & internal::kBlockMask) == block;
    }
    if (!UnderStress()) {
      EXPECT_GE(reused, n / 2 * 9 / 10) << bytes;
    }
    for (size_t i = 0; i < n / 2; ++i) {
      Value v = Slots(keep.get())[i];
      ASSERT_EQ(Slots(v)[0], Value::Fixnum(static_cast<int64_t>(i))) << bytes;
    }
  }
}

TEST_F(AllocatorTest, PairCellsAreFilledOnReuse) {
  const int n = UnderStress() ? 200 : 100'000;
  for (int i = 0; i < n; ++i) AllocatePair(Value::Fixnum(i), Value::Fixnum(i));
  PreciseCollect();
  HandleScope scope;
  Handle list(Value::Nil());
  for (int i = 0; i < n; ++i) list.set(AllocatePair(Value::Fixnum(i), list.get()));
  PreciseCollect();
  int expected = n - 1;
  for (Value v = list.get(); !v.IsNil(); --expected) {
    auto* cell = static_cast<PairCell*>(v.ObjectAddress());
    ASSERT_EQ(cell->car, Value::Fixnum(expected));
    v = cell->cdr;
  }
  EXPECT_EQ(expected, -1);
}

TEST_F(AllocatorTest, RefilledBytesDriveTheThreshold) {
  HeapOptions options;
  options.gc_min = 1 << 20;
  CreateHeap(options);
  if (UnderStress()) GTEST_SKIP() << "stress collections replace the threshold";
  uint64_t before = heap().Stats().collections;
  // 32 MiB of pairs, nearly all garbage: one collection per MiB, give or take the block in
  // hand when the threshold passes (refills are published when a block runs out of holes).
  for (int i = 0; i < 2'000'000; ++i) AllocatePair(Value::Fixnum(i), Value::Nil());
  uint64_t collections = heap().Stats().collections - before;
  EXPECT_GE(collections, 20u);
  EXPECT_LE(collections, 33u);
}

}  // namespace
}  // namespace mosaic::testing
