// R7RS exceptions: raise, raise-continuable, with-exception-handler, guard (the expander's
// %guard), error and error objects. docs/design/exceptions.md explains the design; in short:
//
// - The handler stack is per-thread dynamic state (dynamic_state.h). (raise obj) calls the
//   innermost handler at the raise point, with the outer handlers installed; a guard's entry
//   on the stack is a marker, and raising to it throws a RaisedException that unwinds to the
//   guard's frame, which then evaluates its clauses.
// - Errors signalled by built-ins are ordinary toylang::Error C++ exceptions. Every frame that
//   changes the handler stack (a handler boundary: with-exception-handler's thunk, a handler's
//   own call, a guard's body) catches them as they leave it and raises them there, as error
//   objects, with the handler stack it had installed: handlers see them after the unwinding
//   to that frame (a documented deviation), guards are unaffected.
// - No toylang code ever runs inside a C++ catch block: what a catch needs is copied to locals
//   and the call is made after the block ends (continuations copy and restore stacks).
#ifndef TOYLANG_FRONTEND_BUILTINS_EXCEPTIONS_H_
#define TOYLANG_FRONTEND_BUILTINS_EXCEPTIONS_H_

#include <memory>
#include <string>

#include "frontend/builtins/builtins.h"
#include "frontend/common/error.h"
#include "mosaic/value.h"

namespace toylang {

// A raised object in flight. Derived from Error, so every catch (Error&) site, positions and
// the pipeline's report keep working: message() is what an uncaught raise reports (an error
// object's message and irritants, or "uncaught exception: <written object>"). The payload and
// the target guard marker (#f: none, the raise is uncaught) stay rooted by a RootCell that the
// exception (and its copies) own, since a C++ exception object lives in memory the collector
// does not scan.
class RaisedException : public Error {
 public:
  RaisedException(mosaic::Value payload, bool continuable, mosaic::Value target,
                  std::string message, SourcePos pos);
  mosaic::Value payload() const;
  mosaic::Value target() const;
  bool continuable() const { return continuable_; }

 private:
  struct Root;
  std::shared_ptr<Root> root_;
  bool continuable_;
};

// What a built-in throws for a file it cannot open (file-error? is #t for its error object) and
// for text `read` cannot parse (read-error?).
class FileError : public Error {
 public:
  using Error::Error;
};
class ReadSyntaxError : public Error {
 public:
  using Error::Error;
};

enum class ErrorObjectKind : int64_t { kError = 0, kFile = 1, kRead = 2 };

// An error object: `message` a string, `irritants` a list.
mosaic::Value MakeErrorObject(mosaic::Value message, mosaic::Value irritants, ErrorObjectKind kind);
// What an uncaught error object reports: the message, then each irritant as `write` prints it,
// separated by spaces (each cut off after 4,000 characters).
std::string ErrorObjectText(mosaic::Value error_object);

// Raises `obj` in the current dynamic environment: calls the innermost handler (with the outer
// ones installed) and returns its value when `continuable`; a handler that returns from a
// non-continuable raise raises a secondary error. Throws a RaisedException when the innermost
// handler is a guard's or when there is none (uncaught; `pos` is then its position if it has
// none yet).
mosaic::Value RaiseObject(CallContext& ctx, mosaic::Value obj, bool continuable,
                          SourcePos pos = {});

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_EXCEPTIONS_H_
