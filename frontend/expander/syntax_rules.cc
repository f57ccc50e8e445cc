#include "frontend/expander/syntax_rules.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "frontend/common/stack_check.h"

namespace toylang {

// --- Aliases -----------------------------------------------------------------------------------

bool IsAlias(std::string_view name) { return name.size() > 2 && name[0] == '#' && name[1] == '@'; }

std::string_view StripAlias(std::string_view name) {
  while (IsAlias(name)) {
    const size_t colon = name.find(':', 2);
    if (colon == std::string_view::npos) break;
    name.remove_prefix(colon + 1);
  }
  return name;
}

std::string MakeAliasName(uint64_t n, std::string_view base) {
  return absl::StrCat("#@", n, ":", std::string(base));
}

DatumPtr StripAliases(const DatumPtr& datum) {
  if (datum == nullptr) return datum;
  CheckStack(datum->pos);
  switch (datum->kind) {
    case DatumKind::kSymbol:
      return IsAlias(datum->text) ? MakeSymbol(StripAlias(datum->text), datum->pos) : datum;
    case DatumKind::kList:
    case DatumKind::kVector: {
      std::vector<DatumPtr> items;
      bool changed = false;
      for (size_t i = 0; i < datum->items.size(); ++i) {
        DatumPtr item = StripAliases(datum->items[i]);
        if (item != datum->items[i] && !changed) {
          changed = true;
          items.assign(datum->items.begin(), datum->items.begin() + static_cast<ptrdiff_t>(i));
        }
        if (changed) items.push_back(std::move(item));
      }
      DatumPtr tail = StripAliases(datum->tail);
      if (!changed && tail == datum->tail) return datum;
      if (!changed) items = datum->items;
      auto copy = std::make_shared<Datum>(*datum);
      copy->items = std::move(items);
      copy->tail = std::move(tail);
      return copy;
    }
    default:
      return datum;
  }
}

// --- Compiled rules ----------------------------------------------------------------------------

struct SyntaxRules::Pattern {
  enum class Kind : uint8_t { kVar, kAny, kLiteral, kConst, kList, kVector };
  Kind kind = Kind::kConst;
  int var = -1;                  // kVar: the variable's index in the rule
  std::string literal;           // kLiteral: the identifier
  DatumPtr datum;                // kConst: compared with equal?; also the position
  std::vector<Pattern> items;    // kList, kVector
  int ellipsis = -1;             // kList, kVector: the index of the item followed by an ellipsis
  std::vector<Pattern> tail;     // kList: none (a proper list) or one (the pattern of the rest)
  std::vector<int> vars;         // every pattern variable inside (for ellipsis matches)
};

struct SyntaxRules::Template {
  enum class Kind : uint8_t { kVar, kIdent, kConst, kList, kVector };
  Kind kind = Kind::kConst;
  int var = -1;                  // kVar
  int ident = -1;                // kIdent: the index of the identifier in the rule's table
  DatumPtr datum;                // kConst: the datum; kIdent: the identifier
  std::vector<Template> items;   // kList, kVector
  std::vector<Template> tail;    // kList: none or one (an improper tail)
  // The ellipses that follow this template in its list, outermost first: for each, the pattern
  // variables it iterates over (those inside whose remaining depth is not yet used up).
  std::vector<std::vector<int>> drivers;
};

struct SyntaxRules::Rule {
  Pattern pattern;
  Template tmpl;
  std::vector<std::string> var_names;
  std::vector<int> var_depths;
  std::vector<std::string> idents;  // the template's own identifiers, aliased at each use
};

SyntaxRules::~SyntaxRules() = default;

namespace {

using Pattern = SyntaxRules::Pattern;
using Template = SyntaxRules::Template;
using Rule = SyntaxRules::Rule;

[[noreturn]] void Fail(std::string message, SourcePos pos) { throw Error(std::move(message), pos); }

std::string Show(const DatumPtr& d) { return WriteDatum(*StripAliases(d)); }

// A list datum as items and a final tail (nullptr: a proper list), with a list-valued tail
// (which the expander may build) flattened.
struct ListView {
  explicit ListView(const Datum& d) {
    const Datum* cur = &d;
    if (d.tail == nullptr || d.tail->kind != DatumKind::kList) {
      items = &d.items;
      tail = d.tail;
      return;
    }
    while (true) {
      own.insert(own.end(), cur->items.begin(), cur->items.end());
      if (cur->tail == nullptr || cur->tail->kind != DatumKind::kList) break;
      cur = cur->tail.get();
    }
    tail = cur->tail;
    items = &own;
  }
  const std::vector<DatumPtr>* items;
  std::vector<DatumPtr> own;
  DatumPtr tail;
};

bool DatumEqual(const Datum& a, const Datum& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case DatumKind::kFixnum: return a.fixnum == b.fixnum;
    case DatumKind::kFlonum: return a.flonum == b.flonum;
    case DatumKind::kBool: return a.boolean == b.boolean;
    case DatumKind::kChar: return a.character == b.character;
    case DatumKind::kString:
    case DatumKind::kSymbol: return StripAlias(a.text) == StripAlias(b.text);
    case DatumKind::kBignum:
    case DatumKind::kBytevector: return a.text == b.text;
    case DatumKind::kList:
    case DatumKind::kVector:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); ++i) {
        if (!DatumEqual(*a.items[i], *b.items[i])) return false;
      }
      if ((a.tail == nullptr) != (b.tail == nullptr)) return false;
      return a.tail == nullptr || DatumEqual(*a.tail, *b.tail);
  }
  return false;
}

// Compiles one rule's pattern and template.
class RuleCompiler {
 public:
  RuleCompiler(const std::string& name, const std::string& ellipsis, bool has_ellipsis,
               const absl::flat_hash_set<std::string>& literals, Rule& rule)
      : name_(name), ellipsis_(ellipsis), has_ellipsis_(has_ellipsis), literals_(literals), rule_(rule) {}

  bool IsEllipsis(const DatumPtr& d) const {
    return has_ellipsis_ && d->IsSymbol() && StripAlias(d->text) == ellipsis_;
  }

  // Compiles a pattern; the variables' depths count the ellipses around them once the
  // enclosing lists are compiled. The `top` pattern's first item is the keyword: it matches
  // anything (R7RS ignores it).
  Pattern CompilePattern(const DatumPtr& p, bool top = false) {
    CheckStack(p->pos);
    Pattern out;
    out.datum = p;
    if (p->IsSymbol()) {
      if (literals_.contains(p->text)) {
        out.kind = Pattern::Kind::kLiteral;
        out.literal = p->text;
      } else if (IsEllipsis(p)) {
        Fail(absl::StrCat(name_, ": ", ellipsis_, " must follow a subpattern in a list or vector"), p->pos);
      } else if (PlainName(p->text) == "_") {
        out.kind = Pattern::Kind::kAny;
      } else {
        if (var_index_.contains(p->text)) {
          Fail(absl::StrCat(name_, ": pattern variable ", PlainName(p->text), " appears twice in one pattern"), p->pos);
        }
        out.kind = Pattern::Kind::kVar;
        out.var = static_cast<int>(rule_.var_names.size());
        var_index_[p->text] = out.var;
        rule_.var_names.push_back(p->text);
        rule_.var_depths.push_back(0);
        out.vars.push_back(out.var);
      }
      return out;
    }
    if (p->kind != DatumKind::kList && p->kind != DatumKind::kVector) return out;  // kConst
    if (p->kind == DatumKind::kList && p->IsNil()) return out;                      // ()
    out.kind = p->kind == DatumKind::kList ? Pattern::Kind::kList : Pattern::Kind::kVector;
    ListView view(*p);
    for (const DatumPtr& item : *view.items) {
      if (IsEllipsis(item)) {
        if (out.items.empty()) Fail(absl::StrCat(name_, ": ", ellipsis_, " must follow a subpattern"), item->pos);
        if (out.ellipsis >= 0) Fail(absl::StrCat(name_, ": more than one ", ellipsis_, " in one list pattern"), item->pos);
        out.ellipsis = static_cast<int>(out.items.size()) - 1;
        // The variables of the subpattern before it are one ellipsis deeper.
        for (int v : out.items.back().vars) ++rule_.var_depths[static_cast<size_t>(v)];
        continue;
      }
      if (top && out.items.empty()) {
        Pattern keyword;
        keyword.kind = Pattern::Kind::kAny;
        keyword.datum = item;
        out.items.push_back(std::move(keyword));
        continue;
      }
      out.items.push_back(CompilePattern(item));
    }
    if (view.tail != nullptr) {
      if (IsEllipsis(view.tail)) Fail(absl::StrCat(name_, ": ", ellipsis_, " cannot be a dotted tail"), view.tail->pos);
      out.tail.push_back(CompilePattern(view.tail));
    }
    for (const Pattern& item : out.items) out.vars.insert(out.vars.end(), item.vars.begin(), item.vars.end());
    for (const Pattern& t : out.tail) out.vars.insert(out.vars.end(), t.vars.begin(), t.vars.end());
    return out;
  }

  // A pattern variable's occurrence in a template and the number of ellipses around it there.
  struct Use {
    int var;
    int depth;
  };

  // Compiles a template found under `depth` ellipses; appends its variables' occurrences to
  // `uses`. `ellipsis_on` is false inside (... template). Of the ellipses around an occurrence
  // of a variable matched at depth d, the innermost d iterate over it; the outer ones repeat
  // it (R7RS requires exactly d; more is the common extension).
  Template CompileTemplate(const DatumPtr& t, int depth, bool ellipsis_on, std::vector<Use>& uses) {
    CheckStack(t->pos);
    Template out;
    out.datum = t;
    const bool saved = has_ellipsis_;
    has_ellipsis_ = saved && ellipsis_on;
    struct Restore {
      bool& flag;
      bool value;
      ~Restore() { flag = value; }
    } restore{has_ellipsis_, saved};
    if (t->IsSymbol()) {
      auto found = var_index_.find(t->text);
      if (found != var_index_.end()) {
        const int v = found->second;
        const int matched = rule_.var_depths[static_cast<size_t>(v)];
        if (matched > depth) {
          Fail(absl::StrCat(name_, ": pattern variable ", PlainName(t->text), " is used at ellipsis depth ", depth,
                            " in the template but matched at depth ", matched, " (add ", matched - depth, " ",
                            ellipsis_, " after it)"),
               t->pos);
        }
        out.kind = Template::Kind::kVar;
        out.var = v;
        uses.push_back({v, depth});
        return out;
      }
      if (IsEllipsis(t)) Fail(absl::StrCat(name_, ": ", ellipsis_, " must follow a subtemplate in a list"), t->pos);
      out.kind = Template::Kind::kIdent;
      auto [it, inserted] = ident_index_.try_emplace(t->text, static_cast<int>(rule_.idents.size()));
      if (inserted) rule_.idents.push_back(t->text);
      out.ident = it->second;
      return out;
    }
    if (t->kind != DatumKind::kList && t->kind != DatumKind::kVector) return out;
    if (t->IsNil()) return out;
    ListView view(*t);
    const std::vector<DatumPtr>& items = *view.items;
    // (... template): the template with the ellipsis taken literally.
    if (t->kind == DatumKind::kList && has_ellipsis_ && IsEllipsis(items[0])) {
      if (items.size() != 2 || view.tail != nullptr) {
        Fail(absl::StrCat(name_, ": expected (", ellipsis_, " template) to escape ", ellipsis_), t->pos);
      }
      return CompileTemplate(items[1], depth, /*ellipsis_on=*/false, uses);
    }
    out.kind = t->kind == DatumKind::kList ? Template::Kind::kList : Template::Kind::kVector;
    for (size_t i = 0; i < items.size(); ++i) {
      if (IsEllipsis(items[i])) Fail(absl::StrCat(name_, ": ", ellipsis_, " must follow a subtemplate"), items[i]->pos);
      size_t ellipses = 0;
      while (i + 1 + ellipses < items.size() && IsEllipsis(items[i + 1 + ellipses])) ++ellipses;
      std::vector<Use> inside;
      Template item = CompileTemplate(items[i], depth + static_cast<int>(ellipses), true, inside);
      // The ellipsis at depth e (counted from the template's outside) iterates over the
      // variables it is one of the innermost `matched` ellipses of.
      for (size_t level = 1; level <= ellipses; ++level) {
        const int e = depth + static_cast<int>(level);
        auto iterated = [&](const Use& u) { return e > u.depth - rule_.var_depths[static_cast<size_t>(u.var)]; };
        std::vector<int> ds;
        for (const Use& u : inside) {
          if (iterated(u) && std::find(ds.begin(), ds.end(), u.var) == ds.end()) ds.push_back(u.var);
        }
        if (ds.empty()) {
          Fail(absl::StrCat(name_, ": ellipsis depth mismatch: ", Show(items[i]), " is followed by ", ellipses, " ",
                            ellipsis_, " but has no pattern variable matched at depth ", level, " or more"),
               items[i + level]->pos);
        }
        // Iterating a variable replaces it by one element for everything inside: every
        // occurrence inside must then be one this ellipsis iterates over.
        for (const Use& u : inside) {
          if (!iterated(u) && std::find(ds.begin(), ds.end(), u.var) != ds.end()) {
            Fail(absl::StrCat(name_, ": pattern variable ", PlainName(rule_.var_names[static_cast<size_t>(u.var)]),
                              " is used at different ellipsis depths inside one ellipsis"),
                 items[i + level]->pos);
          }
        }
        item.drivers.push_back(std::move(ds));
      }
      uses.insert(uses.end(), inside.begin(), inside.end());
      out.items.push_back(std::move(item));
      i += ellipses;
    }
    if (view.tail != nullptr) {
      if (IsEllipsis(view.tail)) Fail(absl::StrCat(name_, ": ", ellipsis_, " cannot be a dotted tail"), view.tail->pos);
      out.tail.push_back(CompileTemplate(view.tail, depth, true, uses));
    }
    // A template without pattern variables or identifiers is a constant: itself, unless it
    // holds an escape (... x), whose constant is x.
    bool constant = out.tail.empty() || (out.tail[0].kind == Template::Kind::kConst && out.tail[0].datum == view.tail);
    constant = constant && out.items.size() == items.size();
    for (size_t i = 0; constant && i < out.items.size(); ++i) {
      const Template& item = out.items[i];
      constant = item.kind == Template::Kind::kConst && item.drivers.empty() && item.datum == items[i];
    }
    if (constant) {
      out.kind = Template::Kind::kConst;
      out.items.clear();
      out.tail.clear();
    }
    return out;
  }

 private:
  const std::string& name_;
  const std::string& ellipsis_;
  bool has_ellipsis_;
  const absl::flat_hash_set<std::string>& literals_;
  Rule& rule_;
  absl::flat_hash_map<std::string, int> var_index_;
  absl::flat_hash_map<std::string, int> ident_index_;
};

// What a pattern variable matched: a datum at depth 0, a sequence of matches deeper.
struct Match {
  DatumPtr datum;
  std::vector<Match> seq;
};

class Transformer {
 public:
  Transformer(const std::string& name, const Rule& rule, MacroHooks& hooks, SourcePos pos)
      : name_(name), rule_(rule), hooks_(hooks), pos_(pos) {}

  bool MatchRule(const DatumPtr& use) {
    bindings_.assign(rule_.var_names.size(), Match{});
    return MatchPattern(rule_.pattern, use);
  }

  DatumPtr Instantiate() {
    cur_.assign(bindings_.size(), nullptr);
    for (size_t i = 0; i < bindings_.size(); ++i) cur_[i] = &bindings_[i];
    aliases_.assign(rule_.idents.size(), nullptr);
    return Build(rule_.tmpl);
  }

 private:
  bool MatchPattern(const Pattern& p, const DatumPtr& d) {
    switch (p.kind) {
      case Pattern::Kind::kAny:
        return true;
      case Pattern::Kind::kVar:
        bindings_[static_cast<size_t>(p.var)].datum = d;
        return true;
      case Pattern::Kind::kLiteral:
        return d->IsSymbol() && hooks_.SameBinding(p.literal, d->text);
      case Pattern::Kind::kConst:
        return DatumEqual(*p.datum, *d);
      case Pattern::Kind::kList:
      case Pattern::Kind::kVector:
        break;
    }
    const bool is_list = p.kind == Pattern::Kind::kList;
    if (d->kind != (is_list ? DatumKind::kList : DatumKind::kVector)) return false;
    ListView view(*d);
    const std::vector<DatumPtr>& items = *view.items;
    const size_t n = p.items.size();
    const size_t m = items.size();
    const bool has_tail = !p.tail.empty();
    if (p.ellipsis < 0) {
      if (has_tail ? m < n : (m != n || view.tail != nullptr)) return false;
      for (size_t i = 0; i < n; ++i) {
        if (!MatchPattern(p.items[i], items[i])) return false;
      }
      if (!has_tail) return true;
      DatumPtr rest = m == n ? (view.tail ? view.tail : MakeList({}, d->pos))
                             : MakeList(std::vector<DatumPtr>(items.begin() + static_cast<ptrdiff_t>(n), items.end()),
                                        d->pos, view.tail);
      return MatchPattern(p.tail[0], rest);
    }
    if (m + 1 < n || (!has_tail && view.tail != nullptr)) return false;
    const size_t e = static_cast<size_t>(p.ellipsis);
    const size_t after = n - 1 - e;
    for (size_t i = 0; i < e; ++i) {
      if (!MatchPattern(p.items[i], items[i])) return false;
    }
    // The repeated subpattern: each match of its variables goes into their sequences.
    const Pattern& sub = p.items[e];
    std::vector<Match> acc(sub.vars.size());
    for (size_t i = e; i < m - after; ++i) {
      if (!MatchPattern(sub, items[i])) return false;
      for (size_t k = 0; k < sub.vars.size(); ++k) {
        acc[k].seq.push_back(std::move(bindings_[static_cast<size_t>(sub.vars[k])]));
      }
    }
    for (size_t k = 0; k < sub.vars.size(); ++k) bindings_[static_cast<size_t>(sub.vars[k])] = std::move(acc[k]);
    for (size_t i = 0; i < after; ++i) {
      if (!MatchPattern(p.items[e + 1 + i], items[m - after + i])) return false;
    }
    if (!has_tail) return true;
    return MatchPattern(p.tail[0], view.tail ? view.tail : MakeList({}, d->pos));
  }

  DatumPtr Build(const Template& t) {
    CheckStack(pos_);
    switch (t.kind) {
      case Template::Kind::kConst:
        return t.datum;
      case Template::Kind::kVar:
        return cur_[static_cast<size_t>(t.var)]->datum;
      case Template::Kind::kIdent: {
        DatumPtr& alias = aliases_[static_cast<size_t>(t.ident)];
        if (alias == nullptr) alias = MakeSymbol(hooks_.Alias(t.datum->text), pos_);
        return alias;
      }
      case Template::Kind::kList:
      case Template::Kind::kVector:
        break;
    }
    std::vector<DatumPtr> out;
    for (const Template& item : t.items) Emit(item, 0, out);
    if (t.kind == Template::Kind::kVector) {
      auto v = std::make_shared<Datum>();
      v->kind = DatumKind::kVector;
      v->pos = pos_;
      v->items = std::move(out);
      return v;
    }
    DatumPtr tail;
    if (!t.tail.empty()) {
      tail = Build(t.tail[0]);
      if (out.empty()) return tail;
      if (tail->kind == DatumKind::kList) {  // (a . (b c)) is (a b c)
        ListView view(*tail);
        out.insert(out.end(), view.items->begin(), view.items->end());
        tail = view.tail;
      }
    }
    return MakeList(std::move(out), pos_, std::move(tail));
  }

  // Appends the instances of `t` with its ellipses from `level` on.
  void Emit(const Template& t, size_t level, std::vector<DatumPtr>& out) {
    if (level == t.drivers.size()) {
      out.push_back(Build(t));
      return;
    }
    const std::vector<int>& ds = t.drivers[level];
    std::vector<const Match*> saved;
    saved.reserve(ds.size());
    for (int v : ds) saved.push_back(cur_[static_cast<size_t>(v)]);
    const size_t len = saved[0]->seq.size();
    for (size_t k = 1; k < ds.size(); ++k) {
      if (saved[k]->seq.size() != len) {
        Fail(absl::StrCat(name_, ": pattern variables ", PlainName(rule_.var_names[static_cast<size_t>(ds[0])]),
                          " and ", PlainName(rule_.var_names[static_cast<size_t>(ds[k])]),
                          " matched sequences of different lengths (", len, " and ", saved[k]->seq.size(),
                          ") but follow the same ellipsis in the template"),
             pos_);
      }
    }
    for (size_t i = 0; i < len; ++i) {
      for (size_t k = 0; k < ds.size(); ++k) cur_[static_cast<size_t>(ds[k])] = &saved[k]->seq[i];
      Emit(t, level + 1, out);
    }
    for (size_t k = 0; k < ds.size(); ++k) cur_[static_cast<size_t>(ds[k])] = saved[k];
  }

  const std::string& name_;
  const Rule& rule_;
  MacroHooks& hooks_;
  SourcePos pos_;
  std::vector<Match> bindings_;
  std::vector<const Match*> cur_;
  std::vector<DatumPtr> aliases_;
};

}  // namespace

std::shared_ptr<const SyntaxRules> SyntaxRules::Parse(const DatumPtr& spec, std::string name) {
  const std::string shape = absl::StrCat(
      name, ": expected (syntax-rules (literal ...) (pattern template) ...) or (syntax-rules ellipsis "
            "(literal ...) (pattern template) ...)");
  if (!spec->IsProperList() || spec->items.size() < 2) Fail(shape, spec->pos);
  std::shared_ptr<SyntaxRules> rules(new SyntaxRules());
  rules->name_ = std::move(name);
  const auto& items = spec->items;
  size_t next = 1;
  std::string ellipsis = "...";
  if (items[1]->IsSymbol()) {
    ellipsis = std::string(StripAlias(items[1]->text));
    ++next;
  }
  if (next >= items.size() || !items[next]->IsProperList()) Fail(shape, spec->pos);
  absl::flat_hash_set<std::string> literals;
  bool has_ellipsis = true;
  for (const DatumPtr& lit : items[next]->items) {
    if (!lit->IsSymbol()) {
      Fail(absl::StrCat(rules->name_, ": a syntax-rules literal must be an identifier, got ", Show(lit)), lit->pos);
    }
    literals.insert(lit->text);
    if (StripAlias(lit->text) == ellipsis) has_ellipsis = false;  // R7RS: then it is a literal
  }
  for (size_t i = next + 1; i < items.size(); ++i) {
    const DatumPtr& r = items[i];
    if (!r->IsProperList() || r->items.size() != 2) {
      Fail(absl::StrCat(rules->name_, ": expected a rule (pattern template), got ", Show(r)), r->pos);
    }
    const DatumPtr& pattern = r->items[0];
    if (pattern->kind != DatumKind::kList || pattern->IsNil()) {
      Fail(absl::StrCat(rules->name_, ": a rule's pattern must be a list starting with the keyword, got ",
                        Show(pattern)),
           pattern->pos);
    }
    Rule rule;
    RuleCompiler compiler(rules->name_, ellipsis, has_ellipsis, literals, rule);
    rule.pattern = compiler.CompilePattern(pattern, /*top=*/true);
    if (rule.pattern.ellipsis == 0) {
      Fail(absl::StrCat(rules->name_, ": ", ellipsis, " cannot follow the keyword of a pattern"), pattern->pos);
    }
    std::vector<RuleCompiler::Use> uses;
    rule.tmpl = compiler.CompileTemplate(r->items[1], 0, true, uses);
    rules->rules_.push_back(std::move(rule));
  }
  return rules;
}

DatumPtr SyntaxRules::Transform(const DatumPtr& use, MacroHooks& hooks) const {
  for (const Rule& rule : rules_) {
    Transformer t(name_, rule, hooks, use->pos);
    if (t.MatchRule(use)) return t.Instantiate();
  }
  Fail(absl::StrCat(name_, ": no syntax-rules clause matches ", Show(use)), use->pos);
}

}  // namespace toylang
