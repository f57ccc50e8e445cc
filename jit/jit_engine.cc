// The JIT engine: the shared pipeline (frontend/engine/pipeline.h) reads, expands and analyses
// the forms; this engine's UnitRunner lowers a unit (jit/lower.cc) into one LLVM module (a
// whole file, or one REPL form), links it through GcJit, calls each form's top level through
// CallJit and then removes the top levels' code (docs/design/jit.md, "Compilation unit, tiers
// and code removal"). Native helpers (jit/helpers.cc, extern "C", each starting with
// MOSAIC_JIT_EXIT_SCOPE) do what the generated code does not do inline: built-ins, allocation
// slow paths, errors, the safepoint.
#include "jit/jit_engine.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "frontend/analysis/ir.h"
#include "frontend/builtins/builtins.h"
#include "frontend/builtins/continuations.h"
#include "frontend/builtins/dynamic_state.h"
#include "frontend/common/error.h"
#include "frontend/common/stack_check.h"
#include "frontend/engine/global_boxes.h"
#include "frontend/engine/pipeline.h"
#include "frontend/engine/setup.h"
#include "frontend/engine/side_table.h"
#include "frontend/objects/datum_value.h"
#include "frontend/objects/printer.h"
#include "jit/compile_unit.h"
#include "jit/helpers.h"
#include "jit/lower.h"
#include "jit/thread_state.h"
#include "llvm/ExecutionEngine/JITLink/EHFrameSupport.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Support/TargetSelect.h"
#include "mosaic/heap.h"
#include "mosaic/jit/gc_jit.h"
#include "mosaic/stackmaps/activation.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"
#include "mosaic/stackmaps/walker.h"

namespace toylang::jit {
namespace {

using EnterFn = uint64_t (*)(void* code, uint64_t closure, int64_t argc, uint64_t a0, uint64_t a1,
                             uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5, uint64_t rest);

// Top-level thunks run once and contain no loop (toylang loops are lambdas), so they are not
// worth optimising: their module is compiled at O0 whatever the engine's level.
constexpr mosaic::jit::OptLevel kThunkLevel = mosaic::jit::OptLevel::kO0;
// A lambda with more IR instructions or calls than these (before optimisation) is compiled
// at kHugeFunctionLevel: LLVM 19's x86 back end at O1-O3 (LiveRangeShrink in one long block
// of calls, X86DomainReassignment over long chains) takes time quadratic in such a function's
// size. Ordinary procedures have a few hundred instructions and a few dozen calls; the limits
// are reached by about 200 nested arithmetic calls or 500 calls in one body
// (docs/design/jit.md, "Compile time of huge functions"). 11,000 since allocation reaches the
// thread's buffers through the thread pointer (when that took three more IR instructions per
// inline allocation, jit/thread_state.h), so that the same nesting stays below it.
constexpr size_t kHugeFunction = 11000;
constexpr size_t kHugeFunctionCalls = 500;
constexpr mosaic::jit::OptLevel kHugeFunctionLevel = mosaic::jit::OptLevel::kO0;
// See SetInteractiveOptLevel.
std::atomic<mosaic::jit::OptLevel> interactive_opt_level{mosaic::jit::OptLevel::kO0};

// Restores the engine's current error site when a call-back or a closure call made from C++
// returns or unwinds.
class SiteScope {
 public:
  explicit SiteScope(const ErrorSite*& slot) : slot_(slot), saved_(slot) {}
  ~SiteScope() { slot_ = saved_; }
  SiteScope(const SiteScope&) = delete;
  SiteScope& operator=(const SiteScope&) = delete;

 private:
  const ErrorSite*& slot_;
  const ErrorSite* saved_;
};

std::atomic<uint64_t> segment_jit_frames{0};

// The JIT frames of a captured continuation's stack segment, precisely: the walker's own walk
// applied to the copy (docs/design/continuations.md, "The collector's part").
class PreciseSegmentWalker final : public SegmentWalker {
 public:
  explicit PreciseSegmentWalker(const mosaic::stackmaps::HybridStackWalker& walker)
      : walker_(walker) {}
  void Walk(const StackSegment& segment, mosaic::Tracer& tracer) const override {
    Visitor visitor(tracer);
    mosaic::ThreadStack original;
    original.top = reinterpret_cast<const void*>(segment.lo);
    original.base = reinterpret_cast<const void*>(segment.hi);
    original.activations = segment.activations;
    walker_.WalkCopy(original, segment.copy, visitor);
  }

 private:
  class Visitor final : public mosaic::RootVisitor {
   public:
    explicit Visitor(mosaic::Tracer& tracer) : tracer_(tracer) {}
    void VisitPrecise(Value value) override { tracer_.Trace(value); }
    void VisitConservativeRange(const void* begin, const void* end) override {
      tracer_.TraceConservativeRange(begin, end);
    }
    void CountJitFrames(uint64_t frames) override {
      segment_jit_frames.fetch_add(frames, std::memory_order_relaxed);
    }

   private:
    mosaic::Tracer& tracer_;
  };
  const mosaic::stackmaps::HybridStackWalker& walker_;
};

class JitEngine final : public Engine,
                        public CallContext,
                        public LowerEnv,
                        public HelperHost,
                        private UnitRunner {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const EngineOptions& options) {
    absl::StatusOr<std::unique_ptr<mosaic::Heap>> heap = CreateEngineHeap(options);
    if (!heap.ok()) return heap.status();
    std::unique_ptr<JitEngine> engine(new JitEngine(std::move(*heap), options));
    engine->pipeline_.set_lift_procedures(options.lift_procedures);
    if (absl::Status s = engine->Init(); !s.ok()) return s;
    return std::unique_ptr<Engine>(std::move(engine));
  }

  ~JitEngine() override {
    // The program's threads stop first: they run this engine's code and use its constants.
    StopThreads();
    if (CurrentHelperHost() == this) CurrentHelperHost() = previous_host_;
    for (Value& v : constants_) heap_->RemoveGlobalRoot(&v);
    thread_.reset();  // the runtime, then the thread's registration
    heap_->SetStackWalker(nullptr);
    // The JIT (and its code) goes before the heap; no frame can return into it any more.
    jit_.reset();
  }

  absl::StatusOr<Value> Eval(std::string_view source, std::string_view file) override {
    // An interrupt stops every thread: let the last of them see it before it is cleared.
    if (interrupt_.load(std::memory_order_relaxed) != 0) thread_->threads().AwaitAllEnded();
    interrupt_.store(0, std::memory_order_relaxed);
    tls_jit_state.current_site = nullptr;  // an error may have left it set
    return pipeline_.Eval(source, file);
  }

  EngineStats Stats() const override {
    EngineStats stats = stats_;
    stats.outlined_procedures = pipeline_.outlined();
    stats.lifted_procedures = pipeline_.lifted();
    stats.code_bytes = code_size_ != nullptr ? code_size_->code_bytes() : 0;
    if (jit_ != nullptr) {
      stats.code_cache_hits = jit_->code_cache_hits();
      stats.code_cache_misses = jit_->code_cache_misses();
    }
    return stats;
  }

  // Stack-map records in the index now (they leave it when their code is removed).
  size_t LiveStackMapRecords() const { return index_.SafepointCount(); }

  std::string Write(Value v) override { return WriteString(v); }
  int ExitCode() const override { return pipeline_.exit_code(); }
  void RequestInterrupt() override { interrupt_.store(1, std::memory_order_relaxed); }
  void StopThreads() override {
    if (thread_ != nullptr) thread_->threads().Shutdown([this] { RequestInterrupt(); });
  }
  mosaic::Heap& heap() override { return *heap_; }

  // CallContext.
  Value Apply(Value procedure, const Value* args, int argc) override {
    if (IsPrimitive(procedure)) return CallPrimitive(procedure, args, argc, SourcePos{});
    if (!IsClosure(procedure)) {
      throw Error(absl::StrCat("not a procedure: ", WriteString(procedure)));
    }
    const auto* proc = static_cast<const JitProc*>(ClosureInfo(procedure));
    if (argc < proc->min_args || (proc->max_args >= 0 && argc > proc->max_args)) {
      ThrowArityError(*proc, argc, SourcePos{});
    }
    CheckStack();
    // Errors in the call-back without a position of their own are reported at the built-in
    // that called Apply (by its CallPrimitive), not at a call site outside it.
    SiteScope scope(tls_jit_state.current_site);
    tls_jit_state.current_site = nullptr;
    Value a[kRegisterArgs];
    for (int i = 0; i < kRegisterArgs; ++i) a[i] = i < argc ? args[i] : Value::Unspecified();
    Value rest = Value::Nil();
    for (int i = argc; i-- > kRegisterArgs;) rest = Cons(args[i], rest);
    return Value::FromBits(mosaic::stackmaps::CallJit(
        enter_, proc->code, procedure.bits(), int64_t{argc}, a[0].bits(), a[1].bits(),
        a[2].bits(), a[3].bits(), a[4].bits(), a[5].bits(), rest.bits()));
  }
  std::ostream& out() override { return *options_.out; }

  // HelperHost: a closure call from tj_call, made as the JIT caller would (arity checked).
  Value CallClosure(Value f, int64_t argc, const uint64_t* regs, uint64_t rest,
                    const ErrorSite* site) override {
    const auto* proc = static_cast<const JitProc*>(ClosureInfo(f));
    CheckStack();
    SiteScope scope(tls_jit_state.current_site);
    if (site->pos.file != nullptr) tls_jit_state.current_site = site;
    return Value::FromBits(mosaic::stackmaps::CallJit(enter_, proc->code, f.bits(), argc, regs[0],
                                                      regs[1], regs[2], regs[3], regs[4],
                                                      regs[5], rest));
  }

  // HelperHost.
  Value CallPrimitive(Value primitive, const Value* args, int argc,
                      const SourcePos& pos) override {
    return CallPrimitiveObject(primitive, *this, args, argc, pos);
  }

  // LowerEnv.
  JitProc* ProcFor(const ir::Lambda& lambda) override {
    JitProc* proc = proc_of_.Find(lambda.id);
    if (proc == nullptr) {
      JitProc& p = procs_.emplace_back();
      p.name = lambda.name;
      p.min_args = p.min32 = lambda.min_args();
      p.max_args = p.max32 = lambda.max_args();
      p.lambda = &lambda;
      proc_of_.Set(lambda.id, proc = &p);
    }
    return proc;
  }
  const Value* ConstantSlot(const ir::Const& c) override {
    Value* slot = constant_slot_of_.Find(c.id);
    if (slot == nullptr) {
      slot = &constants_.emplace_back(Value::False());
      heap_->AddGlobalRoot(slot);
      *slot = DatumToValue(*c.datum);
      constant_slot_of_.Set(c.id, slot);
    }
    return slot;
  }
  Value GlobalBoxFor(const ir::Global& g) override { return globals_.For(g); }
  const ErrorSite* Site(const SourcePos& pos, std::string message) override {
    return &sites_.emplace_back(ErrorSite{pos, std::move(message)});
  }
  const volatile uint64_t* PollWord() override {
    return reinterpret_cast<const volatile uint64_t*>(heap_->SafepointFlagAddress());
  }
  bool PreciseRoots() override { return options_.roots == RootsMode::kPrecise; }
  mosaic::KindId KindFor(ObjType type) override { return thread_->runtime().kind(type); }
  void KeepAlive(Value v) override { NewRootSlot(v); }
  Value* NewRootSlot(Value initial) override {
    Value& slot = constants_.emplace_back(initial);
    heap_->AddGlobalRoot(&slot);
    return &slot;
  }
  JitProc* GlobalProcHint(const std::string& name) override {
    auto it = global_procs_.find(name);
    return it == global_procs_.end() ? nullptr : it->second;
  }
  void SetGlobalProcHint(const std::string& name, JitProc* proc) override {
    global_procs_[name] = proc;
  }

  // A site's position, or for a position-less site that of the innermost active call.
  SourcePos PosFor(const ErrorSite* site) const override {
    const ErrorSite* current = tls_jit_state.current_site;
    if (site->pos.file != nullptr || current == nullptr) return site->pos;
    return current->pos;
  }

  // Not cleared here: every thread running the program stops at its next poll (the next Eval
  // clears it).
  void Poll() override {
    if (interrupt_.load(std::memory_order_relaxed) != 0) throw Error("interrupted");
    mosaic::Safepoint();
  }

  // CallContext: a toylang thread (frontend/builtins/threads.cc) runs its thunk here, with
  // this thread's JIT state (thread_state.h) and this engine as its helper host.
  Value RunThread(Value thunk) override {
    EnterJitThread();
    CurrentHelperHost() = this;
    auto body = [this, thunk] { return Apply(thunk, nullptr, 0); };
    return RunAtBase(body, segment_walker_.get());
  }
  bool Interrupted() const override { return interrupt_.load(std::memory_order_relaxed) != 0; }

 private:
  JitEngine(std::unique_ptr<mosaic::Heap> heap, const EngineOptions& options)
      : heap_(std::move(heap)), options_(options) {}

  // A compiled unit, run form by form; its top-level code goes when it is destroyed.
  class JitUnit;

  // UnitRunner. A file (or -e) is one compilation unit; interactive sessions compile each form
  // on its own, at the faster optimisation level the JIT was created with.
  size_t MaxUnitForms() const override { return options_.interactive ? 1 : SIZE_MAX; }
  absl::StatusOr<std::unique_ptr<PreparedUnit>> Prepare(const AnalysedUnit& unit) override;

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
    if (precise) segment_walker_ = std::make_unique<PreciseSegmentWalker>(*walker_);
    // A re-entered continuation restores the innermost call site it was captured under.
    RegisterNativeDynamicState(
        "jit current site",
        [] { return reinterpret_cast<uint64_t>(tls_jit_state.current_site); },
        [](uint64_t site) {
          tls_jit_state.current_site = reinterpret_cast<const ErrorSite*>(site);
        });
    absl::StatusOr<std::unique_ptr<EngineThread>> thread = EngineThread::Start(*heap_);
    if (!thread.ok()) return thread.status();
    thread_ = std::move(*thread);
    // JIT code finds the running thread's state through the thread pointer
    // (jit/thread_state.h): this thread's first.
    EnterJitThread();
    mosaic::jit::GcJitOptions jit_options;
    jit_options.statepoints = precise;
    if (options_.interactive) jit_options.opt_level = interactive_opt_level.load();
    // REPL forms are not cached: each is small, O0 and rarely typed twice.
    if (!options_.jit_cache.empty() && !options_.interactive) {
      auto cache = mosaic::jit::CodeCache::Open(options_.jit_cache);
      if (cache.ok()) {
        jit_options.code_cache = std::move(*cache);
        // Heap objects (global boxes) are placed the same way in every run at the heap's hint.
        jit_options.stable_address = [heap = heap_.get()](uint64_t address) {
          return heap->Contains(reinterpret_cast<const void*>(address));
        };
      } else {
        stats_.code_cache_unusable = 1;
      }
    }
    auto jit = mosaic::jit::GcJit::Create(index_, jit_options);
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
    // The entry module is the same in every run: cache it like a file unit's code (start-up).
    if (absl::Status s =
            jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(module), std::move(context)),
                            nullptr, std::nullopt, /*cacheable=*/!options_.interactive);
        !s.ok()) {
      return s;
    }
    absl::StatusOr<EnterFn> enter = jit_->Lookup<EnterFn>("tj_enter");
    if (!enter.ok()) return enter.status();
    enter_ = *enter;
    previous_host_ = CurrentHelperHost();
    CurrentHelperHost() = this;
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
    const bool cacheable = !options_.interactive;  // the cache is only there if configured
    llvm::orc::JITDylib& jd = jit_->lljit().getMainJITDylib();
    // Huge lambdas go to a module of their own at O0 (thunks are O0 already, and so is an
    // interactive engine): LLVM 19's optimising x86 back end is quadratic in them.
    if (!options_.interactive) {
      std::vector<std::string> huge = HugeFunctions(*module, kHugeFunction, kHugeFunctionCalls, thunk_symbols);
      if (!huge.empty()) {
        std::unique_ptr<llvm::Module> moved = MoveFunctions(*module, huge, ".huge");
        if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(moved), tsc),
                                             nullptr, kHugeFunctionLevel, cacheable);
            !s.ok()) {
          return s;
        }
        ++stats_.modules_compiled;
        stats_.huge_functions += huge.size();
      }
    }
    if (OnlyThunksDefined(*module, thunk_symbols)) {
      // Nothing in the unit outlives it: the whole module goes after the run.
      unit.thunk_tracker = jd.createResourceTracker();
      if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(module), tsc),
                                           unit.thunk_tracker, kThunkLevel, cacheable);
          !s.ok()) {
        return s;
      }
      ++stats_.modules_compiled;
    } else {
      std::unique_ptr<llvm::Module> thunks = SplitOffThunks(*module, thunk_symbols);
      if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(module), tsc),
                                           nullptr, std::nullopt, cacheable);
          !s.ok()) {
        return s;
      }
      ++stats_.modules_compiled;
      if (thunks != nullptr) {
        unit.thunk_tracker = jd.createResourceTracker();
        if (absl::Status s = jit_->AddModule(llvm::orc::ThreadSafeModule(std::move(thunks), tsc),
                                             unit.thunk_tracker, kThunkLevel, cacheable);
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
  std::unique_ptr<EngineThread> thread_;
  mosaic::stackmaps::StackMapIndex index_;
  std::unique_ptr<mosaic::stackmaps::HybridStackWalker> walker_;
  // Walks captured continuations' segments with walker_ (precise roots only; null otherwise:
  // segments are then scanned conservatively).
  std::unique_ptr<PreciseSegmentWalker> segment_walker_;
  std::unique_ptr<mosaic::jit::GcJit> jit_;
  EnterFn enter_ = nullptr;
  // Per-node state, by the numbers analysis gave the nodes (frontend/engine/side_table.h).
  SideTable<JitProc*> proc_of_;            // ir::Lambda::id -> its record in procs_
  SideTable<Value*> constant_slot_of_;     // ir::Const::id -> its slot in constants_
  GlobalBoxes globals_;                    // ir::Global::id -> the global's box
  std::deque<JitProc> procs_;
  std::deque<Value> constants_;  // each slot a global root
  std::deque<ErrorSite> sites_;
  Pipeline pipeline_{*this};
  // The interrupt request: the heap's embedder poll word, which JIT polls load with its
  // safepoint flag (LowerEnv::PollWord).
  std::atomic<uint32_t>& interrupt_ = *heap_->EmbedderPollWord();
  int next_module_ = 0;
  EngineStats stats_;                  // code_bytes comes from code_size_
  CodeSizePlugin* code_size_ = nullptr;  // owned by the object linking layer
  HelperHost* previous_host_ = nullptr;
  // GlobalProcHint: a guess checked at run time, so it may go stale harmlessly.
  absl::flat_hash_map<std::string, JitProc*> global_procs_;
};

absl::Status JitEngine::DefineHelpers() { return jit_->DefineAbsolute(HelperSymbols()); }

// Runs the unit's thunks through CallJit; destroying it removes the thunks' code, whether they
// all ran or one stopped at an error (no frame can return into a thunk that has returned or
// unwound: Fact 10).
class JitEngine::JitUnit final : public PreparedUnit {
 public:
  JitUnit(JitEngine& engine, CompiledUnit unit) : engine_(engine), unit_(std::move(unit)) {}
  ~JitUnit() override {
    // A continuation captured while a thunk ran holds frames that return into it (and whose
    // stack maps a collection reads): that code stays for the engine's life.
    if (!keep_code_) engine_.RemoveThunks(unit_);
  }

  // Each form runs at an evaluation base (frontend/builtins/continuations.h). The body does
  // nothing after CallJit returns: a re-entered continuation of an earlier form returns
  // through a copy of its frame.
  Value RunForm(size_t i) override {
    struct Watch {
      JitUnit& unit;
      uint64_t captured = ContinuationsCaptured();
      ~Watch() {
        if (ContinuationsCaptured() != captured) unit.keep_code_ = true;
      }
    } watch{*this};
    EnterFn enter = engine_.enter_;
    void* code = unit_.thunks[i]->code;
    auto body = [enter, code] {
      Value u = Value::Unspecified();
      return Value::FromBits(mosaic::stackmaps::CallJit(enter, code, uint64_t{0}, int64_t{0},
                                                        u.bits(), u.bits(), u.bits(), u.bits(),
                                                        u.bits(), u.bits(), Value::Nil().bits()));
    };
    return RunAtBase(body, engine_.segment_walker_.get());
  }

 private:
  JitEngine& engine_;
  CompiledUnit unit_;
  bool keep_code_ = false;
};

absl::StatusOr<std::unique_ptr<PreparedUnit>> JitEngine::Prepare(const AnalysedUnit& unit) {
  absl::StatusOr<CompiledUnit> compiled = CompileUnit(unit.forms);
  if (!compiled.ok()) {
    return absl::InternalError(
        absl::StrCat("JIT compilation failed: ", compiled.status().message()));
  }
  return std::make_unique<JitUnit>(*this, std::move(*compiled));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> CreateJitEngine(const EngineOptions& options) {
  return JitEngine::Create(options);
}

absl::Status SetInteractiveOptLevel(int level) {
  static constexpr mosaic::jit::OptLevel kLevels[] = {
      mosaic::jit::OptLevel::kO0, mosaic::jit::OptLevel::kO1,
      mosaic::jit::OptLevel::kO2, mosaic::jit::OptLevel::kO3};
  if (level < 0 || level > 3) {
    return absl::InvalidArgumentError(
        absl::StrCat("JIT optimisation level must be 0..3, not ", level));
  }
  interactive_opt_level.store(kLevels[level]);
  return absl::OkStatus();
}

uint64_t SegmentJitFramesWalkedForTesting() {
  return segment_jit_frames.load(std::memory_order_relaxed);
}

size_t LiveStackMapRecordsForTesting(const Engine& engine) {
  const auto* jit = dynamic_cast<const JitEngine*>(&engine);
  return jit != nullptr ? jit->LiveStackMapRecords() : 0;
}

}  // namespace toylang::jit
