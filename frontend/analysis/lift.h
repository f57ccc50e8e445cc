// Closure optimisation: lambda lifting of well-known procedures (docs/design/closures.md), after
// Keep, Hearn and Dybvig, "Optimizing closures in O(0) time" (2012).
//
//   std::unique_ptr<ir::Lambda> code = Analyze(*core, ids);
//   int lifted = LiftProcedures(*code);  // before any engine sees `code`
//
// A lambda bound by let or letrec (so by a named let, a `do` loop or an internal define) is
// *well-known* when its variable is never assigned and every reference to it is the operator
// of a call with as many arguments as it takes: no closure value of it is ever needed. Such a
// lambda is lifted (ir.h, "Lifted lambdas"): its free variables become extra parameters that
// every call passes, so entering the let or letrec allocates nothing for it, and its calls are
// direct calls (a self tail call stays a loop). What it needs of other lifted lambdas is their
// free variables, not their values, so mutually recursive internal defines lift together.
//
// A well-known lambda keeps its closure when lifting would not pay or would change behaviour:
//   - it would take more than LiftOptions::max_params parameters in all (the JIT would pass
//     the ones after the sixth in a list allocated at every call);
//   - it has a rest parameter;
//   - it is a letrec variable that code run while its letrec initialises could reach before its
//     initialisation (the "used before its definition" check must stay), or a closure that
//     would have to copy such a variable early instead of reaching it later through the
//     lifted procedure's closure (the letrec's *unstable* variables, see lift.cc).
// The result is ordinary IR that both engines run; a tree the pass cannot handle is left as it
// was (it never fails).
#ifndef TOYLANG_FRONTEND_ANALYSIS_LIFT_H_
#define TOYLANG_FRONTEND_ANALYSIS_LIFT_H_

#include "frontend/analysis/ir.h"

namespace toylang {

struct LiftOptions {
  // The most parameters a lifted lambda may have, its own and its free variables together:
  // the JIT passes six arguments in registers (jit/lower.h, kRegisterArgs).
  int max_params = 6;
};

// Lifts the well-known lambdas of `toplevel` (a tree from Analyze, not yet run by any engine).
// Returns how many it lifted.
int LiftProcedures(ir::Lambda& toplevel, const LiftOptions& options = {});

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ANALYSIS_LIFT_H_
