// Case and iteration over characters and strings: char-ci=? ..., string-ci=? ...,
// char-upper-case?, char-lower-case?, char-foldcase, digit-value, string-upcase,
// string-downcase, string-foldcase, string-map, string-for-each, string-copy!, string-fill!,
// string->vector, vector->string, symbol=?.
//
// Deviations from R7RS (for docs/toylang.md):
// - Case (char-upper-case?, char-foldcase, string-upcase, the -ci comparisons ...) is ASCII
//   case, as for char-upcase; digit-value knows the ASCII digits only.
// - string-map's procedure must return characters a string can hold (up to #\xff).
#include <alloca.h>

#include <cstring>
#include <string>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/objects/objects.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

uint32_t Fold(uint32_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }
uint32_t Upper(uint32_t c) { return c >= 'a' && c <= 'z' ? c - 32 : c; }

template <Order O>
V CharCiCompare(CallContext&, const V* args, int argc) {
  static constexpr const char* kNames[] = {"char-ci=?", "char-ci<?", "char-ci>?", "char-ci<=?",
                                           "char-ci>=?"};
  const char* who = kNames[static_cast<int>(O)];
  bool result = true;
  for (int i = 0; i < argc; ++i) {
    uint32_t c = Fold(CheckChar(who, args[i]));
    if (i > 0) {
      uint32_t p = Fold(args[i - 1].CharValue());
      if (!Holds(O, p < c ? -1 : p > c)) result = false;
    }
  }
  return V::Bool(result);
}

int CompareFolded(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    uint32_t x = Fold(static_cast<unsigned char>(a[i])), y = Fold(static_cast<unsigned char>(b[i]));
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size();
}

template <Order O>
V StringCiCompare(CallContext&, const V* args, int argc) {
  static constexpr const char* kNames[] = {"string-ci=?", "string-ci<?", "string-ci>?",
                                           "string-ci<=?", "string-ci>=?"};
  const char* who = kNames[static_cast<int>(O)];
  bool result = true;
  for (int i = 0; i < argc; ++i) {
    CheckString(who, args[i]);
    if (i > 0 && !Holds(O, CompareFolded(StringView(args[i - 1]), StringView(args[i])))) {
      result = false;
    }
  }
  return V::Bool(result);
}

V CharUpperCaseP(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("char-upper-case?", a[0]);
  return V::Bool(c >= 'A' && c <= 'Z');
}
V CharLowerCaseP(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("char-lower-case?", a[0]);
  return V::Bool(c >= 'a' && c <= 'z');
}
V CharFoldcase(CallContext&, const V* a, int) {
  return V::Char(Fold(CheckChar("char-foldcase", a[0])));
}
V DigitValue(CallContext&, const V* a, int) {
  uint32_t c = CheckChar("digit-value", a[0]);
  return c >= '0' && c <= '9' ? V::Fixnum(c - '0') : V::False();
}

template <uint32_t (*F)(uint32_t)>
V MapCase(const char* who, V s) {
  CheckString(who, s);
  size_t n = StringLength(s);
  V out = MakeString(n, ' ');
  for (size_t i = 0; i < n; ++i) {
    StringData(out)[i] = static_cast<char>(F(static_cast<unsigned char>(StringData(s)[i])));
  }
  return out;
}
V StringUpcase(CallContext&, const V* a, int) { return MapCase<Upper>("string-upcase", a[0]); }
V StringDowncase(CallContext&, const V* a, int) { return MapCase<Fold>("string-downcase", a[0]); }
V StringFoldcase(CallContext&, const V* a, int) { return MapCase<Fold>("string-foldcase", a[0]); }

// string-map and string-for-each: proc on the i-th characters of every string, up to the
// shortest. The strings are re-read after every call (the procedure may mutate them).
V StringWalk(const char* who, bool collect, CallContext& ctx, const V* args, int argc) {
  CheckProcedure(who, args[0]);
  size_t n = SIZE_MAX;
  for (int i = 1; i < argc; ++i) {
    size_t len = StringLength(CheckString(who, args[i]));
    if (len < n) n = len;
  }
  int k = argc - 1;
  V* call = static_cast<V*>(alloca(sizeof(V) * k));
  V out = collect ? MakeString(n, ' ') : V::False();
  for (size_t i = 0; i < n; ++i) {
    for (int j = 0; j < k; ++j) {
      if (i >= StringLength(args[j + 1])) return out;  // shortened by the procedure
      call[j] = ByteToChar(StringData(args[j + 1])[i]);
    }
    V r = ctx.Apply(args[0], call, k);
    if (collect) {
      StringData(out)[i] = CharToByte(who, CheckChar(who, r));
    }
  }
  return collect ? out : V::Unspecified();
}
V StringMap(CallContext& c, const V* a, int n) { return StringWalk("string-map", true, c, a, n); }
V StringForEach(CallContext& c, const V* a, int n) {
  return StringWalk("string-for-each", false, c, a, n);
}

// (string-copy! to at from [start [end]])
V StringCopyInto(CallContext&, const V* args, int argc) {
  const char* who = "string-copy!";
  V to = CheckString(who, args[0]);
  size_t at = CheckIndex(who, args[1], "string", StringLength(to), /*inclusive=*/true);
  V from = CheckString(who, args[2]);
  size_t start, end;
  CheckRange(who, args, argc, 3, StringLength(from), "string", &start, &end);
  if (end - start > StringLength(to) - at) {
    Fail(Cat(who, ": ", end - start, " characters do not fit at index ", at,
             " of a string of length ", StringLength(to)));
  }
  std::memmove(StringData(to) + at, StringData(from) + start, end - start);
  return V::Unspecified();
}

// (string-fill! s char [start [end]])
V StringFill(CallContext&, const V* args, int argc) {
  const char* who = "string-fill!";
  V s = CheckString(who, args[0]);
  char fill = CharToByte(who, CheckChar(who, args[1]));
  size_t start, end;
  CheckRange(who, args, argc, 2, StringLength(s), "string", &start, &end);
  std::memset(StringData(s) + start, fill, end - start);
  return V::Unspecified();
}

V StringToVector(CallContext&, const V* args, int argc) {
  V s = CheckString("string->vector", args[0]);
  size_t start, end;
  CheckRange("string->vector", args, argc, 1, StringLength(s), "string", &start, &end);
  V v = MakeVector(end - start, V::False());
  // Characters are immediates: no write barrier is needed, but VectorSet is the plain way.
  for (size_t i = start; i < end; ++i) VectorSet(v, i - start, ByteToChar(StringData(s)[i]));
  return v;
}

V VectorToString(CallContext&, const V* args, int argc) {
  const char* who = "vector->string";
  V v = CheckVector(who, args[0]);
  size_t start, end;
  CheckRange(who, args, argc, 1, VectorLength(v), "vector", &start, &end);
  for (size_t i = start; i < end; ++i) CharToByte(who, CheckChar(who, VectorData(v)[i]));
  V s = MakeString(end - start, ' ');
  for (size_t i = start; i < end; ++i) {
    StringData(s)[i - start] = static_cast<char>(VectorData(v)[i].CharValue());
  }
  return s;
}

V SymbolEqP(CallContext&, const V* args, int argc) {
  bool result = true;
  for (int i = 0; i < argc; ++i) {
    CheckSymbol("symbol=?", args[i]);
    if (i > 0 && args[i] != args[i - 1]) result = false;
  }
  return V::Bool(result);
}

constexpr Builtin kBuiltins[] = {
    {"char-ci=?", 1, -1, CharCiCompare<Order::kEq>},
    {"char-ci<?", 1, -1, CharCiCompare<Order::kLt>},
    {"char-ci>?", 1, -1, CharCiCompare<Order::kGt>},
    {"char-ci<=?", 1, -1, CharCiCompare<Order::kLe>},
    {"char-ci>=?", 1, -1, CharCiCompare<Order::kGe>},
    {"string-ci=?", 1, -1, StringCiCompare<Order::kEq>},
    {"string-ci<?", 1, -1, StringCiCompare<Order::kLt>},
    {"string-ci>?", 1, -1, StringCiCompare<Order::kGt>},
    {"string-ci<=?", 1, -1, StringCiCompare<Order::kLe>},
    {"string-ci>=?", 1, -1, StringCiCompare<Order::kGe>},
    {"char-upper-case?", 1, 1, CharUpperCaseP},
    {"char-lower-case?", 1, 1, CharLowerCaseP},
    {"char-foldcase", 1, 1, CharFoldcase},
    {"digit-value", 1, 1, DigitValue},
    {"string-upcase", 1, 1, StringUpcase},
    {"string-downcase", 1, 1, StringDowncase},
    {"string-foldcase", 1, 1, StringFoldcase},
    {"string-map", 2, -1, StringMap},
    {"string-for-each", 2, -1, StringForEach},
    {"string-copy!", 3, 5, StringCopyInto},
    {"string-fill!", 2, 4, StringFill},
    {"string->vector", 1, 3, StringToVector},
    {"vector->string", 1, 3, VectorToString},
    {"symbol=?", 1, -1, SymbolEqP},
};

}  // namespace

absl::Span<const Builtin> TextBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
