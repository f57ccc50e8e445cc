// The pieces of the JIT's compilation model that do not depend on the engine
// (docs/design/jit.md, "Compilation unit, tiers and code removal"):
//
// - A compilation unit is one LLVM module holding several top-level forms. LowerToplevel gives
//   every module its own `gc.safepoint_poll`; DropPoll removes the previous one before the
//   next form is lowered into the same module.
// - SplitOffThunks moves the top-level thunks (which run once) into a module of their own, so
//   that their code can be removed after they return while the lambdas (which closures may
//   call forever) stay.
// - MoveFunctions moves huge functions (HugeFunctions) into a module of their own, compiled
//   at O0, so that their compile time stays linear in their size.
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

// The functions defined in `module`, other than those named in `except`, with more than
// `max_instructions` IR instructions or more than `max_calls` calls: those that LLVM's
// optimising back end would take super-linear time on (docs/design/jit.md, "Compile time of
// huge functions").
std::vector<std::string> HugeFunctions(const llvm::Module& module, size_t max_instructions,
                                       size_t max_calls, const std::vector<std::string>& except);

// Returns a new module (same context) that defines the functions named `names` plus its own
// poll and declares everything else; in `module` those functions become declarations, so
// their callers there link to the new module's definitions. Unlike SplitOffThunks, the
// functions may be referenced (called, made into closures) from inside `module`.
std::unique_ptr<llvm::Module> MoveFunctions(llvm::Module& module,
                                            const std::vector<std::string>& names,
                                            const std::string& suffix);

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
