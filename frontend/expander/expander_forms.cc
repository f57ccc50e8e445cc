// The expander's R7RS control forms, kept apart from expander.cc: case-lambda, delay,
// delay-force, parameterize, guard, define-values and import. Each becomes calls of built-ins
// (global_only references, so that a user's local variable cannot capture them):
//
//   (case-lambda (formals body ...) ...)  => (%case-lambda (lambda formals body ...) ...)
//   (delay e)                             => (%delay (lambda () e))
//   (delay-force e)                       => (%delay-force (lambda () e))
//   (parameterize ((p v) ...) body ...)   => (%parameterize (lambda () body ...) p v ...)
//   (guard (var clause ...) body ...)     => (%guard (lambda () body ...)
//                                                    (lambda (var #:nomatch)
//                                                      (cond clause ... (else #:nomatch))))
//   (define-values formals e)             => a definition of each name (unspecified), then
//       (call-with-values (lambda () e) (lambda #:formals (set! name #:t) ...))
//   (import set ...)                      => nothing, for R7RS's standard libraries (top level)
#include <utility>

#include "absl/strings/str_cat.h"
#include "frontend/expander/expander.h"
#include "frontend/expander/syntax_rules.h"

namespace toylang {
namespace {

const char* const kFormsKeywords[] = {
    "case-lambda", "delay", "delay-force", "parameterize", "guard", "define-values", "import",
};

[[noreturn]] void Fail(std::string message, SourcePos pos) { throw Error(std::move(message), pos); }

// R7RS's standard library names, (scheme ...), and (srfi n).
bool IsStandardLibrary(const Datum& name) {
  static const char* const kScheme[] = {
      "base", "case-lambda", "char", "complex", "cxr", "eval", "file", "inexact", "lazy",
      "load", "process-context",  "read", "repl", "time", "write",   "r5rs",
  };
  if (!name.IsProperList() || name.items.size() != 2 || !name.items[0]->IsSymbol()) return false;
  const Datum& second = *name.items[1];
  if (name.items[0]->text == "srfi") return second.kind == DatumKind::kFixnum;
  if (name.items[0]->text != "scheme" || !second.IsSymbol()) return false;
  for (const char* s : kScheme) {
    if (second.text == s) return true;
  }
  return false;
}

}  // namespace

bool IsFormsKeyword(std::string_view name) {
  for (const char* k : kFormsKeywords) {
    if (name == k) return true;
  }
  return false;
}

void Expander::NameProcedure(Core& value, const std::string& name) {
  if (value.kind == CoreKind::kLambda) {
    if (value.name.empty()) value.name = name;
    return;
  }
  // (%case-lambda clause ...): the procedure takes its first clause's name.
  if (value.kind == CoreKind::kCall && value.kids[0]->kind == CoreKind::kRef &&
      value.kids[0]->global_only && value.kids[0]->name == "%case-lambda") {
    for (size_t i = 1; i < value.kids.size(); ++i) NameProcedure(*value.kids[i], name);
  }
}

CorePtr Expander::ExpandForms(const DatumPtr& form, std::string_view k) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  auto thunk_of = [&](const DatumPtr& body) {
    auto lam = std::make_unique<Core>(CoreKind::kLambda, body->pos);
    lam->kids.push_back(Expand(body));
    return lam;
  };
  if (k == "case-lambda") return ExpandCaseLambda(form);
  if (k == "delay" || k == "delay-force") {
    if (items.size() != 2) {
      std::string name(k);
      Fail(absl::StrCat(name, ": expected (", name, " expression)"), pos);
    }
    std::vector<CorePtr> args;
    args.push_back(thunk_of(items[1]));
    return Call(Ref(k == "delay" ? "%delay" : "%delay-force", pos, /*global_only=*/true),
                std::move(args), pos);
  }
  if (k == "parameterize") return ExpandParameterize(form);
  if (k == "guard") return ExpandGuard(form);
  if (k == "import") Fail("import: allowed only at top level", pos);
  return nullptr;
}

CorePtr Expander::ExpandCaseLambda(const DatumPtr& form) {
  const char* shape = "case-lambda: expected (case-lambda (formals body ...) ...)";
  std::vector<CorePtr> clauses;
  for (size_t i = 1; i < form->items.size(); ++i) {
    const DatumPtr& clause = form->items[i];
    if (!clause->IsProperList() || clause->items.size() < 2) Fail(shape, clause->pos);
    clauses.push_back(ExpandLambda(clause, clause->items[0], clause->items, 1, ""));
  }
  return Call(Ref("%case-lambda", form->pos, /*global_only=*/true), std::move(clauses), form->pos);
}

CorePtr Expander::ExpandParameterize(const DatumPtr& form) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const char* shape = "parameterize: expected (parameterize ((parameter value) ...) body ...)";
  if (items.size() < 3 || !items[1]->IsProperList()) Fail(shape, pos);
  std::vector<CorePtr> args;
  args.push_back(ExpandLambda(form, MakeList({}, pos), items, 2, "parameterize"));
  for (const DatumPtr& b : items[1]->items) {
    if (!b->IsProperList() || b->items.size() != 2) Fail(shape, b->pos);
    args.push_back(Expand(b->items[0]));
    args.push_back(Expand(b->items[1]));
  }
  return Call(Ref("%parameterize", pos, /*global_only=*/true), std::move(args), pos);
}

CorePtr Expander::ExpandGuard(const DatumPtr& form) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const char* shape = "guard: expected (guard (variable clause ...) body ...)";
  if (items.size() < 3 || !items[1]->IsProperList() || items[1]->items.empty() ||
      !items[1]->items[0]->IsSymbol()) {
    Fail(shape, pos);
  }
  const auto& spec = items[1]->items;
  const std::string& var = spec[0]->text;  // may be an alias a macro inserted
  std::vector<CorePtr> args;
  args.push_back(ExpandLambda(form, MakeList({}, pos), items, 2, "guard"));
  // The clauses as a cond that ends in (else #:nomatch) unless it has an else of its own.
  std::string nomatch = Fresh("nomatch");
  std::vector<DatumPtr> cond_items{MakeSymbol("cond", pos)};
  cond_items.insert(cond_items.end(), spec.begin() + 1, spec.end());
  auto handler = std::make_unique<Core>(CoreKind::kLambda, items[1]->pos);
  handler->name = "guard";
  {
    // The clauses see the variable (so a variable named else makes `else` an expression).
    ExpanderScope scope(*this, {var, nomatch});
    handler->params = scope.core_names();
    const DatumPtr& last = cond_items.back();
    bool has_else = spec.size() > 1 && last->IsProperList() && !last->items.empty() &&
                    IsKeywordId(last->items[0], "else");
    if (!has_else) {
      cond_items.push_back(MakeList({MakeSymbol("else", pos), MakeSymbol(nomatch, pos)}, pos));
    }
    handler->kids.push_back(ExpandCond(MakeList(std::move(cond_items), items[1]->pos)));
  }
  args.push_back(std::move(handler));
  return Call(Ref("%guard", pos, /*global_only=*/true), std::move(args), pos);
}

void Expander::CollectDefineValues(const DatumPtr& form, std::vector<Definition>& out) {
  const auto& items = form->items;
  SourcePos pos = form->pos;
  const char* shape =
      "define-values: expected (define-values formals expression) with formals a symbol or a "
      "list of distinct symbols";
  if (items.size() != 3) Fail(shape, pos);
  const DatumPtr& formals = items[1];
  std::vector<DatumPtr> ids;  // the fixed formals, then the rest formal if any
  bool has_rest = false;
  if (formals->IsSymbol()) {
    ids.push_back(formals);
    has_rest = true;
  } else if (formals->kind == DatumKind::kList) {
    for (const DatumPtr& p : formals->items) {
      if (!p->IsSymbol()) Fail(shape, p->pos);
      ids.push_back(p);
    }
    if (formals->tail != nullptr) {
      if (!formals->tail->IsSymbol()) Fail(shape, formals->tail->pos);
      ids.push_back(formals->tail);
      has_rest = true;
    }
  } else {
    Fail(shape, formals->pos);
  }
  for (size_t i = 0; i < ids.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (ids[i]->text == ids[j]->text) {
        Fail(absl::StrCat("define-values: duplicate name ", PlainName(ids[i]->text)), pos);
      }
    }
  }
  // Each name is defined like (define name) (in a body: bound in the body's frame now).
  std::vector<std::string> names;
  for (const DatumPtr& id : ids) {
    Definition d{DefineName(id, form), nullptr, form, false, nullptr};
    d.hint = PlainName(id->text);
    names.push_back(d.name);
    out.push_back(std::move(d));
  }
  std::vector<std::string> params(names.begin(), names.end() - (has_rest ? 1 : 0));
  std::string rest = has_rest ? names.back() : "";
  // Then an expression that assigns them, expanded once the body's scope is in place.
  DatumPtr expr = items[2];
  auto make = [this, params, rest, names, expr, pos]() -> CorePtr {
    auto producer = std::make_unique<Core>(CoreKind::kLambda, expr->pos);
    producer->kids.push_back(Expand(expr));
    auto consumer = std::make_unique<Core>(CoreKind::kLambda, pos);
    consumer->name = "define-values";
    std::vector<std::string> temps;
    for (const std::string& p : params) {
      temps.push_back(Fresh(p));
      consumer->params.push_back(temps.back());
    }
    if (!rest.empty()) {
      consumer->has_rest = true;
      consumer->rest = Fresh(rest);
      temps.push_back(consumer->rest);
    }
    auto seq = std::make_unique<Core>(CoreKind::kSeq, pos);
    for (size_t i = 0; i < names.size(); ++i) {
      auto set = std::make_unique<Core>(CoreKind::kSet, pos);
      set->name = names[i];
      set->kids.push_back(Ref(temps[i], pos));
      seq->kids.push_back(std::move(set));
    }
    seq->kids.push_back(Unspecified(pos));
    consumer->kids.push_back(std::move(seq));
    std::vector<CorePtr> args;
    args.push_back(std::move(producer));
    args.push_back(std::move(consumer));
    return Call(Ref("call-with-values", pos, /*global_only=*/true), std::move(args), pos);
  };
  Definition assign{"", nullptr, form, true, nullptr};
  assign.make = std::move(make);
  out.push_back(std::move(assign));
}

CorePtr Expander::ExpandImport(const DatumPtr& form) {
  for (size_t i = 1; i < form->items.size(); ++i) {
    DatumPtr set = form->items[i];
    // (only set id ...) and (except set id ...) import a part of a library: all of it is here.
    while (set->IsProperList() && set->items.size() >= 2 &&
           (set->items[0]->IsSymbol("only") || set->items[0]->IsSymbol("except"))) {
      set = set->items[1];
    }
    if (set->IsProperList() && !set->items.empty() &&
        (set->items[0]->IsSymbol("prefix") || set->items[0]->IsSymbol("rename"))) {
      Fail(absl::StrCat("import: ", set->items[0]->text, " is not supported"), set->pos);
    }
    if (!IsStandardLibrary(*set)) {
      Fail(absl::StrCat("import: unknown library ", WriteDatum(*set)), set->pos);
    }
  }
  return Unspecified(form->pos);
}

}  // namespace toylang
