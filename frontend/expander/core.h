// Core forms: what the expander produces and the analysis consumes.
//
// Every derived form of toylang (cond, case, and, or, when, unless, let*, named let, do,
// quasiquote, define-record-type, internal defines, ...) is rewritten into these ten:
//
//   kConst    (quote d)              datum == nullptr means the unspecified value
//   kRef      x                      global_only: skip local scopes (expander-introduced calls
//                                    to built-ins such as cons/append must not see a user's
//                                    local variable called `cons`)
//   kSet      (set! x e)             global_only: as for kRef (a macro's template assigning a
//                                    global that a local variable of the use has the name of)
//   kDefine   (define x e)           top level only; internal defines became kLetrec
//   kIf       (if c t e)             e is always present (kConst unspecified when omitted)
//   kLambda   (lambda (p ... . r) body)
//   kSeq      (begin e ...)          at least one form
//   kCall     (f a ...)
//   kLet      (let ((x e) ...) body) inits evaluated outside the scope of the x's
//   kLetrec   (letrec* ((x e) ...) body)
//
// Names are plain strings. Names the expander invents start with "#:" (no symbol the reader
// produces without |bars| can), so they never capture a user's variable.
#ifndef TOYLANG_FRONTEND_EXPANDER_CORE_H_
#define TOYLANG_FRONTEND_EXPANDER_CORE_H_

#include <memory>
#include <string>
#include <vector>

#include "frontend/common/error.h"
#include "frontend/reader/datum.h"

namespace toylang {

enum class CoreKind : uint8_t { kConst, kRef, kSet, kDefine, kIf, kLambda, kSeq, kCall, kLet, kLetrec };

struct Core;
using CorePtr = std::unique_ptr<Core>;

struct Core {
  CoreKind kind;
  SourcePos pos;
  DatumPtr datum;                  // kConst
  std::string name;                // kRef/kSet/kDefine: the variable; kLambda: a name hint
  bool global_only = false;        // kRef, kSet
  std::vector<std::string> params; // kLambda: required parameters; kLet/kLetrec: bound names
  bool has_rest = false;           // kLambda
  std::string rest;                // kLambda
  // kSet/kDefine: {value}; kIf: {test, then, else}; kLambda: {body}; kSeq: forms;
  // kCall: {fn, args...}; kLet/kLetrec: {inits..., body}.
  std::vector<CorePtr> kids;

  Core(CoreKind k, SourcePos p) : kind(k), pos(p) {}
};

// A readable S-expression rendering for tests and debugging, e.g.
// (lambda f (x) (if (call (ref <) (ref x) (const 2)) ...)).
std::string DumpCore(const Core& core);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_EXPANDER_CORE_H_
