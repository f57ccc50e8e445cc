// Lifted procedures (frontend/analysis/lift.h, docs/design/closures.md) in both engines:
// - a named let loop and internal defines that are only called allocate nothing when their
//   procedure is entered, where without the lifting (EngineOptions::lift_procedures = false)
//   they allocate a closure each; the test measures both, so it fails if the mechanism goes;
// - lifted procedures keep the values they receive as arguments (their free variables, boxes,
//   closures) across collections, in both root modes, plain and under stress=1,verify=1,
//   against hand-written expectations checked in the interpreter too.
#include <cstdint>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"
#include "tests/jit/create_engine.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

constexpr int kRuns = 20000;

// count-to's loop captures n and itself, sum3's add captures a and twice captures add: three
// closures per iteration of run when they are not lifted (header, code and captures: 32, 24
// and 24 bytes).
constexpr char kLoops[] =
    "(define (count-to n) (let loop ((i 0)) (if (< i n) (loop (+ i 1)) i)))"
    "(define (sum3 a) (define (add b) (+ a b)) (define (twice x) (add (add x))) (twice 1))"
    "(define (run k acc) (if (= k 0) acc (run (- k 1) (+ acc (count-to 3) (sum3 k)))))"
    "(run 20000 0)";
// (count-to 3) is 3 and (sum3 k) is 2k + 1: 4k + 2k summed over k = 1..20000.
constexpr char kLoopsResult[] = "400100000";

struct Allocation {
  std::string result;
  uint64_t bytes = 0;     // allocated during the evaluation
  uint64_t lifted = 0;    // EngineStats::lifted_procedures
};

Allocation Measure(EngineKind kind, RootsMode roots, bool lift) {
  std::ostringstream out;
  EngineOptions options;
  options.roots = roots;
  options.out = &out;
  options.lift_procedures = lift;
  absl::StatusOr<std::unique_ptr<Engine>> engine = CreateEngine(kind, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (!engine.ok()) return {};
  const uint64_t before = (*engine)->heap().Stats().bytes_allocated;
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval(kLoops, "loops.scm");
  Allocation a;
  a.result = v.ok() ? (*engine)->Write(*v) : std::string(v.status().message());
  a.bytes = (*engine)->heap().Stats().bytes_allocated - before;
  a.lifted = (*engine)->Stats().lifted_procedures;
  return a;
}

using EngineParam = std::tuple<EngineKind, RootsMode>;

class LiftedAllocationTest : public testing::TestWithParam<EngineParam> {};

TEST_P(LiftedAllocationTest, WellKnownProceduresAllocateNoClosure) {
  auto [kind, roots] = GetParam();
  Allocation lifted = Measure(kind, roots, /*lift=*/true);
  Allocation closures = Measure(kind, roots, /*lift=*/false);
  EXPECT_EQ(lifted.result, kLoopsResult);
  EXPECT_EQ(closures.result, kLoopsResult);
  EXPECT_EQ(lifted.lifted, 3u);
  EXPECT_EQ(closures.lifted, 0u);
  // With closures: three per iteration, at least 24 bytes each.
  EXPECT_GE(closures.bytes, uint64_t{kRuns} * 3 * 24);
  // Lifted: nothing per iteration (what the evaluation allocates besides, the engine's
  // constants and boxes, is far less than a byte per iteration).
  EXPECT_LT(lifted.bytes, uint64_t{kRuns});
  RecordProperty("bytes_lifted", std::to_string(lifted.bytes));
  RecordProperty("bytes_with_closures", std::to_string(closures.bytes));
}

std::string EngineName(const testing::TestParamInfo<EngineParam>& info) {
  auto [kind, roots] = info.param;
  return std::string(kind == EngineKind::kJit ? "Jit" : "Interp") +
         (roots == RootsMode::kPrecise ? "Precise" : "Conservative");
}

INSTANTIATE_TEST_SUITE_P(
    Engines, LiftedAllocationTest,
    testing::Values(EngineParam{EngineKind::kInterp, RootsMode::kConservative},
                    EngineParam{EngineKind::kJit, RootsMode::kPrecise},
                    EngineParam{EngineKind::kJit, RootsMode::kConservative}),
    EngineName);

struct Case {
  const char* name;
  const char* source;
  const char* expected;  // as `write` prints the last form's value
};

const Case kCases[] = {
    {"FreeVariablesAcrossCollectionsInALoop",
     // walk is lifted with `data`: a fresh structure passed at every iteration, the only
     // reference to it once f's frame is waiting in the non-tail call.
     "(define (f n)"
     "  (define data (list (vector 1 2) (list 3 4) (string #\\f #\\i #\\v #\\e)))"
     "  (define (walk k acc)"
     "    (collect) (make-vector 10 k)"
     "    (if (= k 0) (list acc data) (walk (- k 1) (cons (list k) acc))))"
     "  (list (walk n '()) (length data)))"
     "(f 3)",
     "((((1) (2) (3)) (#(1 2) (3 4) \"five\")) 3)"},
    {"SixParametersNonTailCalls",
     // four of its own and two free variables, both heap values, with collections in the
     // callee and values of the caller live across the call.
     "(define (g a b)"
     "  (define (h w x y z) (collect) (make-string 20 #\\q) (list w x y z (car a) (cdr b)))"
     "  (let ((keep (list 'k (vector 'k))))"
     "    (let ((r (h (list 1) (vector 2) \"3\" (cons 4 4))))"
     "      (collect) (list keep r))))"
     "(g (cons 'a 'aa) (cons 'b (list 'bb)))",
     "((k #(k)) ((1) #(2) \"3\" (4 . 4) a (bb)))"},
    {"BoxedFreeVariablesAreShared",
     "(define (counter)"
     "  (define total (list 0))"
     "  (define (add! x) (set! total (cons x total)) (collect) (make-vector 3 x))"
     "  (add! 1) (add! (list 2)) (add! \"three\")"
     "  total)"
     "(counter)",
     "(\"three\" (2) 1 0)"},
    {"ClosuresMadeInsideLiftedProcedures",
     // make is lifted with base and the lifted sq's n; its closures capture them and are
     // called after collections, from map.
     "(define (adders base n)"
     "  (define (sq x) (+ (* x x) (car n)))"
     "  (define (make k) (lambda (y) (collect) (list (+ y k (car base)) (sq k))))"
     "  (let loop ((k 0) (acc '()))"
     "    (if (= k 3) (map (lambda (f) (f 100)) (reverse acc))"
     "        (loop (+ k 1) (cons (make k) acc)))))"
     "(adders (list 1000) (list 7))",
     "((1100 7) (1101 8) (1102 11))"},
    {"MutualRecursionAndADeepNonTailChain",
     "(define (f n tag)"
     "  (define (down k) (if (= k 0) (list tag) (cons k (up (- k 1)))))"
     "  (define (up k) (if (= k 0) (begin (collect) (list tag tag)) (cons (- k) (down (- k 1)))))"
     "  (length (down n)))"
     "(f 1001 (vector 'tag))",
     "1003"},
    {"AClosureCapturingItselfCalledByALiftedPartner",
     // od? escapes (map) and keeps its closure; ev? is lifted and gets it as an argument.
     "(define (f n)"
     "  (define (ev? k) (if (= k 0) #t (od? (- k 1))))"
     "  (define (od? k) (if (= k 0) #f (begin (collect) (ev? (- k 1)))))"
     "  (list (ev? n) (map od? '(1 2 3))))"
     "(f 10)",
     "(#t (#t #f #t))"},
};

using Param = std::tuple<EngineKind, RootsMode, const char*, int>;  // engine, roots, gc, case

class LiftedValuesTest : public testing::TestWithParam<Param> {};

TEST_P(LiftedValuesTest, MatchesExpectation) {
  auto [kind, roots, gc, index] = GetParam();
  const Case& c = kCases[index];
  std::ostringstream out;
  EngineOptions options;
  options.roots = roots;
  options.gc_options = gc;
  options.out = &out;
  absl::StatusOr<std::unique_ptr<Engine>> engine = CreateEngine(kind, options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval(c.source, "lifted.scm");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ((*engine)->Write(*v), c.expected);
  EXPECT_GT((*engine)->Stats().lifted_procedures, 0u);
}

std::string CaseName(const testing::TestParamInfo<Param>& info) {
  auto [kind, roots, gc, index] = info.param;
  return std::string(kCases[index].name) + (kind == EngineKind::kJit ? "_Jit" : "_Interp") +
         ModeName(roots, gc);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, LiftedValuesTest,
    testing::Combine(testing::Values(EngineKind::kInterp, EngineKind::kJit),
                     testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kCases)))),
    CaseName);

}  // namespace
}  // namespace toylang::jit
