// Source positions and the one error type of the toylang pipeline and its engines.
//
// Every phase (reader, expander, analysis, the engines, built-ins) reports a user's mistake by
// throwing toylang::Error; the evaluation pipeline behind Engine::Eval
// (frontend/engine/pipeline.h) catches it and turns it into an absl::Status whose message is
// Error::Format():
//
//   throw toylang::Error("car: expected a pair, got 42", pos);
//   ...
//   catch (toylang::Error& e) { e.SetPosIfMissing(call_site); return Status(e.Format()); }
#ifndef TOYLANG_FRONTEND_COMMON_ERROR_H_
#define TOYLANG_FRONTEND_COMMON_ERROR_H_

#include <exception>
#include <string>
#include <string_view>

namespace toylang {

// A position in a source file; line and col are 1-based. `file` comes from InternFileName, so
// positions are cheap to copy and compare by pointer.
struct SourcePos {
  const std::string* file = nullptr;
  int line = 0;
  int col = 0;
};

class Error : public std::exception {
 public:
  explicit Error(std::string message, SourcePos pos = {});

  const std::string& message() const { return message_; }
  const SourcePos& pos() const { return pos_; }
  bool has_pos() const { return pos_.file != nullptr; }
  // Built-ins throw without a position; the interpreter adds the call site's position on the way
  // out. A position that is already there (the innermost one) wins.
  void SetPosIfMissing(const SourcePos& pos);
  // "file:line:col: message", or just the message when there is no position.
  std::string Format() const;

  const char* what() const noexcept override { return message_.c_str(); }

 private:
  std::string message_;
  SourcePos pos_;
};

// Thrown by the `exit` built-in and caught by the pipeline behind Engine::Eval (which returns
// CANCELLED).
struct ExitRequest {
  int code;
};

// Returns a pointer that stays valid (and equal for equal names) until the process exits.
const std::string* InternFileName(std::string_view name);

// "file:line:col", or "" when pos has no file.
std::string FormatPos(const SourcePos& pos);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_COMMON_ERROR_H_
