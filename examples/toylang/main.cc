// toylang: runs a toylang program file, evaluates one expression (-e) or starts the REPL.
// Everything that touches the heap runs on one thread with a large reserved stack (see
// big_stack.h), created before the engine so that it is the engine's registered mutator.
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "examples/toylang/big_stack.h"
#include "examples/toylang/driver_options.h"
#include "examples/toylang/interrupt.h"
#include "examples/toylang/repl.h"
#include "frontend/interp/engine.h"
#include "mosaic/heap.h"
#ifdef TOYLANG_WITH_JIT
#include "jit/jit_engine.h"
#endif

#ifndef TOYLANG_VERSION
#define TOYLANG_VERSION "unknown"
#endif

namespace toylang {
namespace {

constexpr int kExitToylangError = 1;
constexpr int kExitUsage = 2;
constexpr char kExpressionFile[] = "<command-line>";

// Reads a whole file. A missing or unreadable file is an error naming it.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrFormat("cannot open '%s': %s", path, strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::DataLossError(absl::StrFormat("cannot read '%s': %s", path, strerror(errno)));
  }
  return text.str();
}

void PrintGcStats(mosaic::Heap& heap, GcStatsFormat format) {
  if (format == GcStatsFormat::kNone) return;
  mosaic::GcStats s = heap.Stats();
  switch (format) {
    case GcStatsFormat::kNone:
      return;
    case GcStatsFormat::kSummary:
      std::cerr << absl::StrFormat(
          "gc: %d collections, pauses total %.3f ms, max %.3f ms, p99 %.3f ms; allocated %.1f "
          "MiB; live %.1f MiB; peak committed %.1f MiB\n",
          s.collections, s.total_pause_ns / 1e6, s.max_pause_ns / 1e6, s.p99_pause_ns / 1e6,
          s.bytes_allocated / 1048576.0, s.live_bytes / 1048576.0,
          s.peak_committed_bytes / 1048576.0);
      return;
    case GcStatsFormat::kText:
      std::cerr << s.ToText();
      return;
    case GcStatsFormat::kJson:
      std::cerr << s.ToJson() << "\n";
      return;
  }
}

// The exit status for a failed Eval, after printing the error ("file:line:col: message").
int ReportFailure(Engine& engine, const absl::Status& status) {
  if (status.code() == absl::StatusCode::kCancelled) return engine.ExitCode();
  std::cout.flush();
  std::cerr << status.message() << std::endl;
  return kExitToylangError;
}

int RunSource(Engine& engine, const std::string& source, const std::string& file,
              bool print_value) {
  InstallSigintHandler(&engine, IdleSigint::kExit);
  absl::StatusOr<mosaic::Value> value;
  {
    EvaluationScope running;
    value = engine.Eval(source, file);
  }
  if (!value.ok()) return ReportFailure(engine, value.status());
  if (print_value && !value->IsUnspecified()) std::cout << engine.Write(*value) << "\n";
  return 0;
}

// Everything that needs the engine; runs on the big-stack thread.
int RunEngine(const DriverOptions& options, const std::string& file_source) {
  absl::StatusOr<std::unique_ptr<Engine>> created = Engine::Create(options.engine);
  if (!created.ok()) {
    const absl::Status& status = created.status();
    if (status.code() == absl::StatusCode::kUnimplemented &&
        options.engine.engine == EngineKind::kJit) {
      std::cerr << "toylang: this build of toylang has no JIT engine (built without LLVM); "
                   "use --engine=interp"
                << std::endl;
    } else if (status.code() == absl::StatusCode::kInvalidArgument) {
      // The environment's options name themselves ("MOSAIC_GC_OPTIONS: ..."); the flag's do not.
      const bool from_env = absl::StartsWith(status.message(), "MOSAIC_GC_OPTIONS");
      std::cerr << "toylang: " << (from_env ? "" : "--gc-options: ") << status.message()
                << std::endl;
    } else {
      std::cerr << "toylang: cannot create the engine: " << status.message() << std::endl;
    }
    return kExitUsage;
  }
  Engine& engine = **created;
  int code;
  if (options.expression.has_value()) {
    code = RunSource(engine, *options.expression, kExpressionFile, /*print_value=*/true);
  } else if (options.file.has_value()) {
    code = RunSource(engine, file_source, *options.file, /*print_value=*/false);
  } else {
    code = RunRepl(engine);
  }
  std::cout.flush();
  PrintGcStats(engine.heap(), options.gc_stats);
  // From here on a Ctrl-C must not reach the engine being destroyed.
  InstallSigintHandler(nullptr, IdleSigint::kExit);
  return code;
}

int Main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  absl::StatusOr<DriverOptions> parsed = ParseDriverOptions(args);
  if (!parsed.ok()) {
    std::cerr << "toylang: " << parsed.status().message() << " (see toylang --help)" << std::endl;
    return kExitUsage;
  }
  DriverOptions& options = *parsed;
#ifdef TOYLANG_WITH_JIT
  toylang::jit::RegisterJitEngine();
#endif
  // Neither a file nor -e: the REPL, where every form is compiled on its own.
  options.engine.interactive = !options.file.has_value() && !options.expression.has_value();
  if (options.help) {
    std::cout << DriverUsage();
    return 0;
  }
  if (options.version) {
    std::cout << "toylang " << TOYLANG_VERSION << " (Mosaic runtime; engines: "
#ifdef TOYLANG_WITH_JIT
              << "jit, "
#endif
              << "interp)\n";
    return 0;
  }
  std::string file_source;
  if (options.file.has_value()) {
    absl::StatusOr<std::string> text = ReadFile(*options.file);
    if (!text.ok()) {
      std::cerr << "toylang: " << text.status().message() << std::endl;
      return kExitUsage;
    }
    file_source = std::move(*text);
  }

  // SIGINT goes to the engine thread only: it is the one that reads the terminal and whose
  // evaluation an interrupt stops. The new thread inherits this mask and unblocks it.
  sigset_t sigint;
  sigemptyset(&sigint);
  sigaddset(&sigint, SIGINT);
  pthread_sigmask(SIG_BLOCK, &sigint, nullptr);
  auto body = [&]() -> int {
    pthread_sigmask(SIG_UNBLOCK, &sigint, nullptr);
    return RunEngine(options, file_source);
  };
  absl::StatusOr<int> code = RunOnBigStack(options.stack_bytes, body);
  if (!code.ok()) {
    std::cerr << "toylang: warning: " << code.status().message()
              << "; running on the main thread (deep recursion will hit \"stack overflow\" "
                 "sooner)"
              << std::endl;
    return body();
  }
  return *code;
}

}  // namespace
}  // namespace toylang

int main(int argc, char** argv) { return toylang::Main(argc, argv); }
