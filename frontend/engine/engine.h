// The Engine: the one interface through which the toylang program (examples/toylang), the golden
// tests and the benchmarks run toylang code, whichever engine executes it. There are two, and a
// program picks one by calling its constructor function: CreateInterpEngine
// (frontend/interp/interp_engine.h) or toylang::jit::CreateJitEngine (jit/jit_engine.h, which
// needs the LLVM parts).
//
//   EngineOptions options;
//   options.gc_options = "heap-max=1G";
//   auto engine = toylang::CreateInterpEngine(options).value();  // this thread becomes a mutator
//   absl::StatusOr<mosaic::Value> v = engine->Eval("(+ 1 2)", "<repl>");
//   if (v.ok()) std::cout << engine->Write(*v) << "\n";
//
// An engine belongs to the thread that created it: creating it registers that thread with the
// heap and the destructor unregisters it; every other call must come from that thread, except
// RequestInterrupt.
#ifndef TOYLANG_FRONTEND_ENGINE_ENGINE_H_
#define TOYLANG_FRONTEND_ENGINE_ENGINE_H_

#include <cstdint>
#include <iostream>
#include <ostream>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "mosaic/value.h"

namespace mosaic {
class Heap;
}  // namespace mosaic

namespace toylang {

enum class RootsMode { kPrecise, kConservative };

struct EngineOptions {
  RootsMode roots = RootsMode::kPrecise;  // the interpreter is conservative whatever this says
  std::string gc_options;                 // mosaic::HeapOptions::Parse syntax; "" = defaults
  std::ostream* out = &std::cout;
  // A REPL session: forms arrive one at a time and compile latency matters more than code
  // quality (the JIT compiles them at a lower optimisation level). Files and -e leave it false.
  bool interactive = false;
  // The JIT's persistent code cache (docs/design/jit.md, "Code cache"): a directory where
  // non-interactive units' compiled objects are kept and reused by later runs; "" = none.
  // A directory that cannot be created or written is not an error: the engine runs without
  // a cache (EngineStats::code_cache_unusable). The toylang program resolves --jit-cache,
  // MOSAIC_JIT_CACHE and the default location into this field; an embedder sets it itself.
  std::string jit_cache;
  // Closure optimisation (frontend/analysis/lift.h, docs/design/closures.md): let/letrec-bound
  // lambdas that are only ever called get no closure. Off only to measure what it saves
  // (toylang --closure-opt=off).
  bool lift_procedures = true;
};

// What an engine did besides running code; all zero for the interpreter but
// outlined_procedures and lifted_procedures. Reported by
// `toylang --gc-stats=json` next to the collector's statistics.
struct EngineStats {
  uint64_t modules_compiled = 0;   // LLVM modules linked (JIT)
  uint64_t functions_compiled = 0;
  uint64_t compile_ns = 0;         // lowering + optimisation + codegen + linking
  uint64_t code_bytes = 0;         // machine code linked (text sections)
  uint64_t statepoints = 0;        // stack-map records registered (0 with --roots=conservative)
  uint64_t modules_removed = 0;    // code whose stack maps left the index
  // Cacheable modules (a file's units and the JIT engine's entry module) whose object came
  // from the code cache, and those compiled (and stored) instead.
  uint64_t code_cache_hits = 0;
  uint64_t code_cache_misses = 0;
  uint64_t code_cache_unusable = 0;  // 1: a cache directory was given but is unusable
  // Lambdas too big for the optimising back end, compiled at O0 instead (docs/design/jit.md,
  // "Compile time of huge functions").
  uint64_t huge_functions = 0;
  // Procedures the shared pipeline made of huge expressions (frontend/expander/outline.h).
  uint64_t outlined_procedures = 0;
  // Lambdas the shared pipeline lifted: no closure is ever made for them
  // (frontend/analysis/lift.h).
  uint64_t lifted_procedures = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  // Reads, expands, analyses and evaluates every form of `source` in the global environment.
  // Returns the last form's value (unspecified when there is none). A toylang error returns a
  // Status whose message is Error::Format(): "file:line:col: message"; the engine stays usable and
  // keeps every definition made before the error. Input that ends inside an open list or string
  // returns OUT_OF_RANGE (the REPL reads a continuation line); other reader errors
  // INVALID_ARGUMENT. (exit [n]) returns CANCELLED and ExitCode() gives n (0 by default).
  virtual absl::StatusOr<mosaic::Value> Eval(std::string_view source, std::string_view file) = 0;
  virtual std::string Write(mosaic::Value v) = 0;  // as `write` prints it
  virtual int ExitCode() const = 0;
  // Async-signal-safe: the running Eval stops soon with the error "interrupted", and so does
  // every thread the program started (frontend/builtins/threads.h); the next Eval waits until
  // those threads have ended, then clears it.
  virtual void RequestInterrupt() = 0;
  // The end of a program: interrupts the threads it started that are still running, waits
  // until they have ended, and refuses new ones. The destructor does it too; the toylang
  // program calls it when a file or -e has run, before it flushes the output.
  virtual void StopThreads() {}
  virtual mosaic::Heap& heap() = 0;
  virtual EngineStats Stats() const { return {}; }
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ENGINE_ENGINE_H_
