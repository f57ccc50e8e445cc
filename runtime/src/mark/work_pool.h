// Parallel marking's shared work: packets of mark-stack entries that a marker with too much
// work puts here and an idle marker takes (local buffers spilling to a shared pool, as Boehm's
// and Whippet's parallel markers do, rather than Chase-Lev deques: a marker's hot loop touches
// only its own stack, and the pool's lock is taken once per packet, not per object).
//
// Termination: a marker that finds no packet waits, counted as idle; when every marker that
// joined is idle and no packet is left, no marker can produce work any more (only active markers
// Put, and a marker joining later finds the phase over), so the phase is over and every Take
// returns 0. A helper (any marker but 0) waiting longer than kLeaveNanos leaves the phase:
// work that cannot be split (lists) would otherwise keep it waiting to the end while marker 0
// paid for atomic marking. Marker 0 never leaves; it sleeps until a packet comes or the phase
// ends. Once every helper has left, marker 0 can go on alone (GoSolo), without atomics. The packets are preallocated (marking never
// allocates); a Put that finds none free returns false and the marker overflows instead
// (Marker::RecoverFromOverflow then finds what was left out).
#ifndef MOSAIC_SRC_MARK_WORK_POOL_H_
#define MOSAIC_SRC_MARK_WORK_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace mosaic::internal {

class WorkPool {
 public:
  static constexpr size_t kPacketEntries = 512;

  explicit WorkPool(size_t packets);
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Before a parallel phase of up to `markers` markers; the pool must be empty. Marker 0 (the
  // collecting thread) takes part from the start; the others Join when they get to run.
  // With `lazy`, the other markers' threads are asleep and `wake_helpers` wakes them when
  // marker 0 asks (RequestHelpers), having found more work than it should do alone; otherwise
  // they were woken with the phase.
  void Reset(int markers, std::function<void()> wake_helpers, bool lazy);
  // Marker 0 only: wakes the helpers, once per phase. Whether they were woken this phase.
  void RequestHelpers() {
    if (helpers_requested_) return;
    helpers_requested_ = true;
    wake_helpers_();
  }
  bool helpers_requested() const { return helpers_requested_; }
  // A helper's entry into the phase: false if the phase is already over (it then does nothing:
  // the markers that took part did all the work). A helper that never gets a CPU in time does
  // not hold the phase up: only markers that joined count towards termination.
  bool Join();
  // Puts `n` (at most kPacketEntries) entries as one packet from marker `producer`; false when
  // no packet is free.
  bool Put(const uintptr_t* entries, size_t n, int producer);
  // Takes one packet into `out` (room for kPacketEntries), waiting while the pool is empty and
  // some marker is still active; 0 when the phase is over, or for a helper (consumer > 0) that
  // left it after waiting kLeaveNanos in vain. Adds the time spent waiting to *idle_ns, and
  // counts a packet another marker produced in *steals.
  size_t Take(uintptr_t* out, int consumer, uint64_t* idle_ns, uint64_t* steals);
  // Whether some helper joined and left, and marker 0 is the only marker in the phase now (a
  // hint, read without the lock). Not merely alone: helpers still on their way (woken, not yet
  // joined) would then be shut out of every phase.
  bool Deserted() const { return deserted_hint_.load(std::memory_order_relaxed); }
  // Marker 0: if the phase is deserted (as above) and no packet is waiting, ends it for
  // everyone else (a helper that joins from now on finds it over) and returns true: the caller
  // then marks alone, with plain stores, and must not use the pool again this phase. The
  // helpers' marks happened before they left, under the lock this takes.
  bool GoSolo();
  // Whether some marker waits for work that no packet in the pool is there for yet (a hint,
  // read without the lock): a busy marker then shares.
  bool SomeoneIdle() const { return idle_hint_.load(std::memory_order_relaxed) > 0; }

 private:
  struct Packet {
    uint32_t size = 0;
    int producer = 0;
  };

  std::mutex mu_;
  std::condition_variable cv_;
  std::unique_ptr<uintptr_t[]> storage_;
  std::vector<Packet> packets_;
  std::vector<uint32_t> free_ ABSL_GUARDED_BY(mu_);
  std::vector<uint32_t> full_ ABSL_GUARDED_BY(mu_);
  int markers_ ABSL_GUARDED_BY(mu_) = 1;
  int joined_ ABSL_GUARDED_BY(mu_) = 1;
  int idle_ ABSL_GUARDED_BY(mu_) = 0;
  bool done_ ABSL_GUARDED_BY(mu_) = false;
  void UpdateHint() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    idle_hint_.store(idle_ - static_cast<int>(full_.size()), std::memory_order_relaxed);
    full_hint_.store(static_cast<int>(full_.size()), std::memory_order_relaxed);
    deserted_hint_.store(joined_ == 1 && left_ > 0, std::memory_order_relaxed);
  }

  // How long an idle marker polls for a packet before it sleeps on cv_ (Take), and how long a
  // helper waits in all before it leaves the phase.
  static constexpr uint64_t kSpinNanos = 50'000;
  static constexpr uint64_t kLeaveNanos = 200'000;
  int sleepers_ ABSL_GUARDED_BY(mu_) = 0;  // markers waiting on cv_: Put wakes one
  int left_ ABSL_GUARDED_BY(mu_) = 0;  // helpers that left the phase
  std::atomic<bool> deserted_hint_{false};  // joined_ == 1 && left_ > 0
  std::atomic<int> idle_hint_{0};  // idle_ - full_.size()
  std::atomic<int> full_hint_{0};  // full_.size(), for a marker polling without the lock
  std::atomic<bool> done_hint_{false};  // done_, likewise
  // Marker 0's thread only (Reset and RequestHelpers run there).
  std::function<void()> wake_helpers_;
  bool helpers_requested_ = false;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_MARK_WORK_POOL_H_
