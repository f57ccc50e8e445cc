// The C API's roots: handle scopes and handles, global roots, root cells.
//
// Handle scopes are C++ HandleScopes constructed inside the caller's mosaic_handle_scope; a depth
// counter per thread turns a close out of order into a status instead of a corrupted handle
// stack. Root cells are the runtime's, reached through small records of the C API's own (see
// below) so that a freed or foreign cell is an error, not a fatal check or a silent write.
#include <atomic>
#include <cstdint>
#include <mutex>
#include <new>

#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "mosaic/heap.h"
#include "mosaic/roots.h"
#include "threads/mutator.h"

namespace mosaic::capi {
namespace {

struct ScopeStorage {
  alignas(HandleScope) unsigned char scope[sizeof(HandleScope)];
  uint64_t depth;
  uint64_t tag;  // kOpenTag ^ the owning mutator's address while open; 0 when closed
};
static_assert(sizeof(ScopeStorage) <= sizeof(mosaic_handle_scope));
static_assert(alignof(ScopeStorage) <= alignof(mosaic_handle_scope));
constexpr uint64_t kOpenTag = 0x6d6f7361'69635343;  // "mosaicSC"

thread_local uint64_t tls_scope_depth = 0;

// Root cells. The C API hands out small records of its own rather than the runtime's cells, so
// that loads and stores can check their argument without a global lock: a live record carries
// kLiveCell, a freed one does not. Records are never returned to the system (they go back to a
// free list), so reading a freed record is safe; a pointer that never came from
// mosaic_root_cell_new cannot be checked that way, but mosaic_root_cell_free checks exactly,
// against the owning heap's set.
constexpr uint64_t kLiveCell = 0x6d6f7361'69634345;  // "mosaicCE"

}  // namespace
}  // namespace mosaic::capi

struct mosaic_root_cell {
  std::atomic<uint64_t> magic{0};
  // Kept when the record is freed (cells' memory lives as long as their heap), so that a load
  // racing a free reads the freed cell, or the record's next cell, and never a null pointer.
  std::atomic<mosaic::RootCell*> cell{nullptr};
  std::atomic<const mosaic_heap*> heap{nullptr};
  std::atomic<bool> weak{false};  // a weak cell (mosaic_weak_cell_*), set while live
  mosaic_root_cell* next_free = nullptr;
};

// A weak cell is a root-cell record with `weak` set; the C type is distinct for the caller.
struct mosaic_weak_cell {};

namespace mosaic::capi {
namespace {

std::mutex g_cell_pool_mu;
mosaic_root_cell* g_cell_free_list = nullptr;  // guarded by g_cell_pool_mu

mosaic_root_cell* NewCellRecord() {
  std::lock_guard lock(g_cell_pool_mu);
  if (g_cell_free_list == nullptr) {
    constexpr size_t kSlab = 256;
    auto* slab = new mosaic_root_cell[kSlab];  // never deleted: see above
    for (size_t i = 0; i < kSlab; ++i) {
      slab[i].next_free = g_cell_free_list;
      g_cell_free_list = &slab[i];
    }
  }
  mosaic_root_cell* record = g_cell_free_list;
  g_cell_free_list = record->next_free;
  record->next_free = nullptr;
  return record;
}

void ReleaseCellRecord(mosaic_root_cell* record) {
  record->magic.store(0, std::memory_order_release);
  std::lock_guard lock(g_cell_pool_mu);
  record->next_free = g_cell_free_list;
  g_cell_free_list = record;
}

mosaic_status CheckCell(const char* function, const mosaic_root_cell* cell) {
  if (cell == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, absl::StrCat(function, ": cell is NULL"));
  }
  if (cell->magic.load(std::memory_order_acquire) != kLiveCell) {
    return Fail(MOSAIC_ERR_NOT_FOUND,
                absl::StrCat(function, ": not a live root cell (freed, its heap destroyed, or "
                                       "never allocated by mosaic_root_cell_new)"));
  }
  return MOSAIC_OK;
}

mosaic_status NotRegistered(const char* function) {
  return Fail(MOSAIC_ERR_NOT_REGISTERED,
              absl::StrCat(function, ": the calling thread is not registered with a heap; call "
                                     "mosaic_thread_register first"));
}

}  // namespace

size_t OpenHandleScopes() { return tls_scope_depth; }

void ForgetRootCells(mosaic_heap* heap) {
  std::lock_guard lock(heap->mu);
  for (mosaic_root_cell* record : heap->cells) ReleaseCellRecord(record);
  heap->cells.clear();
}

}  // namespace mosaic::capi

using mosaic::Value;
using mosaic::capi::Fail;

extern "C" {

// ---- Handle scopes and handles --------------------------------------------------------------

mosaic_status mosaic_handle_scope_open(mosaic_handle_scope* scope) {
  if (scope == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_handle_scope_open: scope is NULL");
  }
  mosaic::internal::Mutator* m = mosaic::internal::CurrentMutator();
  if (m == nullptr) return mosaic::capi::NotRegistered("mosaic_handle_scope_open");
  auto* s = reinterpret_cast<mosaic::capi::ScopeStorage*>(scope);
  new (s->scope) mosaic::HandleScope();
  s->depth = ++mosaic::capi::tls_scope_depth;
  s->tag = mosaic::capi::kOpenTag ^ reinterpret_cast<uintptr_t>(m);
  return MOSAIC_OK;
}

mosaic_status mosaic_handle_scope_close(mosaic_handle_scope* scope) {
  if (scope == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_handle_scope_close: scope is NULL");
  }
  auto* s = reinterpret_cast<mosaic::capi::ScopeStorage*>(scope);
  mosaic::internal::Mutator* m = mosaic::internal::CurrentMutator();
  if (m == nullptr || s->tag != (mosaic::capi::kOpenTag ^ reinterpret_cast<uintptr_t>(m))) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                "mosaic_handle_scope_close: not a scope opened on this thread (already closed, "
                "never opened, or opened by another thread)");
  }
  if (s->depth != mosaic::capi::tls_scope_depth) {
    return Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                absl::StrCat("mosaic_handle_scope_close: scopes close innermost first; this one "
                             "is at depth ",
                             s->depth, " but ", mosaic::capi::tls_scope_depth, " are open"));
  }
  std::launder(reinterpret_cast<mosaic::HandleScope*>(s->scope))->~HandleScope();
  --mosaic::capi::tls_scope_depth;
  s->tag = 0;
  return MOSAIC_OK;
}

mosaic_status mosaic_handle_new(mosaic_value value, mosaic_handle* out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_handle_new: out is NULL");
  if (mosaic::internal::CurrentMutator() == nullptr) {
    return mosaic::capi::NotRegistered("mosaic_handle_new");
  }
  if (mosaic::capi::tls_scope_depth == 0) {
    return Fail(MOSAIC_ERR_FAILED_PRECONDITION,
                "mosaic_handle_new: no handle scope is open on this thread; open one with "
                "mosaic_handle_scope_open");
  }
  mosaic::Handle handle(Value::FromBits(value));
  static_assert(sizeof(Value) == sizeof(mosaic_value));
  *out = reinterpret_cast<mosaic_value*>(handle.slot());
  return MOSAIC_OK;
}

// ---- Global roots ---------------------------------------------------------------------------

mosaic_status mosaic_global_root_add(mosaic_heap* heap, mosaic_value* slot) {
  if (!mosaic::capi::IsLiveHeap(heap)) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_global_root_add: not a live heap");
  }
  if (slot == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_global_root_add: slot is NULL");
  }
  std::lock_guard lock(heap->mu);
  if (!heap->globals.insert(slot).second) {
    return Fail(MOSAIC_ERR_ALREADY_EXISTS,
                "mosaic_global_root_add: this slot is already a global root of this heap");
  }
  heap->heap->AddGlobalRoot(reinterpret_cast<Value*>(slot));
  return MOSAIC_OK;
}

mosaic_status mosaic_global_root_remove(mosaic_heap* heap, mosaic_value* slot) {
  if (!mosaic::capi::IsLiveHeap(heap)) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_global_root_remove: not a live heap");
  }
  std::lock_guard lock(heap->mu);
  if (slot == nullptr || heap->globals.erase(slot) == 0) {
    return Fail(MOSAIC_ERR_NOT_FOUND,
                "mosaic_global_root_remove: this slot is not a global root of this heap");
  }
  heap->heap->RemoveGlobalRoot(reinterpret_cast<Value*>(slot));
  return MOSAIC_OK;
}

// ---- Root cells -----------------------------------------------------------------------------

namespace {

mosaic_status NewCell(const char* function, mosaic_heap* heap, mosaic_value initial, bool weak,
                      mosaic_root_cell** out) {
  if (!mosaic::capi::IsLiveHeap(heap)) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, absl::StrCat(function, ": not a live heap"));
  }
  if (out == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, absl::StrCat(function, ": out is NULL"));
  }
  mosaic_root_cell* record = mosaic::capi::NewCellRecord();
  mosaic::RootCell* cell =
      weak ? heap->heap->NewWeakRootCell(Value::FromBits(initial))->cell()
           : heap->heap->NewRootCell(Value::FromBits(initial));
  record->cell.store(cell, std::memory_order_release);
  record->heap.store(heap, std::memory_order_release);
  record->weak.store(weak, std::memory_order_release);
  {
    std::lock_guard lock(heap->mu);
    heap->cells.insert(record);
  }
  record->magic.store(mosaic::capi::kLiveCell, std::memory_order_release);
  *out = record;
  return MOSAIC_OK;
}

mosaic_status FreeCell(const char* function, mosaic_heap* heap, mosaic_root_cell* cell,
                       bool weak) {
  if (!mosaic::capi::IsLiveHeap(heap)) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, absl::StrCat(function, ": not a live heap"));
  }
  {
    std::lock_guard lock(heap->mu);
    // Membership first: only a record in the set may be read (a bogus pointer is not one).
    if (cell == nullptr || !heap->cells.contains(cell) || cell->weak.load() != weak) {
      return Fail(MOSAIC_ERR_NOT_FOUND,
                  absl::StrCat(function, ": not a live ", weak ? "weak" : "root",
                               " cell of this heap"));
    }
    heap->cells.erase(cell);
  }
  mosaic::RootCell* c = cell->cell.load(std::memory_order_acquire);
  if (weak) {
    heap->heap->FreeWeakRootCell(reinterpret_cast<mosaic::WeakRootCell*>(c));
  } else {
    heap->heap->FreeRootCell(c);
  }
  mosaic::capi::ReleaseCellRecord(cell);
  return MOSAIC_OK;
}

mosaic_root_cell* AsRecord(mosaic_weak_cell* cell) {
  return reinterpret_cast<mosaic_root_cell*>(cell);
}

}  // namespace

mosaic_status mosaic_weak_cell_new(mosaic_heap* heap, mosaic_value initial,
                                   mosaic_weak_cell** out) {
  mosaic_root_cell* record = nullptr;
  mosaic_status status = NewCell("mosaic_weak_cell_new", heap, initial, true, &record);
  if (status == MOSAIC_OK) *out = reinterpret_cast<mosaic_weak_cell*>(record);
  return status;
}

mosaic_status mosaic_weak_cell_free(mosaic_heap* heap, mosaic_weak_cell* cell) {
  return FreeCell("mosaic_weak_cell_free", heap, AsRecord(cell), true);
}

mosaic_status mosaic_weak_cell_load(const mosaic_weak_cell* cell, mosaic_value* out) {
  if (out == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_weak_cell_load: out is NULL");
  }
  const auto* record = reinterpret_cast<const mosaic_root_cell*>(cell);
  mosaic_status status = mosaic::capi::CheckCell("mosaic_weak_cell_load", record);
  if (status != MOSAIC_OK) return status;
  auto* weak = reinterpret_cast<const mosaic::WeakRootCell*>(
      record->cell.load(std::memory_order_acquire));
  mosaic_value value = weak->Load().bits();
  status = mosaic::capi::CheckCell("mosaic_weak_cell_load", record);
  if (status != MOSAIC_OK) return status;
  *out = value;
  return MOSAIC_OK;
}

mosaic_status mosaic_weak_cell_store(mosaic_weak_cell* cell, mosaic_value value) {
  mosaic_root_cell* record = AsRecord(cell);
  mosaic_status status = mosaic::capi::CheckCell("mosaic_weak_cell_store", record);
  if (status != MOSAIC_OK) return status;
  record->cell.load(std::memory_order_acquire)->Store(Value::FromBits(value));
  return MOSAIC_OK;
}

size_t mosaic_weak_cell_count(const mosaic_heap* heap) {
  if (!mosaic::capi::IsLiveHeap(heap)) {
    Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_weak_cell_count: not a live heap");
    return 0;
  }
  return heap->heap->LiveWeakRootCellCount();
}

mosaic_status mosaic_root_cell_new(mosaic_heap* heap, mosaic_value initial,
                                   mosaic_root_cell** out) {
  return NewCell("mosaic_root_cell_new", heap, initial, false, out);
}

mosaic_status mosaic_root_cell_free(mosaic_heap* heap, mosaic_root_cell* cell) {
  return FreeCell("mosaic_root_cell_free", heap, cell, false);
}

size_t mosaic_root_cell_count(const mosaic_heap* heap) {
  if (!mosaic::capi::IsLiveHeap(heap)) {
    Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_root_cell_count: not a live heap");
    return 0;
  }
  return heap->heap->LiveRootCellCount();
}

mosaic_status mosaic_root_cell_load(const mosaic_root_cell* cell, mosaic_value* out) {
  if (out == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_root_cell_load: out is NULL");
  }
  mosaic_status status = mosaic::capi::CheckCell("mosaic_root_cell_load", cell);
  if (status != MOSAIC_OK) return status;
  mosaic_value value = cell->cell.load(std::memory_order_acquire)->Load().bits();
  // Freed meanwhile: the value may be the freed cell's null, or belong to the record's next use.
  status = mosaic::capi::CheckCell("mosaic_root_cell_load", cell);
  if (status != MOSAIC_OK) return status;
  *out = value;
  return MOSAIC_OK;
}

mosaic_status mosaic_root_cell_store(mosaic_root_cell* cell, mosaic_value value) {
  mosaic_status status = mosaic::capi::CheckCell("mosaic_root_cell_store", cell);
  if (status != MOSAIC_OK) return status;
  cell->cell.load(std::memory_order_acquire)->Store(Value::FromBits(value));
  return MOSAIC_OK;
}

mosaic_status mosaic_root_cell_exchange(mosaic_root_cell* cell, mosaic_value value,
                                        mosaic_value* old_value) {
  if (old_value == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_root_cell_exchange: old_value is NULL");
  }
  mosaic_status status = mosaic::capi::CheckCell("mosaic_root_cell_exchange", cell);
  if (status != MOSAIC_OK) return status;
  *old_value = cell->cell.load(std::memory_order_acquire)->Exchange(Value::FromBits(value)).bits();
  return MOSAIC_OK;
}

mosaic_status mosaic_root_cell_compare_exchange(mosaic_root_cell* cell, mosaic_value* expected,
                                                mosaic_value desired, int* exchanged) {
  if (expected == nullptr || exchanged == nullptr) {
    return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
                absl::StrCat("mosaic_root_cell_compare_exchange: ",
                             expected == nullptr ? "expected" : "exchanged", " is NULL"));
  }
  mosaic_status status = mosaic::capi::CheckCell("mosaic_root_cell_compare_exchange", cell);
  if (status != MOSAIC_OK) return status;
  Value e = Value::FromBits(*expected);
  *exchanged = cell->cell.load(std::memory_order_acquire)
                       ->CompareExchangeStrong(e, Value::FromBits(desired))
                   ? 1
                   : 0;
  *expected = e.bits();
  return MOSAIC_OK;
}

}  // extern "C"
