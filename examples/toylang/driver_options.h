// Command-line options of the `toylang` program, parsed apart from main() so that the parser can
// be tested without starting an engine.
#ifndef TOYLANG_EXAMPLES_TOYLANG_DRIVER_OPTIONS_H_
#define TOYLANG_EXAMPLES_TOYLANG_DRIVER_OPTIONS_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "frontend/engine/engine.h"

namespace toylang {

enum class GcStatsFormat { kNone, kSummary, kText, kJson };

// Which engine `toylang` runs (--engine): main() creates it with CreateInterpEngine or
// jit::CreateJitEngine.
enum class EngineKind { kInterp, kJit };

// The engine `toylang` runs when --engine is not given: the JIT when the program was built with
// it (TOYLANG_WITH_JIT), the interpreter otherwise.
#ifdef TOYLANG_WITH_JIT
inline constexpr EngineKind kDefaultEngine = EngineKind::kJit;
#else
inline constexpr EngineKind kDefaultEngine = EngineKind::kInterp;
#endif

struct DriverOptions {
  EngineKind engine_kind = kDefaultEngine;
  EngineOptions engine;
  GcStatsFormat gc_stats = GcStatsFormat::kNone;
  std::optional<std::string> expression;  // -e EXPR
  std::optional<std::string> file;        // FILE.scm; neither: the REPL
  size_t stack_bytes = size_t{4} << 30;  // the engine thread's reserved stack
  // --jit-cache=DIR|off as given (none: MOSAIC_JIT_CACHE, else the default directory).
  std::optional<std::string> jit_cache;
  bool help = false;
  bool version = false;
};

// Parses argv[1..argc). A bad flag or value is InvalidArgument whose message names it, e.g.
// "unknown flag '--fast'" or "--roots: expected precise or conservative, got 'fuzzy'".
absl::StatusOr<DriverOptions> ParseDriverOptions(const std::vector<std::string>& args);

// The code-cache directory for EngineOptions::jit_cache from the --jit-cache value (`flag`),
// else MOSAIC_JIT_CACHE (`env`, may be null), else the default ($XDG_CACHE_HOME/mosaic/jit or
// $HOME/.cache/mosaic/jit); "off" (or no default directory) gives "" (no cache).
std::string ResolveJitCache(const std::optional<std::string>& flag, const char* env);

// The text printed by --help.
std::string DriverUsage();

}  // namespace toylang

#endif  // TOYLANG_EXAMPLES_TOYLANG_DRIVER_OPTIONS_H_
