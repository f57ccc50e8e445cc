#include "roots/cell_writers.h"

#include <mutex>
#include <thread>

namespace mosaic::internal {

namespace {

// Slots are never freed: a thread that exits returns its slot for the next thread, and the
// collector walks the list without a lock (it only ever grows at the head, with release).
std::mutex g_slots_mu;
std::atomic<CellWriterSlot*> g_slots{nullptr};

CellWriterSlot* AcquireSlot() {
  std::lock_guard<std::mutex> lock(g_slots_mu);
  for (CellWriterSlot* s = g_slots.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    if (!s->in_use) {
      s->in_use = true;
      return s;
    }
  }
  auto* s = new CellWriterSlot();
  s->in_use = true;
  s->next = g_slots.load(std::memory_order_relaxed);
  g_slots.store(s, std::memory_order_release);
  return s;
}

// Hands the slot back when its thread exits.
struct SlotOwner {
  CellWriterSlot* slot = nullptr;
  ~SlotOwner() {
    if (slot == nullptr) return;
    slot->writing.store(nullptr, std::memory_order_release);
    std::lock_guard<std::mutex> lock(g_slots_mu);
    slot->in_use = false;
  }
};

thread_local SlotOwner tls_slot;

}  // namespace

CellWriterSlot* CurrentCellWriterSlot() {
  if (tls_slot.slot == nullptr) tls_slot.slot = AcquireSlot();
  return tls_slot.slot;
}

void WaitForCellWriters(const void* table) {
  for (CellWriterSlot* s = g_slots.load(std::memory_order_acquire); s != nullptr; s = s->next) {
    while (s->writing.load(std::memory_order_seq_cst) == table) std::this_thread::yield();
  }
}

}  // namespace mosaic::internal
