#include "cards/card_table.h"

namespace mosaic::internal {

absl::StatusOr<CardTable> CardTable::Create(const HeapLayout& layout) {
  static_assert(kBlockSize % (8 * kCardBytes) == 0, "TakeDirty reads whole words of a block");
  size_t bytes = (layout.total_size >> kCardShift) + 8;
  bytes = (bytes + 4095) & ~size_t{4095};
  auto memory = Reservation::Create(/*hint=*/0, bytes, 4096);
  if (!memory.ok()) return memory.status();
  auto* table = reinterpret_cast<uint8_t*>(memory->base());
  auto* biased = reinterpret_cast<uint8_t*>(reinterpret_cast<uintptr_t>(table) -
                                            (layout.base >> kCardShift));
  return CardTable(*std::move(memory), biased);
}

}  // namespace mosaic::internal
