// toylang's threads in both engines (frontend/builtins/threads.cc, jit/thread_state.h): output
// that never interleaves inside one display, other threads' JIT frames walked with stack maps,
// an interrupt that stops every thread (also two threads deadlocked on two hash tables), and
// an engine destroyed while threads still run or wait. The golden programs of
// tests/programs/threads/ cover the language itself.
#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"
#include "mosaic/heap.h"
#include "tests/jit/create_engine.h"

namespace toylang::jit {
namespace {

struct Config {
  EngineKind kind;
  RootsMode roots;
  const char* name;
};

class ThreadsTest : public testing::TestWithParam<Config> {
 protected:
  std::unique_ptr<Engine> NewEngine(std::ostream* out, const std::string& gc_options = "") {
    EngineOptions options;
    options.roots = GetParam().roots;
    options.gc_options = gc_options;
    options.out = out;
    absl::StatusOr<std::unique_ptr<Engine>> engine = CreateEngine(GetParam().kind, options);
    EXPECT_TRUE(engine.ok()) << engine.status();
    return engine.ok() ? std::move(*engine) : nullptr;
  }
};

// Four threads each display one 100-character line (its newline inside the same string) 300
// times: every line of the output is whole.
TEST_P(ThreadsTest, DisplayNeverInterleavesInsideOneCall) {
  std::ostringstream out;
  std::unique_ptr<Engine> engine = NewEngine(&out);
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<mosaic::Value> v = engine->Eval(R"(
    (define (line c) (string-append (make-string 99 c) "\n"))
    (define (printer c)
      (lambda () (let ((s (line c))) (do ((i 0 (+ i 1))) ((= i 300) 'ok) (display s)))))
    (map thread-join! (map (lambda (c) (thread-start! (make-thread (printer c))))
                           (list #\a #\b #\c #\d)))
  )", "display.scm");
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(engine->Write(*v), "(ok ok ok ok)");
  std::map<std::string, int> lines;
  std::istringstream in(out.str());
  for (std::string l; std::getline(in, l);) ++lines[l];
  ASSERT_EQ(lines.size(), 4u) << "some line was interleaved with another";
  for (char c : std::string("abcd")) EXPECT_EQ(lines[std::string(99, c)], 300);
}

// A thread 300 calls deep in toylang code blocks on a mutex the main thread holds; the main
// thread collects. With --roots=precise the collector walks the blocked thread's JIT frames
// through their stack maps (jit_frames_visited counts them); the values the frames hold
// survive in every mode.
TEST_P(ThreadsTest, AnotherThreadsFramesAreRootsWhileItBlocks) {
  std::ostringstream out;
  std::unique_ptr<Engine> engine = NewEngine(&out, "verify=1");
  ASSERT_NE(engine, nullptr);
  absl::StatusOr<mosaic::Value> v = engine->Eval(R"(
    (define m (make-mutex))
    (define entered (make-atomic-box 0))
    (define (deep n)
      (if (= n 0)
          (begin (atomic-box-set! entered 1) (mutex-lock! m) (mutex-unlock! m) '())
          (let ((mine (list n (make-string 3 #\x))))
            (let ((rest (deep (- n 1))))
              (cons (car mine) rest)))))
    (mutex-lock! m)
    (define t (thread-start! (make-thread (lambda () (length (deep 300))))))
    (let wait () (when (= (atomic-box-ref entered) 0) (thread-yield!) (wait)))
    (thread-sleep! 0.01)
    (collect)
    (collect)
    (define frames (cdr (assq 'jit-frames-visited (gc-stats))))
    (mutex-unlock! m)
    (list (thread-join! t) frames)
  )", "frames.scm");
  ASSERT_TRUE(v.ok()) << v.status();
  std::string result = engine->Write(*v);
  ASSERT_EQ(result.rfind("(300 ", 0), 0u) << result;
  long frames = std::stol(result.substr(5));
  if (GetParam().kind == EngineKind::kJit && GetParam().roots == RootsMode::kPrecise) {
    // Two collections, each through the 300 frames of `deep` (the main thread has a few).
    EXPECT_GE(frames, 2 * 300) << "the blocked thread's JIT frames were not walked";
  }
}

// RequestInterrupt stops every thread: the main thread's join and the spinning threads.
TEST_P(ThreadsTest, InterruptStopsEveryThread) {
  std::ostringstream out;
  std::unique_ptr<Engine> engine = NewEngine(&out);
  ASSERT_NE(engine, nullptr);
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    // Once the three spinners run (with the main thread, four mutators): an interrupt before
    // `spinners` is defined would stop the program too early.
    while (engine->heap().RegisteredThreadCount() < 4 && !done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    while (!done.load()) {
      engine->RequestInterrupt();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  absl::StatusOr<mosaic::Value> v = engine->Eval(R"(
    (define (spin) (let loop ((i 0)) (loop (+ i 1))))
    (define spinners (map (lambda (i) (thread-start! (make-thread spin))) '(1 2 3)))
    (map thread-join! spinners)
  )", "spin.scm");
  done.store(true);
  {
    mosaic::NativeScope native;  // the engine's threads may still collect
    interrupter.join();
  }
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("interrupted"), std::string::npos) << v.status();
  // Every spinner was interrupted too: joining one reports it. (The first spinner may have
  // been joined already: the main thread's join may have seen it end before the interrupt.)
  absl::StatusOr<mosaic::Value> joined = engine->Eval(R"(
    (thread-join! (cadr spinners))
  )", "join.scm");
  ASSERT_FALSE(joined.ok());
  EXPECT_NE(joined.status().message().find("interrupted"), std::string::npos) << joined.status();
  // The engine is usable again.
  absl::StatusOr<mosaic::Value> after = engine->Eval(
      "(thread-join! (thread-start! (make-thread (lambda () (+ 1 2)))))", "after.scm");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(engine->Write(*after), "3");
}

// A std::streambuf whose text another thread may read while the engine writes it.
class SharedBuf : public std::streambuf {
 public:
  size_t Count(const std::string& needle) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t n = 0;
    for (size_t at = text_.find(needle); at != std::string::npos; at = text_.find(needle, at + 1)) {
      ++n;
    }
    return n;
  }

 protected:
  int overflow(int c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    std::lock_guard<std::mutex> lock(mu_);
    text_.push_back(static_cast<char>(c));
    return c;
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    std::lock_guard<std::mutex> lock(mu_);
    text_.append(s, static_cast<size_t>(n));
    return n;
  }

 private:
  std::mutex mu_;
  std::string text_;
};

// Two threads whose hashtable-update! procedures take two tables in opposite orders wait for
// each other for ever (docs/design/threads.md, "Hash tables"); an interrupt ends the deadlock,
// and the tables' locks are released by the unwinding, so the tables work afterwards. (The
// thread that notices the interrupt first unwinds and releases its table; the other may then
// take it and finish before it reaches a point where it looks at the flag: either may be the
// one interrupted.)
TEST_P(ThreadsTest, InterruptEndsADeadlockOnTwoHashTables) {
  SharedBuf buf;
  std::ostream out(&buf);
  std::unique_ptr<Engine> engine = NewEngine(&out);
  ASSERT_NE(engine, nullptr);
  std::atomic<bool> done{false};
  std::thread interrupter([&] {
    // Once both threads hold their first table and go for the other (each says so first).
    while (buf.Count("going-for-the-other") < 2 && !done.load()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    while (!done.load()) {
      engine->RequestInterrupt();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  absl::StatusOr<mosaic::Value> v = engine->Eval(R"(
    (define a (make-eq-hashtable))
    (define b (make-eq-hashtable))
    (define holding (make-atomic-box 0))
    (define (hold-then table other)
      (hashtable-update! table 'k
        (lambda (v)
          (let retry ()
            (let ((old (atomic-box-ref holding)))
              (if (not (atomic-box-compare-and-set! holding old (+ old 1))) (retry))))
          (let wait () (if (< (atomic-box-ref holding) 2) (begin (thread-yield!) (wait))))
          (display "going-for-the-other
")
          (hashtable-set! other 'x 1)
          v)
        0))
    (define t (thread-start! (make-thread (lambda () (hold-then a b)))))
    (hold-then b a)
  )", "deadlock.scm");
  done.store(true);
  {
    mosaic::NativeScope native;  // the engine's threads may still collect
    interrupter.join();
  }
  EXPECT_EQ(buf.Count("going-for-the-other"), 2u);
  absl::StatusOr<mosaic::Value> joined = engine->Eval("(thread-join! t)", "join.scm");
  // At least one of the two was interrupted; whichever failed, failed that way.
  EXPECT_FALSE(v.ok() && joined.ok());
  for (const absl::StatusOr<mosaic::Value>* r : {&v, &joined}) {
    if (!r->ok()) {
      EXPECT_NE(r->status().message().find("interrupted"), std::string::npos) << r->status();
    }
  }
  absl::StatusOr<mosaic::Value> after = engine->Eval(R"(
    (thread-join! (thread-start! (make-thread (lambda () (hashtable-set! a 'y 2)))))
    (hashtable-set! b 'y 3)
    (list (hashtable-ref a 'y #f) (hashtable-ref b 'y #f))
  )", "after.scm");
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(engine->Write(*after), "(2 3)");
}

// Destroying the engine while its threads still run, wait for a mutex or sleep stops them
// first; nothing crashes and the heap goes with no thread left registered.
TEST_P(ThreadsTest, EngineDestroyedWhileThreadsRunAndWait) {
  for (int round = 0; round < 3; ++round) {
    std::ostringstream out;
    std::unique_ptr<Engine> engine = NewEngine(&out);
    ASSERT_NE(engine, nullptr);
    absl::StatusOr<mosaic::Value> v = engine->Eval(R"(
      (define m (make-mutex))
      (mutex-lock! m)
      (define (churn l) (churn (cons 1 (if (pair? l) (cdr l) l))))
      (thread-start! (make-thread (lambda () (churn '()))))
      (thread-start! (make-thread (lambda () (mutex-lock! m))))
      (thread-start! (make-thread (lambda () (thread-sleep! 1000))))
      (thread-start! (make-thread (lambda () (car 1))))
      (thread-sleep! 0.02)
      'started
    )", "running.scm");
    ASSERT_TRUE(v.ok()) << v.status();
    EXPECT_GE(engine->heap().RegisteredThreadCount(), 2u);
    engine.reset();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, ThreadsTest,
                         testing::Values(Config{EngineKind::kInterp, RootsMode::kConservative,
                                                "Interp"},
                                         Config{EngineKind::kJit, RootsMode::kPrecise,
                                                "JitPrecise"},
                                         Config{EngineKind::kJit, RootsMode::kConservative,
                                                "JitConservative"}),
                         [](const testing::TestParamInfo<Config>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace toylang::jit
