// Marking: a depth-first mark stack of object start addresses, preallocated at heap creation
// (marking never allocates). An object is marked when it is pushed. When the stack is full the
// object stays marked but unpushed and `overflowed_` is set; Finish() then rescans the heap for
// marked objects and traces them again until a pass completes without overflow, so a tiny stack
// costs time, never correctness.
//
// Order of calls inside a pause: MarkPrecise/MarkConservative for the roots, Finish(), (more
// roots: finalizable objects), Finish().
//
// The two entry points take different types on purpose: a precise root is a Value (its tag says
// whether it is a reference), a conservative candidate an AmbiguousWord (any word that lands
// inside an allocated object keeps it, whatever its bits). Neither converts to the other.
//
// Precise words (object fields, precise roots) take a fast path: a reference points at the
// start of its object, so it needs no interior-pointer search. Mask to the block, check the
// block's state byte, compute the cell index with the block's reciprocal (a multiply, no
// division), check that the address is the cell's start and the cell is allocated, and
// test-and-set the mark bit. Anything else (a large object, a precise word that is not an
// object start) goes through ObjectSpaces::Locate, as conservative words always do, so both paths
// accept exactly the same words.
#ifndef MOSAIC_SRC_MARK_MARKER_H_
#define MOSAIC_SRC_MARK_MARKER_H_

#include <cstddef>
#include <cstdint>

#include "kinds/kind_table.h"
#include "mosaic/roots.h"
#include "spaces/object_spaces.h"

namespace mosaic::internal {

class Marker {
 public:
  // `stack` has room for `capacity` entries and outlives the marker.
  Marker(const ObjectSpaces& spaces, const KindTable& kinds, uintptr_t* stack, size_t capacity);

  // A conservative candidate: any word that lands inside an allocated object marks it. A word
  // that lands in an empty block blacklists that block.
  void MarkConservative(AmbiguousWord word);
  // A precise root or field: the tag rule decides whether it is a reference; untagged object
  // starts are accepted.
  void MarkPrecise(Value value);
  // A minor collection's remembered set: traces the fields of the old (marked) objects that lie
  // on the dirty card [card, card + card_bytes), so that the young objects they reference are
  // marked. A large object is traced only over the card's part of it (a custom-traced one whole).
  void ScanDirtyCard(uintptr_t card, size_t card_bytes);
  // Drains the stack and recovers from overflow.
  void Finish();

  // Whether the object `value` refers to is marked (false for non-references).
  bool IsMarked(Value value) const;

  uint64_t words_examined() const { return examined_; }
  uint64_t words_accepted() const { return accepted_; }
  uint64_t overflows() const { return overflows_; }

 private:
  // The precise fast path, inlined into tracing loops.
  inline void MarkPreciseInline(uint64_t word);
  void MarkPreciseSlow(uintptr_t address);
  void Mark(const ObjectLocation& loc);
  void Push(uintptr_t start);
  void Drain();
  void Trace(uintptr_t start);
  void TraceWords(const uint64_t* begin, const uint64_t* end);

  const ObjectSpaces& spaces_;
  const KindTable& kinds_;
  // Copies of the heap's geometry, so that tracing loops keep them in registers (a store to a
  // mark bitmap could otherwise alias a field of a component and force a reload).
  const uintptr_t small_base_;
  const size_t small_size_;
  const uint8_t* const block_state_;
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
