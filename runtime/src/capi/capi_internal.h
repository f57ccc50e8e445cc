// Shared pieces of the C API's implementation: the heap wrapper, the registries that let every
// entry point check its pointer arguments, and status reporting.
//
// Why registries: a C caller can pass a destroyed heap, a freed root cell or a slot that was never
// added. The C++ API treats those as fatal (MOSAIC_CHECK); the C API promises a status instead, so
// it keeps its own record of what is live and checks against it before calling down.
#ifndef MOSAIC_SRC_CAPI_CAPI_INTERNAL_H_
#define MOSAIC_SRC_CAPI_CAPI_INTERNAL_H_

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "mosaic/heap.h"
#include "mosaic/mosaic.h"

struct mosaic_heap {
  std::unique_ptr<mosaic::Heap> heap;
  std::mutex mu;
  absl::flat_hash_set<mosaic_value*> globals;
  absl::flat_hash_set<int> listeners;
  std::vector<size_t> trace_slots;  // custom-trace slots this heap holds
  absl::flat_hash_set<mosaic_root_cell*> cells;  // live C API root cells
};

namespace mosaic::capi {

// Records `message` as this thread's last error and returns `status`.
mosaic_status Fail(mosaic_status status, absl::string_view message);
// Converts a C++ status (OK included).
mosaic_status FromStatus(const absl::Status& status);

// Live heaps, for checking heap arguments.
bool IsLiveHeap(const mosaic_heap* heap);
// The wrapper of a C++ heap created through the C API, or nullptr.
mosaic_heap* WrapperOf(const Heap* heap);

// Custom-trace slots (capi_trace.cc): a fixed set of C++ trace callbacks, each forwarding to one
// (C function, user data) pair, because the C++ TraceCallback carries no user data.
// Returns the slot's C++ callback and index, or RESOURCE_EXHAUSTED.
mosaic_status AcquireTraceSlot(mosaic_trace_fn fn, void* user_data, TraceCallback* callback,
                               size_t* slot);
void ReleaseTraceSlot(size_t slot);

// Handle scopes open on the calling thread (capi_roots.cc).
size_t OpenHandleScopes();

// Releases what the C API recorded for a heap that is being destroyed (root cells).
void ForgetRootCells(mosaic_heap* heap);

}  // namespace mosaic::capi

#endif  // MOSAIC_SRC_CAPI_CAPI_INTERNAL_H_
