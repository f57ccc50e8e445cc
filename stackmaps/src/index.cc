#include "mosaic/stackmaps/index.h"

#include <mutex>
#include <shared_mutex>
#include <utility>

#include "absl/strings/str_format.h"
#include "mosaic/stackmaps/section.h"

namespace mosaic::stackmaps {

absl::StatusOr<SectionId> StackMapIndex::Register(absl::Span<const uint8_t> bytes,
                                                  uint64_t section_address,
                                                  absl::Span<const CodeSymbol> symbols) {
  // Parse and build the compact form outside the lock: a walker waits only for the insertion.
  absl::StatusOr<ParsedSection> parsed = ParseStackMapSection(bytes);
  if (!parsed.ok()) {
    return absl::Status(parsed.status().code(),
                        absl::StrFormat("stack map section at 0x%x: %s", section_address,
                                        parsed.status().message()));
  }
  auto section = std::make_unique<Section>();
  section->address = section_address;
  section->symbols.assign(symbols.begin(), symbols.end());
  section->functions.reserve(parsed->functions.size());
  for (const ParsedFunction& f : parsed->functions) {
    FunctionEntry entry{f.address, f.stack_size, ""};
    for (const CodeSymbol& s : symbols) {
      if (s.address == f.address && !s.name.empty()) entry.name = s.name;
    }
    section->functions.push_back(std::move(entry));
  }
  size_t total_offsets = 0;
  for (const ParsedSafepoint& sp : parsed->safepoints) {
    total_offsets += sp.base_offsets.size() + sp.frame_offsets.size();
  }
  section->offsets.reserve(total_offsets);  // never reallocated after this: Safepoints point in
  section->return_addresses.reserve(parsed->safepoints.size());
  std::vector<Safepoint> compact;
  compact.reserve(parsed->safepoints.size());
  for (const ParsedSafepoint& sp : parsed->safepoints) {
    Safepoint c;
    c.offsets = section->offsets.data() + section->offsets.size();
    c.count = static_cast<uint32_t>(sp.base_offsets.size());
    c.frame_count = static_cast<uint32_t>(sp.frame_offsets.size());
    c.record_index = sp.record_index;
    c.function = &section->functions[sp.function_index];
    section->offsets.insert(section->offsets.end(), sp.base_offsets.begin(),
                            sp.base_offsets.end());
    section->offsets.insert(section->offsets.end(), sp.frame_offsets.begin(),
                            sp.frame_offsets.end());
    section->return_addresses.push_back(sp.return_address);
    compact.push_back(c);
  }

  std::unique_lock lock(mu_);
  for (size_t i = 0; i < compact.size(); ++i) {
    uint64_t ra = section->return_addresses[i];
    if (safepoints_.contains(ra)) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "stack map section at 0x%x: return address 0x%x (record #%d) is already registered "
          "by another section",
          section_address, ra, compact[i].record_index));
    }
  }
  for (const FunctionEntry& f : section->functions) {
    if (functions_.contains(f.address)) {
      return absl::AlreadyExistsError(absl::StrFormat(
          "stack map section at 0x%x: function 0x%x is already registered by another section",
          section_address, f.address));
    }
  }
  SectionId id = next_id_++;
  section->id = id;
  for (size_t i = 0; i < compact.size(); ++i) {
    safepoints_.emplace(section->return_addresses[i], compact[i]);
  }
  for (const FunctionEntry& f : section->functions) functions_.emplace(f.address, &f);
  sections_.emplace(id, std::move(section));
  return id;
}

absl::Status StackMapIndex::Unregister(SectionId id) {
  std::unique_lock lock(mu_);
  auto it = sections_.find(id);
  if (it == sections_.end()) {
    return absl::NotFoundError(absl::StrFormat("no stack map section with id %d", id));
  }
  for (uint64_t ra : it->second->return_addresses) safepoints_.erase(ra);
  for (const FunctionEntry& f : it->second->functions) functions_.erase(f.address);
  sections_.erase(it);
  return absl::OkStatus();
}

size_t StackMapIndex::SafepointCount() const {
  std::shared_lock lock(mu_);
  return safepoints_.size();
}

size_t StackMapIndex::SectionCount() const {
  std::shared_lock lock(mu_);
  return sections_.size();
}

std::string StackMapIndex::Reader::Describe(uint64_t address) const {
  // Prefer a linker symbol whose range contains the address; else the nearest function start
  // below it, which is only a hint (stack maps do not record function sizes).
  for (const auto& [id, section] : index_.sections_) {
    for (const CodeSymbol& s : section->symbols) {
      if (address >= s.address && address < s.address + s.size) {
        return absl::StrFormat("function '%s' (0x%x+0x%x)", s.name, s.address,
                               address - s.address);
      }
    }
  }
  const FunctionEntry* best = nullptr;
  for (const auto& [id, section] : index_.sections_) {
    for (const FunctionEntry& f : section->functions) {
      if (f.address <= address && (best == nullptr || f.address > best->address)) best = &f;
    }
  }
  if (best == nullptr) return "no registered JIT function";
  return absl::StrFormat("nearest registered function '%s' (0x%x+0x%x)",
                         best->name.empty() ? "?" : best->name, best->address,
                         address - best->address);
}

}  // namespace mosaic::stackmaps
