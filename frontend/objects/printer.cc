// display and write. Printing never allocates on the Mosaic heap, so no collection can run while
// a value is being printed.
#include "frontend/objects/printer.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "frontend/common/utf8.h"
#include "frontend/objects/bignum.h"
#include "frontend/objects/objects.h"

namespace toylang {
namespace {

// Nesting deeper than this (in the car direction, or vectors in vectors) prints "...". The
// printer does not recurse, so this only bounds the work stack's memory (~40 MB) when a cycle
// runs through cars or vectors.
constexpr size_t kMaxDepth = 1000000;


std::string Hex(uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(n));
  return buf;
}

void WriteStringLiteral(std::ostream& out, std::string_view s) {
  out << '"';
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out << "\\\""; break;
      case '\\': out << "\\\\"; break;
      case '\n': out << "\\n"; break;
      case '\t': out << "\\t"; break;
      case '\r': out << "\\r"; break;
      case 7: out << "\\a"; break;
      case 8: out << "\\b"; break;
      default:
        // Bytes >= 0x80 pass through: they are (usually) UTF-8 text from the source.
        if (c < 0x20 || c == 0x7f) {
          out << "\\x" << Hex(c) << ';';
        } else {
          out << ch;
        }
    }
  }
  out << '"';
}

// Symbols whose name would not read back as that symbol are written |like this|.
bool NeedsBars(std::string_view name) {
  if (name.empty()) return true;
  for (char ch : name) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= ' ' || c == '(' || c == ')' || c == '"' || c == ';' || c == '\'' || c == '`' ||
        c == ',' || c == '|' || c == 0x7f) {
      return true;
    }
  }
  // Something that would read as a number ("1", "-2.5", ".5", "+inf.0") or a lone dot.
  if (name == "." || name == "+inf.0" || name == "-inf.0" || name == "+nan.0" || name == "-nan.0") {
    return true;
  }
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (is_digit(name[0])) return true;
  if (name.size() > 1 && (name[0] == '+' || name[0] == '-' || name[0] == '.')) {
    if (is_digit(name[1])) return true;
    if (name[0] != '.' && name.size() > 2 && name[1] == '.' && is_digit(name[2])) return true;
  }
  return false;
}

void WriteSymbol(std::ostream& out, std::string_view name, bool write) {
  if (!write || !NeedsBars(name)) {
    out << name;
    return;
  }
  out << '|';
  for (char ch : name) {
    if (ch == '|' || ch == '\\') out << '\\';
    out << ch;
  }
  out << '|';
}

// "<point>" → "point": define-record-type names are conventionally bracketed already.
// How a table prints, after Chez: #<eq hashtable>, #<weak eq hashtable>, ...
const char* HashtableLabel(Value table) {
  switch (HashtableFlavorOf(table)) {
    case HashtableFlavor::kEq: return "eq hashtable";
    case HashtableFlavor::kEqv: return "eqv hashtable";
    case HashtableFlavor::kGeneric: return "hashtable";
    case HashtableFlavor::kWeakEq: return "weak eq hashtable";
    case HashtableFlavor::kEphemeronEq: return "ephemeron eq hashtable";
  }
  return "hashtable";
}

std::string_view StripBrackets(std::string_view name) {
  if (name.size() >= 3 && name.front() == '<' && name.back() == '>') {
    return name.substr(1, name.size() - 2);
  }
  return name;
}

// A string sink that stops accepting characters at a limit and says so, so that the printer
// can stop walking a huge (or cyclic) value as soon as the output is long enough.
class LimitedBuffer : public std::streambuf {
 public:
  explicit LimitedBuffer(size_t limit) : limit_(limit) {}
  const std::string& str() const { return text_; }
  const bool* full() const { return &full_; }

 protected:
  int_type overflow(int_type c) override {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = static_cast<char>(c);
    return xsputn(&ch, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override {
    size_t room = limit_ - text_.size();
    size_t take = static_cast<size_t>(n) < room ? static_cast<size_t>(n) : room;
    text_.append(s, take);
    if (take < static_cast<size_t>(n)) full_ = true;
    return n;  // pretend success: the printer checks full() instead of stream errors
  }

 private:
  size_t limit_;
  std::string text_;
  bool full_ = false;
};

// Prints with an explicit work stack instead of recursion, so no nesting depth can overflow the
// C++ stack (the printer may run on an ordinary 8 MiB thread, or under ASan with large frames).
// Keeping Values in a std::vector is safe here only because printing never allocates on the
// Mosaic heap (no collection can run) and the caller's value keeps every part reachable.
class Printer {
 public:
  Printer(std::ostream& out, bool write, const bool* stop = nullptr)
      : out_(out), write_(write), stop_(stop) {}

  void PrintValue(Value root, int /*depth*/) {
    work_.push_back({Item::kValue, root});
    while (!work_.empty() && !Stopped()) {
      Item item = work_.back();
      work_.pop_back();
      switch (item.kind) {
        case Item::kValue: Start(item.value); break;
        case Item::kText: out_ << item.text; break;
        case Item::kListRest: ContinueList(item); break;
        case Item::kVectorRest: ContinueVector(item); break;
      }
    }
  }

 private:
  struct Item {
    enum Kind : uint8_t { kValue, kText, kListRest, kVectorRest } kind;
    Value value;             // kValue: what to print; kListRest: the rest; kVectorRest: vector
    Value slow = Value();    // kListRest: the cycle detector's slow pointer
    size_t index = 0;        // kVectorRest: the next element; kListRest: 1 = advance slow next
    const char* text = "";   // kText
  };

  void Push(Item item) {
    // A cycle through cars or vectors would grow the work stack forever; past this depth the
    // rest is elided. (A list's own elements never add depth: they are printed one by one.)
    if (work_.size() >= kMaxDepth) {
      out_ << "...";
      return;
    }
    work_.push_back(item);
  }
  void PushText(const char* text) { Push({Item::kText, Value(), Value(), 0, text}); }
  void PushValue(Value v) { Push({Item::kValue, v}); }

  void Start(Value v) {
    if (v.IsFixnum()) {
      out_ << v.FixnumValue();
    } else if (v.IsPair()) {
      StartList(v);
    } else if (v.IsImmediate()) {
      PrintImmediate(v);
    } else if (v.IsObject()) {
      PrintObject(v);
    } else if (v.bits() == 0) {
      out_ << "#<null>";
    } else {
      out_ << "#<foreign 0x" << Hex(v.bits()) << '>';
    }
  }

  void StartList(Value v) {
    // (quote x) and friends print as 'x only for proper two-element lists.
    if (IsSymbol(Car(v)) && Cdr(v).IsPair() && Cdr(Cdr(v)).IsNil()) {
      std::string_view head = SymbolView(Car(v));
      const char* prefix = head == "quote"              ? "'"
                           : head == "quasiquote"       ? "`"
                           : head == "unquote"          ? ","
                           : head == "unquote-splicing" ? ",@"
                                                        : nullptr;
      if (prefix != nullptr) {
        out_ << prefix;
        PushValue(Car(Cdr(v)));
        return;
      }
    }
    out_ << '(';
    Element(v, /*slow=*/v, /*advance_slow=*/false);
  }

  // Prints pair p's car, then continues with its cdr. A slow pointer that moves one pair for
  // every two detects a cycle along the cdrs, which then ends in " ...)".
  void Element(Value p, Value slow, bool advance_slow) {
    Value rest = Cdr(p);
    if (advance_slow) slow = Cdr(slow);
    if (rest == slow && rest.IsPair()) {
      PushText(" ...)");
    } else {
      Push({Item::kListRest, rest, slow, advance_slow ? 0u : 1u});
    }
    PushValue(Car(p));
  }

  void ContinueList(const Item& item) {
    Value rest = item.value;
    if (rest.IsPair()) {
      out_ << ' ';
      Element(rest, item.slow, item.index == 1);
    } else if (rest.IsNil()) {
      out_ << ')';
    } else {
      out_ << " . ";
      PushText(")");
      PushValue(rest);
    }
  }

  void ContinueVector(const Item& item) {
    Value v = item.value;
    size_t i = item.index;
    if (i >= VectorLength(v)) {
      out_ << ')';
      return;
    }
    if (i > 0) out_ << ' ';
    Push({Item::kVectorRest, v, Value(), i + 1});
    PushValue(VectorRef(v, i));
  }

  void PrintImmediate(Value v) {
    switch (v.ImmediateKind()) {
      case Value::Immediate::kFalse: out_ << "#f"; return;
      case Value::Immediate::kTrue: out_ << "#t"; return;
      case Value::Immediate::kNil: out_ << "()"; return;
      case Value::Immediate::kUnspecified: out_ << "#<unspecified>"; return;
      case Value::Immediate::kEof: out_ << "#<eof>"; return;
      case Value::Immediate::kUndefined: out_ << "#<undefined>"; return;
      case Value::Immediate::kDefault: out_ << "#<default>"; return;
      case Value::Immediate::kBrokenWeak: out_ << "#!bwp"; return;  // as Chez prints it
      case Value::Immediate::kChar:
        if (write_) {
          out_ << FormatChar(v.CharValue());
        } else {
          std::string s;
          AppendUtf8(s, v.CharValue());
          out_ << s;
        }
        return;
    }
    out_ << "#<immediate 0x" << Hex(v.bits()) << '>';
  }

  void PrintObject(Value v) {
    switch (TypeOf(v)) {
      case ObjType::kString:
        if (write_) {
          WriteStringLiteral(out_, StringView(v));
        } else {
          out_ << StringView(v);
        }
        return;
      case ObjType::kFlonum: out_ << FormatFlonum(FlonumValue(v)); return;
      case ObjType::kBignum: out_ << BignumToString(v, 10); return;
      case ObjType::kBytevector: {
        out_ << "#u8(";
        for (size_t i = 0; i < BytevectorLength(v); ++i) {
          out_ << (i == 0 ? "" : " ") << static_cast<int>(BytevectorData(v)[i]);
        }
        out_ << ')';
        return;
      }
      case ObjType::kSymbol: WriteSymbol(out_, SymbolView(v), write_); return;
      case ObjType::kVector:
        out_ << "#(";
        Push({Item::kVectorRest, v, Value(), 0});
        return;
      case ObjType::kBox: out_ << "#<box>"; return;
      case ObjType::kClosure:
      case ObjType::kPrimitive: {
        std::string_view name = ProcedureName(v);
        out_ << "#<procedure";
        if (!name.empty()) out_ << ' ' << name;
        out_ << '>';
        return;
      }
      case ObjType::kRecordType:
        out_ << "#<record-type " << StripBrackets(SymbolView(RecordTypeName(v))) << '>';
        return;
      case ObjType::kRecord: {
        Value rtd = RecordTypeOf(v);
        out_ << "#<" << StripBrackets(SymbolView(RecordTypeName(rtd))) << '>';
        return;
      }
      case ObjType::kHashtable: out_ << "#<" << HashtableLabel(v) << '>'; return;
      case ObjType::kThread: out_ << "#<thread>"; return;
      case ObjType::kMutex: out_ << "#<mutex>"; return;
      case ObjType::kConditionVariable: out_ << "#<condition-variable>"; return;
      case ObjType::kAtomicBox: out_ << "#<atomic-box>"; return;
      case ObjType::kPort: out_ << "#<port>"; return;
      case ObjType::kPromise: out_ << "#<promise>"; return;
      case ObjType::kParameter: out_ << "#<parameter>"; return;
      case ObjType::kErrorObject: {  // #<error-object "message">
        out_ << "#<error-object ";
        WriteStringLiteral(out_, StringView(Value::FromBits(v.ObjectWords()[1])));
        out_ << '>';
        return;
      }
      case ObjType::kContinuation: out_ << "#<continuation>"; return;
      case ObjType::kValues:  // #<values 1 2>
        out_ << "#<values";
        PushText(">");
        for (size_t i = LengthOf(v); i-- > 0;) {
          PushValue(VectorRef(v, i));
          PushText(" ");
        }
        return;
    }
    // The runtime's own objects (mosaic/weak.h). Chez prints weak and ephemeron pairs as
    // pairs; toylang's are not pairs (pair? is #f), so they print as what they are.
    switch (mosaic::KindOf(v)) {
      case mosaic::kWeakPairKind: out_ << "#<weak-pair>"; return;
      case mosaic::kEphemeronKind: out_ << "#<ephemeron-pair>"; return;
      case mosaic::kGuardianKind: out_ << "#<guardian>"; return;
      default: break;
    }
    out_ << "#<object 0x" << Hex(v.bits()) << '>';
  }

  bool Stopped() const { return stop_ != nullptr && *stop_; }

  std::ostream& out_;
  bool write_;
  const bool* stop_;
  std::vector<Item> work_;
};

}  // namespace

void Print(std::ostream& out, Value v, bool write) { Printer(out, write).PrintValue(v, 0); }

std::string WriteString(Value v) {
  std::ostringstream s;
  Print(s, v, true);
  return s.str();
}

std::string WriteStringLimited(Value v, size_t max_chars) {
  LimitedBuffer buffer(max_chars);
  std::ostream out(&buffer);
  Printer(out, true, buffer.full()).PrintValue(v, 0);
  out.flush();
  return *buffer.full() ? buffer.str() + "..." : buffer.str();
}

std::string DisplayString(Value v) {
  std::ostringstream s;
  Print(s, v, false);
  return s.str();
}

std::string FormatFlonum(double d) {
  if (std::isnan(d)) return "+nan.0";
  if (std::isinf(d)) return d > 0 ? "+inf.0" : "-inf.0";
  // Shortest round-trip digits and decimal exponent, from to_chars' scientific form
  // "d.ddde±XX"; then laid out the way JavaScript does (fixed for 1e-6 <= |d| < 1e21, else
  // exponent), with ".0" added to integers so the result reads back inexact.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, end);
  bool negative = sci[0] == '-';
  if (negative) sci.erase(0, 1);
  size_t e = sci.find('e');
  std::string digits;
  for (size_t i = 0; i < e; ++i) {
    if (sci[i] != '.') digits += sci[i];
  }
  int exp = std::atoi(sci.c_str() + e + 1);  // value = 0.d1d2... * 10^(exp+1)
  std::string out = negative ? "-" : "";
  int point = exp + 1;  // digits before the decimal point
  if (d == 0) {
    out += "0.0";
  } else if (exp >= -6 && exp < 21) {
    if (point <= 0) {
      out += "0.";
      out.append(static_cast<size_t>(-point), '0');
      out += digits;
    } else if (static_cast<size_t>(point) >= digits.size()) {
      out += digits;
      out.append(static_cast<size_t>(point) - digits.size(), '0');
      out += ".0";
    } else {
      out += digits.substr(0, static_cast<size_t>(point));
      out += '.';
      out += digits.substr(static_cast<size_t>(point));
    }
  } else {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    out += exp < 0 ? "e-" : "e+";
    out += std::to_string(exp < 0 ? -exp : exp);
  }
  return out;
}

std::string FormatChar(uint32_t cp) {
  switch (cp) {
    case 0: return "#\\null";
    case 7: return "#\\alarm";
    case 8: return "#\\backspace";
    case 9: return "#\\tab";
    case 10: return "#\\newline";
    case 13: return "#\\return";
    case 27: return "#\\escape";
    case 32: return "#\\space";
    case 127: return "#\\delete";
    default: break;
  }
  if (cp < 0x20 || (cp >= 0x80 && cp < 0xa0) || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) {
    return "#\\x" + Hex(cp);
  }
  std::string s = "#\\";
  AppendUtf8(s, cp);
  return s;
}

}  // namespace toylang
