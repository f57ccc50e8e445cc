// Internal to jit/orc: what GcJit's set-up and linking (gc_jit.cc) share with its IR pipeline
// (ir_pipeline.cc).
#ifndef MOSAIC_JIT_ORC_SRC_IR_PIPELINE_H_
#define MOSAIC_JIT_ORC_SRC_IR_PIPELINE_H_

#include <string>

#include "mosaic/jit/gc_jit.h"

namespace mosaic::jit::internal {

// The module flag through which PrepareModule tells the compile step (LeveledCompiler in
// gc_jit.cc) the code generation level.
inline constexpr char kOptLevelFlag[] = "mosaic.opt-level";

// The optimisation pipeline of modules at kO1..kO3: "llvm" (LLVM's default pipeline at the
// module's level) or a textual pipeline; `pipeline` unless MOSAIC_JIT_PIPELINE overrides it.
// Part of the code cache's key.
std::string OptimisingPipeline(IrPipeline pipeline);

}  // namespace mosaic::jit::internal

#endif  // MOSAIC_JIT_ORC_SRC_IR_PIPELINE_H_
