// The public weakness API (mosaic/weak.h): weak pairs, ephemerons and guardians are objects of
// the runtime's own kinds, recorded in the heap's WeakRegistry when they are made.
#include "mosaic/weak.h"

#include "common/check.h"
#include "heap/heap_impl.h"
#include "mosaic/heap.h"

namespace mosaic {

using internal::CurrentMutator;
using internal::Mutator;

namespace {

internal::WeakRegistry& Registry(const char* what) {
  Mutator* m = CurrentMutator();
  MOSAIC_CHECK(m != nullptr,
               "%s called on a thread that is not registered with a heap; register it first",
               what);
  return m->heap->weak();
}

Value* Field(Value object, size_t index) {
  return reinterpret_cast<Value*>(object.ObjectWords() + index);
}

void Require(bool ok, const char* what, Value v) {
  MOSAIC_CHECK(ok, "%s: %#x is not an object of the right kind", what, v.bits());
}

}  // namespace

Value NewWeakPair(Value target, Value extra) {
  internal::WeakRegistry& registry = Registry("NewWeakPair");
  auto* words = static_cast<uint64_t*>(Allocate(kWeakPairKind, 3 * 8));
  // A young object, and no safepoint until it is recorded: plain stores.
  words[1] = target.bits();
  words[2] = extra.bits();
  Value v = Value::Object(words);
  registry.AddWeakPair(v);
  return v;
}

void SetWeakPairTarget(Value wp, Value target) {
  Require(IsWeakPair(wp), "SetWeakPairTarget", wp);
  *Field(wp, 1) = target;  // a weak field: no barrier (every weak pair is checked at clearing)
}

void SetWeakPairExtra(Value wp, Value extra) {
  Require(IsWeakPair(wp), "SetWeakPairExtra", wp);
  WriteField(Field(wp, 2), extra);
}

Value NewEphemeron(Value key, Value value) {
  internal::WeakRegistry& registry = Registry("NewEphemeron");
  auto* words = static_cast<uint64_t*>(Allocate(kEphemeronKind, 3 * 8));
  words[1] = key.bits();
  words[2] = value.bits();
  Value v = Value::Object(words);
  registry.AddEphemeron(v);
  return v;
}

void SetEphemeronKey(Value e, Value key) {
  Require(IsEphemeron(e), "SetEphemeronKey", e);
  *Field(e, 1) = key;  // weak
}

void SetEphemeronValue(Value e, Value value) {
  Require(IsEphemeron(e), "SetEphemeronValue", e);
  WriteField(Field(e, 2), value);  // strong while the key lives: through the barrier
}

Value NewGuardian() {
  internal::WeakRegistry& registry = Registry("NewGuardian");
  auto* words = static_cast<uint64_t*>(Allocate(kGuardianKind, 2 * 8));
  Value v = Value::Object(words);
  words[1] = registry.AddGuardian(v);  // its entry in the registry (not a value: not traced)
  return v;
}

void GuardianRegister(Value guardian, Value object) {
  Require(IsGuardian(guardian), "GuardianRegister", guardian);
  if (!object.IsHeapReference()) return;  // never collected
  Registry("GuardianRegister").Register(guardian.ObjectWords()[1], object);
}

Value GuardianTake(Value guardian) {
  Require(IsGuardian(guardian), "GuardianTake", guardian);
  Value object;
  return Registry("GuardianTake").Take(guardian.ObjectWords()[1], &object) ? object : Value();
}

}  // namespace mosaic
