#include "roots/root_set.h"

#include "common/check.h"

namespace mosaic::internal {

void RootSet::AddGlobal(Value* slot) {
  std::lock_guard<std::mutex> lock(mu_);
  globals_.insert(slot);
}

void RootSet::RemoveGlobal(Value* slot) {
  std::lock_guard<std::mutex> lock(mu_);
  MOSAIC_CHECK(globals_.erase(slot) == 1, "RemoveGlobalRoot(%p): not a registered root", slot);
}

size_t RootSet::ForEachGlobal(absl::FunctionRef<void(Value* slot)> visit) {
  std::lock_guard<std::mutex> lock(mu_);
  for (Value* slot : globals_) visit(slot);
  return globals_.size();
}

}  // namespace mosaic::internal
