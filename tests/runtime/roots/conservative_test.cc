// The conservative stack scan, in the style of cppgc's stack tests: a "needle" (the only
// reference to an object) passed through 0-8 nested parameters, or held in each callee-saved
// register, must be seen by the scan and keep its object alive.
//
// A test walker wraps the default scan and records whether the needle's word was inside the
// scanned range; that is what could fail if registers were not spilled or the range were wrong.
#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

class NeedleSpotter final : public StackWalker {
 public:
  // Reads stack words as the collector does, so it is exempt from ASan in the same way.
  __attribute__((no_sanitize("address", "thread")))
  void WalkStack(const ThreadStack& stack, RootVisitor& visitor) override {
    for (auto p = static_cast<const uint64_t*>(stack.top);
         p < static_cast<const uint64_t*>(stack.base); ++p) {
      if (*p == needle) seen = true;
    }
    visitor.VisitConservativeRange(stack.top, stack.base);
  }
  uint64_t needle = 0;
  bool seen = false;
};

class ConservativeTest : public HeapTest {
 protected:
  void SetUp() override {
    HeapTest::SetUp();
    heap().SetStackWalker(&spotter_);
  }
  void TearDown() override {
    heap().SetStackWalker(nullptr);
    HeapTest::TearDown();
  }
  // A fresh object, returned hidden so that no copy of it stays in this frame.
  __attribute__((noinline)) uintptr_t NewHiddenObject() {
    Value v = NewVector(2);
    Slots(v)[0] = Value::Fixnum(4242);
    return Hide(v);
  }
  NeedleSpotter spotter_;
};

// Nested calls carrying the needle as one of N parameters; the innermost collects.
__attribute__((noinline)) bool CollectWithNeedle(Heap& heap, NeedleSpotter& spotter, int depth,
                                                 uint64_t a, uint64_t b, uint64_t c, uint64_t d,
                                                 uint64_t e, uint64_t f, uint64_t g, uint64_t h) {
  if (depth > 0) {
    return CollectWithNeedle(heap, spotter, depth - 1, h, a, b, c, d, e, f, g);  // rotate
  }
  heap.Collect();
  asm volatile("" : : "r"(a), "r"(b), "r"(c), "r"(d), "r"(e), "r"(f), "r"(g), "r"(h));
  return spotter.seen;
}

TEST_F(ConservativeTest, NeedleInNestedParametersIsFound) {
  for (int position = 0; position < 8; ++position) {
    for (int depth = 0; depth <= 8; depth += 4) {
      ClearStackBelow();
      uintptr_t hidden = NewHiddenObject();
      uint64_t args[8] = {1, 3, 5, 7, 9, 11, 13, 15};
      args[position] = Unhide(hidden).bits();
      spotter_.needle = Unhide(hidden).bits();
      spotter_.seen = false;
      bool seen = CollectWithNeedle(heap(), spotter_, depth, args[0], args[1], args[2], args[3],
                                    args[4], args[5], args[6], args[7]);
      std::fill(std::begin(args), std::end(args), 0);
      EXPECT_TRUE(seen) << "parameter " << position << " depth " << depth;
      Value v = Unhide(hidden);
      ASSERT_TRUE(IsLive(v));
      EXPECT_EQ(Slots(v)[0], Value::Fixnum(4242));
    }
  }
}

#if defined(__x86_64__)
// Holds the needle in one callee-saved register across the collection. A local register
// variable is only pinned at the asm statements, but with the value live across the call the
// compiler keeps it there (it is callee-saved); either way, the scan must see it.
#define HOLD_IN(reg)                                                                          \
  __attribute__((noinline)) bool CollectHoldingIn_##reg(Heap& heap, NeedleSpotter& spotter,  \
                                                         uintptr_t hidden) {                 \
    register uintptr_t r asm(#reg) = hidden;                                                 \
    asm volatile("xorq %1, %0" : "+r"(r) : "r"(kHideMask));                                  \
    heap.Collect();                                                                          \
    asm volatile("" : : "r"(r));                                                             \
    return spotter.seen;                                                                     \
  }
HOLD_IN(rbx)
HOLD_IN(r12)
HOLD_IN(r13)
HOLD_IN(r14)
HOLD_IN(r15)

TEST_F(ConservativeTest, NeedleInEachCalleeSavedRegisterIsFound) {
  using Fn = bool (*)(Heap&, NeedleSpotter&, uintptr_t);
  std::pair<const char*, Fn> registers[] = {{"rbx", CollectHoldingIn_rbx},
                                            {"r12", CollectHoldingIn_r12},
                                            {"r13", CollectHoldingIn_r13},
                                            {"r14", CollectHoldingIn_r14},
                                            {"r15", CollectHoldingIn_r15}};
  for (auto [name, fn] : registers) {
    ClearStackBelow();
    uintptr_t hidden = NewHiddenObject();
    spotter_.needle = Unhide(hidden).bits();
    spotter_.seen = false;
    EXPECT_TRUE(fn(heap(), spotter_, hidden)) << name;
    Value v = Unhide(hidden);
    ASSERT_TRUE(IsLive(v)) << name;
    EXPECT_EQ(Slots(v)[0], Value::Fixnum(4242));
  }
}
#endif

TEST_F(ConservativeTest, InteriorStackWordsKeepObjectsAlive) {
  ClearStackBelow();
  uintptr_t hidden = NewHiddenObject();
  volatile uintptr_t interior = Unhide(hidden).bits() + 13;  // points into the middle
  PreciseCollect();
  EXPECT_TRUE(IsLive(Unhide(hidden)));
  interior = 0;
  (void)interior;
}

TEST_F(ConservativeTest, ScanReportsWhatItExamined) {
  uint64_t before = heap().Stats().conservative_words_examined;
  heap().Collect();
  GcStats after = heap().Stats();
  EXPECT_GT(after.conservative_words_examined, before);
  EXPECT_GT(after.conservative_bytes_scanned, 0u);
}

}  // namespace
}  // namespace mosaic::testing
