// The one value encoding that the runtime, the JIT, the interpreter and root cells share.
//
// A value is one 64-bit word; its low bits are the tag:
//
//   ...1    fixnum, 63-bit signed: n = word >> 1 (arithmetic shift)
//   ...000  (non-zero) reference to a heap object whose first word is a header
//   ...010  reference to a pair (two header-less words); address = word - 2
//   ...110  other immediates: #f, #t, '(), unspecified, eof, undefined, broken-weak, characters;
//           the subtype sits in bits 3..7, a character's code point in bits 8 and up
//   ...100  reserved for embedders: never a heap reference
//
// A word is a heap reference exactly when its low three bits are 000 (and it is not 0) or 010.
// Precise roots use that rule; conservative roots ignore tags entirely.
//
//   Value v = Value::Fixnum(42);
//   if (v.IsFixnum()) Print(v.FixnumValue());
#ifndef MOSAIC_VALUE_H_
#define MOSAIC_VALUE_H_

#include <cstdint>

namespace mosaic {

class Value {
 public:
  static constexpr uint64_t kTagMask = 0x7;
  static constexpr uint64_t kObjectTag = 0x0;
  static constexpr uint64_t kPairTag = 0x2;
  static constexpr uint64_t kImmediateTag = 0x6;
  static constexpr uint64_t kEmbedderTag = 0x4;

  // Immediate subtypes (bits 3..7 of an ...110 word).
  enum class Immediate : uint8_t {
    kFalse = 0,
    kTrue = 1,
    kNil = 2,
    kUnspecified = 3,
    kEof = 4,
    kUndefined = 5,  // an unassigned letrec variable, an uninitialised slot
    kDefault = 6,    // a missing optional argument
    kChar = 7,
    kBrokenWeak = 8,  // what a cleared weak reference holds (Chez's #!bwp)
  };

  static constexpr int64_t kFixnumMax = (int64_t{1} << 62) - 1;
  static constexpr int64_t kFixnumMin = -(int64_t{1} << 62);

  constexpr Value() : bits_(0) {}
  static constexpr Value FromBits(uint64_t bits) { return Value(bits); }
  constexpr uint64_t bits() const { return bits_; }

  // Fixnums. Fixnum(n) requires kFixnumMin <= n <= kFixnumMax.
  static constexpr Value Fixnum(int64_t n) {
    return Value((static_cast<uint64_t>(n) << 1) | 1);
  }
  static constexpr bool FitsFixnum(int64_t n) { return n >= kFixnumMin && n <= kFixnumMax; }
  constexpr bool IsFixnum() const { return (bits_ & 1) != 0; }
  constexpr int64_t FixnumValue() const { return static_cast<int64_t>(bits_) >> 1; }

  // Heap references.
  static Value Object(const void* start) { return Value(reinterpret_cast<uint64_t>(start)); }
  static Value Pair(const void* cell) { return Value(reinterpret_cast<uint64_t>(cell) + kPairTag); }
  constexpr bool IsObject() const { return (bits_ & kTagMask) == kObjectTag && bits_ != 0; }
  constexpr bool IsPair() const { return (bits_ & kTagMask) == kPairTag; }
  constexpr bool IsHeapReference() const { return IsObject() || IsPair(); }
  // The address of the object or pair cell this value refers to. Requires IsHeapReference().
  void* ObjectAddress() const { return reinterpret_cast<void*>(bits_ & ~uint64_t{kPairTag}); }
  uint64_t* ObjectWords() const { return static_cast<uint64_t*>(ObjectAddress()); }

  // Immediates.
  static constexpr Value MakeImmediate(Immediate kind) {
    return Value((static_cast<uint64_t>(kind) << 3) | kImmediateTag);
  }
  static constexpr Value False() { return MakeImmediate(Immediate::kFalse); }
  static constexpr Value True() { return MakeImmediate(Immediate::kTrue); }
  static constexpr Value Bool(bool b) { return b ? True() : False(); }
  static constexpr Value Nil() { return MakeImmediate(Immediate::kNil); }
  static constexpr Value Unspecified() { return MakeImmediate(Immediate::kUnspecified); }
  static constexpr Value Eof() { return MakeImmediate(Immediate::kEof); }
  static constexpr Value Undefined() { return MakeImmediate(Immediate::kUndefined); }
  static constexpr Value Default() { return MakeImmediate(Immediate::kDefault); }
  // What a weak pair's target, an ephemeron's key and value, and a weak root cell hold once the
  // collector has cleared them (mosaic/weak.h).
  static constexpr Value BrokenWeak() { return MakeImmediate(Immediate::kBrokenWeak); }
  static constexpr Value Char(uint32_t code_point) {
    return Value((uint64_t{code_point} << 8) | MakeImmediate(Immediate::kChar).bits_);
  }

  constexpr bool IsImmediate() const { return (bits_ & kTagMask) == kImmediateTag; }
  constexpr Immediate ImmediateKind() const { return static_cast<Immediate>((bits_ >> 3) & 0x1f); }
  constexpr bool IsFalse() const { return bits_ == False().bits_; }
  constexpr bool IsTrue() const { return bits_ == True().bits_; }
  constexpr bool IsBool() const { return IsFalse() || IsTrue(); }
  constexpr bool IsNil() const { return bits_ == Nil().bits_; }
  constexpr bool IsUnspecified() const { return bits_ == Unspecified().bits_; }
  constexpr bool IsEof() const { return bits_ == Eof().bits_; }
  constexpr bool IsUndefined() const { return bits_ == Undefined().bits_; }
  constexpr bool IsBrokenWeak() const { return bits_ == BrokenWeak().bits_; }
  constexpr bool IsChar() const { return IsImmediate() && ImmediateKind() == Immediate::kChar; }
  constexpr uint32_t CharValue() const { return static_cast<uint32_t>(bits_ >> 8); }
  // Scheme truthiness: everything but #f is true.
  constexpr bool IsTruthy() const { return !IsFalse(); }

  constexpr bool IsEmbedderWord() const { return (bits_ & kTagMask) == kEmbedderTag; }

  friend constexpr bool operator==(Value a, Value b) { return a.bits_ == b.bits_; }
  friend constexpr bool operator!=(Value a, Value b) { return a.bits_ != b.bits_; }

 private:
  explicit constexpr Value(uint64_t bits) : bits_(bits) {}
  uint64_t bits_;
};

static_assert(sizeof(Value) == 8);

// A pair cell: two value words, no header. Value::Pair(cell) refers to it.
struct PairCell {
  Value car;
  Value cdr;
};
static_assert(sizeof(PairCell) == 16);

}  // namespace mosaic

#endif  // MOSAIC_VALUE_H_
