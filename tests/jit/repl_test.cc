// The JIT's compilation model (docs/design/jit.md, "Compilation unit, tiers and code removal"):
// a file is one unit; an interactive engine compiles each form on its own; redefinition in a
// REPL reaches callers compiled earlier, also while the old version is still running; the
// top-level thunks' code and stack maps are removed after they ran; EngineStats.
#include <memory>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"

namespace toylang::jit {
namespace {

struct Param {
  RootsMode roots;
  bool interactive;
};

class ReplTest : public testing::TestWithParam<Param> {
 protected:
  void SetUp() override { engine_ = Make(GetParam().roots, GetParam().interactive); }
  std::unique_ptr<Engine> Make(RootsMode roots, bool interactive,
                               const std::string& gc_options = "") {
    EngineOptions options;
    options.gc_options = gc_options;
    options.roots = roots;
    options.interactive = interactive;
    options.out = &out_;
    auto engine = CreateJitEngine(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? std::move(*engine) : nullptr;
  }
  std::string Run(const std::string& source) {
    absl::StatusOr<mosaic::Value> v = engine_->Eval(source, "test.scm");
    if (!v.ok()) return std::string(v.status().message());
    return engine_->Write(*v);
  }
  bool precise() const { return GetParam().roots == RootsMode::kPrecise; }
  std::ostringstream out_;
  std::unique_ptr<Engine> engine_;
};

// Each Eval below is one REPL input. The old `f` is running (it called `cb`) when `cb`
// replaces the global; the old frame must finish with its own code and its live values intact
// through a collection, and every caller compiled earlier must call the new `f` from then on.
TEST_P(ReplTest, RedefinitionWhileTheOldVersionIsOnTheStack) {
  ASSERT_EQ(Run("(define (f n cb)"
                "  (let ((keep (make-vector 3 n)) (more (list n n)))"
                "    (cb) (collect)"
                "    (+ n (vector-length keep) (vector-ref keep 2) (length more))))"),
            "#<unspecified>");
  ASSERT_EQ(Run("(define (caller n) (f n (lambda () 0)))"), "#<unspecified>");
  ASSERT_EQ(Run("(caller 1)"), "7");  // 1 + 3 + 1 + 2
  ASSERT_EQ(Run("(define (redefine!) (set! f (lambda (n cb) (collect) (* n 100))))"),
            "#<unspecified>");
  // Old f on the stack: 10 + 3 + 10 + 2 = 25; then `caller`, compiled before, gets the new f.
  EXPECT_EQ(Run("(let* ((before (f 10 redefine!)) (after (caller 2)))"
                "  (collect) (list before after))"),
            "(25 200)");
  // A REPL redefinition (new code in a new module) reaches `caller` too.
  EXPECT_EQ(Run("(define (f n cb) (cb) (- n))"), "#<unspecified>");
  EXPECT_EQ(Run("(caller 7)"), "-7");
  // A closure that captured the previous f keeps calling it after the next redefinition.
  EXPECT_EQ(Run("(define (keep-old) (let ((old f)) (lambda (n) (old n (lambda () 0)))))"),
            "#<unspecified>");
  ASSERT_EQ(Run("(define old-caller (keep-old))"), "#<unspecified>");
  EXPECT_EQ(Run("(define (f n cb) (cb) (collect) (* n n))"), "#<unspecified>");
  EXPECT_EQ(Run("(list (old-caller 3) (caller 3))"), "(-3 9)");
}

// The same scenario with a collection every 20 allocations and heap verification, so that
// collections also happen inside the old frame's allocations, not only at (collect).
TEST_P(ReplTest, RedefinitionWhileTheOldVersionIsOnTheStackUnderStress) {
  engine_.reset();  // one engine per thread at a time
  engine_ = Make(GetParam().roots, GetParam().interactive, "stress=20,verify=1");
  ASSERT_NE(engine_, nullptr);
  ASSERT_EQ(Run("(define (f n cb)"
                "  (let ((keep (make-vector 3 n)) (more (list n n)))"
                "    (cb)"
                "    (+ n (vector-length keep) (vector-ref keep 2) (length more)"
                "       (length (list 1 2 3 4 5 6 7 8)))))"),
            "#<unspecified>");
  ASSERT_EQ(Run("(define (caller n) (f n (lambda () (make-vector 2 0))))"), "#<unspecified>");
  ASSERT_EQ(Run("(define (redefine!) (set! f (lambda (n cb) (list n (cb)))))"), "#<unspecified>");
  // Old f: 10 + 3 + 10 + 2 + 8 = 33; then the new f through `caller`.
  EXPECT_EQ(Run("(list (f 10 redefine!) (caller 2))"), "(33 (2 #(0 0)))");
}

// Redefinition from inside a running procedure: `loop` redefines itself halfway; the running
// frames are old code, the calls after the set! go to the new one.
TEST_P(ReplTest, ProcedureRedefiningItselfFinishesItsOldFrames) {
  ASSERT_EQ(Run("(define (loop n acc)"
                "  (if (= n 5) (set! loop (lambda (n acc) (cons 'new acc))))"
                "  (if (= n 0) acc (let ((r (loop (- n 1) (cons n acc)))) (collect) r)))"),
            "#<unspecified>");
  // n=5 sets the new loop, then calls (loop 4 ...) which is the new one.
  EXPECT_EQ(Run("(loop 6 '())"), "(new 5 6)");
}

TEST_P(ReplTest, TopLevelCodeIsRemovedAndItsStackMapsLeaveTheIndex) {
  ASSERT_EQ(Run("(define (g x) (+ x 1))"), "#<unspecified>");
  const EngineStats before = engine_->Stats();
  const size_t live_before = LiveStackMapRecordsForTesting(*engine_);
  // Non-tail calls in the top level: statepoints (in precise mode) in code that runs once.
  EXPECT_EQ(Run("(list (g 1) (g 2) (g 3))"), "(2 3 4)");
  const EngineStats after = engine_->Stats();
  EXPECT_EQ(after.modules_removed, before.modules_removed + 1);
  EXPECT_EQ(after.modules_compiled, before.modules_compiled + 1);  // no lambda: thunk only
  if (precise()) {
    EXPECT_GT(after.statepoints, before.statepoints);
  } else {
    EXPECT_EQ(after.statepoints, 0u);
  }
  EXPECT_EQ(LiveStackMapRecordsForTesting(*engine_), live_before);
  // A long session of expressions does not grow the index.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(Run("(list (g 1) (g 2))"), "(2 3)");
  EXPECT_EQ(LiveStackMapRecordsForTesting(*engine_), live_before);
  EXPECT_EQ(engine_->Stats().modules_removed, after.modules_removed + 20);
}

TEST_P(ReplTest, LambdasOutliveTheirTopLevelForm) {
  // The thunk that made the closures is removed; the closures' code stays.
  ASSERT_EQ(Run("(define adders (map (lambda (n) (lambda (x) (+ x n))) '(1 2 3)))"),
            "#<unspecified>");
  ASSERT_EQ(Run("(define (apply-all l) (map (lambda (f) (f 10)) l))"), "#<unspecified>");
  const size_t live = LiveStackMapRecordsForTesting(*engine_);
  EXPECT_EQ(Run("(collect)"), "#<unspecified>");
  EXPECT_EQ(Run("(apply-all adders)"), "(11 12 13)");
  EXPECT_EQ(LiveStackMapRecordsForTesting(*engine_), live);
  if (precise()) {
    EXPECT_GT(live, 0u);
  }
}

TEST_P(ReplTest, ErrorsAfterEarlierFormsRan) {
  // Form 2 does not expand: form 1 ran (and printed) first, form 3 never runs.
  EXPECT_EQ(Run("(display \"one\") (if) (display \"three\")"),
            "test.scm:1:17: if: expected (if test then [else])");
  EXPECT_EQ(out_.str(), "one");
  // A run-time error in form 2: form 1's definition stays, form 3 does not run.
  EXPECT_EQ(Run("(define z 5) (car z) (display \"no\")"),
            "test.scm:1:14: car: expected a pair, got 5");
  EXPECT_EQ(out_.str(), "one");
  EXPECT_EQ(Run("z"), "5");
  // The removed thunks of the failed units leave no stack maps behind.
  const size_t live = LiveStackMapRecordsForTesting(*engine_);
  EXPECT_EQ(Run("(+ 1 (car '()))"), "test.scm:1:6: car: expected a pair, got ()");
  EXPECT_EQ(LiveStackMapRecordsForTesting(*engine_), live);
}

// Macros are expanded before analysis by the pipeline's one expander: a macro defined in one
// input is usable in the next, in a file unit as in a REPL, and replacing it or defining a
// variable of its name is seen by the inputs after it (docs/design/macros.md).
TEST_P(ReplTest, MacrosLastAcrossInputs) {
  EXPECT_EQ(Run("(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))"),
            "#<unspecified>");
  EXPECT_EQ(Run("(define tmp 1) (define y 2) (swap! tmp y) (list tmp y)"), "(2 1)");
  EXPECT_EQ(Run("(define-syntax swap! (syntax-rules () ((_ a b) 'replaced))) (swap! tmp y)"), "replaced");
  EXPECT_EQ(Run("(swap! 1)"), "test.scm:1:1: swap!: no syntax-rules clause matches (swap! 1)");
  EXPECT_EQ(Run("(define (swap! a b) (list b a)) (swap! 1 2)"), "(2 1)");
  EXPECT_EQ(Run("(define-syntax swap! (syntax-rules () ((_ a b) 'macro-again))) (swap! 1 2)"), "macro-again");
}

TEST_P(ReplTest, StatsCountWhatWasCompiled) {
  const EngineStats before = engine_->Stats();
  // Three functions: the top level, make-adder and the lambda inside it.
  ASSERT_EQ(Run("(define (make-adder n) (lambda (x) (+ x n)))"), "#<unspecified>");
  const EngineStats after = engine_->Stats();
  EXPECT_EQ(after.functions_compiled, before.functions_compiled + 3);
  // Split: the lambdas' module stays, the top level's is removed.
  EXPECT_EQ(after.modules_compiled, before.modules_compiled + 2);
  EXPECT_EQ(after.modules_removed, before.modules_removed + 1);
  EXPECT_GT(after.compile_ns, before.compile_ns);
  EXPECT_GT(after.code_bytes, before.code_bytes);
  if (precise()) {
    EXPECT_GT(after.statepoints, before.statepoints);  // make-adder calls tj_make_closure
  } else {
    EXPECT_EQ(after.statepoints, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, ReplTest,
    testing::Values(Param{RootsMode::kPrecise, true}, Param{RootsMode::kConservative, true},
                    Param{RootsMode::kPrecise, false}, Param{RootsMode::kConservative, false}),
    [](const testing::TestParamInfo<Param>& info) {
      return std::string(info.param.roots == RootsMode::kPrecise ? "Precise" : "Conservative") +
             (info.param.interactive ? "Repl" : "File");
    });

// A file is one compilation unit (its lambdas in one module, its top levels in another); the
// same source typed form by form compiles each form apart.
TEST(CompilationUnit, AFileIsOneUnitAndAReplFormIsOne) {
  const std::string source = "(define (a) 1)\n(define (b) 2)\n(define (c) 3)\n(+ (a) (b) (c))";
  for (bool interactive : {false, true}) {
    std::ostringstream out;
    EngineOptions options;
    options.interactive = interactive;
    options.out = &out;
    auto engine = CreateJitEngine(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(source, "unit.scm");
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ((*engine)->Write(*v), "6");
    EngineStats stats = (*engine)->Stats();
    // File: 1 lambda module + 1 thunk module. REPL: 3 × (lambda + thunk) + 1 thunk-only.
    EXPECT_EQ(stats.modules_compiled, interactive ? 7u : 2u) << interactive;
    EXPECT_EQ(stats.modules_removed, interactive ? 4u : 1u) << interactive;
    EXPECT_EQ(stats.functions_compiled, 7u);  // 4 top levels + a, b, c
  }
}

TEST(CompilationUnit, InteractiveOptLevelIsChecked) {
  EXPECT_FALSE(SetInteractiveOptLevel(-1).ok());
  EXPECT_FALSE(SetInteractiveOptLevel(4).ok());
  for (int level : {1, 2, 0}) {  // 0 last: the default
    ASSERT_TRUE(SetInteractiveOptLevel(level).ok());
    EngineOptions options;
    options.interactive = true;
    auto engine = CreateJitEngine(options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(
        "(define (fib n) (if (< n 2) n (+ (fib (- n 1)) (fib (- n 2))))) (fib 20)", "o.scm");
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_EQ((*engine)->Write(*v), "6765") << "level " << level;
  }
}

}  // namespace
}  // namespace toylang::jit
