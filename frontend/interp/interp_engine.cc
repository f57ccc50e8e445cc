// The interpreter engine: the shared pipeline (frontend/engine/pipeline.h) with a UnitRunner
// that runs each form's IR through the Interpreter, one form per unit.
#include "frontend/interp/interp_engine.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "frontend/common/error.h"
#include "frontend/engine/pipeline.h"
#include "frontend/engine/setup.h"
#include "frontend/interp/interpreter.h"
#include "frontend/objects/printer.h"
#include "mosaic/heap.h"

namespace toylang {
namespace {

// A unit needs no preparation: its forms' IR is run as it is.
class InterpUnit final : public PreparedUnit {
 public:
  InterpUnit(Interpreter& interp, const AnalysedUnit& unit) : interp_(interp), unit_(unit) {}
  Value RunForm(size_t i) override { return interp_.Run(*unit_.forms[i]); }

 private:
  Interpreter& interp_;
  const AnalysedUnit& unit_;
};

class InterpEngine final : public Engine, private UnitRunner {
 public:
  static absl::StatusOr<std::unique_ptr<Engine>> Create(const EngineOptions& options) {
    absl::StatusOr<std::unique_ptr<mosaic::Heap>> heap = CreateEngineHeap(options);
    if (!heap.ok()) return heap.status();
    std::unique_ptr<InterpEngine> engine(new InterpEngine(std::move(*heap)));
    engine->pipeline_.set_lift_procedures(options.lift_procedures);
    absl::StatusOr<std::unique_ptr<EngineThread>> thread = EngineThread::Start(*engine->heap_);
    if (!thread.ok()) return thread.status();
    engine->thread_ = std::move(*thread);
    try {
      engine->interp_ = std::make_unique<Interpreter>(*engine->heap_, options.out);
    } catch (const Error& e) {  // its constants vector: the heap is full already
      return absl::ResourceExhaustedError(
          absl::StrCat(e.message(), " while starting: heap-max is too small to start toylang"));
    }
    return std::unique_ptr<Engine>(std::move(engine));
  }

  // The program's threads stop first: they run on the interpreter and the IR.
  ~InterpEngine() override { StopThreads(); }
  void StopThreads() override {
    if (thread_ != nullptr && interp_ != nullptr) {
      thread_->threads().Shutdown([this] { interp_->RequestInterrupt(); });
    }
  }

  absl::StatusOr<mosaic::Value> Eval(std::string_view source, std::string_view file) override {
    // An interrupt stops every thread: let the last of them see it before it is cleared.
    if (interp_->Interrupted()) thread_->threads().AwaitAllEnded();
    interp_->ClearInterrupt();
    return pipeline_.Eval(source, file);
  }
  std::string Write(mosaic::Value v) override { return WriteString(v); }
  int ExitCode() const override { return pipeline_.exit_code(); }
  EngineStats Stats() const override {
    EngineStats stats;
    stats.outlined_procedures = pipeline_.outlined();
    stats.lifted_procedures = pipeline_.lifted();
    return stats;
  }
  void RequestInterrupt() override { interp_->RequestInterrupt(); }
  mosaic::Heap& heap() override { return *heap_; }

 private:
  explicit InterpEngine(std::unique_ptr<mosaic::Heap> heap) : heap_(std::move(heap)) {}

  // UnitRunner: one form at a time, each run as soon as it is analysed.
  size_t MaxUnitForms() const override { return 1; }
  absl::StatusOr<std::unique_ptr<PreparedUnit>> Prepare(const AnalysedUnit& unit) override {
    return std::make_unique<InterpUnit>(*interp_, unit);
  }

  // Destroyed in reverse: the interpreter (removing its root), the IR, the runtime and the
  // thread's registration, the heap.
  std::unique_ptr<mosaic::Heap> heap_;
  std::unique_ptr<EngineThread> thread_;
  Pipeline pipeline_{*this};
  std::unique_ptr<Interpreter> interp_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Engine>> CreateInterpEngine(const EngineOptions& options) {
  return InterpEngine::Create(options);
}

}  // namespace toylang
