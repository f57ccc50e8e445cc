// The bytes committed to objects (small-object blocks plus large-object pages) against the
// heap-max limit. Blocks and large objects come from separate components with separate locks;
// both charge this one budget, with a compare-and-swap, so the limit holds without a shared lock
// and the peak covers both.
#ifndef MOSAIC_SRC_ADDRESS_COMMIT_BUDGET_H_
#define MOSAIC_SRC_ADDRESS_COMMIT_BUDGET_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace mosaic::internal {

class CommitBudget {
 public:
  explicit CommitBudget(uint64_t limit) : limit_(limit) {}
  CommitBudget(const CommitBudget&) = delete;
  CommitBudget& operator=(const CommitBudget&) = delete;

  // Charges `bytes` unless that would pass the limit.
  bool TryCommit(uint64_t bytes) {
    uint64_t now = committed_.load(std::memory_order_relaxed);
    do {
      if (bytes > limit_ || now > limit_ - bytes) return false;
    } while (!committed_.compare_exchange_weak(now, now + bytes, std::memory_order_relaxed));
    uint64_t peak = peak_.load(std::memory_order_relaxed);
    while (now + bytes > peak &&
           !peak_.compare_exchange_weak(peak, now + bytes, std::memory_order_relaxed)) {
    }
    return true;
  }
  void Uncommit(uint64_t bytes) { committed_.fetch_sub(bytes, std::memory_order_relaxed); }
  // Whether `bytes` more would fit now (a hint: another thread may commit in between).
  bool WouldFit(uint64_t bytes) const {
    uint64_t now = committed_.load(std::memory_order_relaxed);
    return bytes <= limit_ && now <= limit_ - bytes;
  }

  uint64_t committed() const { return committed_.load(std::memory_order_relaxed); }
  uint64_t peak() const { return peak_.load(std::memory_order_relaxed); }
  uint64_t limit() const { return limit_; }

 private:
  const uint64_t limit_;
  std::atomic<uint64_t> committed_{0};
  std::atomic<uint64_t> peak_{0};
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ADDRESS_COMMIT_BUDGET_H_
