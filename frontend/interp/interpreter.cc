#include "frontend/interp/interpreter.h"

#include <alloca.h>

#include <algorithm>
#include <atomic>
#include <string>

#include "absl/strings/str_cat.h"
#include "frontend/builtins/case_lambda.h"
#include "frontend/builtins/continuations.h"
#include "frontend/common/error.h"
#include "frontend/common/stack_check.h"
#include "frontend/objects/datum_value.h"
#include "frontend/objects/printer.h"

namespace toylang {
namespace {

using ir::NodeKind;

// A binding's init that makes nothing: a lifted lambda (ir.h).
bool IsLifted(const ir::Node& init) {
  return init.kind == NodeKind::kLambda && ir::As<ir::Lambda>(init).lifted;
}

// The stack limits of the thread running the interpreter (stack_check.h): the engine's thread
// sets them in the constructor, a toylang thread in RunThread. Plain thread_locals of this
// executable are one segment-relative load, like the members they replace.
thread_local uintptr_t tls_stack_limit = 0;
thread_local uintptr_t tls_last_resort_limit = 0;

void SetThreadStackLimits() {
  tls_stack_limit = StackLimit();
  tls_last_resort_limit = StackLastResortLimit();
}

}  // namespace

Interpreter::Interpreter(mosaic::Heap& heap, std::ostream* out)
    : heap_(heap),
      out_(out),
      safepoint_flag_(heap.SafepointFlagAddress()),
      apply_builtin_(FindBuiltin("apply")) {
  SetThreadStackLimits();
  constants_ = MakeVector(64, Value());
  heap_.AddGlobalRoot(&constants_);
}

Interpreter::~Interpreter() { heap_.RemoveGlobalRoot(&constants_); }

// --- Procedure entry ---------------------------------------------------------------------------

inline void Interpreter::Enter(const SourcePos& pos) {
  if (CurrentStackPosition() < tls_stack_limit) throw Error("stack overflow", pos);
  // Not cleared here: every thread running the program stops at its next entry (the next
  // Eval clears it).
  if (interrupt_.load(std::memory_order_relaxed)) throw Error("interrupted", pos);
  // Relaxed, like the runtime's own poll (heap.cc): Safepoint() synchronises for real.
  if (__atomic_load_n(safepoint_flag_, __ATOMIC_RELAXED) != 0) mosaic::Safepoint();
}

void Interpreter::ArityError(const ir::Lambda& lambda, int argc, const SourcePos& pos) {
  int max_args = lambda.has_rest ? -1 : lambda.min_args();
  throw Error(ArityMessage(lambda.name, lambda.min_args(), max_args, argc), pos);
}

void Interpreter::NotAProcedure(Value v, const SourcePos& pos) {
  throw Error(absl::StrCat("not a procedure: ", WriteString(v)), pos);
}

void Interpreter::BindArguments(const ir::Lambda& lambda, Value* frame, int argc,
                                const SourcePos& pos) {
  int required = lambda.min_args();
  if (lambda.has_rest) {
    if (argc < required) ArityError(lambda, argc, pos);
    // The rest list is built from the end; every argument is still in `frame` (on the stack).
    Value rest = Value::Nil();
    for (int i = argc; i-- > required;) rest = Cons(frame[i], rest);
    frame[required] = rest;
  } else if (argc != required) {
    ArityError(lambda, argc, pos);
  }
  for (int slot : lambda.boxed_params) frame[slot] = MakeBox(frame[slot]);
}

Value Interpreter::CallPrimitive(Value primitive, const Value* args, int argc,
                                 const SourcePos& pos) {
  return CallPrimitiveObject(primitive, *this, args, argc, pos);
}

// --- Closures, constants, globals ---------------------------------------------------------------

const InterpProc* Interpreter::ProcFor(const ir::Lambda& lambda) {
  const InterpProc* proc = proc_of_.Find(lambda.id);
  if (proc != nullptr) return proc;
  HeapMutexLock lock(resolve_mu_);
  proc = proc_of_.Find(lambda.id);
  if (proc == nullptr) {
    InterpProc& p = procs_.emplace_back();
    p.name = lambda.name;
    p.min_args = lambda.min_args();
    p.max_args = lambda.max_args();
    p.lambda = &lambda;
    proc_of_.Set(lambda.id, proc = &p);
  }
  return proc;
}

Value Interpreter::MakeClosureFor(const ir::Lambda& lambda, const Value* frame, Value closure) {
  Value c = MakeClosure(ProcFor(lambda), lambda.captures.size());
  for (size_t i = 0; i < lambda.captures.size(); ++i) {
    const ir::CaptureSource& s = lambda.captures[i];
    SetClosureCapture(c, i, s.from_capture ? ClosureCapture(closure, s.index) : frame[s.index]);
  }
  return c;
}

Value Interpreter::ConstantValue(const ir::Const& c) {
  // Read without the lock, so the pool and its slots are read with acquire loads and published
  // with release stores: a thread that finds a constant another thread made (or a pool another
  // thread grew) sees it initialised.
  const size_t index = static_cast<size_t>(c.id);
  std::atomic_ref<Value> pool_ref(constants_);
  Value pool = pool_ref.load(std::memory_order_acquire);  // another thread may replace it
  size_t length = VectorLength(pool);
  if (index < length) {
    Value v = std::atomic_ref<Value>(VectorData(pool)[index]).load(std::memory_order_acquire);
    if (v.bits() != 0) return v;
  }
  HeapMutexLock lock(resolve_mu_);  // another thread may be making it, or growing the pool
  pool = pool_ref.load(std::memory_order_relaxed);
  length = VectorLength(pool);
  if (index < length) {
    Value v = VectorRef(pool, index);
    if (v.bits() != 0) return v;
  }
  Value v = DatumToValue(*c.datum);  // may collect
  pool = pool_ref.load(std::memory_order_relaxed);
  if (index >= length) {
    Value bigger = MakeVector(std::max(2 * length, index + 1), Value());
    for (size_t i = 0; i < length; ++i) VectorSet(bigger, i, VectorRef(pool, i));
    pool_ref.store(bigger, std::memory_order_release);  // a global root: no barrier
    pool = bigger;
  }
  Value* slot = &VectorData(pool)[index];
  std::atomic_ref<Value>(*slot).store(v, std::memory_order_release);
  mosaic::internal::RecordWrite(slot);
  return v;
}

// --- Entry points -------------------------------------------------------------------------------

// Each top-level form and each thread's thunk runs at an evaluation base
// (frontend/builtins/continuations.h): the frames below it are what a continuation captures.
// What the body does after its call returns must not depend on anything but its own frame:
// a re-entered continuation returns through a copy of it.
Value Interpreter::Run(const ir::Lambda& toplevel) {
  auto body = [this, &toplevel] { return RunToplevel(toplevel); };
  return RunAtBase(body, nullptr);
}

Value Interpreter::RunToplevel(const ir::Lambda& toplevel) {
  size_t cap = std::max(toplevel.frame_size, 1);
  Value* frame = static_cast<Value*>(alloca(cap * sizeof(Value)));
  std::fill(frame, frame + cap, Value());
  return Exec(toplevel.body.get(), frame, cap, Value());
}

Value Interpreter::RunThread(Value thunk) {
  SetThreadStackLimits();
  auto body = [this, thunk] { return Apply(thunk, nullptr, 0); };
  return RunAtBase(body, nullptr);
}

Value Interpreter::Apply(Value procedure, const Value* args, int argc) {
  // Errors here have no position of their own: the built-in that called Apply (map, apply,
  // for-each, ...) is reported at its call site by CallPrimitive.
  if (IsPrimitive(procedure)) return CallPrimitive(procedure, args, argc, SourcePos{});
  if (!IsClosure(procedure)) NotAProcedure(procedure, SourcePos{});
  const ir::Lambda& lambda = *static_cast<const InterpProc*>(ClosureInfo(procedure))->lambda;
  Enter(SourcePos{});
  size_t cap = std::max<size_t>({static_cast<size_t>(lambda.frame_size), static_cast<size_t>(argc), 1});
  if (!StackHasRoom(tls_stack_limit, cap * sizeof(Value))) throw Error("stack overflow");
  Value* frame = static_cast<Value*>(alloca(cap * sizeof(Value)));
  std::copy(args, args + argc, frame);
  BindArguments(lambda, frame, argc, SourcePos{});
  return Exec(lambda.body.get(), frame, cap, procedure);
}

// --- The evaluator ---------------------------------------------------------------------------

inline Value Interpreter::Operand(const ir::Node* node, Value* frame, size_t frame_cap,
                                  Value closure) {
  switch (node->kind) {
    case NodeKind::kConst: {
      const auto& c = ir::As<ir::Const>(*node);
      if (c.is_immediate) return c.immediate;
      break;
    }
    case NodeKind::kLocalRef: {
      const auto& r = ir::As<ir::VarRef>(*node);
      if (!r.boxed) {
        Value v = frame[r.index];
        if (!v.IsUndefined()) return v;  // else Exec reports it (or returns it if allowed)
      }
      break;
    }
    case NodeKind::kCaptureRef: {
      const auto& r = ir::As<ir::VarRef>(*node);
      if (!r.boxed) {
        Value v = ClosureCapture(closure, r.index);
        if (!v.IsUndefined()) return v;
      }
      break;
    }
    case NodeKind::kGlobalRef: {
      Value box = globals_.Found(ir::As<ir::Global>(*node));
      if (box.bits() != 0) {
        Value v = BoxRef(box);
        if (!v.IsUndefined()) return v;
      }
      break;
    }
    default:
      break;
  }
  return Exec(node, frame, frame_cap, closure);
}

// Exec proper.

// Grows the spare frame buffer (in this activation's C++ frame) to hold n values.
#define TOYLANG_ENSURE_SPARE(n)                                          \
  do {                                                                   \
    size_t need_ = (n);                                                  \
    if (need_ > spare_cap) {                                             \
      if (!StackHasRoom(tls_last_resort_limit, need_ * sizeof(Value))) {    \
        throw Error("stack overflow", node->pos);                        \
      }                                                                  \
      spare_cap = (need_ + 1) & ~size_t{1}; /* 16-byte steps */          \
      spare = static_cast<Value*>(alloca(spare_cap * sizeof(Value)));    \
    }                                                                    \
  } while (0)

Value Interpreter::Exec(const ir::Node* node, Value* frame, size_t frame_cap, Value closure) {
  {
    // Deeply nested expressions without calls. Half the margin lower than Enter's limit, so
    // that runaway recursion is reported by Enter, at the call site.
    if (CurrentStackPosition() < tls_last_resort_limit) {
      throw Error("stack overflow", node->pos);
    }
  }
  Value* spare = nullptr;
  size_t spare_cap = 0;
  for (;;) {
    switch (node->kind) {
      case NodeKind::kConst: {
        const auto& c = ir::As<ir::Const>(*node);
        return c.is_immediate ? c.immediate : ConstantValue(c);
      }
      case NodeKind::kLocalRef:
      case NodeKind::kCaptureRef: {
        const auto& r = ir::As<ir::VarRef>(*node);
        Value v = node->kind == NodeKind::kLocalRef ? frame[r.index] : ClosureCapture(closure, r.index);
        if (r.boxed) v = BoxRef(v);
        if (r.check_defined && v.IsUndefined()) {
          throw Error(absl::StrCat(r.name, ": variable used before its definition"), node->pos);
        }
        return v;
      }
      case NodeKind::kGlobalRef: {
        const auto& g = ir::As<ir::Global>(*node);
        Value v = BoxRef(globals_.For(g));
        if (v.IsUndefined()) throw Error(absl::StrCat("unbound variable: ", g.name), node->pos);
        return v;
      }
      case NodeKind::kLocalSet:
      case NodeKind::kCaptureSet: {
        const auto& s = ir::As<ir::VarSet>(*node);
        Value v = Exec(s.value.get(), frame, frame_cap, closure);
        if (node->kind == NodeKind::kLocalSet) {
          if (s.boxed) {
            BoxSet(frame[s.index], v);
          } else {
            frame[s.index] = v;
          }
        } else {
          BoxSet(ClosureCapture(closure, s.index), v);
        }
        return Value::Unspecified();
      }
      case NodeKind::kGlobalSet:
      case NodeKind::kGlobalDefine: {
        const auto& g = ir::As<ir::Global>(*node);
        Value v = Exec(g.value.get(), frame, frame_cap, closure);
        Value box = globals_.For(g);
        if (node->kind == NodeKind::kGlobalSet && BoxRef(box).IsUndefined()) {
          throw Error(absl::StrCat("set!: unbound variable: ", g.name), node->pos);
        }
        BoxSet(box, v);
        return Value::Unspecified();
      }
      case NodeKind::kIf: {
        const auto& i = ir::As<ir::If>(*node);
        Value test = Operand(i.test.get(), frame, frame_cap, closure);
        node = test.IsTruthy() ? i.then.get() : i.otherwise.get();
        continue;
      }
      case NodeKind::kSeq: {
        const auto& s = ir::As<ir::Seq>(*node);
        for (size_t k = 0; k + 1 < s.body.size(); ++k) Exec(s.body[k].get(), frame, frame_cap, closure);
        node = s.body.back().get();
        continue;
      }
      case NodeKind::kLambda:
        return MakeClosureFor(ir::As<ir::Lambda>(*node), frame, closure);
      case NodeKind::kProcRef:  // as a value (the lifting never makes one): no captures
        return MakeClosureFor(*ir::As<ir::ProcRef>(*node).lambda, frame, closure);
      case NodeKind::kLet: {
        const auto& l = ir::As<ir::Let>(*node);
        for (const ir::Binding& b : l.bindings) {
          if (IsLifted(*b.init)) {
            frame[b.slot] = Value::Undefined();  // no closure; nothing reads the slot
            continue;
          }
          Value v = Exec(b.init.get(), frame, frame_cap, closure);
          frame[b.slot] = b.boxed ? MakeBox(v) : v;
        }
        node = l.body.get();
        continue;
      }
      case NodeKind::kLetrec: {
        const auto& l = ir::As<ir::Let>(*node);
        for (const ir::Binding& b : l.bindings) {
          frame[b.slot] = b.boxed ? MakeBox(Value::Undefined()) : Value::Undefined();
        }
        size_t next_fixup = 0;
        for (size_t k = 0; k < l.bindings.size(); ++k) {
          const ir::Binding& b = l.bindings[k];
          if (IsLifted(*b.init)) continue;  // no closure, and no fixup names it
          Value v = Exec(b.init.get(), frame, frame_cap, closure);
          if (b.boxed) {
            BoxSet(frame[b.slot], v);
          } else {
            frame[b.slot] = v;
          }
          for (; next_fixup < l.fixups.size() && l.fixups[next_fixup].value_binding == static_cast<int>(k);
               ++next_fixup) {
            const ir::Fixup& f = l.fixups[next_fixup];
            const ir::Binding& holder = l.bindings[f.closure_binding];
            Value c = frame[holder.slot];
            if (holder.boxed) c = BoxRef(c);
            if (IsClosure(c)) SetClosureCapture(c, f.capture, v);
          }
        }
        node = l.body.get();
        continue;
      }
      case NodeKind::kCall: {
        const auto& call = ir::As<ir::Call>(*node);
        if (call.fn->kind == NodeKind::kProcRef) {
          // A lifted lambda (ir.h): no closure, its free variables are among the arguments,
          // and the analysis made sure there are as many as it takes.
          const ir::Lambda& lambda = *ir::As<ir::ProcRef>(*call.fn).lambda;
          const int argc = static_cast<int>(call.args.size());
          TOYLANG_ENSURE_SPARE(std::max(static_cast<size_t>(argc),
                                        static_cast<size_t>(lambda.frame_size)));
          for (int k = 0; k < argc; ++k) {
            spare[k] = Operand(call.args[k].get(), frame, frame_cap, closure);
          }
          Enter(node->pos);
          BindArguments(lambda, spare, argc, node->pos);
          if (call.tail) {
            std::swap(frame, spare);
            std::swap(frame_cap, spare_cap);
            closure = Value();
            node = lambda.body.get();
            continue;
          }
          try {
            return Exec(lambda.body.get(), spare, spare_cap, Value());
          } catch (Error& e) {
            e.SetPosIfMissing(node->pos);
            throw;
          }
        }
        Value fn = Operand(call.fn.get(), frame, frame_cap, closure);
        int argc = static_cast<int>(call.args.size());
        // The arguments go to the spare buffer, which becomes the callee's frame.
        size_t need = static_cast<size_t>(argc);
        if (IsClosure(fn)) need = std::max(need, FrameSizeOf(fn));
        TOYLANG_ENSURE_SPARE(need);
        for (int k = 0; k < argc; ++k) spare[k] = Operand(call.args[k].get(), frame, frame_cap, closure);
        // A global operator's value is the one it has after the operands, as in the JIT
        // (jit/lower.cc, EmitCall; reading it first only checked that it is bound).
        if (call.fn->kind == NodeKind::kGlobalRef) {
          Value again = Operand(call.fn.get(), frame, frame_cap, closure);
          if (again != fn) {
            fn = again;
            if (IsClosure(fn) && FrameSizeOf(fn) > spare_cap) {
              Value* old = spare;
              spare_cap = 0;
              TOYLANG_ENSURE_SPARE(std::max(static_cast<size_t>(argc), FrameSizeOf(fn)));
              std::copy(old, old + argc, spare);
            }
          }
        }
        // (apply f a ... list) calls f in tail position (R7RS 3.5): spread the arguments here
        // and call f from this activation instead of from inside the built-in.
        while (IsPrimitive(fn) && PrimitiveBuiltin(fn) == apply_builtin_ && argc >= 2) {
          Value list = spare[argc - 1];
          int64_t length = ListLength(list);
          Value proc = spare[0];
          if (length < 0 || !IsProcedure(proc)) break;  // the built-in reports these errors
          size_t n = static_cast<size_t>(argc - 2 + length);
          size_t callee_need = IsClosure(proc) ? std::max(n, FrameSizeOf(proc)) : n;
          if (callee_need > spare_cap) {
            Value* old = spare;
            int old_argc = argc;
            spare_cap = 0;
            TOYLANG_ENSURE_SPARE(callee_need);
            std::copy(old, old + old_argc, spare);
          }
          std::copy(spare + 1, spare + argc - 1, spare);
          for (size_t k = static_cast<size_t>(argc - 2); list.IsPair(); list = Cdr(list)) spare[k++] = Car(list);
          fn = proc;
          argc = static_cast<int>(n);
        }
        // A case-lambda calls its clause from this activation too (a tail call stays one).
        if (IsCaseLambda(fn)) {
          Value clause = SelectCaseLambdaClause(fn, argc);
          if (clause != fn && FrameSizeOf(clause) > spare_cap) {
            Value* old = spare;
            spare_cap = 0;
            TOYLANG_ENSURE_SPARE(std::max(static_cast<size_t>(argc), FrameSizeOf(clause)));
            std::copy(old, old + argc, spare);
          }
          fn = clause;
        }
        if (IsClosure(fn)) {
          const ir::Lambda& lambda = *static_cast<const InterpProc*>(ClosureInfo(fn))->lambda;
          Enter(node->pos);
          BindArguments(lambda, spare, argc, node->pos);
          if (call.tail) {
            // Reuse this activation: the arguments become the frame, the old frame the spare.
            std::swap(frame, spare);
            std::swap(frame_cap, spare_cap);
            closure = fn;
            node = lambda.body.get();
            continue;
          }
          try {
            return Exec(lambda.body.get(), spare, spare_cap, fn);
          } catch (Error& e) {
            // Errors from calls that have no position of their own (the primitive calls inside
            // define-record-type's procedures) are reported at this call.
            e.SetPosIfMissing(node->pos);
            throw;
          }
        }
        if (IsPrimitive(fn)) return CallPrimitive(fn, spare, argc, node->pos);
        NotAProcedure(fn, node->pos);
      }
    }
  }
}

#undef TOYLANG_ENSURE_SPARE

}  // namespace toylang
