// The C API (mosaic/mosaic.h): errors, heaps, threads, kinds, allocation, safepoints, collection,
// finalizers, statistics and events. Roots are in capi_roots.cc, custom tracing in capi_trace.cc.
//
// Every entry point checks what it can before calling the C++ API, because the C++ API answers
// misuse with a fatal error and the C API promises a status. Nothing here lets a C++ exception
// out: the only one that can arise on purpose is the out-of-memory signal thrown by the heap's
// OOM handler, caught by the allocating function that caused it.
#include <cstring>
#include <exception>
#include <mutex>
#include <new>
#include <shared_mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "heap/heap_impl.h"
#include "mosaic/heap.h"
#include "mosaic/mosaic.h"
#include "threads/mutator.h"

namespace mosaic::capi {
namespace {

// The value constants of mosaic.h must agree with the C++ encoding.
static_assert(MOSAIC_FALSE == Value::False().bits());
static_assert(MOSAIC_TRUE == Value::True().bits());
static_assert(MOSAIC_NIL == Value::Nil().bits());
static_assert(MOSAIC_UNSPECIFIED == Value::Unspecified().bits());
static_assert(MOSAIC_EOF == Value::Eof().bits());
static_assert(MOSAIC_UNDEFINED == Value::Undefined().bits());
static_assert(MOSAIC_FIXNUM_MAX == Value::kFixnumMax && MOSAIC_FIXNUM_MIN == Value::kFixnumMin);
static_assert(MOSAIC_AUX_MAX == ObjectHeader::kAuxMax);
static_assert(MOSAIC_PAIR_KIND == kPairKind);
static_assert(static_cast<int>(MOSAIC_REASON_STRESS) == static_cast<int>(CollectReason::kStress));

// The build passes the project's version (cmake/MosaicInstall.cmake); mosaic.h's macros must
// follow it.
#ifdef MOSAIC_PROJECT_VERSION
static_assert(MOSAIC_VERSION_MAJOR == MOSAIC_PROJECT_VERSION_MAJOR &&
                  MOSAIC_VERSION_MINOR == MOSAIC_PROJECT_VERSION_MINOR &&
                  MOSAIC_VERSION_PATCH == MOSAIC_PROJECT_VERSION_PATCH,
              "update MOSAIC_VERSION_* in mosaic/mosaic.h to the project's version");
constexpr char kVersion[] = MOSAIC_PROJECT_VERSION;
#else
constexpr char kVersion[] = "0.1.0";
#endif

thread_local std::string tls_last_error;

// Thrown by the OOM handler of heaps made by mosaic_heap_create, but only while a C API
// allocation is running on this thread (tls_capi_allocating), and caught by that allocation. Any
// other allocation on such a heap (C++ code using the C++ API) gets the runtime's default: a
// message and abort. User callbacks that the runtime may run inside an allocation (finalizers,
// listeners) run with the flag cleared, so an exhausted C++ allocation in them never unwinds
// through runtime or C frames.
struct OutOfMemory {
  size_t requested_bytes;
};
thread_local bool tls_capi_allocating = false;

class CapiAllocation {
 public:
  CapiAllocation() : saved_(tls_capi_allocating) { tls_capi_allocating = true; }
  ~CapiAllocation() { tls_capi_allocating = saved_; }

 private:
  bool saved_;
};

class UserCallback {
 public:
  UserCallback() : saved_(tls_capi_allocating) { tls_capi_allocating = false; }
  ~UserCallback() { tls_capi_allocating = saved_; }

 private:
  bool saved_;
};

std::shared_mutex g_heaps_mu;
absl::flat_hash_map<const Heap*, mosaic_heap*>& Heaps() {
  static auto* heaps = new absl::flat_hash_map<const Heap*, mosaic_heap*>();
  return *heaps;
}

// The wrappers themselves, for checking heap arguments in O(1).
absl::flat_hash_set<const mosaic_heap*>& LiveWrappers() {
  static auto* wrappers = new absl::flat_hash_set<const mosaic_heap*>();
  return *wrappers;
}

bool IsLiveHeapLocked(const mosaic_heap* heap) {
  return heap != nullptr && LiveWrappers().contains(heap);
}

mosaic_status BadHeap(const char* function, const mosaic_heap* heap) {
  return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
              heap == nullptr
                  ? absl::StrCat(function, ": heap is NULL")
                  : absl::StrCat(function, ": not a live heap (destroyed, or never created)"));
}

// The calling thread's mutator if it is registered with `heap` (any heap if `heap` is null) and
// running (not in a native region); otherwise a status in *status.
internal::Mutator* RunningMutator(const char* function, const mosaic_heap* heap,
                                  mosaic_status* status) {
  internal::Mutator* m = internal::CurrentMutator();
  if (m == nullptr) {
    *status = Fail(MOSAIC_ERR_NOT_REGISTERED,
                   absl::StrCat(function, ": the calling thread is not registered with a heap; "
                                          "call mosaic_thread_register first"));
    return nullptr;
  }
  if (heap != nullptr && CurrentHeap() != heap->heap.get()) {
    *status = Fail(MOSAIC_ERR_NOT_REGISTERED,
                   absl::StrCat(function, ": the calling thread is registered with another heap"));
    return nullptr;
  }
  if (m->state.load(std::memory_order_relaxed) != internal::MutatorState::kRunning) {
    *status = Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                   absl::StrCat(function, ": called inside a native region; call "
                                          "mosaic_leave_native first"));
    return nullptr;
  }
  return m;
}

mosaic_status CopyOut(const char* function, const std::string& text, char* buffer,
                      size_t capacity, size_t* length) {
  if (length != nullptr) *length = text.size();
  if (buffer == nullptr && capacity != 0) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, absl::StrCat(function, ": buffer is NULL"));
  }
  if (capacity == 0) {
    return Fail(MOSAIC_ERR_BUFFER_TOO_SMALL,
                absl::StrCat(function, ": needs ", text.size() + 1, " bytes, capacity is 0"));
  }
  size_t n = text.size() < capacity - 1 ? text.size() : capacity - 1;
  std::memcpy(buffer, text.data(), n);
  buffer[n] = '\0';
  if (n < text.size()) {
    return Fail(MOSAIC_ERR_BUFFER_TOO_SMALL,
                absl::StrCat(function, ": needs ", text.size() + 1, " bytes, capacity is ",
                             capacity));
  }
  return MOSAIC_OK;
}

}  // namespace

mosaic_status Fail(mosaic_status status, absl::string_view message) {
  tls_last_error.assign(message.data(), message.size());
  return status;
}

mosaic_status FromStatus(const absl::Status& status) {
  mosaic_status code;
  switch (status.code()) {
    case absl::StatusCode::kOk: return MOSAIC_OK;
    case absl::StatusCode::kInvalidArgument: code = MOSAIC_ERR_INVALID_ARGUMENT; break;
    case absl::StatusCode::kAlreadyExists: code = MOSAIC_ERR_ALREADY_EXISTS; break;
    case absl::StatusCode::kFailedPrecondition: code = MOSAIC_ERR_FAILED_PRECONDITION; break;
    case absl::StatusCode::kResourceExhausted: code = MOSAIC_ERR_RESOURCE_EXHAUSTED; break;
    case absl::StatusCode::kNotFound: code = MOSAIC_ERR_NOT_FOUND; break;
    default: code = MOSAIC_ERR_INTERNAL; break;
  }
  return Fail(code, status.message());
}

bool IsLiveHeap(const mosaic_heap* heap) {
  std::shared_lock lock(g_heaps_mu);
  return IsLiveHeapLocked(heap);
}

mosaic_heap* WrapperOf(const Heap* heap) {
  std::shared_lock lock(g_heaps_mu);
  auto it = Heaps().find(heap);
  return it == Heaps().end() ? nullptr : it->second;
}

}  // namespace mosaic::capi

using mosaic::Value;
using mosaic::capi::BadHeap;
using mosaic::capi::Fail;
using mosaic::capi::FromStatus;
using mosaic::capi::IsLiveHeap;
using mosaic::capi::RunningMutator;

extern "C" {

const char* mosaic_version(void) { return mosaic::capi::kVersion; }

const char* mosaic_last_error(void) { return mosaic::capi::tls_last_error.c_str(); }

const char* mosaic_status_name(mosaic_status status) {
  switch (status) {
    case MOSAIC_OK: return "OK";
    case MOSAIC_ERR_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case MOSAIC_ERR_NOT_REGISTERED: return "NOT_REGISTERED";
    case MOSAIC_ERR_ALREADY_EXISTS: return "ALREADY_EXISTS";
    case MOSAIC_ERR_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case MOSAIC_ERR_OUT_OF_MEMORY: return "OUT_OF_MEMORY";
    case MOSAIC_ERR_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case MOSAIC_ERR_NOT_FOUND: return "NOT_FOUND";
    case MOSAIC_ERR_BUFFER_TOO_SMALL: return "BUFFER_TOO_SMALL";
    case MOSAIC_ERR_INTERNAL: return "INTERNAL";
  }
  return "UNKNOWN";
}

// ---- Heaps and threads ----------------------------------------------------------------------

mosaic_status mosaic_heap_create(const char* options, mosaic_heap** out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_heap_create: out is NULL");
  *out = nullptr;
  auto parsed = mosaic::HeapOptions::Parse(options == nullptr ? "" : options);
  if (!parsed.ok()) return FromStatus(parsed.status());
  parsed->oom_handler = [](size_t bytes) {
    if (mosaic::capi::tls_capi_allocating) throw mosaic::capi::OutOfMemory{bytes};
  };
  try {
    auto heap = mosaic::Heap::Create(*parsed);
    if (!heap.ok()) return FromStatus(heap.status());
    auto wrapper = std::make_unique<mosaic_heap>();
    wrapper->heap = *std::move(heap);
    std::lock_guard lock(mosaic::capi::g_heaps_mu);
    mosaic::capi::Heaps()[wrapper->heap.get()] = wrapper.get();
    mosaic::capi::LiveWrappers().insert(wrapper.get());
    *out = wrapper.release();
    return MOSAIC_OK;
  } catch (const std::bad_alloc&) {
    return Fail(MOSAIC_ERR_OUT_OF_MEMORY, "mosaic_heap_create: out of memory");
  }
}

mosaic_status mosaic_heap_destroy(mosaic_heap* heap) {
  {
    std::lock_guard lock(mosaic::capi::g_heaps_mu);
    if (!mosaic::capi::IsLiveHeapLocked(heap)) return BadHeap("mosaic_heap_destroy", heap);
    size_t threads = heap->heap->RegisteredThreadCount();
    if (threads != 0) {
      return Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                  absl::StrCat("mosaic_heap_destroy: ", threads,
                               " thread(s) still registered; unregister them first"));
    }
    mosaic::capi::Heaps().erase(heap->heap.get());
    mosaic::capi::LiveWrappers().erase(heap);
  }
  mosaic::capi::ForgetRootCells(heap);
  {
    std::lock_guard lock(heap->mu);
    for (size_t slot : heap->trace_slots) mosaic::capi::ReleaseTraceSlot(slot);
  }
  delete heap;
  return MOSAIC_OK;
}

mosaic_status mosaic_heap_options(const mosaic_heap* heap, char* buffer, size_t capacity,
                                  size_t* length) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_heap_options", heap);
  return mosaic::capi::CopyOut("mosaic_heap_options", heap->heap->options().ToString(), buffer,
                               capacity, length);
}

mosaic_status mosaic_thread_register(mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_thread_register", heap);
  return FromStatus(heap->heap->RegisterCurrentThread());
}

mosaic_status mosaic_thread_unregister(mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_thread_unregister", heap);
  mosaic::internal::Mutator* m = mosaic::internal::CurrentMutator();
  if (m == nullptr || mosaic::CurrentHeap() != heap->heap.get()) {
    return Fail(MOSAIC_ERR_NOT_REGISTERED,
                "mosaic_thread_unregister: the calling thread is not registered with this heap");
  }
  if (m->state.load(std::memory_order_relaxed) != mosaic::internal::MutatorState::kRunning) {
    return Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                "mosaic_thread_unregister: called inside a native region; call "
                "mosaic_leave_native first");
  }
  if (mosaic::capi::OpenHandleScopes() != 0) {
    return Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                absl::StrCat("mosaic_thread_unregister: ", mosaic::capi::OpenHandleScopes(),
                             " handle scope(s) still open; close them first"));
  }
  return FromStatus(heap->heap->UnregisterCurrentThread());
}

mosaic_heap* mosaic_current_heap(void) {
  mosaic::Heap* heap = mosaic::CurrentHeap();
  return heap == nullptr ? nullptr : mosaic::capi::WrapperOf(heap);
}

size_t mosaic_registered_thread_count(const mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) {
    BadHeap("mosaic_registered_thread_count", heap);
    return 0;
  }
  return heap->heap->RegisteredThreadCount();
}

// ---- Kinds ----------------------------------------------------------------------------------

mosaic_status mosaic_register_kind(mosaic_heap* heap, const char* name,
                                   mosaic_trace_policy policy, mosaic_trace_fn trace,
                                   void* user_data, mosaic_kind* out) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_register_kind", heap);
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_register_kind: out is NULL");
  if (name == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_register_kind: name is NULL");
  }
  mosaic::KindDescriptor kind;
  kind.name = name;
  size_t slot = 0;
  switch (policy) {
    case MOSAIC_TRACE_NONE:
    case MOSAIC_TRACE_VALUES:
      if (trace != nullptr) {
        return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                    absl::StrCat("mosaic_register_kind: kind '", name,
                                 "' has a trace callback but its policy is not "
                                 "MOSAIC_TRACE_CUSTOM"));
      }
      kind.policy = policy == MOSAIC_TRACE_NONE ? mosaic::TracePolicy::kNoReferences
                                                : mosaic::TracePolicy::kAllValues;
      break;
    case MOSAIC_TRACE_CUSTOM: {
      if (trace == nullptr) {
        return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                    absl::StrCat("mosaic_register_kind: kind '", name,
                                 "' has MOSAIC_TRACE_CUSTOM but no trace callback"));
      }
      kind.policy = mosaic::TracePolicy::kCustom;
      mosaic_status s = mosaic::capi::AcquireTraceSlot(trace, user_data, &kind.trace, &slot);
      if (s != MOSAIC_OK) return s;
      break;
    }
    default:
      return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                  absl::StrCat("mosaic_register_kind: unknown trace policy ",
                               static_cast<int>(policy)));
  }
  auto id = heap->heap->RegisterKind(kind);
  if (!id.ok()) {
    if (policy == MOSAIC_TRACE_CUSTOM) mosaic::capi::ReleaseTraceSlot(slot);
    return FromStatus(id.status());
  }
  if (policy == MOSAIC_TRACE_CUSTOM) {
    std::lock_guard lock(heap->mu);
    heap->trace_slots.push_back(slot);
  }
  *out = *id;
  return MOSAIC_OK;
}

const char* mosaic_kind_name(const mosaic_heap* heap, mosaic_kind kind) {
  if (!IsLiveHeap(heap)) {
    BadHeap("mosaic_kind_name", heap);
    return nullptr;
  }
  const mosaic::KindDescriptor* d = heap->heap->FindKind(kind);
  return d == nullptr ? nullptr : d->name.c_str();
}

// ---- Allocation -----------------------------------------------------------------------------

mosaic_status mosaic_alloc(mosaic_kind kind, size_t bytes, uint64_t aux, mosaic_value* out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_alloc: out is NULL");
  mosaic_status status;
  if (RunningMutator("mosaic_alloc", nullptr, &status) == nullptr) return status;
  if (kind < mosaic::kFirstEmbedderKind || mosaic::CurrentHeap()->FindKind(kind) == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                absl::StrCat("mosaic_alloc: kind ", kind,
                             " is not registered with this thread's heap (pairs: use "
                             "mosaic_alloc_pair)"));
  }
  if (bytes < 8) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                absl::StrCat("mosaic_alloc: ", bytes,
                             " bytes is less than the 8-byte header the size includes"));
  }
  if (aux > mosaic::ObjectHeader::kAuxMax) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_alloc: aux does not fit in 48 bits");
  }
  try {
    mosaic::capi::CapiAllocation allocating;
    *out = Value::Object(mosaic::Allocate(kind, bytes, aux)).bits();
    return MOSAIC_OK;
  } catch (const mosaic::capi::OutOfMemory& oom) {
    return Fail(MOSAIC_ERR_OUT_OF_MEMORY,
                absl::StrCat("mosaic_alloc: out of memory allocating ", oom.requested_bytes,
                             " bytes (the heap limit heap-max is reached even after a "
                             "collection)"));
  }
}

mosaic_status mosaic_alloc_pair(mosaic_value car, mosaic_value cdr, mosaic_value* out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_alloc_pair: out is NULL");
  mosaic_status status;
  if (RunningMutator("mosaic_alloc_pair", nullptr, &status) == nullptr) return status;
  try {
    mosaic::capi::CapiAllocation allocating;
    *out = mosaic::AllocatePair(Value::FromBits(car), Value::FromBits(cdr)).bits();
    return MOSAIC_OK;
  } catch (const mosaic::capi::OutOfMemory&) {
    return Fail(MOSAIC_ERR_OUT_OF_MEMORY,
                "mosaic_alloc_pair: out of memory (the heap limit heap-max is reached even after "
                "a collection)");
  }
}

// ---- Safepoints and native regions ----------------------------------------------------------

mosaic_status mosaic_safepoint(void) {
  mosaic_status status;
  if (RunningMutator("mosaic_safepoint", nullptr, &status) == nullptr) return status;
  mosaic::Safepoint();
  return MOSAIC_OK;
}

const volatile uint32_t* mosaic_safepoint_flag(const mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) {
    BadHeap("mosaic_safepoint_flag", heap);
    return nullptr;
  }
  return heap->heap->SafepointFlagAddress();
}

#if defined(__x86_64__)
// mosaic_enter_native itself spills the caller's registers (see MOSAIC_SPILLING_ENTRY).
extern "C" __attribute__((visibility("hidden"), used)) mosaic_status MosaicCapiEnterNativeSpilled(
    const uintptr_t* registers);
MOSAIC_SPILLING_ENTRY("mosaic_enter_native", "MosaicCapiEnterNativeSpilled");
mosaic_status MosaicCapiEnterNativeSpilled(const uintptr_t* registers) {
#else
mosaic_status mosaic_enter_native(void) {
  const uintptr_t* registers = nullptr;
#endif
  mosaic_status status;
  if (RunningMutator("mosaic_enter_native", nullptr, &status) == nullptr) {
    if (status == MOSAIC_ERR_FAILED_PRECONDITION) {
      return Fail(status, "mosaic_enter_native: already in a native region (they do not nest)");
    }
    return status;
  }
  mosaic::internal::Mutator* m = mosaic::internal::CurrentMutator();
  m->heap->threads().EnterNative(m, registers);
  return MOSAIC_OK;
}

mosaic_status mosaic_leave_native(void) {
  mosaic::internal::Mutator* m = mosaic::internal::CurrentMutator();
  if (m == nullptr) {
    return Fail(MOSAIC_ERR_NOT_REGISTERED,
                "mosaic_leave_native: the calling thread is not registered with a heap");
  }
  if (m->state.load(std::memory_order_relaxed) != mosaic::internal::MutatorState::kNative) {
    return Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                "mosaic_leave_native: not in a native region (no matching mosaic_enter_native)");
  }
  mosaic::LeaveNative();
  return MOSAIC_OK;
}

// ---- The write barrier ----------------------------------------------------------------------

void mosaic_store_field(mosaic_value* field, mosaic_value value) {
  mosaic::WriteField(reinterpret_cast<Value*>(field), Value::FromBits(value));
}

uint8_t* mosaic_card_table(void) {
  mosaic::internal::Mutator* m = mosaic::internal::CurrentMutator();
  return m == nullptr ? nullptr : m->layout->card_table;
}

// ---- Collection and finalizers --------------------------------------------------------------

mosaic_status mosaic_collect(mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_collect", heap);
  mosaic_status status;
  if (RunningMutator("mosaic_collect", heap, &status) == nullptr) return status;
  heap->heap->Collect();
  return MOSAIC_OK;
}

mosaic_status mosaic_register_finalizer(mosaic_heap* heap, mosaic_value object,
                                        mosaic_finalizer_fn fn, void* user_data) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_register_finalizer", heap);
  if (fn == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_register_finalizer: fn is NULL");
  }
  Value v = Value::FromBits(object);
  if (!v.IsHeapReference() || heap->heap->FindObject(v.ObjectAddress()) != v) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                absl::StrCat("mosaic_register_finalizer: ", absl::Hex(object),
                             " is not a reference to an object allocated in this heap"));
  }
  heap->heap->RegisterFinalizer(v, [fn, user_data](Value dead) {
    mosaic::capi::UserCallback callback;
    fn(dead.bits(), user_data);
  });
  return MOSAIC_OK;
}

size_t mosaic_pending_finalizer_count(const mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) {
    BadHeap("mosaic_pending_finalizer_count", heap);
    return 0;
  }
  return heap->heap->PendingFinalizerCount();
}

mosaic_status mosaic_run_pending_finalizers(mosaic_heap* heap) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_run_pending_finalizers", heap);
  mosaic_status status;
  if (RunningMutator("mosaic_run_pending_finalizers", heap, &status) == nullptr) return status;
  heap->heap->RunPendingFinalizers();
  return MOSAIC_OK;
}

// ---- Queries, statistics, events ------------------------------------------------------------

int mosaic_heap_contains(const mosaic_heap* heap, const void* address) {
  if (!IsLiveHeap(heap)) {
    BadHeap("mosaic_heap_contains", heap);
    return 0;
  }
  return heap->heap->Contains(address) ? 1 : 0;
}

mosaic_value mosaic_find_object(const mosaic_heap* heap, const void* address) {
  if (!IsLiveHeap(heap)) {
    BadHeap("mosaic_find_object", heap);
    return 0;
  }
  return heap->heap->FindObject(address).bits();
}

mosaic_status mosaic_heap_stats(const mosaic_heap* heap, mosaic_gc_stats* out) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_heap_stats", heap);
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_heap_stats: out is NULL");
  mosaic::GcStats s = heap->heap->Stats();
  *out = mosaic_gc_stats{};
  out->collections = s.collections;
  out->total_pause_ns = s.total_pause_ns;
  out->max_pause_ns = s.max_pause_ns;
  out->p50_pause_ns = s.p50_pause_ns;
  out->p99_pause_ns = s.p99_pause_ns;
  out->last_pause_ns = s.last_pause_ns;
  out->max_time_to_safepoint_ns = s.max_time_to_safepoint_ns;
  out->total_time_to_safepoint_ns = s.total_time_to_safepoint_ns;
  out->total_root_ns = s.total_root_ns;
  out->root_cell_ns = s.root_cell_ns;
  out->bytes_allocated = s.bytes_allocated;
  out->objects_allocated_slow_path = s.objects_allocated;
  out->live_bytes = s.live_bytes;
  out->committed_bytes = s.committed_bytes;
  out->peak_committed_bytes = s.peak_committed_bytes;
  out->conservative_bytes_scanned = s.conservative_bytes_scanned;
  out->conservative_words_examined = s.conservative_words_examined;
  out->conservative_words_accepted = s.conservative_words_accepted;
  out->precise_roots_visited = s.precise_roots_visited;
  out->root_cells_visited = s.root_cells_visited;
  out->jit_frames_visited = s.jit_frames_visited;
  out->blocks_quarantined = s.blocks_quarantined;
  out->blocks_released = s.blocks_released;
  out->mark_stack_overflows = s.mark_stack_overflows;
  out->finalizers_run = s.finalizers_run;
  out->heap_base = s.heap_base;
  out->heap_at_hint = s.heap_at_hint ? 1 : 0;
  out->minor_collections = s.minor_collections;
  out->major_collections = s.major_collections;
  out->total_minor_pause_ns = s.total_minor_pause_ns;
  out->max_minor_pause_ns = s.max_minor_pause_ns;
  out->p50_minor_pause_ns = s.p50_minor_pause_ns;
  out->p99_minor_pause_ns = s.p99_minor_pause_ns;
  out->total_major_pause_ns = s.total_major_pause_ns;
  out->max_major_pause_ns = s.max_major_pause_ns;
  out->p50_major_pause_ns = s.p50_major_pause_ns;
  out->p99_major_pause_ns = s.p99_major_pause_ns;
  out->minor_root_ns = s.minor_root_ns;
  out->remembered_cards = s.remembered_cards;
  out->promoted_bytes = s.promoted_bytes;
  return MOSAIC_OK;
}

mosaic_status mosaic_heap_stats_json(const mosaic_heap* heap, char* buffer, size_t capacity,
                                     size_t* length) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_heap_stats_json", heap);
  return mosaic::capi::CopyOut("mosaic_heap_stats_json", heap->heap->Stats().ToJson(), buffer,
                               capacity, length);
}

const char* mosaic_collect_reason_name(mosaic_collect_reason reason) {
  switch (reason) {
    case MOSAIC_REASON_EXPLICIT:
    case MOSAIC_REASON_THRESHOLD:
    case MOSAIC_REASON_HEAP_LIMIT:
    case MOSAIC_REASON_STRESS:
      return mosaic::CollectReasonName(static_cast<mosaic::CollectReason>(reason));
  }
  return "unknown";
}

mosaic_status mosaic_add_event_listener(mosaic_heap* heap, mosaic_event_fn fn, void* user_data,
                                        int* id) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_add_event_listener", heap);
  if (fn == nullptr || id == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                absl::StrCat("mosaic_add_event_listener: ", fn == nullptr ? "fn" : "id",
                             " is NULL"));
  }
  // Holding heap->mu across the runtime call keeps the id set and the runtime's list in step.
  std::lock_guard lock(heap->mu);
  *id = heap->heap->AddEventListener([fn, user_data](const mosaic::GcEvent& e) {
    mosaic_gc_event event{};
    event.index = e.index;
    event.reason = static_cast<mosaic_collect_reason>(e.reason);
    event.pause_ns = e.pause_ns;
    event.time_to_safepoint_ns = e.time_to_safepoint_ns;
    event.live_bytes = e.live_bytes;
    event.freed_bytes = e.freed_bytes;
    event.kind = e.kind == mosaic::CollectionKind::kMinor ? MOSAIC_COLLECTION_MINOR
                                                          : MOSAIC_COLLECTION_MAJOR;
    event.mutators = e.mutators;
    mosaic::capi::UserCallback callback;
    fn(&event, user_data);
  });
  heap->listeners.insert(*id);
  return MOSAIC_OK;
}

mosaic_status mosaic_remove_event_listener(mosaic_heap* heap, int id) {
  if (!IsLiveHeap(heap)) return BadHeap("mosaic_remove_event_listener", heap);
  std::lock_guard lock(heap->mu);
  if (heap->listeners.erase(id) == 0) {
    return Fail(MOSAIC_ERR_NOT_FOUND,
                absl::StrCat("mosaic_remove_event_listener: no listener with id ", id));
  }
  heap->heap->RemoveEventListener(id);
  return MOSAIC_OK;
}

}  // extern "C"
