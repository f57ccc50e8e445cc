// Marking: a depth-first mark stack of object start addresses, preallocated at heap creation
// (marking never allocates). An object is marked when it is pushed. When the stack is full the
// object stays marked but unpushed and `overflowed_` is set; Finish() then rescans the heap for
// marked objects and traces them again until a pass completes without overflow, so a tiny stack
// costs time, never correctness.
//
// Order of calls inside a pause: Mark*Word for the roots, Finish(), (more roots: finalizable
// objects), Finish().
#ifndef MOSAIC_SRC_MARK_MARKER_H_
#define MOSAIC_SRC_MARK_MARKER_H_

#include <cstddef>
#include <cstdint>

#include "heap/heap_impl.h"

namespace mosaic::internal {

class Marker {
 public:
  explicit Marker(HeapImpl& heap);

  // A conservative candidate: any word that lands inside an allocated object marks it. A word
  // that lands in an empty block blacklists that block.
  void MarkConservativeWord(uintptr_t word);
  // A precise root or field: the tag rule decides whether it is a reference; untagged object
  // starts are accepted.
  void MarkPreciseWord(uint64_t word);
  // Drains the stack and recovers from overflow.
  void Finish();

  bool IsMarked(uintptr_t start) const;

  uint64_t words_examined() const { return examined_; }
  uint64_t words_accepted() const { return accepted_; }
  uint64_t overflows() const { return overflows_; }

 private:
  void Mark(const ObjectLocation& loc);
  void Push(uintptr_t start);
  void Drain();
  void Trace(uintptr_t start);
  void TraceWords(const uint64_t* begin, const uint64_t* end);

  HeapImpl& heap_;
  uintptr_t* stack_;
  size_t capacity_;
  size_t top_ = 0;
  bool overflowed_ = false;
  uint64_t examined_ = 0;
  uint64_t accepted_ = 0;
  uint64_t overflows_ = 0;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_MARK_MARKER_H_
