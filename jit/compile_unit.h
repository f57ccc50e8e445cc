// The pieces of the JIT's compilation model that do not depend on the engine
// (docs/design/jit.md, "Compilation unit, tiers and code removal"):
//
// - A compilation unit is one LLVM module holding several top-level forms. LowerToplevel gives
//   every module its own `gc.safepoint_poll`; DropPoll removes the previous one before the
//   next form is lowered into the same module.
// - SplitOffThunks moves the top-level thunks (which run once) into a module of their own, so
//   that their code can be removed after they return while the lambdas (which closures may
//   call forever) stay.
// - CodeSizePlugin counts the bytes of executable sections that JITLink links.
#ifndef TOYLANG_JIT_COMPILE_UNIT_H_
#define TOYLANG_JIT_COMPILE_UNIT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/IR/Module.h"

namespace toylang::jit {

// Erases the module's `gc.safepoint_poll` definition if it has one (and nothing calls it yet:
// place-safepoints only inserts the calls later, in GcJit's pipeline).
void DropPoll(llvm::Module& module);

// True when every function defined in `module` is either one of `thunks` or the poll.
bool OnlyThunksDefined(const llvm::Module& module, const std::vector<std::string>& thunks);

// Returns a new module (same context) that defines the functions named `thunks` plus its own
// poll and declares everything else, and erases the thunks from `module`. Returns nullptr and
// leaves `module` unchanged when some thunk is referenced from inside the module (then it
// cannot live apart).
std::unique_ptr<llvm::Module> SplitOffThunks(llvm::Module& module,
                                             const std::vector<std::string>& thunks);

// Counts the machine code JITLink links: the sizes of the blocks of every executable section
// of every graph, after fixup (so it is what was copied into executable memory, including
// padding inside sections but not between them).
class CodeSizePlugin : public llvm::orc::ObjectLinkingLayer::Plugin {
 public:
  void modifyPassConfig(llvm::orc::MaterializationResponsibility& mr,
                        llvm::jitlink::LinkGraph& g,
                        llvm::jitlink::PassConfiguration& config) override;
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility&) override {
    return llvm::Error::success();
  }
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey) override {
    return llvm::Error::success();
  }
  void notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey,
                                   llvm::orc::ResourceKey) override {}

  uint64_t code_bytes() const { return code_bytes_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> code_bytes_{0};
};

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_COMPILE_UNIT_H_
