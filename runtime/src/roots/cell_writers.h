// Which threads are writing a root cell right now: the other half of the handshake that lets the
// collector read every cell as one atomic snapshot while threads it never stops keep writing.
//
// Each thread that writes a cell gets a slot of its own (a cache line, so writers on different
// threads do not share one), found through a thread_local pointer and handed back when the thread
// exits. A writer announces the table it is about to write in its slot, then checks the table's
// scanning flag; the collector raises the flag, then waits until no slot names its table. Both
// sides use sequentially consistent accesses (Dekker), so either the writer sees the flag and
// waits, or the collector sees the writer and waits for it to finish.
#ifndef MOSAIC_SRC_ROOTS_CELL_WRITERS_H_
#define MOSAIC_SRC_ROOTS_CELL_WRITERS_H_

#include <atomic>

#include "absl/functional/function_ref.h"

namespace mosaic::internal {

struct alignas(64) CellWriterSlot {
  // The table this thread is writing, or nullptr.
  std::atomic<const void*> writing{nullptr};
  CellWriterSlot* next = nullptr;  // every slot, in creation order (never unlinked)
  bool in_use = false;             // guarded by the registry's lock
};

// The calling thread's slot, created on first use.
CellWriterSlot* CurrentCellWriterSlot();

// Waits until no slot names `table` (its scanning flag must already be raised).
void WaitForCellWriters(const void* table);

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ROOTS_CELL_WRITERS_H_
