// Bignums: construction from GMP integers, views, conversions (layout in bignum.h).
#include "frontend/objects/bignum.h"

#include <cmath>
#include <cstring>

#include "frontend/objects/runtime.h"

namespace toylang {

IntegerView::IntegerView(Value v) {
  if (v.IsFixnum()) {
    int64_t n = v.FixnumValue();
    small_ = n < 0 ? -static_cast<uint64_t>(n) : static_cast<uint64_t>(n);
    mpz_roinit_n(z_, &small_, n < 0 ? -1 : n > 0 ? 1 : 0);
    return;
  }
  auto size = static_cast<mp_size_t>(BignumLimbCount(v));
  mpz_roinit_n(z_, BignumLimbs(v), BignumNegative(v) ? -size : size);
}

Value MakeInteger(mpz_srcptr z) {
  if (mpz_fits_slong_p(z)) {
    long n = mpz_get_si(z);
    if (n >= Value::kFixnumMin && n <= Value::kFixnumMax) return Value::Fixnum(n);
  }
  size_t limbs = mpz_size(z);
  // The limbs are copied after the allocation (which may collect): z is malloc'd, not moved.
  auto* words = static_cast<uint64_t*>(
      Runtime::Get().AllocateObject(ObjType::kBignum, 1 + limbs, limbs));
  words[1] = mpz_sgn(z) < 0 ? 1 : 0;
  std::memcpy(words + 2, mpz_limbs_read(z), limbs * sizeof(mp_limb_t));
  return Value::Object(words);
}

Value MakeInteger128(__int128 n) {
  if (n >= Value::kFixnumMin && n <= Value::kFixnumMax) {
    return Value::Fixnum(static_cast<int64_t>(n));
  }
  unsigned __int128 mag = n < 0 ? -static_cast<unsigned __int128>(n)
                                : static_cast<unsigned __int128>(n);
  mp_limb_t limbs[2] = {static_cast<mp_limb_t>(mag), static_cast<mp_limb_t>(mag >> 64)};
  mpz_t z;
  mp_size_t size = limbs[1] != 0 ? 2 : 1;
  mpz_roinit_n(z, limbs, n < 0 ? -size : size);
  return MakeInteger(z);
}

double BignumToDouble(Value b) {
  IntegerView view(b);
  return MpzToDouble(view.get());
}

double MpzToDouble(mpz_srcptr z) {
  if (mpz_sgn(z) == 0) return 0;
  size_t bits = mpz_sizeinbase(z, 2);
  // The top 64 bits of the magnitude, with a sticky bit for everything below them:
  // converting that word to a double rounds as the whole number would (the sticky bit sits far
  // below the rounding position), then ldexp scales it (to ±inf.0 beyond the double range).
  size_t shift = bits > 64 ? bits - 64 : 0;
  uint64_t word;
  if (shift == 0) {
    word = mpz_getlimbn(z, 0);
  } else {
    Mpz top;
    mpz_tdiv_q_2exp(top.get(), z, shift);
    word = mpz_getlimbn(top.get(), 0);
    if (mpz_scan1(z, 0) < shift) word |= 1;
  }
  double d = std::ldexp(static_cast<double>(word), static_cast<int>(shift));
  return mpz_sgn(z) < 0 ? -d : d;
}

Value IntegerFromDouble(double d) {
  if (d >= -4611686018427387904.0 && d < 4611686018427387904.0) {
    return Value::Fixnum(static_cast<int64_t>(d));
  }
  Mpz z;
  mpz_set_d(z.get(), d);
  return MakeInteger(z.get());
}

int CompareIntegerDouble(Value i, double d) {
  if (std::isinf(d)) return d > 0 ? -1 : 1;
  IntegerView view(i);
  int c = mpz_cmp_d(view.get(), d);  // exact: GMP compares without rounding
  return c < 0 ? -1 : c > 0;
}

std::string BignumToString(Value b, int radix) {
  IntegerView view(b);
  std::string out(mpz_sizeinbase(view.get(), radix) + 2, '\0');
  mpz_get_str(out.data(), radix, view.get());
  out.resize(std::strlen(out.c_str()));
  return out;
}

bool BignumEqual(Value a, Value b) {
  size_t n = BignumLimbCount(a);
  return n == BignumLimbCount(b) && BignumNegative(a) == BignumNegative(b) &&
         std::memcmp(BignumLimbs(a), BignumLimbs(b), n * sizeof(mp_limb_t)) == 0;
}

uint64_t BignumHash(Value b) {
  uint64_t h = BignumNegative(b) ? 0x9e3779b97f4a7c15ULL : 0;
  const mp_limb_t* limbs = BignumLimbs(b);
  for (size_t i = 0; i < BignumLimbCount(b); ++i) {
    h = (h ^ limbs[i]) * 0x100000001b3ULL;
    h ^= h >> 29;
  }
  return h;
}

}  // namespace toylang
