#include "frontend/expander/outline.h"

#include <utility>
#include <vector>

namespace toylang {
namespace {

constexpr const char* kOutlinedName = "#:outlined";
constexpr size_t kOutlinedWeight = 2;  // what is left in place: a closure and a call

// Whether `node` may move into a procedure of its own: not a definition, nor a top-level
// `begin` holding definitions (they must stay at top level).
bool Movable(const Core& node) {
  if (node.kind == CoreKind::kDefine) return false;
  if (node.kind == CoreKind::kSeq) {
    for (const CorePtr& kid : node.kids) {
      if (kid->kind == CoreKind::kDefine) return false;
    }
  }
  return true;
}

class Outliner {
 public:
  size_t made() const { return made_; }

  // Outlines inside `node` and returns its weight afterwards: the calls and conditionals that
  // its procedure's code holds for it (a lambda's body is its own procedure: creating the
  // closure weighs one).
  size_t Visit(CorePtr& node) {
    if (node->kind == CoreKind::kLambda) {
      Visit(node->kids[0]);
      return 1;
    }
    size_t weight = node->kind == CoreKind::kCall || node->kind == CoreKind::kIf ? 1 : 0;
    for (CorePtr& kid : node->kids) weight += Visit(kid);
    if (node->kind == CoreKind::kSeq) {
      while (weight > kOutlineWeight) {
        size_t chunked = ChunkSequence(*node);
        if (chunked >= weight) break;  // nothing more to group (definitions, or one heavy form)
        weight = chunked;
      }
    }
    if (weight > kOutlineWeight && Movable(*node)) {
      Outline(node);
      return kOutlinedWeight;
    }
    return weight;
  }

 private:
  static size_t Weight(const Core& node) {
    if (node.kind == CoreKind::kLambda) return 1;
    size_t weight = node.kind == CoreKind::kCall || node.kind == CoreKind::kIf ? 1 : 0;
    for (const CorePtr& kid : node.kids) weight += Weight(*kid);
    return weight;
  }

  // node := (let ((#:outlined (lambda () node))) (#:outlined))
  void Outline(CorePtr& node) {
    const SourcePos pos = node->pos;
    auto lambda = std::make_unique<Core>(CoreKind::kLambda, pos);
    lambda->name = kOutlinedName;
    lambda->kids.push_back(std::move(node));
    auto ref = std::make_unique<Core>(CoreKind::kRef, pos);
    ref->name = kOutlinedName;
    auto call = std::make_unique<Core>(CoreKind::kCall, pos);
    call->kids.push_back(std::move(ref));
    auto let = std::make_unique<Core>(CoreKind::kLet, pos);
    let->params.push_back(kOutlinedName);
    let->kids.push_back(std::move(lambda));
    let->kids.push_back(std::move(call));
    node = std::move(let);
    ++made_;
  }

  // Groups consecutive forms of a sequence into outlined sequences of at most kOutlineWeight
  // each (definitions stay where they are: a top-level `begin` may hold them). Returns the
  // sequence's weight afterwards.
  size_t ChunkSequence(Core& seq) {
    std::vector<CorePtr> out;
    std::vector<CorePtr> group;
    size_t group_weight = 0;
    size_t total = 0;
    auto flush = [&] {
      if (group.empty()) return;
      if (group.size() == 1) {
        total += group_weight;
        out.push_back(std::move(group[0]));
      } else {
        auto inner = std::make_unique<Core>(CoreKind::kSeq, group[0]->pos);
        inner->kids = std::move(group);
        CorePtr outlined = std::move(inner);
        Outline(outlined);
        total += kOutlinedWeight;
        out.push_back(std::move(outlined));
      }
      group.clear();
      group_weight = 0;
    };
    for (CorePtr& kid : seq.kids) {
      const size_t w = Weight(*kid);
      if (kid->kind == CoreKind::kDefine) {
        flush();
        total += w;
        out.push_back(std::move(kid));
        continue;
      }
      if (group_weight + w > kOutlineWeight) flush();
      group.push_back(std::move(kid));
      group_weight += w;
    }
    flush();
    seq.kids = std::move(out);
    return total;
  }

  size_t made_ = 0;
};

}  // namespace

size_t OutlineHugeExpressions(CorePtr& form) {
  Outliner outliner;
  outliner.Visit(form);
  return outliner.made();
}

}  // namespace toylang
