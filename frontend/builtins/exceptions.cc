// Exceptions and error objects (exceptions.h): raise, raise-continuable,
// with-exception-handler, %guard (what the expander makes of guard), error, error-object?,
// error-object-message, error-object-irritants, read-error?, file-error?.
//
// Deviations from R7RS (for docs/toylang.md):
// - An error signalled by a built-in ((car 1), (vector-ref v 99), a file that cannot be opened)
//   reaches a with-exception-handler handler after the C++ stack was unwound to the
//   with-exception-handler call (the handler still runs with the outer handlers installed, and
//   returning from it is the secondary error as for raise); for guard there is no difference.
//   Its error object's message is the error's text ("car: expected a pair, got 1"), its
//   irritants '().
// - guard evaluates its clauses after unwinding to the guard (as R7RS says); when no clause
//   matches it re-raises the object from the guard's dynamic environment (R7RS: from the
//   original raise's), so for raise-continuable a value returned by an outer handler becomes
//   the guard's value instead of the raise-continuable's.
// - (error message irritant ...) with a message that is not a string uses its written form.
// - The "interrupted" error (Ctrl-C, engine shutdown) is not an exception: no handler sees it.
#include "frontend/builtins/exceptions.h"

#include <optional>
#include <string>
#include <utility>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/builtins/dynamic_env.h"
#include "frontend/objects/printer.h"
#include "frontend/objects/runtime.h"
#include "mosaic/roots.h"

namespace toylang {

using V = Value;

// --- RaisedException ---------------------------------------------------------------------------

struct RaisedException::Root {
  Root(mosaic::Heap* h, mosaic::RootCell* c) : heap(h), cell(c) {}
  ~Root() { heap->FreeRootCell(cell); }
  Root(const Root&) = delete;  // one owner of the cell: the shared_ptr
  Root& operator=(const Root&) = delete;
  mosaic::Heap* heap;
  mosaic::RootCell* cell;  // (payload . target)
};

RaisedException::RaisedException(V payload, bool continuable, V target, std::string message,
                                 SourcePos pos)
    : Error(std::move(message), pos), continuable_(continuable) {
  mosaic::Heap& heap = Runtime::Get().heap();
  V pair = Cons(payload, target);
  root_ = std::make_shared<Root>(&heap, heap.NewRootCell(pair));
}

V RaisedException::payload() const { return Car(root_->cell->Load()); }
V RaisedException::target() const { return Cdr(root_->cell->Load()); }

// --- Error objects -----------------------------------------------------------------------------

namespace {

// Each irritant is cut off after this many characters when an error is reported, so that a
// huge or self-containing value cannot make reporting the error itself hang.
constexpr size_t kMaxIrritantChars = 4000;

constexpr size_t kMessageSlot = 1;
constexpr size_t kIrritantsSlot = 2;
constexpr size_t kKindSlot = 3;

V Slot(V obj, size_t i) { return V::FromBits(obj.ObjectWords()[i]); }

ErrorObjectKind ErrorKindOf(V obj) { return static_cast<ErrorObjectKind>(Slot(obj, kKindSlot).FixnumValue()); }

}  // namespace

V MakeErrorObject(V message, V irritants, ErrorObjectKind kind) {
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(ObjType::kErrorObject, 3, 0));
  // Made just now, before any safepoint: young, no barrier needed.
  words[kMessageSlot] = message.bits();
  words[kIrritantsSlot] = irritants.bits();
  words[kKindSlot] = V::Fixnum(static_cast<int64_t>(kind)).bits();
  return V::Object(words);
}

std::string ErrorObjectText(V obj) {
  std::string text(StringView(Slot(obj, kMessageSlot)));
  for (V l = Slot(obj, kIrritantsSlot); l.IsPair(); l = Cdr(l)) {
    text += ' ';
    text += WriteStringLimited(Car(l), kMaxIrritantChars);
  }
  return text;
}

namespace {

std::string UncaughtMessage(V obj) {
  if (IsErrorObject(obj)) return ErrorObjectText(obj);
  return "uncaught exception: " + builtins_internal::Quote(obj);
}

// A C++ error as a handler boundary copies it out of its catch block.
struct CaughtError {
  std::string message;
  SourcePos pos;
  ErrorObjectKind kind;
};

// "interrupted" (Ctrl-C, an engine shutting down its threads) must end the program's
// evaluation whatever handlers it installed.
bool IsCatchable(const Error& e) { return e.message() != "interrupted"; }

CaughtError Capture(const Error& e) {
  ErrorObjectKind kind = ErrorObjectKind::kError;
  if (dynamic_cast<const FileError*>(&e) != nullptr) kind = ErrorObjectKind::kFile;
  if (dynamic_cast<const ReadSyntaxError*>(&e) != nullptr) kind = ErrorObjectKind::kRead;
  return {e.message(), e.pos(), kind};
}

// A handler boundary: calls `proc` with the handler stack `inside` installed, and restores the
// caller's on every exit. A C++ error from a built-in that leaves the call is raised here, as an
// error object, with `inside` installed: the handler R7RS would have called at the error is
// called now, after the unwinding. Raised objects pass through (they were dispatched when they
// were raised).
V CallWithHandlers(CallContext& ctx, V proc, const V* args, int argc, V inside) {
  HandlersRestore restore(CurrentHandlers());
  SetCurrentHandlers(inside);
  std::optional<CaughtError> caught;
  try {
    return ctx.Apply(proc, args, argc);
  } catch (const RaisedException&) {
    throw;
  } catch (const Error& e) {
    if (!IsCatchable(e)) throw;
    caught = Capture(e);
  }
  // Out of the catch block: toylang code may run again.
  SetCurrentHandlers(inside);
  V obj = MakeErrorObject(MakeString(caught->message), V::Nil(), caught->kind);
  return RaiseObject(ctx, obj, /*continuable=*/false, caught->pos);
}

}  // namespace

V RaiseObject(CallContext& ctx, V obj, bool continuable, SourcePos pos) {
  V handlers = CurrentHandlers();
  if (!handlers.IsPair()) throw RaisedException(obj, continuable, V::False(), UncaughtMessage(obj), pos);
  V handler = Car(handlers);
  if (handler.IsPair()) {  // a guard's marker: unwind to its frame
    throw RaisedException(obj, continuable, handler, UncaughtMessage(obj), pos);
  }
  V outer = Cdr(handlers);
  V result = CallWithHandlers(ctx, handler, &obj, 1, outer);
  if (continuable) return result;
  // R7RS: "a secondary exception is raised in the same dynamic environment as the handler".
  HandlersRestore restore(CurrentHandlers());
  SetCurrentHandlers(outer);
  V secondary = MakeErrorObject(
      MakeString("raise: the exception handler returned from a non-continuable exception:"),
      Cons(obj, V::Nil()), ErrorObjectKind::kError);
  return RaiseObject(ctx, secondary, /*continuable=*/false, pos);
}

namespace builtins_internal {
namespace {

V Raise(CallContext& ctx, const V* a, int) { return RaiseObject(ctx, a[0], false); }
V RaiseContinuable(CallContext& ctx, const V* a, int) { return RaiseObject(ctx, a[0], true); }

V WithExceptionHandler(CallContext& ctx, const V* a, int) {
  CheckProcedure("with-exception-handler", a[0]);
  CheckProcedure("with-exception-handler", a[1]);
  V handler = a[0];
  V thunk = a[1];
  return CallWithHandlers(ctx, thunk, nullptr, 0, Cons(handler, CurrentHandlers()));
}

// (%guard body-thunk clauses): what the expander makes of (guard (var clause ...) body ...).
// `clauses` is (lambda (var no-match) (cond clause ... (else no-match))): it returns its second
// argument when no clause matches, and then the object is raised again.
V Guard(CallContext& ctx, const V* a, int) {
  V body = a[0];
  V clauses = a[1];
  V saved = CurrentHandlers();
  V marker = Cons(V::False(), V::False());  // this entry's identity on the handler stack
  V obj;
  bool continuable = false;
  SourcePos pos;
  try {
    return CallWithHandlers(ctx, body, nullptr, 0, Cons(marker, saved));
  } catch (const RaisedException& e) {
    if (e.target() != marker) throw;
    obj = e.payload();
    continuable = e.continuable();
    pos = e.pos();
  }
  // Out of the catch block, with the guard's own handlers (CallWithHandlers restored them).
  SetCurrentHandlers(saved);
  V args[2] = {obj, marker};
  V result = ctx.Apply(clauses, args, 2);
  if (result != marker) return result;
  return RaiseObject(ctx, obj, continuable, pos);
}

V ErrorFn(CallContext& ctx, const V* args, int argc) {
  V message = IsString(args[0]) ? args[0] : MakeString(WriteStringLimited(args[0], kMaxIrritantChars));
  V irritants = ListFromArgs(args + 1, argc - 1);
  V obj = MakeErrorObject(message, irritants, ErrorObjectKind::kError);
  return RaiseObject(ctx, obj, false);
}

V CheckErrorObject(const char* who, V v) {
  if (!IsErrorObject(v)) TypeError(who, "error object", v);
  return v;
}

V ErrorObjectP(CallContext&, const V* a, int) { return V::Bool(IsErrorObject(a[0])); }
V ErrorObjectMessage(CallContext&, const V* a, int) {
  return Slot(CheckErrorObject("error-object-message", a[0]), kMessageSlot);
}
V ErrorObjectIrritants(CallContext&, const V* a, int) {
  return Slot(CheckErrorObject("error-object-irritants", a[0]), kIrritantsSlot);
}
V ReadErrorP(CallContext&, const V* a, int) {
  return V::Bool(IsErrorObject(a[0]) && ErrorKindOf(a[0]) == ErrorObjectKind::kRead);
}
V FileErrorP(CallContext&, const V* a, int) {
  return V::Bool(IsErrorObject(a[0]) && ErrorKindOf(a[0]) == ErrorObjectKind::kFile);
}

constexpr Builtin kBuiltins[] = {
    {"raise", 1, 1, Raise},
    {"raise-continuable", 1, 1, RaiseContinuable},
    {"with-exception-handler", 2, 2, WithExceptionHandler},
    {"%guard", 2, 2, Guard},
    {"error", 1, -1, ErrorFn},
    {"error-object?", 1, 1, ErrorObjectP},
    {"error-object-message", 1, 1, ErrorObjectMessage},
    {"error-object-irritants", 1, 1, ErrorObjectIrritants},
    {"read-error?", 1, 1, ReadErrorP},
    {"file-error?", 1, 1, FileErrorP},
};

}  // namespace

absl::Span<const Builtin> ExceptionBuiltins() { return kBuiltins; }

}  // namespace builtins_internal
}  // namespace toylang
