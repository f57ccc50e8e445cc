#include "frontend/objects/continuation_object.h"

#include <atomic>
#include <cstring>

#include "frontend/objects/runtime.h"

namespace toylang {

using namespace cont_layout;  // NOLINT: the slot names

namespace {
std::atomic<bool> trace_segments{true};
}  // namespace

void SetSegmentTracingForTesting(bool on) { trace_segments.store(on); }

Value MakeContinuationData() {
  auto* words = static_cast<uint64_t*>(
      Runtime::Get().AllocateObject(ObjType::kContinuation, kContinuationSlots, kContinuationLength));
  words[kSegment] = Value::False().bits();
  words[kWinds] = Value::Nil().bits();
  words[kDynamicState] = Value::False().bits();
  words[kLive] = Value::Fixnum(0).bits();
  words[kFrame] = Value::Fixnum(0).bits();
  words[kBase] = Value::Fixnum(0).bits();
  words[kThread] = Value::Fixnum(0).bits();
  words[kBarrier] = Value::Fixnum(0).bits();
  return Value::Object(words);
}

Value MakeSegment(uintptr_t lo, uintptr_t hi, void* activations, const SegmentWalker* walker,
                  Value parent) {
  const size_t bytes = hi - lo;
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(
      ObjType::kContinuation, kSegmentHeaderSlots + bytes / 8, kSegmentLength));
  words[kLo] = ToCodeWord(lo);
  words[kHi] = ToCodeWord(hi);
  words[kActivations] = ToCodeWord(reinterpret_cast<uintptr_t>(activations));
  words[kWalker] = ToCodeWord(reinterpret_cast<uintptr_t>(walker));
  words[kBytes] = Value::Fixnum(static_cast<int64_t>(bytes)).bits();
  words[kParent] = parent.bits();  // the segment is new (young): no barrier
  // No allocation or safepoint from here on: the copy is of the stack as it is now.
  std::memcpy(words + 1 + kSegmentHeaderSlots, reinterpret_cast<const void*>(lo), bytes);
  return Value::Object(words);
}

void TraceContinuationObject(const void* object, mosaic::Tracer& tracer) {
  const auto* w = static_cast<const uint64_t*>(object);
  const uint64_t length = w[0] >> layout::kLengthShift;
  if (length == kContinuationLength) {
    tracer.TraceRange(reinterpret_cast<const Value*>(w + 1),
                      reinterpret_cast<const Value*>(w + 1 + kContinuationSlots));
    return;
  }
  // A segment: its words are written before any safepoint, so a traced segment is complete
  // (a cell allocated but not yet filled has a zero byte count).
  const auto bytes = static_cast<size_t>(Value::FromBits(w[kBytes]).FixnumValue());
  if (bytes == 0 || !trace_segments.load(std::memory_order_relaxed)) return;
  tracer.Trace(Value::FromBits(w[kParent]));
  StackSegment s;
  s.lo = FromCodeWord(w[kLo]);
  s.hi = FromCodeWord(w[kHi]);
  s.copy = w + 1 + kSegmentHeaderSlots;
  s.activations = reinterpret_cast<void*>(FromCodeWord(w[kActivations]));
  const auto* walker = reinterpret_cast<const SegmentWalker*>(FromCodeWord(w[kWalker]));
  if (walker != nullptr) {
    walker->Walk(s, tracer);
  } else {
    tracer.TraceConservativeRange(s.copy, static_cast<const char*>(s.copy) + bytes);
  }
}

}  // namespace toylang
