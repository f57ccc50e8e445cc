// Bytevectors (R7RS 6.9): construction, access, copying, and conversion to and from strings.
// Bytevectors are heap objects holding their bytes inline (objects.h); the reader and printer
// spell them #u8(1 2 3).
//
// Deviations from R7RS (for docs/toylang.md):
// - Strings hold bytes (see the strings section), so utf8->string and string->utf8 copy the
//   bytes unchanged, and their start/end arguments of string->utf8 are byte indices.
#include <cstring>

#include "frontend/builtins/builtins_internal.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

V CheckBytevector(const char* who, V v) {
  if (!IsBytevector(v)) TypeError(who, "bytevector", v);
  return v;
}

uint8_t CheckByte(const char* who, V v) {
  if (!v.IsFixnum() || v.FixnumValue() < 0 || v.FixnumValue() > 255) {
    TypeError(who, "byte (an exact integer from 0 to 255)", v);
  }
  return static_cast<uint8_t>(v.FixnumValue());
}

V MakeBytevectorFrom(const uint8_t* bytes, size_t n) {
  // The source may be in the heap: the caller keeps its object reachable, and the heap does
  // not move, so the bytes are still there after the allocation.
  V b = MakeBytevector(n, 0);
  if (n > 0) std::memmove(BytevectorData(b), bytes, n);
  return b;
}

V Bytevector(CallContext&, const V* args, int argc) {
  for (int i = 0; i < argc; ++i) CheckByte("bytevector", args[i]);
  V b = MakeBytevector(static_cast<size_t>(argc), 0);
  for (int i = 0; i < argc; ++i) BytevectorData(b)[i] = static_cast<uint8_t>(args[i].FixnumValue());
  return b;
}

V MakeBytevectorFn(CallContext&, const V* args, int argc) {
  int64_t n = CheckFixnum("make-bytevector", args[0]);
  if (n < 0) TypeError("make-bytevector", "non-negative length", args[0]);
  uint8_t fill = argc > 1 ? CheckByte("make-bytevector", args[1]) : 0;
  return MakeBytevector(static_cast<size_t>(n), fill);
}

V BytevectorP(CallContext&, const V* args, int) { return V::Bool(IsBytevector(args[0])); }

V BytevectorLengthFn(CallContext&, const V* args, int) {
  return V::Fixnum(static_cast<int64_t>(
      BytevectorLength(CheckBytevector("bytevector-length", args[0]))));
}

V U8Ref(CallContext&, const V* args, int) {
  V b = CheckBytevector("bytevector-u8-ref", args[0]);
  size_t i = CheckIndex("bytevector-u8-ref", args[1], "bytevector", BytevectorLength(b));
  return V::Fixnum(BytevectorData(b)[i]);
}

V U8Set(CallContext&, const V* args, int) {
  V b = CheckBytevector("bytevector-u8-set!", args[0]);
  size_t i = CheckIndex("bytevector-u8-set!", args[1], "bytevector", BytevectorLength(b));
  BytevectorData(b)[i] = CheckByte("bytevector-u8-set!", args[2]);  // no references: no barrier
  return V::Unspecified();
}

// (bytevector-copy bv [start [end]])
V Copy(CallContext&, const V* args, int argc) {
  V b = CheckBytevector("bytevector-copy", args[0]);
  size_t start, end;
  CheckRange("bytevector-copy", args, argc, 1, BytevectorLength(b), "bytevector", &start, &end);
  return MakeBytevectorFrom(BytevectorData(b) + start, end - start);
}

// (bytevector-copy! to at from [start [end]]): overlapping ranges copy as if through a
// temporary (memmove).
V CopyInto(CallContext&, const V* args, int argc) {
  const char* who = "bytevector-copy!";
  V to = CheckBytevector(who, args[0]);
  size_t at = CheckIndex(who, args[1], "bytevector", BytevectorLength(to), /*inclusive=*/true);
  V from = CheckBytevector(who, args[2]);
  size_t start, end;
  CheckRange(who, args, argc, 3, BytevectorLength(from), "bytevector", &start, &end);
  if (end - start > BytevectorLength(to) - at) {
    Fail(Cat(who, ": ", end - start, " bytes do not fit at index ", at,
             " of a bytevector of length ", BytevectorLength(to)));
  }
  if (end > start) std::memmove(BytevectorData(to) + at, BytevectorData(from) + start, end - start);
  return V::Unspecified();
}

V Append(CallContext&, const V* args, int argc) {
  size_t total = 0;
  for (int i = 0; i < argc; ++i) {
    total += BytevectorLength(CheckBytevector("bytevector-append", args[i]));
  }
  V b = MakeBytevector(total, 0);
  size_t at = 0;
  for (int i = 0; i < argc; ++i) {
    size_t n = BytevectorLength(args[i]);
    if (n > 0) std::memcpy(BytevectorData(b) + at, BytevectorData(args[i]), n);
    at += n;
  }
  return b;
}

// (utf8->string bv [start [end]])
V Utf8ToString(CallContext&, const V* args, int argc) {
  V b = CheckBytevector("utf8->string", args[0]);
  size_t start, end;
  CheckRange("utf8->string", args, argc, 1, BytevectorLength(b), "bytevector", &start, &end);
  V s = MakeString(end - start, '\0');
  if (end > start) std::memcpy(StringData(s), BytevectorData(b) + start, end - start);
  return s;
}

// (string->utf8 string [start [end]])
V StringToUtf8(CallContext&, const V* args, int argc) {
  V s = CheckString("string->utf8", args[0]);
  size_t start, end;
  CheckRange("string->utf8", args, argc, 1, StringLength(s), "string", &start, &end);
  return MakeBytevectorFrom(reinterpret_cast<const uint8_t*>(StringData(s)) + start, end - start);
}

constexpr Builtin kBuiltins[] = {
    {"bytevector", 0, -1, Bytevector},
    {"make-bytevector", 1, 2, MakeBytevectorFn},
    {"bytevector?", 1, 1, BytevectorP},
    {"bytevector-length", 1, 1, BytevectorLengthFn},
    {"bytevector-u8-ref", 2, 2, U8Ref},
    {"bytevector-u8-set!", 3, 3, U8Set},
    {"bytevector-copy", 1, 3, Copy},
    {"bytevector-copy!", 3, 5, CopyInto},
    {"bytevector-append", 0, -1, Append},
    {"utf8->string", 1, 3, Utf8ToString},
    {"string->utf8", 1, 3, StringToUtf8},
};

}  // namespace

absl::Span<const Builtin> BytevectorBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
