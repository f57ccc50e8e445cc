// GcJit::PrepareModule: the IR pipeline of the JIT's contract with the runtime
// (docs/design/jit.md, "GcJit and its pipeline"): the optimisation pipeline of the module's
// level, then function(place-safepoints) and rewrite-statepoints-for-gc, then the verifier.
#include "ir_pipeline.h"

#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace mosaic::jit {
namespace {

using ::mosaic::stackmaps::ToStatus;

constexpr const char* kPollFunction = "gc.safepoint_poll";
// IrPipeline::kJit. Chosen by measuring the 14 programs of bench/programs (docs/design/jit.md,
// "The IR pipeline of file units"): LLVM's O2 module pipeline took ~40% of the CPU time of
// compiling a file's lambdas, mostly in passes that do nothing for code whose functions are
// `noinline` and call-bound (the inliner, loop unrolling and vectorisation, function
// attributes, IPO). What the lowering's IR does need: sroa (its locals are allocas; RS4GC needs
// SSA), early-cse, instcombine and simplifycfg to fold the constant type checks of the inline
// paths, gvn for repeated loads of a global's box, and jump-threading plus a last simplifycfg
// that hoists and sinks the code common to a fast path and its fallback (without these two,
// nqueens ran ~5% slower than at O2). Last, deadargelim: it turns the operands of call sites
// whose callee never reads that parameter (the padding of the uniform 9-word signature at
// known calls) into poison, so no register is loaded for them (fib: ~9% of its run time).
constexpr const char* kJitPipeline =
    "function(sroa,early-cse,simplifycfg<switch-range-to-icmp>,instcombine<max-iterations=1>,gvn,"
    "jump-threading,simplifycfg<switch-range-to-icmp;hoist-common-insts;sink-common-insts>),"
    "deadargelim";
// Overrides the pipeline of kO1..kO3 modules for measurements: "jit", "llvm" (LLVM's default
// pipeline at the module's level) or a textual pipeline for PassBuilder::parsePassPipeline.
constexpr const char* kPipelineEnv = "MOSAIC_JIT_PIPELINE";

llvm::OptimizationLevel ToPassLevel(OptLevel level) {
  switch (level) {
    case OptLevel::kO0: return llvm::OptimizationLevel::O0;
    case OptLevel::kO1: return llvm::OptimizationLevel::O1;
    case OptLevel::kO2: return llvm::OptimizationLevel::O2;
    case OptLevel::kO3: return llvm::OptimizationLevel::O3;
  }
  return llvm::OptimizationLevel::O2;
}

// Fills `mpm` with the optimisation pipeline of a module at `level` > kO0.
absl::Status BuildOptimisingPipeline(llvm::PassBuilder& pb, llvm::ModulePassManager& mpm,
                                     OptLevel level, IrPipeline pipeline) {
  const std::string text = internal::OptimisingPipeline(pipeline);
  if (text == "llvm") {
    mpm = pb.buildPerModuleDefaultPipeline(ToPassLevel(level));
    return absl::OkStatus();
  }
  absl::Status s = ToStatus(pb.parsePassPipeline(mpm, text), absl::StatusCode::kInvalidArgument);
  if (!s.ok()) {
    // Name the variable when the pipeline came from it: the user has to know what to fix.
    const char* env = std::getenv(kPipelineEnv);
    const bool from_env = env != nullptr && *env != '\0';
    return absl::InvalidArgumentError(absl::StrFormat(
        "%sIR pipeline \"%s\": %s", from_env ? absl::StrCat(kPipelineEnv, ": ") : "", text,
        s.message()));
  }
  return s;
}

// Runs `build` (which fills a ModulePassManager) with fresh analysis managers.
template <typename Build>
absl::Status RunPipeline(llvm::Module& module, llvm::TargetMachine* tm, Build build) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::ModulePassManager mpm;
  if (absl::Status s = build(pb, mpm); !s.ok()) return s;
  mpm.run(module, mam);
  return absl::OkStatus();
}

}  // namespace

namespace internal {

std::string OptimisingPipeline(IrPipeline pipeline) {
  if (const char* env = std::getenv(kPipelineEnv); env != nullptr && *env != '\0') {
    return std::string_view(env) == "jit" ? kJitPipeline : env;
  }
  return pipeline == IrPipeline::kJit ? kJitPipeline : "llvm";
}

}  // namespace internal

absl::Status GcJit::PrepareModule(llvm::Module& module, OptLevel level) const {
  module.setDataLayout(data_layout());
  module.addModuleFlag(llvm::Module::Override, internal::kOptLevelFlag,
                       static_cast<uint32_t>(level));
  module.setTargetTriple(target_machine_->getTargetTriple().str());
  bool has_gc = false;
  for (llvm::Function& f : module) {
    if (f.isDeclaration() || !f.hasGC()) continue;
    has_gc = true;
    f.addFnAttr("frame-pointer", "all");  // the walker follows frame pointers
  }
  llvm::Function* poll = module.getFunction(kPollFunction);
  if (has_gc && (poll == nullptr || poll->isDeclaration())) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "module '%s' has GC functions but does not define void @%s()",
        module.getModuleIdentifier(), kPollFunction));
  }
  {
    std::string errors;
    llvm::raw_string_ostream os(errors);
    if (llvm::verifyModule(module, &os)) {
      return absl::InvalidArgumentError("module does not verify before the pipeline: " + errors);
    }
  }
  absl::Status s = RunPipeline(
      module, target_machine_.get(),
      [level, pipeline = options_.ir_pipeline](llvm::PassBuilder& pb,
                                               llvm::ModulePassManager& mpm) -> absl::Status {
        if (level == OptLevel::kO0) {
          mpm = pb.buildO0DefaultPipeline(llvm::OptimizationLevel::O0);
          // RS4GC does not see values kept in allocas.
          return ToStatus(pb.parsePassPipeline(mpm, "function(sroa,mem2reg)"));
        }
        return BuildOptimisingPipeline(pb, mpm, level, pipeline);
      });
  if (!s.ok()) return s;
  if (has_gc) {
    const char* pipeline = options_.statepoints
                               ? "function(place-safepoints),rewrite-statepoints-for-gc"
                               : "function(place-safepoints)";
    s = RunPipeline(module, target_machine_.get(),
                    [pipeline](llvm::PassBuilder& pb, llvm::ModulePassManager& mpm) {
                      return ToStatus(pb.parsePassPipeline(mpm, pipeline));
                    });
    if (!s.ok()) return s;
  }
  std::string errors;
  llvm::raw_string_ostream os(errors);
  if (llvm::verifyModule(module, &os)) {
    return absl::InvalidArgumentError("module does not verify after the GC pipeline: " + errors);
  }
  if (const char* dump = std::getenv("MOSAIC_JIT_PRINT_IR"); dump != nullptr && *dump == '1') {
    module.print(llvm::errs(), nullptr);
  }
  // The poll is inlined everywhere it is needed; another module's copy would clash with it.
  if (llvm::Function* p = module.getFunction(kPollFunction)) {
    if (p->use_empty()) {
      p->eraseFromParent();
    } else {
      p->setLinkage(llvm::GlobalValue::InternalLinkage);
    }
  }
  return absl::OkStatus();
}

}  // namespace mosaic::jit
