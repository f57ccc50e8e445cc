#include "frontend/expander/expander.h"

#include <string>

#include "frontend/reader/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;

// Expands every form of `source` with one expander and joins the dumps with newlines.
std::string Expand(std::string_view source) {
  Expander expander;
  std::string out;
  for (const DatumPtr& d : ReadAll(source, "x.scm")) {
    if (!out.empty()) out += "\n";
    out += DumpCore(*expander.ExpandToplevel(d));
  }
  return out;
}

std::string ExpandFailure(std::string_view source) {
  try {
    Expand(source);
  } catch (const Error& e) {
    return e.Format();
  }
  return "no error";
}

TEST(ExpanderTest, CoreFormsPassThrough) {
  EXPECT_EQ(Expand("(if a b c)"), "(if a b c)");
  EXPECT_EQ(Expand("(if a b)"), "(if a b #<unspecified>)");
  EXPECT_EQ(Expand("'(1 2)"), "'(1 2)");
  EXPECT_EQ(Expand("\"s\""), "\"s\"");
  EXPECT_EQ(Expand("(set! x 1)"), "(set! x 1)");
  EXPECT_EQ(Expand("(f 1 (g 2))"), "(f 1 (g 2))");
  EXPECT_EQ(Expand("(begin 1 2)"), "(begin 1 2)");
  EXPECT_EQ(Expand("(lambda (a . r) a)"), "(lambda - (a . r) a)");
  EXPECT_EQ(Expand("(lambda args args)"), "(lambda - (. args) args)");
}

TEST(ExpanderTest, Definitions) {
  EXPECT_EQ(Expand("(define x 1)"), "(define x 1)");
  EXPECT_EQ(Expand("(define (f x) x)"), "(define f (lambda f (x) x))");
  EXPECT_EQ(Expand("(define (f . xs) xs)"), "(define f (lambda f (. xs) xs))");
  EXPECT_EQ(Expand("(begin (define a 1) (define b 2))"), "(begin (define a 1) (define b 2))");
  // Internal definitions become one letrec*.
  EXPECT_EQ(Expand("(lambda () (define a 1) (define (g) a) (g))"),
            "(lambda - () (letrec* ((a 1) (g (lambda g () a))) (g)))");
  // An expression between definitions keeps its place as a dummy binding.
  EXPECT_EQ(Expand("(lambda () (define a 1) (display a) (define b 2) b)"),
            "(lambda - () (letrec* ((a 1) (#:ignored1 (display a)) (b 2)) b))");
}

TEST(ExpanderTest, DerivedForms) {
  EXPECT_EQ(Expand("(let ((x 1) (y 2)) x)"), "(let ((x 1) (y 2)) x)");
  EXPECT_EQ(Expand("(let* ((x 1) (y x)) y)"), "(let ((x 1)) (let ((y x)) y))");
  EXPECT_EQ(Expand("(letrec ((f (lambda () (f)))) f)"), "(letrec* ((f (lambda f () (f)))) f)");
  EXPECT_EQ(Expand("(and)"), "#t");
  EXPECT_EQ(Expand("(and a b c)"), "(if a (if b c #f) #f)");
  EXPECT_EQ(Expand("(or)"), "#f");
  EXPECT_EQ(Expand("(or a b)"), "(let ((#:or1 a)) (if #:or1 #:or1 b))");
  EXPECT_EQ(Expand("(when a b c)"), "(if a (begin b c) #<unspecified>)");
  EXPECT_EQ(Expand("(unless a b)"), "(if a #<unspecified> b)");
  EXPECT_EQ(Expand("(cond (a 1) (else 2))"), "(if a 1 2)");
  EXPECT_EQ(Expand("(cond (a 1 2) (b))"),
            "(if a (begin 1 2) (let ((#:cond1 b)) (if #:cond1 #:cond1 #<unspecified>)))");
  EXPECT_EQ(Expand("(cond (a => f))"),
            "(let ((#:cond1 a)) (if #:cond1 (f #:cond1) #<unspecified>))");
  // case: eq? for datums whose eqv? is eq?, eqv? for the others, memv beyond eight datums.
  EXPECT_EQ(Expand("(case x ((1 2) 'a) (else 'b))"),
            "(let ((#:key1 x)) (if (if ((global eq?) #:key1 1) #t ((global eq?) #:key1 2)) 'a 'b))");
  EXPECT_EQ(Expand("(case x ((1.5 \"s\") 'a))"),
            "(let ((#:key1 x)) (if (if ((global eqv?) #:key1 1.5) #t ((global eqv?) #:key1 \"s\")) "
            "'a #<unspecified>))");
  EXPECT_EQ(Expand("(case x ((a b c d e f g h i) 1))"),
            "(let ((#:key1 x)) (if ((global memv) #:key1 '(a b c d e f g h i)) 1 #<unspecified>))");
  EXPECT_EQ(Expand("(let loop ((i 0)) (loop i))"),
            "(let ((#:i1 0)) (letrec* ((loop (lambda loop (i) (loop i)))) (loop #:i1)))");
  EXPECT_EQ(Expand("(do ((i 0 (+ i 1))) ((= i 3) 'done) (display i))"),
            "(let ((#:i2 0)) (letrec* ((#:do1 (lambda do-loop (i) (if (= i 3) 'done "
            "(begin (display i) (#:do1 (+ i 1))))))) (#:do1 #:i2)))");
}

TEST(ExpanderTest, Quasiquote) {
  EXPECT_EQ(Expand("`(a b)"), "'(a b)");
  EXPECT_EQ(Expand("`(a ,b)"), "((global cons) 'a ((global cons) b '()))");
  EXPECT_EQ(Expand("`(a ,@b c)"), "((global cons) 'a ((global append) b '(c)))");
  EXPECT_EQ(Expand("`(a . ,b)"), "((global cons) 'a b)");
  EXPECT_EQ(Expand("`#(1 ,x)"), "((global list->vector) ((global cons) 1 ((global cons) x '())))");
  EXPECT_EQ(Expand("`#(1 2)"), "#(1 2)");
  // Nested: the inner unquote belongs to the inner quasiquote and stays quoted.
  EXPECT_EQ(Expand("`(a `(b ,(c ,x)))"),
            "((global cons) 'a ((global cons) ((global list) 'quasiquote ((global cons) 'b "
            "((global cons) ((global list) 'unquote ((global cons) 'c ((global cons) x '()))) "
            "'()))) '()))");
  EXPECT_EQ(Expand("`(a `(b ,(c d)))"), "'(a (quasiquote (b (unquote (c d)))))");
  // An unquoted constant is its value, not the (unquote ...) around it.
  EXPECT_EQ(Expand("`(a ,5 ,'b)"), "'(a 5 b)");
  EXPECT_EQ(Expand("`#(1 ,2)"), "#(1 2)");
  EXPECT_EQ(Expand("`(1 `(2 ,(3 ,4)))"), "'(1 (quasiquote (2 (unquote (3 4)))))");
}

TEST(ExpanderTest, RecordTypes) {
  EXPECT_EQ(Expand("(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y))"),
            "(begin (define point ((global %make-record-type) 'point '(x y)))"
            " (define make-point (lambda make-point (#:x1 #:y2) ((global %record-make) point #:x1 #:y2)))"
            " (define point? (lambda point? (#:obj3) ((global %record?) #:obj3 point)))"
            " (define point-x (lambda point-x (#:obj4) ((global %record-ref) #:obj4 point 0 'point-x)))"
            " (define set-point-x! (lambda set-point-x! (#:obj5 #:value6)"
            " ((global %record-set!) #:obj5 point 0 #:value6 'set-point-x!)))"
            " (define point-y (lambda point-y (#:obj7) ((global %record-ref) #:obj7 point 1 'point-y))))");
  // A constructor that leaves a field out fills it with #f.
  EXPECT_THAT(Expand("(define-record-type t (mk b) t? (a get-a) (b get-b))"),
              HasSubstr("((global %record-make) t #f #:b1)"));
}

TEST(ExpanderTest, KeywordsCanBeShadowed) {
  EXPECT_EQ(Expand("(lambda (if) (if 1 2 3))"), "(lambda - (if) (if 1 2 3))");
  // The inner (if 1 2 3) is a call: dumped as a call it has the same text, so check the kind.
  Expander e;
  CorePtr lam = e.ExpandToplevel(ReadAll("(lambda (if) (if 1 2 3))", "x")[0]);
  EXPECT_EQ(lam->kids[0]->kind, CoreKind::kCall);
  CorePtr lam2 = e.ExpandToplevel(ReadAll("(lambda (x) (if 1 2 3))", "x")[0]);
  EXPECT_EQ(lam2->kids[0]->kind, CoreKind::kIf);
  CorePtr let = e.ExpandToplevel(ReadAll("(let ((quote list)) (quote 1))", "x")[0]);
  EXPECT_EQ(let->kids.back()->kind, CoreKind::kCall);
  // An internal definition shadows a keyword for the whole body.
  CorePtr body = e.ExpandToplevel(ReadAll("(lambda () (define (when x) x) (when 5))", "x")[0]);
  EXPECT_EQ(DumpCore(*body), "(lambda - () (letrec* ((when (lambda when (x) x))) (when 5)))");
  EXPECT_EQ(body->kids[0]->kids.back()->kind, CoreKind::kCall);
}

// Multiple values: calls of the global call-with-values. let-values binds fresh temporaries
// first, so that every init sees the outer scope; let*-values nests.
TEST(ExpanderTest, ValuesForms) {
  EXPECT_EQ(Expand("(let-values (((a b) (f)) (c (g))) (list a b c))"),
            "((global call-with-values) (lambda let-values () (f)) (lambda let-values (#:a1 #:b2) "
            "((global call-with-values) (lambda let-values () (g)) (lambda let-values (. #:c3) "
            "(let ((a #:a1) (b #:b2) (c #:c3)) (list a b c))))))");
  EXPECT_EQ(Expand("(let*-values (((a) (f)) ((b) (g a))) b)"),
            "((global call-with-values) (lambda let*-values () (f)) (lambda let*-values (a) "
            "((global call-with-values) (lambda let*-values () (g a)) (lambda let*-values (b) "
            "b))))");
  EXPECT_EQ(Expand("(receive (a . r) (f) r)"),
            "((global call-with-values) (lambda receive () (f)) (lambda receive (a . r) r))");
  EXPECT_THAT(ExpandFailure("(let-values (((a b) (f)) ((a) (g))) a)"),
              HasSubstr("let-values: duplicate binding of a"));
  EXPECT_THAT(ExpandFailure("(let-values ((a)) a)"), HasSubstr("let-values: expected"));
  EXPECT_THAT(ExpandFailure("(let*-values (((1) (f))) 1)"), HasSubstr("let*-values: expected"));
  EXPECT_THAT(ExpandFailure("(receive (a))"), HasSubstr("receive: expected"));
}

TEST(ExpanderTest, Errors) {
  EXPECT_EQ(ExpandFailure("(if)"), "x.scm:1:1: if: expected (if test then [else])");
  EXPECT_EQ(ExpandFailure("\n  (if 1 2 3 4)"), "x.scm:2:3: if: expected (if test then [else])");
  EXPECT_EQ(ExpandFailure("(quote)"), "x.scm:1:1: quote: expected (quote datum)");
  EXPECT_THAT(ExpandFailure("(lambda (x x) x)"), HasSubstr("lambda: duplicate parameter x"));
  EXPECT_THAT(ExpandFailure("(lambda (1) x)"), HasSubstr("x.scm:1:10: lambda: expected"));
  EXPECT_THAT(ExpandFailure("(lambda (x))"), HasSubstr("lambda: expected (lambda formals body ...)"));
  EXPECT_THAT(ExpandFailure("(let ((x)) x)"), HasSubstr("x.scm:1:7: let: expected"));
  EXPECT_THAT(ExpandFailure("(let ((x 1) (x 2)) x)"), HasSubstr("duplicate binding of x"));
  EXPECT_THAT(ExpandFailure("(set! 1 2)"), HasSubstr("set!: expected (set! variable value)"));
  EXPECT_THAT(ExpandFailure("(f (define x 1))"), HasSubstr("x.scm:1:4: define: definitions are allowed only"));
  EXPECT_EQ(ExpandFailure("()"), "x.scm:1:1: missing procedure expression in ()");
  EXPECT_THAT(ExpandFailure("(f . x)"), HasSubstr("bad syntax"));
  EXPECT_THAT(ExpandFailure("(cond (else 1) (a 2))"), HasSubstr("cond: else clause must be last"));
  EXPECT_THAT(ExpandFailure("(cond)"), HasSubstr("cond: expected"));
  EXPECT_THAT(ExpandFailure("(case)"), HasSubstr("case: expected"));
  EXPECT_THAT(ExpandFailure("(do ((i 0)) )"), HasSubstr("do: expected"));
  EXPECT_THAT(ExpandFailure(",x"), HasSubstr("unquote: not inside a quasiquote"));
  EXPECT_THAT(ExpandFailure("(define)"), HasSubstr("define: expected"));
  EXPECT_THAT(ExpandFailure("(define (f))"), HasSubstr("define: no body in the definition of f"));
  EXPECT_THAT(ExpandFailure("(lambda () (define a 1) (define a 2) a)"), HasSubstr("defined twice"));
  EXPECT_THAT(ExpandFailure("(define-record-type p (mk z) p? (x px))"),
              HasSubstr("define-record-type: z is not a field of p"));
  EXPECT_THAT(ExpandFailure("(define-record-type)"), HasSubstr("define-record-type: expected"));
}

}  // namespace
}  // namespace toylang
