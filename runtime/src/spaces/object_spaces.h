// The two spaces objects live in — small-object blocks and large objects — seen together: "which
// allocated object contains this address?" for the marker (conservative candidates), the
// verifier and the public queries. Interior and tagged addresses resolve in O(1): a small address
// by masking to its block and one multiply, a large one through the page table.
#ifndef MOSAIC_SRC_SPACES_OBJECT_SPACES_H_
#define MOSAIC_SRC_SPACES_OBJECT_SPACES_H_

#include <cstddef>
#include <cstdint>

#include "address/heap_layout.h"
#include "block/block.h"
#include "block/block_state.h"
#include "block_pool/block_pool.h"
#include "large_objects/large_object_space.h"
#include "mosaic/value.h"

namespace mosaic::internal {

// An allocated object found from an address.
struct ObjectLocation {
  uintptr_t start = 0;
  BlockHeader* block = nullptr;  // small objects and pairs
  uint32_t cell = 0;
  LargeHeader* large = nullptr;  // large objects
  bool is_pair() const { return block != nullptr && block->size_class == kPairClass; }
  size_t cell_bytes() const { return block ? block->cell_bytes : large->object_bytes; }
  bool IsMarked() const { return block ? block->IsMarked(cell) : large->Marked(); }
};

class ObjectSpaces {
 public:
  ObjectSpaces(const HeapLayout& layout, BlockPool& blocks, LargeObjectSpace& large)
      : layout_(layout), blocks_(blocks), large_(large) {}

  const HeapLayout& layout() const { return layout_; }
  BlockPool& blocks() const { return blocks_; }
  LargeObjectSpace& large() const { return large_; }

  // The allocated object containing `address`, if any.
  bool Locate(uintptr_t address, ObjectLocation* out) const {
    if (layout_.InSmallRegion(address)) {
      if (StateOf(blocks_.state(layout_.BlockIndex(address))) != kBlockInUse) return false;
      BlockHeader* block = BlockHeader::Of(address);
      int64_t cell = block->CellIndex(address);
      if (cell < 0 || !block->IsLiveCell(static_cast<uint32_t>(cell))) return false;
      out->block = block;
      out->cell = static_cast<uint32_t>(cell);
      out->start = block->CellAddress(out->cell);
      out->large = nullptr;
      return true;
    }
    if (large_.InRegion(address)) {
      LargeHeader* h = large_.HeaderFor(address);
      if (h == nullptr || (large_.SweepPending() && !h->Marked())) return false;
      uintptr_t start = h->object();
      if (address < start || address >= start + h->object_bytes) return false;
      out->block = nullptr;
      out->large = h;
      out->start = start;
      return true;
    }
    return false;
  }

  // Whether `object` is a reference to the start of an allocated object.
  bool IsObjectStart(Value object) const {
    ObjectLocation loc;
    auto address = reinterpret_cast<uintptr_t>(object.ObjectAddress());
    return object.IsHeapReference() && Locate(address, &loc) && loc.start == address;
  }

 private:
  const HeapLayout layout_;
  BlockPool& blocks_;
  LargeObjectSpace& large_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_SPACES_OBJECT_SPACES_H_
