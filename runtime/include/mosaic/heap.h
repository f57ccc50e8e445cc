// The Mosaic heap: creation, object kinds, threads, allocation, collection, finalizers.
//
//   auto heap = mosaic::Heap::Create(mosaic::HeapOptions{}).value();
//   mosaic::KindId vec = heap->RegisterKind({"vector", mosaic::TracePolicy::kAllValues}).value();
//   {
//     mosaic::MutatorScope mutator(*heap);      // this thread may now touch the heap
//     mosaic::Value p = mosaic::AllocatePair(mosaic::Value::Fixnum(1), mosaic::Value::Nil());
//     heap->Collect();                          // p is on the stack: found conservatively
//   }                                           // unregistered; the heap outlives its threads
//
// Order of calls: Create; RegisterKind for every kind (before the kind is allocated); register
// threads; allocate and collect; unregister every thread; destroy the Heap.
#ifndef MOSAIC_HEAP_H_
#define MOSAIC_HEAP_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "mosaic/export.h"
#include "mosaic/internal/write_barrier.h"
#include "mosaic/object.h"
#include "mosaic/options.h"
#include "mosaic/roots.h"
#include "mosaic/stats.h"
#include "mosaic/value.h"

namespace mosaic {

namespace internal {
class HeapImpl;
}

// Called after the object it was registered for became unreachable, outside the collector's
// pause, on the thread that collected. The object and everything it references stay valid for
// the call; storing the object somewhere reachable resurrects it (its finalizer has still run).
using Finalizer = std::function<void(Value object)>;
using EventListener = std::function<void(const GcEvent& event)>;

class MOSAIC_EXPORT Heap {
 public:
  static absl::StatusOr<std::unique_ptr<Heap>> Create(const HeapOptions& options);
  static absl::StatusOr<std::unique_ptr<Heap>> Create();
  // Requires that no thread is registered any more.
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  const HeapOptions& options() const;

  // Kinds. Registering is thread-safe; at most 65,531 kinds (the top ids are the runtime's own:
  // mosaic/object.h).
  absl::StatusOr<KindId> RegisterKind(const KindDescriptor& kind);
  const KindDescriptor* FindKind(KindId id) const;

  // Threads. A thread registers before it touches the heap and unregisters before it exits.
  // Registering a thread twice is AlreadyExists; registering with a second heap while registered
  // with one is FailedPrecondition; unregistering a thread that is not registered is
  // FailedPrecondition.
  absl::Status RegisterCurrentThread();
  absl::Status UnregisterCurrentThread();
  size_t RegisteredThreadCount() const;

  // Stops the world, collects, and runs pending finalizers (after the pause). Must be called from
  // a registered thread (a fatal error otherwise). A major collection by default; kMinor asks
  // for a minor one (major anyway without generational=on).
  void Collect(CollectionKind kind = CollectionKind::kMajor);

  // Precise roots.
  void AddGlobalRoot(Value* slot);
  void RemoveGlobalRoot(Value* slot);
  RootCell* NewRootCell(Value initial = Value());
  void FreeRootCell(RootCell* cell);
  size_t LiveRootCellCount() const;
  // Weak root cells (mosaic/roots.h): from any thread, like root cells.
  WeakRootCell* NewWeakRootCell(Value initial = Value());
  void FreeWeakRootCell(WeakRootCell* cell);
  size_t LiveWeakRootCellCount() const;

  // Finalizers: `finalizer` runs exactly once, after `object` becomes unreachable.
  void RegisterFinalizer(Value object, Finalizer finalizer);
  // Runs finalizers queued by earlier collections. Collect() does this itself; a thread that
  // collects from the allocation slow path runs them before the allocation returns.
  void RunPendingFinalizers();
  size_t PendingFinalizerCount() const;

  // The collector walks stacks conservatively unless a walker is installed (nullptr: default).
  // The walker must outlive its installation.
  void SetStackWalker(StackWalker* walker);

  // Statistics and events.
  GcStats Stats() const;
  // Listeners run after each collection, outside the pause, with no runtime lock held.
  int AddEventListener(EventListener listener);
  void RemoveEventListener(int id);

  // Queries.
  bool Contains(const void* address) const;  // inside the heap's reservation
  // The object an address points into (interior, tagged or exact), as a reference Value, or
  // Value() when the address is not inside an allocated object.
  Value FindObject(const void* address) const;
  // The size of the cell that holds a referenced object (>= what was asked for).
  size_t CellSize(Value object) const;

  // The word that JIT code and interpreters poll: non-zero when a collection wants the world
  // stopped. Reading it needs no lock; act on it by calling Safepoint().
  const volatile uint32_t* SafepointFlagAddress() const;
  // A 32-bit word of the embedder's, right after the safepoint flag (SafepointFlagAddress() + 1;
  // the two together are one 8-byte aligned word). The runtime never reads or writes it. An
  // embedder may keep a reason of its own to poll there (an interrupt request, say): code that
  // polls can then test both with one 64-bit load of SafepointFlagAddress(), and must call
  // Safepoint() in its slow path whenever the first word is non-zero.
  std::atomic<uint32_t>* EmbedderPollWord() const;

  internal::HeapImpl* impl() const { return impl_.get(); }

 private:
  explicit Heap(std::unique_ptr<internal::HeapImpl> impl);
  std::unique_ptr<internal::HeapImpl> impl_;
};

// ---------------------------------------------------------------------------------------------
// The current thread. All of these require a registered thread; calling them from an
// unregistered one is a fatal error that says so.

// RAII registration of the current thread. A registration failure is fatal (use
// Heap::RegisterCurrentThread for a Status).
class MOSAIC_EXPORT MutatorScope {
 public:
  explicit MutatorScope(Heap& heap);
  ~MutatorScope();
  MutatorScope(const MutatorScope&) = delete;
  MutatorScope& operator=(const MutatorScope&) = delete;

 private:
  Heap& heap_;
};

MOSAIC_EXPORT bool IsCurrentThreadRegistered();
// The heap the current thread is registered with, or nullptr.
MOSAIC_EXPORT Heap* CurrentHeap();

// Allocates `bytes` (including the header word; at least 8) for an object of `kind`, writes its
// header with `aux`, and zeroes the rest. Objects above kMaxSmallObjectBytes go to the
// large-object space. May collect. On exhaustion calls the OOM handler (see HeapOptions).
inline void* Allocate(KindId kind, size_t bytes, uint64_t aux = 0);
// As Allocate, but returns nullptr when the heap limit is reached instead of calling the handler.
inline void* TryAllocate(KindId kind, size_t bytes, uint64_t aux = 0);
inline Value AllocatePair(Value car, Value cdr);

// The write barrier: stores `value` into `field`, a field of an existing heap object (a vector
// slot, a pair's car or cdr, a closure's box...), and records the store, so that a minor
// collection finds an old object's new reference to a young one. With generational=on every
// store of a reference into an object that may have survived a collection must go through it;
// a store into an object allocated since the last allocation or safepoint of this thread needs
// none (the object is young), nor does a store of a fixnum or an immediate. Forgetting it frees
// live objects; verify=1 names the object and field before the next minor collection.
// docs/embedding.md, "The write barrier". Requires a registered thread.
inline void WriteField(Value* field, Value value) {
  *field = value;
  internal::RecordWrite(field);
}

// Collects on the current thread's heap.
MOSAIC_EXPORT void Collect();

// A safepoint poll: parks here if a collection is waiting for this thread.
MOSAIC_EXPORT void Safepoint();

// Native regions: code that may block (I/O, a lock, a long computation that does not touch the
// heap). A collection does not wait for a thread in a native region; it scans the thread's stack
// as it was when it entered. Leaving waits for a running collection to finish. Inside a native
// region the thread must not touch heap objects or root cells.
MOSAIC_EXPORT void EnterNative();
MOSAIC_EXPORT void LeaveNative();

class NativeScope {
 public:
  NativeScope() { EnterNative(); }
  ~NativeScope() { LeaveNative(); }
  NativeScope(const NativeScope&) = delete;
  NativeScope& operator=(const NativeScope&) = delete;
};

// Suppresses collections on this thread while alive (allocation still works; the threshold is
// simply ignored). For tests and short critical sections.
class MOSAIC_EXPORT NoGcScope {
 public:
  NoGcScope();
  ~NoGcScope();
  NoGcScope(const NoGcScope&) = delete;
  NoGcScope& operator=(const NoGcScope&) = delete;
};

}  // namespace mosaic

#include "mosaic/internal/allocate_inline.h"

#endif  // MOSAIC_HEAP_H_
