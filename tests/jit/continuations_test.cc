// First-class continuations (frontend/builtins/continuations.h, docs/design/continuations.md)
// in both engines and both root modes, plain, under stress=1,verify=1 and with generations:
// what a captured stack segment keeps alive (and that it is the segment's tracing that keeps
// it: the control turns it off), the precise walk of JIT frames in a copy, re-entry of an
// earlier REPL input, and the clear errors (base, thread, barrier).
#include <atomic>
#include <exception>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include "frontend/builtins/continuations.h"
#include "frontend/objects/continuation_object.h"
#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "tests/jit/create_engine.h"
#include "tests/jit/run_source.h"

namespace __cxxabiv1 {
struct __cxa_eh_globals;
extern "C" __cxa_eh_globals* __cxa_get_globals() noexcept;
}  // namespace __cxxabiv1

namespace toylang::jit {
namespace {

using Param = std::tuple<EngineKind, RootsMode, const char*>;

class ContinuationsTest : public ::testing::TestWithParam<Param> {
 protected:
  EngineKind kind() const { return std::get<0>(GetParam()); }
  RootsMode roots() const { return std::get<1>(GetParam()); }
  const char* gc() const { return std::get<2>(GetParam()); }
  Outcome Run(const std::string& source) { return RunSource(kind(), roots(), gc(), source); }
};

// A list made in a frame, used after the frame's call/cc returns again, and referenced from
// nowhere else once the frame has exited: only the continuation's copy of the frame holds it.
// A weak pair watches it without keeping it.
constexpr const char* kOnlyInTheCopy = R"(
(define k #f)
(define watch #f)
(define (capture n)
  (let ((obj (list 'only-in-the-copy n (make-vector 4 n))))
    (set! watch (weak-cons obj #f))
    (let ((again (call/cc (lambda (c) (set! k c) #f))))
      (list again (length obj) (vector-ref (caddr obj) 3)))))
(define first (capture 7))
(define (churn n) (if (> n 0) (begin (make-vector 100 n) (churn (- n 1)))))
(churn 2000)
(collect)
(collect)
(define alive (not (bwp-object? (car watch))))
(define (reenter)
  (let ((r (k 'again)))
    r))
(list first alive)
)";

TEST_P(ContinuationsTest, ACopiedFrameKeepsItsValuesAlive) {
  Outcome run = Run(kOnlyInTheCopy);
  EXPECT_EQ(run.result, "((#f 3 7) #t)") << run.out;
}

// Re-entering the frame later finds the value intact (the frame comes back from the copy).
TEST_P(ContinuationsTest, ReenteredFrameSeesItsValuesAfterCollections) {
  Outcome run = Run(R"(
(define (test)
  (let ((k #f) (count 0) (results '()))
    (let ((r (let ((obj (list 'kept (make-vector 3 'v))))
               (let ((again (call/cc (lambda (c) (set! k c) 0))))
                 (list again obj)))))
      (set! results (cons r results))
      (set! count (+ count 1))
      (let churn ((n 3000)) (if (> n 0) (begin (make-vector 50 n) (churn (- n 1)))))
      (collect)
      (if (< count 3) (k count))
      (reverse results))))
(test))");
  EXPECT_EQ(run.result,
            "((0 (kept #(v v v))) (1 (kept #(v v v))) (2 (kept #(v v v))))")
      << run.out;
}

// The control: with segments not traced, the object only the copy holds is freed.
TEST_P(ContinuationsTest, WithoutTracingTheCopyItsValuesDie) {
  SetSegmentTracingForTesting(false);
  Outcome run = Run(kOnlyInTheCopy);
  SetSegmentTracingForTesting(true);
  EXPECT_EQ(run.result, "((#f 3 7) #f)") << run.out;
}

// Precise roots: the JIT frames of a copy are walked through their stack maps.
TEST_P(ContinuationsTest, JitFramesInACopyAreWalkedPrecisely) {
  const uint64_t before = SegmentJitFramesWalkedForTesting();
  Outcome run = Run(std::string(kOnlyInTheCopy));
  const uint64_t walked = SegmentJitFramesWalkedForTesting() - before;
  if (kind() == EngineKind::kJit && roots() == RootsMode::kPrecise) {
    EXPECT_GT(walked, 0u);
  } else {
    EXPECT_EQ(walked, 0u);
  }
  EXPECT_EQ(run.result, "((#f 3 7) #t)") << run.out;
}

// Generations: the continuation object becomes old inside its extent (a minor collection
// there); the segment made when the frame exits is young, stored into the old object through
// the write barrier, so the next minor collection traces it.
TEST_P(ContinuationsTest, ASegmentStoredIntoAnOldContinuationSurvivesMinorCollections) {
  Outcome run = Run(R"(
(define k #f)
(define (capture)
  (let ((obj (list 'young (make-vector 2 'x))))
    (let ((again (call/cc (lambda (c) (set! k c) (collect 'minor) (collect 'minor) #f))))
      (list again obj))))
(define results '())
(define (test)
  (let ((r (capture)))
    (set! results (cons r results))
    (collect 'minor)
    (let churn ((n 2000)) (if (> n 0) (begin (make-vector 20 n) (churn (- n 1)))))
    (collect 'minor)
    (if (< (length results) 3) (k (length results)))
    (reverse results)))
(test))");
  EXPECT_EQ(run.result, "((#f (young #(x x))) (1 (young #(x x))) (2 (young #(x x))))")
      << run.out;
}

TEST_P(ContinuationsTest, ErrorsAreClear) {
  EXPECT_EQ(Run(R"(
(define k #f)
(define (f) (with-output-to-file "/dev/null" (lambda () (call/cc (lambda (c) (set! k c) 1)))))
(f)
(k 2))").result,
            "error: test.scm:5:1: continuation: cannot re-enter a continuation captured inside "
            "with-output-to-file (a continuation barrier)");
  EXPECT_EQ(Run(R"(
(define k #f)
(define t (make-hashtable equal-hash equal?))
(hashtable-update! t 'a (lambda (v) (call/cc (lambda (c) (set! k c) 1))) 0)
(k 2))").result,
            "error: test.scm:5:1: continuation: cannot re-enter a continuation captured inside "
            "hashtable-update! (a continuation barrier)");
  EXPECT_EQ(Run(R"(
(define k #f)
(define v (call/cc (lambda (c) (set! k c) 1)))
(thread-join! (thread-start! (make-thread (lambda () (k 2))))))").result,
            "error: test.scm:4:54: continuation: cannot invoke a continuation on another thread "
            "than the one that captured it");
  // An escape still works from inside a barrier.
  EXPECT_EQ(Run(R"(
(call/cc (lambda (out) (with-output-to-file "/dev/null" (lambda () (out 'escaped))))))").result,
            "escaped");
  // An error leaves a dynamic-wind through its after thunk.
  Outcome run = Run(R"(
(dynamic-wind (lambda () (display "in ")) (lambda () (car 1)) (lambda () (display "out "))))");
  EXPECT_EQ(run.out, "in out ");
  EXPECT_EQ(run.result, "error: test.scm:2:54: car: expected a pair, got 1");
}

// An escape from JIT code straight to the innermost call/cc, with only JIT frames between, is a
// jump (TryDirectEscape): 1,000 escapes from 20 frames down are 1,000 jumps. One with a
// built-in, a dynamic-wind, a parameterize or a handler between is an unwind, which runs what
// those frames restore; the interpreter always unwinds.
TEST_P(ContinuationsTest, EscapesThroughJitFramesAloneAreJumps) {
  uint64_t before = ContinuationsEscapedDirectly();
  Outcome run = Run(R"(
(define (deep n k) (if (= n 0) (k n) (+ 1 (deep (- n 1) k))))
(let loop ((i 0) (sum 0))
  (if (= i 1000) sum (loop (+ i 1) (+ sum 1 (call/cc (lambda (k) (deep 20 k))))))))");
  EXPECT_EQ(run.result, "1000");
  const uint64_t jumps = ContinuationsEscapedDirectly() - before;
  if (kind() == EngineKind::kJit) {
    EXPECT_EQ(jumps, 1000u);
  } else {
    EXPECT_EQ(jumps, 0u);
  }
  before = ContinuationsEscapedDirectly();
  run = Run(R"(
(define p (make-parameter 'outside))
(define trail '())
(define (note x) (set! trail (cons x trail)))
(define (deep n k) (if (= n 0) (k n) (+ 1 (deep (- n 1) k))))
(let* ((a (call/cc (lambda (k) (dynamic-wind (lambda () (note 'in)) (lambda () (deep 5 k))
                                               (lambda () (note 'out))))))
       (b (call/cc (lambda (k) (parameterize ((p 'inside)) (deep 5 (lambda (v) (k (p))))))))
       (c (p))
       (d (call/cc (lambda (k) (with-exception-handler (lambda (e) 'handled)
                                                        (lambda () (deep 5 k))))))
       (e (call/cc (lambda (k) (for-each (lambda (x) (if (= x 2) (deep 5 k))) '(1 2 3))))))
  (list a b c d e (reverse trail))))");
  EXPECT_EQ(run.result, "(0 inside outside 0 0 (in out))");
  EXPECT_EQ(ContinuationsEscapedDirectly() - before, 0u);
}

// A capture inside another's extent saves only the stack between the two; the rest is the
// enclosing one's segment, its parent, taken once and shared.
TEST_P(ContinuationsTest, AnInnerCaptureSharesTheEnclosingSegment) {
  std::ostringstream out;
  EngineOptions options;
  options.roots = roots();
  options.gc_options = gc();
  options.out = &out;
  absl::StatusOr<std::unique_ptr<Engine>> engine = CreateEngine(kind(), options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval(R"(
(define outer #f)
(define inner #f)
(define (f) (call/cc (lambda (o) (set! outer o) (list (call/cc (lambda (i) (set! inner i) 1))))))
(f)
(list outer inner))", "test.scm");
  ASSERT_TRUE(v.ok()) << v.status();
  // Nothing runs (or collects) from here on.
  const mosaic::Value outer_segment = ContinuationSegmentForTesting(Car(*v));
  const mosaic::Value inner_segment = ContinuationSegmentForTesting(Car(Cdr(*v)));
  ASSERT_TRUE(IsSegment(outer_segment));
  ASSERT_TRUE(IsSegment(inner_segment));
  EXPECT_EQ(SegmentParent(inner_segment), outer_segment);
  EXPECT_FALSE(IsSegment(SegmentParent(outer_segment)));  // it reaches the base
  EXPECT_EQ(SegmentOf(inner_segment).hi, SegmentOf(outer_segment).lo);
}

// Escapes and re-entries by the thousand leave the C++ runtime's exception state as it was:
// nothing uncaught, no handler in progress, and exceptions still work.
TEST_P(ContinuationsTest, TheCxxExceptionStateStaysSane) {
  Outcome run = Run(R"(
(define (gen-sum n)
  (define return #f)
  (define resume #f)
  (define (next)
    (call/cc (lambda (r)
      (set! return r)
      (if resume (resume #f)
          (let loop ((i 1)) (if (<= i n) (begin (call/cc (lambda (k) (set! resume k) (return i))) (loop (+ i 1))) (return 'end)))))))
  (let loop ((sum 0)) (let ((v (next))) (if (eq? v 'end) sum (loop (+ sum v))))))
(gen-sum 200))");
  EXPECT_EQ(run.result, "20100");
  EXPECT_EQ(std::uncaught_exceptions(), 0);
  struct EhGlobals {
    void* caught;
    unsigned int uncaught;
  };
  const auto* eh = reinterpret_cast<const EhGlobals*>(__cxxabiv1::__cxa_get_globals());
  EXPECT_EQ(eh->caught, nullptr);
  EXPECT_EQ(eh->uncaught, 0u);
  bool caught = false;
  try {
    throw 42;
  } catch (int) {
    caught = true;
  }
  EXPECT_TRUE(caught);
}

std::string ParamName(const ::testing::TestParamInfo<Param>& info) {
  std::string gc = std::get<2>(info.param);
  return std::string(std::get<0>(info.param) == EngineKind::kJit ? "Jit" : "Interp") +
         (std::get<1>(info.param) == RootsMode::kPrecise ? "_Precise" : "_Conservative") +
         (gc.empty() ? "" : gc.find("generational") != std::string::npos ? "_GenStress"
                                                                          : "_Stress");
}

INSTANTIATE_TEST_SUITE_P(
    All, ContinuationsTest,
    ::testing::Combine(::testing::Values(EngineKind::kJit, EngineKind::kInterp),
                       ::testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                       ::testing::Values("", "stress=1,verify=1",
                                         "stress=5,verify=1,generational=on")),
    ParamName);

// --- The REPL and bases ----------------------------------------------------------------------

class ReplContinuationsTest : public ::testing::TestWithParam<EngineKind> {};

std::unique_ptr<Engine> Interactive(EngineKind kind, std::ostream* out) {
  EngineOptions options;
  options.interactive = true;
  options.out = out;
  auto engine = CreateEngine(kind, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? std::move(*engine) : nullptr;
}

std::string EvalToString(Engine& engine, const std::string& source) {
  absl::StatusOr<mosaic::Value> v = engine.Eval(source, "<repl>");
  return v.ok() ? engine.Write(*v) : "error: " + std::string(v.status().message());
}

// A continuation of an earlier input: re-entering it runs the rest of that input and returns
// its value as the value of the input that re-entered it (the JIT keeps that input's code).
TEST_P(ReplContinuationsTest, ReenteringAnEarlierInput) {
  std::ostringstream out;
  std::unique_ptr<Engine> engine = Interactive(GetParam(), &out);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(EvalToString(*engine, "(define k #f)"), "#<unspecified>");
  EXPECT_EQ(EvalToString(*engine,
                         "(let ((kept (list 'a 'b))) "
                         "  (list (+ 1 (call/cc (lambda (c) (set! k c) 1))) kept))"),
            "(2 (a b))");
  EXPECT_EQ(EvalToString(*engine, "(collect)"), "#<unspecified>");
  EXPECT_EQ(EvalToString(*engine, "(k 10)"), "(11 (a b))");
  EXPECT_EQ(EvalToString(*engine, "(begin (collect) (k 20))"), "(21 (a b))");
  // The engine stays usable.
  EXPECT_EQ(EvalToString(*engine, "(+ 1 2)"), "3");
}

// Evaluation from a deeper C++ stack: a different base, a clear error.
__attribute__((noinline)) std::string EvalDeeper(Engine& engine, const std::string& source,
                                                 int depth) {
  volatile char pad[512];
  pad[0] = static_cast<char>(depth);
  if (depth > 0) return EvalDeeper(engine, source, depth - 1) + std::string(1, pad[0] & 0);
  return EvalToString(engine, source);
}

TEST_P(ReplContinuationsTest, AnotherBaseIsAnError) {
  std::ostringstream out;
  std::unique_ptr<Engine> engine = Interactive(GetParam(), &out);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(EvalToString(*engine, "(define k #f)"), "#<unspecified>");
  EXPECT_EQ(EvalToString(*engine, "(+ 1 (call/cc (lambda (c) (set! k c) 1)))"), "2");
  std::string deeper = EvalDeeper(*engine, "(k 5)", 8);
  EXPECT_EQ(deeper.substr(0, deeper.find('\0')),
            "error: <repl>:1:1: continuation: cannot re-enter a continuation captured under "
            "another evaluation base (another top-level evaluation at a different stack depth)");
  EXPECT_EQ(EvalToString(*engine, "(k 5)"), "6");
}

INSTANTIATE_TEST_SUITE_P(Engines, ReplContinuationsTest,
                         ::testing::Values(EngineKind::kJit, EngineKind::kInterp),
                         [](const ::testing::TestParamInfo<EngineKind>& info) {
                           return std::string(info.param == EngineKind::kJit ? "Jit" : "Interp");
                         });

}  // namespace
}  // namespace toylang::jit
