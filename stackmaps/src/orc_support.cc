// Two JITLink facts shape the plugin (docs/design/stackmaps.md): nothing refers to
// `.llvm_stackmaps`, so JITLink dead-strips it unless a live symbol covers each block before
// pruning; and the function addresses inside are only absolute after fixup.
#include "mosaic/stackmaps/orc_support.h"

#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "llvm/ExecutionEngine/JITLink/JITLink.h"

namespace mosaic::stackmaps {
namespace {

constexpr const char* kStackMapSection = ".llvm_stackmaps";

llvm::Error ToLlvmError(const absl::Status& status) {
  return llvm::make_error<llvm::StringError>(std::string(status.message()),
                                             llvm::inconvertibleErrorCode());
}

}  // namespace

absl::Status ToStatus(llvm::Error error, absl::StatusCode code) {
  if (!error) return absl::OkStatus();
  return absl::Status(code, llvm::toString(std::move(error)));
}

void StackMapPlugin::modifyPassConfig(llvm::orc::MaterializationResponsibility& mr,
                                      llvm::jitlink::LinkGraph& g,
                                      llvm::jitlink::PassConfiguration& config) {
  config.PrePrunePasses.push_back([](llvm::jitlink::LinkGraph& graph) -> llvm::Error {
    if (llvm::jitlink::Section* section = graph.findSectionByName(kStackMapSection)) {
      for (llvm::jitlink::Block* block : section->blocks()) {
        graph.addAnonymousSymbol(*block, 0, block->getSize(), /*IsCallable=*/false,
                                 /*IsLive=*/true);
      }
    }
    return llvm::Error::success();
  });
  config.PostFixupPasses.push_back(
      [this, &mr](llvm::jitlink::LinkGraph& graph) { return RegisterGraph(mr, graph); });
}

llvm::Error StackMapPlugin::RegisterGraph(llvm::orc::MaterializationResponsibility& mr,
                                          llvm::jitlink::LinkGraph& g) {
  llvm::jitlink::Section* section = g.findSectionByName(kStackMapSection);
  if (section == nullptr || section->blocks_size() == 0) return llvm::Error::success();
  if (section->blocks_size() != 1) {
    return ToLlvmError(absl::InvalidArgumentError(absl::StrFormat(
        "%s in %s has %d blocks; expected one", kStackMapSection, g.getName(),
        section->blocks_size())));
  }
  llvm::jitlink::Block& block = **section->blocks().begin();
  if (block.isZeroFill()) {
    return ToLlvmError(absl::InvalidArgumentError(
        absl::StrFormat("%s in %s is zero-fill", kStackMapSection, g.getName())));
  }
  llvm::ArrayRef<char> content = block.getContent();
  std::vector<uint8_t> bytes(content.begin(), content.end());
  const uint64_t address = block.getAddress().getValue();
  std::vector<CodeSymbol> symbols;
  for (llvm::jitlink::Symbol* sym : g.defined_symbols()) {
    if (sym->isCallable() && sym->hasName()) {
      symbols.push_back({sym->getAddress().getValue(), sym->getSize(), sym->getName().str()});
    }
  }
  if (observer_) observer_(bytes, address);
  absl::StatusOr<SectionId> id = index_.Register(bytes, address, symbols);
  if (!id.ok()) return ToLlvmError(id.status());
  std::lock_guard<std::mutex> lock(mu_);
  pending_[&mr].push_back(*id);
  return llvm::Error::success();
}

llvm::Error StackMapPlugin::notifyEmitted(llvm::orc::MaterializationResponsibility& mr) {
  std::vector<SectionId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(&mr);
    if (it == pending_.end()) return llvm::Error::success();
    ids = std::move(it->second);
    pending_.erase(it);
  }
  return mr.withResourceKeyDo([&](llvm::orc::ResourceKey key) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& owned = owned_[key];
    owned.insert(owned.end(), ids.begin(), ids.end());
  });
}

llvm::Error StackMapPlugin::notifyFailed(llvm::orc::MaterializationResponsibility& mr) {
  std::vector<SectionId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = pending_.find(&mr);
    if (it == pending_.end()) return llvm::Error::success();
    ids = std::move(it->second);
    pending_.erase(it);
  }
  for (SectionId id : ids) index_.Unregister(id).IgnoreError();  // the code never ran
  return llvm::Error::success();
}

llvm::Error StackMapPlugin::notifyRemovingResources(llvm::orc::JITDylib&,
                                                    llvm::orc::ResourceKey key) {
  std::vector<SectionId> ids;
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = owned_.find(key);
    if (it == owned_.end()) return llvm::Error::success();
    ids = std::move(it->second);
    owned_.erase(it);
  }
  for (SectionId id : ids) {
    if (absl::Status s = index_.Unregister(id); !s.ok()) return ToLlvmError(s);
  }
  return llvm::Error::success();
}

void StackMapPlugin::notifyTransferringResources(llvm::orc::JITDylib&, llvm::orc::ResourceKey dst,
                                                 llvm::orc::ResourceKey src) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owned_.find(src);
  if (it == owned_.end()) return;
  std::vector<SectionId> ids = std::move(it->second);
  owned_.erase(it);
  auto& to = owned_[dst];
  to.insert(to.end(), ids.begin(), ids.end());
}

size_t StackMapPlugin::LiveSectionCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [key, ids] : owned_) n += ids.size();
  return n;
}

std::vector<SectionId> StackMapPlugin::SectionsForTesting(llvm::orc::ResourceKey key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = owned_.find(key);
  return it == owned_.end() ? std::vector<SectionId>{} : it->second;
}

}  // namespace mosaic::stackmaps
