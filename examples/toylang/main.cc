// toylang: runs a toylang program file, evaluates one expression (-e) or starts the REPL.
// Everything that touches the heap runs on one thread with a large reserved stack (see
// big_stack.h), created before the engine so that it is the engine's registered mutator.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "examples/toylang/big_stack.h"
#include "examples/toylang/driver_options.h"
#include "examples/toylang/interrupt.h"
#include "examples/toylang/repl.h"
#include "frontend/builtins/builtins.h"
#include "frontend/common/error.h"
#include "frontend/engine/engine.h"
#include "frontend/interp/interp_engine.h"
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

// Reads a whole file. A missing, unreadable or non-regular file (a directory, which ifstream
// would "open" and read as empty) is an error naming it.
absl::StatusOr<std::string> ReadFile(const std::string& path) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(absl::StrFormat("%s: is a directory", path));
  }
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

// Every collection's pause and live bytes after it, for --gc-stats=json (the runtime's GcStats
// keeps only aggregates, and the benchmark report plots the distributions). Bounded: past
// kMaxEvents it keeps every other entry and doubles the stride, as the runtime's own pause list
// does, so a long run still yields an even sample. Listeners run on the collecting thread after
// the world resumes, with no runtime lock held (heap.h): with toylang threads that may be any
// thread, and one thread's call may overlap the next collection's on another, so the log locks.
class GcEventLog {
 public:
  GcEventLog(mosaic::Heap& heap, bool enabled) : heap_(heap) {
    if (enabled) id_ = heap_.AddEventListener([this](const mosaic::GcEvent& e) { Record(e); });
  }
  ~GcEventLog() { Stop(); }
  GcEventLog(const GcEventLog&) = delete;
  GcEventLog& operator=(const GcEventLog&) = delete;

  // Stops recording (before the report's own final collection).
  void Stop() {
    if (id_ >= 0) heap_.RemoveEventListener(id_);
    id_ = -1;
  }

  // ", \"pauses_ns\": [...], ..." — the members to append to a JSON object.
  std::string JsonMembers() const {
    std::lock_guard<std::mutex> lock(mu_);
    return absl::StrFormat(
        ", \"gc_events_seen\": %d, \"gc_events_stride\": %d, \"pauses_ns\": [%s], "
        "\"live_after_gc_bytes\": [%s]",
        seen_, stride_, absl::StrJoin(pauses_ns_, ","), absl::StrJoin(live_bytes_, ","));
  }

 private:
  static constexpr size_t kMaxEvents = 4096;

  void Record(const mosaic::GcEvent& e) {
    std::lock_guard<std::mutex> lock(mu_);
    if (seen_++ % stride_ != 0) return;
    if (pauses_ns_.size() == kMaxEvents) {
      for (size_t i = 0; i < kMaxEvents / 2; ++i) {
        pauses_ns_[i] = pauses_ns_[2 * i];
        live_bytes_[i] = live_bytes_[2 * i];
      }
      pauses_ns_.resize(kMaxEvents / 2);
      live_bytes_.resize(kMaxEvents / 2);
      stride_ *= 2;
      if ((seen_ - 1) % stride_ != 0) return;
    }
    pauses_ns_.push_back(e.pause_ns);
    live_bytes_.push_back(e.live_bytes);
  }

  mosaic::Heap& heap_;
  int id_ = -1;
  mutable std::mutex mu_;  // guards what follows
  uint64_t seen_ = 0;
  uint64_t stride_ = 1;
  std::vector<uint64_t> pauses_ns_;
  std::vector<uint64_t> live_bytes_;
};

// Prints the collector's statistics on exit. The GcStats fields describe the program's run;
// then one more full collection (on this, the engine thread, which is a registered mutator and
// has no JIT frame left on its stack) measures what the program left reachable: final_live_bytes
// is the false-retention signal that docs/roots-report.md compares across root modes.
void PrintGcStats(Engine& engine, GcStatsFormat format, GcEventLog& log) {
  if (format == GcStatsFormat::kNone) return;
  mosaic::Heap& heap = engine.heap();
  const mosaic::GcStats s = heap.Stats();
  log.Stop();
  const auto start = std::chrono::steady_clock::now();
  heap.Collect();
  const uint64_t final_collection_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                           std::chrono::steady_clock::now() - start)
                                           .count();
  const uint64_t final_live_bytes = heap.Stats().live_bytes;
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  const uint64_t peak_rss_bytes = static_cast<uint64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
  // The report starts on a line of its own even when the program's output shares the file with
  // stderr and did not end its last line (readers of the JSON take the last line of stderr).
  struct stat out_stat {}, err_stat {};
  const bool shared = fstat(STDOUT_FILENO, &out_stat) == 0 &&
                      fstat(STDERR_FILENO, &err_stat) == 0 &&
                      out_stat.st_dev == err_stat.st_dev && out_stat.st_ino == err_stat.st_ino;
  const char* lead = shared ? "\n" : "";
  switch (format) {
    case GcStatsFormat::kNone:
      return;
    case GcStatsFormat::kSummary:
      if (engine.Stats().code_cache_unusable != 0) {
        std::cerr << lead << "jit cache: the directory is unusable; ran without caching\n";
      }
      std::cerr << lead << absl::StrFormat(
          "gc: %d collections, pauses total %.3f ms, max %.3f ms, p99 %.3f ms; allocated %.1f "
          "MiB; live %.1f MiB; peak committed %.1f MiB; final live %.1f MiB\n",
          s.collections, s.total_pause_ns / 1e6, s.max_pause_ns / 1e6, s.p99_pause_ns / 1e6,
          s.bytes_allocated / 1048576.0, s.live_bytes / 1048576.0,
          s.peak_committed_bytes / 1048576.0, final_live_bytes / 1048576.0);
      return;
    case GcStatsFormat::kText:
      std::cerr << lead << s.ToText()
                << absl::StrFormat("final_live_bytes %d\nfinal_collection_ns %d\n"
                                   "peak_rss_bytes %d\n",
                                   final_live_bytes, final_collection_ns, peak_rss_bytes);
      return;
    case GcStatsFormat::kJson: {
      const EngineStats e = engine.Stats();
      std::string json = s.ToJson();
      json.pop_back();  // the closing brace: the members below extend the same object
      absl::StrAppendFormat(
          &json,
          ", \"final_live_bytes\": %d, \"final_collection_ns\": %d, \"peak_rss_bytes\": %d, "
          "\"engine\": {\"modules_compiled\": %d, \"functions_compiled\": %d, "
          "\"compile_ns\": %d, \"code_bytes\": %d, \"statepoints\": %d, "
          "\"modules_removed\": %d, \"code_cache_hits\": %d, \"code_cache_misses\": %d, "
          "\"code_cache_unusable\": %d, \"huge_functions\": %d, \"lifted_procedures\": %d, "
          "\"outlined_procedures\": %d}%s}",
          final_live_bytes, final_collection_ns, peak_rss_bytes, e.modules_compiled,
          e.functions_compiled, e.compile_ns, e.code_bytes, e.statepoints, e.modules_removed,
          e.code_cache_hits, e.code_cache_misses, e.code_cache_unusable, e.huge_functions,
          e.lifted_procedures, e.outlined_procedures, log.JsonMembers());
      std::cerr << lead << json << std::endl;
      return;
    }
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
    // The program has ended: so do the threads it left running (docs/toylang.md, "Threads").
    engine.StopThreads();
  }
  if (!value.ok()) return ReportFailure(engine, value.status());
  if (print_value && !value->IsUnspecified()) std::cout << engine.Write(*value) << "\n";
  return 0;
}

// The engine --engine asked for. A build without the LLVM parts has no JIT: Unimplemented.
absl::StatusOr<std::unique_ptr<Engine>> CreateEngine(const DriverOptions& options) {
  switch (options.engine_kind) {
    case EngineKind::kInterp:
      return CreateInterpEngine(options.engine);
    case EngineKind::kJit:
#ifdef TOYLANG_WITH_JIT
      return jit::CreateJitEngine(options.engine);
#else
      return absl::UnimplementedError("this build of toylang has no JIT engine");
#endif
  }
  return absl::InvalidArgumentError("unknown engine");
}

// Everything that needs the engine; runs on the big-stack thread.
int RunEngine(const DriverOptions& options, const std::string& file_source) {
  absl::StatusOr<std::unique_ptr<Engine>> created;
  try {
    created = CreateEngine(options);
  } catch (const Error& e) {
    // The engines report what they expect (a heap too small for the built-ins) as a status;
    // this is the last line against anything else thrown while they start.
    created = absl::InternalError(e.message());
  }
  if (!created.ok()) {
    const absl::Status& status = created.status();
    if (status.code() == absl::StatusCode::kResourceExhausted) {
      std::cerr << "toylang: " << status.message() << std::endl;
    } else if (status.code() == absl::StatusCode::kUnimplemented &&
        options.engine_kind == EngineKind::kJit) {
      std::cerr << "toylang: this build of toylang has no JIT engine (built without LLVM); "
                   "use --engine=interp"
                << std::endl;
    } else if (status.code() == absl::StatusCode::kInvalidArgument) {
      // Errors from the environment name their variable ("MOSAIC_GC_OPTIONS: ...",
      // "MOSAIC_JIT_PIPELINE: ..."); the flag's do not.
      const bool from_env = absl::StartsWith(status.message(), "MOSAIC_");
      std::cerr << "toylang: " << (from_env ? "" : "--gc-options: ") << status.message()
                << std::endl;
    } else {
      std::cerr << "toylang: cannot create the engine: " << status.message() << std::endl;
    }
    return kExitUsage;
  }
  Engine& engine = **created;
  GcEventLog gc_log(engine.heap(), options.gc_stats == GcStatsFormat::kJson);
  int code;
  if (options.expression.has_value()) {
    code = RunSource(engine, *options.expression, kExpressionFile, /*print_value=*/true);
  } else if (options.file.has_value()) {
    code = RunSource(engine, file_source, *options.file, /*print_value=*/false);
  } else {
    code = RunRepl(engine);
  }
  std::cout.flush();
  PrintGcStats(engine, options.gc_stats, gc_log);
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
  // Neither a file nor -e: the REPL, where every form is compiled on its own.
  options.engine.interactive = !options.file.has_value() && !options.expression.has_value();
  if (!options.engine.interactive) {
    options.engine.jit_cache = ResolveJitCache(options.jit_cache, std::getenv("MOSAIC_JIT_CACHE"));
  }
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
    SetCommandLine({*options.file});
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
