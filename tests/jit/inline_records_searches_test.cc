// The inline record paths (define-record-type's constructor, predicate, accessors and
// modifiers: %record-make, %record?, %record-ref, %record-set! in jit/lower_inline.cc) and the
// inline list searches (memq, assq, and memv, assv with a key that is not a heap object),
// differentially: every program's output, last value and error message through the JIT must
// equal the interpreter's, in both root modes, with default GC options and under
// stress=1,verify=1 (the inline allocation then takes its slow path every other time).
// That the modifier is really inlined is shown by WriteBarrierTest's record-set case.
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

constexpr char kFile[] = "records.scm";

struct Case {
  const char* name;
  const char* source;
};

constexpr const char* kTypes =
    "(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y))"
    "(define-record-type <node> (make-node left right val) node? (left node-left)"
    "  (right node-right set-node-right!) (val node-val set-node-val!))"
    "(define-record-type empty (make-empty) empty?)"
    "(define-record-type partial (make-partial b) partial? (a partial-a) (b partial-b))"
    "(define-record-type wide (make-wide a b c d e f g h i j k l m n o p q r) wide?"
    "  (a wide-a) (b wide-b) (c wide-c) (d wide-d) (e wide-e) (f wide-f) (g wide-g)"
    "  (h wide-h) (i wide-i) (j wide-j) (k wide-k) (l wide-l) (m wide-m) (n wide-n)"
    "  (o wide-o) (p wide-p) (q wide-q) (r wide-r))";

const Case kCases[] = {
    {"ConstructAccessModify",
     "(define (f a b) (let ((p (make-point a b))) (set-point-x! p (+ (point-x p) 1))"
     "  (list (point-x p) (point-y p) (point? p) (point? a) (node? p))))"
     "(write (f 1 (list 2))) (newline)"
     "(let ((p (make-point 'a 'b))) (set-point-x! p 'c) (list (point-x p) (point-y p)))"},
    {"PredicatesOnEverything",
     "(define (preds v) (list (point? v) (node? v) (empty? v) (partial? v) (wide? v)))"
     "(for-each (lambda (v) (write (preds v)) (newline))"
     "  (list 1 'a \"s\" #\\c '() (cons 1 2) (vector 1 2) (make-point 1 2) (make-empty)"
     "    (make-partial 3) (make-node #f #f 0) 1.5 preds point))"},
    {"FieldsOfEverySizeAndTheMissingOnes",
     "(define (w) (make-wide 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18))"
     "(define (p) (make-partial 'b))"
     "(list (wide-a (w)) (wide-r (w)) (partial-a (p)) (partial-b (p)) (empty? (make-empty)))"},
    {"TreesAcrossCollections",
     "(define (build d) (if (= d 0) (make-node #f #f d)"
     "  (make-node (build (- d 1)) (build (- d 1)) d)))"
     "(define (sum t) (if (node-left t) (+ (node-val t) (sum (node-left t)) (sum (node-right t)))"
     "  (node-val t)))"
     "(define t (build 12)) (collect)"
     "(define (relink t) (if (node-left t) (begin (set-node-right! t (build 1)) (relink (node-left t)))))"
     "(relink t) (collect) (make-string 100 #\\z)"
     "(define (bump t) (if t (begin (set-node-val! t (list (node-val t))) (bump (node-left t)))))"
     "(bump t) (collect)"
     "(list (sum (build 10)) (node-val t) (node-val (node-left (node-left t))) (sum (node-right t)))"},
};

// Searches: hits, misses, improper lists found before and after their tails, cycles, keys of
// every kind (memv/assv with a flonum or string key take the built-in).
constexpr const char* kSearches =
    "(define (searches k l al) (list (memq k l) (memv k l) (assq k al) (assv k al)))"
    "(define sym (list 'a 'b 'c)) (define al (list (cons 'a 1) (cons 2 'two) (cons #\\c 3)))"
    "(define cyc (list 1 2 3)) (set-cdr! (cddr cyc) cyc)"
    "(define acyc (list (cons 1 'x) (cons 2 'y))) (set-cdr! (cdr acyc) acyc)";

const Case kSearchCases[] = {
    {"HitsAndMisses",
     "(define p (cons 1 2)) (define l (list 'x 7 #\\q p '() #t 1.5 \"s\"))"
     "(define keys (list 'x 7 #\\q p '() #t 1.5 \"s\" 'nope 8 (cons 1 2)))"
     "(for-each (lambda (k) (write (searches k l (map (lambda (e) (cons e e)) l))) (newline))"
     "  keys)"
     "(list (memq 'c sym) (memq 'z sym) (memq 'a '()) (assq 2 al) (assv #\\c al) (assq 'q '()))"},
    {"ImproperListsFoundBeforeTheTail",
     "(define (f k l) (memq k l)) (define (g k l) (assq k l))"
     "(list (f 'a '(a . b)) (f 2 (cons 1 (cons 2 3))) (g 1 (cons (cons 1 'one) 'tail))"
     "  (f 2 cyc) (g 2 acyc) (memv 3 cyc) (assv 1 acyc))"},
    {"LongListsAcrossCollections",
     "(define (build n acc) (if (= n 0) acc (build (- n 1) (cons n acc))))"
     "(define big (build 3000 '())) (define abig (map (lambda (n) (cons n (list n))) big))"
     "(collect)"
     "(list (car (memq 2999 big)) (length (memv 1500 big)) (assq 2777 abig) (memq -1 big)"
     "  (assv 3000 abig))"},
};

const Case kErrorCases[] = {
    {"AccessorOnAnotherRecord", "(define (f p) (point-x p)) (f (make-empty))"},
    {"AccessorOnAFixnum", "(point-y 3)"},
    {"ModifierOnAVector", "(define (f p) (set-point-x! p 1)) (f (vector 1 2))"},
    {"TooManyFieldValues", "(define (f) (%record-make point 1 2 3)) (f)"},
    {"RecordPredicateOfANonType", "(define (f v) (%record? v 'point)) (f 1)"},
    {"MemqReachesAnImproperTail", "(define (f k l) (memq k l)) (f 'z '(a b . c))"},
    {"MemvAroundACycle", "(define (f k l) (memv k l)) (define c (list 1 2)) (set-cdr! (cdr c) c)"
     "(f 9 c)"},
    {"AssqOfANonPairElement", "(define (f k l) (assq k l)) (f 'z (list (cons 'a 1) 'b))"},
    {"AssvOfANonList", "(assv 1 5)"},
};

using Param = std::tuple<RootsMode, const char*, int>;  // roots, gc options, case index

std::string CaseName(const testing::TestParamInfo<Param>& info) {
  auto [roots, gc, index] = info.param;
  return std::string(kCases[index].name) + ModeName(roots, gc);
}

std::string SearchCaseName(const testing::TestParamInfo<Param>& info) {
  auto [roots, gc, index] = info.param;
  return std::string(kSearchCases[index].name) + ModeName(roots, gc);
}

std::string ErrorCaseName(const testing::TestParamInfo<Param>& info) {
  auto [roots, gc, index] = info.param;
  return std::string(kErrorCases[index].name) + ModeName(roots, gc);
}

// The program `prelude` + c.source: the JIT agrees with the interpreter (ExpectJitAgrees).
void ExpectAgreement(const char* prelude, const Case& c, RootsMode roots, const char* gc) {
  ExpectJitAgrees(std::string(prelude) + c.source, kFile, c.name, roots, gc);
}

class InlineRecordTest : public testing::TestWithParam<Param> {};

TEST_P(InlineRecordTest, JitAgreesWithTheInterpreter) {
  auto [roots, gc, index] = GetParam();
  ExpectAgreement(kTypes, kCases[index], roots, gc);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InlineRecordTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kCases)))),
    CaseName);

class InlineSearchTest : public testing::TestWithParam<Param> {};

TEST_P(InlineSearchTest, JitAgreesWithTheInterpreter) {
  auto [roots, gc, index] = GetParam();
  ExpectAgreement(kSearches, kSearchCases[index], roots, gc);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InlineSearchTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kSearchCases)))),
    SearchCaseName);

class InlineErrorTest : public testing::TestWithParam<Param> {};

TEST_P(InlineErrorTest, ErrorsAgree) {
  auto [roots, gc, index] = GetParam();
  const Case& c = kErrorCases[index];
  const std::string source = std::string(kTypes) + kSearches + c.source;
  Outcome expected = RunSource(EngineKind::kInterp, RootsMode::kConservative, "", source, kFile);
  ASSERT_EQ(expected.result.rfind("error:", 0), 0u) << expected.result;
  Outcome got = RunSource(EngineKind::kJit, roots, gc, source, kFile);
  EXPECT_EQ(got.result, expected.result) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, InlineErrorTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kErrorCases)))),
    ErrorCaseName);

}  // namespace
}  // namespace toylang::jit
