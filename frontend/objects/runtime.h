// toylang::Runtime: the per-engine state of the object model — the Mosaic kinds registered for
// toylang's types and the symbol table (which also reaches every global variable's box).
//
//   mosaic::MutatorScope mutator(*heap);                     // register the thread first
//   auto runtime = toylang::Runtime::Create(*heap).value();  // becomes the thread's runtime
//   toylang::Value s = toylang::MakeString("x");             // constructors use it
//
// One Runtime per engine, created on the (registered) thread that runs the engine; it becomes
// that thread's current runtime until it is destroyed, and every constructor in objects.h uses
// the current thread's runtime. Destroy it before unregistering the thread and before the heap.
// Order: Heap::Create, register the thread, Runtime::Create, ..., ~Runtime, unregister, ~Heap.
//
// Other threads (toylang's threads, frontend/builtins/threads.cc) share the runtime: each
// registers with the heap and makes the runtime current with a Runtime::ThreadScope. The
// symbol table and global boxes are made under a lock (HeapMutex), so interning from several
// threads at once is safe.
#ifndef TOYLANG_FRONTEND_OBJECTS_RUNTIME_H_
#define TOYLANG_FRONTEND_OBJECTS_RUNTIME_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string_view>

#include "absl/status/statusor.h"
#include "frontend/objects/heap_mutex.h"
#include "frontend/objects/objects.h"
#include "mosaic/heap.h"

namespace toylang {

class Runtime {
 public:
  // Registers (or, on a heap that already has them, finds) toylang's kinds and creates the
  // symbol table. Requires the calling thread to be registered with `heap`; FailedPrecondition
  // otherwise.
  static absl::StatusOr<std::unique_ptr<Runtime>> Create(mosaic::Heap& heap);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // The current thread's runtime, or nullptr.
  static Runtime* Current();
  // As Current(), but a missing runtime is a fatal error with a clear message.
  static Runtime& Get();

  mosaic::Heap& heap() const { return heap_; }
  mosaic::KindId kind(ObjType type) const { return kinds_[static_cast<int>(type)]; }
  size_t symbol_count() const { return symbol_count_; }
  // How many collections of the heap have ended since this Runtime was created (a heap event
  // listener counts them). Weak hash tables compare it with the count at their last sweep:
  // entries can only have been cleared if it moved.
  uint64_t collections_seen() const { return collections_seen_->load(std::memory_order_relaxed); }

  // Allocates an object of `type` with `slots` words after the header, the header's length
  // field set to `length`. Every slot is zero (the Value 0, not a reference). May collect.
  void* AllocateObject(ObjType type, size_t slots, uint64_t length);

  // Slots the built-ins keep values in for the runtime's life (roots): the standard ports.
  static constexpr size_t kBuiltinRoots = 4;
  Value builtin_root(size_t i) const { return VectorData(builtin_roots_)[i]; }
  void set_builtin_root(size_t i, Value v) { VectorSet(builtin_roots_, i, v); }

  // Used by Intern and GlobalBox (objects.h).
  Value Intern(std::string_view name);
  // Serialises the creation of symbols and of global boxes (objects.cc).
  HeapMutex& table_mutex() { return table_mu_; }

  // Makes `runtime` the calling thread's current runtime for the scope's life (another thread
  // that runs toylang code of the same engine; it must be registered with the same heap).
  class ThreadScope {
   public:
    explicit ThreadScope(Runtime& runtime);
    ~ThreadScope();
    ThreadScope(const ThreadScope&) = delete;
    ThreadScope& operator=(const ThreadScope&) = delete;

   private:
    Runtime* previous_;
  };

 private:
  explicit Runtime(mosaic::Heap& heap);
  void GrowSymbolTable();

  mosaic::Heap& heap_;
  mosaic::KindId kinds_[kNumObjTypes] = {};
  // The symbol table: an open-addressing vector of symbols (#f = empty slot). Registered with
  // Heap::AddGlobalRoot, so every interned symbol and every global box stays reachable.
  Value symbols_;
  Value builtin_roots_;  // a vector of kBuiltinRoots slots, registered like symbols_
  size_t symbol_count_ = 0;
  HeapMutex table_mu_;
  bool root_added_ = false;
  // Shared with the listener, which may still be running on a collecting thread while this
  // Runtime is destroyed.
  std::shared_ptr<std::atomic<uint64_t>> collections_seen_ =
      std::make_shared<std::atomic<uint64_t>>(0);
  int listener_id_ = -1;
  Runtime* previous_ = nullptr;  // the thread's runtime before this one, restored on destruction
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_RUNTIME_H_
