// What the polls of generated code are for, as one scenario: a program starts a long
// computation that allocates nothing and calls no runtime function that could stop it; another
// thread collects and then asks for an interrupt. With polls at function entries (non-tail
// recursion) and on loop back-edges (tail loops), the collection stops the program mid-run and
// the interrupt ends it; without them the program runs to its end first.
// poll_test.cc expects the first; poll_control_test.cc turns LLVM's place-safepoints off
// (-spp-no-entry, -spp-no-backedge) and expects the second, which shows that the test depends
// on the polls and on nothing else.
#ifndef MOSAIC_TESTS_JIT_POLL_SCENARIO_H_
#define MOSAIC_TESTS_JIT_POLL_SCENARIO_H_

#include <atomic>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"

namespace toylang::jit::testing {

// Non-tail recursion (polls only at entries) and a tail loop (polls only on the back-edge), each
// running for seconds if nothing stops it; both start with an explicit (collect), which tells
// the other thread that the computation has begun.
inline constexpr const char* kDefinitions =
    "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2)))))"
    "(define (spin n) (if (eq? n 0) 'spun (spin (- n 1))))";
inline constexpr const char* kRecursion = "(begin (collect) (fib 40))";
inline constexpr const char* kLoop = "(begin (collect) (spin 2000000000))";

struct PollOutcome {
  std::string result;                 // the value written, or the error message
  bool collected_while_running = false;
};

class PollScenario : public ::testing::TestWithParam<RootsMode> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.roots = GetParam();
    options.out = &out_;
    auto engine = CreateJitEngine(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
    ASSERT_EQ(Run(kDefinitions), "#<unspecified>");
  }
  std::string Run(const std::string& source) {
    absl::StatusOr<mosaic::Value> v = engine_->Eval(source, "test.scm");
    if (!v.ok()) return std::string(v.status().message());
    return engine_->Write(*v);
  }

  PollOutcome CollectAndInterruptDuring(const std::string& program) {
    mosaic::Heap& heap = engine_->heap();
    const uint64_t before = heap.Stats().collections;
    std::atomic<bool> running{true};
    PollOutcome outcome;
    std::thread other([&] {
      // Unregistered while it waits, so that the program's own (collect) need not stop it.
      while (heap.Stats().collections == before) std::this_thread::yield();
      EXPECT_TRUE(heap.RegisterCurrentThread().ok());
      heap.Collect();  // stops the program at its next poll
      outcome.collected_while_running = running.load();
      EXPECT_TRUE(heap.UnregisterCurrentThread().ok());
      engine_->RequestInterrupt();
    });
    outcome.result = Run(program);
    running.store(false);
    {
      mosaic::NativeScope native;  // a collection waiting for this thread may proceed
      other.join();
    }
    Run("0");  // takes an interrupt that arrived after the program ended
    return outcome;
  }

  std::ostringstream out_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace toylang::jit::testing

#endif  // MOSAIC_TESTS_JIT_POLL_SCENARIO_H_
