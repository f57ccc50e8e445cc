#include "frontend/reader/datum.h"

#include <cmath>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "frontend/common/utf8.h"

namespace toylang {

DatumPtr MakeSymbol(std::string_view name, SourcePos pos) {
  auto d = std::make_shared<Datum>();
  d->kind = DatumKind::kSymbol;
  d->pos = pos;
  d->text = std::string(name);
  return d;
}

DatumPtr MakeList(std::vector<DatumPtr> items, SourcePos pos, DatumPtr tail) {
  auto d = std::make_shared<Datum>();
  d->kind = DatumKind::kList;
  d->pos = pos;
  d->items = std::move(items);
  d->tail = std::move(tail);
  return d;
}

DatumPtr MakeBool(bool value, SourcePos pos) {
  auto d = std::make_shared<Datum>();
  d->kind = DatumKind::kBool;
  d->pos = pos;
  d->boolean = value;
  return d;
}

DatumPtr MakeFixnum(int64_t value, SourcePos pos) {
  auto d = std::make_shared<Datum>();
  d->kind = DatumKind::kFixnum;
  d->pos = pos;
  d->fixnum = value;
  return d;
}

std::string WriteChar(uint32_t cp) {
  switch (cp) {
    case 7: return "#\\alarm";
    case 8: return "#\\backspace";
    case 127: return "#\\delete";
    case 27: return "#\\escape";
    case 10: return "#\\newline";
    case 0: return "#\\null";
    case 13: return "#\\return";
    case 32: return "#\\space";
    case 9: return "#\\tab";
    default: break;
  }
  if (cp < 32) return absl::StrFormat("#\\x%x", cp);
  std::string out = "#\\";
  AppendUtf8(out, cp);
  return out;
}

std::string WriteFlonum(double value) {
  if (std::isnan(value)) return "+nan.0";
  if (std::isinf(value)) return value > 0 ? "+inf.0" : "-inf.0";
  // The shortest representation that reads back as the same double.
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  std::string s = buf;
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";
  return s;
}

std::string WriteStringLiteral(std::string_view bytes) {
  std::string out = "\"";
  for (char c : bytes) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 32 || c == 127) {
          out += absl::StrFormat("\\x%x;", static_cast<unsigned char>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

namespace {

void Write(const Datum& d, std::string& out) {
  switch (d.kind) {
    case DatumKind::kFixnum: absl::StrAppend(&out, d.fixnum); return;
    case DatumKind::kFlonum: out += WriteFlonum(d.flonum); return;
    case DatumKind::kBignum: out += d.text; return;
    case DatumKind::kBytevector:
      out += "#u8(";
      for (size_t i = 0; i < d.text.size(); ++i) {
        absl::StrAppend(&out, i == 0 ? "" : " ", static_cast<unsigned char>(d.text[i]));
      }
      out += ')';
      return;
    case DatumKind::kBool: out += d.boolean ? "#t" : "#f"; return;
    case DatumKind::kChar: out += WriteChar(d.character); return;
    case DatumKind::kString: out += WriteStringLiteral(d.text); return;
    case DatumKind::kSymbol: {
      bool plain = !d.text.empty();
      for (char c : d.text) {
        if (c == ' ' || c == '(' || c == ')' || c == '"' || c == ';' || c == '\'' || c == '|' ||
            c == '\n' || c == '\t') {
          plain = false;
        }
      }
      if (plain) {
        out += d.text;
      } else {
        absl::StrAppend(&out, "|", d.text, "|");
      }
      return;
    }
    case DatumKind::kList:
      out += '(';
      for (size_t i = 0; i < d.items.size(); ++i) {
        if (i > 0) out += ' ';
        Write(*d.items[i], out);
      }
      if (d.tail != nullptr) {
        out += " . ";
        Write(*d.tail, out);
      }
      out += ')';
      return;
    case DatumKind::kVector:
      out += "#(";
      for (size_t i = 0; i < d.items.size(); ++i) {
        if (i > 0) out += ' ';
        Write(*d.items[i], out);
      }
      out += ')';
      return;
  }
}

}  // namespace

std::string WriteDatum(const Datum& datum) {
  std::string out;
  Write(datum, out);
  return out;
}

}  // namespace toylang
