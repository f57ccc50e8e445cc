#include "frontend/analysis/analysis.h"

#include <string>

#include "frontend/expander/expander.h"
#include "frontend/reader/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;

// The IR dump of the procedure that one top-level form compiles to, without the toplevel
// wrapper when the form is a single lambda or definition of one.
std::string Ir(std::string_view source) {
  Expander expander;
  std::vector<DatumPtr> forms = ReadAll(source, "a.scm");
  EXPECT_EQ(forms.size(), 1u);
  CorePtr core = expander.ExpandToplevel(forms[0]);
  ir::Numbering ids;
  std::unique_ptr<ir::Lambda> code = Analyze(*core, ids);
  return ir::Dump(*code);
}

TEST(AnalysisTest, ToplevelAndGlobals) {
  EXPECT_EQ(Ir("(define x 1)"), "(lambda toplevel (frame 0) (define-global x (const 1)))");
  EXPECT_EQ(Ir("(set! x (car y))"),
            "(lambda toplevel (frame 0) (set-global x (call (global car) (global y))))");
  EXPECT_EQ(Ir("(f 'a \"s\")"),
            "(lambda toplevel (frame 0) (tail-call (global f) (const 'a) (const \"s\")))");
}

TEST(AnalysisTest, LexicalAddressingAndTailPositions) {
  EXPECT_EQ(Ir("(define (fact n) (if (= n 0) 1 (* n (fact (- n 1)))))"),
            "(lambda toplevel (frame 0) (define-global fact (lambda fact (params n) (frame 1) "
            "(if (call (global =) (local 0 n) (const 0)) (const 1) "
            "(tail-call (global *) (local 0 n) (call (global fact) (call (global -) (local 0 n) (const 1))))))))");
  // A rest parameter takes the slot after the required ones; let bindings the next ones.
  EXPECT_EQ(Ir("(lambda (a . r) (let ((b a) (c r)) (begin (g b) c)))"),
            "(lambda toplevel (frame 0) (lambda - (params a . r) (frame 4) "
            "(let ((b 2 (local 0 a)) (c 3 (local 1 r))) (seq (call (global g) (local 2 b)) (local 3 c)))))");
}

TEST(AnalysisTest, FreeVariablesBecomeCaptures) {
  // The inner lambda captures x from its creator's frame; the innermost captures it again
  // through the middle one's captures.
  EXPECT_EQ(Ir("(lambda (x y) (lambda () (lambda () x)))"),
            "(lambda toplevel (frame 0) (lambda - (params x y) (frame 2) "
            "(lambda - (frame 0) (captures (local 0 x)) "
            "(lambda - (frame 0) (captures (capture 0 x)) (capture 0 x)))))");
}

TEST(AnalysisTest, AssignmentConversion) {
  // Assigned and captured: boxed (the parameter is boxed on entry).
  EXPECT_EQ(Ir("(lambda (n) (lambda () (set! n (+ n 1)) n))"),
            "(lambda toplevel (frame 0) (lambda - (params n) (frame 1) (boxed 0) "
            "(lambda - (frame 0) (captures (local 0 n)) "
            "(seq (set-capture 0 n box (call (global +) (capture 0 n box) (const 1))) (capture 0 n box)))))");
  // Assigned but not captured: boxed too, so that a continuation re-entered later sees the
  // variable's current value (a frame restored from a copy would bring back the old one;
  // docs/design/continuations.md).
  EXPECT_EQ(Ir("(lambda (n) (set! n 2) n)"),
            "(lambda toplevel (frame 0) (lambda - (params n) (frame 1) (boxed 0) "
            "(seq (set-local 0 n box (const 2)) (local 0 n box))))");
  // Captured but not assigned: copied.
  EXPECT_EQ(Ir("(let ((k 1)) (lambda () k))"),
            "(lambda toplevel (frame 1) (let ((k 0 (const 1))) (lambda - (frame 0) (captures (local 0 k)) (capture 0 k))))");
  // A let variable assigned after a closure captured it is boxed at its binding.
  EXPECT_THAT(Ir("(let ((k 1)) (define-it (lambda () k)) (set! k 2))"), HasSubstr("(k 0 box (const 1))"));
}

TEST(AnalysisTest, KnownCallsAndLetrecFixups) {
  // Named let: the loop's self-reference is patched by a fixup, and the calls are known.
  EXPECT_EQ(Ir("(let loop ((i 0)) (if (< i 10) (loop (+ i 1)) i))"),
            "(lambda toplevel (frame 2) (let ((#:i1 0 (const 0))) (letrec ((loop 1 (lambda loop (params i) "
            "(frame 1) (captures (local 1 loop)) (if (call (global <) (local 0 i) (const 10)) "
            "(tail-call/known (capture 0 loop) (call (global +) (local 0 i) (const 1))) (local 0 i))))) "
            "(fixups (0 0 0)) (tail-call/known (local 1 loop) (local 0 #:i1)))))");
  // Mutual recursion: even? captures odd? (initialised later) and odd? captures even?.
  std::string ir = Ir("(letrec ((ev? (lambda (n) (od? n))) (od? (lambda (n) (ev? n)))) (ev? 4))");
  EXPECT_THAT(ir, HasSubstr("(fixups (0 0 1))"));
  EXPECT_THAT(ir, HasSubstr("(lambda od? (params n) (frame 1) (captures (local 0 ev?))"));
  // An assigned variable is not a known callee.
  EXPECT_THAT(Ir("(let ((f (lambda () 1))) (set! f car) (f))"), HasSubstr("(tail-call (local 0 f box))"));
  // A letrec variable captured by a closure that is not a direct init is boxed.
  EXPECT_THAT(Ir("(letrec ((v (list (lambda () v)))) v)"), HasSubstr("(v 0 box"));
}

TEST(AnalysisTest, DerivedLoopsAreKnownTailCalls) {
  // do: the loop call after the body is a known tail call; the test's call is not a tail call.
  std::string ir = Ir("(do ((i 0 (+ i 1))) ((= i 3) 'done) (display i))");
  EXPECT_THAT(ir, HasSubstr("(if (call (global =) (local 0 i) (const 3)) (const 'done) "
                            "(seq (call (global display) (local 0 i)) "
                            "(tail-call/known (capture 0 #:do1) (call (global +) (local 0 i) (const 1)))))"));
  // Tail positions through cond, case, and, or, when.
  std::string tails = Ir("(lambda (x) (cond ((f x) (g x)) (else (case x ((1) (h x)) (else (and x (or x (k x))))))))");
  EXPECT_THAT(tails, HasSubstr("(call (global f) (local 0 x))"));
  EXPECT_THAT(tails, HasSubstr("(tail-call (global g) (local 0 x))"));
  EXPECT_THAT(tails, HasSubstr("(tail-call (global h) (local 0 x))"));
  EXPECT_THAT(tails, HasSubstr("(tail-call (global k) (local 0 x))"));
  EXPECT_THAT(tails, HasSubstr("(call (global eq?) (local 1 #:key"));
}

TEST(AnalysisTest, ShadowingAndGlobalOnlyReferences) {
  // A local `list` does not capture the quasiquote expansion's reference to the global one.
  EXPECT_EQ(Ir("(lambda (cons) `(,cons))"),
            "(lambda toplevel (frame 0) (lambda - (params cons) (frame 1) "
            "(tail-call (global cons) (local 0 cons) (const '()))))");
}

// The numbers engines key their side tables by: dense, and shared across forms analysed with one
// Numbering; one per global name.
TEST(AnalysisTest, NodesEnginesKeepStateForAreNumbered) {
  ir::Numbering ids;
  auto analyze = [&](std::string_view source) {
    Expander expander;
    return Analyze(*expander.ExpandToplevel(ReadAll(source, "a.scm").at(0)), ids);
  };
  std::unique_ptr<ir::Lambda> first = analyze("(define (f x) (car '(1 2)))");
  std::unique_ptr<ir::Lambda> second = analyze("(f (lambda () \"s\") 3 'car car)");
  EXPECT_EQ(first->id, 0);
  const auto& define = ir::As<ir::Global>(*first->body);
  const auto& f = ir::As<ir::Lambda>(*define.value);
  EXPECT_EQ(f.id, 1);
  const auto& call_car = ir::As<ir::Call>(*f.body);
  const auto& car = ir::As<ir::Global>(*call_car.fn);
  EXPECT_EQ(ir::As<ir::Const>(*call_car.args.at(0)).id, 0);  // '(1 2)
  EXPECT_EQ(second->id, 2);
  const auto& call_f = ir::As<ir::Call>(*second->body);
  EXPECT_EQ(ir::As<ir::Global>(*call_f.fn).id, define.id);  // f, in another form
  const auto& thunk = ir::As<ir::Lambda>(*call_f.args.at(0));
  EXPECT_EQ(thunk.id, 3);
  EXPECT_EQ(ir::As<ir::Const>(*thunk.body).id, 1);            // "s"
  EXPECT_EQ(ir::As<ir::Const>(*call_f.args.at(1)).id, -1);    // 3: an immediate
  EXPECT_EQ(ir::As<ir::Const>(*call_f.args.at(2)).id, 2);     // 'car
  EXPECT_EQ(ir::As<ir::Global>(*call_f.args.at(3)).id, car.id);
  EXPECT_NE(car.id, define.id);
}

}  // namespace
}  // namespace toylang
