#include "mark/work_pool.h"

#include <algorithm>

#include "common/check.h"
#include "common/clock.h"

namespace mosaic::internal {

WorkPool::WorkPool(size_t packets)
    : storage_(new uintptr_t[std::max<size_t>(packets, 1) * kPacketEntries]),
      packets_(packets) {
  std::lock_guard<std::mutex> lock(mu_);
  for (uint32_t i = 0; i < packets; ++i) free_.push_back(i);
}

void WorkPool::Reset(int markers, std::function<void()> wake_helpers, bool lazy) {
  wake_helpers_ = std::move(wake_helpers);
  helpers_requested_ = !lazy;
  std::lock_guard<std::mutex> lock(mu_);
  MOSAIC_CHECK(full_.empty(), "work pool reset with %zu packets left", full_.size());
  markers_ = markers;
  joined_ = 1;
  idle_ = 0;
  done_ = false;
  idle_hint_.store(0, std::memory_order_relaxed);
}

bool WorkPool::Join() {
  std::lock_guard<std::mutex> lock(mu_);
  if (done_) return false;
  MOSAIC_CHECK(joined_ < markers_, "more markers joined than the phase has");
  ++joined_;
  return true;
}

bool WorkPool::Put(const uintptr_t* entries, size_t n, int producer) {
  std::lock_guard<std::mutex> lock(mu_);
  if (free_.empty()) return false;
  uint32_t p = free_.back();
  free_.pop_back();
  std::copy(entries, entries + n, &storage_[p * kPacketEntries]);
  packets_[p] = Packet{static_cast<uint32_t>(n), producer};
  full_.push_back(p);
  UpdateHint();
  cv_.notify_one();
  return true;
}

size_t WorkPool::Take(uintptr_t* out, int consumer, uint64_t* idle_ns, uint64_t* steals) {
  std::unique_lock<std::mutex> lock(mu_);
  if (full_.empty()) {
    if (done_) return 0;
    ++idle_;
    UpdateHint();
    uint64_t start = NowNanos();
    while (full_.empty() && !done_) {
      if (idle_ == joined_) {
        done_ = true;
        cv_.notify_all();
        break;
      }
      cv_.wait(lock);
    }
    *idle_ns += NowNanos() - start;
    if (full_.empty()) return 0;  // done
    --idle_;
  }
  uint32_t p = full_.back();
  full_.pop_back();
  UpdateHint();
  const Packet& packet = packets_[p];
  std::copy(&storage_[p * kPacketEntries], &storage_[p * kPacketEntries] + packet.size, out);
  if (packet.producer != consumer) ++*steals;
  size_t n = packet.size;
  free_.push_back(p);
  return n;
}

}  // namespace mosaic::internal
