#include "frontend/reader/reader.h"

#include <gmp.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "frontend/common/stack_check.h"
#include "frontend/common/utf8.h"
#include "mosaic/value.h"

namespace toylang {
namespace {

bool IsDelimiter(char c) {
  return c == '\0' || absl::ascii_isspace(static_cast<unsigned char>(c)) || c == '(' ||
         c == ')' || c == '[' || c == ']' || c == '"' || c == ';' || c == '\'' || c == '`' ||
         c == ',';
}


// Decodes one UTF-8 sequence from the start of `s`; returns the byte count, 0 if malformed.
int DecodeUtf8(std::string_view s, uint32_t& cp) {
  if (s.empty()) return 0;
  auto b = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = b(0);
  int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || s.size() < static_cast<size_t>(n)) return 0;
  cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (int i = 1; i < n; ++i) {
    if ((b(i) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i) & 0x3f);
  }
  return n;
}

struct CharName {
  const char* name;
  uint32_t code;
};
constexpr CharName kCharNames[] = {
    {"alarm", 7},    {"backspace", 8}, {"delete", 127}, {"escape", 27},
    {"newline", 10}, {"null", 0},      {"nul", 0},      {"return", 13},
    {"space", 32},   {"tab", 9},
};

std::shared_ptr<Datum> MakeDatum(DatumKind kind, SourcePos pos) {
  auto d = std::make_shared<Datum>();
  d->kind = kind;
  d->pos = pos;
  return d;
}

}  // namespace

Reader::Reader(std::string_view source, const std::string* file)
    : source_(source), file_(file) {}

char Reader::Advance() {
  char c = source_[pos_++];
  if (c == '\n') {
    ++line_;
    col_ = 1;
  } else if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) {
    ++col_;  // columns count code points, not bytes
  }
  return c;
}

void Reader::Fail(std::string message, SourcePos pos) const {
  throw ReadError(std::move(message), pos, /*incomplete=*/false);
}

void Reader::FailIncomplete(std::string message, SourcePos pos) const {
  throw ReadError(std::move(message), pos, /*incomplete=*/true);
}

DatumPtr Reader::Next() {
  SkipAtmosphere();
  if (AtEnd()) return nullptr;
  return ReadDatum();
}

void Reader::SkipBlockComment(SourcePos pos) {
  int depth = 1;
  while (depth > 0) {
    if (AtEnd()) FailIncomplete("missing '|#' to close this block comment", pos);
    if (Peek() == '|' && Peek(1) == '#') {
      Advance();
      Advance();
      --depth;
    } else if (Peek() == '#' && Peek(1) == '|') {
      Advance();
      Advance();
      ++depth;
    } else {
      Advance();
    }
  }
}

void Reader::SkipAtmosphere() {
  while (!AtEnd()) {
    char c = Peek();
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) {
      Advance();
    } else if (c == ';') {
      while (!AtEnd() && Peek() != '\n') Advance();
    } else if (c == '#' && Peek(1) == '|') {
      SourcePos pos = Here();
      Advance();
      Advance();
      SkipBlockComment(pos);
    } else if (c == '#' && Peek(1) == ';') {
      SourcePos pos = Here();
      Advance();
      Advance();
      SkipAtmosphere();
      if (AtEnd()) FailIncomplete("missing datum after '#;'", pos);
      ReadDatum();  // read and dropped
    } else {
      return;
    }
  }
}

std::string_view Reader::ReadToken() {
  size_t start = pos_;
  while (!AtEnd() && !IsDelimiter(Peek())) Advance();
  return source_.substr(start, pos_ - start);
}

DatumPtr Reader::ReadDatum() {
  SourcePos pos = Here();
  CheckStack(pos);
  char c = Peek();
  switch (c) {
    case '(':
    case '[':
      Advance();
      return ReadList(c == '(' ? ')' : ']', pos);
    case ')':
    case ']':
      Fail(absl::StrCat("unexpected '", std::string(1, c), "'"), pos);
    case '"':
      Advance();
      return ReadString(pos);
    case '\'':
    case '`':
    case ',': {
      Advance();
      const char* name = c == '\'' ? "quote" : c == '`' ? "quasiquote" : "unquote";
      if (c == ',' && Peek() == '@') {
        Advance();
        name = "unquote-splicing";
      }
      SkipAtmosphere();
      if (AtEnd()) FailIncomplete(absl::StrCat("missing datum after '", name, "' abbreviation"), pos);
      DatumPtr quoted = ReadDatum();
      return MakeList({MakeSymbol(name, pos), std::move(quoted)}, pos);
    }
    case '#':
      return ReadHash(pos);
    case '|':
      Advance();
      return ReadBarSymbol(pos);
    default:
      return ReadAtom(pos);
  }
}

DatumPtr Reader::ReadList(char close, SourcePos open_pos) {
  std::vector<DatumPtr> items;
  DatumPtr tail;
  for (;;) {
    SkipAtmosphere();
    if (AtEnd()) {
      FailIncomplete(absl::StrCat("missing '", std::string(1, close), "' to close the list opened here"),
                     open_pos);
    }
    char c = Peek();
    if (c == ')' || c == ']') {
      if (c != close) {
        Fail(absl::StrCat("expected '", std::string(1, close), "' but found '", std::string(1, c),
                          "'"),
             Here());
      }
      Advance();
      break;
    }
    if (c == '.' && IsDelimiter(Peek(1))) {
      SourcePos dot = Here();
      Advance();
      if (items.empty()) Fail("bad dotted list: nothing before '.'", dot);
      SkipAtmosphere();
      if (AtEnd()) FailIncomplete("missing datum after '.'", dot);
      if (Peek() == ')' || Peek() == ']') Fail("bad dotted list: nothing after '.'", dot);
      tail = ReadDatum();
      SkipAtmosphere();
      if (AtEnd()) {
        FailIncomplete(absl::StrCat("missing '", std::string(1, close), "' to close the list opened here"),
                       open_pos);
      }
      if (Peek() != close) Fail("bad dotted list: more than one datum after '.'", Here());
      Advance();
      break;
    }
    items.push_back(ReadDatum());
  }
  if (tail != nullptr && tail->kind == DatumKind::kList) {
    // (a . (b c)) is (a b c): keep one canonical representation.
    for (const DatumPtr& item : tail->items) items.push_back(item);
    DatumPtr rest = tail->tail;
    return MakeList(std::move(items), open_pos, std::move(rest));
  }
  return MakeList(std::move(items), open_pos, std::move(tail));
}

DatumPtr Reader::ReadVector(SourcePos open_pos) {
  std::vector<DatumPtr> items;
  for (;;) {
    SkipAtmosphere();
    if (AtEnd()) FailIncomplete("missing ')' to close the vector opened here", open_pos);
    if (Peek() == ')') {
      Advance();
      break;
    }
    if (Peek() == ']') Fail("expected ')' but found ']'", Here());
    if (Peek() == '.' && IsDelimiter(Peek(1))) Fail("unexpected '.' in a vector", Here());
    items.push_back(ReadDatum());
  }
  auto d = MakeDatum(DatumKind::kVector, open_pos);
  d->items = std::move(items);
  return d;
}

// #u8( byte ... ): exact integers 0..255 only.
DatumPtr Reader::ReadBytevector(SourcePos open_pos) {
  std::string bytes;
  for (;;) {
    SkipAtmosphere();
    if (AtEnd()) FailIncomplete("missing ')' to close the bytevector opened here", open_pos);
    if (Peek() == ')') {
      Advance();
      break;
    }
    SourcePos item_pos = Here();
    DatumPtr item = ReadDatum();
    if (item->kind != DatumKind::kFixnum || item->fixnum < 0 || item->fixnum > 255) {
      Fail(absl::StrCat("bad bytevector element ", WriteDatum(*item),
                        ": expected an exact integer from 0 to 255"),
           item_pos);
    }
    bytes += static_cast<char>(item->fixnum);
  }
  auto d = MakeDatum(DatumKind::kBytevector, open_pos);
  d->text = std::move(bytes);
  return d;
}

DatumPtr Reader::ReadString(SourcePos pos) {
  std::string out;
  for (;;) {
    if (AtEnd()) FailIncomplete("unterminated string", pos);
    SourcePos char_pos = Here();
    char c = Advance();
    if (c == '"') break;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (AtEnd()) FailIncomplete("unterminated string", pos);
    char e = Advance();
    switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'a': out += '\a'; break;
      case 'b': out += '\b'; break;
      case '0': out += '\0'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case '|': out += '|'; break;
      case 'x':
      case 'X': {
        size_t start = pos_;
        while (!AtEnd() && absl::ascii_isxdigit(static_cast<unsigned char>(Peek()))) Advance();
        std::string_view hex = source_.substr(start, pos_ - start);
        if (hex.empty() || hex.size() > 6 || Peek() != ';') {
          Fail("bad string escape: expected \\x<hex digits>;", char_pos);
        }
        Advance();
        uint32_t cp = static_cast<uint32_t>(std::strtoul(std::string(hex).c_str(), nullptr, 16));
        if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
          Fail("bad string escape: not a Unicode scalar value", char_pos);
        }
        AppendUtf8(out, cp);
        break;
      }
      default: {
        // \<intraline whitespace>*<newline><intraline whitespace>*: a line continuation.
        size_t save_pos = pos_;
        int save_line = line_, save_col = col_;
        pos_--;  // re-examine e
        col_--;
        bool ok = false;
        while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) Advance();
        if (!AtEnd() && Peek() == '\n') {
          Advance();
          while (!AtEnd() && (Peek() == ' ' || Peek() == '\t')) Advance();
          ok = true;
        }
        if (!ok) {
          pos_ = save_pos;
          line_ = save_line;
          col_ = save_col;
          Fail(absl::StrCat("bad string escape \\", std::string(1, e)), char_pos);
        }
      }
    }
  }
  auto d = MakeDatum(DatumKind::kString, pos);
  d->text = std::move(out);
  return d;
}

DatumPtr Reader::ReadHash(SourcePos pos) {
  char c = Peek(1);
  if (c == '(') {
    Advance();
    Advance();
    return ReadVector(pos);
  }
  if ((c == 'u' || c == 'U') && Peek(2) == '8' && Peek(3) == '(') {
    for (int i = 0; i < 4; ++i) Advance();
    return ReadBytevector(pos);
  }
  if (c == '\\') {
    Advance();
    Advance();
    return ReadCharacter(pos);
  }
  Advance();  // '#'
  std::string_view token = ReadToken();
  if (token == "t" || token == "true") return MakeBool(true, pos);
  if (token == "f" || token == "false") return MakeBool(false, pos);
  if (!token.empty()) {
    char p = absl::ascii_tolower(static_cast<unsigned char>(token[0]));
    int radix = p == 'x' ? 16 : p == 'o' ? 8 : p == 'b' ? 2 : p == 'd' ? 10 : p == 'e' ? -1 : 0;
    if (radix > 0) return ParseNumber(token.substr(1), pos, radix, true);
  }
  if (token.empty() && AtEnd()) FailIncomplete("missing datum after '#'", pos);
  Fail(absl::StrCat("bad syntax #", std::string(token)), pos);
}

DatumPtr Reader::ReadCharacter(SourcePos pos) {
  if (AtEnd()) FailIncomplete("missing character after #\\", pos);
  // The first character is taken even when it is a delimiter: #\( #\space #\).
  uint32_t cp = 0;
  int n = DecodeUtf8(source_.substr(pos_), cp);
  if (n == 0) Fail("bad character: invalid UTF-8", pos);
  size_t start = pos_;
  for (int i = 0; i < n; ++i) Advance();
  while (!AtEnd() && !IsDelimiter(Peek())) Advance();
  std::string_view name = source_.substr(start, pos_ - start);
  auto d = MakeDatum(DatumKind::kChar, pos);
  if (name.size() == static_cast<size_t>(n)) {
    d->character = cp;
    return d;
  }
  for (const CharName& cn : kCharNames) {
    if (name == cn.name) {
      d->character = cn.code;
      return d;
    }
  }
  if (name[0] == 'x' || name[0] == 'U' || name[0] == 'u') {
    std::string_view hex = name.substr(name[0] == 'x' ? 1 : (name.size() > 1 && name[1] == '+' ? 2 : 1));
    bool ok = !hex.empty() && hex.size() <= 6;
    for (char h : hex) ok = ok && absl::ascii_isxdigit(static_cast<unsigned char>(h));
    if (ok) {
      uint32_t v = static_cast<uint32_t>(std::strtoul(std::string(hex).c_str(), nullptr, 16));
      if (v <= 0x10ffff && !(v >= 0xd800 && v <= 0xdfff)) {
        d->character = v;
        return d;
      }
    }
  }
  Fail(absl::StrCat("bad character name #\\", std::string(name)), pos);
}

DatumPtr Reader::ReadBarSymbol(SourcePos pos) {
  std::string name;
  for (;;) {
    if (AtEnd()) FailIncomplete("missing '|' to close this symbol", pos);
    char c = Advance();
    if (c == '|') break;
    if (c == '\\' && !AtEnd()) {
      char e = Advance();
      name += e == 'n' ? '\n' : e == 't' ? '\t' : e;
      continue;
    }
    name += c;
  }
  return MakeSymbol(name, pos);
}

DatumPtr Reader::ReadAtom(SourcePos pos) {
  std::string_view token = ReadToken();
  if (token.empty()) {
    // A delimiter that no case above handles; only '"' etc. reach ReadDatum otherwise.
    Fail(absl::StrCat("unexpected character '", std::string(1, Peek()), "'"), pos);
    }
  if (token == ".") Fail("unexpected '.'", pos);
  // Something that starts like a number must be one: 1abc is an error, not a symbol.
  char c0 = token[0];
  bool numeric_start = absl::ascii_isdigit(static_cast<unsigned char>(c0)) ||
                       ((c0 == '+' || c0 == '-' || c0 == '.') && token.size() > 1 &&
                        (absl::ascii_isdigit(static_cast<unsigned char>(token[1])) ||
                         (token[1] == '.' && token.size() > 2 &&
                          absl::ascii_isdigit(static_cast<unsigned char>(token[2])))));
  if (numeric_start) return ParseNumber(token, pos, 10, true);
  if (token == "+inf.0" || token == "-inf.0" || token == "+nan.0" || token == "-nan.0") {
    return ParseNumber(token, pos, 10, true);
  }
  if (token.find('#') == 0) Fail(absl::StrCat("bad syntax ", std::string(token)), pos);
  return MakeSymbol(token, pos);
}

DatumPtr Reader::ParseNumber(std::string_view token, SourcePos pos, int radix,
                             bool must_be_number) {
  auto bad = [&]() {
    Fail(absl::StrCat("bad number ", radix == 10 ? "" : "#", radix == 16 ? "x" : radix == 8 ? "o" : radix == 2 ? "b" : "", std::string(token)),
         pos);
  };
  if (token.empty()) bad();
  if (token == "+inf.0" || token == "-inf.0" || token == "+nan.0" || token == "-nan.0") {
    auto d = MakeDatum(DatumKind::kFlonum, pos);
    d->flonum = token[1] == 'n' ? std::numeric_limits<double>::quiet_NaN()
                : token[0] == '+' ? std::numeric_limits<double>::infinity()
                                  : -std::numeric_limits<double>::infinity();
    return d;
  }
  size_t i = 0;
  bool negative = false;
  if (token[0] == '+' || token[0] == '-') {
    negative = token[0] == '-';
    i = 1;
  }
  if (i == token.size()) bad();
  // Integer: digits of the radix only.
  bool all_digits = true;
  for (size_t j = i; j < token.size(); ++j) {
    int digit = absl::ascii_isdigit(static_cast<unsigned char>(token[j])) ? token[j] - '0'
                : absl::ascii_isxdigit(static_cast<unsigned char>(token[j]))
                    ? absl::ascii_tolower(static_cast<unsigned char>(token[j])) - 'a' + 10
                    : 99;
    if (digit >= radix) {
      all_digits = false;
      break;
    }
  }
  if (all_digits) {
    // Accumulate negatively so that the most negative fixnum needs no special case.
    int64_t value = 0;
    bool overflow = false;
    for (size_t j = i; j < token.size(); ++j) {
      int digit = absl::ascii_isdigit(static_cast<unsigned char>(token[j]))
                      ? token[j] - '0'
                      : absl::ascii_tolower(static_cast<unsigned char>(token[j])) - 'a' + 10;
      if (value < (mosaic::Value::kFixnumMin + digit) / radix) {
        overflow = true;
        break;
      }
      value = value * radix - digit;
    }
    if (!negative) {
      if (!overflow && value < -mosaic::Value::kFixnumMax) overflow = true;
      value = -value;
    }
    if (overflow) {
      // A bignum: kept as its decimal digits (DatumToValue makes the heap object).
      std::string digits(token.substr(i));
      mpz_t z;
      mpz_init(z);
      mpz_set_str(z, digits.c_str(), radix);  // valid: every character is a digit of radix
      if (negative) mpz_neg(z, z);
      auto d = MakeDatum(DatumKind::kBignum, pos);
      d->text.resize(mpz_sizeinbase(z, 10) + 2);
      mpz_get_str(d->text.data(), 10, z);
      d->text.resize(std::strlen(d->text.c_str()));
      mpz_clear(z);
      return d;
    }
    auto d = MakeDatum(DatumKind::kFixnum, pos);
    d->fixnum = value;
    return d;
  }
  if (radix != 10) bad();
  // Decimal: [sign] digits [. digits] [e [sign] digits], at least one digit in the mantissa.
  size_t j = i;
  int mantissa_digits = 0;
  while (j < token.size() && absl::ascii_isdigit(static_cast<unsigned char>(token[j]))) ++j, ++mantissa_digits;
  if (j < token.size() && token[j] == '.') {
    ++j;
    while (j < token.size() && absl::ascii_isdigit(static_cast<unsigned char>(token[j]))) ++j, ++mantissa_digits;
  }
  if (mantissa_digits == 0) bad();
  if (j < token.size() && (token[j] == 'e' || token[j] == 'E')) {
    ++j;
    if (j < token.size() && (token[j] == '+' || token[j] == '-')) ++j;
    int exp_digits = 0;
    while (j < token.size() && absl::ascii_isdigit(static_cast<unsigned char>(token[j]))) ++j, ++exp_digits;
    if (exp_digits == 0) bad();
  }
  if (j != token.size()) bad();
  (void)must_be_number;
  auto d = MakeDatum(DatumKind::kFlonum, pos);
  d->flonum = std::strtod(std::string(token).c_str(), nullptr);
  return d;
}

std::vector<DatumPtr> ReadAll(std::string_view source, std::string_view file) {
  Reader reader(source, InternFileName(file));
  std::vector<DatumPtr> result;
  while (DatumPtr d = reader.Next()) result.push_back(std::move(d));
  return result;
}

}  // namespace toylang
