// toylang's threads: SRFI-18's core (threads, mutexes, condition variables) and atomic boxes.
// The built-ins are in threads.cc; this header is what an engine needs: one ThreadSystem per
// engine, made on the engine's thread (EngineThread, frontend/engine/setup.h, does it), and
// stopped first thing in the engine's destructor.
//
//   ThreadSystem threads(heap, runtime);            // this thread is the primordial thread
//   ... programs start threads ...
//   threads.Shutdown([&] { engine.RequestInterrupt(); });  // before the engine goes
//
// Every toylang thread is an OS thread registered with the heap (a mutator) with the engine's
// runtime current; it runs its thunk through CallContext::RunThread, so each engine sets up its
// own per-thread state. A thread that waits (join, mutex, condition variable, sleep) waits in
// a native region: it never holds up a collection. docs/design/threads.md has the decisions.
#ifndef TOYLANG_FRONTEND_BUILTINS_THREADS_H_
#define TOYLANG_FRONTEND_BUILTINS_THREADS_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>

#include "mosaic/heap.h"
#include "mosaic/roots.h"

namespace toylang {

class Runtime;

namespace threads_internal {
struct ThreadRecord;
}  // namespace threads_internal

class ThreadSystem {
 public:
  // On the engine's thread, a registered mutator with `runtime` current; that thread becomes
  // the program's primordial thread ((current-thread) there).
  ThreadSystem(mosaic::Heap& heap, Runtime& runtime);
  // Calls Shutdown (with no interrupt) if the engine has not.
  ~ThreadSystem();
  ThreadSystem(const ThreadSystem&) = delete;
  ThreadSystem& operator=(const ThreadSystem&) = delete;

  // The calling thread's system (the engine thread's, or that of the engine whose toylang
  // thread this is), or nullptr.
  static ThreadSystem* Current();

  // Ends the program's other threads: refuses new ones, calls `interrupt` (the engine's
  // RequestInterrupt: every running thread stops at its next poll or wait with the error
  // "interrupted", which nobody reports) when some are running, and waits, in a native region,
  // until every one has unregistered from the heap. On the engine thread; idempotent.
  void Shutdown(const std::function<void()>& interrupt);

  // After an interrupt: waits, in a native region, until every thread the program started has
  // ended (each stops at its next poll or wait, and they all do). An engine calls it before it
  // clears a pending interrupt at the start of Eval, so that no thread misses the interrupt.
  void AwaitAllEnded();

  // Threads started and not yet ended.
  int RunningForTesting();

  // --- For threads.cc --------------------------------------------------------------------------
  mosaic::Heap& heap() { return heap_; }
  Runtime& runtime() { return runtime_; }
  // Guards every field of every thread, mutex and condition variable state; `changed_` is
  // notified at each change. Held only in short sections that neither allocate nor wait for
  // another thread except through `changed_` inside a native region.
  std::mutex mu_;
  std::condition_variable changed_;
  int running_ = 0;        // under mu_
  bool stopping_ = false;  // under mu_
  // Whether a thread was ever started: until then the engine thread is the only writer of the
  // output and needs no lock.
  std::atomic<bool> multi_{false};
  std::mutex out_mu_;  // one display/write/newline at a time (held in a native region)
  std::atomic<uint64_t> next_id_{1};
  std::shared_ptr<threads_internal::ThreadRecord> primordial_;

 private:
  mosaic::Heap& heap_;
  Runtime& runtime_;
  bool shut_down_ = false;
  ThreadSystem* previous_system_;
  threads_internal::ThreadRecord* previous_record_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_THREADS_H_
