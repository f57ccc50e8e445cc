// Interpreter tests, through the Engine interface only (what the toylang program uses).
#include <pthread.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <sstream>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "frontend/interp/interp_engine.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mosaic/heap.h"

namespace toylang {
namespace {

using ::testing::HasSubstr;

// Runs `body` on a fresh thread with a stack of `stack_bytes` (reserved, committed on demand).
void RunOnThread(size_t stack_bytes, std::function<void()> body) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, stack_bytes);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<std::function<void()>*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, &body), 0);
  pthread_join(thread, nullptr);
  pthread_attr_destroy(&attr);
}

class InterpTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = MakeEngine(""); }

  std::unique_ptr<Engine> MakeEngine(const std::string& gc_options) {
    EngineOptions options;
    options.gc_options = gc_options;
    options.out = &out_;
    auto engine = CreateInterpEngine(options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? std::move(*engine) : nullptr;
  }

  // The written value of the last form, or "ERROR <code>: <message>".
  std::string Run(std::string_view source) { return RunWith(*engine_, source); }

  static std::string RunWith(Engine& engine, std::string_view source) {
    absl::StatusOr<mosaic::Value> v = engine.Eval(source, "t.scm");
    if (!v.ok()) {
      return "ERROR " + std::string(absl::StatusCodeToString(v.status().code())) + ": " +
             std::string(v.status().message());
    }
    return engine.Write(*v);
  }

  std::ostringstream out_;
  std::unique_ptr<Engine> engine_;
};

TEST_F(InterpTest, BasicsAndDefinitions) {
  EXPECT_EQ(Run("(+ 1 2)"), "3");
  EXPECT_EQ(Run("(define (fact n) (if (= n 0) 1 (* n (fact (- n 1))))) (fact 20)"),
            "2432902008176640000");
  EXPECT_EQ(Run("(define x 5) (set! x (* x 2)) x"), "10");
  EXPECT_EQ(Run("'(a \"b\" #\\c 1.5 #(1 2))"), "(a \"b\" #\\c 1.5 #(1 2))");
  EXPECT_EQ(Run("((lambda (a . rest) (list a rest)) 1 2 3)"), "(1 (2 3))");
  EXPECT_EQ(Run("((lambda args args))"), "()");
  EXPECT_EQ(Run("(let* ((x 1) (y (+ x 1))) (list x y))"), "(1 2)");
  EXPECT_EQ(Run("(define (f) (define a 1) (define (g) (* a 10)) (g)) (f)"), "10");
  EXPECT_EQ(Run("(cond ((assv 2 '((1 . a) (2 . b))) => cdr) (else 'no))"), "b");
  EXPECT_EQ(Run("(case (* 2 3) ((2 3 5 7) 'prime) ((1 4 6 8 9) 'composite))"), "composite");
  EXPECT_EQ(Run("(do ((v (make-vector 5 0)) (i 0 (+ i 1))) ((= i 5) v) (vector-set! v i i))"),
            "#(0 1 2 3 4)");
  EXPECT_EQ(Run("(let ((x 5)) `(a ,x ,@(list 1 2) #(,x) . end))"), "(a 5 1 2 #(5) . end)");
  EXPECT_EQ(Run("`(1 `(2 ,(3 ,(+ 1 3))))"), "(1 `(2 ,(3 4)))");
  EXPECT_EQ(Run("(and 1 2 #f 3)"), "#f");
  EXPECT_EQ(Run("(or #f 7)"), "7");
}

TEST_F(InterpTest, UnspecifiedAndEmptySource) {
  absl::StatusOr<mosaic::Value> v = engine_->Eval("", "t.scm");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->IsUnspecified());
  v = engine_->Eval("(define y 1)", "t.scm");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->IsUnspecified());
}

TEST_F(InterpTest, ClosuresCaptureAssignedVariables) {
  EXPECT_EQ(Run("(define (make-counter)"
                "  (let ((n 0)) (lambda () (set! n (+ n 1)) n)))"
                "(define c1 (make-counter)) (define c2 (make-counter))"
                "(c1) (c1) (c2) (list (c1) (c2))"),
            "(3 2)");
  // Two closures share one boxed variable.
  EXPECT_EQ(Run("(define (pair-of-closures)"
                "  (let ((v 1)) (cons (lambda () v) (lambda (x) (set! v x)))))"
                "(define p (pair-of-closures)) ((cdr p) 42) ((car p))"),
            "42");
  // A captured parameter that is assigned after the capture.
  EXPECT_EQ(Run("(define (f x) (let ((get (lambda () x))) (set! x (* x 2)) (get))) (f 21)"), "42");
  // Closures made in a loop each capture their own binding.
  EXPECT_EQ(Run("(define fs (map (lambda (i) (lambda () (* i i))) '(1 2 3))) (map (lambda (f) (f)) fs)"),
            "(1 4 9)");
}

TEST_F(InterpTest, LetrecAndMutualRecursion) {
  EXPECT_EQ(Run("(letrec ((ev? (lambda (n) (if (= n 0) #t (od? (- n 1)))))"
                "         (od? (lambda (n) (if (= n 0) #f (ev? (- n 1))))))"
                "  (list (ev? 100) (od? 7)))"),
            "(#t #t)");
  // letrec*: a later init may call an earlier, fully initialised procedure that refers forward.
  EXPECT_EQ(Run("(letrec* ((a (lambda () (b))) (b (lambda () 5)) (c (a))) c)"), "5");
  EXPECT_EQ(Run("(letrec ((x (lambda () y)) (z (x)) (y 1)) z)"),
            "ERROR ABORTED: t.scm:1:24: y: variable used before its definition");
}

TEST_F(InterpTest, KeywordsShadowedByLocals) {
  EXPECT_EQ(Run("(let ((if list)) (if 1 2 3))"), "(1 2 3)");
  EXPECT_EQ(Run("(define (f list) (car list)) (f '(9 8))"), "9");
  EXPECT_EQ(Run("(define (g cons) `(,cons 2)) (g 1)"), "(1 2)");
}

TEST_F(InterpTest, RecordTypes) {
  EXPECT_EQ(Run("(define-record-type point (make-point x y) point? (x point-x set-point-x!) (y point-y))"
                "(define p (make-point 1 2)) (set-point-x! p 10)"
                "(list (point-x p) (point-y p) (point? p) (point? 5))"),
            "(10 2 #t #f)");
  EXPECT_THAT(Run("(point-x 5)"), HasSubstr("t.scm:1:1: point-x"));
}

TEST_F(InterpTest, RedefinitionIsSeenByEarlierCode) {
  EXPECT_EQ(Run("(define (helper) 1) (define (use) (helper)) (use)"), "1");
  EXPECT_EQ(Run("(define (helper) 2) (use)"), "2");
}

TEST_F(InterpTest, ErrorsCarryPositions) {
  EXPECT_EQ(Run("(define z 1)\n  (car z)"), "ERROR ABORTED: t.scm:2:3: car: expected a pair, got 1");
  EXPECT_EQ(Run("(list 1\n (+ 2 undefined-thing))"),
            "ERROR ABORTED: t.scm:2:7: unbound variable: undefined-thing");
  EXPECT_EQ(Run("(define (two a b) a) (two 1 2 3)"),
            "ERROR ABORTED: t.scm:1:22: two: expected 2 arguments, got 3");
  EXPECT_EQ(Run("((lambda (x) x))"), "ERROR ABORTED: t.scm:1:1: #<procedure>: expected 1 argument, got 0");
  EXPECT_EQ(Run("((lambda (x . r) x))"),
            "ERROR ABORTED: t.scm:1:1: #<procedure>: expected at least 1 argument, got 0");
  EXPECT_EQ(Run("(car 1 2)"), "ERROR ABORTED: t.scm:1:1: car: expected 1 argument, got 2");
  EXPECT_EQ(Run("(5 1)"), "ERROR ABORTED: t.scm:1:1: not a procedure: 5");
  EXPECT_EQ(Run("(set! never-defined 1)"), "ERROR ABORTED: t.scm:1:1: set!: unbound variable: never-defined");
  // A type error inside a procedure called through map reports the innermost call site.
  EXPECT_EQ(Run("(map (lambda (x)\n (vector-ref x 0)) '(1))"),
            "ERROR ABORTED: t.scm:2:2: vector-ref: expected a vector, got 1");
  // A procedure that map calls with the wrong number of arguments: reported at the map call.
  EXPECT_EQ(Run("(define (one x) x)\n(map one '(1) '(2))"),
            "ERROR ABORTED: t.scm:2:1: one: expected 1 argument, got 2");
  EXPECT_EQ(Run("(apply 5 '())"), "ERROR ABORTED: t.scm:1:1: apply: expected a procedure, got 5");
  EXPECT_THAT(Run("(apply + 1 '(2 . 3))"), HasSubstr("t.scm:1:1: apply: expected"));
  EXPECT_EQ(Run("(apply + 1 2 '(3 4))"), "10");
  EXPECT_EQ(Run("(apply apply (list + (list 1 2)))"), "3");
  EXPECT_EQ(Run("(apply (lambda (a . r) (list a r)) 1 '(2 3))"), "(1 (2 3))");
  EXPECT_EQ(Run("(apply (lambda (a b) a) '(1))"),
            "ERROR ABORTED: t.scm:1:1: #<procedure>: expected 2 arguments, got 1");
  // Expansion and reader errors.
  EXPECT_EQ(Run("(if)"), "ERROR INVALID_ARGUMENT: t.scm:1:1: if: expected (if test then [else])");
  EXPECT_EQ(Run("(a))"), "ERROR INVALID_ARGUMENT: t.scm:1:4: unexpected ')'");
  EXPECT_EQ(Run("#\\foo"), "ERROR INVALID_ARGUMENT: t.scm:1:1: bad character name #\\foo");
  EXPECT_EQ(Run("(define (f)\n  (g"), "ERROR OUT_OF_RANGE: t.scm:2:3: missing ')' to close the list opened here");
  EXPECT_EQ(Run("\"abc"), "ERROR OUT_OF_RANGE: t.scm:1:1: unterminated string");
}

TEST_F(InterpTest, EngineStaysUsableAfterErrors) {
  EXPECT_EQ(Run("(define kept 7) (car '())"), "ERROR ABORTED: t.scm:1:17: car: expected a pair, got ()");
  EXPECT_EQ(Run("kept"), "7");
  // Input that ends early evaluates nothing (the REPL will send it again, completed).
  EXPECT_THAT(Run("(define not-yet 1) (f"), HasSubstr("OUT_OF_RANGE"));
  EXPECT_THAT(Run("not-yet"), HasSubstr("unbound variable: not-yet"));
}

TEST_F(InterpTest, MacrosLastAcrossInputs) {
  EXPECT_EQ(Run("(define-syntax my-or (syntax-rules () ((_) #f) ((_ e r ...) (let ((t e)) (if t t (my-or r ...))))))"),
            "#<unspecified>");
  EXPECT_EQ(Run("(let ((t 5) (if list)) (my-or #f t))"), "5");
  EXPECT_EQ(Run("(my-or . 1)"),
            "ERROR INVALID_ARGUMENT: t.scm:1:1: my-or: no syntax-rules clause matches (my-or . 1)");
  EXPECT_EQ(Run("(my-or #f 2)"), "2");  // still defined after the error
}

TEST_F(InterpTest, ExitReturnsCancelled) {
  absl::StatusOr<mosaic::Value> v = engine_->Eval("(display \"bye\") (exit 3) (display \"no\")", "t.scm");
  EXPECT_EQ(v.status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(engine_->ExitCode(), 3);
  EXPECT_EQ(out_.str(), "bye");
}

TEST_F(InterpTest, OutputGoesToTheConfiguredStream) {
  Run("(display \"x=\") (write \"q\") (newline)");
  EXPECT_EQ(out_.str(), "x=\"q\"\n");
}

TEST(InterpEngineTest, CreateOptions) {
  EngineOptions bad;
  bad.gc_options = "no-such-option=1";
  auto created = CreateInterpEngine(bad);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("no-such-option"));
}

TEST(InterpEngineTest, TailCallLoopRunsInConstantStack) {
  // 10^7 iterations on a 1 MiB stack: any per-iteration growth would overflow it.
  std::string result;
  RunOnThread(1 << 20, [&] {
    EngineOptions options;
    auto engine = CreateInterpEngine(options);
    ASSERT_TRUE(engine.ok());
    absl::StatusOr<mosaic::Value> v = (*engine)->Eval(
        "(define (loop i acc) (if (= i 0) acc (loop (- i 1) (+ acc 1))))"
        "(define (count-down n) (cond ((= n 0) 'done) (else (count-down (- n 1)))))"
        "(define (via-apply n) (if (= n 0) 'applied (apply via-apply (list (- n 1)))))"
        "(list (loop 10000000 0) (count-down 1000000) (via-apply 1000000)"
        "      (let lp ((i 0)) (if (< i 1000000) (lp (+ i 1)) i))"
        "      (do ((i 0 (+ i 1))) ((= i 1000000) i)))",
        "loop.scm");
    result = v.ok() ? (*engine)->Write(*v) : std::string(v.status().message());
  });
  EXPECT_EQ(result, "(10000000 done applied 1000000 1000000)");
}

TEST(InterpEngineTest, MillionDeepRecursion) {
#if defined(__SANITIZE_ADDRESS__)
  // Sanitizer frames are several times larger, and ASan cannot unwind an exception on a
  // multi-GiB stack without false reports (google/sanitizers#189).
  GTEST_SKIP() << "not meaningful under AddressSanitizer";
#endif
  std::string deep;
  RunOnThread(size_t{3} << 30, [&] {
    auto engine = CreateInterpEngine(EngineOptions{});
    ASSERT_TRUE(engine.ok());
    auto v = (*engine)->Eval(
        "(define (count n) (if (= n 0) 0 (+ 1 (count (- n 1))))) (count 1000000)", "deep.scm");
    deep = v.ok() ? (*engine)->Write(*v) : std::string(v.status().message());
  });
  EXPECT_EQ(deep, "1000000");
}

TEST(InterpEngineTest, StackOverflowIsAnErrorAtTheCall) {
  std::string overflow, after;
  RunOnThread(8 << 20, [&] {
    auto engine = CreateInterpEngine(EngineOptions{});
    ASSERT_TRUE(engine.ok());
    auto v = (*engine)->Eval("(define (runaway n)\n  (+ 1 (runaway n)))\n(runaway 0)", "so.scm");
    overflow = v.ok() ? "no error" : std::string(v.status().message());
    auto w = (*engine)->Eval("(+ 1 1)", "after.scm");
    after = w.ok() ? (*engine)->Write(*w) : std::string(w.status().message());
  });
  EXPECT_EQ(overflow, "so.scm:2:8: stack overflow");
  EXPECT_EQ(after, "2");
}

TEST(InterpEngineTest, CollectionInTheMiddleOfMapKeepsLiveData) {
  // stress=…: collect every few hundred allocations, so collections happen inside map, inside
  // closures and between the evaluation of arguments.
  EngineOptions options;
  options.gc_options = "stress=97";
  auto engine = CreateInterpEngine(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto v = (*engine)->Eval(
      "(define (build n) (let loop ((i 0) (acc '())) (if (= i n) acc (loop (+ i 1) (cons (number->string i) acc)))))"
      "(define strs (build 2000))"
      "(define lens (map (lambda (s) (collect) (string-length (string-append s \"!\"))) strs))"
      "(define total (apply + lens))"
      "(list total (car strs) (length lens) (vector-ref (list->vector (map (lambda (x) (list x x)) '(a b))) 1))",
      "gc.scm");
  ASSERT_TRUE(v.ok()) << v.status();
  // Lengths of "0".."1999" plus one "!" each: 10*1 + 90*2 + 900*3 + 1000*4 + 2000.
  EXPECT_EQ((*engine)->Write(*v), "(8890 \"1999\" 2000 (b b))");
  EXPECT_GT((*engine)->heap().Stats().collections, 10u);
}

TEST(InterpEngineTest, HeapLimitIsAnErrorAndTheEngineSurvives) {
  EngineOptions options;
  options.gc_options = "heap-max=32M";
  auto engine = CreateInterpEngine(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  auto v = (*engine)->Eval("(define (grow l) (grow (cons (make-vector 100 0) l))) (grow '())", "oom.scm");
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("heap limit reached"));
  auto w = (*engine)->Eval("(length (list 1 2 3))", "after.scm");
  ASSERT_TRUE(w.ok()) << w.status();
  EXPECT_EQ((*engine)->Write(*w), "3");
}

TEST(InterpEngineTest, InterruptStopsAnInfiniteLoop) {
  auto engine = CreateInterpEngine(EngineOptions{});
  ASSERT_TRUE(engine.ok());
  Engine* e = engine->get();
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    // Keep asking until the evaluation has ended: a request that lands before Eval starts is
    // cleared by Eval, so one request alone could be lost.
    while (!done.load()) {
      e->RequestInterrupt();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  auto v = e->Eval("(define (spin) (spin)) (spin)", "spin.scm");
  done.store(true);
  interrupter.join();
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("interrupted"));
  auto w = e->Eval("'ok", "after.scm");
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(e->Write(*w), "ok");
}

}  // namespace
}  // namespace toylang
