// Outlining: huge expressions are split into procedures of bounded size before analysis.
//
// LLVM's statepoint rewriting (RS4GC) costs each GC value live across a call an
// iterated-dominance-frontier walk over the whole function, so a single function of n nested
// calls compiles in time ~n² (2,000 nested additions took 9 s; docs/design/jit.md, "Compile
// time of huge functions"). Here every procedure body (and every top-level form) whose calls
// and conditionals exceed kOutlineWeight is cut: a subexpression heavier than that becomes
//
//   (let ((#:outlined (lambda () e))) (#:outlined))
//
// — a known procedure of no arguments, called at once, which closes over what `e` refers to
// (assigned variables are boxed by analysis as for any closure, so `set!` inside `e` still
// assigns the outer variable), and is in tail position exactly when `e` was. A long sequence
// (a body of thousands of forms) is cut into consecutive chunks the same way. Ordinary
// procedures, far below the bound, are left alone: outlining costs a closure per evaluation.
#ifndef TOYLANG_FRONTEND_EXPANDER_OUTLINE_H_
#define TOYLANG_FRONTEND_EXPANDER_OUTLINE_H_

#include <cstddef>

#include "frontend/expander/core.h"

namespace toylang {

// Calls and conditionals (each a few basic blocks and, for calls, a statepoint) a procedure
// may hold before its heaviest parts are outlined.
inline constexpr size_t kOutlineWeight = 128;

// Outlines the huge expressions of `form` (a top-level core form), in place. Returns how many
// procedures it made.
size_t OutlineHugeExpressions(CorePtr& form);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_EXPANDER_OUTLINE_H_
