// Output: display, write, newline, write-char, all to the engine's current output
// (CallContext::out()).
//
// Deviations from R7RS (for docs/toylang.md):
// - There are no port objects: display, write, newline and write-char take no port argument and
//   always write to the program's output.
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
void PrintValue(CallContext& ctx, V v, bool write) {
  std::ostringstream text;
  Print(text, v, write);
  WriteOutput(ctx, text.view());
}

V Display(CallContext& ctx, const V* a, int) {
  PrintValue(ctx, a[0], /*write=*/false);
  return V::Unspecified();
}

V Write(CallContext& ctx, const V* a, int) {
  PrintValue(ctx, a[0], /*write=*/true);
  return V::Unspecified();
}

V Newline(CallContext& ctx, const V*, int) {
  WriteOutput(ctx, "\n");
  return V::Unspecified();
}

V WriteChar(CallContext& ctx, const V* a, int) {
  CheckChar("write-char", a[0]);
  PrintValue(ctx, a[0], /*write=*/false);
  return V::Unspecified();
}

constexpr Builtin kBuiltins[] = {
    {"display", 1, 1, Display},
    {"write", 1, 1, Write},
    {"newline", 0, 0, Newline},
    {"write-char", 1, 1, WriteChar},
};

}  // namespace

absl::Span<const Builtin> IoBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
