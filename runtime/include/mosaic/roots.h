// Roots other than the conservative stack scan: scoped handles, root cells, and the interface
// through which a stack walker (stackmaps/) visits JIT frames precisely.
//
// Which to use:
//   - Nothing, in C++ code on a registered thread: values in locals are found by the conservative
//     stack scan.
//   - HandleScope/Handle, when C++ code wants a precise root it can point at (values kept in
//     heap-allocated C++ objects, or code that must work with a precise-only configuration).
//   - Heap::AddGlobalRoot for a static or long-lived Value slot.
//   - RootCell, when another runtime (or another thread) holds a reference into the heap and
//     updates it atomically.
#ifndef MOSAIC_ROOTS_H_
#define MOSAIC_ROOTS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "mosaic/export.h"
#include "mosaic/value.h"

namespace mosaic {

namespace internal {
struct Mutator;
}  // namespace internal

// ---------------------------------------------------------------------------------------------
// Handles: precise roots owned by a scope on the current thread.
//
//   HandleScope scope;            // requires a registered thread
//   Handle list(AllocatePair(Value::Fixnum(1), Value::Nil()));
//   Collect();                    // list.get() survives and is unchanged (the heap never moves)
//
// Scopes nest strictly (LIFO); a Handle must not outlive its scope.
class MOSAIC_EXPORT HandleScope {
 public:
  HandleScope();
  ~HandleScope();
  HandleScope(const HandleScope&) = delete;
  HandleScope& operator=(const HandleScope&) = delete;

 private:
  internal::Mutator* mutator_;
  size_t saved_top_;
};

class MOSAIC_EXPORT Handle {
 public:
  explicit Handle(Value value = Value());
  Value get() const { return *slot_; }
  void set(Value value) { *slot_ = value; }
  Value* slot() const { return slot_; }

 private:
  Value* slot_;
};

// ---------------------------------------------------------------------------------------------
// Root cells: atomic tagged words through which other runtimes point into the heap.
//
//   RootCell* cell = heap->NewRootCell(v);
//   cell->Store(w);                                    // release
//   Value expected = w;
//   cell->CompareExchangeStrong(expected, x);          // acq_rel on success, acquire on failure
//   heap->FreeRootCell(cell);
//
// Memory orders: Load is acquire and Store release by default, so a thread that publishes an
// object through a cell and a thread that loads it agree on the object's contents. Exchange and
// the compare-exchanges are acq_rel (acquire on failure). Each takes an explicit order too.
//
// Any thread, any time: every operation (Heap::NewRootCell and FreeRootCell included) may come
// from a registered thread, from one inside a native region, or from a thread that never
// registered, while collections run. A collection visits the cells as one atomic snapshot:
// creating, freeing and writing cells wait for the few microseconds the collector takes to read
// the cells' bitmaps, and a write that began before is finished first. So an object is kept alive
// as long as some live cell holds it at every instant; to move an object from cell A to cell B,
// store it into B (or create B with it) before freeing or overwriting A. A value loaded from a
// cell stays valid while some cell or other root holds it. Loading a freed cell reads null
// (Value()); the C API reports it as NOT_FOUND. docs/embedding.md says more.
class RootCell;

namespace internal {
// The out-of-line writes behind RootCell's methods: each waits out a collector's scan of the
// cells, then writes.
MOSAIC_EXPORT void RootCellStore(RootCell* cell, uint64_t bits, std::memory_order order);
MOSAIC_EXPORT uint64_t RootCellExchange(RootCell* cell, uint64_t bits, std::memory_order order);
MOSAIC_EXPORT bool RootCellCompareExchange(RootCell* cell, uint64_t* expected, uint64_t desired,
                                           bool weak, std::memory_order success,
                                           std::memory_order failure);
MOSAIC_EXPORT uint64_t WeakRootCellLoad(const RootCell* cell, std::memory_order order);
}  // namespace internal

class RootCell {
 public:
  Value Load(std::memory_order order = std::memory_order_acquire) const {
    return Value::FromBits(word_.load(order));
  }
  void Store(Value value, std::memory_order order = std::memory_order_release) {
    internal::RootCellStore(this, value.bits(), order);
  }
  Value Exchange(Value value, std::memory_order order = std::memory_order_acq_rel) {
    return Value::FromBits(internal::RootCellExchange(this, value.bits(), order));
  }
  // On failure, `expected` receives the current value.
  bool CompareExchangeStrong(Value& expected, Value desired,
                             std::memory_order success = std::memory_order_acq_rel,
                             std::memory_order failure = std::memory_order_acquire) {
    uint64_t bits = expected.bits();
    bool ok = internal::RootCellCompareExchange(this, &bits, desired.bits(), false, success,
                                                failure);
    expected = Value::FromBits(bits);
    return ok;
  }
  // May fail spuriously; use in a loop.
  bool CompareExchangeWeak(Value& expected, Value desired,
                           std::memory_order success = std::memory_order_acq_rel,
                           std::memory_order failure = std::memory_order_acquire) {
    uint64_t bits = expected.bits();
    bool ok = internal::RootCellCompareExchange(this, &bits, desired.bits(), true, success,
                                                failure);
    expected = Value::FromBits(bits);
    return ok;
  }

  // For the runtime's cell table.
  std::atomic<uint64_t>& word() { return word_; }

 private:
  std::atomic<uint64_t> word_{0};
};
static_assert(sizeof(RootCell) == 8);

// A weak root cell: a root cell that does not keep its value alive. Once the value is
// unreachable otherwise, a collection replaces it with Value::BrokenWeak() (mosaic/weak.h has the
// order of events). Same operations, orders and any-thread guarantee as RootCell. A Load while a
// collection is marking keeps the loaded value alive through that collection, so a thread that
// wants a strong reference can store the value into a RootCell and load the weak cell again: if
// it still holds the value, the RootCell keeps it; if it reads BrokenWeak, the value was dead.
//
//   WeakRootCell* w = heap->NewWeakRootCell(v);
//   Value x = w->Load();                      // v, or Value::BrokenWeak() once collected
//   heap->FreeWeakRootCell(w);
class WeakRootCell {
 public:
  Value Load(std::memory_order order = std::memory_order_acquire) const {
    return Value::FromBits(internal::WeakRootCellLoad(&cell_, order));
  }
  void Store(Value value, std::memory_order order = std::memory_order_release) {
    cell_.Store(value, order);
  }
  Value Exchange(Value value, std::memory_order order = std::memory_order_acq_rel) {
    return cell_.Exchange(value, order);
  }
  bool CompareExchangeStrong(Value& expected, Value desired,
                             std::memory_order success = std::memory_order_acq_rel,
                             std::memory_order failure = std::memory_order_acquire) {
    return cell_.CompareExchangeStrong(expected, desired, success, failure);
  }

  // For the runtime's cell table.
  RootCell* cell() { return &cell_; }

 private:
  RootCell cell_;
};
static_assert(sizeof(WeakRootCell) == 8);

// ---------------------------------------------------------------------------------------------
// Stack walking. By default the collector scans each mutator's whole stack conservatively. An
// embedder with precise knowledge of some frames (JIT code with stack maps) installs a
// StackWalker with Heap::SetStackWalker; the collector then calls it once per parked mutator and
// the walker decides, span by span, what is visited precisely and what conservatively.

// One parked mutator's stack, as the collector sees it. The stack grows down: `top` is the
// lowest address in use (below the spilled callee-saved registers), `base` one past the highest.
struct ThreadStack {
  const void* top = nullptr;
  const void* base = nullptr;
  // The head of the thread's activation list (JIT entry/exit records), opaque to the runtime;
  // see mosaic/internal/mutator_layout.h.
  void* activations = nullptr;
  // Frame pointer at the moment the thread parked (the parking frame's own), for walkers that
  // follow frame-pointer chains.
  const void* frame_pointer = nullptr;
};

// A word that may or may not be a reference: a stack word, a spilled register. The collector
// keeps alive whatever allocated object it lands inside (interior pointers count, tags are
// ignored). Deliberately not convertible to or from Value, so that a conservative candidate
// cannot reach the precise path, or a precise root the conservative one, by accident.
class AmbiguousWord {
 public:
  explicit constexpr AmbiguousWord(uintptr_t bits) : bits_(bits) {}
  constexpr uintptr_t bits() const { return bits_; }

 private:
  uintptr_t bits_;
};

class RootVisitor {
 public:
  // A precise root: a slot known to hold a Value. The tag rule decides whether it is a reference
  // (an object's untagged start address is accepted too); fixnums, immediates and null are
  // ignored, so any slot of a stack map can be handed over as it is.
  virtual void VisitPrecise(Value value) = 0;
  // Every aligned word in [begin, end) is an AmbiguousWord.
  virtual void VisitConservativeRange(const void* begin, const void* end) = 0;
  // Counters the walker reports for the stats.
  virtual void CountJitFrames(uint64_t frames) = 0;

 protected:
  ~RootVisitor() = default;
};

class StackWalker {
 public:
  virtual ~StackWalker() = default;
  // Called inside the pause, once per parked or in-native mutator. Must not allocate from the
  // heap or take locks that a mutator may hold.
  virtual void WalkStack(const ThreadStack& stack, RootVisitor& visitor) = 0;
};

}  // namespace mosaic

#endif  // MOSAIC_ROOTS_H_
