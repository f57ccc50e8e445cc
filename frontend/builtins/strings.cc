// Characters, strings and symbols.
//
// Deviations from R7RS (for docs/toylang.md):
// - Strings are mutable byte strings. A string literal's non-ASCII text is stored as its UTF-8
//   bytes, so (string-length "é") => 2 and string-ref returns one byte as a character
//   (#\xc3); display writes the bytes back unchanged, so text round-trips. Storing a character
//   above #\xff in a string (string-set!, make-string, string, list->string) is the error
//   "string-set!: cannot store #\λ in a string (strings hold bytes: characters up to #\xff)".
// - Characters are full Unicode code points, but char-alphabetic?, char-numeric?,
//   char-whitespace?, char-upcase and char-downcase know only ASCII (other characters are
//   neither letters, digits nor whitespace, and have no case).
// - String literals are mutable (R7RS makes mutating a literal an error; toylang allows it).
// - substring's end is optional (defaults to the string's length), like string-copy's.
// - string=? string<? string>? string<=? string>=? char=? char<? ... accept one or more
//   arguments.
#include <cstring>
#include <string>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/objects/objects.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

// --- Symbols ---------------------------------------------------------------------------------

V SymbolP(CallContext&, const V* a, int) { return V::Bool(IsSymbol(a[0])); }

V SymbolToString(CallContext&, const V* a, int) {
  // A copy: the symbol's own name must not change if the program mutates the result.
  return MakeString(SymbolView(CheckSymbol("symbol->string", a[0])));
}

V StringToSymbol(CallContext&, const V* a, int) {
  return Intern(StringView(CheckString("string->symbol", a[0])));
}

// --- Characters ------------------------------------------------------------------------------

V CharP(CallContext&, const V* a, int) { return V::Bool(a[0].IsChar()); }

V CharToInteger(CallContext&, const V* a, int) {
  return V::Fixnum(CheckChar("char->integer", a[0]));
}

V IntegerToChar(CallContext&, const V* a, int) {
  int64_t n = CheckFixnum("integer->char", a[0]);
  if (n < 0 || n > 0x10ffff || (n >= 0xd800 && n < 0xe000)) {
    TypeError("integer->char", "Unicode scalar value", a[0]);
  }
  return V::Char(static_cast<uint32_t>(n));
}

template <Order O>
V CharCompare(CallContext&, const V* args, int argc) {
  static constexpr const char* kNames[] = {"char=?", "char<?", "char>?", "char<=?", "char>=?"};
  const char* who = kNames[static_cast<int>(O)];
  bool result = true;
  for (int i = 0; i < argc; ++i) {
    uint32_t c = CheckChar(who, args[i]);
    if (i > 0) {
      uint32_t p = args[i - 1].CharValue();
      if (!Holds(O, p < c ? -1 : p > c)) result = false;
    }
  }
  return V::Bool(result);
}

bool IsAsciiAlpha(uint32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

V CharAlphabeticP(CallContext&, const V* a, int) {
  return V::Bool(IsAsciiAlpha(CheckChar("char-alphabetic?", a[0])));
}
V CharNumericP(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("char-numeric?", a[0]);
  return V::Bool(c >= '0' && c <= '9');
}
V CharWhitespaceP(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("char-whitespace?", a[0]);
  return V::Bool(c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v');
}
V CharUpcase(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("char-upcase", a[0]);
  return V::Char(c >= 'a' && c <= 'z' ? c - 32 : c);
}
V CharDowncase(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("char-downcase", a[0]);
  return V::Char(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

// --- Strings ---------------------------------------------------------------------------------

V StringP(CallContext&, const V* a, int) { return V::Bool(IsString(a[0])); }

V MakeStringFn(CallContext&, const V* args, int argc) {
  int64_t n = CheckFixnum("make-string", args[0]);
  if (n < 0) TypeError("make-string", "non-negative length", args[0]);
  char fill = ' ';
  if (argc > 1) fill = CharToByte("make-string", CheckChar("make-string", args[1]));
  return MakeString(static_cast<size_t>(n), fill);
}

V StringFn(CallContext&, const V* args, int argc) {
  for (int i = 0; i < argc; ++i) CharToByte("string", CheckChar("string", args[i]));
  V s = MakeString(static_cast<size_t>(argc), ' ');
  for (int i = 0; i < argc; ++i) StringData(s)[i] = static_cast<char>(args[i].CharValue());
  return s;
}

V StringLengthFn(CallContext&, const V* a, int) {
  return V::Fixnum(static_cast<int64_t>(StringLength(CheckString("string-length", a[0]))));
}

V StringRef(CallContext&, const V* a, int) {
  V s = CheckString("string-ref", a[0]);
  size_t i = CheckIndex("string-ref", a[1], "string", StringLength(s));
  return ByteToChar(StringData(s)[i]);
}

V StringSet(CallContext&, const V* a, int) {
  V s = CheckString("string-set!", a[0]);
  size_t i = CheckIndex("string-set!", a[1], "string", StringLength(s));
  StringData(s)[i] = CharToByte("string-set!", CheckChar("string-set!", a[2]));
  return V::Unspecified();
}

V CopyRange(const char* who, const V* args, int argc) {
  V s = CheckString(who, args[0]);
  size_t start, end;
  CheckRange(who, args, argc, 1, StringLength(s), "string", &start, &end);
  V copy = MakeString(end - start, ' ');
  // Re-read the source's bytes after the allocation (the heap does not move, but be plain).
  std::memcpy(StringData(copy), StringData(s) + start, end - start);
  return copy;
}

V Substring(CallContext&, const V* a, int n) { return CopyRange("substring", a, n); }
V StringCopy(CallContext&, const V* a, int n) { return CopyRange("string-copy", a, n); }

V StringAppend(CallContext&, const V* args, int argc) {
  size_t total = 0;
  for (int i = 0; i < argc; ++i) total += StringLength(CheckString("string-append", args[i]));
  V result = MakeString(total, ' ');
  char* out = StringData(result);
  for (int i = 0; i < argc; ++i) {
    std::memcpy(out, StringData(args[i]), StringLength(args[i]));
    out += StringLength(args[i]);
  }
  return result;
}

template <Order O>
V StringCompare(CallContext&, const V* args, int argc) {
  static constexpr const char* kNames[] = {"string=?", "string<?", "string>?", "string<=?",
                                           "string>=?"};
  const char* who = kNames[static_cast<int>(O)];
  bool result = true;
  for (int i = 0; i < argc; ++i) {
    CheckString(who, args[i]);
    if (i > 0) {
      // Bytes compare as unsigned, which is code-point order for Latin-1 and UTF-8 alike.
      int c = StringView(args[i - 1]).compare(StringView(args[i]));
      if (!Holds(O, c < 0 ? -1 : c > 0)) result = false;
    }
  }
  return V::Bool(result);
}

V StringToList(CallContext&, const V* args, int argc) {
  V s = CheckString("string->list", args[0]);
  size_t start, end;
  CheckRange("string->list", args, argc, 1, StringLength(s), "string", &start, &end);
  V list = V::Nil();
  for (size_t i = end; i > start; --i) list = Cons(ByteToChar(StringData(s)[i - 1]), list);
  return list;
}

V ListToString(CallContext&, const V* args, int) {
  size_t n = CheckList("list->string", args[0]);
  for (V l = args[0]; l.IsPair(); l = Cdr(l)) {
    CharToByte("list->string", CheckChar("list->string", Car(l)));
  }
  V s = MakeString(n, ' ');
  size_t i = 0;
  for (V l = args[0]; l.IsPair() && i < n; l = Cdr(l)) {
    StringData(s)[i++] = static_cast<char>(Car(l).CharValue());
  }
  return s;
}

constexpr Builtin kBuiltins[] = {
    {"symbol?", 1, 1, SymbolP},
    {"symbol->string", 1, 1, SymbolToString},
    {"string->symbol", 1, 1, StringToSymbol},
    {"char?", 1, 1, CharP},
    {"char->integer", 1, 1, CharToInteger},
    {"integer->char", 1, 1, IntegerToChar},
    {"char=?", 1, -1, CharCompare<Order::kEq>},
    {"char<?", 1, -1, CharCompare<Order::kLt>},
    {"char>?", 1, -1, CharCompare<Order::kGt>},
    {"char<=?", 1, -1, CharCompare<Order::kLe>},
    {"char>=?", 1, -1, CharCompare<Order::kGe>},
    {"char-alphabetic?", 1, 1, CharAlphabeticP},
    {"char-numeric?", 1, 1, CharNumericP},
    {"char-whitespace?", 1, 1, CharWhitespaceP},
    {"char-upcase", 1, 1, CharUpcase},
    {"char-downcase", 1, 1, CharDowncase},
    {"string?", 1, 1, StringP},
    {"make-string", 1, 2, MakeStringFn},
    {"string", 0, -1, StringFn},
    {"string-length", 1, 1, StringLengthFn},
    {"string-ref", 2, 2, StringRef},
    {"string-set!", 3, 3, StringSet},
    {"substring", 2, 3, Substring},
    {"string-append", 0, -1, StringAppend},
    {"string-copy", 1, 3, StringCopy},
    {"string=?", 1, -1, StringCompare<Order::kEq>},
    {"string<?", 1, -1, StringCompare<Order::kLt>},
    {"string>?", 1, -1, StringCompare<Order::kGt>},
    {"string<=?", 1, -1, StringCompare<Order::kLe>},
    {"string>=?", 1, -1, StringCompare<Order::kGe>},
    {"string->list", 1, 3, StringToList},
    {"list->string", 1, 1, ListToString},
};

}  // namespace

absl::Span<const Builtin> StringBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
