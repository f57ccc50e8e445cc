// Built-ins called as values with two arguments (`(op a b)` where op is `<` or `+`, as a sort
// or a poset calls its order): the JIT's generic call asks the built-in's leaf entry
// (Builtin::leaf2, jit/lower.cc EmitLeafCall) before the call helper. Differentially: output,
// last value and error through the JIT equal the interpreter's, in both root modes, plain and
// under stress=1,verify=1, for fixnums, the fixnum limits (overflow to bignums), flonums,
// bignums and non-numbers (the leaf declines; the built-in computes or raises). And the leaf
// really answers: 1,000 calls of `<` on fixnums make no call of the helper, and 1,000 on
// flonums make 1,000 (PrimitiveCallsThroughHelpers); without EmitLeafCall the first count is
// 1,000 too.
#include <string>
#include <tuple>

#include "gtest/gtest.h"
#include "jit/helpers.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

constexpr char kFile[] = "values.scm";

constexpr const char* kPrelude =
    "(define (call op a b) (op a b))"
    "(define ops (list = < > <= >= + -))"
    "(define (table a b) (map (lambda (op) (call op a b)) ops))"
    "(define big (* 4611686018427387903 4))"
    "(define most 4611686018427387903) (define least (- -4611686018427387903 1))";

struct Case {
  const char* name;
  const char* source;
};

const Case kCases[] = {
    {"Fixnums", "(list (table 1 2) (table 2 2) (table -5 3) (table 0 -0))"},
    {"AtTheFixnumLimits",
     "(list (table most 1) (table least 1) (table most -1) (table least -1) (table most most)"
     "  (table least least) (table most least))"},
    {"Flonums", "(list (table 1.5 2) (table 2 0.5) (table -0.0 0.0) (table 1 1.0))"},
    {"Bignums", "(list (table big 1) (table 1 big) (table big big))"},
    {"InLoopsAndTailPosition",
     "(define (count op n) (let loop ((i 0) (k 0)) (if (= i n) k"
     "  (loop (+ i 1) (if (op i (- n i)) (+ k 1) k)))))"
     "(define (sum op n acc) (if (= n 0) acc (sum op (- n 1) (op acc n))))"
     "(define (tail op a b) (op a b))"
     "(list (count < 1000) (count >= 1000) (sum + 1000 0) (sum - 100 0) (tail < 1 2)"
     "  (tail + most 1) (tail - 3 1.5))"},
    {"AcrossCollections",
     "(define (keep op n acc) (if (= n 0) acc (keep op (- n 1) (cons (op n 7) acc))))"
     "(length (keep + 20000 '()))"},
};

const Case kErrorCases[] = {
    {"NotANumber", "(call < 1 'a)"},
    {"NotANumberFirst", "(call + \"s\" 1)"},
    {"TailNotANumber", "(define (tail op a b) (op a b)) (tail - 1 #t)"},
};

using Param = std::tuple<RootsMode, const char*, int>;  // roots, gc options, case index

class BuiltinValueTest : public testing::TestWithParam<Param> {};

TEST_P(BuiltinValueTest, JitAgreesWithTheInterpreter) {
  auto [roots, gc, index] = GetParam();
  const Case& c = kCases[index];
  ExpectJitAgrees(std::string(kPrelude) + c.source, kFile, c.name, roots, gc);
}

class BuiltinValueErrorTest : public testing::TestWithParam<Param> {};

TEST_P(BuiltinValueErrorTest, JitRaisesTheInterpretersError) {
  auto [roots, gc, index] = GetParam();
  const Case& c = kErrorCases[index];
  const std::string source = std::string(kPrelude) + c.source;
  Outcome expected = RunSource(EngineKind::kInterp, RootsMode::kConservative, "", source, kFile);
  ASSERT_EQ(expected.result.rfind("error:", 0), 0u) << expected.result;
  Outcome got = RunSource(EngineKind::kJit, roots, gc, source, kFile);
  EXPECT_EQ(got.result, expected.result) << c.name;
}

std::string Name(const testing::TestParamInfo<Param>& info, const Case* cases) {
  auto [roots, gc, index] = info.param;
  return std::string(cases[index].name) + ModeName(roots, gc);
}

// Every case in both root modes, plain and under stress.
template <size_t N>
auto EveryMode(const Case (&cases)[N]) {
  return testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                          testing::Values("", "stress=1,verify=1"),
                          testing::Range(0, static_cast<int>(N)));
}

INSTANTIATE_TEST_SUITE_P(Cases, BuiltinValueTest, EveryMode(kCases),
                         [](const testing::TestParamInfo<Param>& info) {
                           return Name(info, kCases);
                         });
INSTANTIATE_TEST_SUITE_P(Errors, BuiltinValueErrorTest, EveryMode(kErrorCases),
                         [](const testing::TestParamInfo<Param>& info) {
                           return Name(info, kErrorCases);
                         });

// The engine runs on this thread, so the helper's thread-local count is this test's.
TEST(BuiltinValueLeafTest, FixnumComparisonsAsValuesMakeNoHelperCall) {
  auto count = [](const char* source) {
    const uint64_t before = PrimitiveCallsThroughHelpers();
    Outcome run = RunSource(EngineKind::kJit, RootsMode::kPrecise, "",
                            std::string(kPrelude) + source, kFile);
    EXPECT_EQ(run.result.rfind("error:", 0), std::string::npos) << run.result;
    return PrimitiveCallsThroughHelpers() - before;
  };
  constexpr const char* kLoop =
      "(define (count op x n) (let loop ((i 0) (k 0)) (if (= i n) k"
      "  (loop (+ i 1) (if (op x i) (+ k 1) k)))))";
  EXPECT_LT(count((std::string(kLoop) + "(count < 500 1000)").c_str()), 100u);
  EXPECT_GE(count((std::string(kLoop) + "(count < 500.5 1000)").c_str()), 1000u);
}

}  // namespace
}  // namespace toylang::jit
