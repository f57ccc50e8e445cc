// The inline `length` (a loop over the cdrs in the generated code), differentially: every
// program's output, last value and error message through the JIT must equal the interpreter's,
// in both root modes, with default GC options and under stress=1,verify=1 (a collection at
// every other allocation; freed cells are poisoned, so a list the loop walks after a
// collection must still be reachable).
//
// The loop leaves for the built-in on anything but a proper list of at most
// kMaxInlineLengthSteps pairs: improper lists, cycles and non-lists must raise the built-in's
// error at the call's position, a longer list must still be counted, and a redefined `length`
// must be called by code compiled before the redefinition.
#include <memory>
#include <sstream>
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "jit/lower_internal.h"
#include "mosaic/heap.h"

namespace toylang::jit {
namespace {

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
};

struct Outcome {
  std::string out, result;
};

Outcome RunIn(EngineKind kind, RootsMode roots, const std::string& gc, const std::string& source) {
  RegisterJitEngine();
  std::ostringstream out;
  EngineOptions options;
  options.engine = kind;
  options.roots = roots;
  options.gc_options = gc;
  options.out = &out;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (!engine.ok()) return {};
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval(source, "list.scm");
  Outcome run;
  run.result = v.ok() ? (*engine)->Write(*v) : "error: " + std::string(v.status().message());
  run.out = out.str();
  return run;
}

using Param = std::tuple<RootsMode, const char*, int>;  // roots, gc options, case index

std::string ModeName(RootsMode roots, const char* gc) {
  return std::string(roots == RootsMode::kPrecise ? "_Precise" : "_Conservative") +
         (std::string(gc).empty() ? "" : "_Stress");
}

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
  Outcome expected = RunIn(EngineKind::kInterp, RootsMode::kConservative, "", c.source);
  ASSERT_EQ(expected.result.rfind("error:", 0), std::string::npos) << expected.result;
  Outcome got = RunIn(EngineKind::kJit, roots, gc, c.source);
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
  Outcome expected = RunIn(EngineKind::kInterp, RootsMode::kConservative, "", c.source);
  ASSERT_EQ(expected.result.rfind("error:", 0), 0u) << expected.result;
  Outcome got = RunIn(EngineKind::kJit, roots, gc, c.source);
  EXPECT_EQ(got.result, expected.result) << c.name;
  EXPECT_EQ(got.out, expected.out) << c.name;
}

INSTANTIATE_TEST_SUITE_P(
    Errors, InlineListErrorTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(std::size(kErrorCases)))),
    ErrorCaseName);

// A list longer than the inline loop walks is counted by the built-in (no stress: a million
// pairs).
TEST(InlineListLongTest, ListsLongerThanTheInlineLimitAreCounted) {
  const std::string n = std::to_string(internal::kMaxInlineLengthSteps + 3);
  const std::string source =
      "(define (upto n acc) (if (= n 0) acc (upto (- n 1) (cons n acc))))"
      "(define (len l) (length l))"
      "(define l (upto " + n + " '()))"
      "(list (len l) (len (cdr l)) (length l))";
  for (RootsMode roots : {RootsMode::kPrecise, RootsMode::kConservative}) {
    Outcome got = RunIn(EngineKind::kJit, roots, "", source);
    const std::string m = std::to_string(internal::kMaxInlineLengthSteps + 2);
    EXPECT_EQ(got.result, "(" + n + " " + m + " " + n + ")");
  }
}

}  // namespace
}  // namespace toylang::jit
