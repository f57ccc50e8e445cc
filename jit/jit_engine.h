// The JIT engine: toylang compiled to machine code through LLVM's ORC JIT (GcJit), with precise
// roots in JIT frames (--roots=precise) or none (--roots=conservative). docs/design/jit.md.
//
//   toylang::EngineOptions options;
//   options.engine = toylang::EngineKind::kJit;
//   auto engine = toylang::jit::CreateJitEngine(options).value();
//   absl::StatusOr<mosaic::Value> v = engine->Eval("(+ 1 2)", "<repl>");
#ifndef TOYLANG_JIT_JIT_ENGINE_H_
#define TOYLANG_JIT_JIT_ENGINE_H_

#include <cstddef>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "frontend/interp/engine.h"

namespace toylang {

// The hook through which Engine::Create(kJit) reaches this engine without the interpreter
// library depending on LLVM; defined in frontend/interp/engine.cc. jit_engine.cc registers
// CreateJitEngine from a static initializer, which runs whenever jit_engine.cc's object is
// linked into the program (any use of CreateJitEngine or RegisterJitEngine pulls it in).
using JitEngineFactory = absl::StatusOr<std::unique_ptr<Engine>> (*)(const EngineOptions&);
void SetJitEngineFactory(JitEngineFactory factory);

}  // namespace toylang

namespace toylang::jit {

// Same contract as Engine::Create (the calling thread becomes the engine's mutator).
absl::StatusOr<std::unique_ptr<Engine>> CreateJitEngine(const EngineOptions& options);

// Makes Engine::Create(kJit) use CreateJitEngine (done at start-up already; a program that
// links toylang::jit statically may call this to be sure the object file is linked).
void RegisterJitEngine();

// The optimisation level (0..3, of both the IR pipeline and code generation) of engines created
// with EngineOptions::interactive; files and -e always use 2. Default 0 (docs/design/jit.md has
// the measurement). For measurement tools: it affects engines created afterwards.
// InvalidArgument outside 0..3.
absl::Status SetInteractiveOptLevel(int level);

// The stack-map records registered now in a JIT engine's index (0 for another engine). They
// leave the index when their code is removed. For tests.
size_t LiveStackMapRecordsForTesting(const Engine& engine);

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_JIT_ENGINE_H_
