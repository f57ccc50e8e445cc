// The JIT engine: toylang compiled to machine code through LLVM's ORC JIT (GcJit), with precise
// roots in JIT frames (--roots=precise) or none (--roots=conservative). docs/design/jit.md.
//
//   toylang::EngineOptions options;
//   auto engine = toylang::jit::CreateJitEngine(options).value();
//   absl::StatusOr<mosaic::Value> v = engine->Eval("(+ 1 2)", "<repl>");
#ifndef TOYLANG_JIT_JIT_ENGINE_H_
#define TOYLANG_JIT_JIT_ENGINE_H_

#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "frontend/engine/engine.h"

namespace toylang::jit {

// Creates the heap (EngineOptions::gc_options; a bad option is InvalidArgument naming it), the
// JIT and its stack-map index, and registers the calling thread as the heap's mutator: the
// engine belongs to that thread (Eval and the rest must come from it). The program's own
// threads run the same code: JIT code reaches the running thread's allocation buffers and
// other state through the thread pointer (jit/thread_state.h).
absl::StatusOr<std::unique_ptr<Engine>> CreateJitEngine(const EngineOptions& options);

// The optimisation level (0..3, of both the IR pipeline and code generation) of engines created
// with EngineOptions::interactive; files and -e always use 2. Default 0 (docs/design/jit.md has
// the measurement). For measurement tools: it affects engines created afterwards.
// InvalidArgument outside 0..3.
absl::Status SetInteractiveOptLevel(int level);

// The stack-map records registered now in a JIT engine's index (0 for another engine). They
// leave the index when their code is removed. For tests.
size_t LiveStackMapRecordsForTesting(const Engine& engine);

// JIT frames walked precisely in captured continuations' stack segments, by every engine of
// the process so far (docs/design/continuations.md).
uint64_t SegmentJitFramesWalkedForTesting();

// Tests only: code compiled afterwards stores without the write barrier on one path —
// "set-car!" (and set-cdr!), "vector-set!", "box" (assigned variables), "global", "closure-fixup"
// (letrec) or "append" — so that a test can show the verifier (verify=1, generational=on)
// catches a missing barrier. InvalidArgument for another name. Restore with
// RestoreWriteBarriersForTesting.
absl::Status SkipWriteBarrierForTesting(std::string_view path);
void RestoreWriteBarriersForTesting();

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_JIT_ENGINE_H_
