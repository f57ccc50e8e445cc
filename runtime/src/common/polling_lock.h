// Locks for the collector's short critical sections between marker threads. A contended
// std::mutex sleeps in the kernel at once, and on this machine the sleeper is woken ~40 us
// later: a marker handing a packet to another (both inside a 1 ms pause) then lost a twentieth of
// the pause. These poll with try_lock first; critical sections here last well under a
// microsecond, so the lock is almost always free within the polling.
#ifndef MOSAIC_SRC_COMMON_POLLING_LOCK_H_
#define MOSAIC_SRC_COMMON_POLLING_LOCK_H_

#include <mutex>

namespace mosaic::internal {

// A CPU's hint that this is a polling loop (x86 `pause`; nothing elsewhere).
inline void PollPause() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

// Takes `lock`'s mutex (`lock` does not own it yet), polling before it blocks.
inline void LockPolling(std::unique_lock<std::mutex>& lock) {
  constexpr int kPolls = 1024;  // some microseconds
  for (int i = 0; i < kPolls; ++i) {
    if (lock.try_lock()) return;
    PollPause();
  }
  lock.lock();
}

// A scoped lock that polls first (LockPolling).
class PollingLockGuard {
 public:
  explicit PollingLockGuard(std::mutex& mu) : lock_(mu, std::defer_lock) { LockPolling(lock_); }

 private:
  std::unique_lock<std::mutex> lock_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COMMON_POLLING_LOCK_H_
