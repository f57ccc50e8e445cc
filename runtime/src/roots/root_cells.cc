#include "roots/root_cells.h"

#include <algorithm>
#include <cstdlib>
#include <new>
#include <thread>

#include "common/check.h"
#include "roots/cell_writers.h"

namespace mosaic::internal {

class RootCellTable::WriteScope {
 public:
  explicit WriteScope(const RootCell* cell)
      : table_(ChunkOf(cell)->table), slot_(CurrentCellWriterSlot()) {
    for (;;) {
      slot_->writing.store(table_, std::memory_order_seq_cst);
      if (!table_->scanning_.load(std::memory_order_seq_cst)) return;
      // A scan is under way: step back and let it finish.
      slot_->writing.store(nullptr, std::memory_order_seq_cst);
      while (table_->scanning_.load(std::memory_order_acquire)) std::this_thread::yield();
    }
  }
  ~WriteScope() { slot_->writing.store(nullptr, std::memory_order_release); }
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;

 private:
  const RootCellTable* table_;
  CellWriterSlot* slot_;
};

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
    c->table = this;
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
    // Under the lock, so never during a scan: the new cell and its value appear together.
    c->cells[i].word().store(initial.bits(), std::memory_order_release);
    c->occupied[w] |= uint64_t{1} << (i % 64);
    if (++c->live == kCellsPerChunk) with_space_.pop_back();
    ++live_;
    return &c->cells[i];
  }
  Fatal("root-cell chunk %p claims free space but has none", c);
}

bool RootCellTable::IsLive(const RootCell* cell) const {
  Chunk* c = ChunkOf(cell);
  std::lock_guard<std::mutex> lock(mu_);
  // Look the chunk up before touching it: a stray pointer must give an answer, not a fault.
  if (std::find(chunks_.begin(), chunks_.end(), c) == chunks_.end()) return false;
  size_t i = static_cast<size_t>(cell - c->cells);
  return i < kCellsPerChunk && ((c->occupied[i / 64] >> (i % 64)) & 1);
}

void RootCellTable::Free(RootCell* cell) {
  Chunk* c = ChunkOf(cell);
  std::lock_guard<std::mutex> lock(mu_);
  bool known = std::find(chunks_.begin(), chunks_.end(), c) != chunks_.end();
  size_t i = static_cast<size_t>(cell - c->cells);
  MOSAIC_CHECK(known && i < kCellsPerChunk && ((c->occupied[i / 64] >> (i % 64)) & 1),
               "FreeRootCell(%p): not a live root cell of this heap (freed twice?)", cell);
  c->occupied[i / 64] &= ~(uint64_t{1} << (i % 64));
  cell->word().store(0, std::memory_order_release);
  if (c->live-- == kCellsPerChunk) with_space_.push_back(c);
  --live_;
}

size_t RootCellTable::live() const {
  std::lock_guard<std::mutex> lock(mu_);
  return live_;
}

void RootCellTable::Store(RootCell* cell, uint64_t bits, std::memory_order order) {
  WriteScope scope(cell);
  cell->word().store(bits, order);
}

uint64_t RootCellTable::Exchange(RootCell* cell, uint64_t bits, std::memory_order order) {
  WriteScope scope(cell);
  return cell->word().exchange(bits, order);
}

bool RootCellTable::CompareExchange(RootCell* cell, uint64_t* expected, uint64_t desired,
                                    bool weak, std::memory_order success,
                                    std::memory_order failure) {
  WriteScope scope(cell);
  return weak ? cell->word().compare_exchange_weak(*expected, desired, success, failure)
              : cell->word().compare_exchange_strong(*expected, desired, success, failure);
}

Value RootCellTable::WeakLoad(const RootCell* cell, std::memory_order order) {
  WriteScope scope(cell);  // excluded from ClearDead, as writes are
  Value v = cell->Load(order);
  RootCellTable* table = ChunkOf(cell)->table;
  if (v.IsHeapReference() && table->shading_.load(std::memory_order_seq_cst)) {
    std::lock_guard<std::mutex> lock(table->shades_mu_);
    table->shades_.push_back(v);
  }
  return v;
}

void RootCellTable::BeginCycle() { shading_.store(true, std::memory_order_seq_cst); }

size_t RootCellTable::ClearDead(absl::FunctionRef<void(Value)> mark,
                                absl::FunctionRef<void()> finish,
                                absl::FunctionRef<bool(Value)> is_marked) {
  std::lock_guard<std::mutex> lock(mu_);
  scanning_.store(true, std::memory_order_seq_cst);
  WaitForCellWriters(this);
  for (;;) {
    std::vector<Value> shades;
    {
      std::lock_guard<std::mutex> shades_lock(shades_mu_);
      shades.swap(shades_);
    }
    if (shades.empty()) break;
    for (Value v : shades) mark(v);
    finish();
  }
  shading_.store(false, std::memory_order_seq_cst);
  size_t cleared = 0;
  for (Chunk* c : chunks_) {
    for (size_t w = 0; w < kBitmapWords; ++w) {
      uint64_t bits = c->occupied[w];
      while (bits != 0) {
        size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        Value v = c->cells[i].Load(std::memory_order_acquire);
        if (v.IsHeapReference() && !is_marked(v)) {
          c->cells[i].word().store(Value::BrokenWeak().bits(), std::memory_order_release);
          ++cleared;
        }
      }
    }
  }
  scanning_.store(false, std::memory_order_release);
  return cleared;
}

size_t RootCellTable::ForEachLive(absl::FunctionRef<void(Value value)> visit) const {
  std::lock_guard<std::mutex> lock(mu_);
  scanning_.store(true, std::memory_order_seq_cst);
  WaitForCellWriters(this);
  size_t visited = 0;
  for (const Chunk* c : chunks_) {
    for (size_t w = 0; w < kBitmapWords; ++w) {
      uint64_t bits = c->occupied[w];
      while (bits != 0) {
        size_t i = w * 64 + static_cast<size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        visit(c->cells[i].Load(std::memory_order_acquire));
        ++visited;
      }
    }
  }
  scanning_.store(false, std::memory_order_release);
  return visited;
}

// The exported entry points of RootCell's writes.
void RootCellStore(RootCell* cell, uint64_t bits, std::memory_order order) {
  RootCellTable::Store(cell, bits, order);
}
uint64_t RootCellExchange(RootCell* cell, uint64_t bits, std::memory_order order) {
  return RootCellTable::Exchange(cell, bits, order);
}
bool RootCellCompareExchange(RootCell* cell, uint64_t* expected, uint64_t desired, bool weak,
                             std::memory_order success, std::memory_order failure) {
  return RootCellTable::CompareExchange(cell, expected, desired, weak, success, failure);
}
uint64_t WeakRootCellLoad(const RootCell* cell, std::memory_order order) {
  return RootCellTable::WeakLoad(cell, order).bits();
}

}  // namespace mosaic::internal
