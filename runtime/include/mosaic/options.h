// Heap options: a struct of numbers and switches, parsed from one string such as
//
//   heap-max=512M,stress=100,verify=1
//
// and from the MOSAIC_GC_OPTIONS environment variable, which Heap::Create applies on top of the
// options it is given (so a test suite can be rerun under stress=1,verify=1 without a rebuild).
// docs/options.md lists every option.
#ifndef MOSAIC_OPTIONS_H_
#define MOSAIC_OPTIONS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "mosaic/export.h"

namespace mosaic {

// What the collector does when a thread has not reached a safepoint after watchdog-ms.
enum class WatchdogAction : uint8_t {
  kWarn,   // print one line naming the thread, and keep waiting
  kAbort,  // print that line and abort the process: a stuck stop is a bug to be fixed
};

struct MOSAIC_EXPORT HeapOptions {
  // The largest heap-max: the heap reserves twice heap-max of address space, and x86-64 user
  // space is 128 TiB.
  static constexpr size_t kMaxHeapMax = size_t{1} << 45;  // 32 TiB
  // The largest mark stack, in entries (8 bytes each).
  static constexpr size_t kMaxMarkStack = size_t{1} << 32;

  // Where to ask the kernel to place the heap's reservation; 0 lets the kernel choose. A hint the
  // kernel does not honour is not an error: the heap goes where the kernel puts it and
  // GcStats::heap_at_hint says so.
  uintptr_t heap_hint = 0x6000'0000'0000;
  // Hard limit on memory committed to objects (small blocks plus large objects).
  size_t heap_max = size_t{8} << 30;
  // A collection starts when the bytes allocated since the last one pass
  // max(gc_min, gc_growth * live bytes after the last one). With 2, the heap may grow to three
  // times its live size between collections (docs/options.md has the time/memory figures).
  size_t gc_min = size_t{8} << 20;
  double gc_growth = 2.0;
  // Generations (docs/design/runtime.md, "Generations"): objects that survived a collection are
  // old; a minor collection marks only young objects, from the roots and the old objects whose
  // cards the write barrier dirtied. Needs every store of a reference into an existing object to
  // go through the barrier (mosaic::WriteField, mosaic_store_field). Off: every collection marks
  // the whole heap. On by default since 2026-12-06 (docs/design/runtime.md, "Why generations are
  // on by default").
  bool generational = true;
  // Generational: a minor collection every `nursery` bytes allocated; a major one when the old
  // generation has grown by gc-growth times its size after the last major collection.
  size_t nursery = size_t{16} << 20;
  // Generational: a minor collection that promotes more than this fraction of the live size
  // after the last major collection was not worth it (the program's young objects do not die
  // young, or its live data is so small that marking all of it costs no more): the collections
  // that allocation starts next are major, at the non-generational budget, 1, 2, 4, ... up to
  // 64 in a row while the minor collections tried in between keep failing. 0 disables this.
  double promotion_limit = 0.25;
  // Generational: the next collection that allocation starts is major when, since the last
  // minor one, allocation has taken a new hole or block this many times as often per byte as it
  // did after the last major collection: promoted objects that died are scattered through the
  // blocks, and only a major collection frees them. 0 disables this.
  double fragmentation_limit = 4;
  // Marker threads for parallel marking (the collecting thread and markers - 1 helpers, parked
  // between collections; they also sweep in the background). 0 means the number of online
  // CPUs, at most 8; 1 marks on the collecting thread alone.
  int markers = 0;
  // Collect every N allocations (0: off). Forces every allocation through the slow path.
  uint64_t stress = 0;
  // Run the heap verifier before and after every collection, and poison freed cells.
  bool verify = false;
  // Capacity of the mark stack, in entries. When it fills, marking falls back to rescanning the
  // heap for marked objects with unmarked children; it never overflows into a crash.
  size_t mark_stack = size_t{1} << 20;
  // Quarantine fresh blocks that a word on the stack already points into.
  bool blacklist = true;
  // Empty blocks kept committed for reuse; beyond this many, empty blocks go back to the OS once
  // they have stayed empty for a whole cycle (blocks the last collection emptied are kept for
  // the allocation that follows it).
  size_t retain_blocks = 64;
  // Report a mutator that has not reached a safepoint after this long (0: never).
  uint32_t watchdog_ms = 2000;
  WatchdogAction watchdog_action = WatchdogAction::kWarn;
  // Called when an allocation cannot be satisfied even after a collection. It may throw (no
  // runtime lock is held) or not return; if it returns, the runtime prints a message and aborts.
  std::function<void(size_t requested_bytes)> oom_handler;
  // Whether Heap::Create applies MOSAIC_GC_OPTIONS on top of these options.
  bool read_environment = true;

  // Parses "key=value,key=value". Sizes take K, M or G suffixes. Keys not named keep their value
  // from `base`. An unknown key or a bad value is InvalidArgument naming the option.
  static absl::StatusOr<HeapOptions> Parse(absl::string_view text, HeapOptions base);
  static absl::StatusOr<HeapOptions> Parse(absl::string_view text);
  // Parse() applied to the MOSAIC_GC_OPTIONS environment variable, if set.
  static absl::StatusOr<HeapOptions> FromEnvironment(HeapOptions base);
  static absl::StatusOr<HeapOptions> FromEnvironment();
  // The options in the form Parse() accepts.
  std::string ToString() const;
  // The number of markers `markers` stands for (0: the online CPUs, at most 8).
  int EffectiveMarkers() const;
  // InvalidArgument naming the first option whose value cannot work (heap-max outside
  // 256K..32T, a mark stack of 0 or more than 2^32 entries, a growth factor outside 0..1000).
  // Parse and Heap::Create check it.
  absl::Status Validate() const;
};

}  // namespace mosaic

#endif  // MOSAIC_OPTIONS_H_
