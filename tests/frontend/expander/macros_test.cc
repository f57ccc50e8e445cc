// syntax-rules macros in the expander: matching, templates, hygiene and errors
// (docs/design/macros.md).
#include <string>

#include "frontend/expander/expander.h"
#include "frontend/reader/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;

// Expands every form of `source` with one expander and joins the dumps of the forms that are
// not macro definitions with newlines.
std::string Expand(std::string_view source) {
  Expander expander;
  std::string out;
  for (const DatumPtr& d : ReadAll(source, "m.scm")) {
    std::string dump = DumpCore(*expander.ExpandToplevel(d));
    if (d->IsForm("define-syntax")) continue;
    if (!out.empty()) out += "\n";
    out += dump;
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

constexpr const char* kMyOr =
    "(define-syntax my-or (syntax-rules () ((_) #f) ((_ e) e)"
    " ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))\n";
constexpr const char* kSwap =
    "(define-syntax swap! (syntax-rules () ((_ a b) (let ((tmp a)) (set! a b) (set! b tmp)))))\n";

// --- Matching and templates ---------------------------------------------------------------------

TEST(MacroTest, RulesAreTriedInOrder) {
  EXPECT_EQ(Expand(std::string(kMyOr) + "(my-or) (my-or a) (my-or a b)"),
            "#f\na\n(let ((#:t1 a)) (if #:t1 #:t1 b))");
}

TEST(MacroTest, LiteralsAndUnderscore) {
  const std::string def =
      "(define-syntax arrow (syntax-rules (=>) ((_ a => b) '(fwd a b)) ((_ _ x _) '(other x))))\n";
  EXPECT_EQ(Expand(def + "(arrow 1 => 2) (arrow 1 2 3)"), "'(fwd 1 2)\n'(other 2)");
}

TEST(MacroTest, EllipsisInTheMiddleAndDottedTails) {
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ a ... b c) '((a ...) b c)))) (m 1 2 3 4) (m 1 2)"),
            "'((1 2) 3 4)\n'(() 1 2)");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ a b . r) '(a b r)))) (m 1 2 3 4) (m 1 2)"),
            "'(1 2 (3 4))\n'(1 2 ())");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ (a ... . r)) '((a ...) r)))) (m (1 2 . 3))"),
            "'((1 2) 3)");
  // A dotted template whose tail is a list is a proper list.
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ a b) '(a . b)))) (m 1 (2 3))"), "'(1 2 3)");
}

TEST(MacroTest, VectorsAndNestedEllipses) {
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ #(a b ...)) '#(b ... a)))) (m #(1 2 3))"),
            "#(2 3 1)");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ (k v ...) ...) '((v ... k) ...)))) (m (a 1 2) (b))"),
            "'((1 2 a) (b))");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ ((x ...) ...) ...) '(x ... ... ...))))"
                   "(m ((1 2) (3)) () ((4)))"),
            "'(1 2 3 4)");
  // A variable of depth 0 is repeated inside an ellipsis driven by another; of the ellipses
  // around a variable, the innermost iterate over it.
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ t (x ...)) '((t x) ...)))) (m a (1 2))"),
            "'((a 1) (a 2))");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ (a ...) (b ...)) '((a b ...) ...)))) (m (1 2) (x y))"),
            "'((1 x y) (2 x y))");
}

TEST(MacroTest, CustomEllipsisAndEscapes) {
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules ::: () ((_ a :::) '(a ::: ...)))) (m 1 2)"),
            "'(1 2 ...)");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ a ...) '(a ... (... ...))))) (m 1 2)"),
            "'(1 2 ...)");
  // An ellipsis among the literals is a literal.
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules (...) ((_ a ...) 'lit) ((_ a b) 'two))) (m 1 ...) (m 1 2)"),
            "'lit\n'two");
}

TEST(MacroTest, MacroDefiningMacro) {
  EXPECT_EQ(Expand("(define-syntax def-lister (syntax-rules () ((_ n) (define-syntax n (syntax-rules ()"
                   " ((_ x (... ...)) (list 'n x (... ...))))))))"
                   "(def-lister lst) (lst 1 2)"),
            "#<unspecified>\n((global list) 'lst 1 2)");
}

// --- Hygiene ------------------------------------------------------------------------------------

TEST(MacroHygieneTest, TemplateBindingsDoNotCaptureTheUsersNames) {
  EXPECT_EQ(Expand(std::string(kMyOr) + "(let ((t 5)) (my-or #f t))"),
            "(let ((t 5)) (let ((#:t1 #f)) (if #:t1 #:t1 t)))");
  EXPECT_EQ(Expand(std::string(kSwap) + "(let ((tmp 1) (y 2)) (swap! tmp y))"),
            "(let ((tmp 1) (y 2)) (let ((#:tmp1 tmp)) (begin (set! tmp y) (set! y #:tmp1))))");
}

TEST(MacroHygieneTest, TemplateKeywordsAreNotCapturedByTheUsersBindings) {
  // `if` and `let` of the template stay the special forms although the use binds them.
  EXPECT_EQ(Expand(std::string(kMyOr) + "(let ((if list)) (my-or #f 1))"),
            "(let ((if list)) (let ((#:t1 #f)) (if #:t1 #:t1 1)))");
  EXPECT_EQ(Expand(std::string(kSwap) + "(lambda (let) (swap! let x))"),
            "(lambda - (let) (let ((#:tmp1 let)) (begin (set! let x) (set! x #:tmp1))))");
}

TEST(MacroHygieneTest, FreeTemplateIdentifiersMeanTheirDefinitionBinding) {
  // A global, whatever the use binds locally (the analysis skips local scopes for it).
  EXPECT_EQ(Expand("(define-syntax bump! (syntax-rules () ((_) (set! n (+ n 1)))))"
                   "(lambda (n) (bump!))"),
            "(lambda - (n) (set! (global n) ((global +) (global n) 1)))");
  // A local variable of the macro's definition, under a later shadowing binding of the same
  // name: that binding is renamed so the two stay apart.
  EXPECT_EQ(Expand("(let ((x 1)) (let-syntax ((m (syntax-rules () ((_) x)))) (let ((x 2)) (list x (m)))))"),
            "(let ((x 1)) (let ((#:x1 2)) (list #:x1 x)))");
}

TEST(MacroHygieneTest, LiteralsMatchByBinding) {
  const std::string def =
      "(define-syntax my-cond (syntax-rules (else) ((_) 'none) ((_ (else e)) e)"
      " ((_ (c e) r ...) (if c e (my-cond r ...)))))\n";
  EXPECT_EQ(Expand(def + "(my-cond (a 1) (else 2))"), "(if a 1 2)");
  EXPECT_EQ(Expand(def + "(lambda (else) (my-cond (else 2)))"), "(lambda - (else) (if else 2 'none))");
  // cond, case and quasiquote recognise else, => and unquote by binding too.
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ x) (cond (x 1) (else 2))))) (lambda (else) (m else))"),
            "(lambda - (else) (if else 1 2))");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ x) `(a ,x)))) (m y)"),
            "((global cons) 'a ((global cons) y '()))");
}

TEST(MacroHygieneTest, QuoteGivesPlainSymbols) {
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_ x) '(x tmp #(if))))) (m y)"), "'(y tmp #(if))");
  EXPECT_EQ(Expand("(define-syntax m (syntax-rules () ((_) (case 1 ((a) 1) (else 2))))) (m)"),
            "(let ((#:key1 1)) (if ((global eq?) #:key1 'a) 1 2))");
}

TEST(MacroHygieneTest, DefinitionsFromTemplates) {
  // The user's name is defined as given; a name the template makes up is private to the
  // expansion in a body, and plain at top level.
  EXPECT_EQ(Expand("(define-syntax def (syntax-rules () ((_ n v) (define n v)))) (def foo 42)"),
            "(define foo 42)");
  EXPECT_EQ(Expand("(define-syntax def2 (syntax-rules () ((_ n) (begin (define hidden 1) (define (n) hidden)))))"
                   "(lambda () (def2 get) (get))"),
            "(lambda - () (letrec* ((#:hidden1 1) (get (lambda get () #:hidden1))) (get)))");
  EXPECT_EQ(Expand("(lambda () (define (f) (g)) (define-syntax g (syntax-rules () ((_) 1))) (f))"),
            "(lambda - () (letrec* ((f (lambda f () 1))) (f)))");
  // A macro use in a body may expand into define-syntax; the macro is the body's.
  EXPECT_EQ(Expand("(define-syntax def-const (syntax-rules () ((_ n v) (define-syntax n (syntax-rules () ((_) v))))))"
                   "(lambda () (def-const five 5) (five)) (five)"),
            "(lambda - () 5)\n(five)");
}

// --- Top level ----------------------------------------------------------------------------------

TEST(MacroTopLevelTest, DefinitionsReplaceEachOther) {
  Expander e;
  auto expand = [&](std::string_view source) {
    std::string out;
    for (const DatumPtr& d : ReadAll(source, "m.scm")) out = DumpCore(*e.ExpandToplevel(d));
    return out;
  };
  expand("(define-syntax m (syntax-rules () ((_) 1)))");
  EXPECT_TRUE(e.IsToplevelMacro("m"));
  EXPECT_EQ(expand("(m)"), "1");
  expand("(define-syntax m (syntax-rules () ((_) 2)))");
  EXPECT_EQ(expand("(m)"), "2");
  EXPECT_EQ(expand("(define m 3)"), "(define m 3)");
  EXPECT_FALSE(e.IsToplevelMacro("m"));
  EXPECT_EQ(expand("(m)"), "(m)");
  expand("(define-syntax m (syntax-rules () ((_) 4)))");
  EXPECT_EQ(expand("(m)"), "4");
  // A local binding shadows a top-level macro.
  EXPECT_EQ(expand("(lambda (m) (m))"), "(lambda - (m) (m))");
}

// --- Errors -------------------------------------------------------------------------------------

TEST(MacroErrorTest, NoClauseMatches) {
  EXPECT_EQ(ExpandFailure(std::string(kSwap) + "(swap! 1)"),
            "m.scm:2:1: swap!: no syntax-rules clause matches (swap! 1)");
  EXPECT_EQ(ExpandFailure(std::string(kMyOr) + "(my-or . 1)"),
            "m.scm:2:1: my-or: no syntax-rules clause matches (my-or . 1)");
}

TEST(MacroErrorTest, TemplateDepthMistakes) {
  EXPECT_EQ(ExpandFailure("(define-syntax m (syntax-rules () ((_ a ...) (f a))))"),
            "m.scm:1:49: m: pattern variable a is used at ellipsis depth 0 in the template but matched at "
            "depth 1 (add 1 ... after it)");
  EXPECT_EQ(ExpandFailure("(define-syntax m (syntax-rules () ((_ a) (f a ...))))"),
            "m.scm:1:47: m: ellipsis depth mismatch: a is followed by 1 ... but has no pattern variable "
            "matched at depth 1 or more");
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules () ((_ (a ...)) ((a a ...) ...))))"),
              HasSubstr("m.scm:1:59: m: pattern variable a is used at different ellipsis depths inside one ellipsis"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules () ((_ (a ...) (b ...)) ((a b) ...)))) (m (1 2) (3))"),
              HasSubstr("m.scm:1:71: m: pattern variables a and b matched sequences of different lengths (2 and 1)"));
}

TEST(MacroErrorTest, MalformedSyntaxRules) {
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules))"),
              HasSubstr("m.scm:1:18: m: expected (syntax-rules (literal ...) (pattern template) ...)"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules () (_ 1 2)))"),
              HasSubstr("m.scm:1:35: m: expected a rule (pattern template), got (_ 1 2)"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules () (_ 1)))"),
              HasSubstr("m.scm:1:36: m: a rule's pattern must be a list starting with the keyword, got _"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules () ((_ a a) 1)))"),
              HasSubstr("m.scm:1:41: m: pattern variable a appears twice in one pattern"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules () ((_ a ... b ...) 1)))"),
              HasSubstr("m: more than one ... in one list pattern"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (syntax-rules (1) ((_) 1)))"),
              HasSubstr("m: a syntax-rules literal must be an identifier, got 1"));
  EXPECT_THAT(ExpandFailure("(define-syntax m (lambda (x) x))"),
              HasSubstr("m: expected a (syntax-rules ...) transformer, got (lambda (x) x)"));
  EXPECT_THAT(ExpandFailure("(define-syntax m)"), HasSubstr("define-syntax: expected (define-syntax keyword"));
  EXPECT_THAT(ExpandFailure("(let-syntax ((m 1)) 2)"), HasSubstr("m: expected a (syntax-rules ...) transformer"));
  EXPECT_THAT(ExpandFailure("(let-syntax (m) 2)"), HasSubstr("let-syntax: expected (let-syntax ((keyword"));
}

TEST(MacroErrorTest, MisusedKeywords) {
  EXPECT_THAT(ExpandFailure(std::string(kSwap) + "(list swap!)"),
              HasSubstr("m.scm:2:7: swap!: a macro keyword cannot be used as a variable"));
  EXPECT_THAT(ExpandFailure(std::string(kSwap) + "(set! swap! 1)"),
              HasSubstr("set!: cannot assign the macro keyword swap!"));
  EXPECT_THAT(ExpandFailure("(f (define-syntax m (syntax-rules () ((_) 1))))"),
              HasSubstr("define-syntax: definitions are allowed only at top level or at the start of a body"));
  EXPECT_THAT(ExpandFailure("(syntax-rules () ((_) 1))"),
              HasSubstr("syntax-rules: only valid as the transformer of define-syntax"));
  EXPECT_THAT(ExpandFailure("(lambda () (define-syntax m (syntax-rules () ((_) 1))) (define m 2) m)"),
              HasSubstr("lambda: m is defined twice in the same body"));
}

TEST(MacroErrorTest, EndlessExpansionIsAnError) {
  // Each step nests deeper: the stack check or the step limit stops it, as an error.
  std::string message = ExpandFailure("(define-syntax m (syntax-rules () ((_ x) (m (x))))) (m 1)");
  EXPECT_THAT(message, testing::AnyOf(HasSubstr("stack overflow"), HasSubstr("macro expansions")));
}

// --- Size ---------------------------------------------------------------------------------------

TEST(MacroScaleTest, ManyUsesAndLongBodies) {
  // 10,000 uses in one body and a body of 2,000 definitions made by a macro: linear work (this
  // test would take minutes if either were quadratic in the number of forms).
  std::string uses = std::string(kSwap) + "(lambda (a b) ";
  for (int i = 0; i < 10000; ++i) uses += "(swap! a b) ";
  uses += ")";
  EXPECT_EQ(Expand(uses).size() > 10000u * 20, true);
  std::string defs = "(define-syntax def (syntax-rules () ((_ n v) (define n v))))\n(lambda () ";
  for (int i = 0; i < 2000; ++i) defs += "(def v" + std::to_string(i) + " " + std::to_string(i) + ") ";
  defs += "v1999)";
  std::string out = Expand(defs);
  EXPECT_NE(out.find("(v1999 1999)) v1999))"), std::string::npos);
}

}  // namespace
}  // namespace toylang
