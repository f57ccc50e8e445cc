// The engines the differential tests of tests/jit/ compare: the JIT, and the interpreter it is
// checked against. The test picks one by kind, as the toylang program does with --engine.
#ifndef TOYLANG_TESTS_JIT_CREATE_ENGINE_H_
#define TOYLANG_TESTS_JIT_CREATE_ENGINE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "frontend/engine/engine.h"
#include "frontend/interp/interp_engine.h"
#include "jit/jit_engine.h"

namespace toylang::jit {

enum class EngineKind { kInterp, kJit };

inline absl::StatusOr<std::unique_ptr<Engine>> CreateEngine(EngineKind kind,
                                                            const EngineOptions& options) {
  return kind == EngineKind::kJit ? CreateJitEngine(options) : CreateInterpEngine(options);
}

}  // namespace toylang::jit

#endif  // TOYLANG_TESTS_JIT_CREATE_ENGINE_H_
