// Tracing the runtime's own kinds (mosaic/weak.h), and the ephemeron fixpoint.
//
// Before ResolveEphemerons, marking is strong marking: an ephemeron traced with its key
// unmarked goes to pending_. ResolveEphemerons then files every pending ephemeron under its
// key (a wait list per key: WaitHead) and turns on the watch: from then on Push, which every
// newly marked object goes through, looks up the object's wait list and moves the ephemerons
// found there to resolved_, whose values Finish marks once the mark stack is empty. An ephemeron
// traced during the watch with its key unmarked is filed directly. So every
// ephemeron is handled when it is traced and at most once more when its key is marked: a chain
// of n ephemerons (each value the next key) costs O(n), not the O(n^2) of rescanning the
// pending ones after every round. Values are marked from resolved_ rather than from Push itself,
// so that a long chain does not recurse.
#include <algorithm>
#include <memory>

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

uint32_t* Marker::WaitHead(uintptr_t key_start, bool create) {
  const HeapLayout& layout = spaces_.layout();
  if (!layout.InSmallRegion(key_start)) {
    if (create) return &large_waits_.try_emplace(key_start, kNoNext).first->second;
    auto it = large_waits_.find(key_start);
    return it == large_waits_.end() ? nullptr : &it->second;
  }
  const size_t index = layout.BlockIndex(key_start);
  if (index != cached_block_) {
    auto it = block_waits_.find(index);
    if (it == block_waits_.end()) {
      if (!create) return nullptr;
      const uint32_t cells = BlockHeader::Of(key_start)->num_cells;
      auto heads = std::make_unique<uint32_t[]>(cells);
      std::fill_n(heads.get(), cells, kNoNext);
      it = block_waits_.emplace(index, std::move(heads)).first;
    }
    cached_block_ = index;
    cached_heads_ = it->second.get();
  }
  return &cached_heads_[BlockHeader::Of(key_start)->CellIndex(key_start)];
}

void Marker::OnMarked(uintptr_t start) {
  uint32_t* head = WaitHead(start, /*create=*/false);
  if (head == nullptr || *head == kNoNext) return;
  for (uint32_t i = *head; i != kNoNext; i = waiting_next_[i]) {
    resolved_.push_back(waiting_list_[i]);
  }
  *head = kNoNext;  // a key is marked once: nothing waits on it again
}

void Marker::Wait(uintptr_t key_start, uintptr_t ephemeron) {
  const auto index = static_cast<uint32_t>(waiting_list_.size());
  MOSAIC_CHECK(index != kNoNext, "more than 2^32 ephemerons wait for their keys");
  waiting_list_.push_back(ephemeron);
  uint32_t* head = WaitHead(key_start, /*create=*/true);
  waiting_next_.push_back(*head);
  *head = index;
}

void Marker::ResolveEphemerons() {
  std::vector<uintptr_t> pending;
  pending.swap(pending_);
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
