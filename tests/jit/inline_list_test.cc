// The inline `length` (a loop over the cdrs in the generated code) and two-list `append` (a
// loop copying the first list), differentially: every
// program's output, last value and error message through the JIT must equal the interpreter's,
// in both root modes, with default GC options and under stress=1,verify=1 (a collection at
// every other allocation; freed cells are poisoned, so a list the loop walks after a
// collection must still be reachable).
//
// The loops leave for the built-in on anything but a proper list of at most
// kMaxInlineLengthSteps pairs (append: also when the allocation buffer runs out): improper
// lists, cycles and non-lists must raise the built-in's error at the call's position, a
// longer list must still be counted or copied, and a redefined `length` or `append` must be
// called by code compiled before the redefinition.
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "jit/lower_internal.h"
#include "mosaic/heap.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

// The file name error positions carry, in both engines.
constexpr char kFile[] = "list.scm";

struct Case {
  const char* name;
  const char* source;
};

const Case kCases[] = {
    {"ProperListsInProceduresAndAtTopLevel",
     "(define (len l) (length l))"
     "(define (upto n acc) (if (= n 0) acc (upto (- n 1) (cons n acc))))"
     "(write (list (len '()) (len '(1)) (len (list 1 2 3)) (len (upto 1000 '()))"
     "  (length '()) (length '(a b c d e)) (length (upto 77 '()))))"
     "(newline)"
     "(list (len (list (list 1 2) 3)) (+ 1 (length (upto 5 '()))))"},
    {"ListsBuiltAcrossCollections",
     // The list a loop counts is made in the same procedure, with collections between.
     "(define (build n acc) (if (= n 0) acc (build (- n 1) (cons (list n) acc))))"
     "(define (count-all k acc) (if (= k 0) acc"
     "  (let ((l (build k '()))) (collect) (make-vector 10 0)"
     "    (count-all (- k 1) (+ acc (length l) (length (car l)))))))"
     "(count-all 60 0)"},
    {"LengthInsideALoopAfterSetCdr",
     // Destructive updates change what the next length counts.
     "(define (chop! l) (set-cdr! (cdr l) '()) l)"
     "(define (go n acc) (if (= n 0) acc"
     "  (let ((l (list 1 2 3 4 5 n))) (go (- n 1) (+ acc (length l) (length (chop! l)))))))"
     "(go 500 0)"},
    {"RedefinedLengthReachesEarlierCode",
     "(define (len l) (length l))"
     "(define a (len '(1 2 3)))"
     "(set! length (lambda (l) 'mine))"
     "(define b (len '(1 2 3)))"
     "(define c (length '(x)))"
     "(list a b c)"},
    {"AppendTwoLists",
     "(define (app a b) (append a b))"
     "(define (upto n acc) (if (= n 0) acc (upto (- n 1) (cons n acc))))"
     "(define b (list 'x 'y))"
     "(define r (app (list 1 2 3) b))"
     "(write (list r (app '() b) (app '(1) 5) (app '() 5) (app (upto 300 '()) '())"
     "  (eq? (cdddr r) b) (append '(a) '(b)) (append '() '())))"
     "(newline)"
     // A copy: mutating the result leaves the first list alone.
     "(define a (list 1 2)) (define c (app a '(3))) (set-car! c 'changed) (list a c)"},
    {"AppendAcrossCollections",
     // Thousands of inline copies, each pair allocated inline (under stress, every other
     // buffer refill falls back to the built-in), kept while collections run.
     "(define (app a b) (append a b))"
     "(define (grow n acc) (if (= n 0) acc"
     "  (grow (- n 1) (app (list n (list n)) acc))))"
     "(define (check l k) (if (null? l) k (check (cddr l) (+ k (car l) (car (cadr l))))))"
     "(define l (grow 2000 '())) (collect) (make-vector 10 0)"
     "(list (length l) (check l 0) (car l) (cadr l))"},
    {"RedefinedAppendReachesEarlierCode",
     "(define (app a b) (append a b))"
     "(define x (app '(1) '(2)))"
     "(set! append (lambda (a b) (list 'mine a b)))"
     "(list x (app '(1) '(2)))"},
    {"LengthDefinedByTheProgram",
     // A program that defines its own length before using it: the inline path must not run.
     "(define (length l) (if (pair? l) (+ 10 (length (cdr l))) 0))"
     "(define (f l) (length l))"
     "(list (f '(1 2 3)) (length '(a)))"},
};

// Programs whose last form raises an error: the message and position must be the built-in's
// through the inline loop's fallback.
const Case kErrorCases[] = {
    {"ImproperList", "(define (f l) (length l)) (f (cons 1 (cons 2 3)))"},
    {"ImproperListAtTopLevel", "(length (cons 1 2))"},
    {"NotAList", "(define (f l) (+ 1 (length l))) (f 42)"},
    {"CyclicList",
     "(define (f l) (length l)) (define l (list 1 2 3)) (set-cdr! (cddr l) l) (f l)"},
    {"CyclicListOfOnePair",
     "(define l (list 1)) (set-cdr! l l) (define (f x) (length x)) (f l)"},
    {"WrongArgumentCount", "(define (f l) (length l l)) (f '(1))"},
    {"AppendToAnImproperList", "(define (f a b) (append a b)) (f (cons 1 2) '(3))"},
    {"AppendANonList", "(define (f a b) (append a b)) (f 7 '(3))"},
    {"AppendACyclicList",
     "(define (f a b) (append a b)) (define l (list 1 2)) (set-cdr! (cdr l) l) (f l '())"},
    {"AppendAtTopLevel", "(display (append '(1) '(2))) (append (cons 1 2) '())"},
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

class InlineListTest : public testing::TestWithParam<Param> {};

TEST_P(InlineListTest, JitAgreesWithTheInterpreter) {
  auto [roots, gc, index] = GetParam();
  const Case& c = kCases[index];
  Outcome expected =
      RunSource(EngineKind::kInterp, RootsMode::kConservative, "", c.source, kFile);
  ASSERT_EQ(expected.result.rfind("error:", 0), std::string::npos) << expected.result;
  Outcome got = RunSource(EngineKind::kJit, roots, gc, c.source, kFile);
  EXPECT_EQ(got.out, expected.out) << c.name;
  EXPECT_EQ(got.result, expected.result) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InlineListTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kCases)))),
    CaseName);

class InlineListErrorTest : public testing::TestWithParam<Param> {};

TEST_P(InlineListErrorTest, ErrorsAgree) {
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
    Errors, InlineListErrorTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kErrorCases)))),
    ErrorCaseName);

// A list longer than the inline loops walk is counted and copied by the built-in (no stress:
// a million pairs).
TEST(InlineListLongTest, ListsLongerThanTheInlineLimitAreCounted) {
  const std::string n = std::to_string(internal::kMaxInlineLengthSteps + 3);
  const std::string source =
      "(define (upto n acc) (if (= n 0) acc (upto (- n 1) (cons n acc))))"
      "(define (len l) (length l))"
      "(define l (upto " + n + " '()))"
      "(define (app a b) (append a b))"
      "(list (len l) (len (cdr l)) (length l) (len (app l '(x))) (car (app l '())))";
  for (RootsMode roots : {RootsMode::kPrecise, RootsMode::kConservative}) {
    Outcome got = RunSource(EngineKind::kJit, roots, "", source, kFile);
    const std::string m = std::to_string(internal::kMaxInlineLengthSteps + 2);
    const std::string n1 = std::to_string(internal::kMaxInlineLengthSteps + 4);
    EXPECT_EQ(got.result, "(" + n + " " + m + " " + n + " " + n1 + " 1)");
  }
}

}  // namespace
}  // namespace toylang::jit
