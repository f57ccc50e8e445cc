// Per-thread dynamic state that first-class continuations save and restore
// (frontend/builtins/continuations.h, docs/design/continuations.md).
//
// A continuation is made of native stack; anything else that describes "where the program is"
// on a thread — the current exception handlers, parameterize bindings, the JIT's innermost call
// site — must come back with it when the continuation is re-entered. Such state registers here
// as a get/set pair of one word each; call/cc saves every registered slot when it captures and
// re-entry sets them back, after the stack is restored and before the call/cc returns again.
// (Escapes need nothing: the frames being unwound restore what they changed, by RAII.)
//
//   Value GetHandlers() { return tls_handlers; }
//   void SetHandlers(Value v) { tls_handlers = v; }
//   static const bool registered = (RegisterDynamicState("handlers", GetHandlers, SetHandlers), true);
//
// A Value slot is held by the continuation (traced: the saved value stays alive); the thread's
// own slot must be a root while it holds a value (keep it reachable from the stack or from a
// rooted object, as for any thread-local Value). A native slot is a word the collector never
// looks at, such as a pointer; it must be below 2^61. Register before the first call/cc of any
// thread (at static initialisation or engine creation); registering a name twice keeps the
// first. At most kMaxDynamicStates slots.
#ifndef TOYLANG_FRONTEND_BUILTINS_DYNAMIC_STATE_H_
#define TOYLANG_FRONTEND_BUILTINS_DYNAMIC_STATE_H_

#include <cstddef>
#include <cstdint>

#include "mosaic/value.h"

namespace toylang {

inline constexpr size_t kMaxDynamicStates = 16;

using DynamicStateGet = mosaic::Value (*)();
using DynamicStateSet = void (*)(mosaic::Value);
using NativeStateGet = uint64_t (*)();
using NativeStateSet = void (*)(uint64_t);

void RegisterDynamicState(const char* name, DynamicStateGet get, DynamicStateSet set);
void RegisterNativeDynamicState(const char* name, NativeStateGet get, NativeStateSet set);

// For continuations.cc: a vector of every registered slot's current value (#f when none is
// registered), and the inverse. May allocate.
mosaic::Value SaveDynamicState();
void RestoreDynamicState(mosaic::Value saved);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_BUILTINS_DYNAMIC_STATE_H_
