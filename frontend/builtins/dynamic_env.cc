#include "frontend/builtins/dynamic_env.h"

#include <cstdlib>
#include <iostream>

#include "frontend/builtins/dynamic_state.h"
#include "frontend/objects/objects.h"

namespace toylang {
namespace {

using mosaic::Value;

// The calling thread's cell: it holds a vector [handlers, parameterization].
thread_local mosaic::RootCell* tls_state = nullptr;
constexpr size_t kHandlers = 0;
constexpr size_t kParameterization = 1;

Value Get(size_t slot) {
  if (tls_state == nullptr) return Value::Nil();
  return VectorRef(tls_state->Load(std::memory_order_relaxed), slot);
}

void Set(size_t slot, Value v) {
  if (tls_state == nullptr) {
    // Only a thread that never ran an engine's set-up can get here: a bug, not a user error.
    std::cerr << "toylang: dynamic state used on a thread without a DynamicStateScope\n";
    std::abort();
  }
  VectorSet(tls_state->Load(std::memory_order_relaxed), slot, v);
}

}  // namespace

Value CurrentHandlers() { return Get(kHandlers); }
void SetCurrentHandlers(Value handlers) { Set(kHandlers, handlers); }
Value CurrentParameterization() { return Get(kParameterization); }
void SetCurrentParameterization(Value bindings) { Set(kParameterization, bindings); }

namespace {
// A continuation re-entered brings back the handlers and bindings of its capture.
const bool registered = (RegisterDynamicState("handlers", CurrentHandlers, SetCurrentHandlers),
                         RegisterDynamicState("parameterization", CurrentParameterization,
                                              SetCurrentParameterization),
                         true);
}  // namespace

DynamicStateScope::DynamicStateScope(mosaic::Heap& heap)
    : heap_(heap), cell_(heap.NewRootCell(MakeVector(2, Value::Nil()))), previous_(tls_state) {
  tls_state = cell_;
}

DynamicStateScope::~DynamicStateScope() {
  tls_state = previous_;
  heap_.FreeRootCell(cell_);
}

}  // namespace toylang
