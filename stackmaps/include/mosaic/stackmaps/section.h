// Validation and parsing of one `.llvm_stackmaps` section (format version 3) into the compact
// per-safepoint form that a collection reads: for each return address, the deduplicated list of
// stack-pointer-relative offsets of the slots that hold base pointers.
//
//   absl::StatusOr<ParsedSection> parsed = ParseStackMapSection(bytes);
//   if (!parsed.ok()) return parsed.status();   // says which byte, record or location is wrong
//   for (const ParsedSafepoint& sp : parsed->safepoints) Use(sp.return_address, sp.base_offsets);
//
// Only gc.statepoint records are accepted (locations [0] calling convention, [1] flags, [2]
// number of deopt locations, the deopt locations, then (base, derived) pairs). A GC location must
// be a Constant (ignored: null or an immediate) or an 8-byte Indirect [RSP + off] / [RBP + off];
// anything else is an error naming the function and the record. [RBP + off] locations stay
// relative to the frame pointer (`frame_offsets`): LLVM uses RBP exactly when the stack pointer
// at the call is not the frame's fixed one (arguments pushed before the call, x86 call-frame
// optimisation at -O1 and above), so converting them with the fixed frame size would name the
// wrong slots.
#ifndef MOSAIC_STACKMAPS_SECTION_H_
#define MOSAIC_STACKMAPS_SECTION_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace mosaic::stackmaps {

// The function record's stack size when the frame has variable-sized objects.
inline constexpr uint64_t kDynamicStackSize = ~uint64_t{0};

struct ParsedFunction {
  uint64_t address = 0;
  // Bytes between the return address slot and the stack pointer after the prologue
  // (caller SP after a call returns == frame pointer + 8 - stack_size).
  uint64_t stack_size = 0;
  uint64_t record_count = 0;
};

struct ParsedSafepoint {
  uint64_t return_address = 0;   // function address + instruction offset
  uint32_t function_index = 0;   // into ParsedSection::functions
  uint32_t record_index = 0;     // position in the section, for messages
  uint64_t patchpoint_id = 0;
  std::vector<int32_t> base_offsets;  // sorted, unique, relative to SP after the call returns
  std::vector<int32_t> frame_offsets;  // sorted, unique, relative to the frame's frame pointer
};

struct ParsedSection {
  std::vector<ParsedFunction> functions;
  std::vector<ParsedSafepoint> safepoints;
};

// Checks the framing of the section without trusting any count: version 3, header size, that the
// function, constant and record tables and every record with its locations and live-outs lie
// within `bytes`, and that the functions' record counts add up to the record count. Everything
// that LLVM's StackMapParser would otherwise read out of bounds is checked here.
absl::Status ValidateStackMapSection(absl::Span<const uint8_t> bytes);

// ValidateStackMapSection, then the parse into the compact form (statepoint layout checks,
// location kinds, deduplication). Fails on duplicate return addresses within the section.
absl::StatusOr<ParsedSection> ParseStackMapSection(absl::Span<const uint8_t> bytes);

}  // namespace mosaic::stackmaps

#endif  // MOSAIC_STACKMAPS_SECTION_H_
