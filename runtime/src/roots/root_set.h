// The roots that are not stacks: global slots registered by the embedder, root cells, and the
// hook through which a stack walker (stackmaps/) takes over the scan of thread stacks. Handles
// live in each thread's record (threads/mutator.h); stacks are the collector's to scan.
//
// Locking: globals have their own lock, root cells theirs (roots/root_cells.h); the walker is an
// atomic pointer.
#ifndef MOSAIC_SRC_ROOTS_ROOT_SET_H_
#define MOSAIC_SRC_ROOTS_ROOT_SET_H_

#include <atomic>
#include <cstddef>
#include <mutex>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "mosaic/roots.h"
#include "roots/root_cells.h"

namespace mosaic::internal {

class RootSet {
 public:
  RootSet() = default;
  RootSet(const RootSet&) = delete;
  RootSet& operator=(const RootSet&) = delete;

  void AddGlobal(Value* slot);
  // Fatal if `slot` is not registered.
  void RemoveGlobal(Value* slot);
  // Calls visit(slot) for each global slot; returns how many.
  size_t ForEachGlobal(absl::FunctionRef<void(Value* slot)> visit);

  RootCellTable& cells() { return cells_; }
  const RootCellTable& cells() const { return cells_; }
  // Weak root cells: not roots; cleared after marking (roots/root_cells.h).
  RootCellTable& weak_cells() { return weak_cells_; }

  void SetStackWalker(StackWalker* walker) { walker_.store(walker, std::memory_order_release); }
  StackWalker* stack_walker() const { return walker_.load(std::memory_order_acquire); }

 private:
  std::mutex mu_;
  absl::flat_hash_set<Value*> globals_ ABSL_GUARDED_BY(mu_);
  RootCellTable cells_;
  RootCellTable weak_cells_{/*weak=*/true};
  std::atomic<StackWalker*> walker_{nullptr};
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ROOTS_ROOT_SET_H_
