// Heap objects: the header word, object kinds, and how the collector traces them.
//
// Every heap object except a pair starts with a header word:
//
//   bits 63..16  aux: the embedder's bits (a length, flags, a type tag of its own)
//   bits 15..0   kind id, as returned by Heap::RegisterKind (0 never names a kind)
//
// A kind tells the collector how to find the references inside its objects:
//
//   kNoReferences  strings, flonums, bytevectors: nothing to trace
//   kAllValues     every word after the header is a Value (vectors, closures, records, boxes)
//   kCustom        the kind's trace callback hands each reference to a Tracer
//
// Allocation zeroes the whole cell, and a size class may give an object more room than it asked
// for, so a kAllValues object must keep every word it owns a valid Value; 0 is one (it is not a
// reference). The collector traces a kAllValues object up to the end of its cell.
//
//   KindId vector_kind = *heap->RegisterKind({"vector", TracePolicy::kAllValues});
//   auto* words = static_cast<uint64_t*>(Allocate(vector_kind, 8 * (1 + n), /*aux=*/n));
#ifndef MOSAIC_OBJECT_H_
#define MOSAIC_OBJECT_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "mosaic/value.h"

namespace mosaic {

using KindId = uint16_t;

// The kind id reported for pairs (which have no header).
inline constexpr KindId kPairKind = 1;
// The first id that RegisterKind hands out.
inline constexpr KindId kFirstEmbedderKind = 2;
// The runtime's own kinds, at the top of the id space (mosaic/weak.h): weak pairs, ephemerons
// and guardians. The collector knows them by id; RegisterKind never hands these out.
inline constexpr KindId kWeakPairKind = 0xffff;
inline constexpr KindId kEphemeronKind = 0xfffe;
inline constexpr KindId kGuardianKind = 0xfffd;
inline constexpr KindId kFirstRuntimeKind = kGuardianKind;

struct ObjectHeader {
  static constexpr int kAuxShift = 16;
  static constexpr uint64_t kAuxMax = (uint64_t{1} << 48) - 1;

  static constexpr uint64_t Make(KindId kind, uint64_t aux) {
    return (aux << kAuxShift) | kind;
  }
  static constexpr KindId Kind(uint64_t header) { return static_cast<KindId>(header & 0xffff); }
  static constexpr uint64_t Aux(uint64_t header) { return header >> kAuxShift; }
};

// Receives the references found inside an object while it is traced. Each call is cheap: a tag
// test and a range compare before anything else.
class Tracer {
 public:
  virtual void Trace(Value value) = 0;
  void TraceRange(const Value* begin, const Value* end) {
    for (const Value* p = begin; p < end; ++p) Trace(*p);
  }
  // Every aligned word in [begin, end), which lies in memory the object owns (a copy of a stack
  // segment), as an ambiguous word: whatever allocated object it points into is kept alive, as
  // the conservative stack scan does (interior pointers count, tags are ignored). For objects
  // that hold words of unknown type. The collector's tracers implement it; the default ignores
  // the range (a tracer that only checks precise references, such as the verifier's).
  virtual void TraceConservativeRange(const void* begin, const void* end) {
    (void)begin;
    (void)end;
  }

 protected:
  ~Tracer() = default;
};

enum class TracePolicy : uint8_t { kNoReferences, kAllValues, kCustom };

// Hands every reference inside `object` (its header address) to `tracer`. Must not allocate,
// take locks that a mutator may hold, or touch objects other than `object`.
using TraceCallback = void (*)(const void* object, Tracer& tracer);

struct KindDescriptor {
  std::string name;
  TracePolicy policy = TracePolicy::kNoReferences;
  TraceCallback trace = nullptr;  // required for kCustom, ignored otherwise
};

// Reads the header of a non-pair object. Requires value.IsObject().
inline uint64_t HeaderOf(Value value) { return value.ObjectWords()[0]; }
inline KindId KindOf(Value value) {
  return value.IsPair() ? kPairKind : ObjectHeader::Kind(HeaderOf(value));
}

}  // namespace mosaic

#endif  // MOSAIC_OBJECT_H_
