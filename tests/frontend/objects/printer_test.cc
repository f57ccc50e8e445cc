// Tests of frontend/objects/printer.cc: display and write. Expected strings are written from the
// R7RS text (external representations) or computed with the C library (strtod, printf).
#include "frontend/objects/printer.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

using PrinterTest = RuntimeTest;

TEST_F(PrinterTest, Immediates) {
  EXPECT_EQ(W(Fx(42)), "42");
  EXPECT_EQ(W(Fx(-7)), "-7");
  EXPECT_EQ(W(Fx(Value::kFixnumMax)), "4611686018427387903");
  EXPECT_EQ(W(Fx(Value::kFixnumMin)), "-4611686018427387904");
  EXPECT_EQ(W(Value::True()), "#t");
  EXPECT_EQ(W(Value::False()), "#f");
  EXPECT_EQ(W(Value::Nil()), "()");
}

TEST_F(PrinterTest, CharactersWriteAndDisplay) {
  EXPECT_EQ(W(Ch('a')), "#\\a");
  EXPECT_EQ(W(Ch(' ')), "#\\space");
  EXPECT_EQ(W(Ch('\n')), "#\\newline");
  EXPECT_EQ(W(Ch('\t')), "#\\tab");
  EXPECT_EQ(W(Ch(0)), "#\\null");
  EXPECT_EQ(W(Ch(0x7f)), "#\\delete");
  EXPECT_EQ(W(Ch(1)), "#\\x1");
  EXPECT_EQ(W(Ch(0x3bb)), "#\\\xce\xbb");  // λ in UTF-8
  EXPECT_EQ(D(Ch('a')), "a");
  EXPECT_EQ(D(Ch(' ')), " ");
  EXPECT_EQ(D(Ch(0x3bb)), "\xce\xbb");
  EXPECT_EQ(D(Ch(0x1f600)), "\xf0\x9f\x98\x80");
}

TEST_F(PrinterTest, StringsAreQuotedAndEscapedOnlyByWrite) {
  Value s = Str("a\"b\\c\nd\te");
  EXPECT_EQ(W(s), "\"a\\\"b\\\\c\\nd\\te\"");
  EXPECT_EQ(D(s), "a\"b\\c\nd\te");
  EXPECT_EQ(W(Str("")), "\"\"");
  EXPECT_EQ(W(Str(std::string("\x01", 1))), "\"\\x1;\"");
  EXPECT_EQ(W(Str("h\xc3\xa9")), "\"h\xc3\xa9\"");  // UTF-8 passes through
}

TEST_F(PrinterTest, Symbols) {
  EXPECT_EQ(W(Sym("hello")), "hello");
  EXPECT_EQ(W(Sym("list->vector")), "list->vector");
  EXPECT_EQ(W(Sym("+")), "+");
  EXPECT_EQ(W(Sym("...")), "...");
  // Names that would not read back as the symbol get bars under write, not display.
  EXPECT_EQ(W(Sym("hello world")), "|hello world|");
  EXPECT_EQ(W(Sym("")), "||");
  EXPECT_EQ(W(Sym("42")), "|42|");
  EXPECT_EQ(D(Sym("hello world")), "hello world");
}

TEST_F(PrinterTest, ListsPairsAndQuoteForms) {
  EXPECT_EQ(W(R("(1 2 3)")), "(1 2 3)");
  EXPECT_EQ(W(R("(1 . 2)")), "(1 . 2)");
  EXPECT_EQ(W(R("(1 2 . 3)")), "(1 2 . 3)");
  EXPECT_EQ(W(R("((1 2) (3 (4)) ())")), "((1 2) (3 (4)) ())");
  EXPECT_EQ(W(R("(\"a\" #\\b c)")), "(\"a\" #\\b c)");
  EXPECT_EQ(D(R("(\"a\" #\\b c)")), "(a b c)");
  EXPECT_EQ(W(R("'x")), "'x");
  EXPECT_EQ(W(R("(quote x y)")), "(quote x y)");
  EXPECT_EQ(W(R("(quasiquote (a (unquote b) (unquote-splicing c)))")), "`(a ,b ,@c)");
}

TEST_F(PrinterTest, Vectors) {
  EXPECT_EQ(W(R("#(1 #(2) \"s\")")), "#(1 #(2) \"s\")");
  EXPECT_EQ(W(MakeVector(0, Value::False())), "#()");
  EXPECT_EQ(W(MakeVector(3, Fx(0))), "#(0 0 0)");
}

TEST_F(PrinterTest, FlonumsInR7RSForm) {
  EXPECT_EQ(W(Fl(1.0)), "1.0");
  EXPECT_EQ(W(Fl(0.5)), "0.5");
  EXPECT_EQ(W(Fl(-0.0)), "-0.0");
  EXPECT_EQ(W(Fl(0.0)), "0.0");
  EXPECT_EQ(W(Fl(100.0)), "100.0");
  EXPECT_EQ(W(Fl(-2.5)), "-2.5");
  EXPECT_EQ(W(Fl(0.1)), "0.1");
  EXPECT_EQ(W(Fl(0.1 + 0.2)), "0.30000000000000004");
  EXPECT_EQ(W(Fl(1.0 / 3.0)), "0.3333333333333333");
  EXPECT_EQ(W(Fl(123.456)), "123.456");
  EXPECT_EQ(W(Fl(1e100)), "1e+100");
  EXPECT_EQ(W(Fl(1e21)), "1e+21");
  EXPECT_EQ(W(Fl(1.5e21)), "1.5e+21");
  EXPECT_EQ(W(Fl(1e20)), "100000000000000000000.0");
  EXPECT_EQ(W(Fl(1e-6)), "0.000001");
  EXPECT_EQ(W(Fl(1e-7)), "1e-7");
  EXPECT_EQ(W(Fl(-1.5e-7)), "-1.5e-7");
  EXPECT_EQ(W(Fl(5e-324)), "5e-324");
  EXPECT_EQ(W(Fl(std::numeric_limits<double>::infinity())), "+inf.0");
  EXPECT_EQ(W(Fl(-std::numeric_limits<double>::infinity())), "-inf.0");
  EXPECT_EQ(W(Fl(std::nan(""))), "+nan.0");
}

// Counts significant digits in a FormatFlonum result (digits before any exponent, without the
// leading zeros of "0.000123" and the ".0" added to integers).
int SignificantDigits(const std::string& s) {
  std::string mantissa = s.substr(0, s.find('e'));
  std::string digits;
  for (char c : mantissa) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (mantissa.size() >= 2 && mantissa.substr(mantissa.size() - 2) == ".0") digits.pop_back();
  size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 1;
  digits = digits.substr(first);
  size_t last = digits.find_last_not_of('0');
  return static_cast<int>(last + 1);
}

TEST_F(PrinterTest, FlonumsRoundTripWithTheShortestDigits) {
  std::mt19937_64 rng(12345);
  for (int i = 0; i < 20000; ++i) {
    uint64_t bits = rng();
    double d;
    std::memcpy(&d, &bits, sizeof d);
    if (!std::isfinite(d)) continue;
    if (i % 2 == 0) d = static_cast<double>(static_cast<int64_t>(bits >> 20)) / 1024.0;  // tamer
    std::string s = FormatFlonum(d);
    ASSERT_TRUE(s.find('.') != std::string::npos || s.find('e') != std::string::npos) << s;
    char* end = nullptr;
    double back = std::strtod(s.c_str(), &end);
    ASSERT_EQ(*end, '\0') << s;
    ASSERT_EQ(std::memcmp(&back, &d, sizeof d), 0) << s << " does not read back as " << d;
    // Shortest: printf with one significant digit fewer must not read back as d.
    int digits = SignificantDigits(s);
    if (digits > 1) {
      char shorter[64];
      std::snprintf(shorter, sizeof shorter, "%.*e", digits - 2, d);
      ASSERT_NE(std::strtod(shorter, nullptr), d) << s << " is not the shortest: " << shorter;
    }
  }
}

TEST_F(PrinterTest, ProceduresRecordsAndSpecialValues) {
  EXPECT_EQ(W(Proc("car")), "#<procedure car>");
  static const ProcedureInfo named{"fact", 1, 1};
  static const ProcedureInfo anonymous{"", 0, -1};
  EXPECT_EQ(W(MakeClosure(&named, 2)), "#<procedure fact>");
  EXPECT_EQ(W(MakeClosure(&anonymous, 0)), "#<procedure>");
  Value rtd = MakeRecordType(Sym("<point>"), R("(x y)"));
  EXPECT_EQ(W(MakeRecord(rtd)), "#<point>");
  Value rtd2 = MakeRecordType(Sym("node"), R("(v)"));
  EXPECT_EQ(W(MakeRecord(rtd2)), "#<node>");
  EXPECT_EQ(W(Value::Eof()), "#<eof>");
  EXPECT_EQ(W(Value::Unspecified()), "#<unspecified>");
  EXPECT_EQ(W(Value::Undefined()), "#<undefined>");
}

TEST_F(PrinterTest, LongListDoesNotOverflowTheStack) {
  constexpr int kN = 1000000;
  Value list = Value::Nil();
  for (int i = 0; i < kN; ++i) list = Cons(Fx(1), list);
  std::string s = W(list);
  EXPECT_EQ(s.size(), 2u + 2u * kN - 1u);  // "(1 1 ... 1)"
  EXPECT_EQ(s.substr(0, 6), "(1 1 1");
}

TEST_F(PrinterTest, DeepNestingPrintsWithoutRecursion) {
  constexpr int kDepth = 200000;  // far beyond what recursion could do in 8 MiB under ASan
  Value v = Fx(0);
  for (int i = 0; i < kDepth; ++i) v = Cons(v, Value::Nil());
  EXPECT_EQ(W(v), std::string(kDepth, '(') + "0" + std::string(kDepth, ')'));
  Value w = Fx(1);
  for (int i = 0; i < kDepth; ++i) {
    Value outer = MakeVector(2, Fx(2));
    VectorSet(outer, 0, w);
    w = outer;
  }
  std::string expected;
  for (int i = 0; i < kDepth; ++i) expected += "#(";
  expected += "1";
  for (int i = 0; i < kDepth; ++i) expected += " 2)";
  EXPECT_EQ(W(w), expected);
}

TEST_F(PrinterTest, CarCycleStopsAtTheDepthLimit) {
  Value self = R("(1)");
  SetCar(self, self);
  std::string s = W(self);
  EXPECT_EQ(s.substr(0, 4), "((((");
  EXPECT_NE(s.find("..."), std::string::npos);
  EXPECT_LT(s.size(), 2100000u);
}

TEST_F(PrinterTest, LimitedWriteStopsAtTheLimit) {
  EXPECT_EQ(WriteStringLimited(R("(1 2 3)"), 100), "(1 2 3)");
  EXPECT_EQ(WriteStringLimited(R("(1 2 3)"), 7), "(1 2 3)");
  EXPECT_EQ(WriteStringLimited(R("(1 2 3)"), 4), "(1 2...");
  EXPECT_EQ(WriteStringLimited(Str("abcdef"), 3), "\"ab...");
}

TEST_F(PrinterTest, CdrCycleTerminates) {
  Value list = R("(1 2 3)");
  SetCdr(Cdr(Cdr(list)), list);
  std::string s = W(list);
  EXPECT_EQ(s.substr(0, 7), "(1 2 3 ");
  EXPECT_NE(s.find("..."), std::string::npos);
  EXPECT_LT(s.size(), 100u);
  Value self = R("(1)");
  SetCdr(self, self);
  EXPECT_LT(W(self).size(), 100u);
}

}  // namespace
}  // namespace toylang::testing
