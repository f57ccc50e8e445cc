// LiftProcedures (frontend/analysis/lift.h): which lambdas lose their closures, and the IR the
// lifting leaves (parameters, arguments, captures, fixups). The expectations follow the design
// (docs/design/closures.md); the programs run in every engine as tests/programs/closures/.
#include "frontend/analysis/lift.h"

#include <memory>
#include <string>
#include <vector>

#include "frontend/analysis/analysis.h"
#include "frontend/expander/expander.h"
#include "frontend/reader/reader.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

struct Lifted {
  int count = 0;     // what LiftProcedures returned
  std::string ir;    // the dump after it
  std::string before;  // the dump before it
};

Lifted Lift(std::string_view source, const LiftOptions& options = {}) {
  Expander expander;
  std::vector<DatumPtr> forms = ReadAll(source, "a.scm");
  EXPECT_EQ(forms.size(), 1u);
  ir::Numbering ids;
  std::unique_ptr<ir::Lambda> code = Analyze(*expander.ExpandToplevel(forms.at(0)), ids);
  Lifted r;
  r.before = ir::Dump(*code);
  r.count = LiftProcedures(*code, options);
  r.ir = ir::Dump(*code);
  return r;
}

TEST(LiftTest, NamedLetLoopGetsItsFreeVariableAsAParameter) {
  Lifted r = Lift("(define (f n) (let loop ((i 0)) (if (< i n) (loop (+ i 1)) i)))");
  EXPECT_EQ(r.count, 1);
  // No captures and no fixup: the binding makes nothing; every call passes n, the self tail
  // call included.
  EXPECT_EQ(r.ir,
            "(lambda toplevel (frame 0) (define-global f (lambda f (params n) (frame 3) "
            "(let ((#:i1 1 (const 0))) (letrec ((loop 2 (lambda loop (params i n) (lifted 1) "
            "(frame 2) (if (call (global <) (local 0 i) (local 1 n)) (tail-call/known (proc loop) "
            "(call (global +) (local 0 i) (const 1)) (local 1 n)) (local 0 i))))) "
            "(tail-call/known (proc loop) (local 1 #:i1) (local 0 n)))))))");
  // Before: a closure capturing n and itself, patched by a fixup.
  EXPECT_THAT(r.before, HasSubstr("(captures (local 0 n) (local 2 loop))"));
  EXPECT_THAT(r.before, HasSubstr("(fixups (0 1 0))"));
}

TEST(LiftTest, InternalDefinesCallingEachOtherNeedNoValueOfEachOther) {
  // The motivating program's shape (bench/programs/nqueens-internal.scm): place calls safe?
  // and itself, try calls all three; none of them is a value anywhere.
  Lifted r = Lift(R"(
    (define (queens n)
      (define (safe? col placed)
        (let loop ((placed placed) (dist 1))
          (or (null? placed)
              (and (not (= (car placed) (+ col dist))) (loop (cdr placed) (+ dist 1))))))
      (define (place row placed solutions)
        (if (= row n)
            (cons (reverse placed) solutions)
            (let try ((col 0) (solutions solutions))
              (if (= col n)
                  solutions
                  (try (+ col 1)
                       (if (safe? col placed)
                           (place (+ row 1) (cons col placed) solutions)
                           solutions))))))
      (place 0 '() '())))");
  EXPECT_EQ(r.count, 4);
  EXPECT_THAT(r.ir, Not(HasSubstr("(captures")));
  EXPECT_THAT(r.ir, Not(HasSubstr("(fixups")));
  EXPECT_THAT(r.ir, HasSubstr("(lambda safe? (params col placed) (lifted 0)"));
  EXPECT_THAT(r.ir, HasSubstr("(lambda loop (params placed dist col) (lifted 1)"));
  EXPECT_THAT(r.ir, HasSubstr("(lambda place (params row placed solutions n) (lifted 1)"));
  // try needs n for place and itself, and row and placed of place's frame.
  EXPECT_THAT(r.ir, HasSubstr("(lambda try (params col solutions n placed row) (lifted 3)"));
  EXPECT_THAT(r.ir, HasSubstr("(call/known (proc safe?) (local 0 col) (local 3 placed))"));
  EXPECT_THAT(r.ir, HasSubstr("(call/known (proc place) (call (global +) (local 4 row) (const 1)) "
                              "(call (global cons) (local 0 col) (local 3 placed)) "
                              "(local 1 solutions) (local 2 n))"));
}

TEST(LiftTest, MutualRecursionSharesAFreeVariable) {
  Lifted r = Lift(
      "(define (f n m) (define (ev? k) (if (= k m) #t (od? (- k 1)))) "
      "(define (od? k) (if (= k m) #f (ev? (- k 1)))) (ev? n))");
  EXPECT_EQ(r.count, 2);
  EXPECT_THAT(r.ir, HasSubstr("(lambda ev? (params k m) (lifted 1)"));
  EXPECT_THAT(r.ir, HasSubstr("(tail-call/known (proc od?) (call (global -) (local 0 k) (const 1)) "
                              "(local 1 m))"));
  EXPECT_THAT(r.ir, HasSubstr("(tail-call/known (proc ev?) (local 0 n) (local 1 m))"));
}

TEST(LiftTest, EscapingProceduresKeepTheirClosures) {
  // Returned, stored, passed to map, compared: each a value, so each keeps its closure.
  for (const char* source : {
           "(define (f) (define (g) 1) g)",
           "(define (f) (define (g) 1) (set! h g) (g))",
           "(define (f l) (define (g x) x) (cons (g 1) (map g l)))",
           "(define (f) (define (g) 1) (list g))",
           "(define (f) (let loop ((i 0)) (if (< i 2) (loop (+ i 1)) loop)))",
       }) {
    Lifted r = Lift(source);
    EXPECT_EQ(r.count, 0) << source;
    EXPECT_EQ(r.ir, r.before) << source;
  }
}

TEST(LiftTest, AssignedProceduresAreNotLifted) {
  Lifted r = Lift("(define (f) (define (g) 1) (define a (g)) (set! g (lambda () 2)) (list a (g)))");
  EXPECT_EQ(r.count, 0);
  // The let-bound one that is never assigned is; the assigned one is not.
  r = Lift("(define (f) (let ((g (lambda () 1)) (h (lambda () 2))) (set! h car) (list (g) (h))))");
  EXPECT_EQ(r.count, 1);
  EXPECT_THAT(r.ir, HasSubstr("(lambda g (lifted 0)"));
  EXPECT_THAT(r.ir, HasSubstr("(call (local 1 h box))"));
}

TEST(LiftTest, WrongArityRestParametersAndTooManyParametersKeepTheClosure) {
  EXPECT_EQ(Lift("(define (f) (define (g x) x) (if #f (g 1 2) (g 3)))").count, 0);
  EXPECT_EQ(Lift("(define (f) (define (g . xs) xs) (g 1 2))").count, 0);
  // Four of its own and three free: seven. The one that calls it is lifted and gets g's
  // closure as an argument.
  Lifted r = Lift(
      "(define (f a b c) (define (g w x y z) (list w x y z a b c)) (define (h) (g 1 2 3 4)) (h))");
  EXPECT_EQ(r.count, 1);
  EXPECT_THAT(r.ir, HasSubstr("(lambda g (params w x y z) (frame 4) (captures (local 0 a) "
                              "(local 1 b) (local 2 c))"));
  EXPECT_THAT(r.ir, HasSubstr("(lambda h (params g) (lifted 1)"));
  // h and k would both take seven; with h's closure kept, k needs only h and takes three.
  r = Lift("(define (f a b c d e) (define (h w x) (list w x a b c d e)) (define (k y z) (h y z)) "
           "(k 1 2))");
  EXPECT_EQ(r.count, 1);
  EXPECT_THAT(r.ir, HasSubstr("(lambda k (params y z h) (lifted 1)"));
  // Four and two: six, which fits.
  EXPECT_EQ(Lift("(define (f a b) (define (g w x y z) (list w x y z a b)) (g 1 2 3 4))").count, 1);
  // The limit is an option (the JIT's register arguments).
  LiftOptions two;
  two.max_params = 2;
  EXPECT_EQ(Lift("(define (f a b) (define (g w) (list w a b)) (g 1))", two).count, 0);
  EXPECT_EQ(Lift("(define (f a) (define (g w) (list w a)) (g 1))", two).count, 1);
}

TEST(LiftTest, BoxedVariablesTravelAsTheirBox) {
  Lifted r = Lift(
      "(define (f) (define count 0) (define (bump! k) (set! count (+ count k))) (bump! 1) count)");
  EXPECT_EQ(r.count, 1);
  // The call passes the box (the slot, not unboxed); the lifted procedure stores through it.
  EXPECT_THAT(r.ir, HasSubstr("(call/known (proc bump!) (const 1) (local 0 count))"));
  EXPECT_THAT(r.ir, HasSubstr("(set-local 1 count box (call (global +) (local 1 count box) "
                              "(local 0 k)))"));
  EXPECT_THAT(r.ir, HasSubstr("(count 0 box (const 0))"));
}

TEST(LiftTest, ClosuresInsideLiftedProceduresCaptureItsParameters) {
  // make is lifted with n; its closure captures x and n from make's frame and passes n on to
  // the lifted square-plus.
  Lifted r = Lift(
      "(define (f n) (define (sq x) (+ (* x x) n)) (define (make x) (lambda () (sq x))) (make 1))");
  EXPECT_EQ(r.count, 2);
  EXPECT_THAT(r.ir, HasSubstr("(lambda make (params x n) (lifted 1) (frame 2) (lambda - (frame 0) "
                              "(captures (local 0 x) (local 1 n)) (tail-call/known (proc sq) "
                              "(capture 0 x) (capture 1 n))))"));
}

TEST(LiftTest, DeeplyCapturedVariablesReachTheLoopThroughTheClosures) {
  Lifted r = Lift(
      "(define (f a) (lambda (b) (lambda (c) (let loop ((i 0)) (if (= i 3) (+ a b c) "
      "(loop (+ i 1)))))))");
  EXPECT_EQ(r.count, 1);
  EXPECT_THAT(r.ir, HasSubstr("(lambda loop (params i a b c) (lifted 3)"));
  // The innermost closure holds a and b (from the middle one's captures and frame) and c.
  EXPECT_THAT(r.ir, HasSubstr("(tail-call/known (proc loop) (local 1 #:i1) (capture 0 a) "
                              "(capture 1 b) (local 0 c))"));
}

TEST(LiftTest, LetrecVariablesCodeCanReachEarlyStayAsTheyWere) {
  // g may be called (by a's init) before it is initialised: its check stays.
  Lifted r = Lift("(define (f) (define a (g)) (define (g) 1) a)");
  EXPECT_EQ(r.count, 0);
  EXPECT_THAT(r.ir, HasSubstr("(call/known (local 1 g))"));
  // A constant before the procedures is fine: its init mentions none of them.
  r = Lift("(define (f n) (define v (make-vector n 0)) (define (set i) (vector-set! v i i)) "
           "(set 0) v)");
  EXPECT_EQ(r.count, 1);
  EXPECT_THAT(r.ir, HasSubstr("(lambda set (params i v) (lifted 1)"));
  // p would make the closure while k initialises, before u is: lifted, the closure would copy
  // u's undefined value instead of reaching it through h's closure later. Neither is lifted.
  r = Lift("(define (f) (define (h) u) (define (p) (lambda () (h))) (define k (p)) (define u 5) "
           "(k))");
  EXPECT_EQ(r.count, 0);
  EXPECT_EQ(r.ir, r.before);
  // With u first, both are.
  EXPECT_EQ(Lift("(define (f) (define (h) u) (define (p) (lambda () (h))) (define u 5) "
                 "(define k (p)) (k))")
                .count,
            2);
}

TEST(LiftTest, FixupsFollowTheNewCaptures) {
  // od? escapes (map) and keeps its closure; ev? is lifted and takes od?'s closure as an
  // argument; od?'s closure now captures itself (a fixup) instead of ev?.
  Lifted r = Lift(
      "(define (f n) (define (ev? k) (if (= k 0) #t (od? (- k 1)))) "
      "(define (od? k) (if (= k 0) #f (ev? (- k 1)))) (list (ev? n) (map od? '(1 2))))");
  EXPECT_EQ(r.count, 1);
  EXPECT_THAT(r.ir, HasSubstr("(lambda ev? (params k od?) (lifted 1)"));
  EXPECT_THAT(r.ir, HasSubstr("(lambda od? (params k) (frame 1) (captures (local 2 od?))"));
  EXPECT_THAT(r.ir, HasSubstr("(fixups (1 0 1))"));
}

TEST(LiftTest, TopLevelLoopsAndLetBoundLambdas) {
  Lifted r = Lift("(let loop ((i 0)) (if (< i 3) (loop (+ i 1)) i))");
  EXPECT_EQ(r.count, 1);
  r = Lift("(define (f x) (let ((twice (lambda (y) (* 2 y))) (plus-x (lambda (y) (+ x y)))) "
           "(plus-x (twice x))))");
  EXPECT_EQ(r.count, 2);
  EXPECT_THAT(r.ir, HasSubstr("(lambda plus-x (params y x) (lifted 1)"));
}

TEST(LiftTest, NothingToLiftLeavesTheTreeAlone) {
  for (const char* source : {"(define (f x) (* x x))", "(lambda (x) (lambda () x))", "(+ 1 2)"}) {
    Lifted r = Lift(source);
    EXPECT_EQ(r.count, 0);
    EXPECT_EQ(r.ir, r.before);
  }
}

}  // namespace
}  // namespace toylang
