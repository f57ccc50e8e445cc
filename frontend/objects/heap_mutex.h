// A mutex for toylang's shared tables (the symbol table, an engine's per-node tables), safe to
// hold across an allocation, i.e. across a collection.
//
//   HeapMutex mu;
//   { HeapMutexLock lock(mu); ...allocate, update the table... }
//
// Why not a plain std::mutex: the holder may allocate and so stop at a safepoint while it holds
// the lock, and a collection waits for every registered thread. A thread that blocked on a
// plain mutex outside a native region would never reach a safepoint, and the collection would
// wait for it for ever. Lock() therefore waits inside a native region (mosaic::NativeScope),
// where the collector does not wait for it; the uncontended case is one try_lock.
//
// Requirements: the calling thread is a registered mutator outside a native region, and the
// holder never waits for another thread while it holds the lock (it may collect).
#ifndef TOYLANG_FRONTEND_OBJECTS_HEAP_MUTEX_H_
#define TOYLANG_FRONTEND_OBJECTS_HEAP_MUTEX_H_

#include <mutex>

#include "mosaic/heap.h"

namespace toylang {

class HeapMutex {
 public:
  void Lock() {
    if (mu_.try_lock()) return;
    mosaic::NativeScope native;  // the collector does not wait for this thread
    mu_.lock();
  }
  void Unlock() { mu_.unlock(); }

 private:
  std::mutex mu_;
};

class HeapMutexLock {
 public:
  explicit HeapMutexLock(HeapMutex& mu) : mu_(mu) { mu_.Lock(); }
  ~HeapMutexLock() { mu_.Unlock(); }
  HeapMutexLock(const HeapMutexLock&) = delete;
  HeapMutexLock& operator=(const HeapMutexLock&) = delete;

 private:
  HeapMutex& mu_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_HEAP_MUTEX_H_
