// The native helpers that JIT code calls (extern "C", each a JIT -> native exit that may
// collect), and what they need from the engine running on the calling thread.
// docs/design/jit.md, "Helpers", lists them with their contracts.
#ifndef TOYLANG_JIT_HELPERS_H_
#define TOYLANG_JIT_HELPERS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "frontend/common/error.h"
#include "jit/lower.h"
#include "mosaic/value.h"

namespace toylang::jit {

// Implemented by the JIT engine; the helpers reach it through CurrentHelperHost().
class HelperHost {
 public:
  virtual ~HelperHost() = default;
  // A site's position, or for a position-less site that of the innermost active call.
  virtual SourcePos PosFor(const ErrorSite* site) const = 0;
  virtual Value CallPrimitive(Value primitive, const Value* args, int argc,
                              const SourcePos& pos) = 0;
  // The poll's slow path: "interrupted", then the safepoint.
  virtual void Poll() = 0;
  // Calls closure `f`, whose procedure accepts `argc` arguments (a0..a5 in `regs`, the others
  // in the list `rest`), from a helper: with `site` as the innermost call site for
  // position-less errors, as a call from JIT code would have it.
  virtual Value CallClosure(Value f, int64_t argc, const uint64_t* regs, uint64_t rest,
                            const ErrorSite* site) = 0;
};

// The engine whose JIT code runs on this thread (set by the engine while it exists, and by
// RunThread on each of its toylang threads).
HelperHost*& CurrentHelperHost();

// Primitives that JIT code on this thread has called through the call helpers (tj_call and
// tj_call_tail): a built-in called as a value takes this path unless its leaf entry answered
// (Builtin::leaf2). For tests.
uint64_t PrimitiveCallsThroughHelpers();

[[noreturn]] void ThrowArityError(const JitProc& proc, int argc, const SourcePos& pos);

// Every helper's symbol and address, for GcJit::DefineAbsolute.
std::vector<std::pair<std::string, const void*>> HelperSymbols();

}  // namespace toylang::jit

#endif  // TOYLANG_JIT_HELPERS_H_
