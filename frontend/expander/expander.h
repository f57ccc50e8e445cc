// The expander: datums -> core forms (core.h).
//
//   Expander expander;
//   CorePtr core = expander.ExpandToplevel(datum);   // throws toylang::Error on a bad form
//
// It knows which names are locally bound at every point, because special-form keywords can be
// shadowed: inside (lambda (if) (if 1 2 3)) the inner form is a call. At top level keywords are
// always keywords. Malformed forms are errors at the form's position that show the expected
// shape: "if: expected (if test then [else])".
#ifndef TOYLANG_FRONTEND_EXPANDER_EXPANDER_H_
#define TOYLANG_FRONTEND_EXPANDER_EXPANDER_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "frontend/expander/core.h"
#include "frontend/reader/datum.h"

namespace toylang {

// The keywords of expander_forms.cc's forms (case-lambda, guard, ...).
bool IsFormsKeyword(std::string_view name);

class Expander {
 public:
  // Expands one top-level form (which may be a definition or a (begin ...) of definitions).
  CorePtr ExpandToplevel(const DatumPtr& form);

 private:
  friend class ExpanderScope;
  using Scope = absl::flat_hash_set<std::string>;

  CorePtr Expand(const DatumPtr& form);
  CorePtr ExpandSpecial(const DatumPtr& form, std::string_view keyword);
  bool IsKeyword(const DatumPtr& head, std::string_view* keyword) const;
  bool IsLocal(std::string_view name) const;
  // A body: internal definitions followed by expressions -> one core form (kLetrec if there
  // are definitions). `what` names the form for messages.
  CorePtr ExpandBody(const std::vector<DatumPtr>& forms, size_t start, SourcePos pos,
                     std::string_view what);
  // Definitions in a body or at top level: appends (name, value form) pairs, splicing begins.
  struct Definition {
    std::string name;
    DatumPtr value;      // nullptr: (define x) with no value
    DatumPtr form;       // the whole define, for positions
    bool is_expression;  // not a definition: `value` is an expression kept in order
    CorePtr core = nullptr;  // already expanded (define-record-type), instead of `value`
    // Expanded when the body's scope is in place (define-values), instead of `value`.
    std::function<CorePtr()> make = nullptr;
  };
  // The core form of a definition's value (or of an expression among definitions), with the
  // definition's name given to a procedure that has none.
  CorePtr DefinitionValue(Definition& d);
  void CollectDefinition(const DatumPtr& form, std::vector<Definition>& out);
  bool IsDefinitionForm(const DatumPtr& form) const;

  CorePtr ExpandLambda(const DatumPtr& form, const DatumPtr& formals,
                       const std::vector<DatumPtr>& body, size_t body_start, std::string name_hint);
  CorePtr ExpandLet(const DatumPtr& form);
  CorePtr ExpandLetStar(const DatumPtr& form);
  CorePtr ExpandLetrec(const DatumPtr& form, std::string_view keyword);
  CorePtr ExpandCond(const DatumPtr& form);
  CorePtr ExpandCase(const DatumPtr& form);
  CorePtr ExpandDo(const DatumPtr& form);
  // let-values and let*-values (`sequential`), and SRFI 8's receive: calls of the global
  // call-with-values (values.cc of the built-ins).
  CorePtr ExpandLetValues(const DatumPtr& form, bool sequential);
  CorePtr ExpandReceive(const DatumPtr& form);
  CorePtr ExpandQuasi(const DatumPtr& tmpl, int depth);
  CorePtr ExpandDefine(const DatumPtr& form);
  void ExpandRecordType(const DatumPtr& form, std::vector<Definition>& out);

  // expander_forms.cc: case-lambda, delay, delay-force, parameterize, guard, define-values,
  // import. ExpandForms returns nullptr for any other keyword.
  CorePtr ExpandForms(const DatumPtr& form, std::string_view keyword);
  CorePtr ExpandCaseLambda(const DatumPtr& form);
  CorePtr ExpandParameterize(const DatumPtr& form);
  CorePtr ExpandGuard(const DatumPtr& form);
  void CollectDefineValues(const DatumPtr& form, std::vector<Definition>& out);
  CorePtr ExpandImport(const DatumPtr& form);
  // Names a procedure-making core form (a lambda, a case-lambda's clauses) that has no name.
  static void NameProcedure(Core& value, const std::string& name);

  // Helpers to build core forms.
  std::string Fresh(std::string_view base);
  static CorePtr Const(DatumPtr datum, SourcePos pos);
  static CorePtr Unspecified(SourcePos pos);
  static CorePtr Ref(std::string name, SourcePos pos, bool global_only = false);
  static CorePtr Call(CorePtr fn, std::vector<CorePtr> args, SourcePos pos);
  static CorePtr If(CorePtr test, CorePtr then, CorePtr otherwise, SourcePos pos);
  static CorePtr Let(std::vector<std::string> names, std::vector<CorePtr> inits, CorePtr body,
                     SourcePos pos);

  std::vector<Scope> scopes_;
  int counter_ = 0;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_EXPANDER_EXPANDER_H_
