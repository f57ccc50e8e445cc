// Output: display, write, newline, write-char, to the port given as their last argument or to
// the current output port (ports.cc): the engine's output (CallContext::out()) unless
// with-output-to-file says otherwise.
//
// Deviations from R7RS (for docs/toylang.md):
// - write does not use datum labels: it prints shared structure twice, and a cycle through cdrs
//   ends in " ...)" (a cycle through cars or vectors is cut off at 1,000,000 levels of nesting).
// - Characters are written as UTF-8; string bytes are written unchanged.
#include <sstream>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/objects/printer.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

// Each call's text is made first and written as one piece (WriteOutput): output from several
// threads interleaves only between calls.
void PrintValue(CallContext& ctx, const char* who, const V* a, int n, bool write) {
  std::ostringstream text;
  Print(text, a[0], write);
  PortOutput(ctx, who, a, n, 1, text.view());
}

V Display(CallContext& ctx, const V* a, int n) {
  PrintValue(ctx, "display", a, n, /*write=*/false);
  return V::Unspecified();
}

V Write(CallContext& ctx, const V* a, int n) {
  PrintValue(ctx, "write", a, n, /*write=*/true);
  return V::Unspecified();
}

V Newline(CallContext& ctx, const V* a, int n) {
  PortOutput(ctx, "newline", a, n, 0, "\n");
  return V::Unspecified();
}

V WriteChar(CallContext& ctx, const V* a, int n) {
  CheckChar("write-char", a[0]);
  PrintValue(ctx, "write-char", a, n, /*write=*/false);
  return V::Unspecified();
}

constexpr Builtin kBuiltins[] = {
    {"display", 1, 2, Display},
    {"write", 1, 2, Write},
    {"newline", 0, 1, Newline},
    {"write-char", 1, 2, WriteChar},
};

}  // namespace

absl::Span<const Builtin> IoBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
