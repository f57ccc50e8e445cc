// Verify mode with parallel marking: the mark bits of the whole heap, copied, so that marking can
// be run a second time alone from the same starting marks and the two results compared.
#ifndef MOSAIC_SRC_COLLECTOR_MARK_SNAPSHOT_H_
#define MOSAIC_SRC_COLLECTOR_MARK_SNAPSHOT_H_

#include <cstdint>
#include <cstring>
#include <vector>

#include "common/check.h"
#include "spaces/object_spaces.h"

namespace mosaic::internal {

class MarkBitsSnapshot {
 public:
  static MarkBitsSnapshot Take(const ObjectSpaces& spaces) {
    MarkBitsSnapshot s;
    for (BlockHeader* block : spaces.blocks().used_blocks()) {
      s.blocks_.push_back(block);
      s.bits_.insert(s.bits_.end(), block->mark, block->mark + kBitmapWords);
    }
    for (LargeHeader* h : spaces.large().objects()) s.large_.emplace_back(h, h->Marked());
    return s;
  }

  void Restore(const ObjectSpaces& spaces) const {
    (void)spaces;
    for (size_t i = 0; i < blocks_.size(); ++i) {
      std::memcpy(blocks_[i]->mark, &bits_[i * kBitmapWords], sizeof(uint64_t) * kBitmapWords);
    }
    for (const auto& [h, marked] : large_) h->marked = marked;
  }

  // Fatal, naming the first object marked by one and not the other.
  void CheckEqual(const MarkBitsSnapshot& parallel, const char* kind) const {
    MOSAIC_CHECK(blocks_ == parallel.blocks_ && large_.size() == parallel.large_.size(),
                 "verify (%s collection): the heap changed between the two markings", kind);
    for (size_t i = 0; i < blocks_.size(); ++i) {
      for (size_t w = 0; w < kBitmapWords; ++w) {
        uint64_t a = bits_[i * kBitmapWords + w], b = parallel.bits_[i * kBitmapWords + w];
        if (a == b) continue;
        uint32_t cell = static_cast<uint32_t>(w * 64 + std::countr_zero(a ^ b));
        Fatal("verify (%s collection): object %#x is marked by %s marking but not by %s", kind,
              blocks_[i]->CellAddress(cell), (a >> (cell % 64)) & 1 ? "serial" : "parallel",
              (a >> (cell % 64)) & 1 ? "parallel" : "serial");
      }
    }
    for (size_t i = 0; i < large_.size(); ++i) {
      MOSAIC_CHECK(large_[i].second == parallel.large_[i].second,
                   "verify (%s collection): large object %#x is marked by %s marking only", kind,
                   large_[i].first->object(), large_[i].second ? "serial" : "parallel");
    }
  }

 private:
  std::vector<BlockHeader*> blocks_;
  std::vector<uint64_t> bits_;
  std::vector<std::pair<LargeHeader*, bool>> large_;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COLLECTOR_MARK_SNAPSHOT_H_
