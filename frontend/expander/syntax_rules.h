// syntax-rules transformers (R7RS 4.3.2): parsing and checking a transformer, matching a use
// against its patterns and instantiating the chosen template.
//
//   std::shared_ptr<const SyntaxRules> rules = SyntaxRules::Parse(spec, "my-or");  // throws
//   DatumPtr out = rules->Transform(use, hooks);  // throws "my-or: no syntax-rules clause ..."
//
// This file knows nothing of environments: what hygiene needs from the expander goes through
// MacroHooks (docs/design/macros.md). The template's own identifiers (those that are not pattern
// variables) come out as aliases made by MacroHooks::Alias, one per identifier and expansion;
// pattern variables come out as the datums they matched, positions included.
//
// Patterns and templates are compiled once, when the macro is defined; every mistake in them is
// reported then, at its position: a malformed rule, a pattern variable bound twice, two
// ellipses in one list, a pattern variable used at fewer ellipses than it was bound at, an
// ellipsis with no pattern variable to iterate over.
#ifndef TOYLANG_FRONTEND_EXPANDER_SYNTAX_RULES_H_
#define TOYLANG_FRONTEND_EXPANDER_SYNTAX_RULES_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/reader/datum.h"

namespace toylang {

// What a transformer asks of the expander while it transforms one use.
class MacroHooks {
 public:
  virtual ~MacroHooks() = default;
  // free-identifier=?: whether `input` (an identifier of the use) means what the literal
  // `literal` means in the macro's definition environment.
  virtual bool SameBinding(const std::string& literal, const std::string& input) = 0;
  // The name of a fresh alias of `identifier`, made for this expansion step: it remembers the
  // macro's definition environment.
  virtual std::string Alias(const std::string& identifier) = 0;
};

class SyntaxRules {
 public:
  // Compiles `spec`, the datum (syntax-rules [ellipsis] (literal ...) (pattern template) ...);
  // `name` is the keyword being defined (for messages). Throws Error at the faulty part.
  static std::shared_ptr<const SyntaxRules> Parse(const DatumPtr& spec, std::string name);

  // Rewrites `use` (a list whose head is this macro's keyword) by its first matching rule.
  DatumPtr Transform(const DatumPtr& use, MacroHooks& hooks) const;

  const std::string& name() const { return name_; }

  ~SyntaxRules();
  struct Pattern;
  struct Template;
  struct Rule;

 private:
  SyntaxRules() = default;
  std::string name_;
  std::vector<Rule> rules_;
};

// Aliases are symbols named "#@N:base" (no symbol the reader produces without |bars| starts
// with "#@"); `base` is the identifier they rename, itself possibly an alias.
bool IsAlias(std::string_view name);
// The plain symbol name under any number of aliases: "#@3:#@1:tmp" -> "tmp".
std::string_view StripAlias(std::string_view name);
// The same, as a string (absl::StrCat here takes no std::string_view).
inline std::string PlainName(std::string_view name) { return std::string(StripAlias(name)); }
// The alias named for `base` with stamp `n`.
std::string MakeAliasName(uint64_t n, std::string_view base);
// `datum` with every alias replaced by its plain name (what (quote datum) means); the same
// pointer when it holds no alias.
DatumPtr StripAliases(const DatumPtr& datum);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_EXPANDER_SYNTAX_RULES_H_
