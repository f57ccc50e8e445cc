// The inline flonum arithmetic and comparisons (+ - * / < > <= >= = on two operands) and the
// inline vector constructors (`vector` with up to 8 operands, `make-vector` with a constant
// length up to kMaxInlineVector), differentially: every program's output, last value and error
// message through the JIT must equal the interpreter's, in both root modes, with default GC
// options and under stress=1,verify=1 (a collection at every other allocation: the inline
// bumps then take their slow path, the built-in, every other time; freed cells are poisoned).
//
// Each program runs its code both inside procedures (compiled at O2) and at top level (the
// thunks, at O0).
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

// The file name error positions carry, in both engines.
constexpr char kFile[] = "inline.scm";

struct Case {
  const char* name;
  const char* source;
};

// The edge values every arithmetic case combines pairwise: signed zeros, infinities, a NaN,
// fixnums (mixed exact/inexact), values whose sums overflow to inf, and fixnums that do not
// convert exactly to a double.
constexpr const char* kValues =
    "(define vals (list 0.0 -0.0 +inf.0 -inf.0 +nan.0 1.5 -2.25 0.1 1e308 -1e308 5e-324"
    "  0 1 -7 3 4611686018427387903 -4611686018427387904 9007199254740993)) (collect)";

const Case kCases[] = {
    {"ArithmeticOfEveryPair",
     // Two fixnums are the fixnum paths' business (and may overflow): skipped here.
     "(define (arith a b) (if (and (exact? a) (exact? b)) 'exact"
     "  (list (+ a b) (- a b) (* a b) (/ a b))))"
     "(for-each (lambda (a) (for-each (lambda (b) (write (arith a b)) (newline)) vals)) vals)"},
    {"ComparisonsOfEveryPair",
     "(define (cmp a b) (list (< a b) (> a b) (= a b) (<= a b) (>= a b)))"
     "(for-each (lambda (a) (for-each (lambda (b) (write (cmp a b)) (newline)) vals)) vals)"},
    {"TopLevelForms",
     "(write (list (+ 1.5 2) (+ 2 1.5) (+ -0.0 -0.0) (+ -0.0 0) (+ 0 -0.0) (- 0.0 0.0)"
     "  (- -0.0 0.0) (- 0 0.0) (* -0.0 0) (* 1e200 1e200) (/ 1.0 0) (/ -1 0.0) (/ 0.0 0.0)"
     "  (/ 0 -0.0) (/ 1.0 3) (* 0.1 3) (+ 0.1 0.2) (- +inf.0 +inf.0) (* +inf.0 0)))"
     "(newline)"
     "(write (list (< 1.0 2.0) (< 2.0 1.0) (= 0.0 -0.0) (< +nan.0 1.0) (>= +nan.0 +nan.0)"
     "  (= +nan.0 +nan.0) (<= -inf.0 -1e308) (> +inf.0 1e308) (< 1 2.0) (= 3 3.0)"
     "  (< 9007199254740993 9007199254740992.0) (> 1.5 1) (<= 2 2)))"
     "(newline)"
     "(list (+ 0.5 0.25) (- 1 0.5) (* 2.0 -3) (/ 9 2.0) (< 0.5 0.25))"},
    {"FlonumsAfterCollect",
     "(define (g a b) (let ((s (+ a b)) (p (* a b)) (q (/ a b)))"
     "  (collect) (make-vector 10 0.5) (list s p q (- s p) (< s p))))"
     "(define r (g 1.5 2.25)) (collect) (list 7 8 9) (write r) (newline)"
     "(define t (list (- 2.5 0.5) (* 3 0.5))) (collect) (make-string 40 #\\z) t"},
    {"FlonumLoops",
     // Thousands of inline flonums: under stress half of them come from the built-in.
     "(define (sum n acc) (if (= n 0) acc (sum (- n 1) (+ acc 0.1))))"
     "(define (prod n acc) (if (= n 0) acc (prod (- n 1) (* acc 1.0001))))"
     "(define (keep n acc) (if (= n 0) acc (keep (- n 1) (cons (/ n 4.0) acc))))"
     "(define (count-below l x k) (if (null? l) k"
     "  (count-below (cdr l) x (if (< (car l) x) (+ k 1) k))))"
     "(define l (keep 2000 '())) (collect)"
     "(list (sum 5000 0.0) (prod 3000 1.0) (length l) (car l) (list-ref l 1999)"
     "  (count-below l 100.5 0) (apply + l))"},
    {"FlonumErrorsAndNonNumbers",
     // Wrong types take the built-in, which raises its error (checked in ErrorsAgree too).
     "(define (safe-add a b) (if (and (number? a) (number? b)) (+ a b) 'no))"
     "(list (safe-add 1.5 \"x\") (safe-add 'a 2.0) (safe-add 1.5 2) (eqv? (+ 0.5 0.5) 1.0)"
     "  (* 4611686018427387903 2.0) (+ 4611686018427387903 1.0) (- -4611686018427387904 1.0))"},
    {"VectorOfEachInlineSize",
     "(define (vs a b) (list (vector) (vector a) (vector a b) (vector a b 3) (vector a b 3 4)"
     "  (vector a b 3 4 5) (vector a b 3 4 5 6) (vector a b 3 4 5 6 7)"
     "  (vector a b 3 4 5 6 7 8) (vector a b 3 4 5 6 7 8 9)))"
     "(define r (vs (list 'x) \"y\")) (collect) (make-vector 20 'g) (write r) (newline)"
     "(define t (list (vector) (vector 1.5) (vector 'a 'b 'c 'd 'e 'f 'g 'h)"
     "  (vector 1 2 3 4 5 6 7 8 9 10)))"
     "(collect) (list 1 2 3) (write t) (newline)"
     "(list (vector-length (vector)) (length (vs 1 2)) (vector? (vector 1))"
     "  (vector-ref (vector 1 2 3 4 5 6 7 8) 7) (equal? (vector 1 2) (vector 1 2)))"},
    {"MakeVectorConstantSizes",
     "(define (mv x) (list (make-vector 0) (make-vector 0 x) (make-vector 1 x) (make-vector 2)"
     "  (make-vector 3 x) (make-vector 8 x) (make-vector 15) (make-vector 16 x)"
     "  (make-vector 17 x) (make-vector 31 0)))"
     "(define (mvn n x) (make-vector n x))"
     "(define r (mv (list 1 2))) (collect) (make-string 100 #\\q) (write r) (newline)"
     "(write (list (make-vector 0 'a) (make-vector 4 'b) (make-vector 16) (mvn 5 1.5)"
     "  (mvn 0 'z)))"
     "(newline)"
     "(let ((v (make-vector 4 0))) (vector-set! v 3 (list 'm)) (collect) (cons 1 2)"
     "  (list v (vector-length (make-vector 16 1)) (vector-length (make-vector 0))))"},
    {"VectorsHoldingHeapValuesAcrossCollections",
     "(define (mk a) (let ((v (vector (list a) (vector a a) (+ a 0.5) (make-vector 2 (list a)))))"
     "  (collect) (make-string 40 #\\z) (cons 0 0) v))"
     "(define (build n acc) (if (= n 0) acc (build (- n 1) (cons (mk n) acc))))"
     "(define l (build 200 '())) (collect)"
     "(list (length l) (car l) (list-ref l 199) (vector-ref (list-ref l 100) 2))"},
};

// Programs whose last form raises an error: the message must be the built-in's, with the same
// position, through the inline paths' fallback.
const Case kErrorCases[] = {
    {"AddAFlonumToASymbol", "(define (f a b) (+ a b)) (f 1.5 'x)"},
    {"SubtractAStringFromAFlonum", "(- 2.5 \"s\")"},
    {"CompareAFlonumWithABoolean", "(define (f a b) (< a b)) (f 1.5 #t)"},
    {"DivideAFlonumByAPair", "(define (f a b) (/ a b)) (f 1.5 (cons 1 2))"},
    {"ExactDivisionByZero", "(define (f a b) (/ a b)) (f 3 0)"},
    {"MultiplyOverflowsThenAddASymbol", "(define (f a b) (+ (* a b) 'x)) (f 4611686018427387903 2)"},
    {"MakeVectorNegative", "(make-vector -1 0)"},
    {"MakeVectorNotAFixnum", "(define (f) (make-vector 'a 0)) (f)"},
    {"RefBeyondAnEmptyVector", "(vector-ref (make-vector 0 1) 0)"},
    {"RefBeyondAVector", "(define (f) (vector-ref (vector 1 2 3) 3)) (f)"},
};

using Param = std::tuple<RootsMode, const char*, int>;  // roots, gc options, case index

std::string CaseName(const testing::TestParamInfo<Param>& info) {
  auto [roots, gc, index] = info.param;
  return std::string(kCases[index].name) + ModeName(roots, gc);
}

std::string ErrorCaseName(const testing::TestParamInfo<Param>& info) {
  auto [roots, gc, index] = info.param;
  return std::string(kErrorCases[index].name) + ModeName(roots, gc);
}

class InlineFloatVectorTest : public testing::TestWithParam<Param> {};

TEST_P(InlineFloatVectorTest, JitAgreesWithTheInterpreter) {
  auto [roots, gc, index] = GetParam();
  const Case& c = kCases[index];
  const std::string source = std::string(kValues) + c.source;
  Outcome expected =
      RunSource(EngineKind::kInterp, RootsMode::kConservative, "", source, kFile);
  ASSERT_EQ(expected.result.rfind("error:", 0), std::string::npos) << expected.result;
  Outcome got = RunSource(EngineKind::kJit, roots, gc, source, kFile);
  EXPECT_EQ(got.out, expected.out) << c.name;
  EXPECT_EQ(got.result, expected.result) << c.name;
  EXPECT_TRUE(got.collected) << c.name << ": no collection ran";
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InlineFloatVectorTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kCases)))),
    CaseName);

class InlineFloatVectorErrorTest : public testing::TestWithParam<Param> {};

TEST_P(InlineFloatVectorErrorTest, ErrorsAgree) {
  auto [roots, gc, index] = GetParam();
  const Case& c = kErrorCases[index];
  Outcome expected =
      RunSource(EngineKind::kInterp, RootsMode::kConservative, "", c.source, kFile);
  ASSERT_EQ(expected.result.rfind("error:", 0), 0u) << expected.result;
  Outcome got = RunSource(EngineKind::kJit, roots, gc, c.source, kFile);
  EXPECT_EQ(got.result, expected.result) << c.name;
  EXPECT_EQ(got.out, expected.out) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, InlineFloatVectorErrorTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kErrorCases)))),
    ErrorCaseName);

}  // namespace
}  // namespace toylang::jit
