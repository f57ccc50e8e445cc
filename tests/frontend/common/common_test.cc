#include <pthread.h>

#include <functional>
#include <string>

#include "frontend/common/error.h"
#include "frontend/common/stack_check.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

TEST(ErrorTest, FormatWithAndWithoutPosition) {
  Error bare("car: expected a pair, got 42");
  EXPECT_FALSE(bare.has_pos());
  EXPECT_EQ(bare.Format(), "car: expected a pair, got 42");
  Error placed("boom", SourcePos{InternFileName("a.scm"), 3, 14});
  EXPECT_TRUE(placed.has_pos());
  EXPECT_EQ(placed.Format(), "a.scm:3:14: boom");
  EXPECT_STREQ(placed.what(), "boom");
}

TEST(ErrorTest, SetPosIfMissingKeepsTheInnermostPosition) {
  Error e("x");
  e.SetPosIfMissing(SourcePos{InternFileName("inner.scm"), 1, 2});
  e.SetPosIfMissing(SourcePos{InternFileName("outer.scm"), 9, 9});
  EXPECT_EQ(e.Format(), "inner.scm:1:2: x");
  // An empty position does not count as one.
  Error f("y");
  f.SetPosIfMissing(SourcePos{});
  EXPECT_FALSE(f.has_pos());
}

TEST(ErrorTest, InternFileNameIsStable) {
  const std::string* a = InternFileName("same.scm");
  const std::string* b = InternFileName(std::string("same") + ".scm");
  const std::string* c = InternFileName("other.scm");
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(*a, "same.scm");
}

// Recurses until CheckStack throws; returns the depth reached.
int Recurse(int depth) {
  volatile int pad[128];  // a real frame, and a use after the call: no tail call, no loop
  pad[0] = depth;
  CheckStack(SourcePos{InternFileName("deep.scm"), depth, 1});
  if (depth == 0) return 0;  // never (depth starts at 1); keeps the recursion finite in form
  pad[1] = Recurse(depth + 1);
  return pad[0] + pad[1];
}

TEST(StackCheckTest, ExhaustionIsAnErrorOnSmallAndDefaultStacks) {
  for (size_t stack : {size_t{256} << 10, size_t{8} << 20}) {
    std::string message;
    int line = 0;
    std::function<void()> body = [&] {
      try {
        Recurse(1);
      } catch (const Error& e) {
        message = e.message();
        line = e.pos().line;
      }
    };
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, stack);
    pthread_t thread;
    ASSERT_EQ(pthread_create(&thread, &attr,
                             [](void* f) -> void* {
                               (*static_cast<std::function<void()>*>(f))();
                               return nullptr;
                             },
                             &body),
              0);
    pthread_join(thread, nullptr);
    pthread_attr_destroy(&attr);
    EXPECT_EQ(message, "stack overflow") << stack;
    EXPECT_GT(line, 10) << stack;  // it did recurse before stopping
  }
}

}  // namespace
}  // namespace toylang
