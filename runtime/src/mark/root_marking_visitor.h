// The RootVisitor the collector hands to a StackWalker (or uses itself to scan a whole stack):
// precise roots go to Marker::MarkPrecise, every word of a conservative range to
// Marker::MarkConservative. Conservative ranges are read word by word with sanitizers off for
// this code only: stacks hold redzones and other threads' frames. Under ASan with fake stacks
// (detect_stack_use_after_return) a frame's locals may live in a heap-allocated fake frame that
// the real stack only points to; every stack word is checked against the thread's fake stack and
// such frames are scanned too.
#ifndef MOSAIC_SRC_MARK_ROOT_MARKING_VISITOR_H_
#define MOSAIC_SRC_MARK_ROOT_MARKING_VISITOR_H_

#include <cstdint>

#include "mark/marker.h"
#include "mosaic/roots.h"

namespace mosaic::internal {

class RootMarkingVisitor final : public RootVisitor {
 public:
  RootMarkingVisitor(Marker& marker, void* asan_fake_stack)
      : marker_(marker), fake_stack_(asan_fake_stack) {}

  void VisitPrecise(Value value) override {
    ++precise_;
    marker_.MarkPrecise(value);
  }
  void VisitConservativeRange(const void* begin, const void* end) override;
  void CountJitFrames(uint64_t frames) override { jit_frames_ += frames; }

  uint64_t precise() const { return precise_; }
  uint64_t conservative_bytes() const { return conservative_bytes_; }
  uint64_t jit_frames() const { return jit_frames_; }

 private:
  Marker& marker_;
  void* fake_stack_;
  uint64_t precise_ = 0;
  uint64_t conservative_bytes_ = 0;
  uint64_t jit_frames_ = 0;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_MARK_ROOT_MARKING_VISITOR_H_
