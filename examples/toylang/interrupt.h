// SIGINT handling shared by the file runner and the REPL. The handler only touches
// async-signal-safe state: it asks the running engine to stop (Engine::RequestInterrupt is
// async-signal-safe by contract) and, when nothing is running, either ignores the signal (the
// REPL's line editor reads Ctrl-C as a key) or ends the process.
#ifndef TOYLANG_EXAMPLES_TOYLANG_INTERRUPT_H_
#define TOYLANG_EXAMPLES_TOYLANG_INTERRUPT_H_

#include "frontend/engine/engine.h"

namespace toylang {

enum class IdleSigint {
  // The REPL: at its prompt the line editor reads Ctrl-C as a key, so a SIGINT while nothing
  // runs can only come in the moment between a line being entered and its evaluation starting;
  // it is kept pending and interrupts that evaluation as soon as it starts.
  kIgnore,
  kExit,    // no evaluation is running and nobody reads Ctrl-C: end the process (status 130)
};

// Installs the handler for `engine` (once per process; a second call replaces the engine).
void InstallSigintHandler(Engine* engine, IdleSigint idle);

// Forgets a Ctrl-C kept pending while idle (called before reading a new line).
void ClearPendingInterrupt();

// Marks an evaluation as running for the handler. A second Ctrl-C during the same evaluation
// ends the process, in case the evaluation is stuck where the engine does not poll.
class EvaluationScope {
 public:
  EvaluationScope();
  ~EvaluationScope();
  EvaluationScope(const EvaluationScope&) = delete;
  EvaluationScope& operator=(const EvaluationScope&) = delete;

  // Whether Ctrl-C was pressed during this evaluation (the terminal has echoed "^C" and the
  // cursor is still on that line).
  bool interrupted() const;
};

}  // namespace toylang

#endif  // TOYLANG_EXAMPLES_TOYLANG_INTERRUPT_H_
