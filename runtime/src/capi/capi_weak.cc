// The C API's weak objects: weak pairs, ephemerons and guardians (mosaic/weak.h). Weak root
// cells are with the other cells in capi_roots.cc.
#include "absl/strings/str_cat.h"
#include "capi/capi_internal.h"
#include "mosaic/heap.h"
#include "mosaic/mosaic.h"
#include "mosaic/weak.h"

using mosaic::Value;
using mosaic::capi::Fail;

namespace {

// A registered, running thread: weak objects allocate.
mosaic_status Running(const char* function) {
  if (!mosaic::IsCurrentThreadRegistered()) {
    return Fail(MOSAIC_ERR_NOT_REGISTERED,
                absl::StrCat(function, ": the calling thread is not registered with a heap"));
  }
  return MOSAIC_OK;
}

mosaic_status Check(const char* function, bool ok, mosaic_value v, const char* what) {
  if (ok) return MOSAIC_OK;
  return Fail(MOSAIC_ERR_INVALID_ARGUMENT,
              absl::StrCat(function, ": ", absl::Hex(v), " is not ", what));
}

}  // namespace

extern "C" {

mosaic_status mosaic_weak_pair_new(mosaic_value target, mosaic_value extra, mosaic_value* out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_weak_pair_new: out is NULL");
  if (mosaic_status s = Running("mosaic_weak_pair_new"); s != MOSAIC_OK) return s;
  *out = mosaic::NewWeakPair(Value::FromBits(target), Value::FromBits(extra)).bits();
  return MOSAIC_OK;
}

mosaic_status mosaic_weak_pair_set(mosaic_value weak_pair, mosaic_value target,
                                   mosaic_value extra) {
  Value wp = Value::FromBits(weak_pair);
  if (mosaic_status s = Check("mosaic_weak_pair_set", mosaic::IsWeakPair(wp), weak_pair,
                              "a weak pair");
      s != MOSAIC_OK) {
    return s;
  }
  if (mosaic_status s = Running("mosaic_weak_pair_set"); s != MOSAIC_OK) return s;
  mosaic::SetWeakPairTarget(wp, Value::FromBits(target));
  mosaic::SetWeakPairExtra(wp, Value::FromBits(extra));
  return MOSAIC_OK;
}

mosaic_status mosaic_ephemeron_new(mosaic_value key, mosaic_value value, mosaic_value* out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_ephemeron_new: out is NULL");
  if (mosaic_status s = Running("mosaic_ephemeron_new"); s != MOSAIC_OK) return s;
  *out = mosaic::NewEphemeron(Value::FromBits(key), Value::FromBits(value)).bits();
  return MOSAIC_OK;
}

mosaic_status mosaic_ephemeron_set(mosaic_value ephemeron, mosaic_value key, mosaic_value value) {
  Value e = Value::FromBits(ephemeron);
  if (mosaic_status s = Check("mosaic_ephemeron_set", mosaic::IsEphemeron(e), ephemeron,
                              "an ephemeron");
      s != MOSAIC_OK) {
    return s;
  }
  if (mosaic_status s = Running("mosaic_ephemeron_set"); s != MOSAIC_OK) return s;
  mosaic::SetEphemeronKey(e, Value::FromBits(key));
  mosaic::SetEphemeronValue(e, Value::FromBits(value));
  return MOSAIC_OK;
}

mosaic_status mosaic_guardian_new(mosaic_value* out) {
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_guardian_new: out is NULL");
  if (mosaic_status s = Running("mosaic_guardian_new"); s != MOSAIC_OK) return s;
  *out = mosaic::NewGuardian().bits();
  return MOSAIC_OK;
}

mosaic_status mosaic_guardian_register(mosaic_value guardian, mosaic_value object) {
  Value g = Value::FromBits(guardian);
  if (mosaic_status s = Check("mosaic_guardian_register", mosaic::IsGuardian(g), guardian,
                              "a guardian");
      s != MOSAIC_OK) {
    return s;
  }
  if (mosaic_status s = Running("mosaic_guardian_register"); s != MOSAIC_OK) return s;
  mosaic::GuardianRegister(g, Value::FromBits(object));
  return MOSAIC_OK;
}

mosaic_status mosaic_guardian_take(mosaic_value guardian, mosaic_value* out) {
  Value g = Value::FromBits(guardian);
  if (out == nullptr) return Fail(MOSAIC_ERR_INVALID_ARGUMENT, "mosaic_guardian_take: out is NULL");
  if (mosaic_status s = Check("mosaic_guardian_take", mosaic::IsGuardian(g), guardian,
                              "a guardian");
      s != MOSAIC_OK) {
    return s;
  }
  if (mosaic_status s = Running("mosaic_guardian_take"); s != MOSAIC_OK) return s;
  Value v = mosaic::GuardianTake(g);
  if (v == Value()) return Fail(MOSAIC_ERR_NOT_FOUND, "mosaic_guardian_take: nothing is queued");
  *out = v.bits();
  return MOSAIC_OK;
}

}  // extern "C"
