// Numbers: arithmetic, comparison, predicates, transcendental functions, number<->string.
//
// Deviations from R7RS (for docs/toylang.md):
// - Exact numbers are 63-bit fixnums only: no bignums, no rationals, no complex numbers. An exact
//   result that does not fit is the error "<op>: fixnum overflow" (e.g. (* 4611686018427387903 2)).
// - (/ a b) with exact a and b is exact only when b divides a; otherwise the result is inexact:
//   (/ 1 3) => 0.3333333333333333, (/ 6 3) => 2. (/ 1 0) is the error "/: division by zero";
//   with an inexact operand it follows IEEE (/ 1.0 0) => +inf.0.
// - (exact 1.5) is an error ("exact: 1.5 has no exact representation"), as are infinities and
//   NaNs; (exact 2.0) => 2.
// - sqrt, log, expt, asin-style results that would be complex are errors or NaN: (sqrt -4) is the
//   error "sqrt: expected a non-negative number, got -4"; (log -1) => +nan.0. (sqrt 16) => 4
//   (exact for exact perfect squares), (sqrt 2) => 1.4142135623730951.
// - (expt 2 -1) => 0.5 (inexact, since there are no rationals).
// - number->string accepts radix 2, 8, 10, 16 for exact integers; inexact numbers only in radix
//   10. string->number accepts integers in any radix 2..16 (with optional #x/#o/#b/#d prefixes),
//   decimals with '.' and exponents, +inf.0, -inf.0, +nan.0; a decimal integer too large for a
//   fixnum reads as an inexact number. It returns #f for anything else (no "1/2", no "#e1.5").
// - = < > <= >= accept one or more arguments (R7RS requires two).
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/objects/printer.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

// --- Arithmetic ------------------------------------------------------------------------------

Value Add2(const char* who, Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return CheckedFixnum(who, __int128{a.FixnumValue()} + b.FixnumValue());
  }
  return MakeFlonum(ToDouble(a) + ToDouble(b));
}

Value Sub2(const char* who, Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return CheckedFixnum(who, __int128{a.FixnumValue()} - b.FixnumValue());
  }
  return MakeFlonum(ToDouble(a) - ToDouble(b));
}

Value Mul2(const char* who, Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return CheckedFixnum(who, __int128{a.FixnumValue()} * b.FixnumValue());
  }
  return MakeFlonum(ToDouble(a) * ToDouble(b));
}

Value Div2(Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    int64_t x = a.FixnumValue(), y = b.FixnumValue();
    if (y == 0) Fail("/: division by zero");
    if (x % y == 0) return CheckedFixnum("/", __int128{x} / y);
    return MakeFlonum(static_cast<double>(x) / static_cast<double>(y));
  }
  return MakeFlonum(ToDouble(a) / ToDouble(b));
}

void CheckAll(const char* who, const V* args, int argc) {
  for (int i = 0; i < argc; ++i) CheckNumber(who, args[i]);
}

V Plus(CallContext&, const V* args, int argc) {
  CheckAll("+", args, argc);
  V acc = V::Fixnum(0);
  for (int i = 0; i < argc; ++i) acc = Add2("+", acc, args[i]);
  return acc;
}

V Times(CallContext&, const V* args, int argc) {
  CheckAll("*", args, argc);
  V acc = V::Fixnum(1);
  for (int i = 0; i < argc; ++i) acc = Mul2("*", acc, args[i]);
  return acc;
}

V Minus(CallContext&, const V* args, int argc) {
  CheckAll("-", args, argc);
  if (argc == 1) {
    // Negate a flonum directly so that (- 0.0) is -0.0, not 0 - 0.0 = 0.0.
    if (IsFlonum(args[0])) return MakeFlonum(-FlonumValue(args[0]));
    return Sub2("-", V::Fixnum(0), args[0]);
  }
  V acc = args[0];
  for (int i = 1; i < argc; ++i) acc = Sub2("-", acc, args[i]);
  return acc;
}

V Divide(CallContext&, const V* args, int argc) {
  CheckAll("/", args, argc);
  if (argc == 1) return Div2(V::Fixnum(1), args[0]);
  V acc = args[0];
  for (int i = 1; i < argc; ++i) acc = Div2(acc, args[i]);
  return acc;
}

// An integer argument: a fixnum, or a flonum with an integral value.
bool IsIntegerValue(V v) {
  if (v.IsFixnum()) return true;
  if (!IsFlonum(v)) return false;
  double d = FlonumValue(v);
  return std::isfinite(d) && d == std::floor(d);
}

void CheckInteger(const char* who, V v) {
  if (!IsIntegerValue(v)) TypeError(who, "integer", v);
}

enum class DivOp { kQuotient, kRemainder, kModulo };

V IntegerDivide(const char* who, DivOp op, V a, V b) {
  CheckInteger(who, a);
  CheckInteger(who, b);
  if (a.IsFixnum() && b.IsFixnum()) {
    int64_t x = a.FixnumValue(), y = b.FixnumValue();
    if (y == 0) Fail(Cat(who, ": division by zero"));
    switch (op) {
      case DivOp::kQuotient: return CheckedFixnum(who, __int128{x} / y);
      case DivOp::kRemainder: return V::Fixnum(x % y);
      case DivOp::kModulo: {
        int64_t r = x % y;
        if (r != 0 && ((r < 0) != (y < 0))) r += y;
        return V::Fixnum(r);
      }
    }
  }
  double x = ToDouble(a), y = ToDouble(b);
  if (y == 0) Fail(Cat(who, ": division by zero"));
  switch (op) {
    case DivOp::kQuotient: return MakeFlonum(std::trunc(x / y));
    case DivOp::kRemainder: return MakeFlonum(std::fmod(x, y));
    case DivOp::kModulo: {
      double r = std::fmod(x, y);
      if (r != 0 && ((r < 0) != (y < 0))) r += y;
      return MakeFlonum(r);
    }
  }
  return V::Unspecified();
}

V Quotient(CallContext&, const V* a, int) {
  return IntegerDivide("quotient", DivOp::kQuotient, a[0], a[1]);
}
V Remainder(CallContext&, const V* a, int) {
  return IntegerDivide("remainder", DivOp::kRemainder, a[0], a[1]);
}
V Modulo(CallContext&, const V* a, int) {
  return IntegerDivide("modulo", DivOp::kModulo, a[0], a[1]);
}

V Abs(CallContext&, const V* args, int) {
  CheckNumber("abs", args[0]);
  if (args[0].IsFixnum()) {
    int64_t n = args[0].FixnumValue();
    return CheckedFixnum("abs", n < 0 ? -__int128{n} : __int128{n});
  }
  return MakeFlonum(std::fabs(FlonumValue(args[0])));
}

V MinMax(const char* who, bool is_max, const V* args, int argc) {
  CheckAll(who, args, argc);
  bool inexact = false;
  V best = args[0];
  for (int i = 0; i < argc; ++i) {
    if (IsFlonum(args[i])) inexact = true;
  }
  for (int i = 1; i < argc; ++i) {
    V x = args[i];
    bool better;
    if (best.IsFixnum() && x.IsFixnum()) {
      better = is_max ? x.FixnumValue() > best.FixnumValue() : x.FixnumValue() < best.FixnumValue();
    } else {
      double bx = ToDouble(x), bb = ToDouble(best);
      better = std::isnan(bx) || (is_max ? bx > bb : bx < bb);
    }
    if (better) best = x;
  }
  if (inexact && best.IsFixnum()) return MakeFlonum(ToDouble(best));
  return best;
}

V Min(CallContext&, const V* a, int n) { return MinMax("min", false, a, n); }
V Max(CallContext&, const V* a, int n) { return MinMax("max", true, a, n); }

int64_t Gcd64(int64_t a, int64_t b) {
  // Work on magnitudes in unsigned arithmetic so that kFixnumMin's magnitude is representable.
  uint64_t x = a < 0 ? -static_cast<uint64_t>(a) : a, y = b < 0 ? -static_cast<uint64_t>(b) : b;
  while (y != 0) {
    uint64_t t = x % y;
    x = y;
    y = t;
  }
  return static_cast<int64_t>(x);
}

V GcdLcm(const char* who, bool lcm, const V* args, int argc) {
  bool inexact = false;
  for (int i = 0; i < argc; ++i) {
    CheckInteger(who, args[i]);
    if (IsFlonum(args[i])) inexact = true;
  }
  if (inexact) {
    double acc = lcm ? 1 : 0;
    for (int i = 0; i < argc; ++i) {
      double x = std::fabs(ToDouble(args[i]));
      double a = acc, b = x;
      while (b != 0) {
        double t = std::fmod(a, b);
        a = b;
        b = t;
      }
      acc = lcm ? (acc == 0 || x == 0 ? 0 : acc / a * x) : a;
    }
    return MakeFlonum(acc);
  }
  __int128 acc = lcm ? 1 : 0;
  for (int i = 0; i < argc; ++i) {
    int64_t x = args[i].FixnumValue();
    if (lcm) {
      if (acc == 0 || x == 0) {
        acc = 0;
        continue;
      }
      int64_t g = Gcd64(static_cast<int64_t>(acc), x);
      __int128 mag = x < 0 ? -__int128{x} : __int128{x};
      acc = acc / g * mag;
      CheckedFixnum(who, acc);
    } else {
      acc = Gcd64(static_cast<int64_t>(acc), x);
    }
  }
  return CheckedFixnum(who, acc);
}

V Gcd(CallContext&, const V* a, int n) { return GcdLcm("gcd", false, a, n); }
V Lcm(CallContext&, const V* a, int n) { return GcdLcm("lcm", true, a, n); }

V Expt(CallContext&, const V* args, int) {
  CheckNumber("expt", args[0]);
  CheckNumber("expt", args[1]);
  V base = args[0], power = args[1];
  if (base.IsFixnum() && power.IsFixnum() && power.FixnumValue() >= 0) {
    __int128 result = 1, b = base.FixnumValue();
    int64_t e = power.FixnumValue();
    // Square-and-multiply with an overflow check at every step. |b| > 1 overflows within 63
    // squarings, so the loop is short even for a huge exponent.
    while (e > 0) {
      if (e & 1) result = CheckedFixnum("expt", result * b).FixnumValue();
      e >>= 1;
      if (e > 0) b = CheckedFixnum("expt", b * b).FixnumValue();
    }
    return V::Fixnum(static_cast<int64_t>(result));
  }
  return MakeFlonum(std::pow(ToDouble(base), ToDouble(power)));
}

V Square(CallContext&, const V* args, int) {
  CheckNumber("square", args[0]);
  return Mul2("square", args[0], args[0]);
}

V ToExact(const char* who, V v) {
  CheckNumber(who, v);
  if (v.IsFixnum()) return v;
  double d = FlonumValue(v);
  // 2^62 is exactly representable; anything at or beyond it does not fit a fixnum.
  if (std::isfinite(d) && d == std::floor(d) && d >= -4611686018427387904.0 &&
      d < 4611686018427387904.0) {
    return V::Fixnum(static_cast<int64_t>(d));
  }
  Fail(Cat(who, ": ", FormatFlonum(d), " has no exact representation"));
}

V ToInexact(const char* who, V v) {
  CheckNumber(who, v);
  return v.IsFixnum() ? MakeFlonum(static_cast<double>(v.FixnumValue())) : v;
}

V Exact(CallContext&, const V* a, int) { return ToExact("exact", a[0]); }
V InexactToExact(CallContext&, const V* a, int) { return ToExact("inexact->exact", a[0]); }
V Inexact(CallContext&, const V* a, int) { return ToInexact("inexact", a[0]); }
V ExactToInexact(CallContext&, const V* a, int) { return ToInexact("exact->inexact", a[0]); }

template <double (*F)(double)>
V RoundingOp(const char* who, V v) {
  CheckNumber(who, v);
  if (v.IsFixnum()) return v;
  return MakeFlonum(F(FlonumValue(v)));
}

double RoundEven(double d) { return std::nearbyint(d); }  // default mode: ties to even
double Floor(double d) { return std::floor(d); }
double Ceil(double d) { return std::ceil(d); }
double Trunc(double d) { return std::trunc(d); }

V FloorFn(CallContext&, const V* a, int) { return RoundingOp<Floor>("floor", a[0]); }
V CeilingFn(CallContext&, const V* a, int) { return RoundingOp<Ceil>("ceiling", a[0]); }
V RoundFn(CallContext&, const V* a, int) { return RoundingOp<RoundEven>("round", a[0]); }
V TruncateFn(CallContext&, const V* a, int) { return RoundingOp<Trunc>("truncate", a[0]); }

V Sqrt(CallContext&, const V* args, int) {
  V v = args[0];
  CheckNumber("sqrt", v);
  if (ToDouble(v) < 0) TypeError("sqrt", "non-negative number", v);
  if (v.IsFixnum()) {
    int64_t n = v.FixnumValue();
    auto r = static_cast<int64_t>(std::sqrt(static_cast<double>(n)));
    // The double estimate can be off by one for large n: fix it up exactly.
    while (r > 0 && __int128{r} * r > n) --r;
    while (__int128{r + 1} * (r + 1) <= n) ++r;
    if (__int128{r} * r == n) return V::Fixnum(r);
  }
  return MakeFlonum(std::sqrt(ToDouble(v)));
}

template <double (*F)(double)>
V Transcendental(const char* who, V v) {
  CheckNumber(who, v);
  return MakeFlonum(F(ToDouble(v)));
}

double Exp(double d) { return std::exp(d); }
double Sin(double d) { return std::sin(d); }
double Cos(double d) { return std::cos(d); }
double Tan(double d) { return std::tan(d); }

V ExpFn(CallContext&, const V* a, int) { return Transcendental<Exp>("exp", a[0]); }
V SinFn(CallContext&, const V* a, int) { return Transcendental<Sin>("sin", a[0]); }
V CosFn(CallContext&, const V* a, int) { return Transcendental<Cos>("cos", a[0]); }
V TanFn(CallContext&, const V* a, int) { return Transcendental<Tan>("tan", a[0]); }

V LogFn(CallContext&, const V* args, int argc) {
  CheckNumber("log", args[0]);
  double x = ToDouble(args[0]);
  if (argc == 1) return MakeFlonum(std::log(x));
  CheckNumber("log", args[1]);
  return MakeFlonum(std::log(x) / std::log(ToDouble(args[1])));
}

V AtanFn(CallContext&, const V* args, int argc) {
  CheckNumber("atan", args[0]);
  if (argc == 1) return MakeFlonum(std::atan(ToDouble(args[0])));
  CheckNumber("atan", args[1]);
  return MakeFlonum(std::atan2(ToDouble(args[0]), ToDouble(args[1])));
}

// --- Predicates ------------------------------------------------------------------------------

// Every number toylang has is real; complex? and real? are number?.
V RationalP(CallContext&, const V* a, int) {
  return V::Bool(IsNumber(a[0]) && std::isfinite(ToDouble(a[0])));
}
V FiniteP(CallContext&, const V* a, int) {
  CheckNumber("finite?", a[0]);
  return V::Bool(std::isfinite(ToDouble(a[0])));
}
V InfiniteP(CallContext&, const V* a, int) {
  CheckNumber("infinite?", a[0]);
  return V::Bool(std::isinf(ToDouble(a[0])));
}
V NanP(CallContext&, const V* a, int) {
  CheckNumber("nan?", a[0]);
  return V::Bool(std::isnan(ToDouble(a[0])));
}
V AsinFn(CallContext&, const V* a, int) {
  CheckNumber("asin", a[0]);
  return MakeFlonum(std::asin(ToDouble(a[0])));
}
V AcosFn(CallContext&, const V* a, int) {
  CheckNumber("acos", a[0]);
  return MakeFlonum(std::acos(ToDouble(a[0])));
}

V NumberP(CallContext&, const V* a, int) { return V::Bool(IsNumber(a[0])); }
V IntegerP(CallContext&, const V* a, int) { return V::Bool(IsIntegerValue(a[0])); }
V ExactIntegerP(CallContext&, const V* a, int) { return V::Bool(a[0].IsFixnum()); }
V ExactP(CallContext&, const V* a, int) {
  CheckNumber("exact?", a[0]);
  return V::Bool(a[0].IsFixnum());
}
V InexactP(CallContext&, const V* a, int) {
  CheckNumber("inexact?", a[0]);
  return V::Bool(IsFlonum(a[0]));
}
V ZeroP(CallContext&, const V* a, int) {
  CheckNumber("zero?", a[0]);
  return V::Bool(ToDouble(a[0]) == 0);
}
V PositiveP(CallContext&, const V* a, int) {
  CheckNumber("positive?", a[0]);
  return V::Bool(a[0].IsFixnum() ? a[0].FixnumValue() > 0 : FlonumValue(a[0]) > 0);
}
V NegativeP(CallContext&, const V* a, int) {
  CheckNumber("negative?", a[0]);
  return V::Bool(a[0].IsFixnum() ? a[0].FixnumValue() < 0 : FlonumValue(a[0]) < 0);
}
V OddP(CallContext&, const V* a, int) {
  CheckInteger("odd?", a[0]);
  if (a[0].IsFixnum()) return V::Bool((a[0].FixnumValue() & 1) != 0);
  return V::Bool(std::fmod(FlonumValue(a[0]), 2) != 0);
}
V EvenP(CallContext&, const V* a, int) {
  CheckInteger("even?", a[0]);
  if (a[0].IsFixnum()) return V::Bool((a[0].FixnumValue() & 1) == 0);
  return V::Bool(std::fmod(FlonumValue(a[0]), 2) == 0);
}

// --- Comparison ------------------------------------------------------------------------------

// Exact three-way comparison of a fixnum with a double (no rounding of the fixnum to a double,
// which would make 2^53+1 = 2^53.0). Requires !isnan(d).
int CompareIntDouble(int64_t i, double d) {
  if (d >= 9223372036854775808.0) return -1;
  if (d < -9223372036854775808.0) return 1;
  double fl = std::floor(d);
  auto fi = static_cast<int64_t>(fl);
  if (i < fi) return -1;
  if (i > fi) return 1;
  return d > fl ? -1 : 0;
}

// -1, 0, 1, or 2 when unordered (a NaN is involved).
int Compare(V a, V b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return a.FixnumValue() < b.FixnumValue() ? -1 : a.FixnumValue() > b.FixnumValue();
  }
  if (a.IsFixnum()) {
    double d = FlonumValue(b);
    return std::isnan(d) ? 2 : CompareIntDouble(a.FixnumValue(), d);
  }
  if (b.IsFixnum()) {
    double d = FlonumValue(a);
    return std::isnan(d) ? 2 : -CompareIntDouble(b.FixnumValue(), d);
  }
  double x = FlonumValue(a), y = FlonumValue(b);
  if (std::isnan(x) || std::isnan(y)) return 2;
  return x < y ? -1 : x > y;
}

enum class Cmp { kEq, kLt, kGt, kLe, kGe };

template <Cmp C>
V CompareChain(CallContext&, const V* args, int argc) {
  static constexpr const char* kNames[] = {"=", "<", ">", "<=", ">="};
  const char* who = kNames[static_cast<int>(C)];
  CheckAll(who, args, argc);
  bool result = true;
  for (int i = 0; i + 1 < argc; ++i) {
    int c = Compare(args[i], args[i + 1]);
    bool ok = c != 2 && (C == Cmp::kEq   ? c == 0
                         : C == Cmp::kLt ? c < 0
                         : C == Cmp::kGt ? c > 0
                         : C == Cmp::kLe ? c <= 0
                                         : c >= 0);
    if (!ok) result = false;  // keep going: every argument must still be a number (checked)
  }
  return V::Bool(result);
}

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
    for (size_t j = i; j < s.size(); ++j) {
      n = n * radix + DigitValue(s[j]);
      if (n > (__int128{1} << 64)) overflow = true;
      if (overflow) break;
    }
    if (negative) n = -n;
    if (!overflow && n >= Value::kFixnumMin && n <= Value::kFixnumMax) {
      return V::Fixnum(static_cast<int64_t>(n));
    }
    if (radix != 10) return V::False();
    // Too large for a fixnum: fall through and read it as an inexact decimal.
  } else if (radix != 10) {
    return V::False();
  }
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
    {"complex?", 1, 1, NumberP},
    {"real?", 1, 1, NumberP},
    {"rational?", 1, 1, RationalP},
    {"finite?", 1, 1, FiniteP},
    {"infinite?", 1, 1, InfiniteP},
    {"nan?", 1, 1, NanP},
    {"asin", 1, 1, AsinFn},
    {"acos", 1, 1, AcosFn},
    {"+", 0, -1, Plus},
    {"-", 1, -1, Minus},
    {"*", 0, -1, Times},
    {"/", 1, -1, Divide},
    {"quotient", 2, 2, Quotient},
    {"remainder", 2, 2, Remainder},
    {"modulo", 2, 2, Modulo},
    {"abs", 1, 1, Abs},
    {"min", 1, -1, Min},
    {"max", 1, -1, Max},
    {"gcd", 0, -1, Gcd},
    {"lcm", 0, -1, Lcm},
    {"expt", 2, 2, Expt},
    {"square", 1, 1, Square},
    {"exact", 1, 1, Exact},
    {"inexact", 1, 1, Inexact},
    {"exact->inexact", 1, 1, ExactToInexact},
    {"inexact->exact", 1, 1, InexactToExact},
    {"floor", 1, 1, FloorFn},
    {"ceiling", 1, 1, CeilingFn},
    {"round", 1, 1, RoundFn},
    {"truncate", 1, 1, TruncateFn},
    {"sqrt", 1, 1, Sqrt},
    {"exp", 1, 1, ExpFn},
    {"log", 1, 2, LogFn},
    {"sin", 1, 1, SinFn},
    {"cos", 1, 1, CosFn},
    {"tan", 1, 1, TanFn},
    {"atan", 1, 2, AtanFn},
    {"number?", 1, 1, NumberP},
    {"integer?", 1, 1, IntegerP},
    {"exact?", 1, 1, ExactP},
    {"inexact?", 1, 1, InexactP},
    {"exact-integer?", 1, 1, ExactIntegerP},
    {"zero?", 1, 1, ZeroP},
    {"positive?", 1, 1, PositiveP},
    {"negative?", 1, 1, NegativeP},
    {"odd?", 1, 1, OddP},
    {"even?", 1, 1, EvenP},
    {"=", 1, -1, CompareChain<Cmp::kEq>},
    {"<", 1, -1, CompareChain<Cmp::kLt>},
    {">", 1, -1, CompareChain<Cmp::kGt>},
    {"<=", 1, -1, CompareChain<Cmp::kLe>},
    {">=", 1, -1, CompareChain<Cmp::kGe>},
    {"number->string", 1, 2, NumberToString},
    {"string->number", 1, 2, StringToNumber},
};

}  // namespace

absl::Span<const Builtin> NumberBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
