#include "mark/marker.h"

#include <algorithm>

#include "common/check.h"

namespace mosaic::internal {

namespace {

class MarkingTracer final : public Tracer {
 public:
  explicit MarkingTracer(Marker& marker) : marker_(marker) {}
  void Trace(Value value) override { marker_.MarkPrecise(value); }
  void TraceConservativeRange(const void* begin, const void* end) override {
    auto b = (reinterpret_cast<uintptr_t>(begin) + 7) & ~uintptr_t{7};
    auto e = reinterpret_cast<uintptr_t>(end);
    for (; b + 8 <= e; b += 8) {
      marker_.MarkAmbiguousInObject(AmbiguousWord(*reinterpret_cast<const uintptr_t*>(b)));
    }
  }

 private:
  Marker& marker_;
};

}  // namespace

Marker::Marker(const ObjectSpaces& spaces, const KindTable& kinds, uintptr_t* stack,
               size_t capacity, WorkPool* pool, int index)
    : spaces_(spaces),
      kinds_(kinds),
      small_base_(spaces.layout().base),
      small_size_(spaces.layout().small_size),
      block_state_(spaces.blocks().state_table()),
      stack_(stack),
      capacity_(capacity),
      pool_(pool),
      index_(index),
      atomic_(pool != nullptr),
      wake_countdown_(pool != nullptr && index == 0 ? kWakeAfter : 0),
      solo_countdown_(pool != nullptr && index == 0 ? kSoloCheckEvery : 0) {}

void Marker::MaybeGoSolo() {
  if (pool_ == nullptr) return;  // countdown stays 0: done
  if (pool_->Deserted() && pool_->GoSolo()) {
    // The helpers that came have left, and the phase is closed to late ones: this marker is the
    // only one until the phase ends.
    pool_ = nullptr;
    atomic_ = false;
    went_solo_ = true;
    return;
  }
  solo_countdown_ = kSoloCheckEvery;
}

void Marker::MaybeWakeHelpers(int in_window) {
  if (pool_ == nullptr || pool_->helpers_requested()) return;  // countdown stays 0: done
  // Work that can be shared: a tree or a wide vector leaves several entries; a list only ever
  // one, which no helper could take a part of.
  if (top_ - bottom_ + static_cast<size_t>(in_window) >= 2) {
    pool_->RequestHelpers();
  } else {
    wake_countdown_ = kWakeAfter;
  }
}

inline void Marker::Push(uintptr_t start) {
  if (__builtin_expect(watching_, 0)) OnMarked(start);
  if (top_ == capacity_ && !MakeRoom()) {
    overflowed_ = true;
    ++overflows_;
    return;
  }
  stack_[top_++] = start;
}

inline void Marker::MarkPreciseInline(uint64_t word) {
  // The tag rule: a reference has low bits 000 (an object) or 010 (a pair); 0 falls outside the
  // heap below. (word & 5) == 0 is both tests at once.
  if ((word & 5) != 0) return;
  uintptr_t address = word & ~uint64_t{Value::kPairTag};
  uintptr_t offset = address - small_base_;
  if (__builtin_expect(offset >= small_size_, 0)) {
    if (spaces_.layout().InReservation(address)) MarkPreciseSlow(address);  // a large object
    return;
  }
  // What Locate does for the small-object region, inline and without an ObjectLocation.
  if ((__atomic_load_n(&block_state_[offset >> kBlockShift], __ATOMIC_RELAXED) & ~kBlacklistBit) !=
      kBlockInUse) {
    return;
  }
  BlockHeader* block = BlockHeader::Of(address);
  uint64_t cell_offset = address - block->cells_start();
  uint64_t cell = (cell_offset * block->reciprocal) >> 32;
  if (cell_offset >= kBlockSize - kBlockHeaderBytes || cell >= block->num_cells) return;
  const uint64_t bit = uint64_t{1} << (cell & 63);
  if ((block->alloc[cell >> 6] & bit) == 0) return;
  uint64_t& mark_word = block->mark[cell >> 6];
  if (__atomic_load_n(&mark_word, __ATOMIC_RELAXED) & bit) return;
  if (atomic_) {
    // Another marker may be marking this object, or another in the same word, right now.
    if (__atomic_fetch_or(&mark_word, bit, __ATOMIC_RELAXED) & bit) return;
  } else {
    mark_word |= bit;
  }
  marked_bytes_ += block->cell_bytes;
  Push(block->cells_start() + cell * block->cell_bytes);
}

void Marker::MarkPreciseSlow(uintptr_t address) {
  ObjectLocation loc;
  if (spaces_.Locate(address, &loc)) Mark(loc);
}

void Marker::MarkPrecise(Value value) { MarkPreciseInline(value.bits()); }

void Marker::MarkAmbiguousInObject(AmbiguousWord candidate) {
  // As MarkConservative, without blacklisting: this runs while objects are traced, possibly by
  // several markers at once, and the block states only change during the root phase.
  ++examined_;
  const uintptr_t word = candidate.bits();
  if (!spaces_.layout().InReservation(word)) return;
  ObjectLocation loc;
  if (spaces_.Locate(word, &loc)) {
    ++accepted_;
    Mark(loc);
  }
}

void Marker::MarkConservative(AmbiguousWord candidate) {
  ++examined_;
  const uintptr_t word = candidate.bits();
  const HeapLayout& layout = spaces_.layout();
  if (!layout.InReservation(word)) return;
  ObjectLocation loc;
  if (spaces_.Locate(word, &loc)) {
    ++accepted_;
    Mark(loc);
    return;
  }
  if (layout.InSmallRegion(word)) {
    size_t index = layout.BlockIndex(word);
    if (StateOf(spaces_.blocks().state(index)) != kBlockInUse) spaces_.blocks().Blacklist(index);
  }
}

inline void Marker::Mark(const ObjectLocation& loc) {
  if (loc.block != nullptr) {
    if (loc.block->IsMarked(loc.cell)) return;
    if (atomic_) {
      const uint64_t bit = uint64_t{1} << (loc.cell & 63);
      if (__atomic_fetch_or(&loc.block->mark[loc.cell >> 6], bit, __ATOMIC_RELAXED) & bit) return;
    } else {
      BlockHeader::Set(loc.block->mark, loc.cell);
    }
    marked_bytes_ += loc.block->cell_bytes;
  } else {
    if (atomic_) {
      if (__atomic_exchange_n(&loc.large->marked, true, __ATOMIC_RELAXED)) return;
    } else {
      if (loc.large->marked) return;
      loc.large->marked = true;
    }
    marked_bytes_ += uint64_t{loc.large->pages} * kPageSize;
  }
  Push(loc.start);
}

bool Marker::Spill(size_t n) {
  // The oldest entries, from the bottom: in a depth-first stack they are the widest work. The
  // bottom moves up instead of the rest moving down (a 1M-entry stack shifted per packet had
  // made sharing quadratic).
  n = std::min({n, top_ - bottom_, WorkPool::kPacketEntries});
  if (n == 0 || !pool_->Put(stack_ + bottom_, n, index_)) return false;
  bottom_ += n;
  ++packets_shared_;
  return true;
}

void Marker::Compact() {
  if (bottom_ == 0) return;
  std::copy(stack_ + bottom_, stack_ + top_, stack_);
  top_ -= bottom_;
  bottom_ = 0;
}

bool Marker::MakeRoom() {
  // The stack is full: give packets away if there is a pool, then reuse the space below the
  // bottom. Up to a quarter of the stack goes before one Compact, so that each shift of the
  // stack frees many slots: spilling one packet per shift moved the whole stack every 512
  // pushes, and a 1M-entry vector of weak pairs took 175 ns per object instead of 40. False if
  // there is still no room (the push overflows).
  if (pool_ != nullptr) {
    const size_t target = bottom_ + capacity_ / 4;
    while (bottom_ < target && Spill(WorkPool::kPacketEntries)) {
    }
  }
  Compact();
  return top_ < capacity_;
}

void Marker::DrainShared() {
  for (;;) {
    Drain();
    if (pool_ == nullptr) return;  // went solo: the stack is empty, the phase is over
    // Drain returned: the local stack is empty. Take more from the pool, or end.
    size_t n = pool_->Take(stack_, index_, &idle_ns_, &steals_);
    if (n == 0) return;
    bottom_ = 0;
    top_ = n;
  }
}

void Marker::Absorb(Marker& other) {
  examined_ += other.examined_;
  accepted_ += other.accepted_;
  overflows_ += other.overflows_;
  marked_bytes_ += other.marked_bytes_;
  overflowed_ |= other.overflowed_;
  steals_ += other.steals_;
  idle_ns_ += other.idle_ns_;
  packets_shared_ += other.packets_shared_;
  pending_.insert(pending_.end(), other.pending_.begin(), other.pending_.end());
  other.pending_.clear();
}

void Marker::Drain() {
  // Tracing an object starts with a load of its header, which is usually a cache miss. Popped
  // entries wait in a small FIFO for a few traces after a prefetch is issued for them, so the
  // miss overlaps with useful work (measured on GCBench: marking CPU time halved). The order stays
  // depth-first within a window of kWindow objects. A list is a chain of dependent misses, so the
  // window is what lets many lists be in flight at once: on live-heap (25,000 live 40-pair lists)
  // 32 entries took a quarter off the pause time of 8, 16 about half of that.
  constexpr int kWindow = 32;
  uintptr_t window[kWindow];
  int head = 0;
  int count = 0;
  for (;;) {
    while (count < kWindow && top_ > bottom_) {
      uintptr_t start = stack_[--top_];
      __builtin_prefetch(reinterpret_cast<const void*>(start));
      window[(head + count) % kWindow] = start;
      ++count;
    }
    if (count == 0) return;
    uintptr_t next = window[head];
    head = (head + 1) % kWindow;
    --count;
    TraceEntry(next);
    if (__builtin_expect(wake_countdown_ != 0, 0) && --wake_countdown_ == 0) {
      MaybeWakeHelpers(count);
    }
    if (__builtin_expect(solo_countdown_ != 0, 0) && --solo_countdown_ == 0) MaybeGoSolo();
    // Parallel: while some marker waits for work, give it the older half of this stack (in a
    // tree, the entries near the bottom are whole subtrees), if there is enough to be worth a
    // packet (kMinShare).
    if (top_ == bottom_) top_ = bottom_ = 0;  // empty: start again at the bottom
    if (pool_ != nullptr && top_ - bottom_ + static_cast<size_t>(count) >= kMinShare &&
        pool_->SomeoneIdle()) {
      if (top_ - bottom_ < 2) {
        Compact();
        // The work is in the prefetch window (a tree drains the stack into it): put it back.
        for (; count > 0 && top_ < capacity_; --count, head = (head + 1) % kWindow) {
          stack_[top_++] = window[head];
        }
      }
      Spill((top_ - bottom_) / 2);
    }
  }
}

void Marker::TraceWords(const uint64_t* begin, const uint64_t* end) {
  for (const uint64_t* p = begin; p < end; ++p) MarkPreciseInline(*p);
}

void Marker::TraceLargeRange(const uint64_t* field, const uint64_t* end) {
  const uint64_t* stop = end;
  if (static_cast<size_t>(end - field) > kLargeChunkWords) {
    stop = field + kLargeChunkWords;
    // The rest goes on the stack before this chunk's children, so they are traced first and the
    // stack stays shallow. If the push overflows, the object is marked and RecoverFromOverflow
    // traces it again whole.
    if (top_ == capacity_ && !MakeRoom()) {
      overflowed_ = true;
      ++overflows_;
    } else {
      stack_[top_++] = reinterpret_cast<uintptr_t>(stop) | kRangeBit;
    }
  }
  TraceWords(field, stop);
}

void Marker::TraceEntry(uintptr_t entry) {
  if (__builtin_expect((entry & kRangeBit) == 0, 1)) {
    Trace(entry);
    return;
  }
  const uintptr_t field = entry & ~kRangeBit;
  const LargeHeader* h = spaces_.large().HeaderFor(field);
  const uintptr_t end = h->object() + h->object_bytes;
  TraceLargeRange(reinterpret_cast<const uint64_t*>(field), reinterpret_cast<const uint64_t*>(end));
}

void Marker::Trace(uintptr_t start) {
  const auto* words = reinterpret_cast<const uint64_t*>(start);
  size_t cell_words;
  if (start - small_base_ < small_size_) {
    BlockHeader* block = BlockHeader::Of(start);
    if (block->size_class == kPairClass) {  // the common case: two fields, no header
      MarkPreciseInline(words[0]);
      MarkPreciseInline(words[1]);
      return;
    }
    cell_words = block->cell_bytes / 8;
  } else {
    cell_words = spaces_.large().HeaderFor(start)->object_bytes / 8;
  }
  KindId kind = ObjectHeader::Kind(words[0]);
  if (kind == 0) return;  // a cell whose header was never written: nothing inside yet
  if (__builtin_expect(kind >= kFirstRuntimeKind, 0)) {
    TraceRuntimeKind(start, kind);
    return;
  }
  const KindDescriptor* descriptor = kinds_.Find(kind);
  MOSAIC_CHECK(descriptor != nullptr,
               "object at %#x has header %#x naming kind %d, which was never registered (heap "
               "corruption, or a store past the end of a neighbouring object)",
               start, words[0], kind);
  switch (descriptor->policy) {
    case TracePolicy::kNoReferences:
      return;
    case TracePolicy::kAllValues:
      if (cell_words > kLargeChunkWords + 1) {
        TraceLargeRange(words + 1, words + cell_words);
      } else {
        TraceWords(words + 1, words + cell_words);
      }
      return;
    case TracePolicy::kCustom: {
      MarkingTracer tracer(*this);
      descriptor->trace(words, tracer);
      return;
    }
  }
}

void Marker::ScanDirtyCard(uintptr_t card, size_t card_bytes) {
  const HeapLayout& layout = spaces_.layout();
  if (layout.InSmallRegion(card)) {
    if (StateOf(spaces_.blocks().state(layout.BlockIndex(card))) != kBlockInUse) return;
    BlockHeader* block = BlockHeader::Of(card);
    uintptr_t lo = std::max(card, block->cells_start());
    uintptr_t hi = std::min(card + card_bytes, block->CellAddress(block->num_cells));
    if (lo >= hi) return;  // the header, or the slack at the end
    auto first = static_cast<uint32_t>(block->CellIndex(lo));
    auto last = static_cast<uint32_t>(block->CellIndex(hi - 1));
    for (uint32_t cell = first; cell <= last; ++cell) {
      // Old objects only: a young object on the card is traced if something reaches it.
      if (block->IsAllocated(cell) && block->IsMarked(cell)) Trace(block->CellAddress(cell));
    }
    Drain();
    return;
  }
  if (!spaces_.large().InRegion(card)) return;
  LargeHeader* h = spaces_.large().HeaderFor(card);
  if (h == nullptr || !h->Marked()) return;
  const auto* words = reinterpret_cast<const uint64_t*>(h->object());
  const KindDescriptor* descriptor = kinds_.Find(ObjectHeader::Kind(words[0]));
  if (descriptor == nullptr) return;
  if (descriptor->policy == TracePolicy::kAllValues) {
    uintptr_t lo = std::max(card, h->object() + 8);
    uintptr_t hi = std::min(card + card_bytes, h->object() + h->object_bytes);
    if (lo < hi) {
      TraceWords(reinterpret_cast<const uint64_t*>(lo), reinterpret_cast<const uint64_t*>(hi));
    }
  } else if (descriptor->policy == TracePolicy::kCustom) {
    Trace(h->object());
  }
  Drain();
}

void Marker::Finish() {
  for (;;) {
    Drain();
    RecoverFromOverflow();
    if (resolved_.empty()) return;
    // Ephemerons whose keys this marking reached: their values now.
    std::vector<uintptr_t> resolved;
    resolved.swap(resolved_);
    for (uintptr_t e : resolved) MarkPreciseInline(reinterpret_cast<const uint64_t*>(e)[2]);
  }
}

void Marker::RecoverFromOverflow() {
  while (overflowed_) {
    overflowed_ = false;
    // Some marked objects were never traced. Trace every marked object again: marking is
    // idempotent, and any child still unmarked gets pushed now.
    for (BlockHeader* block : spaces_.blocks().used_blocks()) {
      for (uint32_t w = 0; w < (block->num_cells + 63) / 64; ++w) {
        uint64_t bits = block->mark[w];
        while (bits != 0) {
          uint32_t cell = w * 64 + static_cast<uint32_t>(std::countr_zero(bits));
          bits &= bits - 1;
          Trace(block->CellAddress(cell));
          Drain();
        }
      }
    }
    for (LargeHeader* h : spaces_.large().objects()) {
      if (h->Marked()) {
        Trace(h->object());
        Drain();
      }
    }
  }
}

bool Marker::IsMarked(Value value) const {
  ObjectLocation loc;
  if (!value.IsHeapReference() ||
      !spaces_.Locate(reinterpret_cast<uintptr_t>(value.ObjectAddress()), &loc)) {
    return false;
  }
  return loc.IsMarked();
}

}  // namespace mosaic::internal
