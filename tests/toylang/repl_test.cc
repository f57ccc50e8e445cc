// Drives the toylang REPL through a pseudo-terminal, as a person would: definitions, an error
// that leaves the definitions intact, Ctrl-C interrupting an endless loop and clearing a line,
// continuation lines, and Ctrl-D ending the session with status 0; and a session with a thread
// running in the background (ReplThreadsTest).
//
// Reads wait for an expected piece of text with a generous deadline; nothing asserts how long
// anything took.
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "gtest/gtest.h"

#ifndef TOYLANG_BINARY
#error "TOYLANG_BINARY must name the toylang program"
#endif

namespace toylang {
namespace {

constexpr auto kDeadline = std::chrono::seconds(60);

class PtySession {
 public:
  PtySession() = default;
  PtySession(const PtySession&) = delete;
  PtySession& operator=(const PtySession&) = delete;
  ~PtySession() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (fd_ >= 0) close(fd_);
  }

  // Starts toylang in a new pseudo-terminal with HOME pointing at a scratch directory (for the
  // history file), with `flag` (e.g. "--engine=interp") when it is not empty.
  void Start(const std::string& home, const std::string& flag = "") {
    struct winsize size = {};
    size.ws_row = 40;
    size.ws_col = 200;  // wide, so libedit does not wrap the lines we look for
    pid_ = forkpty(&fd_, nullptr, nullptr, &size);
    ASSERT_GE(pid_, 0) << "forkpty: " << strerror(errno);
    if (pid_ == 0) {
      setenv("HOME", home.c_str(), 1);
      setenv("TERM", "xterm", 1);
      unsetenv("MOSAIC_GC_OPTIONS");
      if (flag.empty()) {
        execl(TOYLANG_BINARY, TOYLANG_BINARY, static_cast<char*>(nullptr));
      } else {
        execl(TOYLANG_BINARY, TOYLANG_BINARY, flag.c_str(), static_cast<char*>(nullptr));
      }
      _exit(127);
    }
  }

  // Waits a moment first: a prompt is drawn just before libedit (re)enters edit mode, and a key
  // that lands in between is read in the terminal's normal mode (Ctrl-C as a signal, Ctrl-D as
  // a cooked end-of-file). A wait, not an assertion about speed.
  void Send(const std::string& text) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    ASSERT_EQ(write(fd_, text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }

  // Reads until `needle` appears in the output after the current position, then moves the
  // position past it. False if the deadline passes or the child closes the terminal first.
  bool WaitFor(const std::string& needle) {
    auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (true) {
      size_t at = output_.find(needle, position_);
      if (at != std::string::npos) {
        position_ = at + needle.size();
        return true;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      struct pollfd p = {fd_, POLLIN, 0};
      int ready = poll(&p, 1, static_cast<int>(left.count()));
      if (ready <= 0) continue;
      char buffer[4096];
      ssize_t n = read(fd_, buffer, sizeof(buffer));
      if (n <= 0) return false;  // EIO: the child closed the terminal
      output_.append(buffer, static_cast<size_t>(n));
    }
  }

  // The output seen since `from` (for assertions about what did not appear).
  std::string OutputSince(size_t from) const { return output_.substr(from); }
  size_t position() const { return position_; }
  const std::string& output() const { return output_; }

  // Waits for the child to exit and returns its wait status; drains the terminal meanwhile so
  // that the child never blocks writing.
  int WaitForExit() {
    auto deadline = std::chrono::steady_clock::now() + kDeadline;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      pid_t done = waitpid(pid_, &status, WNOHANG);
      if (done == pid_) {
        pid_ = -1;
        return status;
      }
      struct pollfd p = {fd_, POLLIN, 0};
      if (poll(&p, 1, 100) > 0) {
        char buffer[4096];
        ssize_t n = read(fd_, buffer, sizeof(buffer));
        if (n > 0) output_.append(buffer, static_cast<size_t>(n));
      }
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int fd_ = -1;
  std::string output_;
  size_t position_ = 0;
};

std::string MakeScratchHome() {
  char pattern[] = "/tmp/toylang-repl-test-XXXXXX";
  const char* dir = mkdtemp(pattern);
  return dir != nullptr ? dir : "/nonexistent";
}

TEST(ReplTest, DefinitionsSurviveErrorsAndInterrupts) {
  PtySession repl;
  std::string home = MakeScratchHome();
  ASSERT_NO_FATAL_FAILURE(repl.Start(home));
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  repl.Send("(define (sq x) (* x x))\r");
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("(sq 12)\r");
  ASSERT_TRUE(repl.WaitFor("144")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  // An error is reported with its <repl> position and the session carries on.
  repl.Send("(car 5)\r");
  ASSERT_TRUE(repl.WaitFor("<repl>:1:1: car: expected a pair, got 5")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("(sq 7)\r");
  ASSERT_TRUE(repl.WaitFor("49")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  // An endless loop, interrupted by Ctrl-C.
  repl.Send("(define (spin n) (spin (+ n 1)))\r");
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("(spin 0)\r");
  ASSERT_TRUE(repl.WaitFor("(spin 0)\r\n")) << repl.output();
  // Let the loop get going, so that the interrupt meets a running evaluation (a Ctrl-C that
  // arrives between the line and the evaluation is kept pending and works too). A wait, not
  // an assertion about speed.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  repl.Send("\x03");
  ASSERT_TRUE(repl.WaitFor("interrupted")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("(sq 3)\r");
  ASSERT_TRUE(repl.WaitFor("9")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  // Ctrl-C at the prompt discards the line being typed. Give libedit a moment after drawing
  // the prompt to switch the terminal to edit mode (where Ctrl-C is a key, not a signal); on a
  // loaded machine a Ctrl-C typed within that window arrives as SIGINT and is only remembered
  // for the next evaluation. A wait, not an assertion about speed.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  repl.Send("(sq 1000");
  ASSERT_TRUE(repl.WaitFor("(sq 1000")) << repl.output();
  repl.Send("\x03");
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  size_t before = repl.position();
  repl.Send("(sq 4)\r");
  ASSERT_TRUE(repl.WaitFor("16")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  EXPECT_EQ(repl.OutputSince(before).find("1000000"), std::string::npos) << repl.output();

  // An incomplete expression continues on the next line.
  repl.Send("(sq\r");
  ASSERT_TRUE(repl.WaitFor("....... ")) << repl.output();
  repl.Send("5)\r");
  ASSERT_TRUE(repl.WaitFor("25")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  // Ctrl-D leaves with status 0.
  repl.Send("\x04");
  int status = repl.WaitForExit();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "\n" << repl.output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << repl.output();

  // The entries were saved in the history file (libedit's format encodes spaces and newlines
  // as octal escapes), a multi-line entry as one.
  std::string history_path = home + "/.toylang_history";
  std::ifstream history(history_path);
  ASSERT_TRUE(history.good()) << "no " << history_path;
  std::stringstream text;
  text << history.rdbuf();
  EXPECT_NE(text.str().find("(sq\\04012)"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("(sq\\0125)"), std::string::npos) << text.str();
  unlink(history_path.c_str());
  rmdir(home.c_str());
}

TEST(ReplTest, UnwritableHistoryIsNotAnError) {
  PtySession repl;
  ASSERT_NO_FATAL_FAILURE(repl.Start("/nonexistent/home"));
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("(+ 20 22)\r");
  ASSERT_TRUE(repl.WaitFor("42")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("\x04");
  int status = repl.WaitForExit();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "\n" << repl.output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << repl.output();
}

TEST(ReplTest, CommandsWork) {
  PtySession repl;
  ASSERT_NO_FATAL_FAILURE(repl.Start("/nonexistent/home"));
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send(",help\r");
  ASSERT_TRUE(repl.WaitFor(",time EXPR")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send(",gc\r");
  ASSERT_TRUE(repl.WaitFor("; gc #")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send(",time (+ 40 2)\r");
  ASSERT_TRUE(repl.WaitFor("42")) << repl.output();
  ASSERT_TRUE(repl.WaitFor(" ms, ")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("collections")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send(",stats\r");
  ASSERT_TRUE(repl.WaitFor("collections")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send(",quit\r");
  int status = repl.WaitForExit();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "\n" << repl.output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << repl.output();
}

TEST(ReplTest, ExitProcedureSetsStatus) {
  PtySession repl;
  ASSERT_NO_FATAL_FAILURE(repl.Start("/nonexistent/home"));
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("(exit 7)\r");
  int status = repl.WaitForExit();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "\n" << repl.output();
  EXPECT_EQ(WEXITSTATUS(status), 7) << repl.output();
}

// A REPL session with a thread that keeps running in the background (bumping an atomic counter
// and allocating): the REPL answers further entries, collects, survives another thread's
// error, and gets back to its prompt after a Ctrl-C that stops its own loop and the background
// thread; then leaves with status 0 while yet another thread runs. Each engine the build has:
// the default one (the JIT when built) and the interpreter.
class ReplThreadsTest : public testing::TestWithParam<const char*> {};

TEST_P(ReplThreadsTest, BackgroundThreadsLeaveTheReplUsable) {
  PtySession repl;
  ASSERT_NO_FATAL_FAILURE(repl.Start("/nonexistent/home", GetParam()));
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  auto enter = [&repl](const std::string& line) {
    repl.Send(line + "\r");
    return repl.WaitFor(line + "\r\n");  // the echo: what follows is the answer
  };
  auto answer = [&repl](const std::string& text) {
    return repl.WaitFor(text + "\r\n") && repl.WaitFor("toylang> ");
  };

  ASSERT_TRUE(enter("(define counter (make-atomic-box 0))")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(define (bump!) (let retry () (let ((old (atomic-box-ref counter))) "
                    "(if (not (atomic-box-compare-and-set! counter old (+ old 1))) (retry)))))"))
      << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  // Returns once the counter has moved by 100 from where it was: the background thread runs.
  ASSERT_TRUE(enter("(define (await-bumps) (let ((from (atomic-box-ref counter))) "
                    "(let wait () (if (< (atomic-box-ref counter) (+ from 100)) "
                    "(begin (thread-yield!) (wait)) 'counter-moved))))"))
      << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(define bg (thread-start! (make-thread (lambda () "
                    "(let loop ((junk '())) (bump!) (loop (list (make-vector 8 0))))))))"))
      << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(await-bumps)")) << repl.output();
  ASSERT_TRUE(answer("counter-moved")) << repl.output();

  // Further entries answer while the thread runs.
  ASSERT_TRUE(enter("(define (sq x) (* x x))")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(map sq (list 11 12 13))")) << repl.output();
  ASSERT_TRUE(answer("(121 144 169)")) << repl.output();

  // A collection with the thread running; the thread carries on after it.
  ASSERT_TRUE(enter("(begin (collect) (collect) (vector-length (make-vector 1000 'x)))"))
      << repl.output();
  ASSERT_TRUE(answer("1000")) << repl.output();
  ASSERT_TRUE(enter(",gc")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("; gc #")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(await-bumps)")) << repl.output();
  ASSERT_TRUE(answer("counter-moved")) << repl.output();

  // A thread that fails in the background: nothing is printed and the REPL carries on; joining
  // it raises its error, with its position inside the thread.
  size_t before_error = repl.position();
  ASSERT_TRUE(enter("(define reached (make-atomic-box #f))")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(define bad (thread-start! (make-thread (lambda () "
                    "(atomic-box-set! reached #t) (vector-ref (vector 1 2) 7)))))"))
      << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(let wait () (if (atomic-box-ref reached) (sq 25) (wait)))"))
      << repl.output();
  ASSERT_TRUE(answer("625")) << repl.output();
  ASSERT_TRUE(enter("(await-bumps)")) << repl.output();
  ASSERT_TRUE(answer("counter-moved")) << repl.output();
  EXPECT_EQ(repl.OutputSince(before_error).find("out of range"), std::string::npos)
      << repl.output();
  ASSERT_TRUE(enter("(thread-join! bad)")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("<repl>:1:")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("vector-ref: index 7 out of range")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  // Ctrl-C while the background thread and a foreground loop run: the loop stops, the prompt
  // comes back, and the background thread was stopped too (joining it says so).
  ASSERT_TRUE(enter("(define (spin n) (spin (+ n 1)))")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(spin 0)")) << repl.output();
  // Let the loop get going (a wait, not an assertion about speed; see above).
  std::this_thread::sleep_for(std::chrono::seconds(1));
  repl.Send("\x03");
  ASSERT_TRUE(repl.WaitFor("interrupted")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  ASSERT_TRUE(enter("(sq 9)")) << repl.output();
  ASSERT_TRUE(answer("81")) << repl.output();
  ASSERT_TRUE(enter("(thread-join! bg)")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("interrupted")) << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();

  // New threads work after the interrupt.
  ASSERT_TRUE(enter("(thread-join! (thread-start! (make-thread (lambda () (sq 31)))))"))
      << repl.output();
  ASSERT_TRUE(answer("961")) << repl.output();

  // Leaving with a thread still running (sleeping in a loop): status 0.
  ASSERT_TRUE(enter("(define sleeper (thread-start! (make-thread (lambda () "
                    "(let loop () (thread-sleep! 0.01) (loop))))))"))
      << repl.output();
  ASSERT_TRUE(repl.WaitFor("toylang> ")) << repl.output();
  repl.Send("\x04");
  int status = repl.WaitForExit();
  ASSERT_TRUE(WIFEXITED(status)) << "wait status " << status << "\n" << repl.output();
  EXPECT_EQ(WEXITSTATUS(status), 0) << repl.output();
}

INSTANTIATE_TEST_SUITE_P(Engines, ReplThreadsTest, testing::Values("", "--engine=interp"),
                         [](const testing::TestParamInfo<const char*>& info) {
                           return std::string(info.param[0] == '\0' ? "DefaultEngine"
                                                                      : "Interpreter");
                         });

}  // namespace
}  // namespace toylang
