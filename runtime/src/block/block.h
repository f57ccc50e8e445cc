// A small-object block: kBlockSize bytes, aligned, holding cells of one size class (or pairs).
// Its metadata sits in the first kBlockHeaderBytes of the block itself, so any address inside
// the block finds it by masking: header = address & kBlockMask.
//
// Bitmaps are indexed by cell number:
//   alloc  the cell holds an object (or is part of a hole handed to a thread's buffer)
//   mark   sticky: set when the object survived a collection, so it is old. A minor collection
//          marks only young objects (alloc set, mark clear); a major one clears every mark first.
//
// Invariants outside a collection: mark is a subset of alloc; alloc bits of cells in a thread's
// live buffer are set (the cells are zero until bumped, except pair cells, whose two words the
// allocation fast paths always store); every other cell with its alloc bit set holds an
// initialised object.
#ifndef MOSAIC_SRC_BLOCK_BLOCK_H_
#define MOSAIC_SRC_BLOCK_BLOCK_H_

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "mosaic/internal/size_classes.h"

namespace mosaic::internal {

inline constexpr size_t kBlockHeaderBytes = 4096;
inline constexpr size_t kMaxCellsPerBlock = (kBlockSize - kBlockHeaderBytes) / kGranule;
inline constexpr size_t kBitmapWords = (kMaxCellsPerBlock + 63) / 64;
inline constexpr uint32_t kBlockMagic = 0x4d4f5342;  // "MOSB"
// Freed cells are filled with this in verify mode (an odd word: it reads as a fixnum).
inline constexpr uint64_t kPoisonWord = 0xdeadbeefdeadbeefull;

struct BlockHeader {
  uint32_t magic;
  uint8_t size_class;
  bool fresh;  // never handed out since committed: cells are known zero
  bool has_young;  // a hole was handed out since the last collection: young objects may be here
  // Marked but not yet swept (lazy sweeping): the live cells are the marked ones, and the alloc
  // bitmap still counts the dead. Read and written with atomics (Unswept/SetUnswept).
  uint8_t unswept;
  uint32_t used_index;  // position in the block pool's list of blocks in use
  uint32_t cell_bytes;
  uint32_t num_cells;
  uint32_t reciprocal;  // ceil(2^32 / cell_bytes): cell index = (offset * reciprocal) >> 32
  uint32_t live_cells;  // after the last sweep
  uint64_t alloc[kBitmapWords];
  uint64_t mark[kBitmapWords];

  static BlockHeader* Of(uintptr_t address) {
    return reinterpret_cast<BlockHeader*>(address & kBlockMask);
  }
  uintptr_t start() const { return reinterpret_cast<uintptr_t>(this); }
  uintptr_t cells_start() const { return start() + kBlockHeaderBytes; }
  uintptr_t CellAddress(uint32_t cell) const {
    return cells_start() + uintptr_t{cell} * cell_bytes;
  }
  // The cell an address inside the block falls in, or -1 for the header or the slack at the end.
  int64_t CellIndex(uintptr_t address) const {
    uintptr_t offset = address - cells_start();
    if (offset >= kBlockSize - kBlockHeaderBytes) return -1;
    uint64_t cell = (uint64_t{offset} * reciprocal) >> 32;
    return cell < num_cells ? static_cast<int64_t>(cell) : -1;
  }

  // Relaxed atomic loads (plain loads on x86): parallel markers set mark bits while others test.
  static bool Test(const uint64_t* bits, uint32_t i) {
    return (__atomic_load_n(&bits[i >> 6], __ATOMIC_RELAXED) >> (i & 63)) & 1;
  }
  static void Set(uint64_t* bits, uint32_t i) { bits[i >> 6] |= uint64_t{1} << (i & 63); }
  static void Clear(uint64_t* bits, uint32_t i) { bits[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  static void SetRange(uint64_t* bits, uint32_t begin, uint32_t end);
  static void ClearRange(uint64_t* bits, uint32_t begin, uint32_t end);

  bool IsAllocated(uint32_t cell) const { return Test(alloc, cell); }
  bool IsMarked(uint32_t cell) const { return Test(mark, cell); }

  // Initialises the header of a block about to hold `size_class`.
  void Init(int size_class, bool is_fresh);

  // Finds the first run of free cells at or after `from`: [*begin, *end). False if none.
  bool FindHole(uint32_t from, uint32_t* begin, uint32_t* end) const;

  uint32_t CountMarked() const;

  bool Unswept() const { return __atomic_load_n(&unswept, __ATOMIC_ACQUIRE) != 0; }
  void SetUnswept(bool value) { __atomic_store_n(&unswept, value ? 1 : 0, __ATOMIC_RELEASE); }
  // Whether `cell` holds an object, whether or not the block has been swept yet.
  bool IsLiveCell(uint32_t cell) const { return Unswept() ? IsMarked(cell) : IsAllocated(cell); }
  // The sweep of one block: the mark bitmap becomes the alloc bitmap and stays (marks are sticky:
  // a survivor is old); dead cells are free from then on, and with `poison` (verify mode) filled
  // with kPoisonWord. Returns the cells that survived (also left in live_cells).
  uint32_t Sweep(bool poison);
};

static_assert(sizeof(BlockHeader) <= kBlockHeaderBytes);

// Verify mode: fills [begin, end) with kPoisonWord, so that a later write through a dangling
// pointer shows up as a word that is neither poison nor zero.
inline void Poison(uintptr_t begin, uintptr_t end) {
  for (auto* p = reinterpret_cast<uint64_t*>(begin); p < reinterpret_cast<uint64_t*>(end); ++p) {
    *p = kPoisonWord;
  }
}

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_BLOCK_BLOCK_H_
