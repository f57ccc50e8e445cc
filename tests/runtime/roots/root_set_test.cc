// Tests runtime/src/roots/root_set.cc: global slots and the stack-walker hook.
#include "roots/root_set.h"

#include <vector>

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

TEST(RootSetTest, GlobalsAreVisitedUntilRemoved) {
  RootSet roots;
  Value a = Value::Fixnum(1), b = Value::Fixnum(2);
  roots.AddGlobal(&a);
  roots.AddGlobal(&b);
  roots.AddGlobal(&a);  // a set: registering twice keeps one entry
  std::vector<Value*> seen;
  EXPECT_EQ(roots.ForEachGlobal([&seen](Value* slot) { seen.push_back(slot); }), 2u);
  EXPECT_EQ(seen.size(), 2u);
  roots.RemoveGlobal(&a);
  seen.clear();
  roots.ForEachGlobal([&seen](Value* slot) { seen.push_back(slot); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], &b);
}

TEST(RootSetDeathTest, RemovingAnUnknownGlobalSaysSo) {
  RootSet roots;
  Value a;
  EXPECT_DEATH(roots.RemoveGlobal(&a), "not a registered root");
}

TEST(RootSetTest, TheWalkerHookHoldsWhatWasInstalled) {
  struct NullWalker final : StackWalker {
    void WalkStack(const ThreadStack&, RootVisitor&) override {}
  } walker;
  RootSet roots;
  EXPECT_EQ(roots.stack_walker(), nullptr);
  roots.SetStackWalker(&walker);
  EXPECT_EQ(roots.stack_walker(), &walker);
  roots.SetStackWalker(nullptr);
  EXPECT_EQ(roots.stack_walker(), nullptr);
}

}  // namespace
}  // namespace mosaic::internal
