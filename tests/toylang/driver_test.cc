// The toylang program's command line: flags, exit statuses and messages, -e, piped REPL input.
// Runs the real binary with pipes; expected texts come from the program's documented behaviour
// (docs/toylang.md) and the message formats in docs/design/frontend-contracts.md.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "examples/toylang/driver_options.h"
#include "tests/toylang/run_toylang.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using ::toylang::test_support::RunResult;
using ::toylang::test_support::RunToylang;

TEST(DriverTest, EvaluatesAnExpression) {
  RunResult r = RunToylang({"-e", "(+ 1 2)"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "3\n");
  EXPECT_EQ(r.err, "");
}

TEST(DriverTest, ExpressionValueIsWritten) {
  RunResult r = RunToylang({"-e", "(list \"a\" #\\b 'c)"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "(\"a\" #\\b c)\n");
}

TEST(DriverTest, UnspecifiedValueIsNotPrinted) {
  RunResult r = RunToylang({"-e", "(if #f #f)"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(DriverTest, ExpressionErrorHasPositionAndStatus1) {
  RunResult r = RunToylang({"-e", "(car 1)"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "<command-line>:1:1: car: expected a pair, got 1\n");
}

TEST(DriverTest, UnknownFlagIsNamedWithStatus2) {
  RunResult r = RunToylang({"--bogus"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("unknown flag '--bogus'"));
  EXPECT_EQ(r.out, "");
}

TEST(DriverTest, BadFlagValueIsNamed) {
  RunResult roots = RunToylang({"--roots=fuzzy", "-e", "1"});
  EXPECT_EQ(roots.status, 2);
  EXPECT_THAT(roots.err, HasSubstr("--roots"));
  EXPECT_THAT(roots.err, HasSubstr("fuzzy"));
  RunResult engine = RunToylang({"--engine=fast", "-e", "1"});
  EXPECT_EQ(engine.status, 2);
  EXPECT_THAT(engine.err, HasSubstr("--engine"));
  RunResult stats = RunToylang({"--gc-stats=xml", "-e", "1"});
  EXPECT_EQ(stats.status, 2);
  EXPECT_THAT(stats.err, HasSubstr("--gc-stats"));
  RunResult stack = RunToylang({"--stack-size=1K", "-e", "1"});
  EXPECT_EQ(stack.status, 2);
  EXPECT_THAT(stack.err, HasSubstr("--stack-size"));
}

TEST(DriverTest, BadGcOptionIsNamedWithStatus2) {
  RunResult r = RunToylang({"--gc-options=no-such-option=1", "-e", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("--gc-options"));
  EXPECT_THAT(r.err, HasSubstr("no-such-option"));
}

#ifdef TOYLANG_WITH_JIT
TEST(DriverTest, BadJitPipelineNamesTheVariable) {
  setenv("MOSAIC_JIT_PIPELINE", "no-such-pass", 1);
  RunResult r = RunToylang({"--jit-cache=off", "-e", "1"});
  unsetenv("MOSAIC_JIT_PIPELINE");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, StartsWith("toylang: MOSAIC_JIT_PIPELINE: "));
  EXPECT_THAT(r.err, HasSubstr("no-such-pass"));
  EXPECT_THAT(r.err, Not(HasSubstr("--gc-options")));
}
#endif

TEST(DriverTest, BadEnvironmentGcOptionNamesTheVariableNotTheFlag) {
  RunResult r = RunToylang({"-e", "1"}, "", "no-such-option=1");
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, StartsWith("toylang: MOSAIC_GC_OPTIONS: "));
  EXPECT_THAT(r.err, HasSubstr("no-such-option"));
  EXPECT_THAT(r.err, Not(HasSubstr("--gc-options")));
}

#ifdef TOYLANG_WITH_JIT
TEST(DriverTest, JitIsTheDefaultEngine) {
  EXPECT_EQ(ParseDriverOptions({"-e", "1"})->engine_kind, EngineKind::kJit);
  RunResult version = RunToylang({"--version"});
  EXPECT_THAT(version.out, HasSubstr("jit"));
}

TEST(DriverTest, JitEngineAgreesWithTheInterpreterInBothRootModes) {
  // Doubling past the fixnums: the JIT's inline + must take the checked generic path (which
  // makes a bignum), then the same error, at the same position, as the interpreter.
  const char* program =
      "(display (let loop ((i 0) (acc 1)) (if (= i 70) acc (loop (+ i 1) (+ acc acc)))))"
      "(newline) (let loop ((acc 1)) (if (> acc 1000000000000000000000) (+ acc 'x) (loop (+ acc acc))))";
  RunResult interp = RunToylang({"--engine=interp", "-e", program});
  ASSERT_EQ(interp.status, 1) << interp.err;
  ASSERT_EQ(interp.out, "1180591620717411303424\n");  // 2^70
  ASSERT_THAT(interp.err, HasSubstr("+: expected a number, got x"));
  for (const char* roots : {"--roots=precise", "--roots=conservative"}) {
    RunResult jit = RunToylang({"--engine=jit", roots, "-e", program});
    EXPECT_EQ(jit.status, interp.status) << roots;
    EXPECT_EQ(jit.out, interp.out) << roots;
    EXPECT_EQ(jit.err, interp.err) << roots;
  }
}

TEST(DriverTest, JitErrorsCarryPositions) {
  RunResult r = RunToylang({"--engine=jit", "-e", "(define (f x) (car x)) (f 5)"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "<command-line>:1:15: car: expected a pair, got 5\n");
}
#else
TEST(DriverTest, JitEngineIsAbsentWithoutLlvm) {
  EXPECT_EQ(ParseDriverOptions({"-e", "1"})->engine_kind, EngineKind::kInterp);
  RunResult r = RunToylang({"--engine=jit", "-e", "1"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("no JIT engine"));
}
#endif

TEST(DriverTest, MissingFileIsNamed) {
  RunResult r = RunToylang({"/nonexistent/program.scm"});
  EXPECT_EQ(r.status, 2);
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/program.scm"));
}

TEST(DriverTest, HelpAndVersion) {
  RunResult help = RunToylang({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_THAT(help.out, StartsWith("usage: toylang"));
  EXPECT_THAT(help.out, HasSubstr("--gc-options"));
  RunResult version = RunToylang({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_THAT(version.out, StartsWith("toylang "));
}

TEST(DriverTest, PipedInputIsReadAsReplLines) {
  RunResult r = RunToylang({}, "(define x 20)\n(+ x\n 22)\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::EndsWith("42\n"));
  EXPECT_EQ(r.err, "");
}

TEST(DriverTest, PipedInputKeepsGoingAfterAnErrorAndExitsWith1) {
  RunResult r = RunToylang({}, "(define y 5)\n(car '())\n(* y 2)\n");
  EXPECT_EQ(r.status, 1);
  EXPECT_THAT(r.out, ::testing::EndsWith("10\n"));
  EXPECT_EQ(r.err, "<repl>:1:1: car: expected a pair, got ()\n");
}

TEST(DriverTest, PipedExitGivesItsStatus) {
  RunResult r = RunToylang({}, "(display \"hi\")\n(exit 4)\n(display \"no\")\n");
  EXPECT_EQ(r.status, 4);
  EXPECT_EQ(r.out, "hi");
}

TEST(DriverTest, GcStatsJsonGoesToStderr) {
  RunResult r = RunToylang({"--gc-stats=json", "-e", "(begin (collect) 5)"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "5\n");
  EXPECT_THAT(r.err, StartsWith("{"));
  EXPECT_THAT(r.err, HasSubstr("collections"));
}

TEST(DriverTest, GcStatsSummary) {
  RunResult r = RunToylang({"--gc-stats", "-e", "(begin (collect) 5)"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_THAT(r.err, StartsWith("gc: "));
  EXPECT_THAT(r.err, HasSubstr("collections"));
}

TEST(DriverOptionsTest, JitCacheFlagWinsOverTheEnvironmentAndOffDisables) {
  EXPECT_EQ(ParseDriverOptions({"--jit-cache=/tmp/c", "-e", "1"})->jit_cache, "/tmp/c");
  EXPECT_FALSE(ParseDriverOptions({"-e", "1"})->jit_cache.has_value());
  EXPECT_FALSE(ParseDriverOptions({"--jit-cache=", "-e", "1"}).ok());
  EXPECT_FALSE(ParseDriverOptions({"--jit-cache", "-e", "1"}).ok());
  EXPECT_EQ(ResolveJitCache(std::string("/a"), "/b"), "/a");
  EXPECT_EQ(ResolveJitCache(std::string("off"), "/b"), "");
  EXPECT_EQ(ResolveJitCache(std::nullopt, "/b"), "/b");
  EXPECT_EQ(ResolveJitCache(std::nullopt, "off"), "");
  EXPECT_NE(ResolveJitCache(std::nullopt, nullptr), "/b");  // the default directory
}

#ifdef TOYLANG_WITH_JIT
// The cache through the program: the second run links the first one's code (hits in
// --gc-stats=json) and prints the same; an unusable directory is one line under --gc-stats.
TEST(DriverTest, SecondRunLinksCachedCode) {
  char dir[] = "/tmp/toylang_driver_test.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  const std::string flag = std::string("--jit-cache=") + dir + "/jit";
  const std::string expr =
      "(begin (define (f n) (if (< n 2) n (+ (f (- n 1)) (f (- n 2))))) (f 20))";
  RunResult cold = RunToylang({flag, "--gc-stats=json", "-e", expr});
  RunResult warm = RunToylang({flag, "--gc-stats=json", "-e", expr});
  EXPECT_EQ(cold.out, "6765\n");
  EXPECT_EQ(warm.out, "6765\n");
  EXPECT_THAT(cold.err, HasSubstr("\"code_cache_hits\": 0,"));
  EXPECT_THAT(warm.err, HasSubstr("\"code_cache_misses\": 0,"));
  EXPECT_THAT(warm.err, Not(HasSubstr("\"code_cache_hits\": 0,")));
  const std::string file_flag = std::string("--jit-cache=") + dir + "/jit/" +
                                "not-a-dir-because-a-file-is-here";
  std::ofstream(std::string(dir) + "/jit/not-a-dir-because-a-file-is-here") << "x";
  RunResult unusable = RunToylang({file_flag, "--gc-stats", "-e", "(+ 1 2)"});
  EXPECT_EQ(unusable.status, 0) << unusable.err;
  EXPECT_EQ(unusable.out, "3\n");
  EXPECT_THAT(unusable.err, HasSubstr("jit cache: the directory is unusable"));
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}
#endif

TEST(DriverTest, DeepRecursionUnderTheDefaultStack) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan's redzones make every interpreter frame several times larger: a million of them no
  // longer fit the default stack (the "stack overflow" error then trips ASan's no-return
  // check on a stack this big). The depth still needs the big stack.
  const char* program = "(let f ((n 200000)) (if (= n 0) 0 (+ 1 (f (- n 1)))))";
  const char* expected = "200000\n";
#else
  const char* program = "(let f ((n 1000000)) (if (= n 0) 0 (+ 1 (f (- n 1)))))";
  const char* expected = "1000000\n";
#endif
  RunResult r = RunToylang({"-e", program});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected);
}

TEST(DriverOptionsTest, ParsesEveryFlag) {
  absl::StatusOr<DriverOptions> o = ParseDriverOptions(
      {"--engine=jit", "--roots=conservative", "--gc-stats=json", "--gc-options=stress=1",
       "--stack-size=512M", "prog.scm"});
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->engine_kind, EngineKind::kJit);
  EXPECT_EQ(o->engine.roots, RootsMode::kConservative);
  EXPECT_EQ(o->gc_stats, GcStatsFormat::kJson);
  EXPECT_EQ(o->engine.gc_options, "stress=1");
  EXPECT_EQ(o->stack_bytes, size_t{512} << 20);
  EXPECT_EQ(o->file, "prog.scm");
  EXPECT_FALSE(o->expression.has_value());
}

TEST(DriverOptionsTest, RejectsBadCombinations) {
  EXPECT_FALSE(ParseDriverOptions({"-e", "1", "prog.scm"}).ok());
  EXPECT_FALSE(ParseDriverOptions({"a.scm", "b.scm"}).ok());
  EXPECT_FALSE(ParseDriverOptions({"-e"}).ok());
  EXPECT_FALSE(ParseDriverOptions({"--stack-size=12Q"}).ok());
  EXPECT_FALSE(ParseDriverOptions({"--help=yes"}).ok());
  absl::StatusOr<DriverOptions> dashdash = ParseDriverOptions({"--", "--odd-name.scm"});
  ASSERT_TRUE(dashdash.ok());
  EXPECT_EQ(dashdash->file, "--odd-name.scm");
}

}  // namespace
}  // namespace toylang
