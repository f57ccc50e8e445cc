// Analysis: core forms -> IR (ir.h). Scopes and lexical addressing, free variables, assignment
// conversion, closure conversion, tail positions and known calls.
//
//   CorePtr core = expander.ExpandToplevel(datum);
//   std::unique_ptr<ir::Lambda> code = Analyze(*core);   // a procedure of no arguments
//   engine.Run(*code);
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
std::unique_ptr<ir::Lambda> Analyze(const Core& toplevel);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ANALYSIS_ANALYSIS_H_
