#include "jit/thread_state.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "frontend/common/stack_check.h"
#include "mosaic/internal/mutator_layout.h"

namespace toylang::jit {

thread_local JitThreadState tls_jit_state;

namespace {

static_assert(sizeof(void*) == 8, "the JIT targets x86-64");

uintptr_t ThreadPointer() {
  uintptr_t tp;
  asm("mov %%fs:0, %0" : "=r"(tp));  // the TCB's self pointer: the %fs base
  return tp;
}

std::atomic<int64_t> first_state_offset{0};
std::atomic<int64_t> first_layout_offset{0};

}  // namespace

int64_t ThreadStateOffset() {
  return static_cast<int64_t>(reinterpret_cast<uintptr_t>(&tls_jit_state) - ThreadPointer());
}

int64_t LayoutOffset() {
  return static_cast<int64_t>(reinterpret_cast<uintptr_t>(&mosaic::internal::tls_layout) -
                              ThreadPointer());
}

bool ThreadStateAsConstantsForTesting() {
  static const bool constants = [] {
    const char* v = std::getenv("MOSAIC_JIT_THREAD_STATE");
    return v != nullptr && std::string_view(v) == "constant";
  }();
  return constants;
}

void EnterJitThread() {
  int64_t state = ThreadStateOffset();
  int64_t layout = LayoutOffset();
  int64_t expected = 0;
  first_state_offset.compare_exchange_strong(expected, state);
  expected = 0;
  first_layout_offset.compare_exchange_strong(expected, layout);
  if (first_state_offset.load() != state || first_layout_offset.load() != layout) {
    std::fprintf(stderr,
                 "toylang: JIT: this thread's thread-local variables are not at the offsets "
                 "the generated code uses (dynamic TLS?); cannot run JIT code on it\n");
    std::abort();
  }
  tls_jit_state.current_site = nullptr;
  tls_jit_state.stack_limit = toylang::StackLimit();
}

}  // namespace toylang::jit
