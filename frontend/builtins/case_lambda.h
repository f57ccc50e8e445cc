// case-lambda (R7RS 4.2.9). The expander turns (case-lambda (formals body ...) ...) into
// (%case-lambda (lambda formals body ...) ...); the result is a primitive procedure whose data is
// the vector of clause closures. Calling it calls the first clause that accepts the number of
// arguments with the same arguments (no list is made for a fixed-arity clause), or raises
// "f: no case-lambda clause accepts 3 arguments".
//
// Engines resolve the clause themselves when they can (SelectCaseLambdaClause), so that a call
// of a case-lambda in tail position is a proper tail call; the primitive's own code is the
// fallback (calls from C++, the arity error).
#ifndef TOYLANG_FRONTEND_BUILTINS_CASE_LAMBDA_H_
#define TOYLANG_FRONTEND_BUILTINS_CASE_LAMBDA_H_

#include "frontend/builtins/builtins.h"
#include "frontend/objects/objects.h"

namespace toylang {

// The code word of every case-lambda procedure (not a global variable).
extern const Builtin kCaseLambdaBuiltin;

inline bool IsCaseLambda(Value v) {
  return IsPrimitive(v) && PrimitiveBuiltin(v) == &kCaseLambdaBuiltin;
}

// The clause of the case-lambda `procedure` that accepts `argc` arguments, or the procedure
// itself when none does (calling it then reports the error).
Value SelectCaseLambdaClause(Value procedure, int argc);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_CASE_LAMBDA_H_
