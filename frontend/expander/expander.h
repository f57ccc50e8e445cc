// The expander: datums -> core forms (core.h).
//
//   Expander expander;
//   CorePtr core = expander.ExpandToplevel(datum);   // throws toylang::Error on a bad form
//
// It knows what every identifier means at every point (environment.h), because special-form
// keywords can be shadowed: inside (lambda (if) (if 1 2 3)) the inner form is a call. At top
// level keywords are always keywords, unless a macro of that name is defined. Malformed forms
// are errors at the form's position that show the expected shape: "if: expected (if test then
// [else])".
//
// Macros (define-syntax, let-syntax, letrec-syntax with syntax-rules) are expanded here, before
// analysis, hygienically by renaming (docs/design/macros.md). One Expander serves a whole
// session: the macros defined at top level stay defined for the forms that follow.
#ifndef TOYLANG_FRONTEND_EXPANDER_EXPANDER_H_
#define TOYLANG_FRONTEND_EXPANDER_EXPANDER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "frontend/expander/core.h"
#include "frontend/expander/environment.h"
#include "frontend/reader/datum.h"

namespace toylang {

// The keywords of expander_forms.cc's forms (case-lambda, guard, ...).
bool IsFormsKeyword(std::string_view name);

class Expander {
 public:
  // Expands one top-level form (which may be a definition or a (begin ...) of definitions).
  CorePtr ExpandToplevel(const DatumPtr& form);
  // Whether `name` is a macro keyword at top level.
  bool IsToplevelMacro(const std::string& name) const { return top_macros_.contains(name); }

 private:
  friend class ExpanderScope;
  friend class ExpansionHooks;

  CorePtr Expand(const DatumPtr& form);
  CorePtr ExpandSpecial(const DatumPtr& form, std::string_view keyword);
  // Whether the head of a form is a built-in keyword that introduces a special form there.
  bool IsKeyword(const DatumPtr& head, std::string* keyword) const;

  // --- Identifiers and macros (macros.cc) ---
  // What identifier `id` means in the current environment, or in `env`.
  Resolved Resolve(const std::string& id) const { return ResolveIn(id, env_); }
  Resolved ResolveIn(const std::string& id, const Frame* env) const;
  // Whether `d` is an identifier that means the built-in `keyword` (else, =>, unquote ...).
  bool IsKeywordId(const DatumPtr& d, std::string_view keyword) const;
  // A symbol used as an expression.
  CorePtr ExpandIdentifier(const DatumPtr& id);
  // Binds `id` as a variable in `frame`; returns its core name (docs/design/macros.md says
  // when that is not the identifier itself).
  std::string BindVariable(Frame* frame, const std::string& id);
  // The name a definition of `id` binds: at top level the global (a macro of that name is
  // forgotten), in a body a variable of the body's frame.
  std::string DefineName(const DatumPtr& id, const DatumPtr& form);
  // If `form` is the use of a macro, its expansion (one step); otherwise nullptr.
  DatumPtr ExpandIfMacroUse(const DatumPtr& form);
  // (define-syntax name (syntax-rules ...)) at top level or in a body.
  void DefineSyntax(const DatumPtr& form);
  CorePtr ExpandLetSyntax(const DatumPtr& form, bool recursive);
  std::shared_ptr<const Macro> MakeMacro(const DatumPtr& spec, const DatumPtr& name, const Frame* env);
  // (quote d) of a datum that may hold aliases.
  DatumPtr Unalias(const DatumPtr& d) const;
  // A body: internal definitions followed by expressions -> one core form (kLetrec if there
  // are definitions). `what` names the form for messages.
  CorePtr ExpandBody(const std::vector<DatumPtr>& forms, size_t start, SourcePos pos,
                     std::string_view what);
  // Definitions in a body or at top level: appends (name, value form) pairs, splicing begins
  // and expanding macro uses.
  struct Definition {
    std::string name;    // the core name (DefineName)
    DatumPtr value;      // nullptr: (define x) with no value
    DatumPtr form;       // the whole define, for positions
    bool is_expression;  // not a definition: `value` is an expression kept in order
    CorePtr core = nullptr;  // already expanded (define-record-type), instead of `value`
    std::string hint = "";   // the name without aliases, for a procedure's name
    DatumPtr formals = nullptr;  // (define (name . formals) body ...): a lambda of form[2...]
    // Expanded when the body's scope is in place (define-values), instead of `value`.
    std::function<CorePtr()> make = nullptr;
  };
  void CollectDefinition(const DatumPtr& form, std::vector<Definition>& out);
  // Whether `form` is (define ...), (define-record-type ...), (define-syntax ...) or
  // (begin ...); sets *keyword.
  bool IsDefinitionForm(const DatumPtr& form, std::string* keyword) const;
  CorePtr ExpandDefinitionValue(Definition& d);

  CorePtr ExpandLambda(const DatumPtr& form, const DatumPtr& formals,
                       const std::vector<DatumPtr>& body, size_t body_start, std::string name_hint);
  CorePtr ExpandLet(const DatumPtr& form);
  CorePtr ExpandLetStar(const DatumPtr& form);
  CorePtr ExpandLetrec(const DatumPtr& form, std::string_view keyword);
  CorePtr ExpandCond(const DatumPtr& form);
  CorePtr ExpandCase(const DatumPtr& form);
  CorePtr CaseTest(const std::string& key, const DatumPtr& datums, SourcePos pos);
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

  // The current environment: the innermost frame (nullptr at top level). Frames live in
  // frames_ until the next top-level form.
  Frame* env_ = nullptr;
  std::vector<std::unique_ptr<Frame>> frames_;
  // Macros defined at top level, by name: they stay for the expander's life.
  absl::flat_hash_map<std::string, std::shared_ptr<const Macro>> top_macros_;
  // The definition environment of each alias made in the current top-level form (an alias
  // that is not here, made for an earlier form, belongs to the top level).
  absl::flat_hash_map<std::string, const Frame*> alias_envs_;
  uint64_t alias_stamp_ = 0;        // never reset: aliases of different forms differ
  bool local_macros_ = false;       // a local macro was defined in the current top-level form
  size_t macro_steps_ = 0;          // nested macro expansions in progress
  std::string_view body_what_;      // the form whose body is being collected, for messages
  int counter_ = 0;
};

// Pushes a frame for the lifetime of the object, binding `names` (identifiers) as variables.
class ExpanderScope {
 public:
  ExpanderScope(Expander& e, const std::vector<std::string>& names);
  ~ExpanderScope();
  ExpanderScope(const ExpanderScope&) = delete;
  ExpanderScope& operator=(const ExpanderScope&) = delete;
  // Binds one more variable; returns its core name.
  std::string Add(const std::string& name);
  Frame* frame() const { return frame_; }
  // The core names of the names given to the constructor, in order.
  const std::vector<std::string>& core_names() const { return core_; }

 private:
  Expander& e_;
  Frame* frame_;
  Frame* saved_;
  std::vector<std::string> core_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_EXPANDER_EXPANDER_H_
