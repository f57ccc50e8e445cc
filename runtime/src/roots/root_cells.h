// The table behind Heap::NewRootCell. Cells live in 32 KiB chunks, each aligned to its size so
// that a cell finds its chunk (and the chunk its table) by masking; each chunk keeps an occupancy
// bitmap, so a collection visits only live cells (one word of the bitmap covers 64 cells) and
// never touches free ones.
//
// Threads the collector never stops use these cells (mosaic/roots.h: any thread, any time). The
// collector reads them as one atomic snapshot: ForEachLive takes the table's lock (so no cell is
// created or freed, and no chunk added, while it runs), raises `scanning_` and waits for the
// writes already under way to finish (roots/cell_writers.h); writes that come later wait for the
// scan to end. Loads take no part: a load never changes what the cells hold.
//
// Chunks are freed only with the table, so a stale RootCell* always points at readable memory: a
// freed cell reads as null.
//
// A weak table (Heap::NewWeakRootCell) is not a root: after marking, the collector clears its
// cells whose values died (ClearDead). A load from a weak cell while a collection is marking
// (between BeginCycle and ClearDead) shades the value it returns: the collector marks it before
// clearing, so a thread that loaded it can still root it. Loads announce themselves like writes,
// so that ClearDead, which reads the shades and clears under the same exclusion as the scan,
// never races one.
#ifndef MOSAIC_SRC_ROOTS_ROOT_CELLS_H_
#define MOSAIC_SRC_ROOTS_ROOT_CELLS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "mosaic/roots.h"

namespace mosaic::internal {

class RootCellTable {
 public:
  static constexpr size_t kChunkBytes = 32 * 1024;
  static constexpr size_t kCellsPerChunk = 4000;

  explicit RootCellTable(bool weak = false) : weak_(weak) {}
  ~RootCellTable();
  RootCellTable(const RootCellTable&) = delete;
  RootCellTable& operator=(const RootCellTable&) = delete;

  RootCell* Allocate(Value initial);
  // Fatal if `cell` is not a live cell of this table.
  void Free(RootCell* cell);
  // Whether `cell` is a live cell of this table (a stray pointer is simply not).
  bool IsLive(const RootCell* cell) const;
  size_t live() const;

  // The writes behind RootCell (any thread): each runs outside any scan of its table.
  static void Store(RootCell* cell, uint64_t bits, std::memory_order order);
  static uint64_t Exchange(RootCell* cell, uint64_t bits, std::memory_order order);
  static bool CompareExchange(RootCell* cell, uint64_t* expected, uint64_t desired, bool weak,
                              std::memory_order success, std::memory_order failure);

  // Calls visit(value) for every live cell, as one atomic snapshot (see above). Returns how many.
  size_t ForEachLive(absl::FunctionRef<void(Value value)> visit) const;

  // --- Weak tables ----------------------------------------------------------------------------
  bool weak() const { return weak_; }
  // A load from a weak cell (any thread): shaded while a collection marks.
  static Value WeakLoad(const RootCell* cell, std::memory_order order);
  // Inside the pause, before marking: loads from now on shade.
  void BeginCycle();
  // Inside the pause, after marking, under exclusion: hands every shaded value to mark() and
  // calls finish() until no new shade appears, then clears every cell whose value is_marked()
  // says is dead (to Value::BrokenWeak()). Loads stop shading. Returns the cells cleared.
  size_t ClearDead(absl::FunctionRef<void(Value)> mark, absl::FunctionRef<void()> finish,
                   absl::FunctionRef<bool(Value)> is_marked);

 private:
  static constexpr size_t kBitmapWords = (kCellsPerChunk + 63) / 64;
  struct Chunk {
    RootCell cells[kCellsPerChunk];  // first: a cell's chunk is its address masked
    uint64_t occupied[kBitmapWords];
    uint32_t live;
    RootCellTable* table;
  };
  static_assert(sizeof(Chunk) <= kChunkBytes);

  static Chunk* ChunkOf(const RootCell* cell) {
    return reinterpret_cast<Chunk*>(reinterpret_cast<uintptr_t>(cell) & ~(kChunkBytes - 1));
  }
  // Brackets a write: announces it, and waits while the table is being scanned.
  class WriteScope;

  mutable std::mutex mu_;
  std::vector<Chunk*> chunks_ ABSL_GUARDED_BY(mu_);
  std::vector<Chunk*> with_space_ ABSL_GUARDED_BY(mu_);  // chunks that have a free cell
  size_t live_ ABSL_GUARDED_BY(mu_) = 0;
  mutable std::atomic<bool> scanning_{false};
  // Weak tables only.
  const bool weak_;
  std::atomic<bool> shading_{false};
  std::mutex shades_mu_;
  std::vector<Value> shades_ ABSL_GUARDED_BY(shades_mu_);
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ROOTS_ROOT_CELLS_H_
