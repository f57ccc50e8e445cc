// Validation before parsing: LLVM's StackMapParser reads wherever its counts point, so every
// count and offset is checked against the section size here first, in 64-bit arithmetic.
#include "mosaic/stackmaps/section.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_format.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/Object/StackMapParser.h"

namespace mosaic::stackmaps {
namespace {

using Parser = llvm::StackMapParser<llvm::endianness::little>;

constexpr uint64_t kHeaderSize = 16;
constexpr uint64_t kFunctionSize = 24;
constexpr uint64_t kConstantSize = 8;
constexpr uint64_t kRecordHeaderSize = 16;  // id, instruction offset, reserved, location count
constexpr uint64_t kLocationSize = 12;
constexpr uint64_t kLiveOutSize = 4;
constexpr uint16_t kDwarfRsp = 7;
constexpr uint16_t kDwarfRbp = 6;

template <typename T>
T ReadLe(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));  // x86-64 is little-endian, as is the section
  return v;
}

uint64_t AlignUp8(uint64_t n) { return (n + 7) & ~uint64_t{7}; }

const char* KindName(Parser::LocationKind kind) {
  switch (kind) {
    case Parser::LocationKind::Register: return "Register";
    case Parser::LocationKind::Direct: return "Direct";
    case Parser::LocationKind::Indirect: return "Indirect";
    case Parser::LocationKind::Constant: return "Constant";
    case Parser::LocationKind::ConstantIndex: return "ConstantIndex";
  }
  return "unknown";
}

}  // namespace

absl::Status ValidateStackMapSection(absl::Span<const uint8_t> bytes) {
  const uint64_t size = bytes.size();
  if (size < kHeaderSize) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stack map section is %d bytes, smaller than its 16-byte header", size));
  }
  // The parser keeps offsets in `unsigned`.
  if (size > std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError(
        absl::StrFormat("stack map section is %d bytes, more than 4 GiB", size));
  }
  const uint8_t* p = bytes.data();
  if (p[0] != 3) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stack map section has version %d; only version 3 is supported", p[0]));
  }
  const uint64_t num_functions = ReadLe<uint32_t>(p + 4);
  const uint64_t num_constants = ReadLe<uint32_t>(p + 8);
  const uint64_t num_records = ReadLe<uint32_t>(p + 12);
  const uint64_t functions_end = kHeaderSize + num_functions * kFunctionSize;
  if (functions_end > size) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stack map section of %d bytes cannot hold its %d function records", size,
        num_functions));
  }
  const uint64_t constants_end = functions_end + num_constants * kConstantSize;
  if (constants_end > size) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stack map section of %d bytes cannot hold %d functions and %d constants", size,
        num_functions, num_constants));
  }
  uint64_t counted = 0;
  for (uint64_t f = 0; f < num_functions; ++f) {
    const uint8_t* fp = p + kHeaderSize + f * kFunctionSize;
    uint64_t count = ReadLe<uint64_t>(fp + 16);
    if (count > num_records || counted + count > num_records) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "stack map function #%d (address 0x%x) claims %d records; the section has %d in all",
          f, ReadLe<uint64_t>(fp), count, num_records));
    }
    counted += count;
  }
  if (counted != num_records) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "stack map functions account for %d records but the header says %d", counted,
        num_records));
  }
  uint64_t offset = constants_end;
  for (uint64_t r = 0; r < num_records; ++r) {
    if (offset + kRecordHeaderSize > size) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "stack map record #%d starts at byte %d, past the end of the %d-byte section", r,
          offset, size));
    }
    const uint64_t num_locations = ReadLe<uint16_t>(p + offset + 14);
    const uint64_t locations_end = offset + kRecordHeaderSize + num_locations * kLocationSize;
    const uint64_t live_out_count_at = AlignUp8(locations_end) + 2;
    if (live_out_count_at + 2 > size) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "stack map record #%d with %d locations runs past the end of the %d-byte section", r,
          num_locations, size));
    }
    const uint64_t num_live_outs = ReadLe<uint16_t>(p + live_out_count_at);
    const uint64_t record_end = AlignUp8(live_out_count_at + 2 + num_live_outs * kLiveOutSize);
    if (record_end > size) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "stack map record #%d with %d live-outs runs past the end of the %d-byte section", r,
          num_live_outs, size));
    }
    for (uint64_t l = 0; l < num_locations; ++l) {
      uint8_t kind = p[offset + kRecordHeaderSize + l * kLocationSize];
      if (kind < 1 || kind > 5) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "stack map record #%d: location %d has unknown kind %d", r, l, kind));
      }
    }
    offset = record_end;
  }
  return absl::OkStatus();
}

absl::StatusOr<ParsedSection> ParseStackMapSection(absl::Span<const uint8_t> bytes) {
  if (absl::Status s = ValidateStackMapSection(bytes); !s.ok()) return s;
  llvm::ArrayRef<uint8_t> ref(bytes.data(), bytes.size());
  if (llvm::Error e = Parser::validateHeader(ref)) {
    return absl::InvalidArgumentError(llvm::toString(std::move(e)));
  }
  Parser parser(ref);
  ParsedSection out;
  out.functions.reserve(parser.getNumFunctions());
  out.safepoints.reserve(parser.getNumRecords());
  absl::flat_hash_set<uint64_t> seen;
  seen.reserve(parser.getNumRecords());
  uint32_t record_index = 0;
  for (uint32_t f = 0; f < parser.getNumFunctions(); ++f) {
    auto fn = parser.getFunction(f);
    ParsedFunction pf{fn.getFunctionAddress(), fn.getStackSize(), fn.getRecordCount()};
    out.functions.push_back(pf);
    for (uint64_t i = 0; i < pf.record_count; ++i, ++record_index) {
      auto rec = parser.getRecord(record_index);
      const uint64_t ra = pf.address + rec.getInstructionOffset();
      auto where = [&] {
        return absl::StrFormat(
            "stack map record #%d (function 0x%x, instruction offset %d, id %d)", record_index,
            pf.address, rec.getInstructionOffset(), rec.getID());
      };
      if (ra < pf.address) {
        return absl::InvalidArgumentError(where() + ": return address overflows");
      }
      const unsigned n = rec.getNumLocations();
      if (n < 3) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: has %d locations; a gc.statepoint record has at least 3", where(), n));
      }
      for (unsigned l = 0; l < 3; ++l) {
        if (rec.getLocation(l).getKind() != Parser::LocationKind::Constant) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: location %d is %s; a gc.statepoint record starts with 3 Constants", where(),
              l, KindName(rec.getLocation(l).getKind())));
        }
      }
      const uint64_t num_deopt = rec.getLocation(2).getSmallConstant();
      if (3 + num_deopt > n || (n - 3 - num_deopt) % 2 != 0) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "%s: %d deopt locations leave an odd or negative number of GC locations out of %d",
            where(), num_deopt, n));
      }
      ParsedSafepoint sp;
      sp.return_address = ra;
      sp.function_index = f;
      sp.record_index = record_index;
      sp.patchpoint_id = rec.getID();
      for (unsigned l = 3 + static_cast<unsigned>(num_deopt); l < n; ++l) {
        auto loc = rec.getLocation(l);
        const bool is_base = (l - 3 - num_deopt) % 2 == 0;
        switch (loc.getKind()) {
          case Parser::LocationKind::Constant:
          case Parser::LocationKind::ConstantIndex:
            continue;  // null, a fixnum or an immediate: never a root
          case Parser::LocationKind::Indirect:
            break;
          default:
            return absl::InvalidArgumentError(absl::StrFormat(
                "%s: GC location %d is %s (DWARF register %d); only Indirect [RSP+off] or "
                "[RBP+off] spill slots and Constants are supported",
                where(), l, KindName(loc.getKind()), loc.getDwarfRegNum()));
        }
        if (loc.getSizeInBytes() != 8) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: GC location %d is %d bytes, not 8", where(), l, loc.getSizeInBytes()));
        }
        int64_t off = loc.getOffset();
        if (loc.getDwarfRegNum() == kDwarfRbp) {
          // Kept relative to RBP: the SP at this call may be below the fixed frame (pushed
          // arguments), which the record does not say. Below the frame pointer (locals) or
          // above it (incoming stack arguments); never the saved RBP/return address words.
          if (off % 8 != 0 || (off >= 0 && off < 16) ||
              off < std::numeric_limits<int32_t>::min() ||
              off > std::numeric_limits<int32_t>::max()) {
            return absl::InvalidArgumentError(absl::StrFormat(
                "%s: GC location %d at RBP%+d is misaligned or names the saved frame pointer "
                "or return address",
                where(), l, off));
          }
          if (is_base) sp.frame_offsets.push_back(static_cast<int32_t>(off));
          continue;
        } else if (loc.getDwarfRegNum() != kDwarfRsp) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: GC location %d is relative to DWARF register %d, not RSP or RBP", where(), l,
              loc.getDwarfRegNum()));
        }
        // Offsets past the frame are legal (an incoming stack argument lives in the caller's
        // outgoing area), but never below the stack pointer: that memory is the callee's.
        if (off < 0 || off % 8 != 0 || off > std::numeric_limits<int32_t>::max()) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "%s: GC location %d at SP%+d is below the stack pointer or misaligned", where(), l,
              off));
        }
        if (is_base) sp.base_offsets.push_back(static_cast<int32_t>(off));
      }
      std::sort(sp.base_offsets.begin(), sp.base_offsets.end());
      sp.base_offsets.erase(std::unique(sp.base_offsets.begin(), sp.base_offsets.end()),
                            sp.base_offsets.end());
      std::sort(sp.frame_offsets.begin(), sp.frame_offsets.end());
      sp.frame_offsets.erase(std::unique(sp.frame_offsets.begin(), sp.frame_offsets.end()),
                             sp.frame_offsets.end());
      if (!seen.insert(ra).second) {
        return absl::InvalidArgumentError(
            absl::StrFormat("%s: duplicate return address 0x%x", where(), ra));
      }
      out.safepoints.push_back(std::move(sp));
    }
  }
  return out;
}

}  // namespace mosaic::stackmaps
