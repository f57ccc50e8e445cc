// Roots held in JIT frames survive collections at every kind of runtime call: the allocation
// slow paths (tj_cons, tj_make_box, tj_make_closure behind the inline bumps), tj_call (a
// built-in that allocates, `collect`), tj_call_tail (apply in tail position), tj_poll (a
// collection requested by another thread), and built-ins that call back into JIT code (map,
// for-each, vector-map, apply). Every case runs in both root modes, with default options and
// with stress=1,verify=1 (a collection at every other allocation; freed cells are poisoned, so
// a value whose root was missed reads back as garbage or fails verification).
//
// Expected values are written by hand from the program's meaning; each program also runs in
// the interpreter as a cross-check of the expectation itself.
#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>

#include "gtest/gtest.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"
#include "tests/jit/create_engine.h"

namespace toylang::jit {
namespace {

struct RootsCase {
  const char* name;
  const char* source;
  const char* expected;  // as `write` prints the last form's value
};

// Each program keeps values in the named place while a collection runs, then reads them back.
// Programs allocate after collecting, so freed cells are reused before the values are read.
const RootsCase kCases[] = {
    {"LocalsAndArgumentsAcrossCollect",
     "(define (f a b) (let ((x (list a b))) (collect) (make-vector 10 0) (list x a b)))"
     "(f (list 1 2) (vector 3 (list 4)))",
     "(((1 2) #(3 (4))) (1 2) #(3 (4)))"},
    {"ArgumentsBeyondTheRegisters",
     "(define (g a b c d e f g h) (collect) (make-string 40 #\\z) (list h g a))"
     "(g (list 1) 2 3 4 5 6 (list 7) (list 8 8))",
     "((8 8) (7) (1))"},
    {"RestParameterAcrossCollect",
     "(define (r a . more) (collect) (cons 0 0) (list a more))"
     "(r (list 'a) (list 'b) \"c\" (vector 'd))",
     "((a) ((b) \"c\" #(d)))"},
    {"ClosureCaptures",
     "(define (mk a b) (lambda (c) (collect) (list 9 9 9) (list a b c)))"
     "((mk (list 1 2) \"s\") (vector 3))",
     "((1 2) \"s\" #(3))"},
    {"BoxedVariables",
     "(define (counter) (let ((n (list 0))) (lambda () (set! n (cons (length n) n)) (collect) n)))"
     "(define c (counter)) (c) (c) (list 1 2 3) (c)",
     "(3 2 1 0)"},
    {"FirstArgumentWhileSecondIsComputed",
     // (list 1 2) is computed, then the second argument collects, then list uses both.
     "(define (h) (collect) (make-vector 5 'x) (list 3 4))"
     "(define (k) (list (list 1 2) (h) (string-append \"a\" \"b\")))"
     "(k)",
     "((1 2) (3 4) \"ab\")"},
    {"MidExpressionInlineArithmeticAndCons",
     "(define (h n) (collect) n)"
     "(define (k) (cons (cons 1 2) (+ (h 40) (car (cons 2 '())))))"
     "(k)",
     "((1 . 2) . 42)"},
    {"AllocationSlowPathsInALoop",
     // Under stress every other cons, box and closure takes its helper (a collection).
     "(define (build n acc) (if (= n 0) acc"
     "  (build (- n 1) (cons (let ((b n)) (lambda () (set! b (+ b 1)) b)) acc))))"
     "(define l (build 300 '())) (collect)"
     "(list (length l) ((car l)) ((car (list-tail l 299))))",
     "(300 2 301)"},
    {"DeepNonTailRecursion",
     "(define (down n) (if (= n 0) (begin (collect) '())"
     "  (let ((x (list n))) (let ((r (down (- n 1)))) (cons (car x) r)))))"
     "(define d (down 2000)) (list (length d) (car d) (car (list-tail d 1999)))",
     "(2000 2000 1)"},
    {"TailApplyOfAClosure",
     "(define (t a b) (collect) (list b a))"
     "(define (u x) (apply t x (list (list 'y))))"
     "(u (list 'x))",
     "((y) (x))"},
    {"MapCallsBackIntoJitCode",
     "(define keep (list 'k))"
     "(define (m l) (map (lambda (x) (collect) (cons x keep)) l))"
     "(m (list 1 (list 2) \"3\"))",
     "((1 k) ((2) k) (\"3\" k))"},
    {"ForEachAndVectorMap",
     "(define acc '())"
     "(for-each (lambda (x) (collect) (set! acc (cons (list x) acc))) (list 1 2 3))"
     "(list acc (vector-map (lambda (v) (collect) (vector v)) (vector 'a \"b\")))",
     "(((3) (2) (1)) #(#(a) #(\"b\")))"},
    {"ApplyOfABuiltinAndOfAClosure",
     "(define (p . xs) (collect) (reverse xs))"
     "(list (apply p 1 (list (list 2) \"3\")) (apply + 1 2 (list 3 4)))",
     "((\"3\" (2) 1) 10)"},
    {"KnownCallsAndSelfTailLoops",
     // A let-bound lambda (a known call) and a named-let loop (a self tail call) keep their
     // values across collections.
     "(define (z n) (let ((f (lambda (a) (collect) (list a a))))"
     "  (let loop ((i 0) (acc '())) (if (= i n) (list acc (f (list n)))"
     "    (loop (+ i 1) (cons (vector i) acc))))))"
     "(z 3)",
     "((#(2) #(1) #(0)) ((3) (3)))"},
    {"KnownCalleeWithATailCallInside",
     // f is a known call from a non-tail position, and f tail-calls g, which collects: were f
     // inlined into h, its tail call would lose its statepoint (JIT functions are noinline).
     "(define (g x) (collect) (make-vector 4 0) (list x))"
     "(define (h y) (let ((f (lambda (x) (g x)))) (cons (list 1) (f y))))"
     "(h (list 5))",
     "((1) (5))"},
    {"CalleeFromAnotherFormWithATailCallInside",
     // churn calls build directly (same compilation unit) from a non-tail position, and build
     // tail-calls its named-let loop, which allocates (under stress: collects). Inlined, that
     // tail call would be an ordinary call without a statepoint (tests/programs/gc/survivors).
     "(define (build n) (let loop ((i 0) (acc '())) (if (= i n) acc (loop (+ i 1) (cons i acc)))))"
     "(define (churn k) (let ((a (build k))) (collect) (list (length a) (car a))))"
     "(churn 500)",
     "(500 499)"},
    {"VectorsAndSetCar",
     "(define (w) (let ((v (make-vector 3 '())) (p (cons 1 2)))"
     "  (vector-set! v 0 (list 'a)) (set-car! p (list 'b)) (collect) (cons 0 0)"
     "  (vector-set! v 1 (vector-ref v 0)) (list v p)))"
     "(w)",
     "(#((a) (a) ()) ((b) . 2))"},
};

using Param = std::tuple<RootsMode, const char*, int>;  // roots, gc options, case index

std::unique_ptr<Engine> MakeEngine(EngineKind kind, RootsMode roots, const std::string& gc,
                                   std::ostream* out) {
  EngineOptions options;
  options.roots = roots;
  options.gc_options = gc;
  options.out = out;
  absl::StatusOr<std::unique_ptr<Engine>> engine = CreateEngine(kind, options);
  EXPECT_TRUE(engine.ok()) << engine.status();
  return engine.ok() ? std::move(*engine) : nullptr;
}

std::string RunIn(Engine& engine, const std::string& source) {
  absl::StatusOr<mosaic::Value> v = engine.Eval(source, "roots.scm");
  if (!v.ok()) return "error: " + std::string(v.status().message());
  return engine.Write(*v);
}

class JitRootsTest : public testing::TestWithParam<Param> {};

TEST_P(JitRootsTest, ValuesSurviveCollections) {
  auto [roots, gc, index] = GetParam();
  const RootsCase& c = kCases[index];
  std::ostringstream out;
  std::unique_ptr<Engine> engine = MakeEngine(EngineKind::kJit, roots, gc, &out);
  ASSERT_NE(engine, nullptr);
  uint64_t before = engine->heap().Stats().collections;
  EXPECT_EQ(RunIn(*engine, c.source), c.expected) << c.name;
  EXPECT_GT(engine->heap().Stats().collections, before) << "no collection ran";
}

TEST(JitRootsExpectations, InterpreterAgrees) {
  // The hand-written expectations are checked against the reference engine too.
  for (const RootsCase& c : kCases) {
    std::ostringstream out;
    std::unique_ptr<Engine> engine =
        MakeEngine(EngineKind::kInterp, RootsMode::kConservative, "", &out);
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(RunIn(*engine, c.source), c.expected) << c.name;
  }
}

std::string ParamName(const testing::TestParamInfo<Param>& info) {
  auto [roots, gc, index] = info.param;
  return std::string(kCases[index].name) +
         (roots == RootsMode::kPrecise ? "_Precise" : "_Conservative") +
         (std::string(gc).empty() ? "" : "_Stress");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JitRootsTest,
    testing::Combine(testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                     testing::Values("", "stress=1,verify=1"),
                     testing::Range(0, static_cast<int>(sizeof(kCases) / sizeof(kCases[0])))),
    ParamName);

// tj_poll: a collection requested by another thread stops a loop that allocates nothing (only
// its back-edge poll can park it); the values in the loop's frame must survive, and verify=1
// poisons every cell the collector freed.
class JitPollRootsTest : public testing::TestWithParam<RootsMode> {};

TEST_P(JitPollRootsTest, LoopValuesSurviveCollectionsFromAnotherThread) {
  std::ostringstream out;
  std::unique_ptr<Engine> engine = MakeEngine(EngineKind::kJit, GetParam(), "verify=1", &out);
  ASSERT_NE(engine, nullptr);
  mosaic::Heap& heap = engine->heap();
  uint64_t before = heap.Stats().collections;
  std::atomic<bool> done{false};
  std::thread collector([&] {
    ASSERT_TRUE(heap.RegisterCurrentThread().ok());
    // A pause now and then, not back to back: back to back, the loop would park at almost
    // every back-edge and take minutes on a loaded machine.
    while (!done.load()) {
      heap.Collect();
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    ASSERT_TRUE(heap.UnregisterCurrentThread().ok());
  });
  // keep is only in the loops' frames (an argument carried around the back-edges); the
  // garbage made before the loop gives the collector something to free and poison. The outer
  // loop runs chunks of the allocation-free inner loop until a collection has happened (the
  // other thread's, at a poll; gc-stats allocates too, but rarely enough to collect), at most
  // 2000 chunks.
  std::string r = RunIn(*engine,
                        "(define (spin n keep) (if (eq? n 0) keep (spin (- n 1) keep)))"
                        "(define (collections) (cdr (assq 'collections (gc-stats))))"
                        "(define (go)"
                        "  (let ((k (list (vector 1 2) \"x\" (list 3))) (c0 (collections)))"
                        "  (make-vector 100 0)"
                        "  (let loop ((i 0) (k k))"
                        "    (if (or (> (collections) c0) (= i 2000)) (list k (> (collections) c0))"
                        "        (loop (+ i 1) (spin 100000 k))))))"
                        "(go)");
  {
    // The collector may be waiting for this thread to reach a safepoint: blocking in join
    // without a native region would deadlock.
    mosaic::NativeScope native;
    done.store(true);
    collector.join();
  }
  EXPECT_EQ(r, "((#(1 2) \"x\" (3)) #t)");
  EXPECT_GT(heap.Stats().collections, before);
}

INSTANTIATE_TEST_SUITE_P(Modes, JitPollRootsTest,
                         testing::Values(RootsMode::kPrecise, RootsMode::kConservative),
                         [](const testing::TestParamInfo<RootsMode>& info) {
                           return info.param == RootsMode::kPrecise ? "Precise" : "Conservative";
                         });

}  // namespace
}  // namespace toylang::jit
