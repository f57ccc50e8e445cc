// Integer operations: quotient, remainder, modulo and R7RS's floor/ and truncate/ families,
// exact-integer-sqrt, gcd, lcm, expt. Exact operands give exact results of any size (fixnums
// take the fast paths, bignums go through GMP); an integral flonum operand gives a flonum.
//
// Deviations from R7RS (for docs/toylang.md):
// - (expt 2 -1) => 0.5 (inexact, since there are no rationals). An exact result too large to
//   hold (more than 2^32 bits) is the error "expt: the result is too large" (so for lcm and *).
#include <cmath>

#include "frontend/builtins/numbers_internal.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

// Two values, as (values a b) makes them (control.cc): a multiple-values object.
V TwoValues(V a, V b) {
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(ObjType::kValues, 2, 2));
  words[1] = a.bits();  // made just now: no barrier
  words[2] = b.bits();
  return V::Object(words);
}

enum class DivOp { kTruncQuotient, kTruncRemainder, kFloorQuotient, kFloorRemainder };

V IntegerDivide(const char* who, DivOp op, V a, V b) {
  CheckInteger(who, a);
  CheckInteger(who, b);
  if (IsExactInteger(a) && IsExactInteger(b)) {
    if (b == V::Fixnum(0)) Fail(Cat(who, ": division by zero"));
    if (a.IsFixnum() && b.IsFixnum()) {
      int64_t x = a.FixnumValue(), y = b.FixnumValue();
      int64_t r = x % y;  // no overflow: fixnums are 63-bit
      bool adjust = r != 0 && ((r < 0) != (y < 0));
      switch (op) {
        // kFixnumMin / -1 is the one quotient outside the fixnum range: a bignum.
        case DivOp::kTruncQuotient: return MakeInteger128(__int128{x} / y);
        case DivOp::kTruncRemainder: return V::Fixnum(r);
        case DivOp::kFloorQuotient: return MakeInteger128(__int128{x} / y - (adjust ? 1 : 0));
        case DivOp::kFloorRemainder: return V::Fixnum(adjust ? r + y : r);
      }
    }
    IntegerView x(a), y(b);
    Mpz r;
    switch (op) {
      case DivOp::kTruncQuotient: mpz_tdiv_q(r.get(), x.get(), y.get()); break;
      case DivOp::kTruncRemainder: mpz_tdiv_r(r.get(), x.get(), y.get()); break;
      case DivOp::kFloorQuotient: mpz_fdiv_q(r.get(), x.get(), y.get()); break;
      case DivOp::kFloorRemainder: mpz_fdiv_r(r.get(), x.get(), y.get()); break;
    }
    return MakeInteger(r.get());
  }
  double x = ToDouble(a), y = ToDouble(b);
  if (y == 0) Fail(Cat(who, ": division by zero"));
  double r = std::fmod(x, y);
  bool adjust = r != 0 && ((r < 0) != (y < 0));
  switch (op) {
    case DivOp::kTruncQuotient: return MakeFlonum(std::trunc(x / y));
    case DivOp::kTruncRemainder: return MakeFlonum(r);
    case DivOp::kFloorQuotient: return MakeFlonum(std::floor(x / y));
    case DivOp::kFloorRemainder: return MakeFlonum(adjust ? r + y : r);
  }
  return V::Unspecified();
}

V Quotient(CallContext&, const V* a, int) {
  return IntegerDivide("quotient", DivOp::kTruncQuotient, a[0], a[1]);
}
V Remainder(CallContext&, const V* a, int) {
  return IntegerDivide("remainder", DivOp::kTruncRemainder, a[0], a[1]);
}
V Modulo(CallContext&, const V* a, int) {
  return IntegerDivide("modulo", DivOp::kFloorRemainder, a[0], a[1]);
}
V TruncateQuotient(CallContext&, const V* a, int) {
  return IntegerDivide("truncate-quotient", DivOp::kTruncQuotient, a[0], a[1]);
}
V TruncateRemainder(CallContext&, const V* a, int) {
  return IntegerDivide("truncate-remainder", DivOp::kTruncRemainder, a[0], a[1]);
}
V FloorQuotient(CallContext&, const V* a, int) {
  return IntegerDivide("floor-quotient", DivOp::kFloorQuotient, a[0], a[1]);
}
V FloorRemainder(CallContext&, const V* a, int) {
  return IntegerDivide("floor-remainder", DivOp::kFloorRemainder, a[0], a[1]);
}
V TruncateSlash(CallContext&, const V* a, int) {
  V q = IntegerDivide("truncate/", DivOp::kTruncQuotient, a[0], a[1]);
  V r = IntegerDivide("truncate/", DivOp::kTruncRemainder, a[0], a[1]);
  return TwoValues(q, r);
}
V FloorSlash(CallContext&, const V* a, int) {
  V q = IntegerDivide("floor/", DivOp::kFloorQuotient, a[0], a[1]);
  V r = IntegerDivide("floor/", DivOp::kFloorRemainder, a[0], a[1]);
  return TwoValues(q, r);
}

// (exact-integer-sqrt k) => s r with s*s + r = k, s*s <= k < (s+1)^2.
V ExactIntegerSqrt(CallContext&, const V* a, int) {
  V k = a[0];
  if (!IsExactInteger(k) || Compare(k, V::Fixnum(0)) < 0) {
    TypeError("exact-integer-sqrt", "non-negative exact integer", k);
  }
  IntegerView n(k);
  Mpz s, r;
  mpz_sqrtrem(s.get(), r.get(), n.get());
  V root = MakeInteger(s.get());
  V rest = MakeInteger(r.get());
  return TwoValues(root, rest);
}

uint64_t Gcd64(uint64_t x, uint64_t y) {
  while (y != 0) {
    uint64_t t = x % y;
    x = y;
    y = t;
  }
  return x;
}

V GcdLcm(const char* who, bool lcm, const V* args, int argc) {
  bool inexact = false, all_fixnums = true;
  for (int i = 0; i < argc; ++i) {
    CheckInteger(who, args[i]);
    if (IsFlonum(args[i])) inexact = true;
    if (!args[i].IsFixnum()) all_fixnums = false;
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
  if (all_fixnums && !lcm) {
    // Magnitudes in unsigned arithmetic: gcd(kFixnumMin, 0) = 2^62 is a bignum.
    uint64_t acc = 0;
    for (int i = 0; i < argc; ++i) {
      int64_t x = args[i].FixnumValue();
      acc = Gcd64(acc, x < 0 ? -static_cast<uint64_t>(x) : static_cast<uint64_t>(x));
    }
    return MakeInteger128(acc);
  }
  Mpz acc;
  mpz_set_ui(acc.get(), lcm ? 1 : 0);
  for (int i = 0; i < argc; ++i) {
    IntegerView x(args[i]);
    if (lcm) {
      CheckResultSize(who, static_cast<double>(mpz_sizeinbase(acc.get(), 2)) +
                               static_cast<double>(mpz_sizeinbase(x.get(), 2)));
      mpz_lcm(acc.get(), acc.get(), x.get());
    } else {
      mpz_gcd(acc.get(), acc.get(), x.get());
    }
  }
  return MakeInteger(acc.get());
}

V Gcd(CallContext&, const V* a, int n) { return GcdLcm("gcd", false, a, n); }
V Lcm(CallContext&, const V* a, int n) { return GcdLcm("lcm", true, a, n); }

V Expt(CallContext&, const V* args, int) {
  CheckNumber("expt", args[0]);
  CheckNumber("expt", args[1]);
  V base = args[0], power = args[1];
  if (IsExactInteger(base) && IsExactInteger(power) && Compare(power, V::Fixnum(0)) >= 0) {
    if (base.IsFixnum() && power.IsFixnum()) {
      // Square-and-multiply in 128 bits while the result stays a fixnum (|b| > 1 leaves the
      // range within 63 squarings); GMP for the rest.
      __int128 result = 1, b = base.FixnumValue();
      int64_t e = power.FixnumValue();
      auto fits = [](__int128 n) { return n >= V::kFixnumMin && n <= V::kFixnumMax; };
      bool overflow = false;
      while (e > 0 && !overflow) {
        if (e & 1) {
          result *= b;
          overflow = !fits(result);
        }
        e >>= 1;
        if (e > 0 && !overflow) {
          b *= b;
          overflow = !fits(b);
        }
      }
      if (!overflow) return V::Fixnum(static_cast<int64_t>(result));
    }
    IntegerView b(base);
    // 0, 1 and -1 raised to any power are small; anything else grows with the exponent.
    if (mpz_cmpabs_ui(b.get(), 1) <= 0) {
      if (mpz_sgn(b.get()) == 0) return V::Fixnum(power == V::Fixnum(0) ? 1 : 0);
      if (mpz_sgn(b.get()) > 0 || !IsOdd(power)) return V::Fixnum(1);
      return V::Fixnum(-1);
    }
    if (!power.IsFixnum()) Fail("expt: the result is too large");
    CheckResultSize("expt", static_cast<double>(mpz_sizeinbase(b.get(), 2)) *
                                static_cast<double>(power.FixnumValue()));
    Mpz z;
    mpz_pow_ui(z.get(), b.get(), static_cast<unsigned long>(power.FixnumValue()));
    return MakeInteger(z.get());
  }
  return MakeFlonum(std::pow(ToDouble(base), ToDouble(power)));
}

constexpr Builtin kBuiltins[] = {
    {"quotient", 2, 2, Quotient},
    {"remainder", 2, 2, Remainder},
    {"modulo", 2, 2, Modulo},
    {"truncate-quotient", 2, 2, TruncateQuotient},
    {"truncate-remainder", 2, 2, TruncateRemainder},
    {"floor-quotient", 2, 2, FloorQuotient},
    {"floor-remainder", 2, 2, FloorRemainder},
    {"truncate/", 2, 2, TruncateSlash},
    {"floor/", 2, 2, FloorSlash},
    {"exact-integer-sqrt", 1, 1, ExactIntegerSqrt},
    {"gcd", 0, -1, Gcd},
    {"lcm", 0, -1, Lcm},
    {"expt", 2, 2, Expt},
};

}  // namespace

absl::Span<const Builtin> IntegerBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
