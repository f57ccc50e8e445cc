// The toylang REPL: libedit line editing and history when standard input is a terminal, plain
// line reading otherwise (so `echo '(+ 1 2)' | toylang` works).
#ifndef TOYLANG_EXAMPLES_TOYLANG_REPL_H_
#define TOYLANG_EXAMPLES_TOYLANG_REPL_H_

#include "frontend/engine/engine.h"

namespace toylang {

// Runs the REPL on the calling thread (the engine's thread) until end of input, ,quit or (exit).
// Returns the process exit status: (exit n) gives n; otherwise 0, except that non-interactive
// input that hit an error gives 1 so that scripts notice.
int RunRepl(Engine& engine);

}  // namespace toylang

#endif  // TOYLANG_EXAMPLES_TOYLANG_REPL_H_
