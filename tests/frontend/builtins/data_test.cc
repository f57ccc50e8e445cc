// Tests of frontend/builtins: strings.cc (characters, strings, symbols), vectors.cc, io.cc,
// system.cc (exit, collect, gc-stats, records) and the table itself (builtins.cc).
#include <set>
#include <string>

#include "frontend/builtins/builtins.h"
#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

class DataTest : public RuntimeTest {
 protected:
  // The status that (exit args...) asks for, or -1 when it does not throw ExitRequest.
  int ExitCode(std::initializer_list<Value> args) {
    try {
      Call("exit", args);
    } catch (const ExitRequest& e) {
      return e.code;
    }
    return -1;
  }
};

TEST_F(DataTest, Symbols) {
  EXPECT_EQ(Call("symbol?", {Sym("foo")}), Value::True());
  EXPECT_EQ(Call("symbol?", {Str("foo")}), Value::False());
  EXPECT_EQ(CallW("symbol->string", {Sym("flying-fish")}), "\"flying-fish\"");
  EXPECT_EQ(Call("string->symbol", {Str("mISSISSIppi")}), Intern("mISSISSIppi"));
  // symbol->string returns a copy: changing it does not rename the symbol.
  Value s = Call("symbol->string", {Sym("abc")});
  StringData(s)[0] = 'X';
  EXPECT_EQ(SymbolView(Sym("abc")), "abc");
  EXPECT_EQ(CallError("symbol->string", {Str("a")}),
            "symbol->string: expected a symbol, got \"a\"");
}

TEST_F(DataTest, Characters) {
  EXPECT_EQ(Call("char?", {Ch('a')}), Value::True());
  EXPECT_EQ(Call("char?", {Str("a")}), Value::False());
  EXPECT_EQ(Call("char->integer", {Ch('A')}), Fx(65));
  EXPECT_EQ(Call("integer->char", {Fx(955)}), Ch(0x3bb));
  EXPECT_EQ(CallError("integer->char", {Fx(0xd800)}),
            "integer->char: expected a Unicode scalar value, got 55296");
  EXPECT_EQ(CallError("integer->char", {Fx(-1)}),
            "integer->char: expected a Unicode scalar value, got -1");
  EXPECT_EQ(Call("char<?", {Ch('a'), Ch('b'), Ch('c')}), Value::True());
  EXPECT_EQ(Call("char<?", {Ch('a'), Ch('c'), Ch('b')}), Value::False());
  EXPECT_EQ(Call("char=?", {Ch('a'), Ch('a')}), Value::True());
  EXPECT_EQ(Call("char>=?", {Ch('b'), Ch('b'), Ch('a')}), Value::True());
  EXPECT_EQ(Call("char<=?", {Ch('b'), Ch('a')}), Value::False());
  EXPECT_EQ(Call("char>?", {Ch('b'), Ch('a')}), Value::True());
  EXPECT_EQ(CallError("char<?", {Ch('a'), Fx(1)}), "char<?: expected a character, got 1");
  EXPECT_EQ(Call("char-alphabetic?", {Ch('a')}), Value::True());
  EXPECT_EQ(Call("char-alphabetic?", {Ch('1')}), Value::False());
  EXPECT_EQ(Call("char-numeric?", {Ch('1')}), Value::True());
  EXPECT_EQ(Call("char-whitespace?", {Ch(' ')}), Value::True());
  EXPECT_EQ(Call("char-whitespace?", {Ch('\n')}), Value::True());
  EXPECT_EQ(Call("char-whitespace?", {Ch('a')}), Value::False());
  EXPECT_EQ(Call("char-upcase", {Ch('a')}), Ch('A'));
  EXPECT_EQ(Call("char-upcase", {Ch('1')}), Ch('1'));
  EXPECT_EQ(Call("char-downcase", {Ch('Q')}), Ch('q'));
}

TEST_F(DataTest, StringConstructionAndAccess) {
  EXPECT_EQ(CallW("make-string", {Fx(3), Ch('x')}), "\"xxx\"");
  EXPECT_EQ(Call("string-length", {Call("make-string", {Fx(4)})}), Fx(4));
  EXPECT_EQ(CallError("make-string", {Fx(-1)}),
            "make-string: expected a non-negative length, got -1");
  EXPECT_EQ(CallError("make-string", {Fx(2), Ch(0x3bb)}).rfind("make-string: cannot store ", 0),
            0u);
  EXPECT_EQ(CallW("string", {Ch('a'), Ch('b')}), "\"ab\"");
  EXPECT_EQ(CallW("string", {}), "\"\"");
  EXPECT_EQ(Call("string-length", {Str("hello")}), Fx(5));
  EXPECT_EQ(Call("string-ref", {Str("abc"), Fx(1)}), Ch('b'));
  EXPECT_EQ(CallError("string-ref", {Str("abc"), Fx(10)}),
            "string-ref: index 10 out of range for a string of length 3");
  EXPECT_EQ(CallError("string-ref", {Str("abc"), Fx(-1)}),
            "string-ref: index -1 out of range for a string of length 3");
  EXPECT_EQ(CallError("string-ref", {Sym("abc"), Fx(0)}),
            "string-ref: expected a string, got abc");
  Value s = Str("abc");
  Call("string-set!", {s, Fx(0), Ch('z')});
  EXPECT_EQ(W(s), "\"zbc\"");
  EXPECT_EQ(CallError("string-set!", {s, Fx(3), Ch('z')}),
            "string-set!: index 3 out of range for a string of length 3");
  EXPECT_EQ(CallError("string-set!", {s, Fx(0), Fx(1)}),
            "string-set!: expected a character, got 1");
}

TEST_F(DataTest, SubstringsAndAppending) {
  EXPECT_EQ(CallW("substring", {Str("hello"), Fx(1), Fx(3)}), "\"el\"");
  EXPECT_EQ(CallW("substring", {Str("hello"), Fx(5), Fx(5)}), "\"\"");
  EXPECT_EQ(CallW("substring", {Str("hello"), Fx(2)}), "\"llo\"");
  EXPECT_EQ(CallError("substring", {Str("hello"), Fx(3), Fx(1)}),
            "substring: start 3 is greater than end 1");
  EXPECT_EQ(CallError("substring", {Str("hello"), Fx(1), Fx(6)}),
            "substring: index 6 out of range for a string of length 5");
  EXPECT_EQ(CallW("string-append", {Str("foo"), Str(""), Str("bar")}), "\"foobar\"");
  EXPECT_EQ(CallW("string-append", {}), "\"\"");
  EXPECT_EQ(CallError("string-append", {Str("a"), Ch('b')}),
            "string-append: expected a string, got #\\b");
  Value orig = Str("abc");
  Value copy = Call("string-copy", {orig});
  EXPECT_NE(copy, orig);
  EXPECT_EQ(W(copy), "\"abc\"");
  EXPECT_EQ(CallW("string-copy", {orig, Fx(1)}), "\"bc\"");
}

TEST_F(DataTest, StringComparisonsAndConversions) {
  EXPECT_EQ(Call("string=?", {Str("ab"), Str("ab"), Str("ab")}), Value::True());
  EXPECT_EQ(Call("string=?", {Str("ab"), Str("abc")}), Value::False());
  EXPECT_EQ(Call("string<?", {Str("ab"), Str("abc"), Str("b")}), Value::True());
  EXPECT_EQ(Call("string<?", {Str("b"), Str("a")}), Value::False());
  EXPECT_EQ(Call("string>?", {Str("b"), Str("a")}), Value::True());
  EXPECT_EQ(Call("string<?", {Str("z"), Str("\xc3\xa9")}), Value::True());  // bytes unsigned
  EXPECT_EQ(CallW("string->list", {Str("abc")}), "(#\\a #\\b #\\c)");
  EXPECT_EQ(CallW("string->list", {Str("abcd"), Fx(1), Fx(3)}), "(#\\b #\\c)");
  EXPECT_EQ(CallW("list->string", {R("(#\\a #\\space #\\b)")}), "\"a b\"");
  EXPECT_EQ(CallW("list->string", {Value::Nil()}), "\"\"");
  EXPECT_EQ(CallError("list->string", {R("(#\\a 1)")}),
            "list->string: expected a character, got 1");
}

TEST_F(DataTest, Vectors) {
  EXPECT_EQ(Call("vector?", {R("#(1)")}), Value::True());
  EXPECT_EQ(Call("vector?", {R("(1)")}), Value::False());
  EXPECT_EQ(CallW("make-vector", {Fx(2), Sym("a")}), "#(a a)");
  EXPECT_EQ(CallW("make-vector", {Fx(0)}), "#()");
  EXPECT_EQ(CallError("make-vector", {Fx(-2)}),
            "make-vector: expected a non-negative length, got -2");
  EXPECT_EQ(CallW("vector", {Sym("a"), Sym("b"), Sym("c")}), "#(a b c)");
  Value v = R("#(1 2 3)");
  EXPECT_EQ(Call("vector-length", {v}), Fx(3));
  EXPECT_EQ(Call("vector-ref", {v, Fx(2)}), Fx(3));
  EXPECT_EQ(CallError("vector-ref", {v, Fx(10)}),
            "vector-ref: index 10 out of range for a vector of length 3");
  EXPECT_EQ(CallError("vector-ref", {v, Fl(1.0)}),
            "vector-ref: expected an exact integer, got 1.0");
  EXPECT_EQ(CallError("vector-ref", {R("(1)"), Fx(0)}), "vector-ref: expected a vector, got (1)");
  Call("vector-set!", {v, Fx(0), Str("x")});
  EXPECT_EQ(W(v), "#(\"x\" 2 3)");
  EXPECT_EQ(CallError("vector-set!", {v, Fx(3), Fx(0)}),
            "vector-set!: index 3 out of range for a vector of length 3");
  EXPECT_EQ(CallW("vector->list", {R("#(dah dah didah)")}), "(dah dah didah)");
  EXPECT_EQ(CallW("vector->list", {R("#(dah dah didah)"), Fx(1)}), "(dah didah)");
  EXPECT_EQ(CallW("vector->list", {R("#(dah dah didah)"), Fx(1), Fx(2)}), "(dah)");
  EXPECT_EQ(CallW("list->vector", {R("(dididit dah)")}), "#(dididit dah)");
  Value w = R("#(1 2 3 4 5)");
  Call("vector-fill!", {w, Ch('x'), Fx(1), Fx(3)});
  EXPECT_EQ(W(w), "#(1 #\\x #\\x 4 5)");
  Call("vector-fill!", {w, Fx(0)});
  EXPECT_EQ(W(w), "#(0 0 0 0 0)");
  Value copy = Call("vector-copy", {R("#(1 2 3)"), Fx(1)});
  EXPECT_EQ(W(copy), "#(2 3)");
  EXPECT_EQ(CallW("vector-map", {Proc("cadr"), R("#((a b) (d e) (g h))")}), "#(b e h)");
  EXPECT_EQ(CallW("vector-map", {Proc("+"), R("#(1 2)"), R("#(10 20 30)")}), "#(11 22)");
  ctx_.TakeOutput();
  Call("vector-for-each", {Proc("display"), R("#(1 2 3)")});
  EXPECT_EQ(ctx_.TakeOutput(), "123");
}

TEST_F(DataTest, Output) {
  ctx_.TakeOutput();
  Call("display", {R("(\"a\" #\\b 1.5)")});
  Call("newline", {});
  Call("write", {R("(\"a\" #\\b 1.5)")});
  Call("write-char", {Ch('z')});
  Call("write-char", {Ch(0x3bb)});
  EXPECT_EQ(ctx_.TakeOutput(), "(a b 1.5)\n(\"a\" #\\b 1.5)z\xce\xbb");
  EXPECT_EQ(CallError("write-char", {Str("z")}), "write-char: expected a character, got \"z\"");
}

TEST_F(DataTest, ExitThrowsAnExitRequest) {
  EXPECT_EQ(ExitCode({}), 0);
  EXPECT_EQ(ExitCode({Value::True()}), 0);
  EXPECT_EQ(ExitCode({Value::False()}), 1);
  EXPECT_EQ(ExitCode({Fx(3)}), 3);
  EXPECT_EQ(CallError("exit", {Sym("a")}),
            "exit: expected a boolean or an exit status 0..255, got a");
}

TEST_F(DataTest, CollectAndGcStats) {
  auto field = [&](Value stats, const char* name) {
    Value entry = Call("assq", {Sym(name), stats});
    EXPECT_TRUE(entry.IsPair()) << name;
    return entry.IsPair() ? Cdr(entry) : Value::False();
  };
  Value before = Call("gc-stats", {});
  int64_t n = field(before, "collections").FixnumValue();
  EXPECT_TRUE(Call("collect", {}).IsUnspecified());
  Value after = Call("gc-stats", {});
  // At least one more (a stress configuration may collect inside gc-stats too).
  EXPECT_GE(field(after, "collections").FixnumValue(), n + 1);
  for (const char* name : {"live-bytes", "bytes-allocated", "committed-bytes", "max-pause-ns",
                           "total-pause-ns"}) {
    EXPECT_TRUE(field(after, name).IsFixnum()) << name;
  }
  EXPECT_GT(field(after, "bytes-allocated").FixnumValue(), 0);
}

TEST_F(DataTest, RecordPrimitives) {
  Value rtd = Call("%make-record-type", {Sym("point"), R("(x y)")});
  Value p = Call("%record-make", {rtd, Fx(1), Fx(2)});
  EXPECT_EQ(W(p), "#<point>");
  EXPECT_EQ(Call("%record?", {p, rtd}), Value::True());
  EXPECT_EQ(Call("%record?", {Fx(1), rtd}), Value::False());
  Value other = Call("%make-record-type", {Sym("point"), R("(x y)")});
  EXPECT_EQ(Call("%record?", {p, other}), Value::False());  // a distinct type
  EXPECT_EQ(Call("%record-ref", {p, rtd, Fx(0), Sym("point-x")}), Fx(1));
  EXPECT_EQ(Call("%record-ref", {p, rtd, Fx(1), Sym("point-y")}), Fx(2));
  Call("%record-set!", {p, rtd, Fx(1), Str("y"), Sym("set-point-y!")});
  EXPECT_EQ(W(Call("%record-ref", {p, rtd, Fx(1), Sym("point-y")})), "\"y\"");
  EXPECT_EQ(CallError("%record-ref", {Fx(42), rtd, Fx(0), Sym("point-x")}),
            "point-x: expected a point, got 42");
  EXPECT_EQ(CallError("%record-ref", {Call("%record-make", {other}), rtd, Fx(0), Sym("point-x")}),
            "point-x: expected a point, got #<point>");
  EXPECT_EQ(CallError("%record-set!", {Str("s"), rtd, Fx(0), Fx(1), Sym("set-point-x!")}),
            "set-point-x!: expected a point, got \"s\"");
  Value partial = Call("%record-make", {rtd, Fx(7)});
  EXPECT_EQ(Call("%record-ref", {partial, rtd, Fx(1), Sym("point-y")}), Value::False());
  EXPECT_EQ(CallError("%record-make", {rtd, Fx(1), Fx(2), Fx(3)}),
            "point: expected at most 2 field values, got 3");
  Value bracketed = Call("%make-record-type", {Sym("<node>"), R("(v)")});
  EXPECT_EQ(CallError("%record-ref", {Fx(1), bracketed, Fx(0), Sym("node-v")}),
            "node-v: expected a node, got 1");
  EXPECT_EQ(CallError("%make-record-type", {Sym("t"), R("(a 1)")}),
            "%make-record-type: expected a symbol, got 1");
}

TEST_F(DataTest, ArityMessages) {
  EXPECT_EQ(ArityErrorMessage(*FindBuiltin("car"), 2), "car: expected 1 argument, got 2");
  EXPECT_EQ(ArityErrorMessage(*FindBuiltin("list-tail"), 1),
            "list-tail: expected 2 arguments, got 1");
  EXPECT_EQ(ArityErrorMessage(*FindBuiltin("-"), 0), "-: expected at least 1 argument, got 0");
  EXPECT_EQ(ArityErrorMessage(*FindBuiltin("exit"), 2), "exit: expected 0 to 1 arguments, got 2");
}

TEST(BuiltinTableTest, HasEveryRequiredProcedureOnce) {
  const char* required[] = {
      "+", "-", "*", "/", "quotient", "remainder", "modulo", "abs", "min", "max", "gcd", "lcm",
      "expt", "square", "exact", "inexact", "exact->inexact", "inexact->exact", "floor",
      "ceiling", "round", "truncate", "sqrt", "exp", "log", "sin", "cos", "tan", "atan",
      "number?", "integer?", "exact?", "inexact?", "exact-integer?", "zero?", "positive?",
      "negative?", "odd?", "even?", "=", "<", ">", "<=", ">=", "number->string",
      "string->number", "not", "boolean?", "eq?", "eqv?", "equal?", "cons", "car", "cdr",
      "set-car!", "set-cdr!", "caar", "cadr", "cdar", "cddr", "caaar", "cdddr", "cadddr",
      "cddddr", "list", "list?", "pair?", "null?", "length", "append", "reverse", "list-tail",
      "list-ref", "list-copy", "memq", "memv", "member", "assq", "assv", "assoc", "map",
      "for-each", "apply", "symbol?", "symbol->string", "string->symbol", "char?",
      "char->integer", "integer->char", "char=?", "char<?", "char>?", "char<=?", "char>=?",
      "char-alphabetic?", "char-numeric?", "char-whitespace?", "char-upcase", "char-downcase",
      "string?", "make-string", "string", "string-length", "string-ref", "string-set!",
      "substring", "string-append", "string-copy", "string=?", "string<?", "string>?",
      "string->list", "list->string", "vector?", "make-vector", "vector", "vector-length",
      "vector-ref", "vector-set!", "vector->list", "list->vector", "vector-fill!", "vector-map",
      "vector-for-each", "vector-copy", "procedure?", "error", "display", "write", "newline",
      "write-char", "exit", "collect", "gc-stats", "%make-record-type", "%record-make",
      "%record?", "%record-ref", "%record-set!"};
  for (const char* name : required) EXPECT_NE(FindBuiltin(name), nullptr) << name;
  std::set<std::string> seen;
  int cxr = 0;
  for (const Builtin& b : AllBuiltins()) {
    EXPECT_TRUE(seen.insert(b.name).second) << "duplicate " << b.name;
    EXPECT_GE(b.min_args, 0) << b.name;
    EXPECT_TRUE(b.max_args == -1 || b.max_args >= b.min_args) << b.name;
    std::string n = b.name;
    if (n.size() >= 4 && n.size() <= 6 && n.front() == 'c' && n.back() == 'r' &&
        n.find_first_not_of("ad", 1) == n.size() - 1) {
      ++cxr;
    }
  }
  EXPECT_EQ(cxr, 28);
  EXPECT_EQ(FindBuiltin("no-such-procedure"), nullptr);
}

}  // namespace
}  // namespace toylang::testing
