// The registered object kinds: a fixed table of 65,536 pointers, so that readers (the marker,
// the verifier, a mutator allocating) never see it move and need no lock. Registering takes the
// table's own lock; descriptors are never freed while the heap lives.
#ifndef MOSAIC_SRC_KINDS_KIND_TABLE_H_
#define MOSAIC_SRC_KINDS_KIND_TABLE_H_

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "mosaic/object.h"

namespace mosaic::internal {

class KindTable {
 public:
  static constexpr size_t kMaxKinds = 65536;

  KindTable();
  KindTable(const KindTable&) = delete;
  KindTable& operator=(const KindTable&) = delete;

  absl::StatusOr<KindId> Register(const KindDescriptor& kind);
  // nullptr for an id that names no kind.
  const KindDescriptor* Find(KindId id) const {
    return kinds_[id].load(std::memory_order_acquire);
  }

 private:
  std::unique_ptr<std::atomic<const KindDescriptor*>[]> kinds_;
  std::mutex mu_;
  std::vector<std::unique_ptr<KindDescriptor>> storage_ ABSL_GUARDED_BY(mu_);
  size_t next_id_ ABSL_GUARDED_BY(mu_) = kFirstEmbedderKind;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_KINDS_KIND_TABLE_H_
