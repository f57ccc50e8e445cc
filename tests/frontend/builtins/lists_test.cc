// Tests of frontend/builtins/lists.cc and control.cc: pairs, lists, member/assoc, apply, map,
// for-each, error, equivalence. Expected values follow R7RS's examples.
#include <string>

#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

using ListsTest = RuntimeTest;

TEST_F(ListsTest, PairsAndTheirErrors) {
  Value p = Call("cons", {Fx(1), Fx(2)});
  EXPECT_EQ(W(p), "(1 . 2)");
  EXPECT_EQ(Call("car", {p}), Fx(1));
  EXPECT_EQ(Call("cdr", {p}), Fx(2));
  Call("set-car!", {p, Sym("a")});
  Call("set-cdr!", {p, Value::Nil()});
  EXPECT_EQ(W(p), "(a)");
  EXPECT_EQ(CallError("car", {Fx(42)}), "car: expected a pair, got 42");
  EXPECT_EQ(CallError("cdr", {Value::Nil()}), "cdr: expected a pair, got ()");
  EXPECT_EQ(CallError("car", {Str("x")}), "car: expected a pair, got \"x\"");
  EXPECT_EQ(CallError("set-car!", {Fx(1), Fx(2)}), "set-car!: expected a pair, got 1");
  EXPECT_EQ(CallError("car", {Fx(1), Fx(2)}), "car: expected 1 argument, got 2");
}

// A tree of depth 4 whose leaf at path p (the letters a/d of the car/cdr steps from the root, in
// order) is the symbol p. c[ad]+r names list the steps right to left: cadr = first d, then a.
Value PathTree(const std::string& path, int depth) {
  if (depth == 0) return Intern(path.empty() ? "root" : path);
  Value left = PathTree(path + "a", depth - 1);
  Value right = PathTree(path + "d", depth - 1);
  return Cons(left, right);
}

TEST_F(ListsTest, AllTwentyEightCxrAccessors) {
  Value tree = PathTree("", 4);
  int count = 0;
  for (int len = 2; len <= 4; ++len) {
    for (int bits = 0; bits < (1 << len); ++bits) {
      std::string ops;
      for (int i = 0; i < len; ++i) ops += (bits >> i) & 1 ? 'd' : 'a';
      std::string name = "c" + ops + "r";
      std::string steps(ops.rbegin(), ops.rend());
      Value result = Call(name, {tree});
      // Follow cars down to a leaf: its name starts with the steps taken.
      std::string expected_leaf = steps + std::string(4 - len, 'a');
      Value leaf = result;
      while (leaf.IsPair()) leaf = Car(leaf);
      EXPECT_EQ(W(leaf), expected_leaf) << name;
      ++count;
    }
  }
  EXPECT_EQ(count, 28);
  EXPECT_EQ(W(Call("cadr", {R("(1 2 3)")})), "2");
  EXPECT_EQ(W(Call("cddr", {R("(1 2 3)")})), "(3)");
  EXPECT_EQ(W(Call("caddr", {R("(1 2 3)")})), "3");
  EXPECT_EQ(CallError("caddr", {R("(1 2)")}), "caddr: expected a list with a caddr, got (1 2)");
}

TEST_F(ListsTest, ListPredicatesAndLength) {
  EXPECT_EQ(CallW("list", {Fx(1), Str("a"), Value::Nil()}), "(1 \"a\" ())");
  EXPECT_EQ(CallW("list", {}), "()");
  EXPECT_EQ(Call("list?", {R("(a b c)")}), Value::True());
  EXPECT_EQ(Call("list?", {Value::Nil()}), Value::True());
  EXPECT_EQ(Call("list?", {R("(a . b)")}), Value::False());
  Value cyc = R("(1 2)");
  SetCdr(Cdr(cyc), cyc);
  EXPECT_EQ(Call("list?", {cyc}), Value::False());
  EXPECT_EQ(Call("pair?", {R("(a . b)")}), Value::True());
  EXPECT_EQ(Call("pair?", {Value::Nil()}), Value::False());
  EXPECT_EQ(Call("null?", {Value::Nil()}), Value::True());
  EXPECT_EQ(Call("null?", {Fx(0)}), Value::False());
  EXPECT_EQ(Call("length", {R("(a (b) (c d e))")}), Fx(3));
  EXPECT_EQ(Call("length", {Value::Nil()}), Fx(0));
  EXPECT_EQ(CallError("length", {R("(1 2 . 3)")}),
            "length: expected a proper list, got (1 2 . 3)");
  EXPECT_EQ(CallError("length", {cyc}).rfind("length: expected a proper list, got (1 2", 0), 0u);
}

TEST_F(ListsTest, AppendCopiesAllButTheLast) {
  EXPECT_EQ(CallW("append", {}), "()");
  EXPECT_EQ(CallW("append", {R("(x)"), R("(y)")}), "(x y)");
  EXPECT_EQ(CallW("append", {R("(a)"), R("(b c d)")}), "(a b c d)");
  EXPECT_EQ(CallW("append", {R("(a (b))"), R("((c))")}), "(a (b) (c))");
  EXPECT_EQ(CallW("append", {R("(a b)"), R("(c . d)")}), "(a b c . d)");
  EXPECT_EQ(CallW("append", {Value::Nil(), Sym("a")}), "a");
  EXPECT_EQ(CallW("append", {R("(1)"), Value::Nil(), R("(2 3)"), Fx(4)}), "(1 2 3 . 4)");
  Value first = R("(1 2)");
  Value last = R("(3)");
  Value result = Call("append", {first, last});
  EXPECT_EQ(Cdr(Cdr(result)), last);  // shares the last list
  EXPECT_NE(result, first);           // copies the others
  EXPECT_EQ(W(first), "(1 2)");
  EXPECT_EQ(CallError("append", {R("(1 . 2)"), R("(3)")}),
            "append: expected a proper list, got (1 . 2)");
}

TEST_F(ListsTest, ReverseTailRefCopy) {
  EXPECT_EQ(CallW("reverse", {R("(a (b c) d (e (f)))")}), "((e (f)) d (b c) a)");
  EXPECT_EQ(CallW("reverse", {Value::Nil()}), "()");
  EXPECT_EQ(CallError("reverse", {R("(1 . 2)")}), "reverse: expected a proper list, got (1 . 2)");
  EXPECT_EQ(CallW("list-tail", {R("(a b c d)"), Fx(2)}), "(c d)");
  EXPECT_EQ(CallW("list-tail", {R("(a b)"), Fx(2)}), "()");
  EXPECT_EQ(CallError("list-tail", {R("(a b)"), Fx(3)}),
            "list-tail: index 3 out of range for a list of length 2");
  EXPECT_EQ(CallW("list-ref", {R("(a b c d)"), Fx(2)}), "c");
  EXPECT_EQ(CallError("list-ref", {R("(a b c)"), Fx(3)}),
            "list-ref: index 3 out of range for a list of length 3");
  EXPECT_EQ(CallError("list-ref", {R("(a b c)"), Fx(-1)}),
            "list-ref: index -1 out of range for a list of length 3");
  EXPECT_EQ(CallError("list-ref", {R("(a)"), Sym("x")}),
            "list-ref: expected an exact integer, got x");
  Value original = R("(1 (2) . 3)");
  Value copy = Call("list-copy", {original});
  EXPECT_EQ(W(copy), "(1 (2) . 3)");
  EXPECT_NE(copy, original);
  EXPECT_EQ(Car(Cdr(copy)), Car(Cdr(original)));  // only the spine is copied
  EXPECT_EQ(Call("list-copy", {Fx(5)}), Fx(5));
}

TEST_F(ListsTest, MemberAndAssoc) {
  EXPECT_EQ(CallW("memq", {Sym("a"), R("(a b c)")}), "(a b c)");
  EXPECT_EQ(CallW("memq", {Sym("b"), R("(a b c)")}), "(b c)");
  EXPECT_EQ(CallW("memq", {Sym("a"), R("(b c d)")}), "#f");
  EXPECT_EQ(CallW("memq", {R("(a)"), R("(b (a) c)")}), "#f");
  EXPECT_EQ(CallW("member", {R("(a)"), R("(b (a) c)")}), "((a) c)");
  EXPECT_EQ(CallW("member", {Str("B"), R("(\"a\" \"b\")"), Proc("string=?")}), "#f");
  EXPECT_EQ(CallW("member", {Fl(2.0), R("(1 2 3)"), Proc("=")}), "(2 3)");
  EXPECT_EQ(CallW("memv", {Fx(101), R("(100 101 102)")}), "(101 102)");
  EXPECT_EQ(CallW("memv", {Fl(1.5), R("(1 1.5 2)")}), "(1.5 2)");
  Value e = R("((a 1) (b 2) (c 3))");
  EXPECT_EQ(CallW("assq", {Sym("a"), e}), "(a 1)");
  EXPECT_EQ(CallW("assq", {Sym("b"), e}), "(b 2)");
  EXPECT_EQ(CallW("assq", {Sym("d"), e}), "#f");
  EXPECT_EQ(CallW("assq", {R("(a)"), R("(((a)) ((b)) ((c)))")}), "#f");
  EXPECT_EQ(CallW("assoc", {R("(a)"), R("(((a)) ((b)) ((c)))")}), "((a))");
  EXPECT_EQ(CallW("assoc", {Fl(2.0), R("((1 1) (2 4) (3 9))"), Proc("=")}), "(2 4)");
  EXPECT_EQ(CallW("assv", {Fx(5), R("((2 3) (5 7) (11 13))")}), "(5 7)");
  EXPECT_EQ(CallError("assq", {Sym("x"), R("((y . 1) 2)")}), "assq: expected a pair, got 2");
  EXPECT_EQ(CallError("memq", {Sym("x"), R("(a . b)")}),
            "memq: expected a proper list, got (a . b)");
}

// The list is checked as the search walks it (no first pass over the whole list): what is found
// before an improper tail or a cycle is found, and only a search that reaches one fails.
TEST_F(ListsTest, MemberAndAssocCheckTheListAsTheyWalkIt) {
  EXPECT_EQ(CallW("memq", {Sym("a"), R("(a . b)")}), "(a . b)");
  EXPECT_EQ(CallW("assq", {Sym("a"), R("((a . 1) . 2)")}), "(a . 1)");
  EXPECT_EQ(CallError("assv", {Fx(3), R("((1 . 1) . 2)")}),
            "assv: expected a proper list, got ((1 . 1) . 2)");
  EXPECT_EQ(CallError("member", {Fx(3), Fx(7)}), "member: expected a proper list, got 7");
  for (int length : {1, 2, 3, 10}) {
    Value ring = Value::Nil();
    for (int i = length; i >= 1; --i) ring = Cons(Fx(i), ring);
    Value last = ring;
    while (Cdr(last).IsPair()) last = Cdr(last);
    SetCdr(last, ring);
    EXPECT_EQ(Call("memv", {Fx(length), ring}), last) << length;
    EXPECT_EQ(CallError("memv", {Fx(0), ring}).rfind("memv: expected a proper list, got ", 0), 0u)
        << length;
    EXPECT_EQ(CallError("member", {Fx(0), ring, Proc("=")})
                  .rfind("member: expected a proper list, got ", 0),
              0u)
        << length;
    Value alist = Value::Nil();
    for (int i = length; i >= 1; --i) alist = Cons(Cons(Fx(i), Fx(i)), alist);
    last = alist;
    while (Cdr(last).IsPair()) last = Cdr(last);
    SetCdr(last, alist);
    EXPECT_EQ(CallError("assq", {Fx(0), alist}).rfind("assq: expected a proper list, got ", 0), 0u)
        << length;
  }
}

TEST_F(ListsTest, ApplySpreadsItsLastArgument) {
  EXPECT_EQ(Call("apply", {Proc("+"), R("(3 4)")}), Fx(7));
  EXPECT_EQ(Call("apply", {Proc("+"), Fx(1), Fx(2), R("(3 4)")}), Fx(10));
  EXPECT_EQ(Call("apply", {Proc("+"), Value::Nil()}), Fx(0));
  EXPECT_EQ(CallError("apply", {Proc("+"), R("(1 . 2)")}),
            "apply: expected a proper list, got (1 . 2)");
  EXPECT_EQ(CallError("apply", {Fx(1), Value::Nil()}), "apply: expected a procedure, got 1");
  EXPECT_EQ(CallError("apply", {Proc("car"), R("(1 2)")}), "car: expected 1 argument, got 2");
  // A long argument list goes through the heap buffer, not the C++ stack.
  Value big = Value::Nil();
  for (int i = 1; i <= 100000; ++i) big = Cons(Fx(i), big);
  EXPECT_EQ(Call("apply", {Proc("+"), big}), Fx(int64_t{100000} * 100001 / 2));
}

TEST_F(ListsTest, MapAndForEach) {
  EXPECT_EQ(CallW("map", {Proc("cadr"), R("((a b) (d e) (g h))")}), "(b e h)");
  EXPECT_EQ(CallW("map", {Proc("+"), R("(1 2 3)"), R("(10 20 30)")}), "(11 22 33)");
  EXPECT_EQ(CallW("map", {Proc("+"), R("(1 2 3)"), R("(10 20)")}), "(11 22)");  // shortest
  EXPECT_EQ(CallW("map", {Proc("car"), Value::Nil()}), "()");
  // A circular list is fine when another one is finite.
  Value ones = R("(1)");
  SetCdr(ones, ones);
  EXPECT_EQ(CallW("map", {Proc("+"), ones, R("(1 2 3)")}), "(2 3 4)");
  EXPECT_EQ(CallError("map", {Proc("+"), ones}), "map: every list is circular");
  EXPECT_EQ(CallError("map", {Proc("car"), R("((1) . 2)")}),
            "map: expected a proper list, got ((1) . 2)");
  EXPECT_EQ(CallError("map", {Fx(1), R("(1)")}), "map: expected a procedure, got 1");
  EXPECT_EQ(CallError("map", {Proc("car"), R("(1)")}), "car: expected a pair, got 1");
  ctx_.TakeOutput();
  EXPECT_TRUE(Call("for-each", {Proc("display"), R("(1 \"b\" #\\c)")}).IsUnspecified());
  EXPECT_EQ(ctx_.TakeOutput(), "1bc");
  // map over a long list while collecting: the partial result must stay reachable.
  Value big = Value::Nil();
  for (int i = 0; i < 200000; ++i) big = Cons(Str("s" + std::to_string(i % 10)), big);
  Value lengths = Call("map", {Proc("string-length"), big});
  EXPECT_EQ(ListLength(lengths), 200000);
  mosaic::Collect();
  for (Value l = lengths; l.IsPair(); l = Cdr(l)) ASSERT_EQ(Car(l), Fx(2));
}

TEST_F(ListsTest, ErrorBuildsItsMessageFromIrritants) {
  EXPECT_EQ(CallError("error", {Str("bad thing:"), Fx(42), Str("x"), Sym("y"), R("(1 \"z\")")}),
            "bad thing: 42 \"x\" y (1 \"z\")");
  EXPECT_EQ(CallError("error", {Str("just this")}), "just this");
  EXPECT_EQ(CallError("error", {Sym("who"), Fx(1)}), "who 1");
  // A vector that contains itself twice would take 2^10000 steps to print in full.
  Value v = MakeVector(2, Value::False());
  VectorSet(v, 0, v);
  VectorSet(v, 1, v);
  std::string message = CallError("error", {Str("oops:"), v});
  EXPECT_EQ(message.rfind("oops: #(#(#(", 0), 0u);
  EXPECT_EQ(message.substr(message.size() - 3), "...");
  EXPECT_LT(message.size(), 5000u);
}

TEST_F(ListsTest, TypeErrorsCutOffHugeValues) {
  Value big = Value::Nil();
  for (int i = 0; i < 1000000; ++i) big = Cons(Fx(7), big);
  std::string message = CallError("vector-ref", {big, Fx(0)});
  EXPECT_EQ(message.rfind("vector-ref: expected a vector, got (7 7 7 ", 0), 0u);
  EXPECT_EQ(message.substr(message.size() - 3), "...");
  EXPECT_LT(message.size(), 300u);
}

TEST_F(ListsTest, EquivalenceAndBooleans) {
  EXPECT_EQ(Call("eq?", {Sym("a"), Sym("a")}), Value::True());
  EXPECT_EQ(Call("eq?", {R("(a)"), R("(a)")}), Value::False());
  EXPECT_EQ(Call("eq?", {Value::Nil(), Value::Nil()}), Value::True());
  EXPECT_EQ(Call("eqv?", {Fl(1.5), Fl(1.5)}), Value::True());
  EXPECT_EQ(Call("eqv?", {Fx(2), Fl(2.0)}), Value::False());
  EXPECT_EQ(Call("eqv?", {Str(""), Str("")}), Value::False());
  EXPECT_EQ(Call("equal?", {R("(a (b) c)"), R("(a (b) c)")}), Value::True());
  EXPECT_EQ(Call("equal?", {Str("abc"), Str("abc")}), Value::True());
  EXPECT_EQ(Call("equal?", {R("#(a 5)"), R("#(a 5)")}), Value::True());
  EXPECT_EQ(Call("equal?", {Fx(2), Fl(2.0)}), Value::False());
  EXPECT_EQ(Call("not", {Value::False()}), Value::True());
  EXPECT_EQ(Call("not", {Fx(3)}), Value::False());
  EXPECT_EQ(Call("not", {Value::Nil()}), Value::False());
  EXPECT_EQ(Call("boolean?", {Value::False()}), Value::True());
  EXPECT_EQ(Call("boolean?", {Value::Nil()}), Value::False());
  EXPECT_EQ(Call("procedure?", {Proc("car")}), Value::True());
  EXPECT_EQ(Call("procedure?", {Sym("car")}), Value::False());
}

// values and call-with-values (control.cc): one value is itself, others a multiple-values
// object that call-with-values spreads over the consumer's arguments.
TEST_F(ListsTest, ValuesAndCallWithValues) {
  EXPECT_EQ(Call("values", {Fx(7)}), Fx(7));
  EXPECT_EQ(W(Call("values", {Fx(1), Str("two")})), "#<values 1 \"two\">");
  EXPECT_EQ(W(Call("values", {})), "#<values>");
  EXPECT_EQ(W(Call("call-with-values", {Proc("values"), Proc("list")})), "()");
  EXPECT_EQ(CallError("call-with-values", {Fx(1), Proc("list")}),
            "call-with-values: expected a procedure, got 1");
  EXPECT_EQ(CallError("call-with-values", {Proc("values"), Fx(2)}),
            "call-with-values: expected a procedure, got 2");
}

}  // namespace
}  // namespace toylang::testing
