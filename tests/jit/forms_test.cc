// R7RS control forms in both engines (docs/design/exceptions.md): exceptions and error objects,
// the per-thread dynamic state kept right across errors and evaluations, parameters, promises,
// case-lambda and define-values. Each test runs in the interpreter and the JIT, plain and under
// collector stress (raised objects in flight, promises, parameterizations), with the same
// expected results. The golden programs in tests/programs/control/ cover the forms end to end;
// these check what a golden program cannot: the C++ stack (tail calls, constant-space forcing),
// state across evaluations, interrupts, file errors (Guile disagrees), threads.
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>

#include "gtest/gtest.h"
#include "tests/jit/create_engine.h"

namespace toylang::jit {
namespace {

using Param = std::tuple<EngineKind, const char*>;  // engine, gc options

class FormsTest : public testing::TestWithParam<Param> {
 protected:
  void SetUp() override {
    EngineOptions options;
    options.gc_options = std::get<1>(GetParam());
    options.out = &out_;
    auto engine = CreateEngine(std::get<0>(GetParam()), options);
    ASSERT_TRUE(engine.ok()) << engine.status();
    engine_ = std::move(*engine);
  }
  // The written value of the last form, or the error's message.
  std::string Run(const std::string& source) {
    absl::StatusOr<mosaic::Value> v = engine_->Eval(source, "t.scm");
    if (!v.ok()) return std::string(v.status().message());
    return engine_->Write(*v);
  }
  // Loops run a million times plain (to prove constant stack: a C++ frame per iteration would
  // overflow the test thread's 8 MiB) and 20,000 times under stress (collections inside them).
  std::string Iterations() const {
    return std::string(std::get<1>(GetParam())).empty() ? "1000000" : "20000";
  }
  std::ostringstream out_;
  std::unique_ptr<Engine> engine_;
};

TEST_P(FormsTest, BuiltinErrorsAreErrorObjectsWithTheirMessage) {
  EXPECT_EQ(Run("(guard (e (#t (list (error-object? e) (error-object-message e) "
                "(error-object-irritants e)))) (car 1))"),
            "(#t \"car: expected a pair, got 1\" ())");
  EXPECT_EQ(Run("(guard (e ((error-object? e) (error-object-message e))) "
                "(vector-ref (vector 1 2) 99))"),
            "\"vector-ref: index 99 out of range for a vector of length 2\"");
  EXPECT_EQ(Run("(guard (e ((error-object? e) (error-object-message e))) (no-such-variable))"),
            "\"unbound variable: no-such-variable\"");
  EXPECT_EQ(Run("(guard (e (#t (list (error-object-message e) (error-object-irritants e)))) "
                "(error \"bad:\" 1 'two \"three\"))"),
            "(\"bad:\" (1 two \"three\"))");
}

TEST_P(FormsTest, FileAndReadErrors) {
  EXPECT_EQ(Run("(guard (e ((file-error? e) (list (read-error? e) (error-object-message e)))) "
                "(open-input-file \"/nonexistent-dir/x.txt\"))"),
            "(#f \"open-input-file: cannot open file \\\"/nonexistent-dir/x.txt\\\" for "
            "reading\")");
  EXPECT_EQ(Run("(guard (e ((file-error? e) 'file)) (open-output-file \"/nonexistent-dir/y\"))"),
            "file");
  EXPECT_EQ(Run("(guard (e ((read-error? e) (file-error? e))) (read (open-input-string \")\")))"),
            "#f");
  EXPECT_EQ(Run("(guard (e (#t (list (read-error? e) (file-error? e)))) (car '()))"), "(#f #f)");
  EXPECT_EQ(Run("(list (file-error? 'x) (read-error? \"s\") (error-object? '(1)))"), "(#f #f #f)");
  EXPECT_EQ(Run("(error-object-message 5)"),
            "t.scm:1:1: error-object-message: expected an error object, got 5");
}

TEST_P(FormsTest, UncaughtRaisesReportTheObjectAtTheRaise) {
  EXPECT_EQ(Run("(define (f x) (raise (list x \"s\")))\n(f 'boom)"),
            "t.scm:1:15: uncaught exception: (boom \"s\")");
  EXPECT_EQ(Run("(raise-continuable 5)"), "t.scm:1:1: uncaught exception: 5");
  EXPECT_EQ(Run("(error \"plain\" 1 \"x\")"), "t.scm:1:1: plain 1 \"x\"");
  // Re-raised by a guard whose clauses do not match: as if there were no guard.
  EXPECT_EQ(Run("(guard (e ((string? e) 'no))\n  (cdr 7))"),
            "t.scm:2:3: cdr: expected a pair, got 7");
  EXPECT_EQ(Run("(guard (e ((string? e) 'no)) (raise 'again))"),
            "t.scm:1:30: uncaught exception: again");
  EXPECT_EQ(Run("(with-exception-handler (lambda (e) 'ignored) (lambda () (raise 'oops)))"),
            "t.scm:1:58: raise: the exception handler returned from a non-continuable "
            "exception: oops");
}

TEST_P(FormsTest, HandlerStackIsRestoredWhenAnErrorEndsTheEvaluation) {
  // The handler returns from a built-in's error: the secondary error is uncaught. Its handler
  // must not stay installed for the next evaluation.
  Run("(define calls 0)");
  EXPECT_NE(Run("(with-exception-handler (lambda (e) (set! calls (+ calls 1)) 0) "
                "(lambda () (car 1)))"),
            "0");
  EXPECT_EQ(Run("calls"), "1");
  EXPECT_EQ(Run("(raise-continuable 'x)"), "t.scm:1:1: uncaught exception: x");
  EXPECT_EQ(Run("calls"), "1");
  // Same for a guard left by an error raised in its clauses.
  EXPECT_EQ(Run("(guard (e ((car e) 'never)) (raise 'sym))"),
            "t.scm:1:12: car: expected a pair, got sym");
  EXPECT_EQ(Run("(raise 'after)"), "t.scm:1:1: uncaught exception: after");
  // And in a loop: entering and leaving guards many times leaves the stack as it was.
  EXPECT_EQ(Run("(let loop ((i 0) (n 0)) (if (= i 20000) n "
                "(loop (+ i 1) (+ n (guard (e (#t e)) (if (odd? i) (raise 1) 0))))))"),
            "10000");
  EXPECT_EQ(Run("(raise 'still-none)"), "t.scm:1:1: uncaught exception: still-none");
}

TEST_P(FormsTest, ParameterizeRestoresAfterAnUncaughtError) {
  Run("(define p (make-parameter 1 (lambda (x) (* x 10))))");
  EXPECT_EQ(Run("(p)"), "10");
  EXPECT_EQ(Run("(parameterize ((p 2)) (car (p)))"), "t.scm:1:23: car: expected a pair, got 20");
  EXPECT_EQ(Run("(p)"), "10");
  EXPECT_EQ(Run("(list (procedure? p) (parameterize ((p 3)) (p)))"), "(#t 30)");
  EXPECT_EQ(Run("(parameterize ((car 1)) 2)"),
            "t.scm:1:1: parameterize: expected a parameter object, got #<procedure car>");
  EXPECT_EQ(Run("(p 1)"), "t.scm:1:1: parameter: expected 0 arguments, got 1");
}

TEST_P(FormsTest, InterruptIsNotAnException) {
  std::thread interrupter([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    engine_->RequestInterrupt();
  });
  std::string r = Run("(define (forever n) (forever (+ n 1)))"
                      "(guard (e (#t 'caught)) (with-exception-handler (lambda (e) 0) "
                      "(lambda () (forever 0))))");
  interrupter.join();
  EXPECT_NE(r.find("interrupted"), std::string::npos) << r;
  EXPECT_EQ(Run("(guard (e (#t 'caught)) (raise 1))"), "caught");  // usable afterwards
  // ... with the handlers the interrupt unwound through gone (it passed them all by).
  EXPECT_EQ(Run("(raise-continuable 'x)"), "t.scm:1:1: uncaught exception: x");
  // Parameterizations too.
  Run("(define p (make-parameter 'global))");
  std::thread again([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    engine_->RequestInterrupt();
  });
  r = Run("(parameterize ((p 'inner)) (forever 0))");
  again.join();
  EXPECT_NE(r.find("interrupted"), std::string::npos) << r;
  EXPECT_EQ(Run("(p)"), "global");
}

TEST_P(FormsTest, CaseLambdaTailCallsRunInConstantStack) {
  // Loops through a case-lambda in tail position (and through apply of one).
  EXPECT_EQ(Run("(define count (case-lambda ((n) (count n 0)) "
                "((n acc) (if (= n 0) acc (count (- n 1) (+ acc 1))))))"
                "(count " + Iterations() + ")"),
            Iterations());
  EXPECT_EQ(Run("(define (via-apply n) (if (= n 0) 'done (apply step (list n))))"
                "(define step (case-lambda ((n) (via-apply (- n 1)))))"
                "(via-apply " + Iterations() + ")"),
            "done");
  EXPECT_EQ(Run("(count 1 2 3)"), "t.scm:1:1: count: no case-lambda clause accepts 3 arguments");
  EXPECT_EQ(Run("((case-lambda ((a) a)))"),
            "t.scm:1:1: #<procedure>: no case-lambda clause accepts 0 arguments");
  EXPECT_EQ(Run("(list count (map count '(1 2)))"), "(#<procedure count> (1 2))");
}

TEST_P(FormsTest, DelayForceChainsRunInConstantStack) {
  EXPECT_EQ(Run("(define (loop n) (delay-force (if (= n 0) (delay 'done) (loop (- n 1)))))"
                "(force (loop " + Iterations() + "))"),
            "done");
  EXPECT_EQ(Run("(define p (delay (begin (set! n (+ n 1)) n))) (define n 0)"
                "(list (force p) (force p) n (promise? p) (promise? 1) (force 7))"),
            "(1 1 1 #t #f 7)");
}

TEST_P(FormsTest, DefineValuesChecksTheCount) {
  EXPECT_EQ(Run("(define-values (a b) (values 1 2 3))"),
            "t.scm:1:1: define-values: expected 2 arguments, got 3");
  EXPECT_EQ(Run("(define-values (a b . c) (values 1 2 3)) (list a b c)"), "(1 2 (3))");
  EXPECT_EQ(Run("(define (f) (define-values (x y) (values 1 2)) (define-values z 3) "
                "(list x y z)) (f)"),
            "(1 2 (3))");
}

TEST_P(FormsTest, ThreadsRaiseToTheirJoiner) {
  EXPECT_EQ(Run("(define t (make-thread (lambda () (raise (list 'from-thread (make-vector 2 7))))))"
                "(thread-start! t)"
                "(guard (e ((pair? e) e)) (thread-join! t))"),
            "(from-thread #(7 7))");
  // A new thread has no handlers (its raise-continuable is uncaught there, and raised again in
  // the joiner) and the parameterize bindings of its creator at make-thread (SRFI-18).
  EXPECT_EQ(Run("(define p (make-parameter 'global))"
                "(parameterize ((p 'local))"
                "  (with-exception-handler (lambda (e) 'outer-handler)"
                "    (lambda ()"
                "      (let ((t (make-thread (lambda () (list (p) (raise-continuable 'x))))))"
                "        (thread-start! t)"
                "        (guard (e (#t (list 'joined e))) (thread-join! t))))))"),
            "(joined x)");
  EXPECT_EQ(Run("(define t2 (parameterize ((p 'made-inside)) (make-thread (lambda () (p)))))"
                "(parameterize ((p 'started-inside)) (thread-start! t2) (thread-join! t2))"),
            "made-inside");
  EXPECT_EQ(Run("(let ((t (make-thread (lambda () (p))))) (thread-start! t) (thread-join! t))"),
            "global");
}

INSTANTIATE_TEST_SUITE_P(
    Engines, FormsTest,
    testing::Combine(testing::Values(EngineKind::kInterp, EngineKind::kJit),
                     testing::Values("", "stress=200,verify=1",
                                     "stress=300,verify=1,generational=on")),
    [](const testing::TestParamInfo<Param>& info) {
      std::string name = std::get<0>(info.param) == EngineKind::kJit ? "Jit" : "Interp";
      std::string gc = std::get<1>(info.param);
      if (gc.empty()) return name;
      return name + (gc.find("generational") != std::string::npos ? "GenStress" : "Stress");
    });

}  // namespace
}  // namespace toylang::jit
