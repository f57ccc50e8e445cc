#include "frontend/common/error.h"

#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace toylang {

Error::Error(std::string message, SourcePos pos) : message_(std::move(message)), pos_(pos) {}

void Error::SetPosIfMissing(const SourcePos& pos) {
  if (!has_pos()) pos_ = pos;
}

std::string Error::Format() const {
  if (!has_pos()) return message_;
  return absl::StrCat(FormatPos(pos_), ": ", message_);
}

std::string FormatPos(const SourcePos& pos) {
  if (pos.file == nullptr) return "";
  return absl::StrCat(*pos.file, ":", pos.line, ":", pos.col);
}

const std::string* InternFileName(std::string_view name) {
  // Leaked on purpose: positions are stored in long-lived IR and error objects, and file names
  // are few.
  static std::mutex* mu = new std::mutex;
  static auto* names = new absl::flat_hash_map<std::string, std::unique_ptr<std::string>>;
  std::lock_guard<std::mutex> lock(*mu);
  std::string key(name);
  auto it = names->find(key);
  if (it != names->end()) return it->second.get();
  auto owned = std::make_unique<std::string>(name);
  const std::string* result = owned.get();
  names->emplace(std::move(key), std::move(owned));
  return result;
}

}  // namespace toylang
