// The table behind Heap::NewRootCell. Cells live in 32 KiB chunks, each aligned to its size so
// that a cell finds its chunk by masking; each chunk keeps an occupancy bitmap, so a collection
// visits only live cells (one word of the bitmap covers 64 cells) and never touches free ones.
#ifndef MOSAIC_SRC_ROOTS_ROOT_CELLS_H_
#define MOSAIC_SRC_ROOTS_ROOT_CELLS_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include <condition_variable>
#include <mutex>
#include "mosaic/roots.h"

namespace mosaic::internal {

class RootCellTable {
 public:
  static constexpr size_t kChunkBytes = 32 * 1024;
  static constexpr size_t kCellsPerChunk = 4000;

  RootCellTable() = default;
  ~RootCellTable();
  RootCellTable(const RootCellTable&) = delete;
  RootCellTable& operator=(const RootCellTable&) = delete;

  RootCell* Allocate(Value initial);
  // Fatal if `cell` is not a live cell of this table.
  void Free(RootCell* cell);
  size_t live() const;

  // Calls visit(word) for every live cell. Only inside a pause (no concurrent Allocate/Free).
  template <typename Visit>
  size_t ForEachLive(Visit visit) const ABSL_NO_THREAD_SAFETY_ANALYSIS {
    size_t visited = 0;
    for (const Chunk* c : chunks_) {
      for (size_t w = 0; w < kBitmapWords; ++w) {
        uint64_t bits = c->occupied[w];
        while (bits != 0) {
          size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
          bits &= bits - 1;
          visit(c->cells[i].Load(std::memory_order_relaxed).bits());
          ++visited;
        }
      }
    }
    return visited;
  }

 private:
  static constexpr size_t kBitmapWords = (kCellsPerChunk + 63) / 64;
  struct Chunk {
    RootCell cells[kCellsPerChunk];
    uint64_t occupied[kBitmapWords];
    uint32_t live;
    uint32_t index;  // in chunks_
  };
  static_assert(sizeof(Chunk) <= kChunkBytes);

  mutable std::mutex mu_;
  std::vector<Chunk*> chunks_ ABSL_GUARDED_BY(mu_);
  std::vector<Chunk*> with_space_ ABSL_GUARDED_BY(mu_);  // chunks that have a free cell
  size_t live_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ROOTS_ROOT_CELLS_H_
