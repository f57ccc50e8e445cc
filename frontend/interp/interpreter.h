// The tree-walking interpreter over the IR (frontend/analysis/ir.h).
//
// All of its frames are native frames, so it relies on the conservative stack scan alone (the
// Rule for native frames in docs/design/frontend-contracts.md):
//
//   - a toylang procedure's frame is an array of Values alloca'd in the C++ frame of Exec, so
//     the scan sees every local; nothing is kept in malloc'd memory;
//   - the constant pool (quoted data materialised on first use, by ir::Const::id) is a heap
//     vector whose only reference lives in a slot registered with Heap::AddGlobalRoot;
//   - the global boxes it keeps outside the heap (GlobalBoxes) are reachable from the symbol
//     table too;
//   - closures hold their captured values in the heap object itself.
//
// Tail calls reuse the current Exec activation: Exec keeps two frame buffers, evaluates the
// callee's arguments into the spare one, swaps, and loops, so a loop through tail calls runs in
// constant C++ stack. Buffers grow (by alloca) only when a callee needs more slots than any
// before it, which bounds the growth by the largest frame in the program.
//
// Threads: Apply and RunThread may run on several registered threads at once (toylang's
// threads, each with the runtime current); the lazily made procedure records, constants and
// global boxes are made under locks and read without them.
//
// Usage (on the registered mutator thread, with a current toylang::Runtime):
//   Interpreter interp(heap, &std::cout);
//   Value v = interp.Run(*Analyze(*core, ids));  // ids: one ir::Numbering for all forms
#ifndef TOYLANG_FRONTEND_INTERP_INTERPRETER_H_
#define TOYLANG_FRONTEND_INTERP_INTERPRETER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <ostream>

#include "frontend/analysis/ir.h"
#include "frontend/builtins/builtins.h"
#include "frontend/engine/global_boxes.h"
#include "frontend/engine/side_table.h"
#include "frontend/objects/heap_mutex.h"
#include "frontend/objects/objects.h"
#include "mosaic/heap.h"

namespace toylang {

// What a closure's code word points at in this engine.
struct InterpProc : ProcedureInfo {
  const ir::Lambda* lambda = nullptr;
};

class Interpreter final : public CallContext {
 public:
  Interpreter(mosaic::Heap& heap, std::ostream* out);
  ~Interpreter() override;
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  // Runs a top-level procedure (from Analyze). The IR must outlive every closure it creates.
  Value Run(const ir::Lambda& toplevel);

  // CallContext: calls a closure or a primitive from C++ (map, apply, sort, ...).
  Value Apply(Value procedure, const Value* args, int argc) override;
  std::ostream& out() override { return *out_; }
  // A toylang thread (frontend/builtins/threads.cc): its stack limits, then the thunk.
  Value RunThread(Value thunk) override;
  bool Interrupted() const override { return interrupt_.load(std::memory_order_relaxed); }

  // Async-signal-safe. Every thread running the program stops at its next procedure entry;
  // the flag stays set until ClearInterrupt (the next Eval).
  void RequestInterrupt() { interrupt_.store(true, std::memory_order_relaxed); }
  void ClearInterrupt() { interrupt_.store(false, std::memory_order_relaxed); }

 private:
  Value RunToplevel(const ir::Lambda& toplevel);
  Value Exec(const ir::Node* node, Value* frame, size_t frame_cap, Value closure);
  // Exec for an operand: constants and plain variable references without a new activation.
  Value Operand(const ir::Node* node, Value* frame, size_t frame_cap, Value closure);
  // Procedure entry: stack depth, interrupts, safepoints.
  void Enter(const SourcePos& pos);
  // Checks the argument count, gathers the rest list and boxes parameters, in place in `frame`
  // (which holds the argc arguments and has room for max(frame_size, argc) values).
  void BindArguments(const ir::Lambda& lambda, Value* frame, int argc, const SourcePos& pos);
  Value CallPrimitive(Value primitive, const Value* args, int argc, const SourcePos& pos);
  static size_t FrameSizeOf(Value closure) {
    return static_cast<size_t>(static_cast<const InterpProc*>(ClosureInfo(closure))->lambda->frame_size);
  }
  Value MakeClosureFor(const ir::Lambda& lambda, const Value* frame, Value closure);
  const InterpProc* ProcFor(const ir::Lambda& lambda);
  Value ConstantValue(const ir::Const& c);
  [[noreturn]] void NotAProcedure(Value v, const SourcePos& pos);
  [[noreturn]] void ArityError(const ir::Lambda& lambda, int argc, const SourcePos& pos);

  mosaic::Heap& heap_;
  std::ostream* out_;
  // The constant pool: a heap vector (rooted through &constants_) indexed by ir::Const::id; a
  // slot whose bits are 0 holds no constant yet.
  Value constants_;
  GlobalBoxes globals_;
  // Each lambda's record, by ir::Lambda::id; the records live in procs_.
  SideTable<const InterpProc*> proc_of_;
  std::deque<InterpProc> procs_;
  std::atomic<bool> interrupt_{false};
  const volatile uint32_t* safepoint_flag_;
  // Serialises the lazy creation of procedure records and constants (other threads read
  // proc_of_ and constants_ without it).
  HeapMutex resolve_mu_;
  // The `apply` built-in, which the evaluator performs itself so that it is a proper tail call.
  const Builtin* apply_builtin_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_INTERP_INTERPRETER_H_
