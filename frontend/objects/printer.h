// Printing values as `display` and `write` show them.
//
//   Print(std::cout, v, /*write=*/true);   // "a\nb" with quotes and escapes, #\a, 1.5, (1 . 2)
//   std::string s = WriteString(v);
//
// The printer does not recurse (it keeps an explicit work stack), so neither long lists nor deep
// nesting can overflow the C++ stack. A cycle along the cdrs is detected and printed as " ...)";
// a cycle through cars or vectors prints until a nesting depth of 1,000,000, then "...".
#ifndef TOYLANG_FRONTEND_OBJECTS_PRINTER_H_
#define TOYLANG_FRONTEND_OBJECTS_PRINTER_H_

#include <cstdint>
#include <ostream>
#include <string>

#include "frontend/objects/objects.h"

namespace toylang {

void Print(std::ostream& out, Value v, bool write);
std::string WriteString(Value v);    // as `write`
std::string DisplayString(Value v);  // as `display`
// As WriteString, but at most `max_chars` characters, then "..." if there was more. Stops
// walking the value once the limit is reached, so it is cheap (and terminates) on a huge or
// cyclic value: error messages use it for the offending value.
std::string WriteStringLimited(Value v, size_t max_chars);

// R7RS's spelling of a flonum: the shortest digits that read back as the same double, always
// with a '.' or an exponent so it reads back inexact. Fixed notation for 1e-6 <= |d| < 1e21,
// exponent notation outside (JavaScript's rule): 1.0, 0.5, -0.0, 100.0, 0.000001, 1e-7,
// 1.5e+21, 1e+100, +inf.0, -inf.0, +nan.0.
std::string FormatFlonum(double d);
// How `write` spells a character: #\a, #\space, #\newline, #\x3bb, ...
std::string FormatChar(uint32_t code_point);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_PRINTER_H_
