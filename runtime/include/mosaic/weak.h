// Weakness: weak pairs, ephemerons and guardians (objects of the runtime's own kinds), and weak
// root cells (mosaic/roots.h). All of these allocate on, and require, a registered thread.
//
//   Value wp = NewWeakPair(object);          // holds `object` without keeping it alive
//   ...
//   if (WeakPairTarget(wp).IsBrokenWeak()) { /* `object` was collected */ }
//
//   Value e = NewEphemeron(key, value);      // `value` lives while `key` is reachable elsewhere
//   Value g = NewGuardian();
//   GuardianRegister(g, object);             // once `object` is unreachable, it is kept...
//   Value back = GuardianTake(g);            // ...and handed back here, exactly once
//
// What a collection does, in this order (docs/design/runtime.md, "Weakness"):
//   1. marks everything strongly reachable from the roots (a weak pair's target is not traced;
//      an ephemeron's value is traced only once its key is marked);
//   2. resolves ephemerons to a fixpoint: a value marked through one ephemeron may be the key of
//      another (chains, cycles and a value that refers to its own key are all handled, in time
//      linear in what is marked);
//   3. clears: a weak pair whose target is unmarked, an ephemeron whose key is unmarked (key and
//      value both), and a weak root cell whose value is unmarked now hold Value::BrokenWeak();
//   4. guardians: each registered object that is unmarked is moved to its guardian's queue and
//      marked again (resurrected), with everything it references (ephemerons among them are
//      then traced strongly); weak references to it were cleared in step 3;
//   5. finalizers (Heap::RegisterFinalizer) are queued the same way;
//   6. sweeps.
// Conservative roots make all of this approximate in one direction: a stray stack word that
// happens to point at a weakly held object keeps it (and its weak references) alive. Assert
// bounds, not exact counts, in tests.
//
// Stores: a weak pair's target and an ephemeron's key are weak fields and need no write barrier;
// the strong fields (a weak pair's extra, an ephemeron's value) go through it, which the setters
// below do. Objects never move, so an object's address is a stable hash key (eq tables); if
// objects ever move, address-keyed tables must be rehashed after collections.
#ifndef MOSAIC_WEAK_H_
#define MOSAIC_WEAK_H_

#include "mosaic/export.h"
#include "mosaic/object.h"
#include "mosaic/value.h"

namespace mosaic {

// A weak pair: (target . extra), `target` held weakly and `extra` strongly (Chez's weak-cons:
// the car is weak, the cdr strong). A plain weak reference is a weak pair whose extra is unused.
MOSAIC_EXPORT Value NewWeakPair(Value target, Value extra = Value::Nil());
inline bool IsWeakPair(Value v) { return v.IsObject() && KindOf(v) == kWeakPairKind; }
// Requires IsWeakPair. The target reads Value::BrokenWeak() once it has been collected.
inline Value WeakPairTarget(Value wp) { return Value::FromBits(wp.ObjectWords()[1]); }
inline Value WeakPairExtra(Value wp) { return Value::FromBits(wp.ObjectWords()[2]); }
MOSAIC_EXPORT void SetWeakPairTarget(Value wp, Value target);
MOSAIC_EXPORT void SetWeakPairExtra(Value wp, Value extra);

// An ephemeron: (key . value), where `value` is kept alive only while `key` is reachable
// without going through this ephemeron. Once the key is collected both read
// Value::BrokenWeak().
MOSAIC_EXPORT Value NewEphemeron(Value key, Value value);
inline bool IsEphemeron(Value v) { return v.IsObject() && KindOf(v) == kEphemeronKind; }
inline Value EphemeronKey(Value e) { return Value::FromBits(e.ObjectWords()[1]); }
inline Value EphemeronValue(Value e) { return Value::FromBits(e.ObjectWords()[2]); }
MOSAIC_EXPORT void SetEphemeronKey(Value e, Value key);
MOSAIC_EXPORT void SetEphemeronValue(Value e, Value value);

// Guardians, in Chez Scheme's sense. GuardianRegister(g, obj) asks `g` to watch `obj`: once
// `obj` is unreachable (other than through guardians and weak references), a collection keeps
// it and queues it on `g`, and GuardianTake(g) returns it — once per registration (register an
// object twice to get it back twice). GuardianTake returns Value() when nothing is queued.
// Values that are not heap references are never collected, so registering one does nothing. A
// guardian that becomes unreachable forgets its registrations (the objects are collected
// normally). Taking an object back resurrects it: it is an ordinary live object again, and may
// be registered again. This is also finalization without callbacks: poll the guardian.
MOSAIC_EXPORT Value NewGuardian();
inline bool IsGuardian(Value v) { return v.IsObject() && KindOf(v) == kGuardianKind; }
MOSAIC_EXPORT void GuardianRegister(Value guardian, Value object);
MOSAIC_EXPORT Value GuardianTake(Value guardian);

}  // namespace mosaic

#endif  // MOSAIC_WEAK_H_
