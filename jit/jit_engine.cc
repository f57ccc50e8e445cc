// The JIT engine: Eval reads, expands and analyses each form like the interpreter, lowers it
// (jit/lower.cc) into one LLVM module, links it through GcJit and calls its top level through
// CallJit. Native helpers (below, extern "C", each starting with MOSAIC_JIT_EXIT_SCOPE) do what
// the generated code does not do inline: built-ins, allocation, errors, the safepoint.
#include "jit/jit_engine.h"

#include <alloca.h>

#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "frontend/analysis/analysis.h"
#include "frontend/builtins/builtins.h"
#include "frontend/common/error.h"
#include "frontend/common/stack_check.h"
#include "frontend/expander/expander.h"
#include "frontend/objects/datum_value.h"
#include "frontend/objects/printer.h"
#include "frontend/objects/runtime.h"
#include "frontend/reader/reader.h"
#include "jit/lower.h"
#include "llvm/ExecutionEngine/JITLink/EHFrameSupport.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Support/TargetSelect.h"
#include "mosaic/heap.h"
#include "mosaic/stackmaps/activation.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"
#include "mosaic/stackmaps/walker.h"

namespace toylang::jit {
namespace {

using EnterFn = uint64_t (*)(void* code, uint64_t closure, int64_t argc, uint64_t a0, uint64_t a1,
                             uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t rest);

class JitEngine;
thread_local JitEngine* current_engine = nullptr;

[[noreturn]] void ArityError(const JitProc& proc, int argc, const SourcePos& pos) {
  throw Error(ArityMessage(proc.name, proc.min_args, proc.max_args, argc), pos);
}

class JitEngine final : public Engine, public CallContext, public LowerEnv {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const EngineOptions& options) {
    absl::StatusOr<std::unique_ptr<mosaic::Heap>> heap = CreateEngineHeap(options);
    if (!heap.ok()) return heap.status();
    std::unique_ptr<JitEngine> engine(new JitEngine(std::move(*heap), options));
    if (absl::Status s = engine->Init(); !s.ok()) return s;
    return std::unique_ptr<Engine>(std::move(engine));
  }

  ~JitEngine() override {
    if (current_engine == this) current_engine = previous_engine_;
    for (Value& v : constants_) heap_->RemoveGlobalRoot(&v);
    runtime_.reset();
    if (registered_) (void)heap_->UnregisterCurrentThread();
    heap_->SetStackWalker(nullptr);
    // The JIT (and its code) goes before the heap; no frame can return into it any more.
    jit_.reset();
  }

  absl::StatusOr<Value> Eval(std::string_view source, std::string_view file) override {
    interrupt_.store(0, std::memory_order_relaxed);
    current_site_ = nullptr;  // an error may have left it set
    std::vector<DatumPtr> forms;
    try {
      forms = ReadAll(source, file);
    } catch (const ReadError& e) {
      if (e.incomplete()) return absl::OutOfRangeError(e.Format());
      return absl::InvalidArgumentError(e.Format());
    } catch (const Error& e) {
      return absl::InvalidArgumentError(e.Format());
    }
    Value result = Value::Unspecified();
    for (const DatumPtr& form : forms) {
      void* code = nullptr;
      try {
        Expander expander;
        CorePtr core = expander.ExpandToplevel(form);
        code_.push_back(Analyze(*core));
        absl::StatusOr<void*> compiled = Compile(*code_.back());
        if (!compiled.ok()) {
          return absl::InternalError(absl::StrCat(FormatPos(form->pos),
                                                  ": JIT compilation failed: ",
                                                  compiled.status().message()));
        }
        code = *compiled;
      } catch (const Error& e) {
        return absl::InvalidArgumentError(e.Format());
      }
      try {
        Value u = Value::Unspecified();
        result = Value::FromBits(mosaic::stackmaps::CallJit(
            enter_, code, uint64_t{0}, int64_t{0}, u.bits(), u.bits(), u.bits(), u.bits(),
            u.bits(), u.bits(), Value::Nil().bits()));
      } catch (Error& e) {
        if (!e.has_pos()) e.SetPosIfMissing(form->pos);
        return absl::AbortedError(e.Format());
      } catch (const ExitRequest& exit) {
        exit_code_ = exit.code;
        return absl::CancelledError("exit");
      } catch (const std::exception& e) {
        return absl::InternalError(
            absl::StrCat(FormatPos(form->pos), ": internal error: ", e.what()));
      }
    }
    return result;
  }

  std::string Write(Value v) override { return WriteString(v); }
  int ExitCode() const override { return exit_code_; }
  void RequestInterrupt() override { interrupt_.store(1, std::memory_order_relaxed); }
  mosaic::Heap& heap() override { return *heap_; }

  // CallContext.
  Value Apply(Value procedure, const Value* args, int argc) override {
    if (IsPrimitive(procedure)) return CallPrimitive(procedure, args, argc, SourcePos{});
    if (!IsClosure(procedure)) {
      throw Error(absl::StrCat("not a procedure: ", WriteString(procedure)));
    }
    const auto* proc = static_cast<const JitProc*>(ClosureInfo(procedure));
    if (argc < proc->min_args || (proc->max_args >= 0 && argc > proc->max_args)) {
      ArityError(*proc, argc, SourcePos{});
    }
    CheckStack();
    // Errors in the call-back without a position of their own are reported at the built-in
    // that called Apply (by its CallPrimitive), not at a call site outside it.
    struct SiteScope {
      const ErrorSite*& slot;
      const ErrorSite* saved;
      ~SiteScope() { slot = saved; }
    } scope{current_site_, current_site_};
    current_site_ = nullptr;
    Value a[kRegisterArgs];
    for (int i = 0; i < kRegisterArgs; ++i) a[i] = i < argc ? args[i] : Value::Unspecified();
    Value rest = Value::Nil();
    for (int i = argc; i-- > kRegisterArgs;) rest = Cons(args[i], rest);
    return Value::FromBits(mosaic::stackmaps::CallJit(
        enter_, proc->code, procedure.bits(), int64_t{argc}, a[0].bits(), a[1].bits(),
        a[2].bits(), a[3].bits(), a[4].bits(), a[5].bits(), rest.bits()));
  }
  std::ostream& out() override { return *options_.out; }

  Value CallPrimitive(Value primitive, const Value* args, int argc, const SourcePos& pos) {
    return CallBuiltin(*PrimitiveBuiltin(primitive), *this, args, argc, pos);
  }

  // LowerEnv.
  JitProc* ProcFor(const ir::Lambda& lambda) override {
    if (lambda.engine_data == nullptr) {
      JitProc& p = procs_.emplace_back();
      p.name = lambda.name;
      p.min_args = p.min32 = lambda.min_args();
      p.max_args = p.max32 = lambda.max_args();
      p.lambda = &lambda;
      lambda.engine_data = &p;
    }
    return static_cast<JitProc*>(lambda.engine_data);
  }
  const Value* ConstantSlot(const ir::Const& c) override {
    if (c.pool_index < 0) {
      Value& slot = constants_.emplace_back(Value::False());
      heap_->AddGlobalRoot(&slot);
      slot = DatumToValue(*c.datum);
      c.pool_index = static_cast<int>(constants_.size() - 1);
    }
    return &constants_[c.pool_index];
  }
  Value GlobalBoxFor(const ir::Global& g) override {
    if (g.box.bits() == 0) g.box = GlobalBox(Intern(g.name));
    return g.box;
  }
  const ErrorSite* Site(const SourcePos& pos, std::string message) override {
    return &sites_.emplace_back(ErrorSite{pos, std::move(message)});
  }
  const volatile uint32_t* SafepointFlag() override { return heap_->SafepointFlagAddress(); }
  const volatile uint8_t* InterruptFlag() override {
    return reinterpret_cast<const volatile uint8_t*>(&interrupt_);
  }
  uintptr_t StackLimit() override { return stack_limit_; }
  const ErrorSite** CurrentSiteSlot() override { return &current_site_; }
  uint64_t* PendingCall() override { return pending_; }

  // A site's position, or for a position-less site that of the innermost active call.
  SourcePos PosFor(const ErrorSite* site) const {
    if (site->pos.file != nullptr || current_site_ == nullptr) return site->pos;
    return current_site_->pos;
  }

  void Poll() {
    if (interrupt_.load(std::memory_order_relaxed) != 0) {
      interrupt_.store(0, std::memory_order_relaxed);
      throw Error("interrupted");
    }
    mosaic::Safepoint();
  }

 private:
  JitEngine(std::unique_ptr<mosaic::Heap> heap, const EngineOptions& options)
      : heap_(std::move(heap)), options_(options) {}

  absl::Status Init() {
    static const bool initialised = [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
      return true;
    }();
    (void)initialised;
    bool precise = options_.roots == RootsMode::kPrecise;
    walker_ = std::make_unique<mosaic::stackmaps::HybridStackWalker>(
        index_, precise ? mosaic::stackmaps::WalkMode::kPrecise
                        : mosaic::stackmaps::WalkMode::kConservative);
    heap_->SetStackWalker(walker_.get());
    if (absl::Status s = heap_->RegisterCurrentThread(); !s.ok()) return s;
    registered_ = true;
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(*heap_);
    if (!runtime.ok()) return runtime.status();
    runtime_ = std::move(*runtime);
    InstallBuiltins();
    stack_limit_ = toylang::StackLimit();
    mosaic::stackmaps::GcJitOptions jit_options;
    jit_options.statepoints = precise;
    auto jit = mosaic::stackmaps::GcJit::Create(index_, jit_options);
    if (!jit.ok()) return jit.status();
    jit_ = std::move(*jit);
    // Toylang errors are C++ exceptions that unwind through JIT frames: register every
    // object's .eh_frame (GcJit's linking layer has only the stack-map plugin).
    auto& layer = static_cast<llvm::orc::ObjectLinkingLayer&>(jit_->lljit().getObjLinkingLayer());
    layer.addPlugin(std::make_unique<llvm::orc::EHFrameRegistrationPlugin>(
        jit_->lljit().getExecutionSession(),
        std::make_unique<llvm::jitlink::InProcessEHFrameRegistrar>()));
    if (absl::Status s = DefineHelpers(); !s.ok()) return s;
    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>("tj_entry", *context);
    DefineEntryModule(*this, *module);
    if (absl::Status s = jit_->AddModule(std::move(module), std::move(context)); !s.ok()) return s;
    absl::StatusOr<EnterFn> enter = jit_->Lookup<EnterFn>("tj_enter");
    if (!enter.ok()) return enter.status();
    enter_ = *enter;
    previous_engine_ = current_engine;
    current_engine = this;
    return absl::OkStatus();
  }

  absl::Status DefineHelpers();

  absl::StatusOr<void*> Compile(const ir::Lambda& toplevel) {
    auto context = std::make_unique<llvm::LLVMContext>();
    std::string prefix = absl::StrCat("toy", next_module_++);
    auto module = std::make_unique<llvm::Module>(prefix, *context);
    std::vector<LoweredProc> procs = LowerToplevel(*this, toplevel, prefix, *module);
    if (absl::Status s = jit_->AddModule(std::move(module), std::move(context)); !s.ok()) return s;
    for (const LoweredProc& p : procs) {
      absl::StatusOr<uint64_t> address = jit_->LookupAddress(p.symbol);
      if (!address.ok()) return address.status();
      p.proc->code = reinterpret_cast<void*>(*address);
    }
    return procs.front().proc->code;
  }

  std::unique_ptr<mosaic::Heap> heap_;
  EngineOptions options_;
  bool registered_ = false;
  std::unique_ptr<Runtime> runtime_;
  mosaic::stackmaps::StackMapIndex index_;
  std::unique_ptr<mosaic::stackmaps::HybridStackWalker> walker_;
  std::unique_ptr<mosaic::stackmaps::GcJit> jit_;
  EnterFn enter_ = nullptr;
  std::deque<JitProc> procs_;
  std::deque<Value> constants_;  // each slot a global root
  std::deque<ErrorSite> sites_;
  std::vector<std::unique_ptr<ir::Lambda>> code_;
  std::atomic<uint8_t> interrupt_{0};
  uintptr_t stack_limit_ = 0;
  int next_module_ = 0;
  int exit_code_ = 0;
  JitEngine* previous_engine_ = nullptr;
  const ErrorSite* current_site_ = nullptr;
  uint64_t pending_[kPendingCallWords] = {};
};

// --- Helpers called by JIT code ----------------------------------------------------------------

// A call that JIT code does not make itself: primitives, and closures given the wrong number of
// arguments (the error) or something that is not a procedure (the error).
uint64_t CallSlow(uint64_t f, int64_t argc, const uint64_t* regs, uint64_t rest,
                  const SourcePos& pos) {
  Value fn = Value::FromBits(f);
  int n = static_cast<int>(argc);
  if (IsClosure(fn)) ArityError(*static_cast<const JitProc*>(ClosureInfo(fn)), n, pos);
  if (!IsPrimitive(fn)) throw Error(absl::StrCat("not a procedure: ", WriteString(fn)), pos);
  // The arguments stay on this native frame (scanned conservatively), never in malloc'd
  // memory; n is bounded by the longest call in the program text.
  Value small[kRegisterArgs];
  Value* args = small;
  if (n > kRegisterArgs) args = static_cast<Value*>(alloca(static_cast<size_t>(n) * sizeof(Value)));
  for (int i = 0; i < n && i < kRegisterArgs; ++i) args[i] = Value::FromBits(regs[i]);
  Value list = Value::FromBits(rest);
  for (int i = kRegisterArgs; i < n; ++i, list = Cdr(list)) args[i] = Car(list);
  Value primitive = fn;
  return current_engine->CallPrimitive(primitive, args, n, pos).bits();
}

extern "C" uint64_t tj_call(uint64_t f, int64_t argc, uint64_t a0, uint64_t a1, uint64_t a2,
                            uint64_t a3, uint64_t a4, uint64_t a5, uint64_t rest,
                            const ErrorSite* site) {
  MOSAIC_JIT_EXIT_SCOPE();
  uint64_t regs[kRegisterArgs] = {a0, a1, a2, a3, a4, a5};
  return CallSlow(f, argc, regs, rest, current_engine->PosFor(site));
}

// tj_call for a call in tail position. (apply f x ... list) with a closure f is not performed
// here: the spread call is left in the engine's pending buffer and kTailCallMarker returned,
// and the JIT caller makes it as a real tail call (R7RS 3.5: apply calls f in tail position).
extern "C" uint64_t tj_call_tail(uint64_t f, int64_t argc, uint64_t a0, uint64_t a1,
                                 uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                                 uint64_t rest, const ErrorSite* site) {
  MOSAIC_JIT_EXIT_SCOPE();
  uint64_t regs[kRegisterArgs] = {a0, a1, a2, a3, a4, a5};
  static const Builtin* const apply = FindBuiltin("apply");
  Value fn = Value::FromBits(f);
  SourcePos pos = current_engine->PosFor(site);
  if (!IsPrimitive(fn) || PrimitiveBuiltin(fn) != apply || argc < 2) {
    return CallSlow(f, argc, regs, rest, pos);
  }
  // The arguments in order: argv(0) is the procedure, argv(argc - 1) the list.
  int n_args = static_cast<int>(argc);
  Value extra = Value::FromBits(rest);
  auto argv = [&](int i) {
    if (i < kRegisterArgs) return Value::FromBits(regs[i]);
    Value l = extra;
    for (int k = kRegisterArgs; k < i; ++k) l = Cdr(l);
    return Car(l);
  };
  Value proc = argv(0);
  Value list = argv(n_args - 1);
  int64_t length = ListLength(list);
  // The built-in reports these errors (and calls primitives).
  if (length < 0 || !IsClosure(proc)) return CallSlow(f, argc, regs, rest, pos);
  int spread = n_args - 2;
  int64_t total = spread + length;
  const auto* target = static_cast<const JitProc*>(ClosureInfo(proc));
  if (total < target->min_args || (target->max_args >= 0 && total > target->max_args)) {
    ArityError(*target, static_cast<int>(total), pos);
  }
  // The spread arguments: argv(1..spread), then the list's elements.
  Value l = list;
  auto spread_arg = [&](int64_t i) {
    if (i < spread) return argv(static_cast<int>(i) + 1);
    Value v = Car(l);
    l = Cdr(l);
    return v;
  };
  Value first[kRegisterArgs];
  for (int64_t i = 0; i < kRegisterArgs; ++i) {
    first[i] = i < total ? spread_arg(i) : Value::Unspecified();
  }
  // The arguments after the sixth, in a fresh list (built reversed, then turned in place).
  // Everything stays reachable from this frame's locals while Cons collects.
  Value reversed = Value::Nil();
  for (int64_t i = kRegisterArgs; i < total; ++i) reversed = Cons(spread_arg(i), reversed);
  Value tail = Value::Nil();
  while (reversed.IsPair()) {
    Value next = Cdr(reversed);
    SetCdr(reversed, tail);
    tail = reversed;
    reversed = next;
  }
  uint64_t* pending = current_engine->PendingCall();
  pending[0] = proc.bits();
  pending[1] = static_cast<uint64_t>(total);
  for (int i = 0; i < kRegisterArgs; ++i) pending[2 + i] = first[i].bits();
  pending[2 + kRegisterArgs] = tail.bits();
  return kTailCallMarker;
}

extern "C" uint64_t tj_cons(uint64_t car, uint64_t cdr) {
  MOSAIC_JIT_EXIT_SCOPE();
  return Cons(Value::FromBits(car), Value::FromBits(cdr)).bits();
}

extern "C" uint64_t tj_make_box(uint64_t v) {
  MOSAIC_JIT_EXIT_SCOPE();
  return MakeBox(Value::FromBits(v)).bits();
}

extern "C" uint64_t tj_make_closure(const JitProc* proc, int64_t captures) {
  MOSAIC_JIT_EXIT_SCOPE();
  return MakeClosure(proc, static_cast<size_t>(captures)).bits();
}

extern "C" [[noreturn]] void tj_throw(const ErrorSite* site) {
  MOSAIC_JIT_EXIT_SCOPE();
  throw Error(site->message, current_engine->PosFor(site));
}

extern "C" void tj_poll() {
  MOSAIC_JIT_EXIT_SCOPE();
  current_engine->Poll();
}

absl::Status JitEngine::DefineHelpers() {
  return jit_->DefineAbsolute({
      {"tj_call", reinterpret_cast<const void*>(&tj_call)},
      {"tj_call_tail", reinterpret_cast<const void*>(&tj_call_tail)},
      {"tj_cons", reinterpret_cast<const void*>(&tj_cons)},
      {"tj_make_box", reinterpret_cast<const void*>(&tj_make_box)},
      {"tj_make_closure", reinterpret_cast<const void*>(&tj_make_closure)},
      {"tj_throw", reinterpret_cast<const void*>(&tj_throw)},
      {"tj_poll", reinterpret_cast<const void*>(&tj_poll)},
  });
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> CreateJitEngine(const EngineOptions& options) {
  return JitEngine::Create(options);
}

void RegisterJitEngine() { SetJitEngineFactory(&CreateJitEngine); }

namespace {
[[maybe_unused]] const bool registered_at_startup = (RegisterJitEngine(), true);
}  // namespace

}  // namespace toylang::jit
