#include "verify/verifier.h"

#include "common/check.h"

namespace mosaic::internal {

namespace {

class VerifyingTracer final : public Tracer {
 public:
  VerifyingTracer(Verifier& verifier, uintptr_t holder) : verifier_(verifier), holder_(holder) {}
  void Trace(Value value) override {
    verifier_.CheckReference(value.bits(), "object", holder_, field_++);
  }

 private:
  Verifier& verifier_;
  uintptr_t holder_;
  size_t field_ = 0;
};

}  // namespace

void Verifier::CheckReference(uint64_t word, const char* what, uintptr_t holder, size_t field) {
  Value v = Value::FromBits(word);
  if (!v.IsHeapReference()) return;
  auto address = reinterpret_cast<uintptr_t>(v.ObjectAddress());
  if (!heap_.InReservation(address)) return;  // not ours: an embedder's business
  ObjectLocation loc;
  bool ok = heap_.Locate(address, &loc) && loc.start == address && loc.is_pair() == v.IsPair();
  if (!ok) {
    Fatal("verify (%s): %s %#x, field %zu, refers to %#x, which is not %s", when_, what, holder,
          field, word,
          loc.start == 0 ? "an allocated object (dangling reference)"
                         : "the start of an allocated object of that shape");
  }
}

void Verifier::VerifyObject(uintptr_t start, size_t cell_words) {
  const auto* words = reinterpret_cast<const uint64_t*>(start);
  KindId kind = ObjectHeader::Kind(words[0]);
  const KindDescriptor* descriptor = kind == 0 ? nullptr : heap_.FindKind(kind);
  if (descriptor == nullptr || kind == kPairKind) {
    Fatal("verify (%s): allocated object %#x has header %#x, which names no registered kind",
          when_, start, words[0]);
  }
  switch (descriptor->policy) {
    case TracePolicy::kNoReferences:
      break;
    case TracePolicy::kAllValues:
      for (size_t i = 1; i < cell_words; ++i) CheckReference(words[i], "object", start, i);
      break;
    case TracePolicy::kCustom: {
      VerifyingTracer tracer(*this, start);
      descriptor->trace(words, tracer);
      break;
    }
  }
}

void Verifier::VerifyBlock(BlockHeader* block, size_t index) {
  MOSAIC_CHECK(block->magic == kBlockMagic, "verify (%s): block %#x has a corrupt header", when_,
               block->start());
  MOSAIC_CHECK((heap_.block_state_[index] & ~kBlacklistBit) == kBlockInUse,
               "verify (%s): block %#x is in use but its side-table state is %d", when_,
               block->start(), heap_.block_state_[index]);
  MOSAIC_CHECK(block->size_class < kNumSizeClasses &&
                   block->cell_bytes == ClassCellBytes(block->size_class),
               "verify (%s): block %#x has an invalid size class", when_, block->start());
  const size_t cell_words = block->cell_bytes / 8;
  for (uint32_t cell = 0; cell < block->num_cells; ++cell) {
    MOSAIC_CHECK(!block->IsMarked(cell), "verify (%s): block %#x cell %u is marked outside marking",
                 when_, block->start(), cell);
    uintptr_t start = block->CellAddress(cell);
    const auto* words = reinterpret_cast<const uint64_t*>(start);
    if (block->IsAllocated(cell)) {
      if (block->size_class == kPairClass) {
        CheckReference(words[0], "pair", start, 0);
        CheckReference(words[1], "pair", start, 1);
      } else {
        VerifyObject(start, cell_words);
      }
    } else if (!block->fresh) {
      uint64_t expected = words[0] == 0 ? 0 : kPoisonWord;
      for (size_t i = 0; i < cell_words; ++i) {
        MOSAIC_CHECK(words[i] == expected,
                     "verify (%s): free cell %#x was written after it was freed: word %zu is %#x",
                     when_, start, i, words[i]);
      }
    }
  }
}

void Verifier::VerifyEmptyBlock(size_t index) {
  // An empty committed block holds poison (it was released in verify mode) or zeros (it came
  // back from the OS); anything else is a write through a dangling pointer.
  uintptr_t start = heap_.BlockAddress(index);
  for (auto* p = reinterpret_cast<const uint64_t*>(start + kBlockHeaderBytes);
       p < reinterpret_cast<const uint64_t*>(start + kBlockSize); ++p) {
    MOSAIC_CHECK(*p == 0 || *p == kPoisonWord,
                 "verify (%s): free block %#x was written after it was freed: word at %p is %#x",
                 when_, start, p, *p);
  }
}

void Verifier::VerifyHeap(const std::vector<Mutator*>& mutators) {
  for (BlockHeader* block : heap_.used_blocks_) VerifyBlock(block, heap_.BlockIndex(block->start()));
  for (size_t index : heap_.free_blocks_) VerifyEmptyBlock(index);
  for (size_t index : heap_.quarantined_) VerifyEmptyBlock(index);
  for (LargeHeader* h : heap_.los_->objects()) {
    MOSAIC_CHECK(h->magic == kLargeMagic && !h->marked,
                 "verify (%s): large object header %p is corrupt", when_, h);
    VerifyObject(h->object(), h->object_bytes / 8);
  }
  for (Mutator* m : mutators) {
    for (size_t i = 0; i < m->handle_top; ++i) {
      Value* slot = &m->handle_chunks[i / Mutator::kHandleChunk][i % Mutator::kHandleChunk];
      CheckReference(slot->bits(), "handle", reinterpret_cast<uintptr_t>(slot), 0);
    }
  }
  {
    std::lock_guard<std::mutex> lock(heap_.roots_mu_);
    for (Value* slot : heap_.global_roots_) {
      CheckReference(slot->bits(), "global root", reinterpret_cast<uintptr_t>(slot), 0);
    }
  }
  heap_.root_cells_.ForEachLive(
      [this](uint64_t word) { CheckReference(word, "root cell holding", word, 0); });
  std::lock_guard<std::mutex> lock(heap_.fin_mu_);
  for (const auto& entry : heap_.pending_finalizers_) {
    CheckReference(entry.first.bits(), "object awaiting finalization", entry.first.bits(), 0);
  }
}

}  // namespace mosaic::internal
