#include "block/block.h"

namespace mosaic::internal {

namespace {

// Bits [lo, hi) of one word, lo < hi <= 64.
uint64_t WordMask(uint32_t lo, uint32_t hi) {
  uint64_t upper = hi == 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1;
  return upper & ~((uint64_t{1} << lo) - 1);
}

template <bool kSet>
void ApplyRange(uint64_t* bits, uint32_t begin, uint32_t end) {
  while (begin < end) {
    uint32_t word = begin >> 6;
    uint32_t lo = begin & 63;
    uint32_t hi = (end - (begin - lo)) >= 64 ? 64 : end - (begin - lo);
    uint64_t mask = WordMask(lo, hi);
    if (kSet) {
      bits[word] |= mask;
    } else {
      bits[word] &= ~mask;
    }
    begin = (word + 1) << 6;
  }
}

}  // namespace

void BlockHeader::SetRange(uint64_t* bits, uint32_t begin, uint32_t end) {
  ApplyRange<true>(bits, begin, end);
}

void BlockHeader::ClearRange(uint64_t* bits, uint32_t begin, uint32_t end) {
  ApplyRange<false>(bits, begin, end);
}

void BlockHeader::Init(int cls, bool is_fresh) {
  magic = kBlockMagic;
  size_class = static_cast<uint8_t>(cls);
  fresh = is_fresh;
  has_young = false;
  unswept = 0;
  cell_bytes = static_cast<uint32_t>(ClassCellBytes(cls));
  num_cells = static_cast<uint32_t>((kBlockSize - kBlockHeaderBytes) / cell_bytes);
  reciprocal = static_cast<uint32_t>(((uint64_t{1} << 32) + cell_bytes - 1) / cell_bytes);
  live_cells = 0;
  std::memset(alloc, 0, sizeof(alloc));
  std::memset(mark, 0, sizeof(mark));
}

bool BlockHeader::FindHole(uint32_t from, uint32_t* begin, uint32_t* end) const {
  uint32_t n = num_cells;
  uint32_t i = from;
  // Skip allocated cells a word at a time.
  while (i < n) {
    uint64_t free_bits = ~alloc[i >> 6] >> (i & 63);
    if (free_bits == 0) {
      i = ((i >> 6) + 1) << 6;
      continue;
    }
    i += static_cast<uint32_t>(std::countr_zero(free_bits));
    break;
  }
  if (i >= n) return false;
  uint32_t j = i;
  while (j < n) {
    uint64_t used_bits = alloc[j >> 6] >> (j & 63);
    if (used_bits == 0) {
      j = ((j >> 6) + 1) << 6;
      continue;
    }
    j += static_cast<uint32_t>(std::countr_zero(used_bits));
    break;
  }
  *begin = i;
  *end = j < n ? j : n;
  return true;
}

uint32_t BlockHeader::Sweep(bool poison) {
  const uint32_t words = (num_cells + 63) / 64;
  uint32_t live = CountMarked();
  if (poison) {
    for (uint32_t w = 0; w < words; ++w) {
      uint64_t dead = alloc[w] & ~mark[w];
      while (dead != 0) {
        uint32_t cell = w * 64 + static_cast<uint32_t>(std::countr_zero(dead));
        dead &= dead - 1;
        uintptr_t start = CellAddress(cell);
        Poison(start, start + cell_bytes);
      }
    }
  }
  std::memcpy(alloc, mark, words * sizeof(uint64_t));
  live_cells = live;
  has_young = false;
  fresh = false;
  SetUnswept(false);
  return live;
}

uint32_t BlockHeader::CountMarked() const {
  uint32_t count = 0;
  for (size_t w = 0; w < (num_cells + 63) / 64; ++w) count += std::popcount(mark[w]);
  return count;
}

}  // namespace mosaic::internal
