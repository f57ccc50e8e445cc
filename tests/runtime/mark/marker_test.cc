// Marking through every size class, pairs and large objects by the precise fast path (object
// fields, handles), and through conservative interior pointers by the general path.
#include <vector>

#include "gtest/gtest.h"
#include "mosaic/internal/size_classes.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

using internal::ClassCellBytes;
using internal::kNumSizeClasses;

class MarkerTest : public HeapTest {
 public:  // used by the free helper below as well
  // A vector that fills a whole cell of `cls` (or `bytes` for a large object), stamped in slot 0.
  Value NewStampedVector(size_t bytes, int64_t stamp) {
    Value v = NewVector(bytes / 8 - 1);
    Slots(v)[0] = Value::Fixnum(stamp);
    return v;
  }
  static size_t LastSlot(size_t bytes) { return bytes / 8 - 2; }
  // Sizes of one object per small class (1..36), then two large objects.
  static std::vector<size_t> EverySize() {
    std::vector<size_t> sizes;
    for (int cls = 1; cls < kNumSizeClasses; ++cls) sizes.push_back(ClassCellBytes(cls));
    sizes.push_back(kMaxSmallObjectBytes + 8);
    sizes.push_back(5 * 4096);
    return sizes;
  }

  // Builds head -> pair -> object -> pair -> object ... through each object's *last* slot, so
  // that tracing must read every object to the end of its cell, and returns the head.
  __attribute__((noinline)) Value BuildChain() {
    HandleScope scope;
    Handle head(Value::Nil());
    std::vector<size_t> sizes = EverySize();
    for (size_t i = sizes.size(); i-- > 0;) {
      Value v = NewStampedVector(sizes[i], static_cast<int64_t>(i));
      WriteField(&Slots(v)[LastSlot(sizes[i])], head.get());
      head.set(AllocatePair(Value::Fixnum(static_cast<int64_t>(i)), v));
    }
    return head.get();
  }

  // Allocates one unreachable object of every size and returns their hidden references.
  __attribute__((noinline)) std::vector<uintptr_t> BuildGarbage(int64_t stamp) {
    std::vector<uintptr_t> hidden;
    for (size_t bytes : EverySize()) hidden.push_back(Hide(NewStampedVector(bytes, stamp)));
    return hidden;
  }
};

TEST_F(MarkerTest, ObjectsOfEveryClassAndLargeOnesAreMarkedThroughTheirFields) {
  HandleScope scope;
  Handle head(BuildChain());
  std::vector<uintptr_t> garbage;
  const int rounds = UnderStress() ? 3 : 200;
  for (int r = 0; r < rounds; ++r) {
    std::vector<uintptr_t> more = BuildGarbage(-1 - r);
    garbage.insert(garbage.end(), more.begin(), more.end());
  }
  PreciseCollect();
  PreciseCollect();
  std::vector<size_t> sizes = EverySize();
  Value v = head.get();
  for (size_t i = 0; i < sizes.size(); ++i) {
    ASSERT_TRUE(v.IsPair()) << "chain broken before object " << i;
    ASSERT_TRUE(IsLive(v)) << "pair " << i;
    auto* cell = static_cast<PairCell*>(v.ObjectAddress());
    ASSERT_EQ(cell->car, Value::Fixnum(static_cast<int64_t>(i)));
    Value object = cell->cdr;
    ASSERT_TRUE(IsLive(object)) << sizes[i] << "-byte object";
    if (LastSlot(sizes[i]) != 0) {  // a 16-byte object's one slot holds the link
      ASSERT_EQ(Slots(object)[0], Value::Fixnum(static_cast<int64_t>(i))) << sizes[i];
    }
    v = Slots(object)[LastSlot(sizes[i])];
  }
  EXPECT_TRUE(v.IsNil());
  // The unreachable ones of every size went (a stray stack word may keep a few).
  size_t live = 0;
  for (size_t k = 0; k < garbage.size(); ++k) {
    Value g = Unhide(garbage[k]);
    live += IsLive(g) && Slots(g)[0] == Value::Fixnum(-1 - static_cast<int64_t>(k / sizes.size()));
  }
  EXPECT_LE(live, garbage.size() / 50);
}

TEST_F(MarkerTest, TaggedAndUntaggedPairReferencesBothMarkThePair) {
  HandleScope scope;
  Handle holder(NewVector(2));
  Value pair = AllocatePair(Value::Fixnum(7), Value::Nil());
  WriteField(&Slots(holder.get())[0], pair);
  // An untagged pair start in a precise slot: LLVM may spill an allocation before tagging it.
  Value other = AllocatePair(Value::Fixnum(8), Value::Nil());
  WriteField(&Slots(holder.get())[1], Value::Object(other.ObjectAddress()));
  uintptr_t hidden_pair = Hide(pair);
  uintptr_t hidden_other = Hide(other);
  pair = other = Value();
  if (!UnderStress()) {  // verify=1 rejects an untagged pair start in a field, by design
    PreciseCollect();
    EXPECT_TRUE(IsLive(Unhide(hidden_pair)));
    EXPECT_TRUE(IsLive(Unhide(hidden_other)));
    EXPECT_EQ(static_cast<PairCell*>(Unhide(hidden_other).ObjectAddress())->car,
              Value::Fixnum(8));
  }
}

// Conservative words take the general path: an interior pointer (to the last byte) into an
// object of any class keeps it. Only the stack holds them, from allocation to collection.
__attribute__((noinline)) std::vector<uintptr_t> CollectWithInteriorPointersOnTheStack(
    MarkerTest* t, Heap& heap, const std::vector<size_t>& sizes) {
  volatile uintptr_t interior[kNumSizeClasses + 2];
  std::vector<uintptr_t> hidden;
  for (size_t i = 0; i < sizes.size(); ++i) {
    Value v = t->NewStampedVector(sizes[i], 42);
    interior[i] = reinterpret_cast<uintptr_t>(v.ObjectAddress()) + sizes[i] - 1;
    hidden.push_back(Hide(v));
  }
  ClearStackBelow();
  heap.Collect();
  for (size_t i = 0; i < sizes.size(); ++i) (void)interior[i];
  return hidden;
}

TEST_F(MarkerTest, ConservativeInteriorPointersKeepObjectsOfEveryClass) {
  std::vector<size_t> sizes = EverySize();
  ASSERT_LE(sizes.size(), size_t{kNumSizeClasses + 2});
  std::vector<uintptr_t> hidden = CollectWithInteriorPointersOnTheStack(this, heap(), sizes);
  for (size_t i = 0; i < hidden.size(); ++i) {
    Value v = Unhide(hidden[i]);
    ASSERT_TRUE(IsLive(v)) << sizes[i] << "-byte object";
    EXPECT_EQ(Slots(v)[0], Value::Fixnum(42));
  }
}

}  // namespace
}  // namespace mosaic::testing
