// Checks inside the collector. MOSAIC_CHECK is always on and guards states that mean heap
// corruption or API misuse that would otherwise crash later and far away; MOSAIC_DCHECK is for
// debug builds. Both end in Fatal(), which prints "mosaic: <message>" and aborts.
#ifndef MOSAIC_SRC_COMMON_CHECK_H_
#define MOSAIC_SRC_COMMON_CHECK_H_

#include "absl/strings/str_format.h"

namespace mosaic::internal {

[[noreturn]] void FatalMessage(const std::string& message);

template <typename... Args>
[[noreturn]] void Fatal(const absl::FormatSpec<Args...>& format, const Args&... args) {
  FatalMessage(absl::StrFormat(format, args...));
}

}  // namespace mosaic::internal

#define MOSAIC_CHECK(cond, ...)                                                        \
  do {                                                                                 \
    if (__builtin_expect(!(cond), 0)) ::mosaic::internal::Fatal(__VA_ARGS__);          \
  } while (0)

#ifdef NDEBUG
#define MOSAIC_DCHECK(cond, ...) \
  do {                           \
  } while (0)
#else
#define MOSAIC_DCHECK(cond, ...) MOSAIC_CHECK(cond, __VA_ARGS__)
#endif

#if defined(__SANITIZE_ADDRESS__) || defined(MOSAIC_SANITIZER_address)
#define MOSAIC_ASAN 1
#endif
#if defined(__SANITIZE_THREAD__) || defined(MOSAIC_SANITIZER_thread)
#define MOSAIC_TSAN 1
#endif

// For code that must read words the sanitizers consider off limits: other threads' stacks,
// redzones between locals, cells of dead objects.
#define MOSAIC_NO_SANITIZE_SCAN \
  __attribute__((no_sanitize("address", "thread"), noinline))

#endif  // MOSAIC_SRC_COMMON_CHECK_H_
