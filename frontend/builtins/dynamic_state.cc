#include "frontend/builtins/dynamic_state.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "frontend/objects/objects.h"

namespace toylang {
namespace {

struct Slot {
  const char* name;
  DynamicStateGet get;
  DynamicStateSet set;
  NativeStateGet native_get;
  NativeStateSet native_set;
};

std::mutex registry_mu;
Slot slots[kMaxDynamicStates];
// Published after the slot is written: readers (any thread) take the count, then the slots.
std::atomic<size_t> slot_count{0};

void Add(const Slot& slot) {
  std::lock_guard<std::mutex> lock(registry_mu);
  const size_t n = slot_count.load(std::memory_order_relaxed);
  for (size_t i = 0; i < n; ++i) {
    if (std::strcmp(slots[i].name, slot.name) == 0) return;
  }
  if (n == kMaxDynamicStates) {
    std::fprintf(stderr, "toylang: too many dynamic states registered (at most %zu): %s\n",
                 kMaxDynamicStates, slot.name);
    std::abort();
  }
  slots[n] = slot;
  slot_count.store(n + 1, std::memory_order_release);
}

}  // namespace

void RegisterDynamicState(const char* name, DynamicStateGet get, DynamicStateSet set) {
  Add({name, get, set, nullptr, nullptr});
}

void RegisterNativeDynamicState(const char* name, NativeStateGet get, NativeStateSet set) {
  Add({name, nullptr, nullptr, get, set});
}

Value SaveDynamicState() {
  const size_t n = slot_count.load(std::memory_order_acquire);
  if (n == 0) return Value::False();
  Value saved = MakeVector(n, Value::False());
  for (size_t i = 0; i < n; ++i) {
    const Slot& s = slots[i];
    Value v = s.get != nullptr ? s.get() : Value::Fixnum(static_cast<int64_t>(s.native_get()));
    VectorSet(saved, i, v);
  }
  return saved;
}

void RestoreDynamicState(Value saved) {
  if (!IsVector(saved)) return;
  const size_t n = std::min<size_t>(slot_count.load(std::memory_order_acquire), LengthOf(saved));
  for (size_t i = 0; i < n; ++i) {
    const Slot& s = slots[i];
    Value v = VectorRef(saved, i);
    if (s.set != nullptr) {
      s.set(v);
    } else {
      s.native_set(static_cast<uint64_t>(v.FixnumValue()));
    }
  }
}

}  // namespace toylang
