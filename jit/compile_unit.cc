#include "jit/compile_unit.h"

#include <algorithm>

#include "llvm/ExecutionEngine/JITLink/JITLink.h"
#include "llvm/ExecutionEngine/Orc/Shared/MemoryFlags.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/InstrTypes.h"
#include "llvm/Transforms/Utils/Cloning.h"

namespace toylang::jit {
namespace {

constexpr const char* kPoll = "gc.safepoint_poll";

bool Contains(const std::vector<std::string>& names, llvm::StringRef name) {
  return std::find(names.begin(), names.end(), name.str()) != names.end();
}

}  // namespace

void DropPoll(llvm::Module& module) {
  llvm::Function* poll = module.getFunction(kPoll);
  if (poll != nullptr && !poll->isDeclaration() && poll->use_empty()) poll->eraseFromParent();
}

bool OnlyThunksDefined(const llvm::Module& module, const std::vector<std::string>& thunks) {
  for (const llvm::Function& f : module) {
    if (f.isDeclaration() || f.getName() == kPoll) continue;
    if (!Contains(thunks, f.getName())) return false;
  }
  return true;
}

std::unique_ptr<llvm::Module> SplitOffThunks(llvm::Module& module,
                                             const std::vector<std::string>& thunks) {
  std::vector<llvm::Function*> moved;
  for (const std::string& name : thunks) {
    llvm::Function* f = module.getFunction(name);
    // A thunk that something in the module refers to must stay where its users are.
    if (f == nullptr || f->isDeclaration() || !f->use_empty()) return nullptr;
    moved.push_back(f);
  }
  llvm::ValueToValueMapTy map;
  std::unique_ptr<llvm::Module> split =
      llvm::CloneModule(module, map, [&](const llvm::GlobalValue* gv) {
        // Both halves need the poll (place-safepoints inlines it); anything with local linkage
        // is private to whichever half uses it, so both get a copy.
        return gv->getName() == kPoll || gv->hasLocalLinkage() || Contains(thunks, gv->getName());
      });
  split->setModuleIdentifier(module.getModuleIdentifier() + ".top");
  for (llvm::Function* f : moved) f->eraseFromParent();
  return split;
}

std::vector<std::string> HugeFunctions(const llvm::Module& module, size_t max_instructions,
                                       size_t max_calls, const std::vector<std::string>& except) {
  std::vector<std::string> huge;
  for (const llvm::Function& f : module) {
    if (f.isDeclaration() || f.getName() == kPoll || Contains(except, f.getName())) continue;
    size_t instructions = 0, calls = 0;
    for (const llvm::BasicBlock& block : f) {
      for (const llvm::Instruction& i : block) {
        ++instructions;
        if (llvm::isa<llvm::CallBase>(i)) ++calls;
      }
    }
    if (instructions > max_instructions || calls > max_calls) huge.push_back(f.getName().str());
  }
  return huge;
}

std::unique_ptr<llvm::Module> MoveFunctions(llvm::Module& module,
                                            const std::vector<std::string>& names,
                                            const std::string& suffix) {
  llvm::ValueToValueMapTy map;
  std::unique_ptr<llvm::Module> moved =
      llvm::CloneModule(module, map, [&](const llvm::GlobalValue* gv) {
        return gv->getName() == kPoll || gv->hasLocalLinkage() || Contains(names, gv->getName());
      });
  moved->setModuleIdentifier(module.getModuleIdentifier() + suffix);
  for (const std::string& name : names) {
    // A declaration with the same name, type, calling convention and attributes: the uses in
    // `module` stay valid and link to the moved definition.
    if (llvm::Function* f = module.getFunction(name)) f->deleteBody();
  }
  return moved;
}

void CodeSizePlugin::modifyPassConfig(llvm::orc::MaterializationResponsibility&,
                                      llvm::jitlink::LinkGraph&,
                                      llvm::jitlink::PassConfiguration& config) {
  config.PostFixupPasses.push_back([this](llvm::jitlink::LinkGraph& graph) -> llvm::Error {
    uint64_t bytes = 0;
    for (llvm::jitlink::Section& section : graph.sections()) {
      const auto prot = static_cast<unsigned>(section.getMemProt());
      if ((prot & static_cast<unsigned>(llvm::orc::MemProt::Exec)) == 0) continue;
      for (llvm::jitlink::Block* block : section.blocks()) bytes += block->getSize();
    }
    code_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    return llvm::Error::success();
  });
}

}  // namespace toylang::jit
