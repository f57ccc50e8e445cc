// The polls of generated code stop a running program for a collection and an interrupt: at
// function entries (non-tail recursion, no loop) and on loop back-edges (a tail loop that calls
// nothing). poll_control_test.cc is the same with the polls removed.
#include "poll_scenario.h"

namespace toylang::jit::testing {
namespace {

using PollTest = PollScenario;

TEST_P(PollTest, EntryPollsStopARecursionThatNeverLoops) {
  PollOutcome o = CollectAndInterruptDuring(kRecursion);
  EXPECT_TRUE(o.collected_while_running);
  EXPECT_NE(o.result.find("interrupted"), std::string::npos) << o.result;
  EXPECT_EQ(Run("(fib 10)"), "55");  // usable afterwards
}

TEST_P(PollTest, BackEdgePollsStopALoopThatCallsNothing) {
  PollOutcome o = CollectAndInterruptDuring(kLoop);
  EXPECT_TRUE(o.collected_while_running);
  EXPECT_NE(o.result.find("interrupted"), std::string::npos) << o.result;
  EXPECT_EQ(Run("(spin 10)"), "spun");
}

INSTANTIATE_TEST_SUITE_P(Roots, PollTest,
                         ::testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                         [](const ::testing::TestParamInfo<RootsMode>& info) {
                           return info.param == RootsMode::kPrecise ? "Precise" : "Conservative";
                         });

}  // namespace
}  // namespace toylang::jit::testing
