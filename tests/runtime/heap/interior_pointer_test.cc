// Interior and tagged pointers at every offset of small and large objects resolve to their
// object; addresses outside objects resolve to nothing.
#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

class InteriorPointerTest : public HeapTest {};

TEST_F(InteriorPointerTest, EveryOffsetOfSmallObjectsResolves) {
  HandleScope scope;
  for (size_t bytes : {size_t{16}, size_t{24}, size_t{48}, size_t{300}, size_t{1000},
                       kMaxSmallObjectBytes}) {
    Handle h(Value::Object(Allocate(bytes_kind_, bytes)));
    Value v = h.get();
    size_t cell = heap().CellSize(v);
    ASSERT_GE(cell, bytes);
    auto* start = static_cast<char*>(v.ObjectAddress());
    for (size_t off = 0; off < cell; ++off) {
      ASSERT_EQ(heap().FindObject(start + off), v) << bytes << " at offset " << off;
    }
  }
}

TEST_F(InteriorPointerTest, EveryOffsetOfAPairAndItsTaggedWordResolves) {
  HandleScope scope;
  Handle h(AllocatePair(Value::Fixnum(1), Value::Nil()));
  Value pair = h.get();
  auto* start = static_cast<char*>(pair.ObjectAddress());
  for (size_t off = 0; off < 16; ++off) ASSERT_EQ(heap().FindObject(start + off), pair);
  EXPECT_EQ(heap().FindObject(reinterpret_cast<void*>(pair.bits())), pair);  // tagged word
  EXPECT_EQ(heap().CellSize(pair), 16u);
}

TEST_F(InteriorPointerTest, EveryOffsetOfALargeObjectResolves) {
  HandleScope scope;
  const size_t bytes = 3 * 4096 + 123;
  Handle h(Value::Object(Allocate(bytes_kind_, bytes)));
  Value v = h.get();
  auto* start = static_cast<char*>(v.ObjectAddress());
  for (size_t off = 0; off < bytes; ++off) {
    ASSERT_EQ(heap().FindObject(start + off), v) << off;
  }
  EXPECT_EQ(heap().FindObject(start + bytes), Value());  // just past the end
  EXPECT_EQ(heap().FindObject(start - 1), Value());      // the large-object header
}

TEST_F(InteriorPointerTest, AddressesOutsideObjectsResolveToNothing) {
  int on_stack = 0;
  EXPECT_EQ(heap().FindObject(&on_stack), Value());
  EXPECT_FALSE(heap().Contains(&on_stack));
  EXPECT_EQ(heap().FindObject(nullptr), Value());
  Value pair = AllocatePair(Value::Nil(), Value::Nil());
  EXPECT_TRUE(heap().Contains(pair.ObjectAddress()));
  // The block header in front of the cells is not an object.
  auto block = reinterpret_cast<uintptr_t>(pair.ObjectAddress()) & internal::kBlockMask;
  EXPECT_EQ(heap().FindObject(reinterpret_cast<void*>(block + 8)), Value());
}

TEST_F(InteriorPointerTest, HeapSitsAtTheColouredAddressWhenFree) {
  GcStats stats = heap().Stats();
  if (heap().options().heap_hint == 0x6000'0000'0000 && stats.heap_at_hint) {
    EXPECT_EQ(stats.heap_base, 0x6000'0000'0000u);
  } else {
    EXPECT_NE(stats.heap_base, 0u);  // the kernel chose; the stats say so
  }
}

}  // namespace
}  // namespace mosaic::testing
