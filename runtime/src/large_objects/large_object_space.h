// Objects larger than kMaxSmallObjectBytes. Each takes a run of whole pages in the large-object
// region of the reservation: a LargeHeader on the first page, the object 64 bytes in. A side
// table maps every page of the region to the first page of the run that covers it, so any
// address inside a large object resolves to it in O(1).
//
// Free page runs are kept in an ordered map and coalesced; pages of a freed object go straight
// back to the OS. Pages are charged to the heap's CommitBudget when an object takes them and
// credited when it dies.
//
// Locking: Allocate runs on mutators under the space's own lock. Sweep, objects() and HeaderFor
// run inside the collector's pause (HeaderFor also from a mutator that holds a reference into the
// object, whose pages cannot change under it).
#ifndef MOSAIC_SRC_LARGE_OBJECTS_LARGE_OBJECT_SPACE_H_
#define MOSAIC_SRC_LARGE_OBJECTS_LARGE_OBJECT_SPACE_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/btree_map.h"
#include "address/commit_budget.h"

namespace mosaic::internal {

inline constexpr size_t kPageSize = 4096;
// A freed run of at most this many bytes is zeroed in place rather than decommitted.
inline constexpr size_t kZeroInPlaceBytes = 64 * 1024;
inline constexpr size_t kLargeHeaderBytes = 64;
inline constexpr uint32_t kLargeMagic = 0x4d4f534c;  // "MOSL"

struct LargeHeader {
  uint32_t magic;
  uint32_t pages;
  uint64_t object_bytes;  // as asked for, header word included
  bool marked;
  uint32_t index;  // position in LargeObjectSpace::objects_

  uintptr_t object() const { return reinterpret_cast<uintptr_t>(this) + kLargeHeaderBytes; }
  // Relaxed atomic: parallel markers mark while others read.
  bool Marked() const { return __atomic_load_n(&marked, __ATOMIC_RELAXED); }
};

class LargeObjectSpace {
 public:
  LargeObjectSpace(uintptr_t base, size_t size, CommitBudget& budget);
  LargeObjectSpace(const LargeObjectSpace&) = delete;
  LargeObjectSpace& operator=(const LargeObjectSpace&) = delete;

  // Pages needed for an object of `bytes`.
  static size_t PagesFor(size_t bytes) {
    return (bytes + kLargeHeaderBytes + kPageSize - 1) / kPageSize;
  }
  // A zeroed object of `bytes`, or nullptr when its pages would pass the budget's limit or the
  // region has no run of enough pages. Thread-safe.
  LargeHeader* Allocate(size_t bytes);

  bool InRegion(uintptr_t address) const { return address - base_ < size_; }
  // The large object whose pages cover `address` (which must be InRegion), or nullptr.
  LargeHeader* HeaderFor(uintptr_t address) const {
    size_t page = (address - base_) / kPageSize;
    uint32_t head = page_head_[page];
    if (head == 0) return nullptr;
    return reinterpret_cast<LargeHeader*>(base_ + (head - 1) * kPageSize);
  }

  // Inside the pause.
  const std::vector<LargeHeader*>& objects() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return objects_;
  }
  size_t committed_bytes() const;

  // Lazy sweeping. Inside the pause, after marking: StartLazySweep records that unmarked objects
  // are dead; until SweepIfPending has run (from the next large allocation, a background sweeper,
  // or the next pause), ObjectSpaces::Locate treats them as gone. SweepIfPending frees every
  // unmarked object (its pages go back to the OS); the marks of the rest stay (sticky: they are
  // old now). Thread-safe.
  void StartLazySweep() { sweep_pending_.store(true, std::memory_order_release); }
  bool SweepPending() const { return sweep_pending_.load(std::memory_order_acquire); }
  void SweepIfPending();
  // Bytes (whole pages) of the marked objects: the live size after marking.
  size_t MarkedBytes() const;
  // Inside the pause, before a major collection marks: every object is unmarked again.
  void ClearMarks();

 private:
  void Free(LargeHeader* header) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void SweepLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ReleaseRun(size_t first_page, size_t pages) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const uintptr_t base_;
  const size_t size_;
  const size_t total_pages_;
  CommitBudget& budget_;
  // page_head_[p] = 1 + first page of the object covering page p; 0 when p is free.
  struct FreeDeleter {
    void operator()(uint32_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint32_t[], FreeDeleter> page_head_;
  mutable std::mutex mu_;
  absl::btree_map<size_t, size_t> free_runs_ ABSL_GUARDED_BY(mu_);  // first page -> page count
  // Pages below this were handed out at least once.
  size_t bump_page_ ABSL_GUARDED_BY(mu_) = 0;
  size_t committed_pages_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<LargeHeader*> objects_ ABSL_GUARDED_BY(mu_);
  std::atomic<bool> sweep_pending_{false};
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_LARGE_OBJECTS_LARGE_OBJECT_SPACE_H_
