// The JIT engine: Eval reads, expands and analyses the forms like the interpreter, lowers them
// (jit/lower.cc) into one LLVM module per compilation unit (a whole file, or one REPL form),
// links it through GcJit, calls each form's top level through CallJit and then removes the top
// levels' code (docs/design/jit.md, "Compilation unit, tiers and code removal"). Native helpers
// (below, extern "C", each starting with MOSAIC_JIT_EXIT_SCOPE) do what the generated code does
// not do inline: built-ins, allocation, errors, the safepoint.
#include "jit/jit_engine.h"

#include <alloca.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <exception>
#include <iostream>
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
#include "jit/compile_unit.h"
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
// Top-level thunks run once and contain no loop (toylang loops are lambdas), so they are not
// worth optimising: their module is compiled at O0 whatever the engine's level.
constexpr mosaic::stackmaps::OptLevel kThunkLevel = mosaic::stackmaps::OptLevel::kO0;
// See SetInteractiveOptLevel.
std::atomic<mosaic::stackmaps::OptLevel> interactive_opt_level{mosaic::stackmaps::OptLevel::kO0};

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

  // A file (or -e) is one compilation unit: every form is expanded and analysed first, then
  // they are compiled as one module and run in order. A form that does not expand or analyse
  // ends the unit before it: the forms before it run (and print) first, then its error is
  // reported, as the interpreter does. Interactive sessions compile each form on its own, at
  // the faster optimisation level the JIT was created with.
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
    size_t next = 0;
    while (next < forms.size()) {
      const size_t limit = options_.interactive ? next + 1 : forms.size();
      std::vector<const ir::Lambda*> unit;
      std::vector<SourcePos> positions;
      absl::Status analysis_error;
      for (; next < limit; ++next) {
        try {
          Expander expander;
          CorePtr core = expander.ExpandToplevel(forms[next]);
          code_.push_back(Analyze(*core));
        } catch (const Error& e) {
          analysis_error = absl::InvalidArgumentError(e.Format());
          break;
        }
        unit.push_back(code_.back().get());
        positions.push_back(forms[next]->pos);
      }
      if (!unit.empty()) {
        absl::StatusOr<CompiledUnit> compiled = CompileUnit(unit);
        if (!compiled.ok()) {
          return absl::InternalError(absl::StrCat(FormatPos(positions.front()),
                                                  ": JIT compilation failed: ",
                                                  compiled.status().message()));
        }
        absl::StatusOr<Value> ran = RunUnit(*compiled, positions);
        if (!ran.ok()) return ran.status();
        result = *ran;
      }
      if (!analysis_error.ok()) return analysis_error;
    }
    return result;
  }

  EngineStats Stats() const override {
    EngineStats stats = stats_;
    stats.code_bytes = code_size_ != nullptr ? code_size_->code_bytes() : 0;
    return stats;
  }

  // Stack-map records in the index now (they leave it when their code is removed).
  size_t LiveStackMapRecords() const { return index_.SafepointCount(); }

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
    if (options_.interactive) jit_options.opt_level = interactive_opt_level.load();
    auto jit = mosaic::stackmaps::GcJit::Create(index_, jit_options);
    if (!jit.ok()) return jit.status();
    jit_ = std::move(*jit);
    // Toylang errors are C++ exceptions that unwind through JIT frames: register every
    // object's .eh_frame (GcJit's linking layer has only the stack-map plugin).
    auto& layer = static_cast<llvm::orc::ObjectLinkingLayer&>(jit_->lljit().getObjLinkingLayer());
    layer.addPlugin(std::make_unique<llvm::orc::EHFrameRegistrationPlugin>(
        jit_->lljit().getExecutionSession(),
        std::make_unique<llvm::jitlink::InProcessEHFrameRegistrar>()));
    auto code_size = std::make_unique<CodeSizePlugin>();
    code_size_ = code_size.get();
    layer.addPlugin(std::move(code_size));
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

  // A compiled unit: each form's top-level thunk, in order. The thunks run once; when they
  // live in a module of their own (`thunk_tracker`), that module is removed after they ran.
  struct CompiledUnit {
    std::vector<JitProc*> thunks;
    llvm::orc::ResourceTrackerSP thunk_tracker;
  };

  absl::StatusOr<CompiledUnit> CompileUnit(const std::vector<const ir::Lambda*>& toplevels) {
    const auto start = std::chrono::steady_clock::now();
    const size_t records_before = index_.SafepointCount();
    auto context = std::make_unique<llvm::LLVMContext>();
    std::string name = absl::StrCat("toy", next_module_++);
    auto module = std::make_unique<llvm::Module>(name, *context);
    CompiledUnit unit;
    std::vector<std::string> thunk_symbols;
    std::vector<LoweredProc> procs;
    for (size_t i = 0; i < toplevels.size(); ++i) {
      // Each lowering defines the poll again; one per module.
      DropPoll(*module);
      std::vector<LoweredProc> lowered =
          LowerToplevel(*this, *toplevels[i], absl::StrCat(name, "_", i), *module);
      unit.thunks.push_back(lowered.front().proc);
      thunk_symbols.push_back(lowered.front().symbol);
      procs.insert(procs.end(), lowered.begin(), lowered.end());
    }
    llvm::orc::ThreadSafeContext tsc(std::move(context));
    llvm::orc::JITDylib& jd = jit_->lljit().getMainJITDylib();
    if (OnlyThunksDefined(*module, thunk_symbols)) {
      // Nothing in the unit outlives it: the whole module goes after the run.
      unit.thunk_tracker = jd.createResourceTracker();
      if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(module), tsc),
                                           unit.thunk_tracker, kThunkLevel);
          !s.ok()) {
        return s;
      }
      ++stats_.modules_compiled;
    } else {
      std::unique_ptr<llvm::Module> thunks = SplitOffThunks(*module, thunk_symbols);
      if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(module), tsc));
          !s.ok()) {
        return s;
      }
      ++stats_.modules_compiled;
      if (thunks != nullptr) {
        unit.thunk_tracker = jd.createResourceTracker();
        if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(thunks), tsc),
                                             unit.thunk_tracker, kThunkLevel);
            !s.ok()) {
          return s;
        }
        ++stats_.modules_compiled;
      }
    }
    // Looking the symbols up links the modules (ORC materialises on first lookup).
    for (const LoweredProc& p : procs) {
      absl::StatusOr<uint64_t> address = jit_->LookupAddress(p.symbol);
      if (!address.ok()) return address.status();
      p.proc->code = reinterpret_cast<void*>(*address);
    }
    stats_.functions_compiled += procs.size();
    stats_.statepoints += index_.SafepointCount() - records_before;
    stats_.compile_ns += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                   std::chrono::steady_clock::now() - start)
                                                   .count());
    return unit;
  }

  // Runs the unit's thunks in order and stops at the first error; removes the thunks' code
  // afterwards in every case (no frame can return into it once its thunk has returned or
  // unwound: Fact 10).
  absl::StatusOr<Value> RunUnit(CompiledUnit& unit, const std::vector<SourcePos>& positions) {
    struct Remover {
      JitEngine& engine;
      CompiledUnit& unit;
      ~Remover() { engine.RemoveThunks(unit); }
    } remover{*this, unit};
    Value result = Value::Unspecified();
    for (size_t i = 0; i < unit.thunks.size(); ++i) {
      try {
        Value u = Value::Unspecified();
        result = Value::FromBits(mosaic::stackmaps::CallJit(
            enter_, unit.thunks[i]->code, uint64_t{0}, int64_t{0}, u.bits(), u.bits(), u.bits(),
            u.bits(), u.bits(), u.bits(), Value::Nil().bits()));
      } catch (Error& e) {
        if (!e.has_pos()) e.SetPosIfMissing(positions[i]);
        return absl::AbortedError(e.Format());
      } catch (const ExitRequest& exit) {
        exit_code_ = exit.code;
        return absl::CancelledError("exit");
      } catch (const std::exception& e) {
        return absl::InternalError(
            absl::StrCat(FormatPos(positions[i]), ": internal error: ", e.what()));
      }
    }
    return result;
  }

  void RemoveThunks(CompiledUnit& unit) {
    if (!unit.thunk_tracker) return;
    for (JitProc* thunk : unit.thunks) thunk->code = nullptr;
    absl::Status s = mosaic::stackmaps::ToStatus(unit.thunk_tracker->remove());
    unit.thunk_tracker = nullptr;
    if (s.ok()) {
      ++stats_.modules_removed;
    } else {
      // The code stays (and so do its stack maps): a leak, never a wrong root.
      *options_.out << std::flush;
      std::cerr << "toylang: JIT: removing a top-level form's code failed: " << s.message()
                << "\n";
    }
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
  EngineStats stats_;                  // code_bytes comes from code_size_
  CodeSizePlugin* code_size_ = nullptr;  // owned by the object linking layer
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

absl::Status SetInteractiveOptLevel(int level) {
  static constexpr mosaic::stackmaps::OptLevel kLevels[] = {
      mosaic::stackmaps::OptLevel::kO0, mosaic::stackmaps::OptLevel::kO1,
      mosaic::stackmaps::OptLevel::kO2, mosaic::stackmaps::OptLevel::kO3};
  if (level < 0 || level > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("JIT optimisation level must be 0..3, not ", level));
  }
  interactive_opt_level.store(kLevels[level]);
  return absl::OkStatus();
}

size_t LiveStackMapRecordsForTesting(const Engine& engine) {
  const auto* jit = dynamic_cast<const JitEngine*>(&engine);
  return jit != nullptr ? jit->LiveStackMapRecords() : 0;
}

namespace {
[[maybe_unused]] const bool registered_at_startup = (RegisterJitEngine(), true);
}  // namespace

}  // namespace toylang::jit
