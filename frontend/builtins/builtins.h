// Every built-in procedure of toylang, in one table (docs/design/frontend-contracts.md).
//
//   for (const Builtin& b : AllBuiltins()) ...     // or simply:
//   InstallBuiltins();                             // defines each one as a global variable
//
// An engine checks the argument count against min_args/max_args before it calls `fn` (error
// text "car: expected 1 argument, got 2"); `fn` checks the types and throws toylang::Error
// ("car: expected a pair, got 42"). `exit` throws toylang::ExitRequest. Higher-order built-ins
// call procedures back through CallContext::Apply.
#ifndef TOYLANG_FRONTEND_BUILTINS_BUILTINS_H_
#define TOYLANG_FRONTEND_BUILTINS_BUILTINS_H_

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/types/span.h"
#include "frontend/common/error.h"
#include "mosaic/value.h"

namespace toylang {

class CallContext {  // implemented by each engine
 public:
  virtual mosaic::Value Apply(mosaic::Value procedure, const mosaic::Value* args, int argc) = 0;
  virtual std::ostream& out() = 0;  // current output port
  virtual ~CallContext() = default;

  // Threads (frontend/builtins/threads.cc). RunThread runs a toylang thread's thunk on the
  // calling thread, which the thread system started, registered with the heap and gave the
  // engine's runtime: the engine sets up its own per-thread state first. Interrupted() says
  // whether the engine was asked to stop (RequestInterrupt; a blocked thread checks it while
  // it waits). Both may be called from any of the program's threads.
  virtual mosaic::Value RunThread(mosaic::Value thunk) { return Apply(thunk, nullptr, 0); }
  virtual bool Interrupted() const { return false; }

  // The primitive object being called (set by CallPrimitiveObject), for a built-in whose
  // primitive carries data (MakePrimitiveWithData: a guardian procedure). Valid only on entry
  // to the built-in: read it before calling back into the program, which overwrites it. Not a
  // root: the caller holds the primitive while it runs. Per thread (one context serves all of
  // an engine's threads).
  mosaic::Value callee() const;
  void set_callee(mosaic::Value primitive);
};

using BuiltinFn = mosaic::Value (*)(CallContext& ctx, const mosaic::Value* args, int argc);

// A built-in's entry for compiled code that calls it as a value with two arguments (`(f a b)`
// where f is `<`, passed to a sort or a poset): a plain function of the two argument words
// that neither allocates, nor raises, nor calls back. It answers the common case (two fixnums)
// and returns kLeafDeclined for anything else; the caller then makes the ordinary call, which
// computes the rest or raises the built-in's own error.
using LeafFn2 = uint64_t (*)(uint64_t a, uint64_t b);
// Never a toylang value (an embedder-tag word, as jit's kTailCallMarker).
inline constexpr uint64_t kLeafDeclined = 0x4;

struct Builtin {
  const char* name;
  int min_args;
  int max_args;  // -1: any number
  BuiltinFn fn;
  LeafFn2 leaf2 = nullptr;  // optional (above); only for built-ins that accept two arguments
};

// Every built-in, in a table with static storage (pointers into it stay valid forever).
absl::Span<const Builtin> AllBuiltins();
// The built-in called `name`, or nullptr.
const Builtin* FindBuiltin(std::string_view name);

// Defines every built-in as a global variable of the current thread's Runtime (a primitive
// object in GlobalBox(Intern(name))). Requires a current toylang::Runtime.
void InstallBuiltins();

// What (command-line) returns (process.cc): the driver sets the program's path; the default is
// ("toylang"). Any thread may call it.
void SetCommandLine(std::vector<std::string> words);

// The engine's argument-count error, so that every engine words it the same way:
// "car: expected 1 argument, got 2", "list-tail: expected 2 arguments, got 1",
// "+: expected at least 1 argument, got 0", "exit: expected 0 to 1 arguments, got 2".
std::string ArityErrorMessage(const Builtin& builtin, int argc);
// The same wording for any procedure: `max_args` < 0 means "or more"; an empty name is
// "#<procedure>".
std::string ArityMessage(const std::string& name, int min_args, int max_args, int argc);

// Calls `builtin` the way every engine must: the argument count checked first, and an error
// without a position given the call site's.
mosaic::Value CallBuiltin(const Builtin& builtin, CallContext& ctx, const mosaic::Value* args,
                          int argc, const SourcePos& pos);
// Calls the primitive object `primitive` (IsPrimitive) through CallBuiltin, with
// ctx.callee() set to it. Every engine calls primitives through this.
mosaic::Value CallPrimitiveObject(mosaic::Value primitive, CallContext& ctx,
                                  const mosaic::Value* args, int argc, const SourcePos& pos);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_BUILTINS_H_
