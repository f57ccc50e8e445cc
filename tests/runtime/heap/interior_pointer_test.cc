// Interior and tagged pointers at every offset of small and large objects resolve to their
// object; addresses outside objects resolve to nothing.
#include "gtest/gtest.h"
#include "test_support.h"

#include <sys/mman.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

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

// The reservation goes to the hint when nothing is mapped there, and never over a mapping that
// is: a second heap asking for the same hint gets another address, and a page someone else
// mapped at a hint keeps its contents.
TEST(AddressColouringTest, TheHintIsTakenWhenFreeAndNeverOverAnExistingMapping) {
#if defined(__SANITIZE_THREAD__) || defined(MOSAIC_SANITIZER_thread)
  GTEST_SKIP() << "ThreadSanitizer owns the hinted range: the hint is ignored";
#else
  // Below AddressSanitizer's allocator (0x6000'0000'0000 up), above its shadow.
  constexpr uintptr_t kHint = 0x5100'0000'0000;
  HeapOptions options;
  options.heap_hint = kHint;
  options.heap_max = size_t{64} << 20;
  options.read_environment = false;
  auto first = Heap::Create(options);
  ASSERT_TRUE(first.ok());
  GcStats stats = (*first)->Stats();
  ASSERT_TRUE(stats.heap_at_hint) << "nothing should be mapped at " << std::hex << kHint;
  EXPECT_EQ(stats.heap_base, kHint);
  auto second = Heap::Create(options);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE((*second)->Stats().heap_at_hint);
  EXPECT_NE((*second)->Stats().heap_base, kHint);
  EXPECT_NE((*second)->Stats().heap_base, 0u);

  constexpr uintptr_t kTaken = 0x5200'0000'0000;
  void* page = mmap(reinterpret_cast<void*>(kTaken + (size_t{16} << 20)), 4096,
                    PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1,
                    0);
  ASSERT_EQ(page, reinterpret_cast<void*>(kTaken + (size_t{16} << 20)));
  *static_cast<volatile uint64_t*>(page) = 0x5eed;
  options.heap_hint = kTaken;
  auto third = Heap::Create(options);
  ASSERT_TRUE(third.ok());
  EXPECT_FALSE((*third)->Stats().heap_at_hint);
  EXPECT_EQ(*static_cast<volatile uint64_t*>(page), 0x5eedu) << "the heap mapped over a mapping";
  munmap(page, 4096);
#endif
}

}  // namespace
}  // namespace mosaic::testing
