// Tests runtime/src/kinds/kind_table.cc.
#include "kinds/kind_table.h"

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

void NoTrace(const void*, Tracer&) {}

TEST(KindTableTest, IdsStartAfterPairsAndNameTheirDescriptors) {
  KindTable kinds;
  ASSERT_NE(kinds.Find(kPairKind), nullptr);
  EXPECT_EQ(kinds.Find(kPairKind)->name, "pair");
  EXPECT_EQ(kinds.Find(0), nullptr);
  KindId a = *kinds.Register({"vector", TracePolicy::kAllValues});
  KindId b = *kinds.Register({"custom", TracePolicy::kCustom, &NoTrace});
  EXPECT_EQ(a, kFirstEmbedderKind);
  EXPECT_EQ(b, a + 1);
  EXPECT_EQ(kinds.Find(a)->name, "vector");
  EXPECT_EQ(kinds.Find(b)->trace, &NoTrace);
  EXPECT_EQ(kinds.Find(b + 1), nullptr);
}

TEST(KindTableTest, CustomKindWithoutTraceIsRefused) {
  KindTable kinds;
  auto id = kinds.Register({"broken", TracePolicy::kCustom, nullptr});
  ASSERT_FALSE(id.ok());
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(id.status().message().find("broken"), std::string::npos);
}

TEST(KindTableTest, TheTableRunsOutWithAClearError) {
  KindTable kinds;
  absl::StatusOr<KindId> last;
  size_t registered = 0;
  for (;;) {
    last = kinds.Register({"k", TracePolicy::kNoReferences});
    if (!last.ok()) break;
    ++registered;
  }
  EXPECT_EQ(registered, size_t{kFirstRuntimeKind} - kFirstEmbedderKind);
  EXPECT_EQ(last.status().code(), absl::StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace mosaic::internal
