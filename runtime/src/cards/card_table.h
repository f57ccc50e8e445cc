// The card table: one byte per 512 bytes of the heap's reservation, set by the write barrier
// (mosaic/internal/write_barrier.h) when a reference is stored into a field on that card. Mapped
// like the heap (reserved, committed by the pages the barrier touches), and biased: the barrier
// indexes it with the field's address shifted, without subtracting the heap's base.
//
// Only the collector reads and clears cards, inside the pause; mutators only set them, with
// relaxed atomic byte stores (setting is idempotent, so their order does not matter; atomic
// because two mutators may set one card at once), and no mutator runs while cards are cleared.
#ifndef MOSAIC_SRC_CARDS_CARD_TABLE_H_
#define MOSAIC_SRC_CARDS_CARD_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "address/heap_layout.h"
#include "address/reservation.h"
#include "mosaic/internal/write_barrier.h"

namespace mosaic::internal {

class CardTable {
 public:
  static constexpr size_t kCardBytes = size_t{1} << kCardShift;

  static absl::StatusOr<CardTable> Create(const HeapLayout& layout);
  CardTable(CardTable&&) = default;
  CardTable& operator=(CardTable&&) = default;

  // What MutatorLayout::card_table holds: table - (base >> kCardShift).
  uint8_t* biased() const { return biased_; }

  bool IsDirty(uintptr_t address) const { return biased_[address >> kCardShift] != 0; }
  void Dirty(uintptr_t address) {  // atomic like RecordWrite: mutators may set one card at once
    __atomic_store_n(&biased_[address >> kCardShift], kCardDirty, __ATOMIC_RELAXED);
  }

  // Calls visit(card_start) for each dirty card in [begin, end) (card-aligned bounds), then
  // clears them. Reads the range a word (eight cards) at a time.
  void TakeDirty(uintptr_t begin, uintptr_t end, absl::FunctionRef<void(uintptr_t card)> visit) {
    for (uintptr_t a = begin; a < end; a += 8 * kCardBytes) {
      uint64_t word;
      std::memcpy(&word, &biased_[a >> kCardShift], sizeof(word));
      if (word == 0) continue;
      std::memset(&biased_[a >> kCardShift], 0, sizeof(word));
      for (int i = 0; i < 8; ++i) {
        if ((word >> (8 * i)) & 0xff) visit(a + i * kCardBytes);
      }
    }
  }
  void Clear(uintptr_t begin, uintptr_t end) {
    std::memset(&biased_[begin >> kCardShift], 0, (end - begin) >> kCardShift);
  }

 private:
  CardTable(Reservation memory, uint8_t* biased) : memory_(std::move(memory)), biased_(biased) {}

  Reservation memory_;
  uint8_t* biased_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_CARDS_CARD_TABLE_H_
