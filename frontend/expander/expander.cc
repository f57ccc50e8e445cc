#include "frontend/expander/expander.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "frontend/common/stack_check.h"

namespace toylang {
namespace {

[[noreturn]] void Fail(std::string message, SourcePos pos) { throw Error(std::move(message), pos); }

std::string Show(const DatumPtr& d) { return WriteDatum(*StripAliases(d)); }

// The first name that occurs twice in `names`, or nullptr. Linear: bodies and lets may bind
// thousands of names.
const std::string* FindDuplicate(const std::vector<std::string>& names) {
  if (names.size() < 16) {
    for (size_t i = 0; i < names.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (names[i] == names[j]) return &names[i];
      }
    }
    return nullptr;
  }
  absl::flat_hash_set<std::string_view> seen;
  for (const std::string& n : names) {
    if (!seen.insert(n).second) return &n;
  }
  return nullptr;
}

}  // namespace

// --- Builders ----------------------------------------------------------------------------------

std::string Expander::Fresh(std::string_view base) { return absl::StrCat("#:", std::string(base), ++counter_); }

CorePtr Expander::Const(DatumPtr datum, SourcePos pos) {
  auto c = std::make_unique<Core>(CoreKind::kConst, pos);
  c->datum = std::move(datum);
  return c;
}

CorePtr Expander::Unspecified(SourcePos pos) { return Const(nullptr, pos); }

CorePtr Expander::Ref(std::string name, SourcePos pos, bool global_only) {
  auto c = std::make_unique<Core>(CoreKind::kRef, pos);
  c->name = std::move(name);
  c->global_only = global_only;
  return c;
}

CorePtr Expander::Call(CorePtr fn, std::vector<CorePtr> args, SourcePos pos) {
  auto c = std::make_unique<Core>(CoreKind::kCall, pos);
  c->kids.push_back(std::move(fn));
  for (CorePtr& a : args) c->kids.push_back(std::move(a));
  return c;
}

CorePtr Expander::If(CorePtr test, CorePtr then, CorePtr otherwise, SourcePos pos) {
  auto c = std::make_unique<Core>(CoreKind::kIf, pos);
  c->kids.push_back(std::move(test));
  c->kids.push_back(std::move(then));
  c->kids.push_back(std::move(otherwise));
  return c;
}

CorePtr Expander::Let(std::vector<std::string> names, std::vector<CorePtr> inits, CorePtr body,
                      SourcePos pos) {
  auto c = std::make_unique<Core>(CoreKind::kLet, pos);
  c->params = std::move(names);
  for (CorePtr& i : inits) c->kids.push_back(std::move(i));
  c->kids.push_back(std::move(body));
  return c;
}

// --- Definitions -------------------------------------------------------------------------------

bool Expander::IsDefinitionForm(const DatumPtr& form, std::string* keyword) const {
  return form->IsProperList() && !form->items.empty() && IsKeyword(form->items[0], keyword) &&
         (*keyword == "define" || *keyword == "define-record-type" || *keyword == "begin" ||
          *keyword == "define-syntax" || *keyword == "define-values");
}

CorePtr Expander::ExpandDefinitionValue(Definition& d) {
  if (d.core) return std::move(d.core);
  if (d.make) return d.make();  // define-values' assignments, once the body's scope exists
  if (d.is_expression) return Expand(d.value);
  if (d.formals) return ExpandLambda(d.form, d.formals, d.form->items, 2, d.hint);
  if (!d.value) return Unspecified(d.form->pos);
  CorePtr value = Expand(d.value);
  NameProcedure(*value, d.hint);
  return value;
}

// --- Top level and bodies ----------------------------------------------------------------------

CorePtr Expander::ExpandToplevel(const DatumPtr& form) {
  env_ = nullptr;
  frames_.clear();
  alias_envs_.clear();
  local_macros_ = false;
  macro_steps_ = 0;
  body_what_ = "body";
  if (form->IsForm("import") && IsKeywordId(form->items[0], "import")) {
    return ExpandImport(form);
  }
  std::vector<Definition> defs;
  CollectDefinition(form, defs);
  auto seq = std::make_unique<Core>(CoreKind::kSeq, form->pos);
  for (Definition& d : defs) {
    if (d.is_expression) {
      seq->kids.push_back(ExpandDefinitionValue(d));
      continue;
    }
    auto def = std::make_unique<Core>(CoreKind::kDefine, d.form->pos);
    def->name = d.name;
    def->kids.push_back(ExpandDefinitionValue(d));
    seq->kids.push_back(std::move(def));
  }
  if (seq->kids.empty()) return Unspecified(form->pos);  // (begin), (define-syntax ...)
  if (seq->kids.size() == 1) return std::move(seq->kids[0]);
  return seq;
}

void Expander::CollectDefinition(const DatumPtr& form, std::vector<Definition>& out) {
  CheckStack(form->pos);
  // A macro use may expand into definitions: expand it first (R7RS 5.3).
  if (DatumPtr expanded = ExpandIfMacroUse(form)) {
    CollectDefinition(expanded, out);
    return;
  }
  std::string k;
  if (!IsDefinitionForm(form, &k)) {
    out.push_back({"", form, form, true, nullptr});
    return;
  }
  if (k == "begin") {
    for (size_t i = 1; i < form->items.size(); ++i) CollectDefinition(form->items[i], out);
    return;
  }
  if (k == "define-syntax") {
    DefineSyntax(form);
    return;
  }
  if (k == "define-record-type") {
    ExpandRecordType(form, out);
    return;
  }
  if (k == "define-values") {
    CollectDefineValues(form, out);
    return;
  }
  // (define name [value]) or (define (name . formals) body ...)
  const auto& items = form->items;
  if (items.size() < 2) Fail("define: expected (define name value) or (define (name . args) body ...)", form->pos);
  const DatumPtr& target = items[1];
  if (target->IsSymbol()) {
    if (items.size() > 3) Fail("define: expected (define name value)", form->pos);
    Definition d{DefineName(target, form), items.size() == 3 ? items[2] : nullptr, form, false, nullptr};
    d.hint = StripAlias(target->text);
    out.push_back(std::move(d));
    return;
  }
  if (target->kind != DatumKind::kList || target->items.empty() || !target->items[0]->IsSymbol()) {
    Fail("define: expected (define name value) or (define (name . args) body ...)", form->pos);
  }
  const std::string hint(StripAlias(target->items[0]->text));
  if (items.size() < 3) Fail(absl::StrCat("define: no body in the definition of ", hint), form->pos);
  // (define name (lambda formals body ...)), expanded as such later (ExpandDefinitionValue).
  std::vector<DatumPtr> formal_items(target->items.begin() + 1, target->items.end());
  Definition d{DefineName(target->items[0], form), nullptr, form, false, nullptr};
  d.formals = MakeList(std::move(formal_items), target->pos, target->tail);
  d.hint = hint;
  out.push_back(std::move(d));
}

CorePtr Expander::ExpandBody(const std::vector<DatumPtr>& forms, size_t start, SourcePos pos,
                             std::string_view what) {
  if (start >= forms.size()) Fail(absl::StrCat(std::string(what), ": empty body"), pos);
  // The body's own frame: its definitions (and define-syntax) are bound there as they are
  // found, so that the forms after them see them.
  ExpanderScope scope(*this, {});
  std::vector<Definition> defs;
  {
    const std::string_view saved_what = body_what_;
    body_what_ = what;
    for (size_t i = start; i < forms.size(); ++i) CollectDefinition(forms[i], defs);
    body_what_ = saved_what;
  }
  size_t last_def = 0;
  bool any_def = false;
  for (size_t i = 0; i < defs.size(); ++i) {
    if (!defs[i].is_expression) {
      last_def = i;
      any_def = true;
    }
  }
  std::vector<std::string> names;
  if (any_def) {
    for (size_t i = 0; i <= last_def; ++i) {
      names.push_back(defs[i].is_expression ? Fresh("ignored") : defs[i].name);
    }
  }
  auto seq = std::make_unique<Core>(CoreKind::kSeq, pos);
  size_t first_expr = any_def ? last_def + 1 : 0;
  for (size_t i = first_expr; i < defs.size(); ++i) seq->kids.push_back(ExpandDefinitionValue(defs[i]));
  CorePtr body;
  if (seq->kids.empty()) {
    body = Unspecified(pos);
  } else if (seq->kids.size() == 1) {
    body = std::move(seq->kids[0]);
  } else {
    body = std::move(seq);
  }
  if (!any_def) return body;
  auto letrec = std::make_unique<Core>(CoreKind::kLetrec, pos);
  letrec->params = names;
  for (size_t i = 0; i <= last_def; ++i) {
    Definition& d = defs[i];
    letrec->kids.push_back(ExpandDefinitionValue(d));
  }
  letrec->kids.push_back(std::move(body));
  return letrec;
}

// --- Expressions -------------------------------------------------------------------------------

CorePtr Expander::Expand(const DatumPtr& form) {
  CheckStack(form->pos);
  switch (form->kind) {
    case DatumKind::kSymbol:
      return ExpandIdentifier(form);
    case DatumKind::kVector:
      return Const(Unalias(form), form->pos);  // self-evaluating
    case DatumKind::kFixnum:
    case DatumKind::kFlonum:
    case DatumKind::kBool:
    case DatumKind::kChar:
    case DatumKind::kString:
    case DatumKind::kBignum:
    case DatumKind::kBytevector:
      return Const(form, form->pos);  // self-evaluating
    case DatumKind::kList:
      break;
  }
  if (form->IsNil()) Fail("missing procedure expression in ()", form->pos);
  if (DatumPtr expanded = ExpandIfMacroUse(form)) return Expand(expanded);
  if (!form->IsProperList()) Fail(absl::StrCat("bad syntax: improper list ", Show(form)), form->pos);
  std::string keyword;
  if (IsKeyword(form->items[0], &keyword)) return ExpandSpecial(form, keyword);
  CorePtr fn = Expand(form->items[0]);
  std::vector<CorePtr> args;
  for (size_t i = 1; i < form->items.size(); ++i) args.push_back(Expand(form->items[i]));
  return Call(std::move(fn), std::move(args), form->pos);
}

CorePtr Expander::ExpandSpecial(const DatumPtr& form, std::string_view k) {
  const auto& items = form->items;
  size_t n = items.size();
  SourcePos pos = form->pos;
  if (k == "quote") {
    if (n != 2) Fail("quote: expected (quote datum)", pos);
    return Const(Unalias(items[1]), pos);
  }
  if (k == "quasiquote") {
    if (n != 2) Fail("quasiquote: expected (quasiquote template)", pos);
    return ExpandQuasi(items[1], 1);
  }
  if (k == "unquote" || k == "unquote-splicing") {
    Fail(absl::StrCat(std::string(k), ": not inside a quasiquote"), pos);
  }
  if (k == "if") {
    if (n != 3 && n != 4) Fail("if: expected (if test then [else])", pos);
    return If(Expand(items[1]), Expand(items[2]), n == 4 ? Expand(items[3]) : Unspecified(pos), pos);
  }
  if (k == "define" || k == "define-record-type" || k == "define-syntax" || k == "define-values") {
    Fail(absl::StrCat(std::string(k), ": definitions are allowed only at top level or at the start of a body"), pos);
  }
  if (k == "set!") {
    if (n != 3 || !items[1]->IsSymbol()) Fail("set!: expected (set! variable value)", pos);
    Resolved target = Resolve(items[1]->text);
    if (target.kind == Resolved::Kind::kMacro) {
      Fail(absl::StrCat("set!: cannot assign the macro keyword ", PlainName(items[1]->text)), pos);
    }
    auto c = std::make_unique<Core>(CoreKind::kSet, pos);
    c->name = std::move(target.name);
    c->global_only = target.via_alias;
    c->kids.push_back(Expand(items[2]));
    return c;
  }
  if (k == "lambda") {
    if (n < 3) Fail("lambda: expected (lambda formals body ...)", pos);
    return ExpandLambda(form, items[1], items, 2, "");
  }
  if (k == "begin") {
    if (n == 1) return Unspecified(pos);
    if (n == 2) return Expand(items[1]);
    auto seq = std::make_unique<Core>(CoreKind::kSeq, pos);
    for (size_t i = 1; i < n; ++i) seq->kids.push_back(Expand(items[i]));
    return seq;
  }
  if (k == "let") return ExpandLet(form);
  if (k == "let*") return ExpandLetStar(form);
  if (k == "letrec" || k == "letrec*") return ExpandLetrec(form, k);
  if (k == "cond") return ExpandCond(form);
  if (k == "case") return ExpandCase(form);
  if (k == "do") return ExpandDo(form);
  if (k == "let-values" || k == "let*-values") return ExpandLetValues(form, k == "let*-values");
  if (k == "receive") return ExpandReceive(form);
  if (k == "let-syntax" || k == "letrec-syntax") return ExpandLetSyntax(form, k == "letrec-syntax");
  if (CorePtr c = ExpandForms(form, k)) return c;
  if (k == "syntax-rules") {
    Fail("syntax-rules: only valid as the transformer of define-syntax, let-syntax or letrec-syntax", pos);
  }
  if (k == "and" || k == "or") {
    bool is_and = k == "and";
    if (n == 1) return Const(MakeBool(is_and, pos), pos);
    // Right to left: (and a b c) = (if a (if b c #f) #f); (or a b) = (let ((t a)) (if t t b)).
    CorePtr result = Expand(items[n - 1]);
    for (size_t i = n - 1; i-- > 1;) {
      if (is_and) {
        result = If(Expand(items[i]), std::move(result), Const(MakeBool(false, pos), pos), items[i]->pos);
      } else {
        std::string t = Fresh("or");
        CorePtr body = If(Ref(t, pos), Ref(t, pos), std::move(result), items[i]->pos);
        std::vector<CorePtr> inits;
        inits.push_back(Expand(items[i]));
        result = Let({t}, std::move(inits), std::move(body), items[i]->pos);
      }
    }
    return result;
  }
  if (k == "when" || k == "unless") {
    if (n < 3) Fail(absl::StrCat(std::string(k), ": expected (", std::string(k), " test body ...)"), pos);
    auto seq = std::make_unique<Core>(CoreKind::kSeq, pos);
    for (size_t i = 2; i < n; ++i) seq->kids.push_back(Expand(items[i]));
    CorePtr body = seq->kids.size() == 1 ? std::move(seq->kids[0]) : std::move(seq);
    if (k == "when") return If(Expand(items[1]), std::move(body), Unspecified(pos), pos);
    return If(Expand(items[1]), Unspecified(pos), std::move(body), pos);
  }
  Fail(absl::StrCat("internal error: unhandled keyword ", std::string(k)), pos);
}

CorePtr Expander::ExpandLambda(const DatumPtr& form, const DatumPtr& formals,
                               const std::vector<DatumPtr>& body, size_t body_start,
                               std::string name_hint) {
  auto lam = std::make_unique<Core>(CoreKind::kLambda, form->pos);
  lam->name = std::move(name_hint);
  const char* shape = "lambda: expected (lambda formals body ...) with formals a symbol or a list of distinct symbols";
  std::vector<std::string> all;
  if (formals->IsSymbol()) {
    lam->has_rest = true;
    lam->rest = formals->text;
  } else if (formals->kind == DatumKind::kList) {
    for (const DatumPtr& p : formals->items) {
      if (!p->IsSymbol()) Fail(shape, p->pos);
      lam->params.push_back(p->text);
    }
    if (formals->tail != nullptr) {
      if (!formals->tail->IsSymbol()) Fail(shape, formals->tail->pos);
      lam->has_rest = true;
      lam->rest = formals->tail->text;
    }
  } else {
    Fail(shape, formals->pos);
  }
  all = lam->params;
  if (lam->has_rest) all.push_back(lam->rest);
  if (const std::string* dup = FindDuplicate(all)) {
    Fail(absl::StrCat("lambda: duplicate parameter ", PlainName(*dup)), formals->pos);
  }
  ExpanderScope scope(*this, all);
  const std::vector<std::string>& core = scope.core_names();
  std::copy(core.begin(), core.begin() + static_cast<ptrdiff_t>(lam->params.size()), lam->params.begin());
  if (lam->has_rest) lam->rest = core.back();
  lam->kids.push_back(ExpandBody(body, body_start, form->pos, "lambda"));
  return lam;
}

namespace {

// Checks ((name init) ...) and returns the pairs.
void ParseBindings(const DatumPtr& bindings, std::string_view what, SourcePos pos,
                   std::vector<std::string>& names, std::vector<DatumPtr>& inits) {
  std::string shape = absl::StrCat(std::string(what), ": expected (", std::string(what), " ((name value) ...) body ...)");
  if (!bindings->IsProperList()) Fail(shape, pos);
  for (const DatumPtr& b : bindings->items) {
    if (!b->IsProperList() || b->items.size() != 2 || !b->items[0]->IsSymbol()) Fail(shape, b->pos);
    names.push_back(b->items[0]->text);
    inits.push_back(b->items[1]);
  }
}

void CheckDistinct(const std::vector<std::string>& names, std::string_view what, SourcePos pos) {
  if (const std::string* dup = FindDuplicate(names)) {
    Fail(absl::StrCat(std::string(what), ": duplicate binding of ", PlainName(*dup)), pos);
  }
}

}  // namespace

CorePtr Expander::ExpandLet(const DatumPtr& form) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  if (items.size() >= 2 && items[1]->IsSymbol()) {
    // Named let: (let loop ((x init) ...) body) =
    //   (let ((#:t init) ...) (letrec ((loop (lambda (x ...) body))) (loop #:t ...)))
    if (items.size() < 4) Fail("let: expected (let name ((name value) ...) body ...)", pos);
    std::vector<std::string> names;
    std::vector<DatumPtr> inits;
    ParseBindings(items[2], "let", pos, names, inits);
    CheckDistinct(names, "let", pos);
    std::vector<std::string> temps;
    std::vector<CorePtr> init_cores;
    for (size_t i = 0; i < names.size(); ++i) {
      temps.push_back(Fresh(StripAlias(names[i])));
      init_cores.push_back(Expand(inits[i]));
    }
    CorePtr lam;
    std::string loop;
    {
      ExpanderScope loop_scope(*this, {items[1]->text});
      loop = loop_scope.core_names()[0];
      std::vector<DatumPtr> formal_items;
      for (const std::string& n : names) formal_items.push_back(MakeSymbol(n, pos));
      lam = ExpandLambda(form, MakeList(std::move(formal_items), pos), items, 3,
                         std::string(StripAlias(items[1]->text)));
    }
    std::vector<CorePtr> call_args;
    for (const std::string& t : temps) call_args.push_back(Ref(t, pos));
    auto letrec = std::make_unique<Core>(CoreKind::kLetrec, pos);
    letrec->params = {loop};
    letrec->kids.push_back(std::move(lam));
    letrec->kids.push_back(Call(Ref(loop, pos), std::move(call_args), pos));
    return Let(std::move(temps), std::move(init_cores), std::move(letrec), pos);
  }
  if (items.size() < 3) Fail("let: expected (let ((name value) ...) body ...)", pos);
  std::vector<std::string> names;
  std::vector<DatumPtr> inits;
  ParseBindings(items[1], "let", pos, names, inits);
  CheckDistinct(names, "let", pos);
  std::vector<CorePtr> init_cores;
  for (const DatumPtr& i : inits) init_cores.push_back(Expand(i));
  ExpanderScope scope(*this, names);
  CorePtr body = ExpandBody(items, 2, pos, "let");
  for (size_t i = 0; i < names.size(); ++i) NameProcedure(*init_cores[i], PlainName(names[i]));
  return Let(scope.core_names(), std::move(init_cores), std::move(body), pos);
}

CorePtr Expander::ExpandLetStar(const DatumPtr& form) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  if (items.size() < 3) Fail("let*: expected (let* ((name value) ...) body ...)", pos);
  std::vector<std::string> names;
  std::vector<DatumPtr> inits;
  ParseBindings(items[1], "let*", pos, names, inits);
  if (names.empty()) {
    ExpanderScope scope(*this, {});
    return ExpandBody(items, 2, pos, "let*");
  }
  // Nested single lets, each in the scope of the previous ones.
  std::vector<CorePtr> init_cores;
  std::vector<std::unique_ptr<ExpanderScope>> scopes;
  for (size_t i = 0; i < names.size(); ++i) {
    init_cores.push_back(Expand(inits[i]));
    scopes.push_back(std::make_unique<ExpanderScope>(*this, std::vector<std::string>{names[i]}));
  }
  CorePtr body = ExpandBody(items, 2, pos, "let*");
  for (size_t i = names.size(); i-- > 0;) {
    std::vector<CorePtr> one;
    one.push_back(std::move(init_cores[i]));
    body = Let(scopes.back()->core_names(), std::move(one), std::move(body), inits[i]->pos);
    scopes.pop_back();
  }
  return body;
}

CorePtr Expander::ExpandLetrec(const DatumPtr& form, std::string_view keyword) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  if (items.size() < 3) {
    Fail(absl::StrCat(std::string(keyword), ": expected (", std::string(keyword), " ((name value) ...) body ...)"), pos);
  }
  std::vector<std::string> names;
  std::vector<DatumPtr> inits;
  ParseBindings(items[1], keyword, pos, names, inits);
  CheckDistinct(names, keyword, pos);
  ExpanderScope scope(*this, names);
  auto letrec = std::make_unique<Core>(CoreKind::kLetrec, pos);
  letrec->params = scope.core_names();
  for (size_t i = 0; i < names.size(); ++i) {
    CorePtr init = Expand(inits[i]);
    NameProcedure(*init, PlainName(names[i]));
    letrec->kids.push_back(std::move(init));
  }
  letrec->kids.push_back(ExpandBody(items, 2, pos, keyword));
  return letrec;
}

CorePtr Expander::ExpandCond(const DatumPtr& form) {
  const auto& items = form->items;
  const char* shape = "cond: expected (cond (test expr ...) ... [(else expr ...)])";
  if (items.size() < 2) Fail(shape, form->pos);
  CorePtr result = Unspecified(form->pos);
  for (size_t i = items.size() - 1; i >= 1; --i) {
    const DatumPtr& clause = items[i];
    if (!clause->IsProperList() || clause->items.empty()) Fail(shape, clause->pos);
    const auto& c = clause->items;
    SourcePos cpos = clause->pos;
    auto seq_of = [&](size_t from) {
      auto seq = std::make_unique<Core>(CoreKind::kSeq, cpos);
      for (size_t j = from; j < c.size(); ++j) seq->kids.push_back(Expand(c[j]));
      return seq->kids.size() == 1 ? std::move(seq->kids[0]) : std::move(seq);
    };
    if (IsKeywordId(c[0], "else")) {
      if (i != items.size() - 1) Fail("cond: else clause must be last", cpos);
      if (c.size() < 2) Fail("cond: expected (else expr ...)", cpos);
      result = seq_of(1);
      continue;
    }
    if (c.size() >= 2 && IsKeywordId(c[1], "=>")) {
      if (c.size() != 3) Fail("cond: expected (test => receiver)", cpos);
      std::string t = Fresh("cond");
      std::vector<CorePtr> args;
      args.push_back(Ref(t, cpos));
      CorePtr body = If(Ref(t, cpos), Call(Expand(c[2]), std::move(args), cpos), std::move(result), cpos);
      std::vector<CorePtr> inits;
      inits.push_back(Expand(c[0]));
      result = Let({t}, std::move(inits), std::move(body), cpos);
      continue;
    }
    if (c.size() == 1) {
      std::string t = Fresh("cond");
      CorePtr body = If(Ref(t, cpos), Ref(t, cpos), std::move(result), cpos);
      std::vector<CorePtr> inits;
      inits.push_back(Expand(c[0]));
      result = Let({t}, std::move(inits), std::move(body), cpos);
      continue;
    }
    result = If(Expand(c[0]), seq_of(1), std::move(result), cpos);
  }
  return result;
}

// The test of one case clause: (or (eq? key 'd1) (eqv? key 'd2) ...) for a few datums -- eq? for
// those whose eqv? is eq? (symbols, fixnums, characters, booleans, '()), which both engines
// inline -- and (memv key '(d ...)) for a long list. Always through the global procedures,
// whatever the user calls eq?, eqv? or memv locally.
CorePtr Expander::CaseTest(const std::string& key, const DatumPtr& datums, SourcePos pos) {
  constexpr size_t kMaxInlineDatums = 8;
  const auto& ds = datums->items;
  if (ds.empty() || ds.size() > kMaxInlineDatums) {
    std::vector<CorePtr> args;
    args.push_back(Ref(key, pos));
    args.push_back(Const(datums, datums->pos));
    return Call(Ref("memv", pos, /*global_only=*/true), std::move(args), pos);
  }
  auto compare = [&](const DatumPtr& d) {
    bool eq = d->kind == DatumKind::kSymbol || d->kind == DatumKind::kFixnum ||
              d->kind == DatumKind::kChar || d->kind == DatumKind::kBool ||
              (d->kind == DatumKind::kList && d->items.empty() && d->tail == nullptr);
    std::vector<CorePtr> args;
    args.push_back(Ref(key, pos));
    args.push_back(Const(d, d->pos));
    return Call(Ref(eq ? "eq?" : "eqv?", pos, /*global_only=*/true), std::move(args), pos);
  };
  CorePtr test = compare(ds.back());
  for (size_t i = ds.size() - 1; i > 0; --i) {
    test = If(compare(ds[i - 1]), Const(MakeBool(true, pos), pos), std::move(test), pos);
  }
  return test;
}

CorePtr Expander::ExpandCase(const DatumPtr& form) {
  const auto& items = form->items;
  const char* shape = "case: expected (case key ((datum ...) expr ...) ... [(else expr ...)])";
  if (items.size() < 3) Fail(shape, form->pos);
  std::string key = Fresh("key");
  CorePtr result = Unspecified(form->pos);
  for (size_t i = items.size() - 1; i >= 2; --i) {
    const DatumPtr& clause = items[i];
    if (!clause->IsProperList() || clause->items.size() < 2) Fail(shape, clause->pos);
    const auto& c = clause->items;
    SourcePos cpos = clause->pos;
    CorePtr body;
    if (IsKeywordId(c[1], "=>")) {
      if (c.size() != 3) Fail("case: expected (datums => receiver)", cpos);
      std::vector<CorePtr> args;
      args.push_back(Ref(key, cpos));
      body = Call(Expand(c[2]), std::move(args), cpos);
    } else {
      auto seq = std::make_unique<Core>(CoreKind::kSeq, cpos);
      for (size_t j = 1; j < c.size(); ++j) seq->kids.push_back(Expand(c[j]));
      body = seq->kids.size() == 1 ? std::move(seq->kids[0]) : std::move(seq);
    }
    if (IsKeywordId(c[0], "else")) {
      if (i != items.size() - 1) Fail("case: else clause must be last", cpos);
      result = std::move(body);
      continue;
    }
    if (!c[0]->IsProperList()) Fail(shape, c[0]->pos);
    // Aliases a macro put into the datums are stripped (they are quoted data).
    result = If(CaseTest(key, Unalias(c[0]), cpos), std::move(body), std::move(result), cpos);
  }
  std::vector<CorePtr> inits;
  inits.push_back(Expand(items[1]));
  return Let({key}, std::move(inits), std::move(result), form->pos);
}

CorePtr Expander::ExpandDo(const DatumPtr& form) {
  // (do ((var init [step]) ...) (test expr ...) command ...) =
  //   (let #:do ((var init) ...) (if test (begin expr ...) (begin command ... (#:do step ...))))
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const char* shape = "do: expected (do ((var init [step]) ...) (test expr ...) command ...)";
  if (items.size() < 3 || !items[1]->IsProperList() || !items[2]->IsProperList() ||
      items[2]->items.empty()) {
    Fail(shape, pos);
  }
  std::vector<std::string> vars;
  std::vector<CorePtr> inits;
  std::vector<DatumPtr> steps;
  for (const DatumPtr& b : items[1]->items) {
    if (!b->IsProperList() || b->items.size() < 2 || b->items.size() > 3 || !b->items[0]->IsSymbol()) {
      Fail(shape, b->pos);
    }
    vars.push_back(b->items[0]->text);
    inits.push_back(Expand(b->items[1]));
    steps.push_back(b->items.size() == 3 ? b->items[2] : b->items[0]);
  }
  CheckDistinct(vars, "do", pos);
  std::string loop = Fresh("do");
  std::vector<std::string> temps;
  for (const std::string& v : vars) temps.push_back(Fresh(StripAlias(v)));
  CorePtr lam;
  {
    ExpanderScope scope(*this, vars);
    const auto& test_clause = items[2]->items;
    CorePtr test = Expand(test_clause[0]);
    auto exit = std::make_unique<Core>(CoreKind::kSeq, pos);
    for (size_t i = 1; i < test_clause.size(); ++i) exit->kids.push_back(Expand(test_clause[i]));
    CorePtr exit_core = exit->kids.empty() ? Unspecified(pos)
                        : exit->kids.size() == 1 ? std::move(exit->kids[0]) : std::move(exit);
    auto again = std::make_unique<Core>(CoreKind::kSeq, pos);
    for (size_t i = 3; i < items.size(); ++i) again->kids.push_back(Expand(items[i]));
    std::vector<CorePtr> step_cores;
    for (const DatumPtr& s : steps) step_cores.push_back(Expand(s));
    again->kids.push_back(Call(Ref(loop, pos), std::move(step_cores), pos));
    CorePtr again_core = again->kids.size() == 1 ? std::move(again->kids[0]) : std::move(again);
    lam = std::make_unique<Core>(CoreKind::kLambda, pos);
    lam->name = "do-loop";
    lam->params = scope.core_names();
    lam->kids.push_back(If(std::move(test), std::move(exit_core), std::move(again_core), pos));
  }
  std::vector<CorePtr> call_args;
  for (const std::string& t : temps) call_args.push_back(Ref(t, pos));
  auto letrec = std::make_unique<Core>(CoreKind::kLetrec, pos);
  letrec->params = {loop};
  letrec->kids.push_back(std::move(lam));
  letrec->kids.push_back(Call(Ref(loop, pos), std::move(call_args), pos));
  return Let(std::move(temps), std::move(inits), std::move(letrec), pos);
}

namespace {

// The names a formals datum binds (a symbol, a list, or a dotted list of distinct symbols):
// required ones in *params, the rest list's in *rest ("" if none).
void ParseFormals(const DatumPtr& formals, const std::string& shape, std::vector<std::string>* params,
                  std::string* rest) {
  rest->clear();
  if (formals->IsSymbol()) {
    *rest = formals->text;
  } else if (formals->kind == DatumKind::kList) {
    for (const DatumPtr& p : formals->items) {
      if (!p->IsSymbol()) Fail(shape, p->pos);
      params->push_back(p->text);
    }
    if (formals->tail != nullptr) {
      if (!formals->tail->IsSymbol()) Fail(shape, formals->tail->pos);
      *rest = formals->tail->text;
    }
  } else {
    Fail(shape, formals->pos);
  }
}

}  // namespace

CorePtr Expander::ExpandLetValues(const DatumPtr& form, bool sequential) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const std::string what = sequential ? "let*-values" : "let-values";
  const std::string shape =
      absl::StrCat(what, ": expected (", what, " ((formals expression) ...) body ...)");
  if (items.size() < 3 || !items[1]->IsProperList()) Fail(shape, pos);
  struct Clause {
    std::vector<std::string> params;  // the user's names
    std::string rest;
    std::vector<std::string> temps;   // let-values: fresh names bound first (same shape)
    std::string rest_temp;
    DatumPtr init;
  };
  std::vector<Clause> clauses;
  std::vector<std::string> all;
  for (const DatumPtr& b : items[1]->items) {
    if (!b->IsProperList() || b->items.size() != 2) Fail(shape, b->pos);
    Clause c;
    ParseFormals(b->items[0], shape, &c.params, &c.rest);
    c.init = b->items[1];
    for (const std::string& p : c.params) c.temps.push_back(sequential ? p : Fresh(StripAlias(p)));
    if (!c.rest.empty()) c.rest_temp = sequential ? c.rest : Fresh(StripAlias(c.rest));
    std::vector<std::string> names = c.params;
    if (!c.rest.empty()) names.push_back(c.rest);
    if (sequential) {
      CheckDistinct(names, what, b->pos);
    } else {
      all.insert(all.end(), names.begin(), names.end());
    }
    clauses.push_back(std::move(c));
  }
  if (!sequential) CheckDistinct(all, what, pos);
  // (call-with-values (lambda () init) (lambda formals next)), from the last clause out; a
  // clause's init is expanded in the scope of the clauses before it only for let*-values.
  std::vector<std::unique_ptr<ExpanderScope>> scopes;
  std::vector<CorePtr> producers;
  for (Clause& c : clauses) {
    auto thunk = std::make_unique<Core>(CoreKind::kLambda, c.init->pos);
    thunk->name = what;
    thunk->kids.push_back(Expand(c.init));
    producers.push_back(std::move(thunk));
    if (sequential) {
      std::vector<std::string> names = c.params;
      if (!c.rest.empty()) names.push_back(c.rest);
      scopes.push_back(std::make_unique<ExpanderScope>(*this, names));
      const std::vector<std::string>& core = scopes.back()->core_names();
      c.temps.assign(core.begin(), core.begin() + static_cast<ptrdiff_t>(c.params.size()));
      if (!c.rest.empty()) c.rest_temp = core.back();
    }
  }
  CorePtr body;
  if (sequential) {
    body = ExpandBody(items, 2, pos, what.c_str());
  } else {
    // Every name at once, from the temporaries.
    std::vector<std::string> names;
    std::vector<CorePtr> inits;
    for (const Clause& c : clauses) {
      for (size_t i = 0; i < c.params.size(); ++i) {
        names.push_back(c.params[i]);
        inits.push_back(Ref(c.temps[i], pos));
      }
      if (!c.rest.empty()) {
        names.push_back(c.rest);
        inits.push_back(Ref(c.rest_temp, pos));
      }
    }
    ExpanderScope scope(*this, names);
    body = ExpandBody(items, 2, pos, what.c_str());
    if (!names.empty()) body = Let(scope.core_names(), std::move(inits), std::move(body), pos);
  }
  for (size_t i = clauses.size(); i-- > 0;) {
    if (sequential) scopes.pop_back();
    auto consumer = std::make_unique<Core>(CoreKind::kLambda, clauses[i].init->pos);
    consumer->name = what;
    consumer->params = clauses[i].temps;
    consumer->has_rest = !clauses[i].rest.empty();
    consumer->rest = clauses[i].rest_temp;
    consumer->kids.push_back(std::move(body));
    std::vector<CorePtr> args;
    args.push_back(std::move(producers[i]));
    args.push_back(std::move(consumer));
    body = Call(Ref("call-with-values", pos, /*global_only=*/true), std::move(args),
                clauses[i].init->pos);
  }
  return body;
}

CorePtr Expander::ExpandReceive(const DatumPtr& form) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const std::string shape = "receive: expected (receive formals expression body ...)";
  if (items.size() < 4) Fail(shape, pos);
  auto thunk = std::make_unique<Core>(CoreKind::kLambda, items[2]->pos);
  thunk->name = "receive";
  thunk->kids.push_back(Expand(items[2]));
  std::vector<CorePtr> args;
  args.push_back(std::move(thunk));
  // The consumer is (lambda formals body ...): ExpandLambda checks the formals.
  std::vector<DatumPtr> body(items.begin(), items.end());
  body.erase(body.begin() + 2);  // (receive formals body ...)
  args.push_back(ExpandLambda(form, items[1], body, 2, "receive"));
  return Call(Ref("call-with-values", pos, /*global_only=*/true), std::move(args), pos);
}

void Expander::ExpandRecordType(const DatumPtr& form, std::vector<Definition>& out) {
  // (define-record-type name (ctor field ...) pred (field accessor [modifier]) ...) defines
  //   name     = (%make-record-type 'name '(field ...))
  //   ctor     = (lambda (a ...) (%record-make name v ...))     v: a or #f, in field order
  //   pred     = (lambda (obj) (%record? obj name))
  //   accessor = (lambda (obj) (%record-ref obj name index 'accessor))
  //   modifier = (lambda (obj v) (%record-set! obj name index v 'modifier))
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const char* shape =
      "define-record-type: expected (define-record-type name (constructor field ...) predicate "
      "(field accessor [modifier]) ...)";
  if (items.size() < 3 || !items[1]->IsSymbol()) Fail(shape, pos);
  const std::string type_name(StripAlias(items[1]->text));
  std::vector<std::string> fields;
  struct Proc {
    DatumPtr name;
    size_t field;
    bool modifier;
    SourcePos pos;
  };
  std::vector<Proc> procs;
  for (size_t i = 4; i < items.size(); ++i) {
    const DatumPtr& spec = items[i];
    if (spec->IsSymbol()) {
      fields.push_back(spec->text);
      continue;
    }
    if (!spec->IsProperList() || spec->items.empty() || spec->items.size() > 3) Fail(shape, spec->pos);
    for (const DatumPtr& s : spec->items) {
      if (!s->IsSymbol()) Fail(shape, s->pos);
    }
    fields.push_back(spec->items[0]->text);
    if (spec->items.size() >= 2) procs.push_back({spec->items[1], fields.size() - 1, false, spec->pos});
    if (spec->items.size() == 3) procs.push_back({spec->items[2], fields.size() - 1, true, spec->pos});
  }
  CheckDistinct(fields, "define-record-type", pos);
  auto global = [&](const char* name, SourcePos p) { return Ref(name, p, /*global_only=*/true); };
  // The primitive calls inside the generated procedures get no position: an error there (say
  // (point-x 5)) is then reported at the user's call of the accessor, not at the definition.
  auto Call = [](CorePtr fn, std::vector<CorePtr> args, SourcePos) {
    return Expander::Call(std::move(fn), std::move(args), SourcePos{});
  };
  auto lambda = [&](std::string name, std::vector<std::string> params, CorePtr body, SourcePos p) {
    auto lam = std::make_unique<Core>(CoreKind::kLambda, p);
    lam->name = std::move(name);
    lam->params = std::move(params);
    lam->kids.push_back(std::move(body));
    return lam;
  };
  // Defines `id` (DefineName) and returns its core name.
  auto add = [&](const DatumPtr& id, CorePtr value) {
    Definition d{DefineName(id, form), nullptr, form, false, std::move(value)};
    d.hint = StripAlias(id->text);
    out.push_back(std::move(d));
    return out.back().name;
  };
  auto plain = [](const DatumPtr& id) { return std::string(StripAlias(id->text)); };

  std::vector<DatumPtr> field_syms;
  for (const std::string& f : fields) field_syms.push_back(MakeSymbol(StripAlias(f), pos));
  std::string type_ref;  // the type's core name
  {
    std::vector<CorePtr> args;
    args.push_back(Const(Unalias(items[1]), pos));
    args.push_back(Const(MakeList(std::move(field_syms), pos), pos));
    type_ref = add(items[1], Call(global("%make-record-type", pos), std::move(args), pos));
  }
  // Constructor.
  const DatumPtr& ctor = items[2];
  if (ctor->IsSymbol() || ctor->IsProperList()) {
    DatumPtr ctor_name;
    std::vector<std::string> ctor_fields;
    if (ctor->IsSymbol()) {
      ctor_name = ctor;
      ctor_fields = fields;
    } else {
      if (ctor->items.empty()) Fail(shape, ctor->pos);
      for (const DatumPtr& s : ctor->items) {
        if (!s->IsSymbol()) Fail(shape, s->pos);
      }
      ctor_name = ctor->items[0];
      for (size_t i = 1; i < ctor->items.size(); ++i) ctor_fields.push_back(ctor->items[i]->text);
    }
    CheckDistinct(ctor_fields, "define-record-type", ctor->pos);
    std::vector<std::string> params;
    for (size_t i = 0; i < ctor_fields.size(); ++i) params.push_back(Fresh(StripAlias(ctor_fields[i])));
    std::vector<CorePtr> args;
    args.push_back(Ref(type_ref, ctor->pos));
    for (const std::string& f : fields) {
      size_t found = ctor_fields.size();
      for (size_t i = 0; i < ctor_fields.size(); ++i) {
        if (ctor_fields[i] == f) found = i;
      }
      args.push_back(found < params.size() ? Ref(params[found], ctor->pos)
                                           : Const(MakeBool(false, ctor->pos), ctor->pos));
    }
    for (const std::string& f : ctor_fields) {
      bool known = false;
      for (const std::string& g : fields) known = known || f == g;
      if (!known) Fail(absl::StrCat("define-record-type: ", PlainName(f), " is not a field of ", type_name), ctor->pos);
    }
    add(ctor_name, lambda(plain(ctor_name), params, Call(global("%record-make", ctor->pos), std::move(args), ctor->pos),
                          ctor->pos));
  } else if (!(ctor->kind == DatumKind::kBool && !ctor->boolean)) {
    Fail(shape, ctor->pos);
  }
  // Predicate.
  const DatumPtr& pred = items[3];
  if (pred->IsSymbol()) {
    std::string obj = Fresh("obj");
    std::vector<CorePtr> args;
    args.push_back(Ref(obj, pred->pos));
    args.push_back(Ref(type_ref, pred->pos));
    add(pred, lambda(plain(pred), {obj}, Call(global("%record?", pred->pos), std::move(args), pred->pos),
                           pred->pos));
  } else if (!(pred->kind == DatumKind::kBool && !pred->boolean)) {
    Fail(shape, pred->pos);
  }
  // Accessors and modifiers.
  for (const Proc& p : procs) {
    std::string obj = Fresh("obj");
    std::vector<CorePtr> args;
    args.push_back(Ref(obj, p.pos));
    args.push_back(Ref(type_ref, p.pos));
    args.push_back(Const(MakeFixnum(static_cast<int64_t>(p.field), p.pos), p.pos));
    std::vector<std::string> params{obj};
    if (p.modifier) {
      std::string v = Fresh("value");
      params.push_back(v);
      args.push_back(Ref(v, p.pos));
    }
    args.push_back(Const(MakeSymbol(plain(p.name), p.pos), p.pos));
    const char* prim = p.modifier ? "%record-set!" : "%record-ref";
    add(p.name, lambda(plain(p.name), params, Call(global(prim, p.pos), std::move(args), p.pos), p.pos));
  }
}

}  // namespace toylang
