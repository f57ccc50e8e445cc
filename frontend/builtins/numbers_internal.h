// Helpers shared by the number built-ins (numbers.cc, numbers_integer.cc, numbers_text.cc).
// Exact integers are fixnums or bignums (frontend/objects/bignum.h); every exact result is
// normalised, so a result that fits a fixnum is one.
#ifndef TOYLANG_FRONTEND_BUILTINS_NUMBERS_INTERNAL_H_
#define TOYLANG_FRONTEND_BUILTINS_NUMBERS_INTERNAL_H_

#include "frontend/builtins/builtins_internal.h"

namespace toylang::builtins_internal {

// Two numbers (checked by the caller): exact when both are exact, else IEEE on doubles.
Value Add2(Value a, Value b);
Value Sub2(Value a, Value b);
Value Mul2(const char* who, Value a, Value b);

// The largest exact result computed, in bits (2^32 bits: 512 MiB of limbs). A product or power
// beyond it is the error "who: the result is too large".
inline constexpr double kMaxExactBits = 4294967296.0;
void CheckResultSize(const char* who, double bits);

// -1, 0, 1, or 2 when unordered (a NaN is involved). Exact integers against flonums compare
// exactly (2^53+1 is greater than 2^53.0).
int Compare(Value a, Value b);

void CheckAll(const char* who, const Value* args, int argc);
// An integer argument: an exact integer, or a flonum with an integral value.
bool IsIntegerValue(Value v);
void CheckInteger(const char* who, Value v);
// Requires IsIntegerValue(v).
bool IsOdd(Value v);

}  // namespace toylang::builtins_internal

#endif  // TOYLANG_FRONTEND_BUILTINS_NUMBERS_INTERNAL_H_
