// The interpreter engine: toylang run by the tree-walking interpreter over the IR
// (interpreter.h). All of its frames are native, so the collector finds its roots by scanning
// the stack conservatively, whatever EngineOptions::roots says; it needs no LLVM.
//
//   toylang::EngineOptions options;
//   auto engine = toylang::CreateInterpEngine(options).value();  // this thread becomes a mutator
//   absl::StatusOr<mosaic::Value> v = engine->Eval("(+ 1 2)", "<repl>");
#ifndef TOYLANG_FRONTEND_INTERP_INTERP_ENGINE_H_
#define TOYLANG_FRONTEND_INTERP_INTERP_ENGINE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "frontend/engine/engine.h"

namespace toylang {

// Creates the heap (EngineOptions::gc_options; a bad option is InvalidArgument naming it) and
// registers the calling thread as its mutator.
absl::StatusOr<std::unique_ptr<Engine>> CreateInterpEngine(const EngineOptions& options);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_INTERP_INTERP_ENGINE_H_
