// Two JITLink facts shape the plugin (docs/design/stackmaps.md): nothing refers to
// `.llvm_stackmaps`, so JITLink dead-strips it unless a live symbol covers each block before
// pruning; and the function addresses inside are only absolute after fixup.
#include "mosaic/stackmaps/orc_support.h"

#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

namespace mosaic::stackmaps {
namespace {

constexpr const char* kStackMapSection = ".llvm_stackmaps";
constexpr const char* kPollFunction = "gc.safepoint_poll";
// The module flag through which PrepareModule tells LeveledCompiler the code generation level.
constexpr const char* kOptLevelFlag = "mosaic.opt-level";
// The module flag (the key in hex) through which AddModule asks LeveledCompiler to store the
// object it generates in the code cache.
constexpr const char* kCacheKeyFlag = "mosaic.code-cache-key";
// Host-address symbols are named with this prefix while the key is computed, then with
// "__mosaic_host_<first 16 hex digits of the key>_" so that every module's are distinct.
constexpr const char* kHostSymbolPrefix = "__mosaic_host.";
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

llvm::Error ToLlvmError(const absl::Status& status) {
  return llvm::make_error<llvm::StringError>(std::string(status.message()),
                                             llvm::inconvertibleErrorCode());
}

llvm::OptimizationLevel ToPassLevel(OptLevel level) {
  switch (level) {
    case OptLevel::kO0: return llvm::OptimizationLevel::O0;
    case OptLevel::kO1: return llvm::OptimizationLevel::O1;
    case OptLevel::kO2: return llvm::OptimizationLevel::O2;
    case OptLevel::kO3: return llvm::OptimizationLevel::O3;
  }
  return llvm::OptimizationLevel::O2;
}

llvm::CodeGenOptLevel ToCodeGenLevel(OptLevel level) {
  switch (level) {
    case OptLevel::kO0: return llvm::CodeGenOptLevel::None;
    case OptLevel::kO1: return llvm::CodeGenOptLevel::Less;
    case OptLevel::kO2: return llvm::CodeGenOptLevel::Default;
    case OptLevel::kO3: return llvm::CodeGenOptLevel::Aggressive;
  }
  return llvm::CodeGenOptLevel::Default;
}

// LLJIT's compile step with one TargetMachine per code generation level (made on first use),
// chosen by the module's kOptLevelFlag; modules without it get the JIT's level. It runs on the
// thread that links (LLJIT has no compile threads here), so it needs no lock.
class LeveledCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
 public:
  LeveledCompiler(llvm::orc::JITTargetMachineBuilder jtmb, OptLevel default_level,
                  std::unique_ptr<llvm::TargetMachine> default_tm,
                  std::shared_ptr<CodeCache> cache)
      : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(default_tm->Options)),
        jtmb_(std::move(jtmb)),
        default_level_(default_level),
        cache_(std::move(cache)) {
    tms_[static_cast<int>(default_level)] = std::move(default_tm);
  }

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& m) override {
    OptLevel level = default_level_;
    if (auto* flag = llvm::mdconst::extract_or_null<llvm::ConstantInt>(
            m.getModuleFlag(kOptLevelFlag))) {
      if (flag->getZExtValue() <= static_cast<uint64_t>(OptLevel::kO3)) {
        level = static_cast<OptLevel>(flag->getZExtValue());
      }
    }
    std::unique_ptr<llvm::TargetMachine>& tm = tms_[static_cast<int>(level)];
    if (tm == nullptr) {
      llvm::orc::JITTargetMachineBuilder jtmb = jtmb_;
      jtmb.setCodeGenOptLevel(ToCodeGenLevel(level));
      auto created = jtmb.createTargetMachine();
      if (!created) return created.takeError();
      tm = std::move(*created);
    }
    auto object = llvm::orc::SimpleCompiler(*tm)(m);
    if (object && cache_ != nullptr) {
      CodeCacheKey key;
      if (auto* hex = llvm::dyn_cast_or_null<llvm::MDString>(m.getModuleFlag(kCacheKeyFlag));
          hex != nullptr && KeyFromHex(hex->getString(), &key)) {
        cache_->Store(key, (*object)->getBuffer());
      }
    }
    return object;
  }

 private:
  llvm::orc::JITTargetMachineBuilder jtmb_;
  OptLevel default_level_;
  std::shared_ptr<CodeCache> cache_;
  std::unique_ptr<llvm::TargetMachine> tms_[4];
};

// The optimisation pipeline of a module at a level > kO0: "llvm" (LLVM's default pipeline at
// that level) or a textual pipeline.
std::string OptimisingPipeline(IrPipeline pipeline) {
  if (const char* env = std::getenv(kPipelineEnv); env != nullptr && *env != '\0') {
    return std::string_view(env) == "jit" ? kJitPipeline : env;
  }
  return pipeline == IrPipeline::kJit ? kJitPipeline : "llvm";
}

// Fills `mpm` with the optimisation pipeline of a module at `level` > kO0.
absl::Status BuildOptimisingPipeline(llvm::PassBuilder& pb, llvm::ModulePassManager& mpm,
                                     OptLevel level, IrPipeline pipeline) {
  const std::string text = OptimisingPipeline(pipeline);
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

absl::Status ToStatus(llvm::Error error, absl::StatusCode code) {
  if (!error) return absl::OkStatus();
  return absl::Status(code, llvm::toString(std::move(error)));
}

// --- StackMapPlugin ------------------------------------------------------------------------

void StackMapPlugin::modifyPassConfig(llvm::orc::MaterializationResponsibility& mr,
                                      llvm::jitlink::LinkGraph& g,
                                      llvm::jitlink::PassConfiguration& config) {
  config.PrePrunePasses.push_back([](llvm::jitlink::LinkGraph& graph) -> llvm::Error {
    if (llvm::jitlink::Section* section = graph.findSectionByName(kStackMapSection)) {
      for (llvm::jitlink::Block* block : section->blocks()) {
        graph.addAnonymousSymbol(*block, 0, block->getSize(), /*IsCallable=*/false,
                                 /*IsLive=*/true);
      }
    }
    return llvm::Error::success();
  });
  config.PostFixupPasses.push_back(
      [this, &mr](llvm::jitlink::LinkGraph& graph) { return RegisterGraph(mr, graph); });
}

llvm::Error StackMapPlugin::RegisterGraph(llvm::orc::MaterializationResponsibility& mr,
                                          llvm::jitlink::LinkGraph& g) {
  llvm::jitlink::Section* section = g.findSectionByName(kStackMapSection);
  if (section == nullptr || section->blocks_size() == 0) return llvm::Error::success();
  if (section->blocks_size() != 1) {
    return ToLlvmError(absl::InvalidArgumentError(absl::StrFormat(
        "%s in %s has %d blocks; expected one", kStackMapSection, g.getName(),
        section->blocks_size())));
  }
  llvm::jitlink::Block& block = **section->blocks().begin();
  if (block.isZeroFill()) {
    return ToLlvmError(absl::InvalidArgumentError(
        absl::StrFormat("%s in %s is zero-fill", kStackMapSection, g.getName())));
  }
  llvm::ArrayRef<char> content = block.getContent();
  std::vector<uint8_t> bytes(content.begin(), content.end());
  const uint64_t address = block.getAddress().getValue();
  std::vector<CodeSymbol> symbols;
  for (llvm::jitlink::Symbol* sym : g.defined_symbols()) {
    if (sym->isCallable() && sym->hasName()) {
      symbols.push_back({sym->getAddress().getValue(), sym->getSize(), sym->getName().str()});
    }
  }
  if (observer_) observer_(bytes, address);
  absl::StatusOr<SectionId> id = index_.Register(bytes, address, symbols);
  if (!id.ok()) return ToLlvmError(id.status());
  std::lock_guard<std::mutex> lock(mu_);
  pending_[&mr].push_back(*id);
  return llvm::Error::success();
}

llvm::Error StackMapPlugin::notifyEmitted(llvm::orc::MaterializationResponsibility& mr) {
  std::vector<SectionId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(&mr);
    if (it == pending_.end()) return llvm::Error::success();
    ids = std::move(it->second);
    pending_.erase(it);
  }
  return mr.withResourceKeyDo([&](llvm::orc::ResourceKey key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& owned = owned_[key];
    owned.insert(owned.end(), ids.begin(), ids.end());
  });
}

llvm::Error StackMapPlugin::notifyFailed(llvm::orc::MaterializationResponsibility& mr) {
  std::vector<SectionId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(&mr);
    if (it == pending_.end()) return llvm::Error::success();
    ids = std::move(it->second);
    pending_.erase(it);
  }
  for (SectionId id : ids) index_.Unregister(id).IgnoreError();  // the code never ran
  return llvm::Error::success();
}

llvm::Error StackMapPlugin::notifyRemovingResources(llvm::orc::JITDylib&,
                                                    llvm::orc::ResourceKey key) {
  std::vector<SectionId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = owned_.find(key);
    if (it == owned_.end()) return llvm::Error::success();
    ids = std::move(it->second);
    owned_.erase(it);
  }
  for (SectionId id : ids) {
    if (absl::Status s = index_.Unregister(id); !s.ok()) return ToLlvmError(s);
  }
  return llvm::Error::success();
}

void StackMapPlugin::notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey dst,
                                                 llvm::orc::ResourceKey src) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owned_.find(src);
  if (it == owned_.end()) return;
  std::vector<SectionId> ids = std::move(it->second);
  owned_.erase(it);
  auto& to = owned_[dst];
  to.insert(to.end(), ids.begin(), ids.end());
}

size_t StackMapPlugin::LiveSectionCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [key, ids] : owned_) n += ids.size();
  return n;
}

std::vector<SectionId> StackMapPlugin::SectionsForTesting(llvm::orc::ResourceKey key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owned_.find(key);
  return it == owned_.end() ? std::vector<SectionId>{} : it->second;
}

// --- GcJit ---------------------------------------------------------------------------------

absl::StatusOr<std::unique_ptr<GcJit>> GcJit::Create(StackMapIndex& index,
                                                     GcJitOptions options) {
  static std::once_flag init_once;
  std::call_once(init_once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
  });
  auto jtmb = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!jtmb) return ToStatus(jtmb.takeError());
  jtmb->setCodeGenOptLevel(ToCodeGenLevel(options.opt_level));
  auto host_layout = jtmb->getDefaultDataLayoutForTarget();
  if (!host_layout) return ToStatus(host_layout.takeError());
  // Address space 1 (GC references) is non-integral: no pass may invent inttoptr/ptrtoint.
  auto gc_layout = llvm::DataLayout::parse(host_layout->getStringRepresentation() + "-ni:1");
  if (!gc_layout) return ToStatus(gc_layout.takeError());
  auto tm = jtmb->createTargetMachine();
  if (!tm) return ToStatus(tm.takeError());

  auto jit = std::unique_ptr<GcJit>(new GcJit());
  jit->options_ = options;
  jit->target_machine_ = std::move(*tm);
  auto plugin = std::make_shared<StackMapPlugin>(index);
  jit->plugin_ = plugin.get();
  auto lljit =
      llvm::orc::LLJITBuilder()
          .setJITTargetMachineBuilder(*jtmb)
          .setDataLayout(*gc_layout)
          .setCompileFunctionCreator(
              [level = options.opt_level, cache = options.code_cache](
                  llvm::orc::JITTargetMachineBuilder builder)
                  -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                auto tm = builder.createTargetMachine();
                if (!tm) return tm.takeError();
                return std::make_unique<LeveledCompiler>(std::move(builder), level,
                                                         std::move(*tm), cache);
              })
          .setObjectLinkingLayerCreator(
              [plugin](llvm::orc::ExecutionSession& es, const llvm::Triple&)
                  -> llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> {
                auto layer = std::make_unique<llvm::orc::ObjectLinkingLayer>(es);
                layer->addPlugin(plugin);
                return layer;
              })
          .create();
  if (!lljit) return ToStatus(lljit.takeError());
  jit->lljit_ = std::move(*lljit);
  return jit;
}

absl::Status GcJit::PrepareModule(llvm::Module& module, OptLevel level) const {
  module.setDataLayout(data_layout());
  module.addModuleFlag(llvm::Module::Override, kOptLevelFlag, static_cast<uint32_t>(level));
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

absl::Status GcJit::AddModule(std::unique_ptr<llvm::Module> module,
                              std::unique_ptr<llvm::LLVMContext> context,
                              llvm::orc::ResourceTrackerSP tracker) {
  return AddModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)),
                   std::move(tracker));
}

absl::Status GcJit::AddModule(llvm::orc::ThreadSafeModule module,
                              llvm::orc::ResourceTrackerSP tracker,
                              std::optional<OptLevel> level, bool cacheable) {
  const OptLevel at = level.value_or(options_.opt_level);
  llvm::orc::JITDylib& jd = lljit_->getMainJITDylib();
  std::optional<CodeCacheKey> key;
  if (cacheable && options_.code_cache != nullptr) {
    // The key is taken on the module as lowered, before any pass: a hit skips the pipeline
    // as well as code generation.
    std::vector<std::pair<std::string, uint64_t>> host_symbols;
    module.withModuleDo([&](llvm::Module& m) {
      host_symbols = AbstractHostAddresses(m, kHostSymbolPrefix, options_.stable_address);
      CodeCacheContext context;
      context.triple = target_machine_->getTargetTriple().str();
      context.cpu = target_machine_->getTargetCPU().str();
      context.features = target_machine_->getTargetFeatureString().str();
      context.data_layout = data_layout().getStringRepresentation();
      context.opt_level = static_cast<int>(at);
      context.statepoints = options_.statepoints;
      context.ir_pipeline = at == OptLevel::kO0 ? "" : OptimisingPipeline(options_.ir_pipeline);
      key = ComputeCodeCacheKey(m, context);
      RenameHostSymbols(m, host_symbols, kHostSymbolPrefix,
                        absl::StrCat("__mosaic_host_", KeyHex(*key).substr(0, 16), "_"));
    });
    if (!host_symbols.empty()) {
      llvm::orc::SymbolMap map;
      for (const auto& [name, address] : host_symbols) {
        map[lljit_->mangleAndIntern(name)] = llvm::orc::ExecutorSymbolDef(
            llvm::orc::ExecutorAddr(address), llvm::JITSymbolFlags::Exported);
      }
      llvm::Error defined = tracker ? jd.define(llvm::orc::absoluteSymbols(std::move(map)), tracker)
                                    : jd.define(llvm::orc::absoluteSymbols(std::move(map)));
      if (defined) return ToStatus(std::move(defined));
    }
    if (std::unique_ptr<llvm::MemoryBuffer> object = options_.code_cache->Lookup(*key)) {
      ++cache_hits_;
      if (tracker) return ToStatus(lljit_->addObjectFile(tracker, std::move(object)));
      return ToStatus(lljit_->addObjectFile(jd, std::move(object)));
    }
    ++cache_misses_;
  }
  absl::Status prepared = module.withModuleDo([&](llvm::Module& m) {
    absl::Status s = PrepareModule(m, at);
    if (s.ok() && key.has_value()) {
      m.addModuleFlag(llvm::Module::Override, kCacheKeyFlag,
                      llvm::MDString::get(m.getContext(), KeyHex(*key)));
    }
    return s;
  });
  if (!prepared.ok()) return prepared;
  if (tracker) return ToStatus(lljit_->addIRModule(tracker, std::move(module)));
  return ToStatus(lljit_->addIRModule(std::move(module)));
}

absl::Status GcJit::DefineAbsolute(
    const std::vector<std::pair<std::string, const void*>>& symbols) {
  llvm::orc::SymbolMap map;
  for (const auto& [name, address] : symbols) {
    map[lljit_->mangleAndIntern(name)] = llvm::orc::ExecutorSymbolDef(
        llvm::orc::ExecutorAddr::fromPtr(address), llvm::JITSymbolFlags::Exported);
  }
  return ToStatus(lljit_->getMainJITDylib().define(llvm::orc::absoluteSymbols(std::move(map))));
}

absl::StatusOr<uint64_t> GcJit::LookupAddress(std::string_view name) {
  auto address = lljit_->lookup(llvm::StringRef(name.data(), name.size()));
  if (!address) return ToStatus(address.takeError(), absl::StatusCode::kNotFound);
  return address->getValue();
}

}  // namespace mosaic::stackmaps
