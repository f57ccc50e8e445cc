// The reader: toylang source text -> datums with positions.
//
//   Reader reader(source, InternFileName("prog.scm"));
//   while (DatumPtr d = reader.Next()) Use(d);      // nullptr at the end of the input
//
// Syntax (R7RS-small lexical syntax minus rationals, complex numbers, bytevectors, labels):
// fixnums (63-bit, #x/#o/#b/#d prefixes), flonums (decimal point, exponent, +inf.0 -inf.0
// +nan.0), #t #f #true #false, characters (#\a #\space #\x41 ...), strings with escapes,
// symbols (including |...|), lists with dotted tails, vectors #( ... ), ' ` , ,@ abbreviations,
// and the comments ; #| |# (nesting) and #; (datum comment).
//
// Errors throw ReadError, a toylang::Error with the position of the offending character;
// `incomplete()` is true when the input simply ended too early (an open list, string, block
// comment or a dangling quote), which the REPL answers by reading another line.
#ifndef TOYLANG_FRONTEND_READER_READER_H_
#define TOYLANG_FRONTEND_READER_READER_H_

#include <string>
#include <string_view>
#include <vector>

#include "frontend/common/error.h"
#include "frontend/reader/datum.h"

namespace toylang {

class ReadError : public Error {
 public:
  ReadError(std::string message, SourcePos pos, bool incomplete)
      : Error(std::move(message), pos), incomplete_(incomplete) {}
  bool incomplete() const { return incomplete_; }

 private:
  bool incomplete_;
};

class Reader {
 public:
  // `source` must outlive the reader.
  Reader(std::string_view source, const std::string* file);

  // The next datum, or nullptr at the end of the input.
  DatumPtr Next();
  // Bytes of the source consumed so far (`read` on a port advances it by this much).
  size_t consumed() const { return pos_; }

 private:
  DatumPtr ReadDatum();
  DatumPtr ReadList(char close, SourcePos open_pos);
  DatumPtr ReadVector(SourcePos open_pos);
  DatumPtr ReadBytevector(SourcePos open_pos);
  DatumPtr ReadString(SourcePos pos);
  DatumPtr ReadHash(SourcePos pos);
  DatumPtr ReadCharacter(SourcePos pos);
  DatumPtr ReadAtom(SourcePos pos);
  DatumPtr ReadBarSymbol(SourcePos pos);
  DatumPtr ParseNumber(std::string_view token, SourcePos pos, int radix, bool must_be_number);
  // Skips whitespace and comments (including #; datum comments).
  void SkipAtmosphere();
  void SkipBlockComment(SourcePos pos);
  std::string_view ReadToken();

  bool AtEnd() const { return pos_ >= source_.size(); }
  char Peek(size_t ahead = 0) const {
    return pos_ + ahead < source_.size() ? source_[pos_ + ahead] : '\0';
  }
  char Advance();
  SourcePos Here() const { return SourcePos{file_, line_, col_}; }
  [[noreturn]] void Fail(std::string message, SourcePos pos) const;
  [[noreturn]] void FailIncomplete(std::string message, SourcePos pos) const;

  std::string_view source_;
  const std::string* file_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

// Reads every datum of `source`.
std::vector<DatumPtr> ReadAll(std::string_view source, std::string_view file);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_READER_READER_H_
