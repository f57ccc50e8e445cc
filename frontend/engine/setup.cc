#include "frontend/engine/setup.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "frontend/builtins/builtins.h"
#include "frontend/common/error.h"

namespace toylang {

absl::StatusOr<std::unique_ptr<mosaic::Heap>> CreateEngineHeap(const EngineOptions& options) {
  absl::StatusOr<mosaic::HeapOptions> heap_options =
      mosaic::HeapOptions::Parse(options.gc_options, mosaic::HeapOptions{});
  if (!heap_options.ok()) return heap_options.status();
  // Out of memory is the program's error, reported like any other and survivable: the
  // allocation that failed unwinds to Eval, and what it would have built is garbage.
  heap_options->oom_handler = [](size_t) { throw Error("heap limit reached"); };
  return mosaic::Heap::Create(*heap_options);
}

absl::StatusOr<std::unique_ptr<EngineThread>> EngineThread::Start(mosaic::Heap& heap) {
  std::unique_ptr<EngineThread> thread(new EngineThread(heap));
  if (absl::Status s = heap.RegisterCurrentThread(); !s.ok()) return s;
  thread->registered_ = true;
  // The runtime's tables and the built-ins live on the heap: a heap-max too small for them
  // runs out here, before any program, and that is the start-up's failure, not a crash.
  try {
    absl::StatusOr<std::unique_ptr<Runtime>> runtime = Runtime::Create(heap);
    if (!runtime.ok()) return runtime.status();
    thread->runtime_ = std::move(*runtime);
    InstallBuiltins();
    thread->dynamic_ = std::make_unique<DynamicStateScope>(heap);
    thread->threads_ = std::make_unique<ThreadSystem>(heap, *thread->runtime_);
  } catch (const Error& e) {
    return absl::ResourceExhaustedError(
        absl::StrCat(e.message(), " while defining the built-ins: heap-max is too small to "
                                  "start toylang"));
  }
  return thread;
}

EngineThread::~EngineThread() {
  threads_.reset();
  dynamic_.reset();
  runtime_.reset();
  if (registered_) (void)heap_.UnregisterCurrentThread();
}

}  // namespace toylang
