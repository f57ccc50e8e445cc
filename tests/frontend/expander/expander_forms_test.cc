// The expansion of expander_forms.cc's forms (docs/design/exceptions.md): case-lambda, delay,
// delay-force, parameterize, guard, define-values and import, and their errors.
#include <string>

#include "frontend/expander/expander.h"
#include "frontend/reader/reader.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

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

TEST(ExpanderFormsTest, CaseLambdaClausesAreNamedLambdas) {
  EXPECT_EQ(Expand("(define f (case-lambda ((a) a) ((a . r) r)))"),
            "(define f ((global %case-lambda) (lambda f (a) a) (lambda f (a . r) r)))");
  EXPECT_EQ(Expand("(let ((g (case-lambda (() 1)))) g)"),
            "(let ((g ((global %case-lambda) (lambda g () 1)))) g)");
  EXPECT_EQ(ExpandFailure("(case-lambda (x))"),
            "x.scm:1:14: case-lambda: expected (case-lambda (formals body ...) ...)");
}

TEST(ExpanderFormsTest, PromisesAndParameterize) {
  EXPECT_EQ(Expand("(delay (f x))"), "((global %delay) (lambda - () (f x)))");
  EXPECT_EQ(Expand("(delay-force p)"), "((global %delay-force) (lambda - () p))");
  EXPECT_EQ(Expand("(parameterize ((p 1) ((q) 2)) (f) (g))"),
            "((global %parameterize) (lambda parameterize () (begin (f) (g))) p 1 (q) 2)");
  EXPECT_EQ(ExpandFailure("(delay)"), "x.scm:1:1: delay: expected (delay expression)");
  EXPECT_EQ(ExpandFailure("(parameterize ((p)) 1)"),
            "x.scm:1:16: parameterize: expected (parameterize ((parameter value) ...) body ...)");
}

TEST(ExpanderFormsTest, GuardClausesBecomeACondEndingInNoMatch) {
  EXPECT_EQ(Expand("(guard (e ((symbol? e) 'sym) ((assq 'a e) => cdr)) (raise 'x))"),
            "((global %guard) (lambda guard () (raise 'x)) (lambda guard (e #:nomatch1) "
            "(if (symbol? e) 'sym (let ((#:cond2 (assq 'a e))) (if #:cond2 (cdr #:cond2) "
            "#:nomatch1)))))");
  // An else clause of its own: no #:nomatch result.
  EXPECT_EQ(Expand("(guard (e (else 0)) 1)"),
            "((global %guard) (lambda guard () 1) (lambda guard (e #:nomatch1) 0))");
  // guard is a keyword only when it is not shadowed.
  EXPECT_EQ(Expand("(lambda (guard) (guard (e 1) 2))"), "(lambda - (guard) (guard (e 1) 2))");
  EXPECT_EQ(ExpandFailure("(guard (1) 2)"),
            "x.scm:1:1: guard: expected (guard (variable clause ...) body ...)");
}

TEST(ExpanderFormsTest, DefineValuesDefinesThenAssigns) {
  EXPECT_EQ(Expand("(define-values (a . r) (values 1 2))"),
            "(begin (define a #<unspecified>) (define r #<unspecified>) "
            "((global call-with-values) (lambda - () (values 1 2)) "
            "(lambda define-values (#:a1 . #:r2) (begin (set! a #:a1) (set! r #:r2) "
            "#<unspecified>))))");
  // In a body the names join the body's letrec*, the assignments come in order.
  EXPECT_EQ(Expand("(lambda () (define-values (x) (f)) (define y x) y)"),
            "(lambda - () (letrec* ((x #<unspecified>) (#:ignored1 ((global call-with-values) "
            "(lambda - () (f)) (lambda define-values (#:x2) (begin (set! x #:x2) "
            "#<unspecified>)))) (y x)) y))");
  EXPECT_EQ(ExpandFailure("(define-values (a a) 1)"), "x.scm:1:1: define-values: duplicate name a");
  EXPECT_EQ(ExpandFailure("(define-values (a 1) 1)"),
            "x.scm:1:19: define-values: expected (define-values formals expression) with formals "
            "a symbol or a list of distinct symbols");
  EXPECT_EQ(ExpandFailure("(f (define-values (a) 1))"),
            "x.scm:1:4: define-values: definitions are allowed only at top level or at the "
            "start of a body");
}

TEST(ExpanderFormsTest, ImportOfStandardLibrariesIsNothing) {
  EXPECT_EQ(Expand("(import (scheme base) (scheme write) (srfi 1) (only (scheme char) char-upcase))"),
            "#<unspecified>");
  EXPECT_EQ(ExpandFailure("(import (scheme base) (my lib))"),
            "x.scm:1:23: import: unknown library (my lib)");
  EXPECT_EQ(ExpandFailure("(import (scheme nonesuch))"),
            "x.scm:1:9: import: unknown library (scheme nonesuch)");
  EXPECT_EQ(ExpandFailure("(import (prefix (scheme base) b:))"),
            "x.scm:1:9: import: prefix is not supported");
  EXPECT_EQ(ExpandFailure("(lambda () (import (scheme base)) 1)"),
            "x.scm:1:12: import: allowed only at top level");
}

}  // namespace
}  // namespace toylang
