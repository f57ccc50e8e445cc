// Tests of frontend/builtins/numbers.cc. Expected values come from R7RS's examples and from
// arithmetic done by hand (or by the C library for transcendental functions).
#include <cmath>
#include <limits>
#include <string>

#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

using NumbersTest = RuntimeTest;

constexpr int64_t kMax = Value::kFixnumMax;  // 4611686018427387903
constexpr int64_t kMin = Value::kFixnumMin;

TEST_F(NumbersTest, AdditionAndMultiplicationOfFixnums) {
  EXPECT_EQ(Call("+", {}), Fx(0));
  EXPECT_EQ(Call("*", {}), Fx(1));
  EXPECT_EQ(Call("+", {Fx(1), Fx(2), Fx(3)}), Fx(6));
  EXPECT_EQ(Call("*", {Fx(4), Fx(-5)}), Fx(-20));
  EXPECT_EQ(Call("-", {Fx(10), Fx(1), Fx(2)}), Fx(7));
  EXPECT_EQ(Call("-", {Fx(5)}), Fx(-5));
  EXPECT_EQ(Call("+", {Fx(kMax - 1), Fx(1)}), Fx(kMax));
  EXPECT_EQ(Call("*", {Fx(1 << 20), Fx(1 << 20), Fx(1 << 20)}), Fx(int64_t{1} << 60));
}

TEST_F(NumbersTest, FixnumOverflowGivesABignum) {
  EXPECT_EQ(CallW("*", {Fx(kMax), Fx(2)}), "9223372036854775806");
  EXPECT_EQ(CallW("+", {Fx(kMax), Fx(1)}), "4611686018427387904");
  EXPECT_EQ(CallW("-", {Fx(kMin), Fx(1)}), "-4611686018427387905");
  EXPECT_EQ(CallW("-", {Fx(kMin)}), "4611686018427387904");
  EXPECT_EQ(CallW("abs", {Fx(kMin)}), "4611686018427387904");
  EXPECT_EQ(CallW("quotient", {Fx(kMin), Fx(-1)}), "4611686018427387904");
  EXPECT_EQ(CallW("expt", {Fx(2), Fx(62)}), "4611686018427387904");
  EXPECT_EQ(CallW("square", {Fx(int64_t{1} << 31)}), "4611686018427387904");
  EXPECT_EQ(CallW("*", {Fx(int64_t{1} << 32), Fx(int64_t{1} << 32)}), "18446744073709551616");
}

// A bignum where a count or an index is needed: the index is out of range (no vector is that
// long); a count is outside the range the procedure takes.
TEST_F(NumbersTest, BignumsAsIndicesAndCounts) {
  Value big = Call("*", {Fx(kMax), Fx(4)});
  EXPECT_EQ(CallError("vector-ref", {Call("vector", {Fx(1)}), big}),
            "vector-ref: index 18446744073709551612 out of range for a vector of length 1");
  EXPECT_EQ(CallError("make-vector", {big}),
            "make-vector: expected an exact integer in the fixnum range, got 18446744073709551612");
}

TEST_F(NumbersTest, InexactContaminates) {
  EXPECT_EQ(CallW("+", {Fx(1), Fl(2.5)}), "3.5");
  EXPECT_EQ(CallW("+", {Fx(1), Fl(1.0)}), "2.0");
  EXPECT_EQ(CallW("*", {Fx(2), Fl(0.5)}), "1.0");
  EXPECT_EQ(CallW("-", {Fl(0.5), Fx(1)}), "-0.5");
  EXPECT_EQ(CallW("-", {Fl(0.0)}), "-0.0");
  EXPECT_EQ(CallW("max", {Fx(1), Fx(3), Fl(2.0)}), "3.0");  // R7RS: inexact if any is
  EXPECT_EQ(CallW("min", {Fx(1), Fl(2.0)}), "1.0");
  EXPECT_EQ(CallW("max", {Fx(1), Fx(3)}), "3");
  EXPECT_EQ(CallW("min", {Fx(-4), Fx(3), Fx(0)}), "-4");
}

TEST_F(NumbersTest, Division) {
  EXPECT_EQ(Call("/", {Fx(6), Fx(3)}), Fx(2));
  EXPECT_EQ(CallW("/", {Fx(1), Fx(3)}), "0.3333333333333333");
  EXPECT_EQ(CallW("/", {Fx(2)}), "0.5");
  EXPECT_EQ(Call("/", {Fx(-8), Fx(2), Fx(2)}), Fx(-2));
  EXPECT_EQ(CallError("/", {Fx(1), Fx(0)}), "/: division by zero");
  EXPECT_EQ(CallError("/", {Fx(0)}), "/: division by zero");
  EXPECT_EQ(CallW("/", {Fl(1.0), Fx(0)}), "+inf.0");
  EXPECT_EQ(CallW("/", {Fx(-1), Fl(0.0)}), "-inf.0");
  EXPECT_EQ(CallW("/", {Fl(0.0), Fl(0.0)}), "+nan.0");
}

TEST_F(NumbersTest, IntegerDivisionFollowsR7RSSigns) {
  // R7RS 6.2.6: remainder has the sign of the dividend, modulo that of the divisor.
  EXPECT_EQ(Call("quotient", {Fx(17), Fx(5)}), Fx(3));
  EXPECT_EQ(Call("quotient", {Fx(-17), Fx(5)}), Fx(-3));
  EXPECT_EQ(Call("remainder", {Fx(17), Fx(5)}), Fx(2));
  EXPECT_EQ(Call("remainder", {Fx(-17), Fx(5)}), Fx(-2));
  EXPECT_EQ(Call("remainder", {Fx(17), Fx(-5)}), Fx(2));
  EXPECT_EQ(Call("modulo", {Fx(13), Fx(4)}), Fx(1));
  EXPECT_EQ(Call("modulo", {Fx(-13), Fx(4)}), Fx(3));
  EXPECT_EQ(Call("modulo", {Fx(13), Fx(-4)}), Fx(-3));
  EXPECT_EQ(Call("modulo", {Fx(-13), Fx(-4)}), Fx(-1));
  EXPECT_EQ(CallW("modulo", {Fl(-13.0), Fx(4)}), "3.0");
  EXPECT_EQ(CallW("quotient", {Fl(17.0), Fx(5)}), "3.0");
  EXPECT_EQ(CallError("quotient", {Fx(1), Fx(0)}), "quotient: division by zero");
  EXPECT_EQ(CallError("modulo", {Fx(1), Fx(0)}), "modulo: division by zero");
  EXPECT_EQ(CallError("remainder", {Fl(1.5), Fx(1)}), "remainder: expected an integer, got 1.5");
}

TEST_F(NumbersTest, GcdLcmExptSquare) {
  EXPECT_EQ(Call("gcd", {}), Fx(0));
  EXPECT_EQ(Call("lcm", {}), Fx(1));
  EXPECT_EQ(Call("gcd", {Fx(32), Fx(-36)}), Fx(4));
  EXPECT_EQ(Call("lcm", {Fx(32), Fx(-36)}), Fx(288));
  EXPECT_EQ(Call("gcd", {Fx(0), Fx(5)}), Fx(5));
  EXPECT_EQ(Call("lcm", {Fx(0), Fx(5)}), Fx(0));
  EXPECT_EQ(CallW("lcm", {Fl(32.0), Fx(-36)}), "288.0");
  EXPECT_EQ(Call("expt", {Fx(2), Fx(10)}), Fx(1024));
  EXPECT_EQ(Call("expt", {Fx(-3), Fx(3)}), Fx(-27));
  EXPECT_EQ(Call("expt", {Fx(0), Fx(0)}), Fx(1));
  EXPECT_EQ(Call("expt", {Fx(2), Fx(61)}), Fx(int64_t{1} << 61));
  EXPECT_EQ(Call("expt", {Fx(1), Fx(kMax)}), Fx(1));
  EXPECT_EQ(CallW("expt", {Fx(2), Fx(-1)}), "0.5");
  EXPECT_EQ(CallW("expt", {Fl(2.0), Fx(3)}), "8.0");
  EXPECT_EQ(CallW("expt", {Fx(4), Fl(0.5)}), "2.0");
  EXPECT_EQ(Call("square", {Fx(-5)}), Fx(25));
  EXPECT_EQ(CallW("square", {Fl(1.5)}), "2.25");
}

TEST_F(NumbersTest, ExactnessConversions) {
  EXPECT_EQ(Call("exact", {Fl(2.0)}), Fx(2));
  EXPECT_EQ(Call("inexact->exact", {Fl(-7.0)}), Fx(-7));
  EXPECT_EQ(Call("exact", {Fx(3)}), Fx(3));
  EXPECT_EQ(CallError("exact", {Fl(1.5)}), "exact: 1.5 has no exact representation");
  EXPECT_EQ(CallError("exact", {Fl(std::numeric_limits<double>::infinity())}),
            "exact: +inf.0 has no exact representation");
  EXPECT_EQ(CallW("exact", {Fl(1e20)}), "100000000000000000000");  // a bignum
  EXPECT_EQ(CallW("exact", {Fl(-0x1p62)}), "-4611686018427387904");  // the fixnum minimum
  EXPECT_EQ(CallW("exact", {Fl(0x1p62)}), "4611686018427387904");    // one past the maximum
  EXPECT_EQ(CallW("exact", {Fl(1e300)}).size(), 301u);
  EXPECT_EQ(CallW("inexact", {Fx(2)}), "2.0");
  EXPECT_EQ(CallW("exact->inexact", {Fx(-1)}), "-1.0");
  EXPECT_EQ(CallW("inexact", {Fl(0.25)}), "0.25");
}

TEST_F(NumbersTest, Rounding) {
  // R7RS 6.2.6 examples.
  EXPECT_EQ(CallW("floor", {Fl(-4.3)}), "-5.0");
  EXPECT_EQ(CallW("ceiling", {Fl(-4.3)}), "-4.0");
  EXPECT_EQ(CallW("truncate", {Fl(-4.3)}), "-4.0");
  EXPECT_EQ(CallW("round", {Fl(-4.3)}), "-4.0");
  EXPECT_EQ(CallW("floor", {Fl(3.5)}), "3.0");
  EXPECT_EQ(CallW("ceiling", {Fl(3.5)}), "4.0");
  EXPECT_EQ(CallW("truncate", {Fl(3.5)}), "3.0");
  EXPECT_EQ(CallW("round", {Fl(3.5)}), "4.0");
  EXPECT_EQ(CallW("round", {Fl(2.5)}), "2.0");  // ties to even
  EXPECT_EQ(CallW("round", {Fl(-2.5)}), "-2.0");
  EXPECT_EQ(Call("round", {Fx(7)}), Fx(7));
  EXPECT_EQ(Call("floor", {Fx(-7)}), Fx(-7));
}

TEST_F(NumbersTest, SqrtAndTranscendentals) {
  EXPECT_EQ(Call("sqrt", {Fx(16)}), Fx(4));
  EXPECT_EQ(Call("sqrt", {Fx(0)}), Fx(0));
  EXPECT_EQ(Call("sqrt", {Fx(int64_t{2147483647} * 2147483647)}), Fx(2147483647));
  // Not a perfect square: inexact (n - 1 rounds to n as a double).
  EXPECT_EQ(CallW("sqrt", {Fx(int64_t{2147483647} * 2147483647 - 1)}), "2147483647.0");
  EXPECT_EQ(CallW("sqrt", {Fx(2)}), "1.4142135623730951");
  EXPECT_EQ(CallW("sqrt", {Fl(16.0)}), "4.0");
  EXPECT_EQ(CallError("sqrt", {Fx(-4)}), "sqrt: expected a non-negative number, got -4");
  EXPECT_EQ(CallW("exp", {Fx(0)}), "1.0");
  EXPECT_EQ(CallW("log", {Fx(1)}), "0.0");
  EXPECT_DOUBLE_EQ(FlonumValue(Call("log", {Fx(8), Fx(2)})), 3.0);
  EXPECT_EQ(CallW("sin", {Fx(0)}), "0.0");
  EXPECT_EQ(CallW("cos", {Fx(0)}), "1.0");
  EXPECT_DOUBLE_EQ(FlonumValue(Call("atan", {Fx(1), Fx(1)})), std::atan(1.0));
  EXPECT_DOUBLE_EQ(FlonumValue(Call("atan", {Fx(1)})), 0.7853981633974483);
  EXPECT_DOUBLE_EQ(FlonumValue(Call("tan", {Fl(0.5)})), std::tan(0.5));
}

TEST_F(NumbersTest, Predicates) {
  EXPECT_EQ(Call("number?", {Fl(1.5)}), Value::True());
  EXPECT_EQ(Call("number?", {Str("1")}), Value::False());
  EXPECT_EQ(Call("integer?", {Fl(2.0)}), Value::True());
  EXPECT_EQ(Call("integer?", {Fl(2.5)}), Value::False());
  EXPECT_EQ(Call("integer?", {Sym("a")}), Value::False());
  EXPECT_EQ(Call("exact?", {Fx(1)}), Value::True());
  EXPECT_EQ(Call("inexact?", {Fl(1)}), Value::True());
  EXPECT_EQ(CallError("exact?", {Str("a")}), "exact?: expected a number, got \"a\"");
  EXPECT_EQ(Call("exact-integer?", {Fl(2.0)}), Value::False());
  EXPECT_EQ(Call("exact-integer?", {Fx(2)}), Value::True());
  EXPECT_EQ(Call("odd?", {Fx(-3)}), Value::True());
  EXPECT_EQ(Call("even?", {Fl(2.0)}), Value::True());
  EXPECT_EQ(Call("even?", {Fx(0)}), Value::True());
  EXPECT_EQ(CallError("odd?", {Fl(1.5)}), "odd?: expected an integer, got 1.5");
  EXPECT_EQ(Call("zero?", {Fl(-0.0)}), Value::True());
  EXPECT_EQ(Call("positive?", {Fx(-1)}), Value::False());
  EXPECT_EQ(Call("negative?", {Fl(-0.5)}), Value::True());
}

TEST_F(NumbersTest, ComparisonsAreExactAcrossTypes) {
  EXPECT_EQ(Call("=", {Fx(1), Fl(1.0)}), Value::True());
  EXPECT_EQ(Call("<", {Fx(1), Fx(2), Fx(3)}), Value::True());
  EXPECT_EQ(Call("<", {Fx(1), Fx(3), Fx(2)}), Value::False());
  EXPECT_EQ(Call("<=", {Fx(1), Fx(1), Fx(2)}), Value::True());
  EXPECT_EQ(Call(">", {Fx(3), Fl(2.5), Fx(2)}), Value::True());
  EXPECT_EQ(Call(">=", {Fx(3), Fx(4)}), Value::False());
  // 2^53 + 1 is not representable as a double: comparing through doubles would say equal.
  Value big = Fx((int64_t{1} << 53) + 1);
  Value big_fl = Fl(9007199254740992.0);
  EXPECT_EQ(Call("=", {big, big_fl}), Value::False());
  EXPECT_EQ(Call("<", {big_fl, big}), Value::True());
  EXPECT_EQ(Call(">", {big, big_fl}), Value::True());
  Value nan = Fl(std::nan(""));
  EXPECT_EQ(Call("=", {nan, nan}), Value::False());
  EXPECT_EQ(Call("<", {Fx(1), nan}), Value::False());
  EXPECT_EQ(Call(">=", {nan, Fx(1)}), Value::False());
  EXPECT_EQ(CallError("<", {Fx(1), Sym("a")}), "<: expected a number, got a");
  // Every argument is checked even after the answer is known.
  EXPECT_EQ(CallError("<", {Fx(2), Fx(1), Str("x")}), "<: expected a number, got \"x\"");
}

TEST_F(NumbersTest, NumberToString) {
  EXPECT_EQ(D(Call("number->string", {Fx(42)})), "42");
  EXPECT_EQ(D(Call("number->string", {Fx(255), Fx(16)})), "ff");
  EXPECT_EQ(D(Call("number->string", {Fx(-10), Fx(2)})), "-1010");
  EXPECT_EQ(D(Call("number->string", {Fl(1.5)})), "1.5");
  EXPECT_EQ(D(Call("number->string", {Fl(3.0)})), "3.0");
  EXPECT_EQ(CallError("number->string", {Fx(1), Fx(7)}),
            "number->string: expected a radix of 2, 8, 10 or 16, got 7");
}

TEST_F(NumbersTest, StringToNumber) {
  auto parse = [&](const char* s) { return CallW("string->number", {Str(s)}); };
  EXPECT_EQ(parse("42"), "42");
  EXPECT_EQ(parse("-17"), "-17");
  EXPECT_EQ(parse("+5"), "5");
  EXPECT_EQ(parse("1.5"), "1.5");
  EXPECT_EQ(parse(".5"), "0.5");
  EXPECT_EQ(parse("1."), "1.0");
  EXPECT_EQ(parse("1e3"), "1000.0");
  EXPECT_EQ(parse("-2.5e-3"), "-0.0025");
  EXPECT_EQ(parse("#xff"), "255");
  EXPECT_EQ(parse("#b-101"), "-5");
  EXPECT_EQ(parse("+inf.0"), "+inf.0");
  EXPECT_EQ(parse("-inf.0"), "-inf.0");
  EXPECT_EQ(parse("+nan.0"), "+nan.0");
  EXPECT_EQ(parse("4611686018427387903"), "4611686018427387903");
  EXPECT_EQ(parse("99999999999999999999"), "99999999999999999999");  // exact: a bignum
  EXPECT_EQ(parse("#x-ffffffffffffffffffff"), "-1208925819614629174706175");
  for (const char* bad : {"", "abc", "-", "+", ".", "1/2", "1e", "1.2.3", "12a", "#q1", "e5"}) {
    EXPECT_EQ(parse(bad), "#f") << bad;
  }
  EXPECT_EQ(CallW("string->number", {Str("ff"), Fx(16)}), "255");
  EXPECT_EQ(CallW("string->number", {Str("777"), Fx(8)}), "511");
  EXPECT_EQ(CallW("string->number", {Str("8"), Fx(8)}), "#f");
  EXPECT_EQ(CallError("string->number", {Fx(1)}), "string->number: expected a string, got 1");
}

TEST_F(NumbersTest, TypeErrorsNameTheProcedureAndTheValue) {
  EXPECT_EQ(CallError("+", {Fx(1), Str("2")}), "+: expected a number, got \"2\"");
  EXPECT_EQ(CallError("*", {R("(1)")}), "*: expected a number, got (1)");
  EXPECT_EQ(CallError("abs", {Value::True()}), "abs: expected a number, got #t");
}

}  // namespace
}  // namespace toylang::testing
