#include "kinds/kind_table.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace mosaic::internal {

KindTable::KindTable() : kinds_(new std::atomic<const KindDescriptor*>[kMaxKinds]) {
  for (size_t i = 0; i < kMaxKinds; ++i) kinds_[i].store(nullptr, std::memory_order_relaxed);
  // Pairs have no header; register a descriptor so stats and messages can name them.
  std::lock_guard<std::mutex> lock(mu_);
  auto add = [this](KindId id, KindDescriptor d) {
    storage_.push_back(std::make_unique<KindDescriptor>(std::move(d)));
    kinds_[id].store(storage_.back().get(), std::memory_order_release);
  };
  add(kPairKind, {"pair", TracePolicy::kAllValues});
  // The runtime's own kinds (mosaic/weak.h). Their words are all values, which is what the
  // verifier checks; the marker knows them by id and treats the weak ones specially.
  add(kWeakPairKind, {"weak-pair", TracePolicy::kAllValues});
  add(kEphemeronKind, {"ephemeron", TracePolicy::kAllValues});
  add(kGuardianKind, {"guardian", TracePolicy::kNoReferences});
  next_id_ = kFirstEmbedderKind;
}

absl::StatusOr<KindId> KindTable::Register(const KindDescriptor& kind) {
  if (kind.policy == TracePolicy::kCustom && kind.trace == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("kind '%s' has TracePolicy::kCustom but no trace callback", kind.name));
  }
  std::lock_guard<std::mutex> lock(mu_);
  size_t id = next_id_;  // ids 0 (none), 1 (pairs) and the runtime's own at the top are taken
  if (id >= kFirstRuntimeKind) {
    return absl::ResourceExhaustedError("too many object kinds (at most 65,531)");
  }
  ++next_id_;
  storage_.push_back(std::make_unique<KindDescriptor>(kind));
  kinds_[id].store(storage_.back().get(), std::memory_order_release);
  return static_cast<KindId>(id);
}

}  // namespace mosaic::internal
