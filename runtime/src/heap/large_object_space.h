// Objects larger than kMaxSmallObjectBytes. Each takes a run of whole pages in the large-object
// region of the reservation: a LargeHeader on the first page, the object 64 bytes in. A side
// table maps every page of the region to the first page of the run that covers it, so any
// address inside a large object resolves to it in O(1).
//
// Free page runs are kept in an ordered map and coalesced; pages of a freed object go straight
// back to the OS. Not thread-safe: the heap calls it under its pool lock or inside the pause.
#ifndef MOSAIC_SRC_HEAP_LARGE_OBJECT_SPACE_H_
#define MOSAIC_SRC_HEAP_LARGE_OBJECT_SPACE_H_

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/container/btree_map.h"

namespace mosaic::internal {

inline constexpr size_t kPageSize = 4096;
inline constexpr size_t kLargeHeaderBytes = 64;
inline constexpr uint32_t kLargeMagic = 0x4d4f534c;  // "MOSL"

struct LargeHeader {
  uint32_t magic;
  uint32_t pages;
  uint64_t object_bytes;  // as asked for, header word included
  bool marked;
  uint32_t index;  // position in LargeObjectSpace::objects_

  uintptr_t object() const { return reinterpret_cast<uintptr_t>(this) + kLargeHeaderBytes; }
};

class LargeObjectSpace {
 public:
  LargeObjectSpace(uintptr_t base, size_t size);

  // Pages needed for an object of `bytes`.
  static size_t PagesFor(size_t bytes) {
    return (bytes + kLargeHeaderBytes + kPageSize - 1) / kPageSize;
  }
  // A zeroed object of `bytes`, or nullptr when the region has no run of enough pages.
  LargeHeader* Allocate(size_t bytes);
  void Free(LargeHeader* header);

  bool InRegion(uintptr_t address) const { return address - base_ < size_; }
  // The large object whose pages cover `address` (which must be InRegion), or nullptr.
  LargeHeader* HeaderFor(uintptr_t address) const {
    size_t page = (address - base_) / kPageSize;
    uint32_t head = page_head_[page];
    if (head == 0) return nullptr;
    return reinterpret_cast<LargeHeader*>(base_ + (head - 1) * kPageSize);
  }

  const std::vector<LargeHeader*>& objects() const { return objects_; }
  size_t committed_bytes() const { return committed_pages_ * kPageSize; }

  // Frees every unmarked object and clears the marks of the rest. Returns bytes still live.
  // `on_free` is told of each object about to be freed.
  template <typename OnFree>
  size_t Sweep(OnFree on_free) {
    size_t live = 0;
    for (size_t i = 0; i < objects_.size();) {
      LargeHeader* h = objects_[i];
      if (h->marked) {
        h->marked = false;
        live += h->pages * kPageSize;
        ++i;
      } else {
        on_free(h);
        Free(h);  // swaps the last object into slot i
      }
    }
    return live;
  }

 private:
  void ReleaseRun(size_t first_page, size_t pages);

  uintptr_t base_;
  size_t size_;
  size_t total_pages_;
  // page_head_[p] = 1 + first page of the object covering page p; 0 when p is free.
  struct FreeDeleter {
    void operator()(uint32_t* p) const { std::free(p); }
  };
  std::unique_ptr<uint32_t[], FreeDeleter> page_head_;
  absl::btree_map<size_t, size_t> free_runs_;  // first page -> page count
  size_t bump_page_ = 0;                        // pages below this were handed out at least once
  size_t committed_pages_ = 0;
  std::vector<LargeHeader*> objects_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_HEAP_LARGE_OBJECT_SPACE_H_
