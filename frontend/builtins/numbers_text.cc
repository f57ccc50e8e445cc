// Numbers to and from text: number->string and string->number (the reader has its own
// parser for literals, frontend/reader/reader.cc, with the same syntax).
//
// Deviations from R7RS (for docs/toylang.md):
// - number->string accepts radix 2, 8, 10, 16 for exact integers; inexact numbers only in radix
//   10. string->number accepts integers of any size in any radix 2..16 (with optional
//   #x/#o/#b/#d prefixes), decimals with '.' and exponents, +inf.0, -inf.0, +nan.0. It returns #f
//   for anything else (no "1/2", no "#e1.5").
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "frontend/builtins/numbers_internal.h"
#include "frontend/objects/printer.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

// --- Conversion to and from strings ----------------------------------------------------------

int CheckRadix(const char* who, const V* args, int argc, int index) {
  if (argc <= index) return 10;
  int64_t r = CheckFixnum(who, args[index]);
  if (r != 2 && r != 8 && r != 10 && r != 16) {
    TypeError(who, "radix of 2, 8, 10 or 16", args[index]);
  }
  return static_cast<int>(r);
}

V NumberToString(CallContext&, const V* args, int argc) {
  CheckNumber("number->string", args[0]);
  int radix = CheckRadix("number->string", args, argc, 1);
  if (IsFlonum(args[0])) {
    if (radix != 10) Fail("number->string: inexact numbers can only be written in radix 10");
    return MakeString(FormatFlonum(FlonumValue(args[0])));
  }
  if (IsBignum(args[0])) return MakeString(BignumToString(args[0], radix));
  char buf[80];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, args[0].FixnumValue(), radix);
  return MakeString(std::string_view(buf, end - buf));
}

int DigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'z') return c - 'a' + 10;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
  return 99;
}

// Parses a number in toylang syntax; #f when `s` is not one.
V ParseNumber(std::string_view s, int radix) {
  while (s.size() >= 2 && s[0] == '#') {
    char p = static_cast<char>(s[1] | 0x20);
    if (p == 'x') radix = 16;
    else if (p == 'o') radix = 8;
    else if (p == 'b') radix = 2;
    else if (p == 'd') radix = 10;
    else return V::False();
    s.remove_prefix(2);
  }
  if (s.empty()) return V::False();
  if (s == "+inf.0") return MakeFlonum(std::numeric_limits<double>::infinity());
  if (s == "-inf.0") return MakeFlonum(-std::numeric_limits<double>::infinity());
  if (s == "+nan.0" || s == "-nan.0") return MakeFlonum(std::numeric_limits<double>::quiet_NaN());
  size_t i = 0;
  bool negative = false;
  if (s[0] == '+' || s[0] == '-') {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return V::False();
  // An integer in the radix?
  bool all_digits = true;
  for (size_t j = i; j < s.size(); ++j) {
    if (DigitValue(s[j]) >= radix) {
      all_digits = false;
      break;
    }
  }
  if (all_digits) {
    __int128 n = 0;
    bool overflow = false;
    for (size_t j = i; j < s.size() && !overflow; ++j) {
      n = n * radix + DigitValue(s[j]);
      if (n > (__int128{1} << 64)) overflow = true;
    }
    if (!overflow) return MakeInteger128(negative ? -n : n);
    // A bignum: GMP reads the digits (each one is valid in the radix).
    std::string digits(s.substr(i));
    Mpz z;
    mpz_set_str(z.get(), digits.c_str(), radix);
    if (negative) mpz_neg(z.get(), z.get());
    return MakeInteger(z.get());
  }
  if (radix != 10) return V::False();
  // A decimal: digits, at most one '.', at least one digit, then an optional exponent.
  size_t j = i;
  int digits = 0;
  bool dot = false;
  for (; j < s.size(); ++j) {
    if (s[j] >= '0' && s[j] <= '9') {
      ++digits;
    } else if (s[j] == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (digits == 0) return V::False();
  if (j < s.size() && (s[j] == 'e' || s[j] == 'E')) {
    ++j;
    if (j < s.size() && (s[j] == '+' || s[j] == '-')) ++j;
    size_t exp_start = j;
    while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
    if (j == exp_start) return V::False();
  }
  if (j != s.size()) return V::False();
  std::string copy(s);
  return MakeFlonum(std::strtod(copy.c_str(), nullptr));
}

V StringToNumber(CallContext&, const V* args, int argc) {
  CheckString("string->number", args[0]);
  int radix = 10;
  if (argc > 1) {
    int64_t r = CheckFixnum("string->number", args[1]);
    if (r < 2 || r > 16) TypeError("string->number", "radix between 2 and 16", args[1]);
    radix = static_cast<int>(r);
  }
  // Copy the text first: parsing allocates (a flonum), and the view points into the heap.
  std::string text(StringView(args[0]));
  return ParseNumber(text, radix);
}

constexpr Builtin kBuiltins[] = {
    {"number->string", 1, 2, NumberToString},
    {"string->number", 1, 2, StringToNumber},
};

}  // namespace

absl::Span<const Builtin> NumberTextBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
