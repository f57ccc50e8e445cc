// The evaluation pipeline both engines share: source text -> datums (frontend/reader) -> core
// forms (frontend/expander) -> IR (frontend/analysis, then the lifting of well-known lambdas,
// frontend/analysis/lift.h) -> run by the engine, and the mapping of
// every phase's errors to Engine::Eval's statuses (docs/design/frontend.md, "The evaluation
// pipeline"):
//
//   reader: the input ends inside a datum      OUT_OF_RANGE (the REPL reads another line)
//   reader, anything else; expander            INVALID_ARGUMENT
//   preparing a unit (the JIT compiles it)     the engine's status, at the unit's first form
//   running: a toylang error                   ABORTED "file:line:col: message"
//   running: (exit n)                          CANCELLED, exit_code() = n
//   running: any other C++ exception           INTERNAL "file:line:col: internal error: ..."
//
// The whole source is read before anything runs (incomplete input runs nothing). The forms are
// then cut into units of at most UnitRunner::MaxUnitForms() forms, each expanded and analysed,
// then prepared and run by the engine; a form that does not expand or analyse ends its unit:
// the forms before it run first, then its error is reported. Forms run in order; the first
// that fails stops the evaluation, and the definitions made before it stay.
//
// An engine implements UnitRunner (the one thing that differs between engines) and owns a
// Pipeline:
//
//   class MyEngine final : public Engine, private UnitRunner {
//     absl::StatusOr<Value> Eval(std::string_view source, std::string_view file) override {
//       return pipeline_.Eval(source, file);
//     }
//     int ExitCode() const override { return pipeline_.exit_code(); }
//     size_t MaxUnitForms() const override { return 1; }
//     absl::StatusOr<std::unique_ptr<PreparedUnit>> Prepare(const AnalysedUnit& unit) override;
//     Pipeline pipeline_{*this};
//   };
#ifndef TOYLANG_FRONTEND_ENGINE_PIPELINE_H_
#define TOYLANG_FRONTEND_ENGINE_PIPELINE_H_

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "frontend/analysis/ir.h"
#include "frontend/common/error.h"
#include "frontend/expander/expander.h"
#include "mosaic/value.h"

namespace toylang {

// Top-level forms, expanded and analysed, in source order: what an engine compiles or runs.
struct AnalysedUnit {
  std::vector<const ir::Lambda*> forms;  // each a procedure of no arguments (Analyze)
  std::vector<SourcePos> positions;      // each form's position, for errors that have none
};

// A unit an engine has made ready to run (the interpreter: nothing to do; the JIT: compiled and
// linked). Destroyed once the unit ran or stopped at an error, which is when the JIT removes its
// run-once code.
class PreparedUnit {
 public:
  virtual ~PreparedUnit() = default;
  // Runs form `i`; called for i = 0, 1, ... in order, each at most once. A failure is thrown:
  // toylang::Error, ExitRequest, or another std::exception.
  virtual mosaic::Value RunForm(size_t i) = 0;
};

// What an engine implements for the pipeline.
class UnitRunner {
 public:
  virtual ~UnitRunner() = default;
  // How many forms one unit may hold (at least 1). The JIT compiles a file's forms as one unit;
  // the interpreter and interactive engines take them one at a time.
  virtual size_t MaxUnitForms() const = 0;
  // Makes `unit` ready to run. An error status ends the evaluation with that status, its
  // message prefixed with the position of the unit's first form. It may also throw Error (the
  // heap limit, reached making the unit's constants), reported the same way as a form's error.
  // `unit` outlives the result.
  virtual absl::StatusOr<std::unique_ptr<PreparedUnit>> Prepare(const AnalysedUnit& unit) = 0;
};

class Pipeline {
 public:
  explicit Pipeline(UnitRunner& runner) : runner_(runner) {}
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Engine::Eval's contract (engine.h), with the errors mapped as above.
  absl::StatusOr<mosaic::Value> Eval(std::string_view source, std::string_view file);
  // The status of the last (exit n).
  int exit_code() const { return exit_code_; }
  // Procedures made by outlining huge expressions (frontend/expander/outline.h), so far.
  uint64_t outlined() const { return outlined_; }
  // Whether analysed forms go through LiftProcedures (frontend/analysis/lift.h); on by
  // default (EngineOptions::lift_procedures). Set before the first Eval.
  void set_lift_procedures(bool on) { lift_procedures_ = on; }
  // Lambdas lifted so far.
  uint64_t lifted() const { return lifted_; }

 private:
  absl::StatusOr<mosaic::Value> Run(const AnalysedUnit& unit);

  UnitRunner& runner_;
  // One expander for the engine's life: macros defined at top level stay defined.
  Expander expander_;
  uint64_t outlined_ = 0;
  bool lift_procedures_ = true;
  uint64_t lifted_ = 0;
  // Numbers the nodes of every form this engine analyses (the keys of its side tables).
  ir::Numbering ids_;
  // Every form analysed so far, kept for the engine's life: closures point into the IR.
  std::vector<std::unique_ptr<ir::Lambda>> code_;
  int exit_code_ = 0;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ENGINE_PIPELINE_H_
