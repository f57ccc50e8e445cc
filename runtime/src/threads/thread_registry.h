// The registered threads and stop-the-world: registration, safepoints, native regions, and the
// watchdog that names a thread that does not arrive. See threads/mutator.h for a thread's state
// machine.
//
// The handshake between a collector and a thread leaving native code is Dekker-style, both sides
// sequentially consistent: the collector stores the flag, then reads each thread's state; a
// thread leaving native code stores kRunning, then reads the flag. At least one of them sees the
// other, so either the collector waits for the thread, or the thread parks before touching the
// heap.
//
// Order of calls for a collection: StopTheWorld (false: another thread is collecting, and this
// one has parked for that collection instead); Snapshot; ...; ResumeTheWorld.
//
// Locking: the registry's lock (world_mu_) is the first in the runtime's lock order; no mutator
// parks while holding any runtime lock, so the collector may take every other lock in the pause.
#ifndef MOSAIC_SRC_THREADS_THREAD_REGISTRY_H_
#define MOSAIC_SRC_THREADS_THREAD_REGISTRY_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "threads/mutator.h"

namespace mosaic::internal {

class ThreadRegistry {
 public:
  struct Config {
    uint32_t watchdog_ms = 2000;  // name a thread that has not parked after this long; 0: never
    bool watchdog_abort = false;  // and then abort instead of waiting on
    // Called for each thread that leaves (by unregistering, or by exiting while registered),
    // under the registry's lock with no collection running.
    std::function<void(Mutator*)> before_removal;
  };

  explicit ThreadRegistry(Config config) : config_(config) {}
  // Fatal while threads are still registered.
  ~ThreadRegistry();
  ThreadRegistry(const ThreadRegistry&) = delete;
  ThreadRegistry& operator=(const ThreadRegistry&) = delete;

  // Registers the calling thread for `heap` and makes it the current mutator. AlreadyExists if
  // it is registered with this registry, FailedPrecondition if with another.
  absl::StatusOr<Mutator*> RegisterCurrentThread(HeapImpl* heap);
  // Parks for as long as collections are running, then calls Config::before_removal and forgets
  // the thread. A thread that exits while registered is unregistered this way on its way out
  // (from a thread_local destructor), with a warning: otherwise every later collection would
  // wait for it for ever.
  absl::Status UnregisterCurrentThread();
  size_t Count() const;

  // The flag inline code polls: non-zero while a collection wants the world stopped.
  const volatile uint32_t* safepoint_flag() const {
    return reinterpret_cast<const volatile uint32_t*>(&poll_.stop);
  }
  // The word beside it, which the runtime never reads or writes (Heap::EmbedderPollWord).
  std::atomic<uint32_t>* embedder_poll_word() { return &poll_.embedder; }
  bool StopRequested() const { return poll_.stop.load(std::memory_order_relaxed) != 0; }

  // Parks `self` (spilling its registers) if a collection is running.
  void SafepointSlow(Mutator* self, bool leaving_native = false);
  // `caller_registers` (12 words, or null to spill here) are the callee-saved registers as the
  // embedder's code held them when it called the public entry point.
  void EnterNative(Mutator* self, const uintptr_t* caller_registers = nullptr);
  void LeaveNative(Mutator* self);

  // Raises the flag and waits until every other mutator is parked or in native code. `self` has
  // recorded its stack top already.
  bool StopTheWorld(Mutator* self, uint64_t* time_to_safepoint_ns);
  // The registered threads; stable between StopTheWorld and ResumeTheWorld.
  std::vector<Mutator*> Snapshot() const;
  void ResumeTheWorld();

 private:
  friend class ThreadExitGuard;
  void ParkLocked(Mutator* self, std::unique_lock<std::mutex>& lock);
  // The calling thread is exiting while registered.
  void UnregisterExitingThread(Mutator* m);

  const Config config_;
  mutable std::mutex world_mu_;
  std::condition_variable parked_cv_;
  std::condition_variable resume_cv_;
  std::vector<Mutator*> mutators_ ABSL_GUARDED_BY(world_mu_);
  bool collecting_ ABSL_GUARDED_BY(world_mu_) = false;
  uint64_t next_mutator_id_ ABSL_GUARDED_BY(world_mu_) = 1;
  // The safepoint flag, and beside it in the same aligned 8 bytes the embedder's word: code that
  // polls for both tests them with one 64-bit load.
  struct alignas(8) PollWords {
    std::atomic<uint32_t> stop{0};
    std::atomic<uint32_t> embedder{0};
  };
  static_assert(sizeof(PollWords) == 8 && offsetof(PollWords, embedder) == 4);
  PollWords poll_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_THREADS_THREAD_REGISTRY_H_
