// The reader's output: a plain C++ tree of datums, each carrying its source position.
//
// Datums are not heap values: the pipeline (expander, analysis) works on them before any code
// runs, and quoted data become heap objects only when the interpreter first evaluates them.
// Datums are immutable and shared (DatumPtr), so the expander can build new forms that reuse the
// user's sub-forms and keep their positions.
#ifndef TOYLANG_FRONTEND_READER_DATUM_H_
#define TOYLANG_FRONTEND_READER_DATUM_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/common/error.h"

namespace toylang {

enum class DatumKind : uint8_t {
  kFixnum,
  kFlonum,
  kBool,
  kChar,
  kString,
  kSymbol,
  kList,    // proper list (items, tail == nullptr) or improper (tail != nullptr); '() = no items
  kVector,
  kBignum,      // an exact integer beyond the fixnum range: `text` holds its decimal digits
  kBytevector,  // #u8(...): `text` holds the bytes
};

struct Datum;
using DatumPtr = std::shared_ptr<const Datum>;

struct Datum {
  DatumKind kind = DatumKind::kList;
  SourcePos pos;
  int64_t fixnum = 0;
  double flonum = 0;
  bool boolean = false;
  uint32_t character = 0;
  std::string text;              // string contents (UTF-8 bytes) or symbol name
  std::vector<DatumPtr> items;   // list or vector elements
  DatumPtr tail;                 // the final cdr of an improper list

  bool IsSymbol() const { return kind == DatumKind::kSymbol; }
  bool IsSymbol(std::string_view name) const { return IsSymbol() && text == name; }
  bool IsNil() const { return kind == DatumKind::kList && items.empty() && tail == nullptr; }
  bool IsProperList() const { return kind == DatumKind::kList && tail == nullptr; }
  // A non-empty proper list whose head is the symbol `name`.
  bool IsForm(std::string_view name) const {
    return IsProperList() && !items.empty() && items[0]->IsSymbol(name);
  }
};

// Constructors for the expander (positions are those of the form being rewritten).
DatumPtr MakeSymbol(std::string_view name, SourcePos pos);
DatumPtr MakeList(std::vector<DatumPtr> items, SourcePos pos, DatumPtr tail = nullptr);
DatumPtr MakeBool(bool value, SourcePos pos);
DatumPtr MakeFixnum(int64_t value, SourcePos pos);

// The external representation, as `write` prints it: strings with escapes, #\x chars, (quote x)
// kept as a list. Reading the output gives an equal datum.
std::string WriteDatum(const Datum& datum);
// How `write` spells a character (#\a, #\space, #\x3bb) and a flonum (1.5, 1e+100, +inf.0).
std::string WriteChar(uint32_t code_point);
std::string WriteFlonum(double value);
// A string literal with escapes, including the quotes.
std::string WriteStringLiteral(std::string_view bytes);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_READER_DATUM_H_
