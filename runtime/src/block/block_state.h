// The side table's byte per block of the small-object region. The block pool owns the table; the
// marker reads it to reject a candidate address without touching the block it lands in.
#ifndef MOSAIC_SRC_BLOCK_BLOCK_STATE_H_
#define MOSAIC_SRC_BLOCK_BLOCK_STATE_H_

#include <cstdint>

namespace mosaic::internal {

enum BlockState : uint8_t {
  kBlockUnused = 0,       // never committed, or decommitted
  kBlockFree = 1,         // committed, empty, in the free pool
  kBlockInUse = 2,        // holds cells of its size class
  kBlockQuarantined = 3,  // empty, but a stack word points into it: not handed out
};
// Set by the marker on a block that is not in use when a conservative candidate lands in it.
inline constexpr uint8_t kBlacklistBit = 0x80;

inline BlockState StateOf(uint8_t entry) { return static_cast<BlockState>(entry & ~kBlacklistBit); }

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_BLOCK_BLOCK_STATE_H_
