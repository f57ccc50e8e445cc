#include "kinds/kind_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace mosaic::internal {

KindTable::KindTable() : kinds_(new std::atomic<const KindDescriptor*>[kMaxKinds]) {
  for (size_t i = 0; i < kMaxKinds; ++i) kinds_[i].store(nullptr, std::memory_order_relaxed);
  // Pairs have no header; register a descriptor so stats and messages can name them.
  auto pair = std::make_unique<KindDescriptor>(KindDescriptor{"pair", TracePolicy::kAllValues});
  kinds_[kPairKind].store(pair.get(), std::memory_order_release);
  std::lock_guard<std::mutex> lock(mu_);
  storage_.push_back(std::move(pair));
}

absl::StatusOr<KindId> KindTable::Register(const KindDescriptor& kind) {
  if (kind.policy == TracePolicy::kCustom && kind.trace == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("kind '%s' has TracePolicy::kCustom but no trace callback", kind.name));
  }
  std::lock_guard<std::mutex> lock(mu_);
  size_t id = storage_.size() + 1;  // ids 0 (none) and 1 (pairs) are taken
  if (id >= kMaxKinds) {
    return absl::ResourceExhaustedError("too many object kinds (at most 65,534)");
  }
  storage_.push_back(std::make_unique<KindDescriptor>(kind));
  kinds_[id].store(storage_.back().get(), std::memory_order_release);
  return static_cast<KindId>(id);
}

}  // namespace mosaic::internal
