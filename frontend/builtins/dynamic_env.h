// The per-thread dynamic state of a toylang program: the exception-handler stack
// (with-exception-handler, guard) and the parameterization (parameterize). Each is ONE Value per
// thread, read and written only through the functions here; both are registered with
// dynamic_state.h, so that a continuation saves them when it is captured and restores them
// when it is re-entered.
//
//   Value saved = CurrentHandlers();
//   HandlersRestore restore(saved);          // puts `saved` back on every exit, errors too
//   SetCurrentHandlers(Cons(handler, saved));
//   ... call toylang code ...
//
// The state lives in a heap vector held by a RootCell (so it is a root wherever the thread is),
// made by a DynamicStateScope for each thread that runs toylang code: the engine's own thread
// (EngineThread) and each toylang thread (threads.cc). A new thread starts with no handlers and
// the parameterize bindings its creator had at make-thread (SRFI-18).
//
// Handler stack: a list, innermost first, of handler procedures (with-exception-handler) and
// guard markers (fresh pairs, one per entry into a guard; exceptions.cc). Parameterization: a
// list, innermost first, of (parameter-state . value) pairs (promises.cc's parameters).
#ifndef TOYLANG_FRONTEND_BUILTINS_DYNAMIC_ENV_H_
#define TOYLANG_FRONTEND_BUILTINS_DYNAMIC_ENV_H_

#include "mosaic/heap.h"
#include "mosaic/roots.h"
#include "mosaic/value.h"

namespace toylang {

// Both read '() on a thread without a DynamicStateScope; setting there is an internal error.
mosaic::Value CurrentHandlers();
void SetCurrentHandlers(mosaic::Value handlers);
mosaic::Value CurrentParameterization();
void SetCurrentParameterization(mosaic::Value bindings);

// The calling thread's dynamic state for the scope's life (the thread must be registered with
// `heap`, with a toylang Runtime current). Scopes nest; the previous one is restored.
class DynamicStateScope {
 public:
  explicit DynamicStateScope(mosaic::Heap& heap);
  ~DynamicStateScope();
  DynamicStateScope(const DynamicStateScope&) = delete;
  DynamicStateScope& operator=(const DynamicStateScope&) = delete;

 private:
  mosaic::Heap& heap_;
  mosaic::RootCell* cell_;
  mosaic::RootCell* previous_;
};

// Restore the value saved at construction on destruction (normal exit or unwinding). They
// store the saved value rather than pop, so they are right even when someone else (a
// continuation) replaced the state in between. The saved Value is a member of an object on the
// C++ stack, where the conservative scan sees it.
class HandlersRestore {
 public:
  explicit HandlersRestore(mosaic::Value saved) : saved_(saved) {}
  ~HandlersRestore() { SetCurrentHandlers(saved_); }
  HandlersRestore(const HandlersRestore&) = delete;
  HandlersRestore& operator=(const HandlersRestore&) = delete;

 private:
  mosaic::Value saved_;
};

class ParameterizationRestore {
 public:
  explicit ParameterizationRestore(mosaic::Value saved) : saved_(saved) {}
  ~ParameterizationRestore() { SetCurrentParameterization(saved_); }
  ParameterizationRestore(const ParameterizationRestore&) = delete;
  ParameterizationRestore& operator=(const ParameterizationRestore&) = delete;

 private:
  mosaic::Value saved_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_DYNAMIC_ENV_H_
