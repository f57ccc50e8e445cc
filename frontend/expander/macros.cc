// Identifiers, environments and macros: the part of the expander that knows what a name means
// (docs/design/macros.md).
#include <utility>

#include "absl/strings/str_cat.h"
#include "frontend/common/stack_check.h"
#include "frontend/expander/expander.h"

namespace toylang {
namespace {

const char* const kKeywords[] = {
    "quote",  "quasiquote", "unquote", "unquote-splicing", "lambda", "define", "set!", "if",
    "cond",   "case",       "and",     "or",               "when",   "unless", "begin", "let",
    "let*",   "letrec",     "letrec*", "do",               "define-record-type", "else", "=>",
    "let-values", "let*-values", "receive", "define-syntax", "let-syntax", "letrec-syntax",
    "syntax-rules",
};

// A macro's expansion that leads to another, and so on, this many times within one top-level
// form is taken for a macro that never stops expanding.
constexpr size_t kMaxMacroSteps = 1'000'000;

[[noreturn]] void Fail(std::string message, SourcePos pos) { throw Error(std::move(message), pos); }

// "#@7:#@3:x" -> "#@3:x": the identifier an alias renames.
std::string_view AliasBase(std::string_view alias) { return alias.substr(alias.find(':', 2) + 1); }

}  // namespace

bool IsBuiltinKeyword(std::string_view name) {
  if (IsFormsKeyword(name)) return true;  // expander_forms.cc: case-lambda, guard, ...
  for (const char* k : kKeywords) {
    if (name == k) return true;
  }
  return false;
}

bool IsFormKeyword(std::string_view name) {
  return IsBuiltinKeyword(name) && name != "else" && name != "=>";
}

// --- Scopes ------------------------------------------------------------------------------------

ExpanderScope::ExpanderScope(Expander& e, const std::vector<std::string>& names)
    : e_(e), saved_(e.env_) {
  e_.frames_.push_back(std::make_unique<Frame>());
  frame_ = e_.frames_.back().get();
  frame_->parent = saved_;
  e_.env_ = frame_;
  core_.reserve(names.size());
  for (const std::string& n : names) core_.push_back(Add(n));
}

ExpanderScope::~ExpanderScope() { e_.env_ = saved_; }

std::string ExpanderScope::Add(const std::string& name) { return e_.BindVariable(frame_, name); }

std::string Expander::BindVariable(Frame* frame, const std::string& id) {
  std::string core;
  if (IsAlias(id)) {
    // A binding the template introduced: a variable no identifier of the user can name.
    core = Fresh(StripAlias(id));
  } else if (local_macros_ && frame->parent != nullptr &&
             ResolveIn(id, frame->parent).kind == Resolved::Kind::kLocal) {
    // It shadows a variable a local macro's template may still refer to from inside this
    // binding: give it a name of its own, so that the analysis does not mistake one for the
    // other.
    core = Fresh(id);
  } else {
    core = id;
  }
  frame->names[id] = Binding{core, nullptr};
  return core;
}

// --- Resolution --------------------------------------------------------------------------------

Resolved Expander::ResolveIn(const std::string& id, const Frame* env) const {
  for (const Frame* f = env; f != nullptr; f = f->parent) {
    auto found = f->names.find(id);
    if (found == f->names.end()) continue;
    Resolved r;
    r.frame = f;
    if (found->second.macro != nullptr) {
      r.kind = Resolved::Kind::kMacro;
      r.name = id;
      r.macro = found->second.macro.get();
    } else {
      r.kind = Resolved::Kind::kLocal;
      r.name = found->second.core;
    }
    return r;
  }
  if (IsAlias(id)) {
    // Not bound by the expansion that made it: it means what its base means where the macro
    // was defined.
    auto found = alias_envs_.find(id);
    Resolved r = ResolveIn(std::string(AliasBase(id)), found == alias_envs_.end() ? nullptr : found->second);
    if (r.frame == nullptr) r.via_alias = true;
    return r;
  }
  Resolved r;
  auto macro = top_macros_.find(id);
  if (macro != top_macros_.end()) {
    r.kind = Resolved::Kind::kMacro;
    r.macro = macro->second.get();
  } else if (IsBuiltinKeyword(id)) {
    r.kind = Resolved::Kind::kKeyword;
  }
  r.name = id;
  return r;
}

bool Expander::IsKeywordId(const DatumPtr& d, std::string_view keyword) const {
  if (!d->IsSymbol() || StripAlias(d->text) != keyword) return false;
  Resolved r = Resolve(d->text);
  return r.kind == Resolved::Kind::kKeyword && r.name == keyword;
}

bool Expander::IsKeyword(const DatumPtr& head, std::string* keyword) const {
  if (!head->IsSymbol() || !IsFormKeyword(StripAlias(head->text))) return false;
  Resolved r = Resolve(head->text);
  if (r.kind != Resolved::Kind::kKeyword || !IsFormKeyword(r.name)) return false;
  *keyword = std::move(r.name);
  return true;
}

CorePtr Expander::ExpandIdentifier(const DatumPtr& id) {
  Resolved r = Resolve(id->text);
  if (r.kind == Resolved::Kind::kMacro) {
    Fail(absl::StrCat(PlainName(id->text), ": a macro keyword cannot be used as a variable"), id->pos);
  }
  return Ref(std::move(r.name), id->pos, r.via_alias);
}

std::string Expander::DefineName(const DatumPtr& id, const DatumPtr& form) {
  if (env_ == nullptr) {
    // R7RS 5.3.1: at top level, a definition of a macro's name makes it a variable again.
    std::string name(StripAlias(id->text));
    top_macros_.erase(name);
    return name;
  }
  if (env_->names.contains(id->text)) {
    Fail(absl::StrCat(std::string(body_what_), ": ", PlainName(id->text), " is defined twice in the same body"), form->pos);
  }
  return BindVariable(env_, id->text);
}

DatumPtr Expander::Unalias(const DatumPtr& d) const { return alias_stamp_ == 0 ? d : StripAliases(d); }

// --- Macros ------------------------------------------------------------------------------------

// What a transformer needs from the expander while it rewrites one use of `macro`.
class ExpansionHooks final : public MacroHooks {
 public:
  ExpansionHooks(Expander& e, const Macro& macro) : e_(e), macro_(macro) {}

  bool SameBinding(const std::string& literal, const std::string& input) override {
    return e_.ResolveIn(literal, macro_.env).Same(e_.Resolve(input));
  }

  std::string Alias(const std::string& identifier) override {
    std::string name = MakeAliasName(++e_.alias_stamp_, identifier);
    // An alias with no entry belongs to the top level: top-level macros need none, and so
    // aliases kept in a top-level macro's template still mean the same in later forms.
    if (macro_.env != nullptr) e_.alias_envs_.emplace(name, macro_.env);
    return name;
  }

 private:
  Expander& e_;
  const Macro& macro_;
};

DatumPtr Expander::ExpandIfMacroUse(const DatumPtr& form) {
  if (form->kind != DatumKind::kList || form->items.empty() || !form->items[0]->IsSymbol()) return nullptr;
  Resolved r = Resolve(form->items[0]->text);
  if (r.kind != Resolved::Kind::kMacro) return nullptr;
  CheckStack(form->pos);
  if (++macro_steps_ > kMaxMacroSteps) {
    Fail(absl::StrCat(r.macro->rules->name(), ": more than ", kMaxMacroSteps,
                      " macro expansions in one top-level form (does its recursion end?)"),
         form->pos);
  }
  ExpansionHooks hooks(*this, *r.macro);
  return r.macro->rules->Transform(form, hooks);
}

std::shared_ptr<const Macro> Expander::MakeMacro(const DatumPtr& spec, const DatumPtr& name, const Frame* env) {
  const std::string plain(StripAlias(name->text));
  if (!spec->IsProperList() || spec->items.empty() || !IsKeywordId(spec->items[0], "syntax-rules")) {
    Fail(absl::StrCat(plain, ": expected a (syntax-rules ...) transformer, got ", WriteDatum(*Unalias(spec)),
                      " (syntax-case, er-macro-transformer and procedures as transformers are not supported)"),
         spec->pos);
  }
  auto macro = std::make_shared<Macro>();
  macro->rules = SyntaxRules::Parse(spec, plain);
  macro->env = env;
  return macro;
}

void Expander::DefineSyntax(const DatumPtr& form) {
  const auto& items = form->items;
  if (items.size() != 3 || !items[1]->IsSymbol()) {
    Fail("define-syntax: expected (define-syntax keyword (syntax-rules (literal ...) (pattern template) ...))",
         form->pos);
  }
  if (env_ == nullptr) {
    top_macros_[std::string(StripAlias(items[1]->text))] = MakeMacro(items[2], items[1], nullptr);
    return;
  }
  if (env_->names.contains(items[1]->text)) {
    Fail(absl::StrCat(std::string(body_what_), ": ", PlainName(items[1]->text), " is defined twice in the same body"),
         form->pos);
  }
  local_macros_ = true;
  // The macro's environment is the body's frame itself: it may use the body's definitions,
  // itself included.
  env_->names[items[1]->text] = Binding{"", MakeMacro(items[2], items[1], env_)};
}

CorePtr Expander::ExpandLetSyntax(const DatumPtr& form, bool recursive) {
  const char* what = recursive ? "letrec-syntax" : "let-syntax";
  const std::string shape = absl::StrCat(what, ": expected (", what, " ((keyword (syntax-rules ...)) ...) body ...)");
  const auto& items = form->items;
  if (items.size() < 3 || !items[1]->IsProperList()) Fail(shape, form->pos);
  for (const DatumPtr& b : items[1]->items) {
    if (!b->IsProperList() || b->items.size() != 2 || !b->items[0]->IsSymbol()) Fail(shape, b->pos);
  }
  local_macros_ = true;
  // let-syntax: the transformers' environment is the one outside; letrec-syntax: the new scope.
  std::vector<std::shared_ptr<const Macro>> macros;
  if (!recursive) {
    for (const DatumPtr& b : items[1]->items) macros.push_back(MakeMacro(b->items[1], b->items[0], env_));
  }
  ExpanderScope scope(*this, {});
  for (size_t i = 0; i < items[1]->items.size(); ++i) {
    const DatumPtr& b = items[1]->items[i];
    if (scope.frame()->names.contains(b->items[0]->text)) {
      Fail(absl::StrCat(what, ": duplicate binding of ", PlainName(b->items[0]->text)), b->pos);
    }
    scope.frame()->names[b->items[0]->text] =
        Binding{"", recursive ? MakeMacro(b->items[1], b->items[0], scope.frame()) : macros[i]};
  }
  return ExpandBody(items, 2, form->pos, what);
}

}  // namespace toylang
