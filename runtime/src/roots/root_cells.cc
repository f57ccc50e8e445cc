#include "roots/root_cells.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include "common/check.h"

namespace mosaic::internal {

RootCellTable::~RootCellTable() {
  std::lock_guard<std::mutex> lock(mu_);
  for (Chunk* c : chunks_) {
    c->~Chunk();
    std::free(c);
  }
}

RootCell* RootCellTable::Allocate(Value initial) {
  std::lock_guard<std::mutex> lock(mu_);
  if (with_space_.empty()) {
    void* memory = std::aligned_alloc(kChunkBytes, kChunkBytes);
    MOSAIC_CHECK(memory != nullptr, "out of memory allocating a root-cell chunk");
    Chunk* c = new (memory) Chunk();
    c->live = 0;
    c->index = static_cast<uint32_t>(chunks_.size());
    std::fill(std::begin(c->occupied), std::end(c->occupied), 0);
    chunks_.push_back(c);
    with_space_.push_back(c);
  }
  Chunk* c = with_space_.back();
  for (size_t w = 0; w < kBitmapWords; ++w) {
    uint64_t free_bits = ~c->occupied[w];
    if (free_bits == 0) continue;
    size_t i = w * 64 + static_cast<size_t>(std::countr_zero(free_bits));
    if (i >= kCellsPerChunk) break;
    c->occupied[w] |= uint64_t{1} << (i % 64);
    c->cells[i].word().store(initial.bits(), std::memory_order_relaxed);
    if (++c->live == kCellsPerChunk) with_space_.pop_back();
    ++live_;
    return &c->cells[i];
  }
  Fatal("root-cell chunk %p claims free space but has none", c);
}

void RootCellTable::Free(RootCell* cell) {
  auto* c = reinterpret_cast<Chunk*>(reinterpret_cast<uintptr_t>(cell) & ~(kChunkBytes - 1));
  std::lock_guard<std::mutex> lock(mu_);
  // Look the chunk up before touching it: a stray pointer must give a message, not a fault.
  bool known = std::find(chunks_.begin(), chunks_.end(), c) != chunks_.end();
  size_t i = static_cast<size_t>(cell - c->cells);
  MOSAIC_CHECK(known && i < kCellsPerChunk && ((c->occupied[i / 64] >> (i % 64)) & 1),
               "FreeRootCell(%p): not a live root cell of this heap (freed twice?)", cell);
  c->occupied[i / 64] &= ~(uint64_t{1} << (i % 64));
  cell->word().store(0, std::memory_order_relaxed);
  if (c->live-- == kCellsPerChunk) with_space_.push_back(c);
  --live_;
}

size_t RootCellTable::live() const {
  std::lock_guard<std::mutex> lock(mu_);
  return live_;
}

}  // namespace mosaic::internal
