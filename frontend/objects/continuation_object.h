// The heap side of first-class continuations (frontend/builtins/continuations.h has the
// mechanism; docs/design/continuations.md the design): two shapes of one ObjType,
// kContinuation, told apart by the header's length field, and how the collector traces them.
//
//   continuation (length 0)   [header | segment or #f | winds | dynamic state vector or #f |
//                              live fixnum | frame code word | base code word | thread code word |
//                              barrier fixnum]
//   segment (length 1)        [header | lo code word | hi code word | activations code word |
//                              walker code word | byte count fixnum | parent segment or #f |
//                              the stack bytes...]
//
// A code word is an address with its low bit set (it reads as a fixnum: never a reference). The
// continuation's other slots are Values. A segment is the copy of the native stack between a
// call/cc frame and its evaluation's base, [lo, hi) at its original addresses, or between the
// call/cc frame and the enclosing live call/cc frame's segment, its parent, which holds the
// rest up to the base (segments are shared: a chain, innermost first); it is traced
// when it is marked, not as a root, so a cycle through a copy (a continuation stored in a
// variable its own frames hold) is collectable like any other:
//   - with no walker: every aligned word of the copy, conservatively
//     (Tracer::TraceConservativeRange);
//   - with a walker (the JIT's, when roots are precise): the walker visits the JIT frames in the
//     copy precisely from their stack maps, by the same return-address lookup as a live stack,
//     with addresses translated from [lo, hi) into the copy, and the native frames between
//     them conservatively.
// A segment never changes after it is written. It is written without the write barrier (a copy
// of the stack), so whoever stores it into a continuation dirties the continuation's card
// (mosaic::WriteField), which makes the next minor collection trace the segment: young
// objects referenced only from the copy survive.
#ifndef TOYLANG_FRONTEND_OBJECTS_CONTINUATION_OBJECT_H_
#define TOYLANG_FRONTEND_OBJECTS_CONTINUATION_OBJECT_H_

#include <cstddef>
#include <cstdint>

#include "frontend/objects/objects.h"
#include "mosaic/object.h"

namespace toylang {

// A captured stack segment, as a walker sees it.
struct StackSegment {
  uintptr_t lo = 0;              // original addresses [lo, hi)
  uintptr_t hi = 0;
  const void* copy = nullptr;    // hi - lo bytes
  void* activations = nullptr;   // the JIT's activation-list head at capture (or null)
};

// Visits the references in a segment. Implemented by the JIT engine for precise roots
// (jit/jit_engine.cc); it must outlive every segment that names it (the engine outlives its
// heap's last collection) and obey the trace callback's rules (no allocation, no locks a
// mutator may hold).
class SegmentWalker {
 public:
  virtual void Walk(const StackSegment& segment, mosaic::Tracer& tracer) const = 0;

 protected:
  ~SegmentWalker() = default;
};

namespace cont_layout {
inline constexpr uint64_t kContinuationLength = 0;
inline constexpr uint64_t kSegmentLength = 1;
// Continuation slots (word indices).
inline constexpr size_t kSegment = 1;
inline constexpr size_t kWinds = 2;
inline constexpr size_t kDynamicState = 3;
inline constexpr size_t kLive = 4;
inline constexpr size_t kFrame = 5;
inline constexpr size_t kBase = 6;
inline constexpr size_t kThread = 7;
inline constexpr size_t kBarrier = 8;
inline constexpr size_t kContinuationSlots = 8;
// Segment words.
inline constexpr size_t kLo = 1;
inline constexpr size_t kHi = 2;
inline constexpr size_t kActivations = 3;
inline constexpr size_t kWalker = 4;
inline constexpr size_t kBytes = 5;
inline constexpr size_t kParent = 6;
inline constexpr size_t kSegmentHeaderSlots = 6;  // the copy starts at word 7
}  // namespace cont_layout

inline bool IsContinuationData(Value v) {
  return HasType(v, ObjType::kContinuation) && LengthOf(v) == cont_layout::kContinuationLength;
}
inline bool IsSegment(Value v) {
  return HasType(v, ObjType::kContinuation) && LengthOf(v) == cont_layout::kSegmentLength;
}

inline uint64_t ToCodeWord(uintptr_t address) { return address | 1; }
inline uintptr_t FromCodeWord(uint64_t word) { return word & ~uint64_t{1}; }

// A new continuation object, every slot #f / 0 (the caller fills them; it was just made, so
// plain stores need no barrier until the next allocation).
Value MakeContinuationData();
// A new segment holding a copy of [lo, hi) (8-aligned), walked by `walker` (null:
// conservatively), continued by `parent` (a segment beginning at hi, or #f when hi is the
// base). May collect (before the copy is taken; the caller's stack is intact).
Value MakeSegment(uintptr_t lo, uintptr_t hi, void* activations, const SegmentWalker* walker,
                  Value parent);
inline Value SegmentParent(Value segment) {
  return Value::FromBits(segment.ObjectWords()[cont_layout::kParent]);
}
inline StackSegment SegmentOf(Value segment) {
  const uint64_t* w = segment.ObjectWords();
  StackSegment s;
  s.lo = FromCodeWord(w[cont_layout::kLo]);
  s.hi = FromCodeWord(w[cont_layout::kHi]);
  s.copy = w + 1 + cont_layout::kSegmentHeaderSlots;
  s.activations = reinterpret_cast<void*>(FromCodeWord(w[cont_layout::kActivations]));
  return s;
}

// The kind's trace callback (runtime.cc registers it).
void TraceContinuationObject(const void* object, mosaic::Tracer& tracer);

// For tests only: with false, segments are not traced at all (what a collector that treated
// copies as opaque bytes would do), so that a test can show what tracing them keeps alive.
void SetSegmentTracingForTesting(bool on);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_CONTINUATION_OBJECT_H_
