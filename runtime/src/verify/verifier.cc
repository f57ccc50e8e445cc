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

// Hands every precise slot a stack walker reports to the verifier; conservative spans are not
// references the verifier can check.
class VerifyingRootVisitor final : public RootVisitor {
 public:
  explicit VerifyingRootVisitor(Verifier& verifier) : verifier_(verifier) {}
  void VisitPrecise(Value value) override {
    // LLVM may spill an allocation's result before the tag is added: an untagged start is a
    // valid precise root (the marker accepts it too).
    verifier_.CheckReference(value.bits(), "precise stack slot (stack map) holding", value.bits(),
                             slot_++, /*untagged_start_ok=*/true);
  }
  void VisitConservativeRange(const void*, const void*) override {}
  void CountJitFrames(uint64_t) override {}

 private:
  Verifier& verifier_;
  size_t slot_ = 0;
};

}  // namespace

void Verifier::CheckReference(uint64_t word, const char* what, uintptr_t holder, size_t field,
                              bool untagged_start_ok) {
  Value v = Value::FromBits(word);
  if (!v.IsHeapReference()) return;
  auto address = reinterpret_cast<uintptr_t>(v.ObjectAddress());
  if (!heap_.spaces.layout().InReservation(address)) return;  // not ours: an embedder's business
  ObjectLocation loc;
  bool ok = heap_.spaces.Locate(address, &loc) && loc.start == address &&
            (loc.is_pair() == v.IsPair() || (untagged_start_ok && v.IsObject()));
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
  const KindDescriptor* descriptor = kind == 0 ? nullptr : heap_.kinds.Find(kind);
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
  MOSAIC_CHECK(StateOf(heap_.spaces.blocks().state(index)) == kBlockInUse,
               "verify (%s): block %#x is in use but its side-table state is %d", when_,
               block->start(), heap_.spaces.blocks().state(index));
  MOSAIC_CHECK(block->size_class < kNumSizeClasses &&
                   block->cell_bytes == ClassCellBytes(block->size_class),
               "verify (%s): block %#x has an invalid size class", when_, block->start());
  const size_t cell_words = block->cell_bytes / 8;
  for (uint32_t cell = 0; cell < block->num_cells; ++cell) {
    MOSAIC_CHECK(!block->IsMarked(cell) || block->IsAllocated(cell),
                 "verify (%s): block %#x cell %u is marked (old) but not allocated", when_,
                 block->start(), cell);
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
  uintptr_t start = heap_.spaces.layout().BlockAddress(index);
  for (auto* p = reinterpret_cast<const uint64_t*>(start + kBlockHeaderBytes);
       p < reinterpret_cast<const uint64_t*>(start + kBlockSize); ++p) {
    MOSAIC_CHECK(*p == 0 || *p == kPoisonWord,
                 "verify (%s): free block %#x was written after it was freed: word at %p is %#x",
                 when_, start, p, *p);
  }
}

namespace {

// Checks each reference field of one old object: a young target needs a dirty card.
class RememberedSetTracer final : public Tracer {
 public:
  explicit RememberedSetTracer(Verifier& verifier) : verifier_(verifier) {}
  void Trace(Value value) override { young |= verifier_.IsYoung(value); }
  // Ranges of ambiguous words (a continuation's stack copy) are not checked: an old copy never
  // changes, and a stale word in it may land in a cell reused since by a young object, which
  // is not a reference the collector must keep (the conservative stack scan has the same
  // property). The default TraceConservativeRange ignores them.
  bool young = false;

 private:
  Verifier& verifier_;
};

}  // namespace

bool Verifier::IsYoung(Value value) const {
  if (!value.IsHeapReference()) return false;
  ObjectLocation loc;
  return heap_.spaces.Locate(reinterpret_cast<uintptr_t>(value.ObjectAddress()), &loc) &&
         !loc.IsMarked();
}

void Verifier::CheckRemembered(uintptr_t object, const KindDescriptor& kind, const uint64_t* field,
                               size_t index) {
  Value value = Value::FromBits(*field);
  if (!IsYoung(value) || heap_.cards.IsDirty(reinterpret_cast<uintptr_t>(field))) return;
  Fatal("verify (%s): old object %#x (kind '%s') field %zu holds %#x, a young object, but its "
        "card is clean: a store into this object skipped the write barrier (mosaic::WriteField, "
        "mosaic_store_field)",
        when_, object, kind.name, index, value.bits());
}

void Verifier::VerifyRememberedSet() {
  auto check_object = [&](uintptr_t start, size_t bytes) {
    const auto* words = reinterpret_cast<const uint64_t*>(start);
    const KindId id = ObjectHeader::Kind(words[0]);
    const KindDescriptor* kind = heap_.kinds.Find(id);
    if (kind == nullptr) return;  // VerifyHeap reports it
    if (id == kWeakPairKind || id == kEphemeronKind) {
      // The weak field (target, key) needs no barrier; the strong one does.
      CheckRemembered(start, *kind, &words[2], 2);
      return;
    }
    switch (kind->policy) {
      case TracePolicy::kNoReferences:
        return;
      case TracePolicy::kAllValues:
        for (size_t i = 1; i < bytes / 8; ++i) CheckRemembered(start, *kind, &words[i], i);
        return;
      case TracePolicy::kCustom: {
        // The tracer sees values, not fields: some card of the object must be dirty.
        RememberedSetTracer tracer(*this);
        kind->trace(words, tracer);
        bool dirty = false;
        for (uintptr_t a = start & ~(CardTable::kCardBytes - 1); a < start + bytes;
             a += CardTable::kCardBytes) {
          dirty |= heap_.cards.IsDirty(a);
        }
        if (tracer.young && !dirty) {
          Fatal("verify (%s): old object %#x (kind '%s', custom-traced) references a young "
                "object, but none of its cards is dirty: a store into it skipped the write "
                "barrier",
                when_, start, kind->name);
        }
        return;
      }
    }
  };
  const KindDescriptor pair_kind{"pair", TracePolicy::kAllValues};
  for (BlockHeader* block : heap_.spaces.blocks().used_blocks()) {
    for (uint32_t cell = 0; cell < block->num_cells; ++cell) {
      if (!block->IsAllocated(cell) || !block->IsMarked(cell)) continue;  // young or free
      uintptr_t start = block->CellAddress(cell);
      if (block->size_class == kPairClass) {
        const auto* words = reinterpret_cast<const uint64_t*>(start);
        CheckRemembered(start, pair_kind, &words[0], 0);
        CheckRemembered(start, pair_kind, &words[1], 1);
      } else {
        check_object(start, block->cell_bytes);
      }
    }
  }
  for (LargeHeader* h : heap_.spaces.large().objects()) {
    if (h->marked) check_object(h->object(), h->object_bytes);
  }
}

void Verifier::VerifyHeap(const std::vector<Mutator*>& mutators) {
  const BlockPool& blocks = heap_.spaces.blocks();
  for (BlockHeader* block : blocks.used_blocks()) {
    VerifyBlock(block, heap_.spaces.layout().BlockIndex(block->start()));
  }
  for (size_t index : blocks.free_blocks()) VerifyEmptyBlock(index);
  for (size_t index : blocks.quarantined_blocks()) VerifyEmptyBlock(index);
  for (LargeHeader* h : heap_.spaces.large().objects()) {
    MOSAIC_CHECK(h->magic == kLargeMagic,
                 "verify (%s): large object header %p is corrupt", when_, h);
    VerifyObject(h->object(), h->object_bytes / 8);
  }
  StackWalker* walker = heap_.roots.stack_walker();
  for (Mutator* m : mutators) {
    if (walker != nullptr) {
      VerifyingRootVisitor visitor(*this);
      walker->WalkStack(m->Stack(), visitor);
    }
    for (size_t i = 0; i < m->handle_top; ++i) {
      Value* slot = &m->handle_chunks[i / Mutator::kHandleChunk][i % Mutator::kHandleChunk];
      CheckReference(slot->bits(), "handle", reinterpret_cast<uintptr_t>(slot), 0);
    }
  }
  heap_.roots.ForEachGlobal([this](Value* slot) {
    CheckReference(slot->bits(), "global root", reinterpret_cast<uintptr_t>(slot), 0);
  });
  heap_.roots.cells().ForEachLive([this](Value value) {
    CheckReference(value.bits(), "root cell holding", value.bits(), 0);
  });
  heap_.finalizers.ForEachQueued([this](Value object) {
    CheckReference(object.bits(), "object awaiting finalization", object.bits(), 0);
  });
}

}  // namespace mosaic::internal
