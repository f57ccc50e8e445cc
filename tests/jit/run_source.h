// Running toylang source in a fresh engine, for the differential tests of tests/jit/: the JIT's
// output, last value and error must equal the interpreter's, in both root modes, with default
// GC options and under stress.
#ifndef TOYLANG_TESTS_JIT_RUN_SOURCE_H_
#define TOYLANG_TESTS_JIT_RUN_SOURCE_H_

#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"
#include "tests/jit/create_engine.h"

namespace toylang::jit {

// What one run of a program did.
struct Outcome {
  std::string out;           // everything the program wrote
  std::string result;        // the last value as `write` prints it, or "error: <message>"
  bool collected = false;    // a collection ran during the evaluation
  uint64_t live_bytes = 0;   // the heap's live bytes after the evaluation (last collection's)
};

// Evaluates `source` (as file `file`, which error positions name) in a new engine of `kind`.
// An engine that cannot be created fails the calling test and returns an empty Outcome.
inline Outcome RunSource(EngineKind kind, RootsMode roots, const std::string& gc_options,
                         const std::string& source, const char* file = "test.scm") {
  std::ostringstream out;
  EngineOptions options;
  options.roots = roots;
  options.gc_options = gc_options;
  options.out = &out;
  absl::StatusOr<std::unique_ptr<Engine>> engine = CreateEngine(kind, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  if (!engine.ok()) return {};
  const uint64_t collections_before = (*engine)->heap().Stats().collections;
  absl::StatusOr<mosaic::Value> v = (*engine)->Eval(source, file);
  Outcome run;
  run.result = v.ok() ? (*engine)->Write(*v) : "error: " + std::string(v.status().message());
  run.out = out.str();
  run.collected = (*engine)->heap().Stats().collections > collections_before;
  run.live_bytes = (*engine)->heap().Stats().live_bytes;
  return run;
}

// `source` (as file `file`) runs without error in the interpreter, and the JIT (in `roots`, with
// `gc_options`) prints the same and ends with the same value. `what` names the case in failures.
inline void ExpectJitAgrees(const std::string& source, const char* file, const char* what,
                            RootsMode roots, const std::string& gc_options) {
  Outcome expected = RunSource(EngineKind::kInterp, RootsMode::kConservative, "", source, file);
  ASSERT_EQ(expected.result.rfind("error:", 0), std::string::npos) << expected.result;
  Outcome got = RunSource(EngineKind::kJit, roots, gc_options, source, file);
  EXPECT_EQ(got.out, expected.out) << what;
  EXPECT_EQ(got.result, expected.result) << what;
}

// The suffix of a parameterised test's name for a root mode and GC options ("" or stress).
inline std::string ModeName(RootsMode roots, const char* gc_options) {
  return std::string(roots == RootsMode::kPrecise ? "_Precise" : "_Conservative") +
         (std::string(gc_options).empty() ? "" : "_Stress");
}

}  // namespace toylang::jit

#endif  // TOYLANG_TESTS_JIT_RUN_SOURCE_H_
