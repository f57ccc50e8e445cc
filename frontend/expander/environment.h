// The expander's environments: what an identifier means at a point of the program
// (docs/design/macros.md).
//
// A Frame maps identifiers (symbol names, aliases included: an alias's name is unique to one
// expansion step, so it is its identity) to a local variable or a macro. Frames form a chain
// through `parent`; the top level is outside every frame (nullptr) and is held by the Expander
// (its macros, and the built-in keywords). Frames are owned by the Expander for the top-level
// form being expanded: a macro keeps a plain pointer to the frame it was defined in, and so may
// an alias, and neither outlives the form.
#ifndef TOYLANG_FRONTEND_EXPANDER_ENVIRONMENT_H_
#define TOYLANG_FRONTEND_EXPANDER_ENVIRONMENT_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "frontend/expander/syntax_rules.h"

namespace toylang {

struct Frame;

// A syntax-rules macro and the environment its template's identifiers mean what they mean in.
struct Macro {
  std::shared_ptr<const SyntaxRules> rules;
  const Frame* env = nullptr;  // nullptr: defined at top level
};

// What a name is bound to in a frame: a variable (its core name) or a macro.
struct Binding {
  std::string core;                    // a variable's name in the core forms
  std::shared_ptr<const Macro> macro;  // non-null: a macro keyword
};

struct Frame {
  const Frame* parent = nullptr;
  absl::flat_hash_map<std::string, Binding> names;
};

// What an identifier resolves to.
struct Resolved {
  enum class Kind : uint8_t {
    kLocal,    // a local variable: `name` is its core name
    kMacro,    // a macro: `macro`; `name` is the identifier it is bound by
    kKeyword,  // a built-in keyword at top level (if, lambda, else, => ...): `name`
    kGlobal,   // a top-level variable: `name`
  };
  Kind kind = Kind::kGlobal;
  std::string name;
  const Frame* frame = nullptr;  // the frame that binds it (nullptr: top level)
  const Macro* macro = nullptr;
  // Reached through an alias at top level: a reference must skip the local scopes of the use.
  bool via_alias = false;

  // free-identifier=?: the same binding.
  bool Same(const Resolved& other) const {
    return kind == other.kind && frame == other.frame && name == other.name;
  }
};

// The built-in keywords (if, lambda, else, =>, syntax-rules ...), and those of them that
// introduce a special form (all but else and =>).
bool IsBuiltinKeyword(std::string_view name);
bool IsFormKeyword(std::string_view name);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_EXPANDER_ENVIRONMENT_H_
