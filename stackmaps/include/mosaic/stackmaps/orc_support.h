// ORC glue for stack maps: a JITLink plugin that registers every linked object's
// `.llvm_stackmaps` section with a StackMapIndex, and unregisters it when the object's code is
// removed; plus the one llvm::Error -> absl::Status adapter that Mosaic's LLVM code shares.
// GcJit (mosaic/jit/gc_jit.h, in jit/orc/) puts the plugin on its linking layer; another JIT
// adds it to its own ObjectLinkingLayer:
//
//   StackMapIndex index;
//   layer.addPlugin(std::make_shared<StackMapPlugin>(index));
//
// Removing a ResourceTracker unregisters its sections: do that only when no frame can return
// into the code any more (the index would then miss its return addresses: a fatal error).
#ifndef MOSAIC_STACKMAPS_ORC_SUPPORT_H_
#define MOSAIC_STACKMAPS_ORC_SUPPORT_H_

#include <cstdint>
#include <functional>
#include <mutex>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "llvm/ExecutionEngine/Orc/ObjectLinkingLayer.h"
#include "llvm/Support/Error.h"
#include "mosaic/stackmaps/index.h"

namespace mosaic::stackmaps {

// The one llvm::Error -> absl::Status adapter (consumes the error).
absl::Status ToStatus(llvm::Error error, absl::StatusCode code = absl::StatusCode::kInternal);

class StackMapPlugin : public llvm::orc::ObjectLinkingLayer::Plugin {
 public:
  explicit StackMapPlugin(StackMapIndex& index) : index_(index) {}

  void modifyPassConfig(llvm::orc::MaterializationResponsibility& mr, llvm::jitlink::LinkGraph& g,
                        llvm::jitlink::PassConfiguration& config) override;
  llvm::Error notifyEmitted(llvm::orc::MaterializationResponsibility& mr) override;
  llvm::Error notifyFailed(llvm::orc::MaterializationResponsibility& mr) override;
  llvm::Error notifyRemovingResources(llvm::orc::JITDylib& jd,
                                      llvm::orc::ResourceKey key) override;
  void notifyTransferringResources(llvm::orc::JITDylib& jd, llvm::orc::ResourceKey dst,
                                   llvm::orc::ResourceKey src) override;

  // Sections registered and still owned by some resource key.
  size_t LiveSectionCount() const;
  // Called with each section's bytes and address just before it is registered.
  void SetSectionObserverForTesting(
      std::function<void(const std::vector<uint8_t>& bytes, uint64_t address)> observer) {
    observer_ = std::move(observer);
  }
  // The section ids registered for objects of `key`.
  std::vector<SectionId> SectionsForTesting(llvm::orc::ResourceKey key) const;

 private:
  llvm::Error RegisterGraph(llvm::orc::MaterializationResponsibility& mr,
                            llvm::jitlink::LinkGraph& g);

  StackMapIndex& index_;
  std::function<void(const std::vector<uint8_t>&, uint64_t)> observer_;
  mutable std::mutex mu_;
  // Registered after fixup, before the object is emitted.
  absl::flat_hash_map<llvm::orc::MaterializationResponsibility*, std::vector<SectionId>> pending_;
  absl::flat_hash_map<llvm::orc::ResourceKey, std::vector<SectionId>> owned_;
};

}  // namespace mosaic::stackmaps

#endif  // MOSAIC_STACKMAPS_ORC_SUPPORT_H_
