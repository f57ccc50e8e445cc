// The hybrid stack walker: JIT frames precisely (from stack maps), native frames conservatively.
//
//   StackMapIndex index;
//   HybridStackWalker walker(index);               // WalkMode::kPrecise
//   heap->SetStackWalker(&walker);                 // walker and index outlive the installation
//   walker.set_mode(WalkMode::kConservative);      // what --roots=conservative uses
//
// For each thread, from ThreadStack::top upwards: the native span up to the innermost run of JIT
// frames is scanned conservatively; the run is walked by frame pointers from its exit record to
// its entry record (activation.h), each frame's return address is looked up exactly in the
// index and its base-pointer slots are visited precisely; then the next native span, and so on
// to ThreadStack::base. The JIT frames' own words are not scanned conservatively.
//
// Fatal errors (the process stops with a message; they mean a broken protocol or corruption,
// never bad user input): a return address in a JIT run with no stack-map record, an activation
// list that does not alternate exit/entry or points outside the stack, a frame-pointer chain
// that does not reach the entry record.
#ifndef MOSAIC_STACKMAPS_WALKER_H_
#define MOSAIC_STACKMAPS_WALKER_H_

#include <atomic>
#include <cstdint>

#include "mosaic/roots.h"
#include "mosaic/stackmaps/index.h"

namespace mosaic::stackmaps {

enum class WalkMode : uint8_t {
  kPrecise,       // hybrid: stack maps in JIT frames, conservative elsewhere
  kConservative,  // every word of every stack, stack maps ignored
};

class HybridStackWalker final : public StackWalker {
 public:
  explicit HybridStackWalker(const StackMapIndex& index, WalkMode mode = WalkMode::kPrecise)
      : index_(index), mode_(mode) {}

  // May be changed between collections from any thread.
  void set_mode(WalkMode mode) { mode_.store(mode, std::memory_order_relaxed); }
  WalkMode mode() const { return mode_.load(std::memory_order_relaxed); }

  void WalkStack(const ThreadStack& stack, RootVisitor& visitor) override;

  // The same walk over a copy of a stack segment taken earlier (a first-class continuation's
  // captured stack): `original` gives the segment's original addresses, [top, base), and the
  // activation-list head at the time of the copy; `copy` holds base - top bytes. Every read is
  // translated into the copy; records outside [top, base) end the walk (they belong to frames
  // older than the segment). Precise in kPrecise mode (the stack maps of the return addresses
  // in the copy, which must still be registered), conservative over the whole copy otherwise.
  void WalkCopy(const ThreadStack& original, const void* copy, RootVisitor& visitor) const;

 private:
  const StackMapIndex& index_;
  std::atomic<WalkMode> mode_;
};

}  // namespace mosaic::stackmaps

#endif  // MOSAIC_STACKMAPS_WALKER_H_
