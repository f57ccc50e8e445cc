// The stack-map index: every registered section's safepoints, keyed by exact return address.
//
//   StackMapIndex index;
//   absl::StatusOr<SectionId> id = index.Register(bytes, section_address, symbols);
//   ...
//   {
//     StackMapIndex::Reader reader(index);          // shared lock, held for a whole stack walk
//     if (const Safepoint* sp = reader.Find(return_address)) {
//       for (int32_t off : sp->base_offsets()) Visit(*(uint64_t*)(caller_sp + off));
//     }
//   }
//   index.Unregister(*id);                          // when no frame can return into that code
//
// Thread safety: Register/Unregister take the lock exclusively; a Reader holds it shared. It is
// a std::shared_mutex (a pthread rwlock, which ThreadSanitizer understands; Debian's prebuilt
// absl::Mutex is invisible to it). The collector's walk runs inside a pause; a registering
// thread never waits for a collection while it holds the lock (registration neither allocates
// from the GC heap nor polls), so a walker that finds the lock taken waits only for the
// registration in progress to finish.
#ifndef MOSAIC_STACKMAPS_INDEX_H_
#define MOSAIC_STACKMAPS_INDEX_H_

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace mosaic::stackmaps {

using SectionId = uint64_t;

// A named range of code, used only to name functions in error messages.
struct CodeSymbol {
  uint64_t address = 0;
  uint64_t size = 0;
  std::string name;
};

struct FunctionEntry {
  uint64_t address = 0;
  uint64_t stack_size = 0;  // kDynamicStackSize (section.h) when unknown
  std::string name;         // from the CodeSymbols given at registration; may be empty
};

// The compact form of one safepoint: what a collection needs, and nothing to parse.
struct Safepoint {
  // base-pointer slots: `count` relative to the caller's SP, then `frame_count` relative to the
  // caller's frame pointer (RBP-based locations, section.h says why)
  const int32_t* offsets = nullptr;
  uint32_t count = 0;
  uint32_t frame_count = 0;
  uint32_t record_index = 0;
  const FunctionEntry* function = nullptr;
  absl::Span<const int32_t> base_offsets() const { return {offsets, count}; }
  absl::Span<const int32_t> frame_offsets() const { return {offsets + count, frame_count}; }
};

class StackMapIndex {
 public:
  StackMapIndex() = default;
  StackMapIndex(const StackMapIndex&) = delete;
  StackMapIndex& operator=(const StackMapIndex&) = delete;

  // Validates and parses `bytes` (a copy is not kept) and adds every safepoint. Fails, leaving
  // the index unchanged, on a malformed section or on a return address already registered.
  // `section_address` identifies the section in messages.
  absl::StatusOr<SectionId> Register(absl::Span<const uint8_t> bytes, uint64_t section_address,
                                     absl::Span<const CodeSymbol> symbols = {});
  // Removes a section's safepoints. NotFound for an unknown id.
  absl::Status Unregister(SectionId id);

  size_t SafepointCount() const;
  size_t SectionCount() const;

  // Shared access for lookups. Holding a Reader blocks registration, so keep it short.
  class Reader {
   public:
    explicit Reader(const StackMapIndex& index) : index_(index) { index_.mu_.lock_shared(); }
    ~Reader() { index_.mu_.unlock_shared(); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    // The safepoint whose return address is exactly `return_address`, or nullptr.
    const Safepoint* Find(uint64_t return_address) const {
      auto it = index_.safepoints_.find(return_address);
      return it == index_.safepoints_.end() ? nullptr : &it->second;
    }
    // The registered function with this exact entry address, or nullptr.
    const FunctionEntry* FindFunction(uint64_t address) const {
      auto it = index_.functions_.find(address);
      return it == index_.functions_.end() ? nullptr : it->second;
    }
    // "function 'name' (0x...+0x...)" for the registered function or symbol that most plausibly
    // contains `address`, or "no registered JIT function" — for fatal messages only (slow).
    std::string Describe(uint64_t address) const;

   private:
    const StackMapIndex& index_;
  };

 private:
  struct Section {
    SectionId id = 0;
    uint64_t address = 0;
    std::vector<FunctionEntry> functions;
    std::vector<CodeSymbol> symbols;
    std::vector<int32_t> offsets;
    std::vector<uint64_t> return_addresses;
  };

  // Guards everything below.
  mutable std::shared_mutex mu_;
  SectionId next_id_ = 1;
  absl::flat_hash_map<SectionId, std::unique_ptr<Section>> sections_;
  absl::flat_hash_map<uint64_t, Safepoint> safepoints_;
  absl::flat_hash_map<uint64_t, const FunctionEntry*> functions_;
};

}  // namespace mosaic::stackmaps

#endif  // MOSAIC_STACKMAPS_INDEX_H_
