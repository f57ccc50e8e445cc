#include "mosaic/value.h"

#include <limits>

#include "gtest/gtest.h"

namespace mosaic {
namespace {

TEST(ValueTest, FixnumsRoundTripAtTheEdges) {
  for (int64_t n : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{42}, Value::kFixnumMax,
                    Value::kFixnumMin}) {
    Value v = Value::Fixnum(n);
    EXPECT_TRUE(v.IsFixnum());
    EXPECT_FALSE(v.IsHeapReference());
    EXPECT_EQ(v.FixnumValue(), n);
  }
  EXPECT_TRUE(Value::FitsFixnum(Value::kFixnumMax));
  EXPECT_FALSE(Value::FitsFixnum(Value::kFixnumMax + 1));
  EXPECT_FALSE(Value::FitsFixnum(Value::kFixnumMin - 1));
  EXPECT_FALSE(Value::FitsFixnum(std::numeric_limits<int64_t>::min()));
}

TEST(ValueTest, TagsFollowTheSharedEncoding) {
  alignas(16) static uint64_t cell[2];
  Value object = Value::Object(cell);
  Value pair = Value::Pair(cell);
  EXPECT_EQ(object.bits() & 7, 0u);
  EXPECT_EQ(pair.bits() & 7, 2u);
  EXPECT_TRUE(object.IsObject() && object.IsHeapReference() && !object.IsPair());
  EXPECT_TRUE(pair.IsPair() && pair.IsHeapReference() && !pair.IsObject());
  EXPECT_EQ(pair.ObjectAddress(), static_cast<void*>(cell));
  EXPECT_EQ(object.ObjectAddress(), static_cast<void*>(cell));
  EXPECT_FALSE(Value().IsHeapReference());  // 0 is never a reference
  EXPECT_FALSE(Value::FromBits(0x1004).IsHeapReference());  // embedder tag ...100
  EXPECT_TRUE(Value::FromBits(0x1004).IsEmbedderWord());
}

TEST(ValueTest, ImmediatesAreDistinctAndNotReferences) {
  Value all[] = {Value::False(), Value::True(), Value::Nil(), Value::Unspecified(),
                 Value::Eof(),   Value::Undefined(), Value::Default(), Value::Char('a')};
  for (size_t i = 0; i < std::size(all); ++i) {
    EXPECT_EQ(all[i].bits() & 7, 6u);
    EXPECT_TRUE(all[i].IsImmediate());
    EXPECT_FALSE(all[i].IsHeapReference());
    EXPECT_FALSE(all[i].IsFixnum());
    for (size_t j = i + 1; j < std::size(all); ++j) EXPECT_NE(all[i], all[j]);
  }
  EXPECT_TRUE(Value::Char(0x10FFFF).IsChar());
  EXPECT_EQ(Value::Char(0x10FFFF).CharValue(), 0x10FFFFu);
  EXPECT_FALSE(Value::False().IsTruthy());
  EXPECT_TRUE(Value::Nil().IsTruthy());
  EXPECT_TRUE(Value::Fixnum(0).IsTruthy());
}

}  // namespace
}  // namespace mosaic
