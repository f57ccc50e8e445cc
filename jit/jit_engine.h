// The JIT engine: toylang compiled to machine code through LLVM's ORC JIT (GcJit), with precise
// roots in JIT frames (--roots=precise) or none (--roots=conservative). docs/design/jit.md.
//
//   toylang::EngineOptions options;
//   options.engine = toylang::EngineKind::kJit;
//   auto engine = toylang::jit::CreateJitEngine(options).value();
//   absl::StatusOr<mosaic::Value> v = engine->Eval("(+ 1 2)", "<repl>");
#ifndef TOYLANG_JIT_JIT_ENGINE_H_
#define TOYLANG_JIT_JIT_ENGINE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "frontend/interp/engine.h"

namespace toylang::jit {

// Same contract as Engine::Create (the calling thread becomes the engine's mutator).
absl::StatusOr<std::unique_ptr<Engine>> CreateJitEngine(const EngineOptions& options);

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_JIT_ENGINE_H_
