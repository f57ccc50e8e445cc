// What every engine sets up before it runs anything, in this order: the heap it runs on
// (CreateEngineHeap), then the calling thread as the heap's mutator with the toylang runtime
// current on it and the built-ins defined (EngineThread). An engine destroys them in reverse:
// the EngineThread (runtime, then the thread's registration) before the heap.
//
//   absl::StatusOr<std::unique_ptr<mosaic::Heap>> heap = CreateEngineHeap(options);
//   absl::StatusOr<std::unique_ptr<EngineThread>> thread = EngineThread::Start(**heap);
//   Value car = BoxRef(GlobalBox(Intern("car")));             // a primitive procedure
#ifndef TOYLANG_FRONTEND_ENGINE_SETUP_H_
#define TOYLANG_FRONTEND_ENGINE_SETUP_H_

#include <memory>

#include "absl/status/statusor.h"
#include "frontend/builtins/dynamic_env.h"
#include "frontend/builtins/threads.h"
#include "frontend/engine/engine.h"
#include "frontend/objects/runtime.h"
#include "mosaic/heap.h"

namespace toylang {

// The heap every engine runs on: `options.gc_options` parsed (a bad string is
// InvalidArgument naming the option), and running out of memory turned into the toylang error
// "heap limit reached".
absl::StatusOr<std::unique_ptr<mosaic::Heap>> CreateEngineHeap(const EngineOptions& options);

// The calling thread as an engine's mutator: registered with the heap, with a toylang Runtime
// (frontend/objects/runtime.h) current on it, every built-in defined as a global, and the
// program's ThreadSystem (this thread its primordial thread). The heap
// must outlive it, and its destructor must run on the same thread.
class EngineThread {
 public:
  // Fails if the thread cannot register (say, it already is) or the runtime cannot be created;
  // RESOURCE_EXHAUSTED ("heap limit reached ...") when the heap is too small for the built-ins.
  static absl::StatusOr<std::unique_ptr<EngineThread>> Start(mosaic::Heap& heap);
  // Stops the threads, destroys the runtime, then unregisters the thread (runtime.h's order).
  ~EngineThread();
  EngineThread(const EngineThread&) = delete;
  EngineThread& operator=(const EngineThread&) = delete;

  Runtime& runtime() { return *runtime_; }
  // The program's threads (frontend/builtins/threads.h). An engine calls
  // threads().Shutdown(interrupt) first in its destructor, while everything its threads use
  // still exists; the destructor here only waits for threads no one interrupted.
  ThreadSystem& threads() { return *threads_; }

 private:
  explicit EngineThread(mosaic::Heap& heap) : heap_(heap) {}

  mosaic::Heap& heap_;
  bool registered_ = false;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<DynamicStateScope> dynamic_;  // this thread's handlers and parameterization
  std::unique_ptr<ThreadSystem> threads_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ENGINE_SETUP_H_
