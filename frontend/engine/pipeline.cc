#include "frontend/engine/pipeline.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "frontend/analysis/analysis.h"
#include "frontend/analysis/lift.h"
#include "frontend/expander/expander.h"
#include "frontend/expander/outline.h"
#include "frontend/reader/reader.h"

namespace toylang {

absl::StatusOr<mosaic::Value> Pipeline::Eval(std::string_view source, std::string_view file) {
  std::vector<DatumPtr> forms;
  try {
    forms = ReadAll(source, file);
  } catch (const ReadError& e) {
    if (e.incomplete()) return absl::OutOfRangeError(e.Format());
    return absl::InvalidArgumentError(e.Format());
  } catch (const Error& e) {  // stack overflow while reading
    return absl::InvalidArgumentError(e.Format());
  }
  const size_t max_forms = std::max<size_t>(runner_.MaxUnitForms(), 1);
  mosaic::Value result = mosaic::Value::Unspecified();
  size_t next = 0;
  while (next < forms.size()) {
    const size_t limit = next + std::min(max_forms, forms.size() - next);
    AnalysedUnit unit;
    absl::Status analysis_error;
    for (; next < limit; ++next) {
      try {
        CorePtr core = expander_.ExpandToplevel(forms[next]);
        outlined_ += OutlineHugeExpressions(core);  // compile time near linear in size
        code_.push_back(Analyze(*core, ids_));
        if (lift_procedures_) lifted_ += LiftProcedures(*code_.back());
      } catch (const Error& e) {
        analysis_error = absl::InvalidArgumentError(e.Format());
        break;
      }
      unit.forms.push_back(code_.back().get());
      unit.positions.push_back(forms[next]->pos);
    }
    if (!unit.forms.empty()) {
      absl::StatusOr<mosaic::Value> ran = Run(unit);
      if (!ran.ok()) return ran.status();
      result = *ran;
    }
    if (!analysis_error.ok()) return analysis_error;
  }
  return result;
}

absl::StatusOr<mosaic::Value> Pipeline::Run(const AnalysedUnit& unit) {
  absl::StatusOr<std::unique_ptr<PreparedUnit>> prepared;
  try {
    prepared = runner_.Prepare(unit);
  } catch (Error& e) {  // "heap limit reached" making the unit's constants
    e.SetPosIfMissing(unit.positions.front());
    return absl::AbortedError(e.Format());
  }
  if (!prepared.ok()) {
    const absl::Status& s = prepared.status();
    return absl::Status(s.code(),
                        absl::StrCat(FormatPos(unit.positions.front()), ": ", s.message()));
  }
  mosaic::Value result = mosaic::Value::Unspecified();
  for (size_t i = 0; i < unit.forms.size(); ++i) {
    try {
      result = (*prepared)->RunForm(i);
    } catch (Error& e) {
      e.SetPosIfMissing(unit.positions[i]);
      return absl::AbortedError(e.Format());
    } catch (const ExitRequest& exit) {
      exit_code_ = exit.code;
      return absl::CancelledError("exit");
    } catch (const std::exception& e) {
      // Not a toylang error (say std::bad_alloc from C++ code): still not a crash.
      return absl::InternalError(
          absl::StrCat(FormatPos(unit.positions[i]), ": internal error: ", e.what()));
    }
  }
  return result;
}

}  // namespace toylang
