#include "frontend/interp/engine.h"

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
#include "frontend/expander/expander.h"
#include "frontend/interp/interpreter.h"
#include "frontend/objects/printer.h"
#include "frontend/objects/runtime.h"
#include "frontend/reader/reader.h"
#include "mosaic/heap.h"

namespace toylang {
namespace {

}  // namespace

absl::StatusOr<std::unique_ptr<mosaic::Heap>> CreateEngineHeap(const EngineOptions& options) {
  absl::StatusOr<mosaic::HeapOptions> heap_options =
      mosaic::HeapOptions::Parse(options.gc_options, mosaic::HeapOptions{});
  if (!heap_options.ok()) return heap_options.status();
  // Out of memory is the program's error, reported like any other and survivable: the
  // allocation that failed unwinds to Eval, and what it would have built is garbage.
  heap_options->oom_handler = [](size_t) { throw Error("heap limit reached"); };
  return mosaic::Heap::Create(*heap_options);
}

namespace {

class InterpEngine final : public Engine {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const EngineOptions& options) {
    absl::StatusOr<std::unique_ptr<mosaic::Heap>> heap = CreateEngineHeap(options);
    if (!heap.ok()) return heap.status();
    std::unique_ptr<InterpEngine> engine(new InterpEngine(std::move(*heap), options));
    if (absl::Status s = engine->heap_->RegisterCurrentThread(); !s.ok()) return s;
    engine->registered_ = true;
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(*engine->heap_);
    if (!runtime.ok()) return runtime.status();
    engine->runtime_ = std::move(*runtime);
    InstallBuiltins();
    engine->interp_ = std::make_unique<Interpreter>(*engine->heap_, options.out);
    return std::unique_ptr<Engine>(std::move(engine));
  }

  ~InterpEngine() override {
    interp_.reset();
    runtime_.reset();
    if (registered_) (void)heap_->UnregisterCurrentThread();
  }

  absl::StatusOr<mosaic::Value> Eval(std::string_view source, std::string_view file) override {
    interp_->ClearInterrupt();
    std::vector<DatumPtr> forms;
    try {
      forms = ReadAll(source, file);
    } catch (const ReadError& e) {
      if (e.incomplete()) return absl::OutOfRangeError(e.Format());
      return absl::InvalidArgumentError(e.Format());
    } catch (const Error& e) {  // stack overflow while reading
      return absl::InvalidArgumentError(e.Format());
    }
    Value result = Value::Unspecified();
    for (const DatumPtr& form : forms) {
      try {
        Expander expander;
        CorePtr core = expander.ExpandToplevel(form);
        code_.push_back(Analyze(*core));
      } catch (const Error& e) {
        return absl::InvalidArgumentError(e.Format());
      }
      try {
        result = interp_->Run(*code_.back());
      } catch (Error& e) {
        if (!e.has_pos()) e.SetPosIfMissing(form->pos);
        return absl::AbortedError(e.Format());
      } catch (const ExitRequest& exit) {
        exit_code_ = exit.code;
        return absl::CancelledError("exit");
      } catch (const std::exception& e) {
        // Not a toylang error (say std::bad_alloc from C++ code): still not a crash.
        return absl::InternalError(absl::StrCat(FormatPos(form->pos), ": internal error: ", e.what()));
      }
    }
    return result;
  }

  std::string Write(mosaic::Value v) override { return WriteString(v); }
  int ExitCode() const override { return exit_code_; }
  void RequestInterrupt() override { interp_->RequestInterrupt(); }
  mosaic::Heap& heap() override { return *heap_; }

 private:
  InterpEngine(std::unique_ptr<mosaic::Heap> heap, const EngineOptions& options)
      : heap_(std::move(heap)), options_(options) {}

  std::unique_ptr<mosaic::Heap> heap_;
  EngineOptions options_;
  bool registered_ = false;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<Interpreter> interp_;
  // Every compiled form, kept for as long as closures may point into it.
  std::vector<std::unique_ptr<ir::Lambda>> code_;
  int exit_code_ = 0;
};

// The JIT engine registers itself here (jit/jit_engine.cc, when a program links toylang::jit),
// so that the interpreter library never depends on LLVM. Declared in jit/jit_engine.h.
using JitEngineFactory = absl::StatusOr<std::unique_ptr<Engine>> (*)(const EngineOptions&);
JitEngineFactory jit_engine_factory = nullptr;

}  // namespace

void SetJitEngineFactory(JitEngineFactory factory) { jit_engine_factory = factory; }

Engine::~Engine() = default;

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(const EngineOptions& options) {
  if (options.engine == EngineKind::kJit) {
    if (jit_engine_factory == nullptr) {
      return absl::UnimplementedError("the JIT engine is not available yet");
    }
    return jit_engine_factory(options);
  }
  return InterpEngine::Create(options);
}

}  // namespace toylang
