// Numbers: arithmetic, comparison, predicates, transcendental functions. Integer division,
// gcd/lcm and expt are in numbers_integer.cc, number<->string in numbers_text.cc.
//
// Deviations from R7RS (for docs/toylang.md):
// - Exact numbers are integers of any size (fixnums, and bignums beyond the 63-bit fixnum
//   range): no exact rationals, no complex numbers. A product of more than 2^32 bits is the
//   error "*: the result is too large" (GMP would abort the process when memory runs out).
// - (/ a b) with exact a and b is exact only when b divides a; otherwise the result is inexact:
//   (/ 1 3) => 0.3333333333333333, (/ 6 3) => 2. (/ 1 0) is the error "/: division by zero";
//   with an inexact operand it follows IEEE (/ 1.0 0) => +inf.0.
// - (exact 1.5) is an error ("exact: 1.5 has no exact representation"), as are infinities and
//   NaNs; (exact 2.0) => 2, (exact 1e20) => 100000000000000000000.
// - sqrt, log, expt, asin-style results that would be complex are errors or NaN: (sqrt -4) is the
//   error "sqrt: expected a non-negative number, got -4"; (log -1) => +nan.0. (sqrt 16) => 4
//   (exact for exact perfect squares, bignums included), (sqrt 2) => 1.4142135623730951.
// - = < > <= >= accept one or more arguments (R7RS requires two).
#include <cmath>
#include <limits>

#include "frontend/builtins/numbers_internal.h"
#include "frontend/objects/printer.h"

namespace toylang::builtins_internal {

using V = Value;

// --- Shared helpers (numbers_internal.h) -----------------------------------------------------

// The fixnum cases are the fast paths (an __int128 cannot overflow on two 63-bit operands); a
// result outside the fixnum range becomes a bignum. The JIT's inline + - * take the same fixnum
// paths in the generated code and call these built-ins only on overflow or other types.
Value Add2(Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return MakeInteger128(__int128{a.FixnumValue()} + b.FixnumValue());
  }
  if (IsFlonum(a) || IsFlonum(b)) return MakeFlonum(ToDouble(a) + ToDouble(b));
  Mpz z;
  mpz_add(z.get(), IntegerView(a).get(), IntegerView(b).get());
  return MakeInteger(z.get());
}

Value Sub2(Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return MakeInteger128(__int128{a.FixnumValue()} - b.FixnumValue());
  }
  if (IsFlonum(a) || IsFlonum(b)) return MakeFlonum(ToDouble(a) - ToDouble(b));
  Mpz z;
  mpz_sub(z.get(), IntegerView(a).get(), IntegerView(b).get());
  return MakeInteger(z.get());
}

Value Mul2(const char* who, Value a, Value b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return MakeInteger128(__int128{a.FixnumValue()} * b.FixnumValue());
  }
  if (IsFlonum(a) || IsFlonum(b)) return MakeFlonum(ToDouble(a) * ToDouble(b));
  IntegerView x(a), y(b);
  CheckResultSize(who, static_cast<double>(mpz_sizeinbase(x.get(), 2)) +
                           static_cast<double>(mpz_sizeinbase(y.get(), 2)));
  Mpz z;
  mpz_mul(z.get(), x.get(), y.get());
  return MakeInteger(z.get());
}

void CheckResultSize(const char* who, double bits) {
  // GMP aborts the process when it cannot allocate: refuse first, with an error the program
  // (and the REPL) survives.
  if (bits > kMaxExactBits) Fail(Cat(who, ": the result is too large"));
}

void CheckAll(const char* who, const V* args, int argc) {
  for (int i = 0; i < argc; ++i) CheckNumber(who, args[i]);
}

bool IsIntegerValue(V v) {
  if (IsExactInteger(v)) return true;
  if (!IsFlonum(v)) return false;
  double d = FlonumValue(v);
  return std::isfinite(d) && d == std::floor(d);
}

void CheckInteger(const char* who, V v) {
  if (!IsIntegerValue(v)) TypeError(who, "integer", v);
}

bool IsOdd(V v) {
  if (v.IsFixnum()) return (v.FixnumValue() & 1) != 0;
  if (IsBignum(v)) return (BignumLimbs(v)[0] & 1) != 0;
  return std::fmod(FlonumValue(v), 2) != 0;
}

namespace {

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

// An exact integer against a double. Requires !isnan(d).
int CompareExactDouble(V i, double d) {
  return i.IsFixnum() ? CompareIntDouble(i.FixnumValue(), d) : CompareIntegerDouble(i, d);
}

}  // namespace

int Compare(V a, V b) {
  if (a.IsFixnum() && b.IsFixnum()) {
    return a.FixnumValue() < b.FixnumValue() ? -1 : a.FixnumValue() > b.FixnumValue();
  }
  bool fa = IsFlonum(a), fb = IsFlonum(b);
  if (fa && fb) {
    double x = FlonumValue(a), y = FlonumValue(b);
    if (std::isnan(x) || std::isnan(y)) return 2;
    return x < y ? -1 : x > y;
  }
  if (fb) {
    double d = FlonumValue(b);
    return std::isnan(d) ? 2 : CompareExactDouble(a, d);
  }
  if (fa) {
    double d = FlonumValue(a);
    return std::isnan(d) ? 2 : -CompareExactDouble(b, d);
  }
  int c = mpz_cmp(IntegerView(a).get(), IntegerView(b).get());
  return c < 0 ? -1 : c > 0;
}

namespace {

// --- Arithmetic ------------------------------------------------------------------------------

// The double nearest to a/b (b != 0): the quotient scaled to at least 66 bits, with a sticky
// bit for a non-zero remainder, then rounded once (as exact->inexact of the rational would).
double RatioToDouble(mpz_srcptr a, mpz_srcptr b) {
  long shift = 66 + static_cast<long>(mpz_sizeinbase(b, 2)) -
               static_cast<long>(mpz_sizeinbase(a, 2));
  Mpz n, d, q, r;
  mpz_abs(n.get(), a);
  mpz_abs(d.get(), b);
  if (shift > 0) {
    mpz_mul_2exp(n.get(), n.get(), static_cast<mp_bitcnt_t>(shift));
  } else {
    mpz_mul_2exp(d.get(), d.get(), static_cast<mp_bitcnt_t>(-shift));
  }
  mpz_tdiv_qr(q.get(), r.get(), n.get(), d.get());
  mpz_mul_2exp(q.get(), q.get(), 1);
  if (mpz_sgn(r.get()) != 0) mpz_setbit(q.get(), 0);
  double m = MpzToDouble(q.get());
  double result = std::ldexp(m, static_cast<int>(-(shift + 1)));
  return mpz_sgn(a) * mpz_sgn(b) < 0 ? -result : result;
}

Value Div2(Value a, Value b) {
  if (IsExactInteger(a) && IsExactInteger(b)) {
    if (b == V::Fixnum(0)) Fail("/: division by zero");
    if (a.IsFixnum() && b.IsFixnum()) {
      int64_t x = a.FixnumValue(), y = b.FixnumValue();
      if (x % y == 0) return MakeInteger128(__int128{x} / y);
      return MakeFlonum(static_cast<double>(x) / static_cast<double>(y));
    }
    IntegerView x(a), y(b);
    Mpz q, r;
    mpz_tdiv_qr(q.get(), r.get(), x.get(), y.get());
    if (mpz_sgn(r.get()) == 0) return MakeInteger(q.get());
    return MakeFlonum(RatioToDouble(x.get(), y.get()));
  }
  return MakeFlonum(ToDouble(a) / ToDouble(b));
}

V Plus(CallContext&, const V* args, int argc) {
  CheckAll("+", args, argc);
  V acc = V::Fixnum(0);
  for (int i = 0; i < argc; ++i) acc = Add2(acc, args[i]);
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
    return Sub2(V::Fixnum(0), args[0]);
  }
  V acc = args[0];
  for (int i = 1; i < argc; ++i) acc = Sub2(acc, args[i]);
  return acc;
}

V Divide(CallContext&, const V* args, int argc) {
  CheckAll("/", args, argc);
  if (argc == 1) return Div2(V::Fixnum(1), args[0]);
  V acc = args[0];
  for (int i = 1; i < argc; ++i) acc = Div2(acc, args[i]);
  return acc;
}

V Abs(CallContext&, const V* args, int) {
  V v = args[0];
  CheckNumber("abs", v);
  if (v.IsFixnum()) {
    int64_t n = v.FixnumValue();
    return MakeInteger128(n < 0 ? -__int128{n} : __int128{n});
  }
  if (IsFlonum(v)) return MakeFlonum(std::fabs(FlonumValue(v)));
  if (!BignumNegative(v)) return v;
  Mpz z;
  mpz_abs(z.get(), IntegerView(v).get());
  return MakeInteger(z.get());
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
    int c = Compare(x, best);
    // A NaN argument wins (and stays: nothing compares with it).
    bool better = c == 2 ? IsFlonum(x) && std::isnan(FlonumValue(x)) : is_max ? c > 0 : c < 0;
    if (better) best = x;
  }
  if (inexact && !IsFlonum(best)) return MakeFlonum(ToDouble(best));
  return best;
}

V Min(CallContext&, const V* a, int n) { return MinMax("min", false, a, n); }
V Max(CallContext&, const V* a, int n) { return MinMax("max", true, a, n); }

V Square(CallContext&, const V* args, int) {
  CheckNumber("square", args[0]);
  return Mul2("square", args[0], args[0]);
}

V ToExact(const char* who, V v) {
  CheckNumber(who, v);
  if (!IsFlonum(v)) return v;
  double d = FlonumValue(v);
  if (std::isfinite(d) && d == std::floor(d)) return IntegerFromDouble(d);
  Fail(Cat(who, ": ", FormatFlonum(d), " has no exact representation"));
}

V ToInexact(const char* who, V v) {
  CheckNumber(who, v);
  return IsFlonum(v) ? v : MakeFlonum(ToDouble(v));
}

V Exact(CallContext&, const V* a, int) { return ToExact("exact", a[0]); }
V InexactToExact(CallContext&, const V* a, int) { return ToExact("inexact->exact", a[0]); }
V Inexact(CallContext&, const V* a, int) { return ToInexact("inexact", a[0]); }
V ExactToInexact(CallContext&, const V* a, int) { return ToInexact("exact->inexact", a[0]); }

template <double (*F)(double)>
V RoundingOp(const char* who, V v) {
  CheckNumber(who, v);
  if (!IsFlonum(v)) return v;  // an exact integer is its own floor, ceiling, ...
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
  if (Compare(v, V::Fixnum(0)) < 0) TypeError("sqrt", "non-negative number", v);
  if (v.IsFixnum()) {
    int64_t n = v.FixnumValue();
    auto r = static_cast<int64_t>(std::sqrt(static_cast<double>(n)));
    // The double estimate can be off by one for large n: fix it up exactly.
    while (r > 0 && __int128{r} * r > n) --r;
    while (__int128{r + 1} * (r + 1) <= n) ++r;
    if (__int128{r} * r == n) return V::Fixnum(r);
  } else if (IsBignum(v)) {
    IntegerView n(v);
    if (mpz_perfect_square_p(n.get())) {
      Mpz r;
      mpz_sqrt(r.get(), n.get());
      return MakeInteger(r.get());
    }
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
// Every number is real (no complex numbers); every finite one is rational (a flonum is a
// binary fraction), so +inf.0 and +nan.0 are the only irrational numbers.
V RationalP(CallContext&, const V* a, int) {
  return V::Bool(IsNumber(a[0]) && (!IsFlonum(a[0]) || std::isfinite(FlonumValue(a[0]))));
}
V FiniteP(CallContext&, const V* a, int) {
  CheckNumber("finite?", a[0]);
  return V::Bool(!IsFlonum(a[0]) || std::isfinite(FlonumValue(a[0])));
}
V InfiniteP(CallContext&, const V* a, int) {
  CheckNumber("infinite?", a[0]);
  return V::Bool(IsFlonum(a[0]) && std::isinf(FlonumValue(a[0])));
}
V NanP(CallContext&, const V* a, int) {
  CheckNumber("nan?", a[0]);
  return V::Bool(IsFlonum(a[0]) && std::isnan(FlonumValue(a[0])));
}
V ExactIntegerP(CallContext&, const V* a, int) { return V::Bool(IsExactInteger(a[0])); }
V ExactP(CallContext&, const V* a, int) {
  CheckNumber("exact?", a[0]);
  return V::Bool(!IsFlonum(a[0]));
}
V InexactP(CallContext&, const V* a, int) {
  CheckNumber("inexact?", a[0]);
  return V::Bool(IsFlonum(a[0]));
}
// The sign of a number: -1, 0 or 1 (0 for a NaN).
int Sign(V v) {
  if (v.IsFixnum()) return v.FixnumValue() < 0 ? -1 : v.FixnumValue() > 0;
  if (IsBignum(v)) return BignumNegative(v) ? -1 : 1;
  double d = FlonumValue(v);
  return d < 0 ? -1 : d > 0;
}
V ZeroP(CallContext&, const V* a, int) {
  CheckNumber("zero?", a[0]);
  return V::Bool(Sign(a[0]) == 0 && !(IsFlonum(a[0]) && std::isnan(FlonumValue(a[0]))));
}
V PositiveP(CallContext&, const V* a, int) {
  CheckNumber("positive?", a[0]);
  return V::Bool(Sign(a[0]) > 0);
}
V NegativeP(CallContext&, const V* a, int) {
  CheckNumber("negative?", a[0]);
  return V::Bool(Sign(a[0]) < 0);
}
V OddP(CallContext&, const V* a, int) {
  CheckInteger("odd?", a[0]);
  return V::Bool(IsOdd(a[0]));
}
V EvenP(CallContext&, const V* a, int) {
  CheckInteger("even?", a[0]);
  return V::Bool(!IsOdd(a[0]));
}

// --- Comparison ------------------------------------------------------------------------------

enum class Cmp { kEq, kLt, kGt, kLe, kGe };

// The leaf entries (Builtin::leaf2): two fixnums, whose tagged words (2n+1) compare, add and
// subtract like the numbers once the tag is accounted for.
bool BothFixnums(uint64_t a, uint64_t b) { return (a & b & 1) != 0; }

template <Cmp C>
uint64_t CompareLeaf(uint64_t a, uint64_t b) {
  if (!BothFixnums(a, b)) return kLeafDeclined;
  const auto x = static_cast<int64_t>(a);
  const auto y = static_cast<int64_t>(b);
  const bool r = C == Cmp::kEq   ? x == y
                 : C == Cmp::kLt ? x < y
                 : C == Cmp::kGt ? x > y
                 : C == Cmp::kLe ? x <= y
                                 : x >= y;
  return V::Bool(r).bits();
}

uint64_t AddLeaf(uint64_t a, uint64_t b) {
  int64_t r;  // (2x+1) + (2y+1) - 1 = 2(x+y)+1; an overflow is a bignum: the built-in's
  if (!BothFixnums(a, b) ||
      __builtin_add_overflow(static_cast<int64_t>(a), static_cast<int64_t>(b - 1), &r)) {
    return kLeafDeclined;
  }
  return static_cast<uint64_t>(r);
}

uint64_t SubLeaf(uint64_t a, uint64_t b) {
  int64_t r;  // (2x+1) - (2y+1) + 1 = 2(x-y)+1
  if (!BothFixnums(a, b) ||
      __builtin_sub_overflow(static_cast<int64_t>(a), static_cast<int64_t>(b - 1), &r)) {
    return kLeafDeclined;
  }
  return static_cast<uint64_t>(r);
}

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

constexpr Builtin kBuiltins[] = {
    {"asin", 1, 1, AsinFn},
    {"acos", 1, 1, AcosFn},
    {"+", 0, -1, Plus, AddLeaf},
    {"-", 1, -1, Minus, SubLeaf},
    {"*", 0, -1, Times},
    {"/", 1, -1, Divide},
    {"abs", 1, 1, Abs},
    {"min", 1, -1, Min},
    {"max", 1, -1, Max},
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
    {"real?", 1, 1, NumberP},
    {"complex?", 1, 1, NumberP},
    {"rational?", 1, 1, RationalP},
    {"finite?", 1, 1, FiniteP},
    {"infinite?", 1, 1, InfiniteP},
    {"nan?", 1, 1, NanP},
    {"exact?", 1, 1, ExactP},
    {"inexact?", 1, 1, InexactP},
    {"exact-integer?", 1, 1, ExactIntegerP},
    {"zero?", 1, 1, ZeroP},
    {"positive?", 1, 1, PositiveP},
    {"negative?", 1, 1, NegativeP},
    {"odd?", 1, 1, OddP},
    {"even?", 1, 1, EvenP},
    {"=", 1, -1, CompareChain<Cmp::kEq>, CompareLeaf<Cmp::kEq>},
    {"<", 1, -1, CompareChain<Cmp::kLt>, CompareLeaf<Cmp::kLt>},
    {">", 1, -1, CompareChain<Cmp::kGt>, CompareLeaf<Cmp::kGt>},
    {"<=", 1, -1, CompareChain<Cmp::kLe>, CompareLeaf<Cmp::kLe>},
    {">=", 1, -1, CompareChain<Cmp::kGe>, CompareLeaf<Cmp::kGe>},
};

}  // namespace

absl::Span<const Builtin> NumberBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
