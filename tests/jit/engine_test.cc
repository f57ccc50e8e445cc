// Engine-level tests of the JIT: results computed by hand, errors thrown through JIT frames,
// constant-stack tail calls, interrupts. (The polls have their own test, with a control:
// poll_test.cc.)
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"

namespace toylang::jit {
namespace {

class JitEngineTest : public testing::TestWithParam<RootsMode> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.roots = GetParam();
    options.out = &out_;
    auto engine = CreateJitEngine(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  std::string Run(const std::string& source) {
    absl::StatusOr<mosaic::Value> v = engine_->Eval(source, "test.scm");
    if (!v.ok()) return std::string(v.status().message());
    return engine_->Write(*v);
  }
  std::ostringstream out_;
  std::unique_ptr<Engine> engine_;
};

TEST_P(JitEngineTest, Arithmetic) {
  EXPECT_EQ(Run("(+ 1 2)"), "3");
  EXPECT_EQ(Run("(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 20)"),
            "6765");
}

TEST_P(JitEngineTest, ArgumentPassingBeyondRegisters) {
  // 8 required parameters: two of them travel in the rest list.
  EXPECT_EQ(Run("((lambda (a b c d e f g h) (list h g f e d c b a)) 1 2 3 4 5 6 7 8)"),
            "(8 7 6 5 4 3 2 1)");
  EXPECT_EQ(Run("((lambda (a . r) r) 1 2 3 4 5 6 7 8 9)"), "(2 3 4 5 6 7 8 9)");
  EXPECT_EQ(Run("((lambda (a b c d e f g . r) (list g r)) 1 2 3 4 5 6 7 8 9)"), "(7 (8 9))");
  EXPECT_EQ(Run("((lambda r r))"), "()");
  EXPECT_EQ(Run("(apply (lambda (a b c d e f g) (+ a g)) '(1 2 3 4 5 6 7))"), "8");
}

TEST_P(JitEngineTest, ErrorsUnwindThroughJitFrames) {
  EXPECT_EQ(Run("(define (f x) (+ 1 (car x)))\n(define (g x) (+ 1 (f x)))\n(g 5)"),
            "test.scm:1:20: car: expected a pair, got 5");
  // The engine stays usable, with the definitions made before the error.
  EXPECT_EQ(Run("(g '(1))"), "3");
  EXPECT_EQ(Run("(f 1 2)"), "test.scm:1:1: f: expected 1 argument, got 2");
  EXPECT_EQ(Run("(undefined-thing)"), "test.scm:1:2: unbound variable: undefined-thing");
}

TEST_P(JitEngineTest, RedefinitionSeenByEarlierCode) {
  EXPECT_EQ(Run("(define (h) 1) (define (k) (h)) (k)"), "1");
  EXPECT_EQ(Run("(define (h) 2) (k)"), "2");
}

TEST_P(JitEngineTest, InlinePrimitivesFallBackToTheBuiltins) {
  EXPECT_EQ(Run("(define (add a b) (+ a b)) (add 1 2)"), "3");
  EXPECT_EQ(Run("(add 1.5 2)"), "3.5");                 // not fixnums: the built-in
  EXPECT_EQ(Run("(add -4611686018427387904 -1)"),       // overflow: the built-in's bignum
            "-4611686018427387905");
  EXPECT_EQ(Run("(add 'a 1)"), "test.scm:1:19: +: expected a number, got a");  // (+ a b)
  EXPECT_EQ(Run("(define (first p) (car p)) (first '(7 8))"), "7");
  EXPECT_EQ(Run("(first 5)"), "test.scm:1:19: car: expected a pair, got 5");  // (car p)
  // Code compiled with `+` inlined sees a redefinition of `+`.
  EXPECT_EQ(Run("(set! + (lambda (a b) (* a b))) (add 3 4)"), "12");
  EXPECT_EQ(Run("(list (< 1 2) (>= 1 2) (= 3 3) (eq? 'a 'a) (not #f) (null? '()) (pair? 1))"),
            "(#t #f #t #t #t #t #f)");
}

TEST_P(JitEngineTest, TailCallLoopRunsInConstantStack) {
  // 10^7 iterations: a non-tail call per iteration would need gigabytes of stack.
  EXPECT_EQ(Run("(define (loop n acc) (if (= n 0) acc (loop (- n 1) (+ acc 1))))"
                "(loop 10000000 0)"),
            "10000000");
}

TEST(EngineCreate, JitKindConstructsTheJitEngine) {
  // A program picks the JIT by calling its constructor: nothing is registered anywhere.
  EngineOptions options;
  std::ostringstream out;
  options.out = &out;
  auto engine = CreateJitEngine(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval("(display (* 6 7))", "t.scm");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(out.str(), "42");
  EXPECT_GT((*engine)->Stats().modules_compiled, 0u);  // compiled, not interpreted
}

TEST_P(JitEngineTest, InterruptStopsAnEndlessLoop) {
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    engine_->RequestInterrupt();
  });
  std::string r = Run("(define (forever n) (forever (+ n 1))) (forever 0)");
  interrupter.join();
  EXPECT_NE(r.find("interrupted"), std::string::npos) << r;
  EXPECT_EQ(Run("(+ 1 1)"), "2");  // usable afterwards
}

INSTANTIATE_TEST_SUITE_P(Roots, JitEngineTest,
                         testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                         [](const testing::TestParamInfo<RootsMode>& info) {
                           return info.param == RootsMode::kPrecise ? "Precise" : "Conservative";
                         });

}  // namespace
}  // namespace toylang::jit
