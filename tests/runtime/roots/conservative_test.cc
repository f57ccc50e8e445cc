// The conservative stack scan, in the style of cppgc's stack tests: a "needle" (the only
// reference to an object) passed through 0-8 nested parameters, or held in each callee-saved
// register, must be seen by the scan and keep its object alive.
//
// A test walker wraps the default scan and records whether the needle's word was inside the
// scanned range; that is what could fail if registers were not spilled or the range were wrong.
#include <algorithm>
#include <thread>

#include "gtest/gtest.h"
#include "test_support.h"
#include "threads/mutator.h"

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

// The mechanism behind the test above, on its own: SpillRegistersAndCall must store every
// callee-saved register into the words at `top`. (The test above cannot tell on its own: the
// functions between a test frame and the spill save some of those registers in their prologues
// anyway.) A shim sets each register to a known value and calls it directly.
extern "C" void SpillWithKnownRegistersForTesting(void (*spill)(void (*)(void*, uintptr_t), void*),
                                                 void (*fn)(void*, uintptr_t), void* arg);
asm(R"(
  .text
  .globl SpillWithKnownRegistersForTesting
  .hidden SpillWithKnownRegistersForTesting
  .type SpillWithKnownRegistersForTesting, @function
SpillWithKnownRegistersForTesting:
  push %rbx
  push %r12
  push %r13
  push %r14
  push %r15
  movabs $0x1111111111111111, %rbx
  movabs $0x2222222222222222, %r12
  movabs $0x3333333333333333, %r13
  movabs $0x4444444444444444, %r14
  movabs $0x5555555555555555, %r15
  mov %rdi, %rax
  mov %rsi, %rdi
  mov %rdx, %rsi
  call *%rax
  pop %r15
  pop %r14
  pop %r13
  pop %r12
  pop %rbx
  ret
  .size SpillWithKnownRegistersForTesting, .-SpillWithKnownRegistersForTesting
)");

TEST(SpillTest, EveryCalleeSavedRegisterIsStoredWhereTheScanStarts) {
  uint64_t spilled[internal::Mutator::kSavedRegisters] = {};
  SpillWithKnownRegistersForTesting(
      &internal::SpillRegistersAndCall,
      [](void* arg, uintptr_t top) {
        std::copy_n(reinterpret_cast<const uint64_t*>(top), internal::Mutator::kSavedRegisters,
                    static_cast<uint64_t*>(arg));
      },
      spilled);
  for (uint64_t expected : {0x1111111111111111ull, 0x2222222222222222ull, 0x3333333333333333ull,
                            0x4444444444444444ull, 0x5555555555555555ull}) {
    EXPECT_NE(std::find(std::begin(spilled), std::end(spilled), expected), std::end(spilled))
        << std::hex << expected << " was not spilled";
  }
}

// An object referenced only from a callee-saved register of the frame that enters a native
// region must survive a collection during the region, even though the native code reuses the
// stack where EnterNative spilled that register. The shim wipes the 4 KiB below its frame
// (where EnterNative's frames were) and runs the native code's frames 8 KiB further down: deeper
// than the stack top EnterNative recorded, as native code that saves the register in its own
// frames would be.
extern "C" uintptr_t HoldInRbxAcrossNativeRegionForTesting(uintptr_t hidden, uintptr_t mask,
                                                           void (*during)());
extern "C" void EnterNativeForTesting() { EnterNative(); }
extern "C" void LeaveNativeForTesting() { LeaveNative(); }
asm(R"(
  .text
  .globl HoldInRbxAcrossNativeRegionForTesting
  .hidden HoldInRbxAcrossNativeRegionForTesting
  .type HoldInRbxAcrossNativeRegionForTesting, @function
HoldInRbxAcrossNativeRegionForTesting:
  push %rbx
  push %r12
  push %r13
  mov %rdi, %rbx
  xor %rsi, %rbx
  xor %edi, %edi
  xor %esi, %esi
  mov %rdx, %r12
  call EnterNativeForTesting@PLT
  lea -4096(%rsp), %rdi
  mov $512, %ecx
  movabs $0x0123456789abcdef, %rax
  rep stosq
  sub $8192, %rsp
  call *%r12
  add $8192, %rsp
  call LeaveNativeForTesting@PLT
  mov %rbx, %rax
  pop %r13
  pop %r12
  pop %rbx
  ret
  .size HoldInRbxAcrossNativeRegionForTesting, .-HoldInRbxAcrossNativeRegionForTesting
)");

// The native code of the test (the shim has overwritten the 4 KiB of stack below it, where
// EnterNative spilled the registers): lets another thread collect.
Heap* g_native_heap = nullptr;
__attribute__((noinline)) void LetAnotherThreadCollect() {
  std::thread([] {
    MutatorScope mutator(*g_native_heap);
    g_native_heap->Collect();
  }).join();
}

TEST_F(ConservativeTest, RegistersHeldAcrossANativeRegionAreScanned) {
  heap().SetStackWalker(nullptr);
  g_native_heap = &heap();
  ClearStackBelow();
  uintptr_t hidden = NewHiddenObject();
  uint64_t before = heap().Stats().collections;
  uintptr_t back = HoldInRbxAcrossNativeRegionForTesting(
      hidden, kHideMask, &LetAnotherThreadCollect);
  EXPECT_EQ(heap().Stats().collections, before + 1);
  Value v = Value::FromBits(back);
  ASSERT_EQ(v, Unhide(hidden));
  ASSERT_TRUE(IsLive(v)) << "the object held only in rbx was freed during the native region";
  EXPECT_EQ(Slots(v)[0], Value::Fixnum(4242));
}

#endif  // defined(__x86_64__)

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
