#include "large_objects/large_object_space.h"

#include <cstring>

#include "common/check.h"
#include "address/reservation.h"

namespace mosaic::internal {

LargeObjectSpace::LargeObjectSpace(uintptr_t base, size_t size, CommitBudget& budget)
    : base_(base),
      size_(size),
      total_pages_(size / kPageSize),
      budget_(budget),
      // A zero entry means "free page". calloc of a large array maps fresh zero pages without
      // touching them, so the table costs address space, not memory, until it is used.
      page_head_(static_cast<uint32_t*>(std::calloc(size / kPageSize, sizeof(uint32_t)))) {
  MOSAIC_CHECK(page_head_ != nullptr, "cannot allocate the large-object page table");
}

LargeHeader* LargeObjectSpace::Allocate(size_t bytes) {
  size_t pages = PagesFor(bytes);
  {
    // The dead of the last collection give their pages back first.
    std::lock_guard<std::mutex> lock(mu_);
    if (SweepPending()) SweepLocked();
  }
  if (!budget_.TryCommit(pages * kPageSize)) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  size_t first = SIZE_MAX;
  // First fit among the freed runs, lowest address first (keeps the region compact).
  for (auto it = free_runs_.begin(); it != free_runs_.end(); ++it) {
    if (it->second >= pages) {
      first = it->first;
      size_t rest = it->second - pages;
      free_runs_.erase(it);
      if (rest > 0) free_runs_.emplace(first + pages, rest);
      break;
    }
  }
  if (first == SIZE_MAX) {
    if (total_pages_ - bump_page_ < pages) {
      budget_.Uncommit(pages * kPageSize);
      return nullptr;
    }
    first = bump_page_;
    bump_page_ += pages;
  }
  for (size_t p = first; p < first + pages; ++p) page_head_[p] = static_cast<uint32_t>(first + 1);
  committed_pages_ += pages;
  auto* h = reinterpret_cast<LargeHeader*>(base_ + first * kPageSize);
  // Pages come zeroed: fresh, or decommitted when their last object died.
  h->magic = kLargeMagic;
  h->pages = static_cast<uint32_t>(pages);
  h->object_bytes = bytes;
  h->marked = false;
  h->index = static_cast<uint32_t>(objects_.size());
  objects_.push_back(h);
  return h;
}

void LargeObjectSpace::Free(LargeHeader* h) {
  MOSAIC_CHECK(h->magic == kLargeMagic, "large object header at %p is corrupt", h);
  uint32_t index = h->index;
  objects_[index] = objects_.back();
  objects_[index]->index = index;
  objects_.pop_back();
  size_t first = (reinterpret_cast<uintptr_t>(h) - base_) / kPageSize;
  size_t pages = h->pages;
  for (size_t p = first; p < first + pages; ++p) page_head_[p] = 0;
  committed_pages_ -= pages;
  // Allocation expects zeroed pages. A small run is zeroed in place: cheaper than returning it
  // to the kernel (a madvise, then a page fault per page when it is used again), which made
  // programs that make and drop many such objects (stack segments of continuations: one per
  // call/cc in ctak) spend three quarters of their time in the kernel.
  if (pages * kPageSize <= kZeroInPlaceBytes) {
    std::memset(static_cast<void*>(h), 0, pages * kPageSize);
  } else {
    Reservation::Decommit(reinterpret_cast<uintptr_t>(h), pages * kPageSize);
  }
  budget_.Uncommit(pages * kPageSize);
  ReleaseRun(first, pages);
}

void LargeObjectSpace::SweepIfPending() {
  std::lock_guard<std::mutex> lock(mu_);
  if (SweepPending()) SweepLocked();
}

void LargeObjectSpace::SweepLocked() {
  for (size_t i = 0; i < objects_.size();) {
    LargeHeader* h = objects_[i];
    if (h->marked) {
      ++i;
    } else {
      Free(h);  // swaps the last object into slot i
    }
  }
  sweep_pending_.store(false, std::memory_order_release);
}

size_t LargeObjectSpace::MarkedBytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t live = 0;
  for (LargeHeader* h : objects_) {
    if (h->marked) live += h->pages * kPageSize;
  }
  return live;
}

void LargeObjectSpace::ClearMarks() {
  std::lock_guard<std::mutex> lock(mu_);
  for (LargeHeader* h : objects_) h->marked = false;
}

size_t LargeObjectSpace::committed_bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return committed_pages_ * kPageSize;
}

void LargeObjectSpace::ReleaseRun(size_t first, size_t pages) {
  // Coalesce with the neighbours on both sides.
  auto next = free_runs_.lower_bound(first);
  if (next != free_runs_.end() && next->first == first + pages) {
    pages += next->second;
    next = free_runs_.erase(next);
  }
  if (next != free_runs_.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == first) {
      prev->second += pages;
      return;
    }
  }
  free_runs_.emplace(first, pages);
}

}  // namespace mosaic::internal
