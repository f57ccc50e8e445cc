// Runs a function on a new thread whose stack is a large reservation (not committed memory), so
// that toylang's 1,000,000-deep non-tail recursion fits. The engine must be created on that
// thread: it becomes the registered mutator, and the engine's stack-overflow check reads that
// thread's bounds with pthread_getattr_np.
#ifndef TOYLANG_EXAMPLES_TOYLANG_BIG_STACK_H_
#define TOYLANG_EXAMPLES_TOYLANG_BIG_STACK_H_

#include <cstddef>
#include <functional>

#include "absl/status/statusor.h"

namespace toylang {


// Runs `body` on a thread with a `stack_bytes` stack and returns its result once it finished.
// An error creating the thread (the reservation failed) is a Status; the caller may then fall
// back to running `body` on its own thread.
absl::StatusOr<int> RunOnBigStack(size_t stack_bytes, const std::function<int()>& body);

}  // namespace toylang

#endif  // TOYLANG_EXAMPLES_TOYLANG_BIG_STACK_H_
