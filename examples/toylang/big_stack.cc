#include "examples/toylang/big_stack.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace toylang {
namespace {

struct ThreadArgs {
  const std::function<int()>* body;
  int result = 0;
};

void* ThreadMain(void* raw) {
  auto* args = static_cast<ThreadArgs*>(raw);
  args->result = (*args->body)();
  return nullptr;
}

}  // namespace

absl::StatusOr<int> RunOnBigStack(size_t stack_bytes, const std::function<int()>& body) {
  // We map the stack ourselves with MAP_NORESERVE: glibc's own pthread stacks are ordinary
  // private mappings that count against the commit limit, and 4 GiB of them can be refused under
  // strict overcommit. Pages are committed only when the recursion touches them. The lowest page
  // stays PROT_NONE as a guard, although the engine's own limit check should stop well before it.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t guard = page;
  stack_bytes = (stack_bytes + page - 1) / page * page;
  void* base = mmap(nullptr, stack_bytes + guard, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
  if (base == MAP_FAILED) {
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot reserve a ", stack_bytes >> 20, " MiB stack: ", strerror(errno)));
  }
  mprotect(base, guard, PROT_NONE);
  auto unmap = [&] { munmap(base, stack_bytes + guard); };

  pthread_attr_t attr;
  pthread_attr_init(&attr);
  int rc = pthread_attr_setstack(&attr, static_cast<char*>(base) + guard, stack_bytes);
  ThreadArgs args{&body};
  pthread_t thread;
  if (rc == 0) rc = pthread_create(&thread, &attr, &ThreadMain, &args);
  pthread_attr_destroy(&attr);
  if (rc != 0) {
    unmap();
    return absl::ResourceExhaustedError(
        absl::StrCat("cannot start the engine thread: ", strerror(rc)));
  }
  pthread_join(thread, nullptr);
  unmap();
  return args.result;
}

}  // namespace toylang
