#include "examples/toylang/driver_options.h"

#include <cstdlib>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace toylang {
namespace {

// Splits "--name=value" into its parts; a flag without '=' has no value.
struct Flag {
  std::string_view name;
  std::optional<std::string_view> value;
};

Flag SplitFlag(std::string_view arg) {
  size_t eq = arg.find('=');
  if (eq == std::string_view::npos) return {arg, std::nullopt};
  return {arg.substr(0, eq), arg.substr(eq + 1)};
}

absl::Status BadValue(std::string_view flag, std::string_view expected, std::string_view got) {
  return absl::InvalidArgumentError(
      std::string(flag) + ": expected " + std::string(expected) + ", got '" + std::string(got) + "'");
}

// "64M", "4G", "65536": a size in bytes with an optional K, M or G suffix. Returns 0 when the
// text is not such a size.
size_t ParseSize(std::string_view text) {
  if (text.empty()) return 0;
  size_t shift = 0;
  switch (text.back()) {
    case 'k': case 'K': shift = 10; break;
    case 'm': case 'M': shift = 20; break;
    case 'g': case 'G': shift = 30; break;
    default: break;
  }
  if (shift != 0) text.remove_suffix(1);
  if (text.empty() || text.size() > 12) return 0;
  size_t n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<size_t>(c - '0');
  }
  return n << shift;
}

}  // namespace

absl::StatusOr<DriverOptions> ParseDriverOptions(const std::vector<std::string>& args) {
  DriverOptions options;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (options_done || arg.empty() || arg[0] != '-' || arg == "-") {
      if (options.file.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("unexpected argument '", arg, "' (only one program file is run)"));
      }
      options.file = arg;
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    if (arg == "-e" || absl::StartsWith(arg, "-e=")) {
      if (options.expression.has_value()) {
        return absl::InvalidArgumentError("-e: given more than once");
      }
      if (arg == "-e") {
        if (i + 1 >= args.size()) return absl::InvalidArgumentError("-e: missing expression");
        options.expression = args[++i];
      } else {
        options.expression = arg.substr(3);
      }
      continue;
    }
    Flag flag = SplitFlag(arg);
    if (flag.name == "--help" || flag.name == "-h") {
      if (flag.value) return absl::InvalidArgumentError(std::string(flag.name) + " takes no value");
      options.help = true;
    } else if (flag.name == "--version") {
      if (flag.value) return absl::InvalidArgumentError("--version takes no value");
      options.version = true;
    } else if (flag.name == "--engine") {
      if (!flag.value) return absl::InvalidArgumentError("--engine: expected --engine=interp|jit");
      if (*flag.value == "interp") {
        options.engine_kind = EngineKind::kInterp;
      } else if (*flag.value == "jit") {
        options.engine_kind = EngineKind::kJit;
      } else {
        return BadValue("--engine", "interp or jit", *flag.value);
      }
    } else if (flag.name == "--roots") {
      if (!flag.value) {
        return absl::InvalidArgumentError("--roots: expected --roots=precise|conservative");
      }
      if (*flag.value == "precise") {
        options.engine.roots = RootsMode::kPrecise;
      } else if (*flag.value == "conservative") {
        options.engine.roots = RootsMode::kConservative;
      } else {
        return BadValue("--roots", "precise or conservative", *flag.value);
      }
    } else if (flag.name == "--gc-stats") {
      if (!flag.value || *flag.value == "summary") {
        options.gc_stats = GcStatsFormat::kSummary;
      } else if (*flag.value == "text") {
        options.gc_stats = GcStatsFormat::kText;
      } else if (*flag.value == "json") {
        options.gc_stats = GcStatsFormat::kJson;
      } else {
        return BadValue("--gc-stats", "summary, text or json", *flag.value);
      }
    } else if (flag.name == "--stack-size") {
      size_t size = flag.value ? ParseSize(*flag.value) : 0;
      if (size < (size_t{1} << 20) || size > (size_t{64} << 30)) {
        return BadValue("--stack-size", "a size from 1M to 64G such as 512M",
                        flag.value.value_or(""));
      }
      options.stack_bytes = size;
    } else if (flag.name == "--gc-options") {
      if (!flag.value) {
        return absl::InvalidArgumentError("--gc-options: expected --gc-options=KEY=VALUE,...");
      }
      options.engine.gc_options = std::string(*flag.value);
    } else if (flag.name == "--closure-opt") {
      if (!flag.value) {
        return absl::InvalidArgumentError("--closure-opt: expected --closure-opt=on|off");
      }
      if (*flag.value == "on") {
        options.engine.lift_procedures = true;
      } else if (*flag.value == "off") {
        options.engine.lift_procedures = false;
      } else {
        return BadValue("--closure-opt", "on or off", *flag.value);
      }
    } else if (flag.name == "--jit-cache") {
      if (!flag.value || flag.value->empty()) {
        return absl::InvalidArgumentError("--jit-cache: expected --jit-cache=DIR|off");
      }
      options.jit_cache = std::string(*flag.value);
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag '", arg, "'"));
    }
  }
  if (options.expression.has_value() && options.file.has_value()) {
    return absl::InvalidArgumentError("-e and a program file cannot be used together");
  }
  return options;
}

std::string ResolveJitCache(const std::optional<std::string>& flag, const char* env) {
  std::string setting;
  if (flag.has_value()) {
    setting = *flag;
  } else if (env != nullptr && env[0] != '\0') {
    setting = env;
  } else {
    // As mosaic::jit::CodeCache::DefaultDirectory(), which a build without the JIT does not
    // have.
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
      return absl::StrCat(xdg, "/mosaic/jit");
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
      return absl::StrCat(home, "/.cache/mosaic/jit");
    }
    return "";
  }
  return setting == "off" ? "" : setting;
}

std::string DriverUsage() {
#ifdef TOYLANG_WITH_JIT
  constexpr char kEngineLine[] = "execution engine (default jit)";
#else
  constexpr char kEngineLine[] = "execution engine (default interp; this build has no JIT)";
#endif
  return absl::StrCat(R"(usage: toylang [FLAGS] [FILE.scm]
       toylang [FLAGS] -e EXPR

Runs the toylang program FILE.scm, evaluates EXPR and prints its value, or (with neither) starts
the interactive REPL. Standard input that is not a terminal is read line by line as REPL input.

Flags:
  --engine=interp|jit      )", kEngineLine, R"(
  --roots=precise|conservative
                           how JIT frames are scanned (default precise; the interpreter is
                           always scanned conservatively)
  --gc-stats[=summary|text|json]
                           print collector statistics to stderr on exit
  --gc-options=OPTIONS     heap options, e.g. heap-max=512M,stress=100,verify=1
                           (see docs/options.md; MOSAIC_GC_OPTIONS is applied on top)
  --jit-cache=DIR|off      keep compiled code of files and -e in DIR and reuse it in later runs
                           (default $XDG_CACHE_HOME/mosaic/jit or ~/.cache/mosaic/jit;
                           MOSAIC_JIT_CACHE=DIR|off sets it when the flag is absent)
  --closure-opt=on|off     give no closure to let/letrec-bound procedures that are only
                           called (default on; off to measure what it saves)
  --stack-size=SIZE        reserved stack of the engine thread (default 4G; K/M/G suffixes);
                           deep recursion beyond it is the error "stack overflow"
  -e EXPR                  evaluate EXPR, print its value with write (unless unspecified)
  -h, --help               print this help and exit
  --version                print the version and exit

Exit status: 0 on success, (exit n) gives n, 1 for a toylang error, 2 for a bad flag or option,
a missing program file or an unavailable engine.
)");
}

}  // namespace toylang
