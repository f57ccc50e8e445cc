// Analysis: core forms -> IR (ir.h). Scopes and lexical addressing, free variables, assignment
// conversion, closure conversion, tail positions and known calls.
//
//   ir::Numbering ids;                                        // one for all the forms
//   CorePtr core = expander.ExpandToplevel(datum);
//   std::unique_ptr<ir::Lambda> code = Analyze(*core, ids);  // a procedure of no arguments
//
// Needs no heap: globals are named, and constants are datums; the engine resolves both.
#ifndef TOYLANG_FRONTEND_ANALYSIS_ANALYSIS_H_
#define TOYLANG_FRONTEND_ANALYSIS_ANALYSIS_H_

#include <memory>

#include "frontend/analysis/ir.h"
#include "frontend/expander/core.h"

namespace toylang {

// Wraps a top-level form into a procedure of no arguments named "toplevel". Every name that
// is not bound locally is a global; analysis itself never fails on a well-formed core tree.
// The tree's lambdas, non-immediate literals and globals are numbered from `ids`.
std::unique_ptr<ir::Lambda> Analyze(const Core& toplevel, ir::Numbering& ids);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ANALYSIS_ANALYSIS_H_
