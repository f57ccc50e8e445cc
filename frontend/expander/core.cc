#include "frontend/expander/core.h"

#include "absl/strings/str_cat.h"

namespace toylang {
namespace {

void Dump(const Core& c, std::string& out) {
  switch (c.kind) {
    case CoreKind::kConst:
      if (c.datum == nullptr) {
        out += "#<unspecified>";
      } else if (c.datum->kind == DatumKind::kSymbol || c.datum->kind == DatumKind::kList) {
        absl::StrAppend(&out, "'", WriteDatum(*c.datum));
      } else {
        out += WriteDatum(*c.datum);
      }
      return;
    case CoreKind::kRef:
      if (c.global_only) {
        absl::StrAppend(&out, "(global ", c.name, ")");
      } else {
        out += c.name;
      }
      return;
    case CoreKind::kSet:
    case CoreKind::kDefine:
      absl::StrAppend(&out, c.kind == CoreKind::kSet ? "(set! " : "(define ",
                      c.global_only ? absl::StrCat("(global ", c.name, ")") : c.name, " ");
      Dump(*c.kids[0], out);
      out += ")";
      return;
    case CoreKind::kIf:
    case CoreKind::kSeq:
    case CoreKind::kCall:
      out += c.kind == CoreKind::kIf ? "(if" : c.kind == CoreKind::kSeq ? "(begin" : "(";
      for (size_t i = 0; i < c.kids.size(); ++i) {
        if (i > 0 || c.kind != CoreKind::kCall) out += " ";
        Dump(*c.kids[i], out);
      }
      out += ")";
      return;
    case CoreKind::kLambda: {
      absl::StrAppend(&out, "(lambda ", c.name.empty() ? "-" : c.name, " (");
      for (size_t i = 0; i < c.params.size(); ++i) absl::StrAppend(&out, i > 0 ? " " : "", c.params[i]);
      if (c.has_rest) absl::StrAppend(&out, c.params.empty() ? ". " : " . ", c.rest);
      out += ") ";
      Dump(*c.kids[0], out);
      out += ")";
      return;
    }
    case CoreKind::kLet:
    case CoreKind::kLetrec:
      out += c.kind == CoreKind::kLet ? "(let (" : "(letrec* (";
      for (size_t i = 0; i < c.params.size(); ++i) {
        absl::StrAppend(&out, i > 0 ? " (" : "(", c.params[i], " ");
        Dump(*c.kids[i], out);
        out += ")";
      }
      out += ") ";
      Dump(*c.kids.back(), out);
      out += ")";
      return;
  }
}

}  // namespace

std::string DumpCore(const Core& core) {
  std::string out;
  Dump(core, out);
  return out;
}

}  // namespace toylang
