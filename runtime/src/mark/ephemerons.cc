// Tracing the runtime's own kinds (mosaic/weak.h), and the ephemeron fixpoint.
//
// Before ResolveEphemerons, marking is strong marking: an ephemeron traced with its key
// unmarked goes to pending_. ResolveEphemerons then files every pending ephemeron under its
// key's start address (waiting_) and turns on the watch: from then on Push, which every newly
// marked object goes through, looks its start up in waiting_ and moves the ephemerons found
// there to resolved_, whose values Finish marks once the mark stack is empty. An ephemeron
// traced during the watch with its key unmarked is filed in waiting_ directly. So every
// ephemeron is handled when it is traced and at most once more when its key is marked: a chain
// of n ephemerons (each value the next key) costs O(n), not the O(n^2) of rescanning the
// pending ones after every round. Values are marked from resolved_ rather than from Push itself,
// so that a long chain does not recurse.
#include "common/check.h"
#include "mark/marker.h"

namespace mosaic::internal {

bool Marker::KeyAlive(Value key, uintptr_t* key_start) const {
  // Immediates and fixnums are never collected, and neither is memory outside the heap.
  if (!key.IsHeapReference()) return true;
  auto address = reinterpret_cast<uintptr_t>(key.ObjectAddress());
  if (!spaces_.layout().InReservation(address)) return true;
  ObjectLocation loc;
  if (!spaces_.Locate(address, &loc)) return true;  // not an object (the verifier says so)
  *key_start = loc.start;
  return loc.IsMarked();
}

void Marker::TraceEphemeron(uintptr_t start) {
  const auto* words = reinterpret_cast<const uint64_t*>(start);
  if (ephemerons_strong_) {
    MarkPrecise(Value::FromBits(words[1]));
    MarkPrecise(Value::FromBits(words[2]));
    return;
  }
  uintptr_t key_start = 0;
  if (KeyAlive(Value::FromBits(words[1]), &key_start)) {
    MarkPrecise(Value::FromBits(words[2]));
  } else if (watching_) {
    Wait(key_start, start);
  } else {
    pending_.push_back(start);
  }
}

void Marker::TraceRuntimeKind(uintptr_t start, KindId kind) {
  const auto* words = reinterpret_cast<const uint64_t*>(start);
  switch (kind) {
    case kWeakPairKind:
      MarkPrecise(Value::FromBits(words[2]));  // the extra; never the target
      return;
    case kEphemeronKind:
      TraceEphemeron(start);
      return;
    case kGuardianKind:
      return;  // its registrations live in the weak registry
    default:
      Fatal("object at %#x has header %#x naming runtime kind %d, which does not exist", start,
            words[0], kind);
  }
}

void Marker::OnMarked(uintptr_t start) {
  auto it = waiting_.find(start);
  if (it == waiting_.end()) return;
  for (uint32_t i = it->second; i != kNoNext; i = waiting_next_[i]) {
    resolved_.push_back(waiting_list_[i]);
  }
  waiting_.erase(it);
}

void Marker::Wait(uintptr_t key_start, uintptr_t ephemeron) {
  const auto index = static_cast<uint32_t>(waiting_list_.size());
  MOSAIC_CHECK(index != kNoNext, "more than 2^32 ephemerons wait for their keys");
  waiting_list_.push_back(ephemeron);
  auto [it, inserted] = waiting_.try_emplace(key_start, index);
  waiting_next_.push_back(inserted ? kNoNext : it->second);
  it->second = index;
}

void Marker::ResolveEphemerons() {
  std::vector<uintptr_t> pending;
  pending.swap(pending_);
  waiting_.reserve(waiting_.size() + pending.size());
  waiting_list_.reserve(waiting_list_.size() + pending.size());
  waiting_next_.reserve(waiting_next_.size() + pending.size());
  watching_ = true;
  for (uintptr_t e : pending) {
    // The key may have been marked since the ephemeron was traced.
    uintptr_t key_start = 0;
    if (KeyAlive(Value::FromBits(reinterpret_cast<const uint64_t*>(e)[1]), &key_start)) {
      resolved_.push_back(e);
    } else {
      Wait(key_start, e);
    }
  }
  Finish();
}

}  // namespace mosaic::internal
