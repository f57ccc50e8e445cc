#include "frontend/analysis/ir.h"

#include "absl/strings/str_cat.h"

namespace toylang::ir {
namespace {

void DumpNode(const Node& n, std::string& out);

void DumpVar(const char* what, int index, const std::string& name, bool boxed, std::string& out) {
  absl::StrAppend(&out, "(", what, " ", index, " ", name, boxed ? " box" : "", ")");
}

void DumpBindings(const Let& let, std::string& out) {
  out += " (";
  for (size_t i = 0; i < let.bindings.size(); ++i) {
    const Binding& b = let.bindings[i];
    absl::StrAppend(&out, i > 0 ? " " : "", "(", b.name, " ", b.slot, b.boxed ? " box " : " ");
    DumpNode(*b.init, out);
    out += ")";
  }
  out += ")";
}

void DumpNode(const Node& n, std::string& out) {
  switch (n.kind) {
    case NodeKind::kConst: {
      const auto& c = As<Const>(n);
      if (c.datum == nullptr) {
        out += "(const #<unspecified>)";
      } else {
        bool quote = c.datum->kind == DatumKind::kSymbol || c.datum->kind == DatumKind::kList;
        absl::StrAppend(&out, "(const ", quote ? "'" : "", WriteDatum(*c.datum), ")");
      }
      return;
    }
    case NodeKind::kLocalRef:
    case NodeKind::kCaptureRef: {
      const auto& r = As<VarRef>(n);
      DumpVar(n.kind == NodeKind::kLocalRef ? "local" : "capture", r.index, r.name, r.boxed, out);
      return;
    }
    case NodeKind::kLocalSet:
    case NodeKind::kCaptureSet: {
      const auto& s = As<VarSet>(n);
      absl::StrAppend(&out, n.kind == NodeKind::kLocalSet ? "(set-local " : "(set-capture ", s.index,
                      " ", s.name, s.boxed ? " box " : " ");
      DumpNode(*s.value, out);
      out += ")";
      return;
    }
    case NodeKind::kGlobalRef:
      absl::StrAppend(&out, "(global ", As<Global>(n).name, ")");
      return;
    case NodeKind::kGlobalSet:
    case NodeKind::kGlobalDefine: {
      const auto& g = As<Global>(n);
      absl::StrAppend(&out, n.kind == NodeKind::kGlobalSet ? "(set-global " : "(define-global ", g.name, " ");
      DumpNode(*g.value, out);
      out += ")";
      return;
    }
    case NodeKind::kIf: {
      const auto& i = As<If>(n);
      out += "(if ";
      DumpNode(*i.test, out);
      out += " ";
      DumpNode(*i.then, out);
      out += " ";
      DumpNode(*i.otherwise, out);
      out += ")";
      return;
    }
    case NodeKind::kSeq:
      out += "(seq";
      for (const NodePtr& b : As<Seq>(n).body) {
        out += " ";
        DumpNode(*b, out);
      }
      out += ")";
      return;
    case NodeKind::kLambda: {
      const auto& l = As<Lambda>(n);
      absl::StrAppend(&out, "(lambda ", l.name.empty() ? "-" : l.name);
      if (!l.params.empty() || l.has_rest) {
        out += " (params";
        for (const std::string& p : l.params) absl::StrAppend(&out, " ", p);
        if (l.has_rest) absl::StrAppend(&out, " . ", l.rest);
        out += ")";
      }
      if (l.lifted) absl::StrAppend(&out, " (lifted ", l.lifted_params, ")");
      absl::StrAppend(&out, " (frame ", l.frame_size, ")");
      if (!l.captures.empty()) {
        out += " (captures";
        for (const CaptureSource& c : l.captures) {
          absl::StrAppend(&out, " (", c.from_capture ? "capture " : "local ", c.index, " ", c.name, ")");
        }
        out += ")";
      }
      if (!l.boxed_params.empty()) {
        out += " (boxed";
        for (int slot : l.boxed_params) absl::StrAppend(&out, " ", slot);
        out += ")";
      }
      out += " ";
      DumpNode(*l.body, out);
      out += ")";
      return;
    }
    case NodeKind::kProcRef: {
      const Lambda* l = As<ProcRef>(n).lambda;
      absl::StrAppend(&out, "(proc ", l->name.empty() ? "-" : l->name, ")");
      return;
    }
    case NodeKind::kCall: {
      const auto& c = As<Call>(n);
      absl::StrAppend(&out, c.tail ? "(tail-call" : "(call", c.known ? "/known " : " ");
      DumpNode(*c.fn, out);
      for (const NodePtr& a : c.args) {
        out += " ";
        DumpNode(*a, out);
      }
      out += ")";
      return;
    }
    case NodeKind::kLet:
    case NodeKind::kLetrec: {
      const auto& l = As<Let>(n);
      out += n.kind == NodeKind::kLet ? "(let" : "(letrec";
      DumpBindings(l, out);
      if (!l.fixups.empty()) {
        out += " (fixups";
        for (const Fixup& f : l.fixups) {
          absl::StrAppend(&out, " (", f.closure_binding, " ", f.capture, " ", f.value_binding, ")");
        }
        out += ")";
      }
      out += " ";
      DumpNode(*l.body, out);
      out += ")";
      return;
    }
  }
}

}  // namespace

std::string Dump(const Node& node) {
  std::string out;
  DumpNode(node, out);
  return out;
}

int Numbering::GlobalId(const std::string& name) {
  auto [it, inserted] = globals_.try_emplace(name, static_cast<int>(globals_.size()));
  return it->second;
}

}  // namespace toylang::ir
