// Runs the toylang binary (TOYLANG_BINARY) with pipes, for the tests of the program itself.
#ifndef TOYLANG_TESTS_TOYLANG_RUN_TOYLANG_H_
#define TOYLANG_TESTS_TOYLANG_RUN_TOYLANG_H_

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#ifndef TOYLANG_BINARY
#error "TOYLANG_BINARY must name the toylang program"
#endif

namespace toylang::test_support {

struct RunResult {
  int status = -1;  // exit status, or -1 when the program did not exit normally
  std::string out;
  std::string err;
};

// Runs toylang with `args`, `input` on its standard input, and MOSAIC_GC_OPTIONS set to
// `gc_env` (unset when null).
inline RunResult RunToylang(const std::vector<std::string>& args, const std::string& input = "",
                     const char* gc_env = nullptr) {
  int in[2], out[2], err[2];
  if (pipe(in) != 0 || pipe(out) != 0 || pipe(err) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(err[1], 2);
    for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) close(fd);
    if (gc_env != nullptr) {
      setenv("MOSAIC_GC_OPTIONS", gc_env, 1);
    } else {
      unsetenv("MOSAIC_GC_OPTIONS");
    }
    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(TOYLANG_BINARY));
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(TOYLANG_BINARY, argv.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  close(err[1]);
  signal(SIGPIPE, SIG_IGN);
  if (!input.empty()) (void)!write(in[1], input.data(), input.size());
  close(in[1]);
  RunResult result;
  struct pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_count = 2;
  while (open_count > 0) {
    if (poll(fds, 2, -1) < 0) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buffer[4096];
      ssize_t n = read(fds[i].fd, buffer, sizeof(buffer));
      if (n <= 0) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_count;
        continue;
      }
      (i == 0 ? result.out : result.err).append(buffer, static_cast<size_t>(n));
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace toylang::test_support

#endif  // TOYLANG_TESTS_TOYLANG_RUN_TOYLANG_H_
