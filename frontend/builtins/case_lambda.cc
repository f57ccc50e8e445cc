// case-lambda procedures (case_lambda.h) and %case-lambda, which makes them.
#include "frontend/builtins/case_lambda.h"

#include <string>

#include "frontend/builtins/builtins_internal.h"

namespace toylang {
namespace builtins_internal {
namespace {

using V = Value;

bool Accepts(V clause, int argc) {
  const ProcedureInfo* info = ClosureInfo(clause);
  return info->max_args < 0 ? argc >= info->min_args : argc == info->max_args;
}

}  // namespace

V CaseLambdaCall(CallContext& ctx, const V* a, int argc) {
  V self = ctx.callee();
  V clause = SelectCaseLambdaClause(self, argc);
  if (clause == self) {
    std::string name(ProcedureName(self));
    Fail(Cat(name.empty() ? "#<procedure>" : name, ": no case-lambda clause accepts ", argc,
             argc == 1 ? " argument" : " arguments"));
  }
  return ctx.Apply(clause, a, argc);
}

namespace {

// (%case-lambda clause ...): every clause a closure (the expander made them from lambdas). The
// procedure's name is its first clause's (the expander names the clauses as it names lambdas).
V MakeCaseLambda(CallContext&, const V* a, int argc) {
  for (int i = 0; i < argc; ++i) {
    if (!IsClosure(a[i])) TypeError("case-lambda", "closure", a[i]);
  }
  V clauses = MakeVector(static_cast<size_t>(argc), V::False());
  for (int i = 0; i < argc; ++i) VectorSet(clauses, static_cast<size_t>(i), a[i]);
  std::string name(argc > 0 ? ProcedureName(a[0]) : "");
  return MakePrimitiveWithData(&kCaseLambdaBuiltin, name, clauses);
}

constexpr Builtin kBuiltins[] = {
    {"%case-lambda", 0, -1, MakeCaseLambda},
};

}  // namespace

absl::Span<const Builtin> CaseLambdaBuiltins() { return kBuiltins; }

}  // namespace builtins_internal

// Static storage, as a primitive's code word requires.
const Builtin kCaseLambdaBuiltin = {"case-lambda", 0, -1, builtins_internal::CaseLambdaCall};

Value SelectCaseLambdaClause(Value procedure, int argc) {
  Value clauses = PrimitiveData(procedure);
  size_t n = VectorLength(clauses);
  for (size_t i = 0; i < n; ++i) {
    Value clause = VectorRef(clauses, i);
    if (builtins_internal::Accepts(clause, argc)) return clause;
  }
  return procedure;
}

}  // namespace toylang
