// GcJit: an LLJIT set up for GC-managed code — the stack-map plugin (mosaic/stackmaps/
// orc_support.h) on its JITLink layer, the GC datalayout (host + "-ni:1"), the IR pipeline of the
// JIT's contract with the runtime (docs/design/jit.md, "GcJit and its pipeline"), a code
// generation level per module, and optionally the persistent code cache (code_cache.h).
// Nothing in it is specific to toylang: it is what any JIT writer on Mosaic links with.
//
//   mosaic::stackmaps::StackMapIndex index;
//   auto jit = mosaic::jit::GcJit::Create(index).value();
//   jit->DefineAbsolute({{"alloc_pair", reinterpret_cast<void*>(&AllocPairHelper)}});
//   std::unique_ptr<llvm::Module> m = ...;        // gc "statepoint-example", ptr addrspace(1)
//   absl::Status s = jit->AddModule(std::move(m), std::move(context));  // pipeline + link
//   auto fn = jit->Lookup<uint64_t (*)(uint64_t)>("entry").value();
//   uint64_t r = mosaic::stackmaps::CallJit(fn, Value::Fixnum(1).bits());
//
// Removing a ResourceTracker unregisters its sections: do that only when no frame can return
// into the code any more (the index would then miss its return addresses: a fatal error).
#ifndef MOSAIC_JIT_GC_JIT_H_
#define MOSAIC_JIT_GC_JIT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/Module.h"
#include "mosaic/jit/code_cache.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"

namespace mosaic::jit {

enum class OptLevel { kO0, kO1, kO2, kO3 };

// The IR optimisation pipeline of modules prepared at kO1..kO3 (kO0 always runs LLVM's O0
// pipeline plus sroa,mem2reg).
enum class IrPipeline {
  // A short function pipeline (kJitPipeline in ir_pipeline.cc): the passes that GC-managed,
  // call-heavy code like toylang's was measured to need. About a third of the IR time of
  // LLVM's O2, with code as fast (docs/design/jit.md, "The IR pipeline of file units").
  kJit,
  // LLVM's buildPerModuleDefaultPipeline at the level (inliner, loop and vector passes).
  kLlvmDefault,
};

struct GcJitOptions {
  OptLevel opt_level = OptLevel::kO2;  // IR pipeline and code generation
  // false: polls are still placed, but rewrite-statepoints-for-gc is skipped, so no stack maps
  // are emitted and JIT frames can only be scanned conservatively (--roots=conservative; pair
  // it with WalkMode::kConservative).
  bool statepoints = true;
  // Where AddModule(..., cacheable=true) looks for and keeps compiled objects (code_cache.h);
  // nullptr: no cache. May be shared by several GcJits.
  std::shared_ptr<CodeCache> code_cache;
  // Addresses whose placement relative to each other is the same in every run (say, the GC
  // heap's reservation at its fixed hint); see AbstractHostAddresses. May be empty.
  std::function<bool(uint64_t)> stable_address;
  IrPipeline ir_pipeline = IrPipeline::kJit;  // at kO1..kO3
};

class GcJit {
 public:
  static absl::StatusOr<std::unique_ptr<GcJit>> Create(stackmaps::StackMapIndex& index,
                                                       GcJitOptions options = {});

  // The pipeline of the contract, in place: datalayout and triple set to the JIT's, the
  // optimisation pipeline (options.ir_pipeline, or the MOSAIC_JIT_PIPELINE environment
  // variable, docs/options.md; sroa/mem2reg at -O0), function(place-safepoints) with the
  // module's own defined `void @gc.safepoint_poll()`, rewrite-statepoints-for-gc, the verifier,
  // and finally the poll function deleted, or made internal if something still calls it (RS4GC
  // is skipped when options.statepoints is false).
  // Functions with a `gc` attribute get frame-pointer="all". InvalidArgument if a GC function
  // exists and the poll is not defined, or if the verifier rejects the result.
  absl::Status PrepareModule(llvm::Module& module) const {
    return PrepareModule(module, options_.opt_level);
  }
  // The same at `level`, which the module records (a module flag) so that code generation runs
  // at that level too when the module is linked.
  absl::Status PrepareModule(llvm::Module& module, OptLevel level) const;

  // PrepareModule, then adds the module to the main JITDylib (or under `tracker`).
  absl::Status AddModule(std::unique_ptr<llvm::Module> module,
                         std::unique_ptr<llvm::LLVMContext> context,
                         llvm::orc::ResourceTrackerSP tracker = nullptr);
  // The same for a module whose context other modules share (say, a module split in two so
  // that one part can be removed on its own), optionally at another level than the options'
  // (code that runs once is not worth optimising).
  // `cacheable` (with options.code_cache set): the module's host addresses become absolute
  // symbols (AbstractHostAddresses, defined under `tracker`), its key is computed before any
  // pass, and on a hit the cached object is linked in place of the pipeline and code
  // generation; on a miss the object is stored once generated (when the module is linked).
  absl::Status AddModule(llvm::orc::ThreadSafeModule module,
                         llvm::orc::ResourceTrackerSP tracker = nullptr,
                         std::optional<OptLevel> level = std::nullopt, bool cacheable = false);

  // Modules added with `cacheable` whose object came from the cache, and those compiled.
  uint64_t code_cache_hits() const { return cache_hits_; }
  uint64_t code_cache_misses() const { return cache_misses_; }

  // Defines absolute symbols (host functions or data) in the main JITDylib.
  absl::Status DefineAbsolute(const std::vector<std::pair<std::string, const void*>>& symbols);

  absl::StatusOr<uint64_t> LookupAddress(std::string_view name);
  template <typename Fn>
  absl::StatusOr<Fn> Lookup(std::string_view name) {
    absl::StatusOr<uint64_t> address = LookupAddress(name);
    if (!address.ok()) return address.status();
    return reinterpret_cast<Fn>(*address);
  }

  llvm::orc::LLJIT& lljit() { return *lljit_; }
  const llvm::DataLayout& data_layout() const { return lljit_->getDataLayout(); }
  stackmaps::StackMapPlugin& plugin() { return *plugin_; }

 private:
  GcJit() = default;
  std::unique_ptr<llvm::orc::LLJIT> lljit_;
  stackmaps::StackMapPlugin* plugin_ = nullptr;  // owned by the object linking layer
  std::unique_ptr<llvm::TargetMachine> target_machine_;  // for the IR pipeline
  GcJitOptions options_;
  uint64_t cache_hits_ = 0;
  uint64_t cache_misses_ = 0;
};

}  // namespace mosaic::jit

#endif  // MOSAIC_JIT_GC_JIT_H_
