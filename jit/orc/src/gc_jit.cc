// GcJit's set-up and linking: the LLJIT with the stack-map plugin, the GC datalayout and a
// compile step that generates code at each module's level; AddModule with the code cache.
#include "mosaic/jit/gc_jit.h"

#include <mutex>
#include <string>

#include "absl/strings/str_cat.h"
#include "ir_pipeline.h"
#include "llvm/ExecutionEngine/Orc/CompileUtils.h"
#include "llvm/ExecutionEngine/Orc/IRCompileLayer.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/Metadata.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

namespace mosaic::jit {
namespace {

using ::mosaic::stackmaps::StackMapIndex;
using ::mosaic::stackmaps::StackMapPlugin;
using ::mosaic::stackmaps::ToStatus;

// The module flag (the key in hex) through which AddModule asks LeveledCompiler to store the
// object it generates in the code cache.
constexpr const char* kCacheKeyFlag = "mosaic.code-cache-key";
// Host-address symbols are named with this prefix while the key is computed, then with
// "__mosaic_host_<first 16 hex digits of the key>_" so that every module's are distinct.
constexpr const char* kHostSymbolPrefix = "__mosaic_host.";

llvm::CodeGenOptLevel ToCodeGenLevel(OptLevel level) {
  switch (level) {
    case OptLevel::kO0: return llvm::CodeGenOptLevel::None;
    case OptLevel::kO1: return llvm::CodeGenOptLevel::Less;
    case OptLevel::kO2: return llvm::CodeGenOptLevel::Default;
    case OptLevel::kO3: return llvm::CodeGenOptLevel::Aggressive;
  }
  return llvm::CodeGenOptLevel::Default;
}

// Code placement. With the x86 back end's default (loop headers 16-byte aligned) the same hot
// loop ran up to 17% slower or faster depending only on where it fell in a 64-byte window:
// matmul's inner loop, byte for byte the same machine code in two builds, took 2.27 s of CPU in
// one and 2.67 s in the other (2026-12-06; docs/design/jit.md, "Code placement"). So innermost
// loops are aligned to 64 bytes. LLVM 19 reads that only from its option
// `x86-experimental-pref-innermost-loop-alignment` (log2), set once for the process here when
// the option exists.
void AlignInnermostLoops() {
  llvm::StringMap<llvm::cl::Option*>& options = llvm::cl::getRegisteredOptions();
  auto it = options.find("x86-experimental-pref-innermost-loop-alignment");
  if (it != options.end()) it->second->addOccurrence(0, it->first(), "6");
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
            m.getModuleFlag(internal::kOptLevelFlag))) {
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

}  // namespace

absl::StatusOr<std::unique_ptr<GcJit>> GcJit::Create(StackMapIndex& index,
                                                     GcJitOptions options) {
  static std::once_flag init_once;
  std::call_once(init_once, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    llvm::InitializeNativeTargetAsmParser();
    AlignInnermostLoops();
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
      context.ir_pipeline =
          at == OptLevel::kO0 ? "" : internal::OptimisingPipeline(options_.ir_pipeline);
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

}  // namespace mosaic::jit
