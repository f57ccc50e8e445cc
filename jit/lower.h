// Lowering of the toylang IR (frontend/analysis/ir.h) to LLVM IR in the shape that GcJit's
// pipeline expects (docs/design/jit.md has the calling convention and the helper protocol).
//
// Every toylang procedure becomes one function with the uniform signature
//   tailcc ptr addrspace(1) @f(i64 %closure, i64 %argc, i64 %a0, ..., i64 %a5, i64 %rest)
// where %rest is the list of the arguments after the sixth; the values are passed as words so
// that a call does not keep its own operands alive (the callee roots what it still needs). The
// caller checks the arity against the callee's JitProc, so a callee trusts argc.
#ifndef TOYLANG_JIT_LOWER_H_
#define TOYLANG_JIT_LOWER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/analysis/ir.h"
#include "frontend/objects/objects.h"
#include "mosaic/internal/mutator_layout.h"
#include "llvm/IR/Module.h"

namespace toylang::jit {

inline constexpr int kRegisterArgs = 6;

// What a closure's code word points at in the JIT engine.
struct JitProc : ProcedureInfo {
  void* code = nullptr;          // the uniform-signature function, once linked
  const ir::Lambda* lambda = nullptr;
  std::string symbol;            // the function's name in the JITDylib, once lowered
  int32_t min32 = 0;             // copies of min_args/max_args at offsets JIT code can load
  int32_t max32 = 0;
};

// An error raised by JIT code through the tj_throw helper (message and position).
struct ErrorSite {
  SourcePos pos;
  std::string message;
};

// The engine services that lowering needs (all addresses are stable for the engine's life).
class LowerEnv {
 public:
  virtual ~LowerEnv() = default;
  virtual JitProc* ProcFor(const ir::Lambda& lambda) = 0;
  // A rooted slot that holds the constant's value (materialised at compile time).
  virtual const Value* ConstantSlot(const ir::Const& c) = 0;
  virtual Value GlobalBoxFor(const ir::Global& g) = 0;
  virtual const ErrorSite* Site(const SourcePos& pos, std::string message) = 0;
  // The poll word: the heap's safepoint flag and, in the 32 bits after it, the engine's own
  // reasons to poll (Heap::EmbedderPollWord: the interrupt request). 8-byte aligned; polls load
  // it whole and take the slow path (tj_poll) when it is non-zero.
  virtual const volatile uint64_t* PollWord() = 0;
  // Whether the code gets statepoints (precise roots). With conservative roots, procedure
  // operands become words by a plain ptrtoint (no statepoint can lose them).
  virtual bool PreciseRoots() { return true; }
  // Per-thread state is not here: code reaches the running thread's allocation buffers, stack
  // limit, current call site and pending-call buffer through the thread pointer
  // (jit/thread_state.h), so the same code runs on every thread. The current call site is the
  // innermost active non-tail call site with a position (JIT code saves, sets and restores it
  // around such calls): errors raised at position-less sites (define-record-type's generated
  // procedures) are reported there, as the interpreter does. The pending-call buffer is where
  // tj_call_tail leaves a call that JIT code must make as a tail call (kPendingCallWords words).
  // The heap's kind ids, for inline allocation.
  virtual mosaic::KindId KindFor(ObjType type) = 0;
  // Keeps `v` alive for the engine's life (code compares values with its address).
  virtual void KeepAlive(Value v) = 0;
  // A fresh rooted slot holding `initial`, which JIT code may read and overwrite (a cache).
  virtual Value* NewRootSlot(Value initial) = 0;
  // The procedure most recently defined for a global by (define name (lambda ...)) in code
  // lowered so far, or nullptr: calls of the global test for it and then call it directly.
  virtual JitProc* GlobalProcHint(const std::string& name) = 0;
  virtual void SetGlobalProcHint(const std::string& name, JitProc* proc) = 0;
};

inline constexpr int kPendingCallWords = 3 + kRegisterArgs;
// tj_call_tail's result when the call it prepared is to be made by the caller: an embedder-tag
// word, which is never a toylang value.
inline constexpr uint64_t kTailCallMarker = 0x4;

struct LoweredProc {
  JitProc* proc;
  std::string symbol;
};

// Lowers `toplevel` and every lambda nested in it into `module` (which gets the
// gc.safepoint_poll definition too). `prefix` makes the symbols unique in the JITDylib.
// Returns the functions to look up after linking; the first is the top level.
std::vector<LoweredProc> LowerToplevel(LowerEnv& env, const ir::Lambda& toplevel,
                                       const std::string& prefix, llvm::Module& module);

// Defines @tj_enter (C calling convention: code, closure, argc, a0..a5, rest), the native entry
// into JIT code, and the poll, in `module`.
void DefineEntryModule(LowerEnv& env, llvm::Module& module);

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_LOWER_H_
