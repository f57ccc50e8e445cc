#include "mark/work_pool.h"

#include <algorithm>
#include <chrono>

#include "common/check.h"
#include "common/clock.h"
#include "common/polling_lock.h"

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
  sleepers_ = 0;
  left_ = 0;
  UpdateHint();
  done_hint_.store(false, std::memory_order_relaxed);
}

bool WorkPool::Join() {
  PollingLockGuard lock(mu_);
  if (done_) return false;
  MOSAIC_CHECK(joined_ < markers_, "more markers joined than the phase has");
  ++joined_;
  UpdateHint();
  return true;
}

bool WorkPool::GoSolo() {
  PollingLockGuard lock(mu_);
  if (joined_ != 1 || left_ == 0 || !full_.empty()) return false;
  done_ = true;
  done_hint_.store(true, std::memory_order_relaxed);
  return true;
}

bool WorkPool::Put(const uintptr_t* entries, size_t n, int producer) {
  PollingLockGuard lock(mu_);
  if (free_.empty()) return false;
  uint32_t p = free_.back();
  free_.pop_back();
  std::copy(entries, entries + n, &storage_[p * kPacketEntries]);
  packets_[p] = Packet{static_cast<uint32_t>(n), producer};
  full_.push_back(p);
  UpdateHint();
  if (sleepers_ > 0) cv_.notify_one();  // a spinning marker sees the packet without a wake-up
  return true;
}

size_t WorkPool::Take(uintptr_t* out, int consumer, uint64_t* idle_ns, uint64_t* steals) {
  std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
  LockPolling(lock);
  if (full_.empty()) {
    if (done_) return 0;
    ++idle_;
    UpdateHint();
    uint64_t start = NowNanos();
    bool spun = false;
    while (full_.empty() && !done_) {
      if (idle_ == joined_) {
        done_ = true;
        done_hint_.store(true, std::memory_order_relaxed);
        cv_.notify_all();
        break;
      }
      if (!spun) {
        // Poll for a while before sleeping, so that a packet put soon after costs no wake-up
        // (futex) on either side. Not what fixed paraffins' small-packet trading (that is
        // Marker::kMinShare; polling alone made it worse, as the consumer asked for more tiny
        // packets sooner); the two together were measured, the minimum packet alone was not.
        spun = true;
        lock.unlock();
        const uint64_t until = start + kSpinNanos;
        for (int i = 1;; ++i) {
          if (full_hint_.load(std::memory_order_relaxed) > 0 ||
              done_hint_.load(std::memory_order_relaxed)) {
            break;
          }
          PollPause();
          if (i % 64 == 0 && NowNanos() >= until) break;
        }
        LockPolling(lock);
        continue;
      }
      const uint64_t waited = NowNanos() - start;
      if (consumer != 0 && waited >= kLeaveNanos) {
        // Idle for that long: this helper leaves (marker 0 may then go solo). It holds no work.
        --idle_;
        --joined_;
        ++left_;
        UpdateHint();
        *idle_ns += waited;
        return 0;
      }
      ++sleepers_;
      if (consumer == 0) {
        cv_.wait(lock);
      } else {
        cv_.wait_for(lock, std::chrono::nanoseconds(kLeaveNanos - waited));
      }
      --sleepers_;
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
