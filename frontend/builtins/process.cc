// Files and the process context of R7RS's (scheme file) and (scheme process-context):
// file-exists?, delete-file, command-line, get-environment-variable,
// get-environment-variables, emergency-exit, features.
//
// Deviations from R7RS (for docs/toylang.md):
// - (command-line) is the list of the strings the embedder set (the toylang driver: the
//   program's path, or "toylang" in the REPL and with -e), not the raw argv.
// - (emergency-exit [status]) ends the program like exit (same statuses), so pending
//   dynamic-wind "after" thunks run (R7RS says they do not).
// - delete-file of a file that cannot be deleted is an error naming the file and the reason.
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/common/error.h"

extern char** environ;

namespace toylang {
namespace {

std::mutex command_line_mutex;
std::vector<std::string>& CommandLineStrings() {
  static auto* strings = new std::vector<std::string>{"toylang"};
  return *strings;
}

}  // namespace

void SetCommandLine(std::vector<std::string> words) {
  std::lock_guard<std::mutex> lock(command_line_mutex);
  CommandLineStrings() = std::move(words);
}

namespace builtins_internal {
namespace {

using V = Value;

std::string PathArg(const char* who, V v) { return std::string(StringView(CheckString(who, v))); }

V FileExistsP(CallContext&, const V* a, int) {
  std::string path = PathArg("file-exists?", a[0]);
  return V::Bool(access(path.c_str(), F_OK) == 0);
}

V DeleteFile(CallContext&, const V* a, int) {
  std::string path = PathArg("delete-file", a[0]);
  if (std::remove(path.c_str()) != 0) {
    Fail(Cat("delete-file: cannot delete \"", path, "\": ", std::strerror(errno)));
  }
  return V::Unspecified();
}

V CommandLine(CallContext&, const V*, int) {
  std::vector<std::string> words;
  {
    std::lock_guard<std::mutex> lock(command_line_mutex);
    words = CommandLineStrings();
  }
  V list = V::Nil();
  for (size_t i = words.size(); i > 0; --i) {
    V s = MakeString(words[i - 1]);
    list = Cons(s, list);
  }
  return list;
}

V GetEnvironmentVariable(CallContext&, const V* a, int) {
  std::string name = PathArg("get-environment-variable", a[0]);
  const char* value = std::getenv(name.c_str());
  return value == nullptr ? V::False() : MakeString(value);
}

V GetEnvironmentVariables(CallContext&, const V*, int) {
  V list = V::Nil();
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view entry(*e);
    size_t eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    V name = MakeString(entry.substr(0, eq));
    V value = MakeString(entry.substr(eq + 1));
    V pair = Cons(name, value);
    list = Cons(pair, list);
  }
  return list;
}

V EmergencyExit(CallContext&, const V* args, int argc) {
  int code = 0;
  if (argc > 0) {
    V v = args[0];
    if (v.IsFalse()) {
      code = 1;
    } else if (v.IsFixnum() && v.FixnumValue() >= 0 && v.FixnumValue() <= 255) {
      code = static_cast<int>(v.FixnumValue());
    } else if (!v.IsTrue()) {
      TypeError("emergency-exit", "boolean or an exit status 0..255", v);
    }
  }
  throw ExitRequest{code};
}

// Only what toylang has: no ratios, no full-unicode (strings hold bytes).
V Features(CallContext&, const V*, int) {
  V list = V::Nil();
  for (const char* f : {"posix", "toylang", "r7rs"}) list = Cons(Intern(f), list);
  return list;
}

constexpr Builtin kBuiltins[] = {
    {"file-exists?", 1, 1, FileExistsP},
    {"delete-file", 1, 1, DeleteFile},
    {"command-line", 0, 0, CommandLine},
    {"get-environment-variable", 1, 1, GetEnvironmentVariable},
    {"get-environment-variables", 0, 0, GetEnvironmentVariables},
    {"emergency-exit", 0, 1, EmergencyExit},
    {"features", 0, 0, Features},
};

}  // namespace

absl::Span<const Builtin> ProcessBuiltins() { return kBuiltins; }

}  // namespace builtins_internal
}  // namespace toylang
