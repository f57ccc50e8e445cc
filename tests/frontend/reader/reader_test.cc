#include "frontend/reader/reader.h"

#include <cmath>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;

DatumPtr ReadOne(std::string_view source) {
  std::vector<DatumPtr> all = ReadAll(source, "test.scm");
  EXPECT_EQ(all.size(), 1u) << source;
  return all.empty() ? nullptr : all[0];
}

std::string RoundTrip(std::string_view source) { return WriteDatum(*ReadOne(source)); }

// Reads `source`, expects a ReadError, and returns "line:col: message [incomplete]".
std::string ReadFailure(std::string_view source) {
  try {
    ReadAll(source, "test.scm");
  } catch (const ReadError& e) {
    return std::to_string(e.pos().line) + ":" + std::to_string(e.pos().col) + ": " + e.message() +
           (e.incomplete() ? " [incomplete]" : "");
  }
  return "no error";
}

TEST(ReaderTest, Atoms) {
  DatumPtr d = ReadOne("42");
  EXPECT_EQ(d->kind, DatumKind::kFixnum);
  EXPECT_EQ(d->fixnum, 42);
  EXPECT_EQ(ReadOne("-17")->fixnum, -17);
  EXPECT_EQ(ReadOne("+5")->fixnum, 5);
  EXPECT_EQ(ReadOne("#xff")->fixnum, 255);
  EXPECT_EQ(ReadOne("#b-101")->fixnum, -5);
  EXPECT_EQ(ReadOne("#o17")->fixnum, 15);
  EXPECT_EQ(ReadOne("1.5")->flonum, 1.5);
  EXPECT_EQ(ReadOne(".5")->flonum, 0.5);
  EXPECT_EQ(ReadOne("-2.")->flonum, -2.0);
  EXPECT_EQ(ReadOne("1e3")->kind, DatumKind::kFlonum);
  EXPECT_EQ(ReadOne("1e3")->flonum, 1000.0);
  EXPECT_EQ(ReadOne("2.5E-1")->flonum, 0.25);
  EXPECT_TRUE(std::isinf(ReadOne("+inf.0")->flonum));
  EXPECT_LT(ReadOne("-inf.0")->flonum, 0);
  EXPECT_TRUE(std::isnan(ReadOne("+nan.0")->flonum));
  EXPECT_TRUE(ReadOne("#t")->boolean);
  EXPECT_TRUE(ReadOne("#true")->boolean);
  EXPECT_FALSE(ReadOne("#false")->boolean);
  EXPECT_EQ(ReadOne("#f")->kind, DatumKind::kBool);
  EXPECT_TRUE(ReadOne("foo")->IsSymbol("foo"));
  EXPECT_TRUE(ReadOne("+")->IsSymbol("+"));
  EXPECT_TRUE(ReadOne("-")->IsSymbol("-"));
  EXPECT_TRUE(ReadOne("...")->IsSymbol("..."));
  EXPECT_TRUE(ReadOne("->x")->IsSymbol("->x"));
  EXPECT_TRUE(ReadOne("set-car!")->IsSymbol("set-car!"));
  EXPECT_TRUE(ReadOne("|hello world|")->IsSymbol("hello world"));
  EXPECT_TRUE(ReadOne("Foo")->IsSymbol("Foo"));  // case-sensitive
}

TEST(ReaderTest, FixnumRange) {
  // 2^62 - 1 and -2^62 are the extremes of a 63-bit fixnum.
  EXPECT_EQ(ReadOne("4611686018427387903")->fixnum, 4611686018427387903LL);
  EXPECT_EQ(ReadOne("-4611686018427387904")->fixnum, -4611686018427387903LL - 1);
  // One past the fixnum range, either way, is a bignum datum (its decimal digits).
  EXPECT_EQ(ReadOne("4611686018427387904")->kind, DatumKind::kBignum);
  EXPECT_EQ(ReadOne("4611686018427387904")->text, "4611686018427387904");
  EXPECT_EQ(ReadOne("-4611686018427387905")->text, "-4611686018427387905");
  EXPECT_EQ(ReadOne("+99999999999999999999999")->text, "99999999999999999999999");
  EXPECT_EQ(ReadOne("#x-10000000000000000")->text, "-18446744073709551616");
  EXPECT_EQ(ReadOne("#b100000000000000000000000000000000000000000000000000000000000000")->text,
            "4611686018427387904");
  EXPECT_EQ(ReadOne("4611686018427387903")->kind, DatumKind::kFixnum);
  EXPECT_EQ(ReadOne("#u8(0 1 255)")->kind, DatumKind::kBytevector);
  EXPECT_EQ(ReadOne("#u8(0 1 255)")->text, std::string("\x00\x01\xff", 3));
  EXPECT_EQ(WriteDatum(*ReadOne("#U8( )")), "#u8()");
}

TEST(ReaderTest, Characters) {
  EXPECT_EQ(ReadOne("#\\a")->character, 'a');
  EXPECT_EQ(ReadOne("#\\A")->character, 'A');
  EXPECT_EQ(ReadOne("#\\space")->character, ' ');
  EXPECT_EQ(ReadOne("#\\newline")->character, '\n');
  EXPECT_EQ(ReadOne("#\\tab")->character, '\t');
  EXPECT_EQ(ReadOne("#\\nul")->character, 0u);
  EXPECT_EQ(ReadOne("#\\x41")->character, 0x41u);
  EXPECT_EQ(ReadOne("#\\x")->character, 'x');
  EXPECT_EQ(ReadOne("#\\(")->character, '(');
  EXPECT_EQ(ReadOne("#\\)")->character, ')');
  EXPECT_EQ(ReadOne("#\\\xce\xbb")->character, 0x3bbu);  // lambda, UTF-8
  std::vector<DatumPtr> two = ReadAll("(#\\a #\\b)", "t");
  ASSERT_EQ(two.size(), 1u);
  EXPECT_EQ(two[0]->items.size(), 2u);
}

TEST(ReaderTest, Strings) {
  EXPECT_EQ(ReadOne(R"("abc")")->text, "abc");
  EXPECT_EQ(ReadOne(R"("a\nb\t\"q\"\\")")->text, "a\nb\t\"q\"\\");
  EXPECT_EQ(ReadOne(R"("\x41;\x3bb;")")->text, "A\xce\xbb");
  EXPECT_EQ(ReadOne("\"one \\\n   two\"")->text, "one two");
  EXPECT_EQ(ReadOne("\"multi\nline\"")->text, "multi\nline");
}

TEST(ReaderTest, ListsVectorsAndAbbreviations) {
  EXPECT_EQ(RoundTrip("(1 2 3)"), "(1 2 3)");
  EXPECT_EQ(RoundTrip("( a  (b c) () )"), "(a (b c) ())");
  EXPECT_EQ(RoundTrip("(a . b)"), "(a . b)");
  EXPECT_EQ(RoundTrip("(a b . (c d))"), "(a b c d)");
  EXPECT_EQ(RoundTrip("(a . ())"), "(a)");
  EXPECT_EQ(RoundTrip("[a b]"), "(a b)");
  EXPECT_EQ(RoundTrip("#(1 #(2) \"s\")"), "#(1 #(2) \"s\")");
  EXPECT_EQ(RoundTrip("'x"), "(quote x)");
  EXPECT_EQ(RoundTrip("`(a ,b ,@c)"), "(quasiquote (a (unquote b) (unquote-splicing c)))");
  EXPECT_EQ(RoundTrip("#\\space"), "#\\space");
  EXPECT_EQ(RoundTrip("\"a\\nb\""), "\"a\\nb\"");
  EXPECT_EQ(RoundTrip("1.5"), "1.5");
  EXPECT_EQ(RoundTrip("1e100"), "1e+100");
  EXPECT_EQ(RoundTrip("3."), "3.0");
  EXPECT_EQ(RoundTrip("|a b|"), "|a b|");
  EXPECT_TRUE(ReadOne("()")->IsNil());
}

TEST(ReaderTest, WriteThenReadGivesTheSameText) {
  const char* sources[] = {"(define (f x) (if (< x 2) x (+ (f (- x 1)) (f (- x 2)))))",
                           "#(a \"b\\\\\" #\\c 1.25 -7 (d . e))", "(#t #f () -0.5 +inf.0)"};
  for (const char* source : sources) {
    std::string once = RoundTrip(source);
    EXPECT_EQ(RoundTrip(once), once);
  }
}

TEST(ReaderTest, Comments) {
  std::vector<DatumPtr> all = ReadAll(
      "; line comment\n"
      "1 #| block #| nested |# still |# 2\n"
      "#;(ignored datum) 3 (a #;b c) #; #;x y 4",
      "t");
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0]->fixnum, 1);
  EXPECT_EQ(all[1]->fixnum, 2);
  EXPECT_EQ(all[2]->fixnum, 3);
  EXPECT_EQ(WriteDatum(*all[3]), "(a c)");
  EXPECT_EQ(all[4]->fixnum, 4);
  EXPECT_TRUE(ReadAll("  ; only a comment", "t").empty());
}

TEST(ReaderTest, Positions) {
  std::vector<DatumPtr> all = ReadAll("(define x\n  (+ 1 \"two\"))\n  'q", "pos.scm");
  ASSERT_EQ(all.size(), 2u);
  const Datum& define = *all[0];
  EXPECT_EQ(*define.pos.file, "pos.scm");
  EXPECT_EQ(define.pos.line, 1);
  EXPECT_EQ(define.pos.col, 1);
  EXPECT_EQ(define.items[1]->pos.line, 1);
  EXPECT_EQ(define.items[1]->pos.col, 9);
  const Datum& plus = *define.items[2];
  EXPECT_EQ(plus.pos.line, 2);
  EXPECT_EQ(plus.pos.col, 3);
  EXPECT_EQ(plus.items[2]->pos.line, 2);
  EXPECT_EQ(plus.items[2]->pos.col, 8);
  EXPECT_EQ(all[1]->pos.line, 3);
  EXPECT_EQ(all[1]->pos.col, 3);
  // Columns count characters, not bytes.
  std::vector<DatumPtr> utf = ReadAll("(\"\xce\xbb\xce\xbb\" x)", "u");
  EXPECT_EQ(utf[0]->items[1]->pos.col, 7);
}

TEST(ReaderTest, IncompleteInput) {
  EXPECT_EQ(ReadFailure("(a (b c)"), "1:1: missing ')' to close the list opened here [incomplete]");
  EXPECT_EQ(ReadFailure("\n  (a\n (b"), "3:2: missing ')' to close the list opened here [incomplete]");
  EXPECT_EQ(ReadFailure("\"abc"), "1:1: unterminated string [incomplete]");
  EXPECT_EQ(ReadFailure("#(1 2"), "1:1: missing ')' to close the vector opened here [incomplete]");
  EXPECT_THAT(ReadFailure("#| open"), HasSubstr("[incomplete]"));
  EXPECT_THAT(ReadFailure("'"), HasSubstr("[incomplete]"));
  EXPECT_THAT(ReadFailure("(a . "), HasSubstr("[incomplete]"));
}

TEST(ReaderTest, BadInput) {
  EXPECT_EQ(ReadFailure("(a))"), "1:4: unexpected ')'");
  EXPECT_EQ(ReadFailure(")"), "1:1: unexpected ')'");
  EXPECT_EQ(ReadFailure("(a]"), "1:3: expected ')' but found ']'");
  EXPECT_EQ(ReadFailure("x #\\foo"), "1:3: bad character name #\\foo");
  EXPECT_EQ(ReadFailure("12abc"), "1:1: bad number 12abc");
  EXPECT_EQ(ReadFailure("1/2"), "1:1: bad number 1/2");
  EXPECT_EQ(ReadFailure("#xfg"), "1:1: bad number #xfg");
  EXPECT_EQ(ReadFailure("1e"), "1:1: bad number 1e");
  EXPECT_EQ(ReadFailure("(. a)"), "1:2: bad dotted list: nothing before '.'");
  EXPECT_EQ(ReadFailure("(a . b c)"), "1:8: bad dotted list: more than one datum after '.'");
  EXPECT_EQ(ReadFailure("(a . )"), "1:4: bad dotted list: nothing after '.'");
  EXPECT_EQ(ReadFailure("\"\\q\""), "1:2: bad string escape \\q");
  EXPECT_EQ(ReadFailure("#u8(1 256)"),
            "1:7: bad bytevector element 256: expected an exact integer from 0 to 255");
  EXPECT_EQ(ReadFailure("#u8(1 x)"),
            "1:7: bad bytevector element x: expected an exact integer from 0 to 255");
  EXPECT_EQ(ReadFailure("#u8"), "1:1: bad syntax #u8");
  EXPECT_EQ(ReadFailure("#(a . b)"), "1:5: unexpected '.' in a vector");
  EXPECT_EQ(ReadFailure("."), "1:1: unexpected '.'");
}

TEST(ReaderTest, FormatIncludesFileName) {
  try {
    ReadAll("\n (", "prog.scm");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.Format(), "prog.scm:2:2: missing ')' to close the list opened here");
  }
}

TEST(ReaderTest, DeepNestingIsAnErrorNotACrash) {
  // Deep enough to exhaust any default thread stack through the recursive reader.
  std::string deep(2'000'000, '(');
  try {
    ReadAll(deep, "deep.scm");
    FAIL() << "no error";
  } catch (const ReadError& e) {
    FAIL() << "only " << e.message();
  } catch (const Error& e) {
    EXPECT_EQ(e.message(), "stack overflow");
  }
}

}  // namespace
}  // namespace toylang
