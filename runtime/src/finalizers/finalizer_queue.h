// Finalizers: registered ones, keyed by the object's reference, and queued ones, whose objects
// died and which wait to run after the pause. A queued object is a root until its finalizer has
// run, so the finalizer sees an intact object and everything it references.
//
// Order inside a pause: ForEachQueued (roots), marking, QueueUnreachable (moves the dead
// registrations to the queue and hands each object back to be marked), marking again. After the
// pause, on the thread that collected: TakeNext until it returns false.
//
// Locking: one lock of its own, never held while a finalizer runs.
#ifndef MOSAIC_SRC_FINALIZERS_FINALIZER_QUEUE_H_
#define MOSAIC_SRC_FINALIZERS_FINALIZER_QUEUE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "mosaic/value.h"

namespace mosaic::internal {

class FinalizerQueue {
 public:
  using Finalizer = std::function<void(Value object)>;

  FinalizerQueue() = default;
  FinalizerQueue(const FinalizerQueue&) = delete;
  FinalizerQueue& operator=(const FinalizerQueue&) = delete;

  // A second registration for the same object replaces the first.
  void Register(Value object, Finalizer finalizer);
  size_t QueuedCount() const;

  // --- Inside the pause ----------------------------------------------------------------------
  void ForEachQueued(absl::FunctionRef<void(Value object)> visit) const;
  // Moves every registration whose object `is_live` says is dead to the queue, calling
  // keep(object) for each so that the collector marks it and what it references.
  void QueueUnreachable(absl::FunctionRef<bool(Value object)> is_live,
                        absl::FunctionRef<void(Value object)> keep);

  // --- After the pause -----------------------------------------------------------------------
  // Removes the next queued finalizer and its object; false when the queue is empty.
  bool TakeNext(Value* object, Finalizer* finalizer);
  void CountRun(uint64_t n) { run_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t run() const { return run_.load(std::memory_order_relaxed); }

 private:
  mutable std::mutex mu_;
  absl::flat_hash_map<uint64_t, Finalizer> registered_ ABSL_GUARDED_BY(mu_);
  std::deque<std::pair<Value, Finalizer>> queued_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> run_{0};
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_FINALIZERS_FINALIZER_QUEUE_H_
