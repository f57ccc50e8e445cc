#include "examples/toylang/repl.h"

#include <histedit.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "examples/toylang/interrupt.h"
#include "mosaic/heap.h"

#if defined(MOSAIC_SANITIZER_address)
#include <sanitizer/lsan_interface.h>
#endif

namespace toylang {
namespace {

constexpr char kPrompt[] = "toylang> ";
constexpr char kContinuationPrompt[] = "....... ";
constexpr char kReplFile[] = "<repl>";

// Abseil's string helpers take absl::string_view, which Debian's build does not alias to
// std::string_view; trimming is simple enough to do here.
std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t\r\n\f\v";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

enum class ReadResult { kLine, kEof, kCancel };

// Where the REPL's lines come from.
class LineSource {
 public:
  virtual ~LineSource() = default;
  virtual ReadResult Read(bool continuation, std::string& line) = 0;
  // Records a complete entry (possibly several lines) in the history.
  virtual void Remember(const std::string& entry) {}
  virtual bool interactive() const = 0;
};

class StreamLineSource : public LineSource {
 public:
  ReadResult Read(bool, std::string& line) override {
    if (!std::getline(std::cin, line)) return ReadResult::kEof;
    return ReadResult::kLine;
  }
  bool interactive() const override { return false; }
};

// libedit through its native interface (<histedit.h>). Ctrl-C at the prompt must clear the line,
// not kill the process: the terminal's ISIG is turned off while editing, so Ctrl-C arrives as a
// key bound to Cancel(); while an evaluation runs the terminal is back in its normal mode and
// Ctrl-C is a SIGINT that interrupts the engine.
class EditLineSource : public LineSource {
 public:
  EditLineSource() {
    el_ = el_init("toylang", stdin, stdout, stderr);
    history_ = history_init();
    HistEvent event;
    history(history_, &event, H_SETSIZE, 1000);
    history(history_, &event, H_SETUNIQUE, 1);
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
      history_path_ = std::string(home) + "/.toylang_history";
      // A missing or unreadable history file is not an error: start with an empty history.
      history(history_, &event, H_LOAD, history_path_.c_str());
    }
    el_set(el_, EL_CLIENTDATA, this);
    el_set(el_, EL_PROMPT, &EditLineSource::Prompt);
    el_set(el_, EL_EDITOR, "emacs");
    el_set(el_, EL_HIST, history, history_);
    {
#if defined(MOSAIC_SANITIZER_address)
      // libedit's narrow el_set(EL_ADDFN) copies both strings with wcsdup and never frees them;
      // that is its leak, not ours, and LeakSanitizer would fail every REPL session.
      __lsan::ScopedDisabler libedit_leaks_these;
#endif
      el_set(el_, EL_ADDFN, "toylang-cancel", "discard the line being typed", &Cancel);
    }
    el_set(el_, EL_BIND, "^C", "toylang-cancel", nullptr);
    el_set(el_, EL_SETTY, "-d", "-isig", nullptr);
    el_source(el_, nullptr);  // the user's ~/.editrc, if any
  }

  ~EditLineSource() override {
    if (!history_path_.empty()) {
      HistEvent event;
      history(history_, &event, H_SAVE, history_path_.c_str());  // fails silently
    }
    el_end(el_);
    history_end(history_);
  }

  ReadResult Read(bool continuation, std::string& line) override {
    continuation_ = continuation;
    cancelled_ = false;
    ClearPendingInterrupt();
    std::cout.flush();
    int count = 0;
    const char* text = el_gets(el_, &count);
    if (cancelled_) {
      std::fputs("\n", stdout);
      return ReadResult::kCancel;
    }
    if (text == nullptr || count <= 0) return ReadResult::kEof;
    line.assign(text, static_cast<size_t>(count));
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return ReadResult::kLine;
  }

  void Remember(const std::string& entry) override {
    std::string trimmed(Trim(entry));
    if (trimmed.empty()) return;
    HistEvent event;
    history(history_, &event, H_ENTER, trimmed.c_str());
  }

  bool interactive() const override { return true; }

 private:
  static EditLineSource* Self(EditLine* el) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<EditLineSource*>(data);
  }
  static char* Prompt(EditLine* el) {
    return const_cast<char*>(Self(el)->continuation_ ? kContinuationPrompt : kPrompt);
  }
  static unsigned char Cancel(EditLine* el, int) {
    Self(el)->cancelled_ = true;
    // Returning end-of-file makes el_gets return at once; Read() tells the two apart.
    return CC_EOF;
  }

  EditLine* el_ = nullptr;
  History* history_ = nullptr;
  std::string history_path_;
  bool continuation_ = false;
  bool cancelled_ = false;
};

std::string FormatBytes(uint64_t bytes) {
  if (bytes >= (uint64_t{10} << 20)) return absl::StrFormat("%.1f MiB", bytes / 1048576.0);
  if (bytes >= (uint64_t{10} << 10)) return absl::StrFormat("%.1f KiB", bytes / 1024.0);
  return absl::StrFormat("%d bytes", bytes);
}

double Millis(uint64_t ns) { return static_cast<double>(ns) / 1e6; }

class Repl {
 public:
  Repl(Engine& engine, LineSource& source) : engine_(engine), source_(source) {}

  int Run() {
    if (source_.interactive()) {
      std::cout << "toylang REPL. Type ,help for commands, Ctrl-D to exit.\n";
    }
    std::string buffer;
    std::string line;
    while (true) {
      ReadResult result = source_.Read(!buffer.empty(), line);
      if (result == ReadResult::kCancel) {
        buffer.clear();
        continue;
      }
      if (result == ReadResult::kEof) {
        if (!buffer.empty()) {
          // The input ended inside an open form: report it like any other error.
          Evaluate(buffer, /*final=*/true);
        }
        if (source_.interactive()) std::cout << "\n";
        break;
      }
      if (buffer.empty()) {
        std::string_view trimmed = Trim(line);
        if (trimmed.empty()) continue;
        if (trimmed.front() == ',') {
          source_.Remember(std::string(trimmed));
          if (!Command(trimmed)) break;
          if (exit_code_.has_value()) break;
          continue;
        }
      }
      buffer += line;
      buffer += '\n';
      if (Evaluate(buffer, /*final=*/false)) buffer.clear();
      if (exit_code_.has_value()) break;
    }
    std::cout.flush();
    if (exit_code_.has_value()) return *exit_code_;
    return !source_.interactive() && had_error_ ? 1 : 0;
  }

 private:
  // Evaluates `buffer`. Returns false when it is incomplete and more lines should follow
  // (unless `final`, when the incompleteness is reported as an error).
  bool Evaluate(const std::string& buffer, bool final) {
    absl::StatusOr<mosaic::Value> value = EvalInterruptibly(buffer);
    if (!value.ok() && value.status().code() == absl::StatusCode::kOutOfRange && !final) {
      return false;
    }
    source_.Remember(buffer);
    Report(value);
    return true;
  }

  absl::StatusOr<mosaic::Value> EvalInterruptibly(std::string_view source) {
    std::cout.flush();
    EvaluationScope running;
    absl::StatusOr<mosaic::Value> value = engine_.Eval(source, kReplFile);
    if (running.interrupted() && source_.interactive()) std::cout << "\n";
    return value;
  }

  // Prints a value (with write, unless unspecified) or an error. Returns whether it was a value.
  bool Report(const absl::StatusOr<mosaic::Value>& value) {
    if (value.ok()) {
      if (!value->IsUnspecified()) std::cout << engine_.Write(*value) << "\n";
      return true;
    }
    if (value.status().code() == absl::StatusCode::kCancelled) {
      exit_code_ = engine_.ExitCode();
      return false;
    }
    had_error_ = true;
    std::cout.flush();
    std::cerr << value.status().message() << std::endl;
    return false;
  }

  // Runs a ,command. Returns false to leave the REPL.
  bool Command(std::string_view text) {
    std::string_view name = text;
    std::string_view argument;
    if (size_t space = text.find_first_of(" \t"); space != std::string_view::npos) {
      name = text.substr(0, space);
      argument = Trim(text.substr(space));
    }
    if (name == ",quit" || name == ",q") return false;
    if (name == ",help" || name == ",h") {
      std::cout << "Enter toylang expressions; results are printed with write.\n"
                   "  ,help       this text\n"
                   "  ,gc         collect now and print a one-line summary\n"
                   "  ,stats      the collector's statistics\n"
                   "  ,time EXPR  evaluate EXPR, print its value, the time and the collections\n"
                   "  ,quit       leave (so does Ctrl-D or (exit))\n"
                   "Ctrl-C interrupts a running evaluation, or clears the line being typed.\n";
    } else if (name == ",gc") {
      mosaic::Heap& heap = engine_.heap();
      heap.Collect();
      mosaic::GcStats stats = heap.Stats();
      std::cout << absl::StrFormat("; gc #%d: live %s, committed %s, pause %.3f ms\n",
                                   stats.collections, FormatBytes(stats.live_bytes),
                                   FormatBytes(stats.committed_bytes),
                                   Millis(stats.last_pause_ns));
    } else if (name == ",stats") {
      std::cout << engine_.heap().Stats().ToText();
      std::cout.flush();
    } else if (name == ",time") {
      Time(argument);
    } else {
      had_error_ = true;
      std::cerr << "unknown command " << name << " (try ,help)" << std::endl;
    }
    return true;
  }

  void Time(std::string_view expression) {
    if (expression.empty()) {
      had_error_ = true;
      std::cerr << ",time: expected an expression" << std::endl;
      return;
    }
    mosaic::GcStats before = engine_.heap().Stats();
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<mosaic::Value> value = EvalInterruptibly(expression);
    auto elapsed = std::chrono::steady_clock::now() - start;
    mosaic::GcStats after = engine_.heap().Stats();
    if (!value.ok() && value.status().code() == absl::StatusCode::kOutOfRange) {
      had_error_ = true;
      std::cerr << value.status().message() << std::endl;
      return;
    }
    if (!Report(value) && exit_code_.has_value()) return;
    double ms = std::chrono::duration<double, std::milli>(elapsed).count();
    std::cout << absl::StrFormat("; %.3f ms, %d collections, %.3f ms paused\n", ms,
                                 after.collections - before.collections,
                                 Millis(after.total_pause_ns - before.total_pause_ns));
  }

  Engine& engine_;
  LineSource& source_;
  bool had_error_ = false;
  std::optional<int> exit_code_;
};

}  // namespace

int RunRepl(Engine& engine) {
  std::unique_ptr<LineSource> source;
  if (isatty(STDIN_FILENO)) {
    source = std::make_unique<EditLineSource>();
    InstallSigintHandler(&engine, IdleSigint::kIgnore);
  } else {
    source = std::make_unique<StreamLineSource>();
    InstallSigintHandler(&engine, IdleSigint::kExit);
  }
  Repl repl(engine, *source);
  return repl.Run();
}

}  // namespace toylang
