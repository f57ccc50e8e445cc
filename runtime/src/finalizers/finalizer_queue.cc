#include "finalizers/finalizer_queue.h"

#include <vector>

namespace mosaic::internal {

void FinalizerQueue::Register(Value object, Finalizer finalizer) {
  std::lock_guard<std::mutex> lock(mu_);
  registered_[object.bits()] = std::move(finalizer);
}

size_t FinalizerQueue::QueuedCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queued_.size();
}

void FinalizerQueue::ForEachQueued(absl::FunctionRef<void(Value object)> visit) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& entry : queued_) visit(entry.first);
}

void FinalizerQueue::QueueUnreachable(absl::FunctionRef<bool(Value object)> is_live,
                                      absl::FunctionRef<void(Value object)> keep) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> dead;
  for (const auto& [bits, finalizer] : registered_) {
    if (!is_live(Value::FromBits(bits))) dead.push_back(bits);
  }
  for (uint64_t bits : dead) {
    auto it = registered_.find(bits);
    queued_.emplace_back(Value::FromBits(bits), std::move(it->second));
    registered_.erase(it);
    keep(Value::FromBits(bits));
  }
}

bool FinalizerQueue::TakeNext(Value* object, Finalizer* finalizer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (queued_.empty()) return false;
  *object = queued_.front().first;
  *finalizer = std::move(queued_.front().second);
  queued_.pop_front();
  return true;
}

}  // namespace mosaic::internal
