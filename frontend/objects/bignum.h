// Exact integers beyond the fixnum range (bignums), on GMP. docs/design/bignums.md explains the
// choices.
//
// Layout (ObjType::kBignum, kNoReferences):
//
//   [header | sign word | limb 0 | limb 1 | ... ]   length field = limb count (>= 1)
//
// The sign word is 0 for a positive number and 1 for a negative one; the limbs are the
// magnitude, least significant first, with a non-zero top limb. A bignum never holds a value
// that fits a fixnum: every operation normalises its result (MakeInteger), so small integers
// stay fixnums and eq? on them keeps working. The object owns no malloc'd memory and needs no
// finalizer: GMP reads it in place through a read-only mpz view (IntegerView), and results,
// computed in a temporary mpz (Mpz), are copied into a new heap object.
//
//   toylang::Mpz z;
//   mpz_mul(z.get(), toylang::IntegerView(a).get(), toylang::IntegerView(b).get());
//   toylang::Value product = toylang::MakeInteger(z.get());
#ifndef TOYLANG_FRONTEND_OBJECTS_BIGNUM_H_
#define TOYLANG_FRONTEND_OBJECTS_BIGNUM_H_

#include <gmp.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "frontend/objects/objects.h"

namespace toylang {

static_assert(sizeof(mp_limb_t) == 8, "bignum limbs are 64-bit words");

inline bool IsBignum(Value v) { return HasType(v, ObjType::kBignum); }
inline bool IsExactInteger(Value v) { return v.IsFixnum() || IsBignum(v); }
// These require IsBignum(b).
inline size_t BignumLimbCount(Value b) { return LengthOf(b); }
inline bool BignumNegative(Value b) { return b.ObjectWords()[1] != 0; }
inline const mp_limb_t* BignumLimbs(Value b) {
  return reinterpret_cast<const mp_limb_t*>(b.ObjectWords() + 2);
}

// A GMP integer in malloc'd memory, cleared on scope exit (also when an allocation throws).
// Holds no Values, so it may live anywhere.
class Mpz {
 public:
  Mpz() { mpz_init(z_); }
  ~Mpz() { mpz_clear(z_); }
  Mpz(const Mpz&) = delete;
  Mpz& operator=(const Mpz&) = delete;
  mpz_ptr get() { return z_; }

 private:
  mpz_t z_;
};

// A read-only mpz view of an exact integer (a fixnum or a bignum) without copying a bignum's
// limbs: the view points into the heap object, which does not move. The caller keeps the Value
// itself reachable (in a local or an argument array) while the view is used, and nothing may
// write through the view.
class IntegerView {
 public:
  explicit IntegerView(Value v);  // requires IsExactInteger(v)
  IntegerView(const IntegerView&) = delete;
  IntegerView& operator=(const IntegerView&) = delete;
  mpz_srcptr get() const { return z_; }

 private:
  mp_limb_t small_ = 0;  // a fixnum's magnitude
  mpz_t z_;
};

// The integer `z` as a toylang value: a fixnum when it fits, else a new bignum. May collect;
// throws "out of memory" for an object too large for the heap.
Value MakeInteger(mpz_srcptr z);
Value MakeInteger128(__int128 n);

// The double nearest to the bignum (ties to even), ±inf.0 beyond the double range: R7RS's
// exact->inexact, and what mixed bignum/flonum arithmetic uses.
double BignumToDouble(Value b);
double MpzToDouble(mpz_srcptr z);
// The exact integer equal to `d`, which must be finite and integral.
Value IntegerFromDouble(double d);
// Three-way comparison of an exact integer with a double, exactly (no rounding of the integer).
// Requires !isnan(d).
int CompareIntegerDouble(Value i, double d);
// Digits in `radix` (2..36), with a leading '-' for a negative number.
std::string BignumToString(Value b, int radix);
// Equal values (both bignums).
bool BignumEqual(Value a, Value b);
// A hash of the value (consistent with BignumEqual).
uint64_t BignumHash(Value b);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_BIGNUM_H_
