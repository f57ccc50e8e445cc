// The control for poll_test.cc: the same scenario with LLVM's place-safepoints told to place no
// poll at entries or back-edges. The collection then waits until the program has run to its end
// (fib 40, 2*10^9 iterations) and the interrupt comes too late: poll_test.cc's expectations fail
// exactly when the polls are missing.
#include "llvm/Support/CommandLine.h"
#include "poll_scenario.h"

namespace toylang::jit::testing {
namespace {

using PollControlTest = PollScenario;

TEST_P(PollControlTest, WithoutEntryPollsTheRecursionRunsToItsEnd) {
  PollOutcome o = CollectAndInterruptDuring(kRecursion);
  EXPECT_FALSE(o.collected_while_running);
  EXPECT_EQ(o.result, "102334155");
}

TEST_P(PollControlTest, WithoutBackEdgePollsTheLoopRunsToItsEnd) {
  PollOutcome o = CollectAndInterruptDuring(kLoop);
  EXPECT_FALSE(o.collected_while_running);
  EXPECT_EQ(o.result, "spun");
}

INSTANTIATE_TEST_SUITE_P(Roots, PollControlTest,
                         ::testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                         [](const ::testing::TestParamInfo<RootsMode>& info) {
                           return info.param == RootsMode::kPrecise ? "Precise" : "Conservative";
                         });

}  // namespace
}  // namespace toylang::jit::testing

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const char* llvm_args[] = {"poll_control_test", "-spp-no-entry", "-spp-no-backedge"};
  llvm::cl::ParseCommandLineOptions(3, llvm_args);
  return RUN_ALL_TESTS();
}
