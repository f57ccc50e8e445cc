// The differential test: every program of the golden corpus (tests/programs/<area>/<case>.scm)
// through the JIT engine, with precise and with conservative roots, compared with the expected
// stdout (<case>.out), stderr (<case>.err) and exit status ("; exit: N"), which come from Guile
// or were written by hand (tests/programs/CMakeLists.txt) — never from this engine. Cases
// without a "; stress:" header also run with stress=1,verify=1 (a collection at every
// allocation, heap verified).
#include <pthread.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "jit/jit_engine.h"

namespace toylang::jit {
namespace {

namespace fs = std::filesystem;

// Programs the JIT does not run correctly yet, with the reason (docs/design/jit.md lists them
// too). They are skipped, not passed.
const std::vector<std::pair<std::string, std::string>> kKnownFailures = {
    // None at the moment; entries are {"area/case", "reason"}.
};

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Case {
  std::string name;  // "area/case"
  std::string mode;  // "precise", "conservative", "precise_stress", "conservative_stress"
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " (" << c.mode << ")"; }

std::vector<Case> AllCases() {
  std::vector<std::string> names;
  for (const auto& area : fs::directory_iterator(MOSAIC_GOLDEN_DIR)) {
    if (!area.is_directory()) continue;
    for (const auto& f : fs::directory_iterator(area.path())) {
      if (f.path().extension() != ".scm") continue;
      names.push_back(absl::StrCat(area.path().filename().string(), "/",
                                   f.path().stem().string()));
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<Case> cases;
  for (const std::string& n : names) {
    std::string source = ReadFile(fs::path(MOSAIC_GOLDEN_DIR) / (n + ".scm"));
    bool light = source.find("\n; stress:") == std::string::npos &&
                 source.rfind("; stress:", 0) != 0;
    for (const char* mode : {"precise", "conservative"}) {
      cases.push_back({n, mode});
      if (light) cases.push_back({n, absl::StrCat(mode, "_stress")});
    }
  }
  return cases;
}

// Runs `fn` on a thread with a `stack_bytes` stack (the toylang program does the same: the
// deep-recursion cases need far more than the default 8 MiB).
void RunOnBigStack(size_t stack_bytes, std::function<void()> fn) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  auto trampoline = [](void* p) -> void* {
    (*static_cast<std::function<void()>*>(p))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, &fn), 0);
  pthread_attr_destroy(&attr);
  pthread_join(thread, nullptr);
}

class GoldenTest : public testing::TestWithParam<Case> {};

TEST_P(GoldenTest, MatchesExpected) {
  const Case& c = GetParam();
  for (const auto& [name, reason] : kKnownFailures) {
    if (name == c.name) GTEST_SKIP() << "known failure: " << reason;
  }
  fs::path dir(MOSAIC_GOLDEN_DIR);
  std::string source = ReadFile(dir / (c.name + ".scm"));
  std::string expected_out, expected_err;
  if (fs::exists(dir / (c.name + ".out"))) expected_out = ReadFile(dir / (c.name + ".out"));
  if (fs::exists(dir / (c.name + ".err"))) expected_err = ReadFile(dir / (c.name + ".err"));
  int expected_status = 0;
  std::string gc_options;
  size_t stack_bytes = size_t{1} << 30;
  std::smatch m;
  std::istringstream lines(source);
  for (std::string line; std::getline(lines, line);) {
    if (std::regex_search(line, m, std::regex("^; exit: *([0-9]+)"))) {
      expected_status = std::stoi(m[1]);
    } else if (std::regex_search(line, m, std::regex("^; flags: *(.*)$"))) {
      std::istringstream flags(m[1].str());
      for (std::string flag; flags >> flag;) {
        if (flag.rfind("--gc-options=", 0) == 0) gc_options = flag.substr(13);
        if (flag == "--stack-size=64M") stack_bytes = size_t{64} << 20;
      }
    }
  }
  if (c.mode.find("stress") != std::string::npos) {
    gc_options = gc_options.empty() ? "stress=1,verify=1" : gc_options + ",stress=1,verify=1";
  }
  std::ostringstream out;
  std::string err;
  int status = 0;
  RunOnBigStack(stack_bytes, [&] {
    EngineOptions options;
    options.roots = c.mode.rfind("precise", 0) == 0 ? RootsMode::kPrecise : RootsMode::kConservative;
    options.gc_options = gc_options;
    options.out = &out;
    auto engine = CreateJitEngine(options);
    if (!engine.ok()) {
      err = absl::StrCat("engine: ", engine.status().message(), "\n");
      status = -1;
      return;
    }
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(source, c.name + ".scm");
    if (!v.ok()) {
      if (v.status().code() == absl::StatusCode::kCancelled) {
        status = (*engine)->ExitCode();
      } else {
        err = absl::StrCat(v.status().message(), "\n");
        status = 1;
      }
    }
  });
  EXPECT_EQ(out.str(), expected_out);
  EXPECT_EQ(err, expected_err);
  EXPECT_EQ(status, expected_status);
}

INSTANTIATE_TEST_SUITE_P(Corpus, GoldenTest, testing::ValuesIn(AllCases()),
                         [](const testing::TestParamInfo<Case>& info) {
                           std::string n = absl::StrCat(info.param.name, "_", info.param.mode);
                           for (char& ch : n) {
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           }
                           return n;
                         });

}  // namespace
}  // namespace toylang::jit
