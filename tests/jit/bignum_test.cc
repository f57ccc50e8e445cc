// Exact integers at the fixnum boundary, in both engines: every pair of values around
// kFixnumMax and kFixnumMin (and the first bignums beyond them) through + - * quotient remainder
// modulo and the comparisons, and every value through the unary operations. The expected
// output is computed here with __int128 (every such result fits), independently of toylang and
// of GMP. The JIT's inline fixnum paths are the risky part: the binary operations run inside a
// procedure (compiled at O2, operations inlined) and again as top-level forms on literals (the
// thunks, at O0); both engines run in both root modes, plain and under stress=1,verify=1.
#include <cstdint>
#include <string>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "tests/jit/run_source.h"

namespace toylang::jit {
namespace {

using Int = __int128;

constexpr Int kMax = mosaic::Value::kFixnumMax;
constexpr Int kMin = mosaic::Value::kFixnumMin;

// The values around both ends of the fixnum range, small ones, and 2^31 (whose square is the
// first bignum power of two).
const Int kValues[] = {kMax - 1, kMax,     kMax + 1, kMax + 2, kMin + 1, kMin, kMin - 1,
                       kMin - 2, 0,        1,        -1,       2,        -2,   Int{1} << 31};

std::string ToString(Int n, int radix = 10) {
  if (n == 0) return "0";
  bool negative = n < 0;
  unsigned __int128 m = negative ? -static_cast<unsigned __int128>(n) : n;
  std::string digits;
  while (m != 0) {
    digits.insert(digits.begin(), "0123456789abcdef"[static_cast<int>(m % radix)]);
    m /= radix;
  }
  return (negative ? "-" : "") + digits;
}

const char* Bool(bool b) { return b ? "#t" : "#f"; }

// The line `(write (ops a b))` prints.
std::string BinaryLine(Int a, Int b) {
  std::string line = "(" + ToString(a + b) + " " + ToString(a - b) + " " + ToString(a * b);
  line += std::string(" ") + Bool(a < b) + " " + Bool(a > b) + " " + Bool(a <= b) + " " +
          Bool(a >= b) + " " + Bool(a == b) + " " + Bool(a == b);
  if (b == 0) {
    line += " z z z";
  } else {
    Int q = a / b, r = a % b;  // C++ truncates, as quotient and remainder do
    Int m = (r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
    line += " " + ToString(q) + " " + ToString(r) + " " + ToString(m);
  }
  return line + ")\n";
}

std::string UnaryLine(Int a) {
  Int abs = a < 0 ? -a : a;
  return "(" + ToString(-a) + " " + ToString(abs) + " " + ToString(a * a) + " " +
         ToString(a + 1) + " " + ToString(a - 1) + " " + Bool(a == 0) + " " + Bool(a > 0) +
         " " + Bool(a < 0) + " " + Bool(a % 2 != 0) + " " + Bool(a % 2 == 0) +
         " #t #t #t #t \"" + ToString(a, 16) + "\" \"" + ToString(a, 2) + "\" " +
         Bool(a >= kMin && a <= kMax) + ")\n";
}

std::string ValueList() {
  std::string list = "(list";
  for (Int v : kValues) list += " " + ToString(v);
  return list + ")";
}

// The binary operations; eqv? on a copy made by (+ a 0) (a new bignum, never the same object).
constexpr char kOps[] =
    "(define (ops a b) (list (+ a b) (- a b) (* a b) (< a b) (> a b) (<= a b) (>= a b) (= a b)"
    "  (eqv? (+ a 0) b) (if (zero? b) 'z (quotient a b)) (if (zero? b) 'z (remainder a b))"
    "  (if (zero? b) 'z (modulo a b))))"
    // eq? on the results that are fixnums again: normalised, so the same immediate.
    "(define (unary a) (list (- a) (abs a) (square a) (+ a 1) (- a 1) (zero? a) (positive? a)"
    "  (negative? a) (odd? a) (even? a) (number? a) (integer? a) (exact? a) (exact-integer? a)"
    "  (number->string a 16) (number->string a 2) (eq? (- (+ a 1) 1) (- (+ a 2) 2))))";

std::string Program() {
  std::string p = kOps;
  p += "(define vals " + ValueList() + ") (collect)";
  p += "(for-each (lambda (a) (for-each (lambda (b) (write (ops a b)) (newline)) vals)) vals)";
  p += "(for-each (lambda (a) (write (unary a)) (newline)) vals)";
  // The same binary operations as top-level forms on literals.
  for (Int a : kValues) {
    for (Int b : kValues) {
      std::string x = ToString(a), y = ToString(b);
      p += "(write (list (+ " + x + " " + y + ") (- " + x + " " + y + ") (* " + x + " " + y +
           ") (< " + x + " " + y + ") (= " + x + " " + y + ")))(newline)";
    }
  }
  return p;
}

std::string Expected() {
  std::string out;
  for (Int a : kValues) {
    for (Int b : kValues) out += BinaryLine(a, b);
  }
  for (Int a : kValues) out += UnaryLine(a);
  for (Int a : kValues) {
    for (Int b : kValues) {
      out += "(" + ToString(a + b) + " " + ToString(a - b) + " " + ToString(a * b) + " " +
             Bool(a < b) + " " + Bool(a == b) + ")\n";
    }
  }
  return out;
}

using Param = std::tuple<EngineKind, RootsMode, const char*>;

std::string Name(const testing::TestParamInfo<Param>& info) {
  auto [kind, roots, gc] = info.param;
  return std::string(kind == EngineKind::kJit ? "Jit" : "Interp") + ModeName(roots, gc);
}

class FixnumBoundaryTest : public testing::TestWithParam<Param> {};

TEST_P(FixnumBoundaryTest, EveryOperationAroundTheFixnumRange) {
  auto [kind, roots, gc] = GetParam();
  Outcome got = RunSource(kind, roots, gc, Program(), "bignum.scm");
  ASSERT_EQ(got.result.rfind("error:", 0), std::string::npos) << got.result;
  const std::string expected = Expected();
  // Line by line, so that a failure names the operands' line rather than one huge diff.
  size_t at_got = 0, at_expected = 0;
  int line = 1;
  while (at_expected < expected.size()) {
    size_t end_expected = expected.find('\n', at_expected);
    size_t end_got = got.out.find('\n', at_got);
    ASSERT_NE(end_got, std::string::npos) << "output ends before line " << line;
    ASSERT_EQ(got.out.substr(at_got, end_got - at_got),
              expected.substr(at_expected, end_expected - at_expected))
        << "line " << line;
    at_got = end_got + 1;
    at_expected = end_expected + 1;
    ++line;
  }
  EXPECT_EQ(at_got, got.out.size());
}

INSTANTIATE_TEST_SUITE_P(
    Engines, FixnumBoundaryTest,
    testing::Combine(testing::Values(EngineKind::kInterp, EngineKind::kJit),
                     testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1")),
    Name);

// Bignum-specific results with known digits, in both engines.
class BignumResultsTest : public testing::TestWithParam<EngineKind> {};

TEST_P(BignumResultsTest, KnownValues) {
  auto run = [&](const std::string& source) {
    return RunSource(GetParam(), RootsMode::kPrecise, "", source, "bignum.scm").result;
  };
  EXPECT_EQ(run("(expt 2 100)"), "1267650600228229401496703205376");
  EXPECT_EQ(run("(- (expt 2 100))"), "-1267650600228229401496703205376");
  EXPECT_EQ(run("(exact->inexact (expt 2 100))"), "1.2676506002282294e+30");
  EXPECT_EQ(run("(exact->inexact (expt 10 400))"), "+inf.0");
  EXPECT_EQ(run("(exact->inexact (- (expt 10 400)))"), "-inf.0");
  // Rounding to nearest, ties to even: 2^53 + 1 is a tie (down to even), 2^53 + 3 goes up.
  EXPECT_EQ(run("(= (exact->inexact (+ (expt 2 70) 1)) (exact->inexact (expt 2 70)))"), "#t");
  EXPECT_EQ(run("(exact (exact->inexact (+ (expt 2 64) (expt 2 11))))"), "18446744073709551616");
  EXPECT_EQ(run("(exact (exact->inexact (+ (expt 2 64) (expt 2 11) 1)))"),
            "18446744073709555712");
  EXPECT_EQ(run("(exact (exact->inexact (+ (expt 2 64) (* 3 (expt 2 11)))))"),
            "18446744073709559808");
  // Exact comparison with flonums, not through a rounded double.
  EXPECT_EQ(run("(list (< (+ (expt 2 70) 1) (exact->inexact (expt 2 70)))"
                " (> (+ (expt 2 70) 1) (exact->inexact (expt 2 70)))"
                " (= (expt 2 70) (exact->inexact (expt 2 70))) (< (expt 10 400) +inf.0)"
                " (> (- (expt 10 400)) -inf.0) (= (expt 2 70) +nan.0) (< 1e300 (expt 10 301)))"),
            "(#f #t #t #t #t #f #t)");
  EXPECT_EQ(run("(list (+ (expt 2 70) 0.5) (* 1.0 (expt 2 70)) (max 1.5 (expt 2 70)))"),
            "(1.1805916207174113e+21 1.1805916207174113e+21 1.1805916207174113e+21)");
  EXPECT_EQ(run("(exact 1e20)"), "100000000000000000000");
  EXPECT_EQ(run("(quotient (expt 10 30) (- (expt 10 10)))"), "-100000000000000000000");
  EXPECT_EQ(run("(list (modulo (- (expt 10 30)) 7) (remainder (- (expt 10 30)) 7))"), "(6 -1)");
  EXPECT_EQ(run("(call-with-values (lambda () (floor/ (- (expt 10 30)) 7)) list)"),
            "(-142857142857142857142857142858 6)");
  EXPECT_EQ(run("(call-with-values (lambda () (truncate/ (- (expt 10 30)) 7)) list)"),
            "(-142857142857142857142857142857 -1)");
  EXPECT_EQ(run("(call-with-values (lambda () (exact-integer-sqrt (expt 10 41))) list)"),
            "(316227766016837933199 562477137586013626399)");
  EXPECT_EQ(run("(list (gcd (expt 2 100) (expt 6 50)) (lcm (expt 2 70) 3))"),
            "(1125899906842624 3541774862152233910272)");
  EXPECT_EQ(run("(sqrt (expt 10 40))"), "100000000000000000000");
  EXPECT_EQ(run("(/ (expt 10 30) (expt 10 28))"), "100");
  EXPECT_EQ(run("(/ (expt 10 30) 3)"), "3.333333333333333e+29");
  EXPECT_EQ(run("(string->number \"-123456789012345678901234567890\")"),
            "-123456789012345678901234567890");
  EXPECT_EQ(run("(string->number \"#xffffffffffffffffffff\")"), "1208925819614629174706175");
  EXPECT_EQ(run("(number->string (- (expt 2 64)) 8)"), "\"-2000000000000000000000\"");
  EXPECT_EQ(run("(let ((h (make-eqv-hashtable))) (hashtable-set! h (expt 2 80) 'a)"
                " (hashtable-ref h (* (expt 2 40) (expt 2 40)) #f))"),
            "a");
  EXPECT_EQ(run("(let ((h (make-hashtable equal-hash equal?)))"
                " (hashtable-set! h (list (expt 3 50)) 'b)"
                " (hashtable-ref h (list (* (expt 3 25) (expt 3 25))) #f))"),
            "b");
  EXPECT_EQ(run("(= (equal-hash (expt 7 40)) (equal-hash (* (expt 7 20) (expt 7 20))))"), "#t");
  EXPECT_EQ(run("(expt 2 (expt 2 62))"), "error: bignum.scm:1:1: expt: the result is too large");
  // A product past the limit (2^32 bits) is refused before GMP multiplies: 2^(2^31 + 2) times
  // 2^(2^31 - 1). (Squaring 3 forty times reached it too, after 30 s and 2 GB of squaring.)
  EXPECT_EQ(run("(define x (expt 2 (- (expt 2 31) 1))) (* 8 x x)"),
            "error: bignum.scm:1:39: *: the result is too large");
  EXPECT_EQ(run("(string-length (number->string (square (expt 7 100000))))"), "169020");
  EXPECT_EQ(run("(list (expt 1 (expt 2 100)) (expt -1 (+ (expt 2 100) 1)) (expt 0 (expt 2 100)))"),
            "(1 -1 0)");
}

INSTANTIATE_TEST_SUITE_P(Engines, BignumResultsTest,
                         testing::Values(EngineKind::kInterp, EngineKind::kJit),
                         [](const testing::TestParamInfo<EngineKind>& info) {
                           return std::string(info.param == EngineKind::kJit ? "Jit" : "Interp");
                         });

}  // namespace
}  // namespace toylang::jit
