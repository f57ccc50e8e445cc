// Custom tracing for C kinds. The C++ TraceCallback is a bare function pointer with no user data,
// and a C trace function wants (object, tracer, user_data). So the C API owns a fixed array of
// slots, each with its own C++ trampoline (a template instance) that forwards to the slot's C
// function and user data. Identical (function, user data) pairs share a slot; a slot is freed when
// the last heap that uses it is destroyed.
#include <array>
#include <atomic>
#include <cstddef>
#include <mutex>
#include <utility>

#include "capi/capi_internal.h"

namespace mosaic::capi {
namespace {

constexpr size_t kTraceSlots = 1024;

struct TraceSlot {
  // Written before the kind is registered and read by the collector after it found the kind
  // (which the runtime publishes with release/acquire), so relaxed order suffices.
  std::atomic<mosaic_trace_fn> fn{nullptr};
  std::atomic<void*> user_data{nullptr};
};

TraceSlot g_slots[kTraceSlots];

std::mutex g_slots_mu;
size_t g_slot_refs[kTraceSlots];

template <size_t N>
void Trampoline(const void* object, Tracer& tracer) {
  const TraceSlot& slot = g_slots[N];
  slot.fn.load(std::memory_order_relaxed)(object, reinterpret_cast<mosaic_tracer*>(&tracer),
                                          slot.user_data.load(std::memory_order_relaxed));
}

template <size_t... I>
constexpr std::array<TraceCallback, sizeof...(I)> MakeTrampolines(std::index_sequence<I...>) {
  return {&Trampoline<I>...};
}

constexpr std::array<TraceCallback, kTraceSlots> kTrampolines =
    MakeTrampolines(std::make_index_sequence<kTraceSlots>{});

}  // namespace

mosaic_status AcquireTraceSlot(mosaic_trace_fn fn, void* user_data, TraceCallback* callback,
                               size_t* slot) {
  std::lock_guard lock(g_slots_mu);
  size_t free_slot = kTraceSlots;
  for (size_t i = 0; i < kTraceSlots; ++i) {
    if (g_slot_refs[i] == 0) {
      if (free_slot == kTraceSlots) free_slot = i;
      continue;
    }
    if (g_slots[i].fn.load(std::memory_order_relaxed) == fn &&
        g_slots[i].user_data.load(std::memory_order_relaxed) == user_data) {
      free_slot = i;
      break;
    }
  }
  if (free_slot == kTraceSlots) {
    return Fail(MOSAIC_ERR_RESOURCE_EXHAUSTED,
                "too many distinct custom trace callbacks (at most 1024 (function, user data) "
                "pairs per process); share one function and tell kinds apart by the header");
  }
  if (g_slot_refs[free_slot]++ == 0) {
    g_slots[free_slot].fn.store(fn, std::memory_order_relaxed);
    g_slots[free_slot].user_data.store(user_data, std::memory_order_relaxed);
  }
  *callback = kTrampolines[free_slot];
  *slot = free_slot;
  return MOSAIC_OK;
}

void ReleaseTraceSlot(size_t slot) {
  std::lock_guard lock(g_slots_mu);
  if (slot < kTraceSlots && g_slot_refs[slot] > 0) --g_slot_refs[slot];
}

}  // namespace mosaic::capi

extern "C" {

void mosaic_trace(mosaic_tracer* tracer, mosaic_value value) {
  // No status here: this runs inside the pause, where only the collector calls it, with a
  // tracer it handed out itself.
  if (tracer == nullptr) return;
  reinterpret_cast<mosaic::Tracer*>(tracer)->Trace(mosaic::Value::FromBits(value));
}

void mosaic_trace_range(mosaic_tracer* tracer, const mosaic_value* values, size_t count) {
  if (tracer == nullptr || values == nullptr) return;
  auto* t = reinterpret_cast<mosaic::Tracer*>(tracer);
  for (size_t i = 0; i < count; ++i) t->Trace(mosaic::Value::FromBits(values[i]));
}

}  // extern "C"
