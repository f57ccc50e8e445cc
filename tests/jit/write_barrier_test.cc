// The write barrier in generated code: every store path that puts a reference into an existing
// object records it, so that with generations a young object reachable only from an old one
// survives minor collections; and with one path compiled without its barrier
// (SkipWriteBarrierForTesting), verify=1 stops at the next collection naming the object.
#include <string>

#include "gtest/gtest.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

// Generations on, minor collections every 64 KiB, the barrier checked before each collection;
// without the promotion and fragmentation rules, which could make the collections after the
// store major ones (this test is about the barrier, not the policy).
constexpr char kOptions[] =
    "generational=on,nursery=64K,verify=1,promotion-limit=0,fragmentation-limit=0";

// Makes `old` old (a major collection), stores a young list into it by `store`, allocates
// garbage through many minor collections, then reads the list back.
std::string Program(const std::string& setup, const std::string& store, const std::string& read) {
  return setup + R"(
(define (churn n) (if (> n 0) (begin (cons n n) (churn (- n 1)))))
(collect)
)" + store + R"(
(churn 200000)
)" + read;
}

struct StorePathCase {
  const char* path;  // SkipWriteBarrierForTesting's name
  const char* setup;
  const char* store;
  const char* read;
};

const StorePathCase kCases[] = {
    {"vector-set!", "(define v (make-vector 10 #f))", "(vector-set! v 3 (list 1 2 3))",
     "(vector-ref v 3)"},
    {"set-car!", "(define p (cons 0 0))", "(set-car! p (list 1 2 3))", "(car p)"},
    {"box", "(define c (let ((x #f)) (lambda (v) (if v (set! x v)) x)))",
     "(c (list 1 2 3))", "(c #f)"},
    {"global", "(define g #f)", "(set! g (list 1 2 3))", "g"},
    // A record modifier inlined by the JIT (the built-in %record-set! has its own barrier: with
    // the modifier not inlined this case would not die).
    {"record-set", "(define-record-type r (mk a) r? (a ra set-ra!)) (define o (mk #f))",
     "(set-ra! o (list 1 2 3))", "(ra o)"},
};

class WriteBarrierTest : public ::testing::TestWithParam<StorePathCase> {};

TEST_P(WriteBarrierTest, AYoungObjectStoredIntoAnOldOneSurvivesMinorCollections) {
  const StorePathCase& c = GetParam();
  std::string program = Program(c.setup, c.store, c.read);
  for (RootsMode roots : {RootsMode::kPrecise, RootsMode::kConservative}) {
    Outcome jit = RunSource(EngineKind::kJit, roots, kOptions, program);
    EXPECT_EQ(jit.result, "(1 2 3)") << c.path;
  }
  Outcome interp = RunSource(EngineKind::kInterp, RootsMode::kPrecise, kOptions, program);
  EXPECT_EQ(interp.result, "(1 2 3)") << c.path;
}

TEST_P(WriteBarrierTest, WithoutItsBarrierThePathIsCaughtByTheVerifier) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const StorePathCase& c = GetParam();
  std::string program = Program(c.setup, c.store, c.read);
  EXPECT_DEATH(
      {
        ASSERT_TRUE(SkipWriteBarrierForTesting(c.path).ok());
        RunSource(EngineKind::kJit, RootsMode::kPrecise, kOptions, program);
      },
      "verify \\(before (minor|major) collection\\): old object 0x[0-9a-f]+ \\(kind '[a-z.]+'\\) "
      "field [0-9]+ holds 0x[0-9a-f]+, a young object, but its card is clean");
}

INSTANTIATE_TEST_SUITE_P(StorePaths, WriteBarrierTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) {
                           std::string name = info.param.path;
                           for (char& ch : name) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return name;
                         });

TEST(WriteBarrierNames, AnUnknownPathIsRefused) {
  EXPECT_EQ(SkipWriteBarrierForTesting("vector-fill!").code(),
            absl::StatusCode::kInvalidArgument);
  RestoreWriteBarriersForTesting();
}

}  // namespace
}  // namespace toylang::jit
