// Quasiquote: templates -> calls of the global cons, list, append and list->vector, with the
// constant parts folded into quoted data.
#include <utility>

#include "frontend/common/stack_check.h"
#include "frontend/expander/expander.h"

namespace toylang {

CorePtr Expander::ExpandQuasi(const DatumPtr& t, int depth) {
  CheckStack(t->pos);
  SourcePos pos = t->pos;
  auto global = [&](const char* name) { return Ref(name, pos, /*global_only=*/true); };
  auto quoted_symbol = [&](const char* name) { return Const(MakeSymbol(name, pos), pos); };
  // A constant part is rebuilt from its value, not taken from the template: `(a ,5) is (a 5).
  auto is_const = [](const CorePtr& c) { return c->kind == CoreKind::kConst && c->datum != nullptr; };
  auto quoted_form = [&](const char* head, const CorePtr& inner) {
    return Const(MakeList({MakeSymbol(head, pos), inner->datum}, pos), pos);
  };
  if (t->kind == DatumKind::kVector) {
    CorePtr list = ExpandQuasi(MakeList(t->items, pos), depth);
    if (is_const(list)) {
      auto v = std::make_shared<Datum>();
      v->kind = DatumKind::kVector;
      v->pos = pos;
      v->items = list->datum->items;
      return Const(v, pos);
    }
    std::vector<CorePtr> args;
    args.push_back(std::move(list));
    return Call(global("list->vector"), std::move(args), pos);
  }
  if (t->kind != DatumKind::kList || t->IsNil()) return Const(Unalias(t), pos);
  const auto& items = t->items;
  if (t->IsProperList() && items.size() == 2 && items[0]->IsSymbol()) {
    if (IsKeywordId(items[0], "unquote")) {
      if (depth == 1) return Expand(items[1]);
      CorePtr inner = ExpandQuasi(items[1], depth - 1);
      if (is_const(inner)) return quoted_form("unquote", inner);
      std::vector<CorePtr> args;
      args.push_back(quoted_symbol("unquote"));
      args.push_back(std::move(inner));
      return Call(global("list"), std::move(args), pos);
    }
    if (IsKeywordId(items[0], "quasiquote")) {
      CorePtr inner = ExpandQuasi(items[1], depth + 1);
      if (is_const(inner)) return quoted_form("quasiquote", inner);
      std::vector<CorePtr> args;
      args.push_back(quoted_symbol("quasiquote"));
      args.push_back(std::move(inner));
      return Call(global("list"), std::move(args), pos);
    }
  }
  // Build from the end: the tail first, then cons/append each item onto it.
  size_t n = items.size();
  DatumPtr tail_datum = t->tail;
  // (a . ,b) reads as (a unquote b): the last two items form the tail (unquote b).
  if (tail_datum == nullptr && n >= 3 && IsKeywordId(items[n - 2], "unquote")) {
    tail_datum = MakeList({items[n - 2], items[n - 1]}, items[n - 2]->pos);
    n -= 2;
  }
  CorePtr tail = tail_datum ? ExpandQuasi(tail_datum, depth) : Const(MakeList({}, pos), pos);
  bool all_const = is_const(tail);
  std::vector<CorePtr> parts(n);
  std::vector<bool> splice(n, false);
  for (size_t i = 0; i < n; ++i) {
    const DatumPtr& item = items[i];
    if (item->IsProperList() && item->items.size() == 2 && IsKeywordId(item->items[0], "unquote-splicing")) {
      if (depth == 1) {
        parts[i] = Expand(item->items[1]);
        splice[i] = true;
        all_const = false;
        continue;
      }
      CorePtr inner = ExpandQuasi(item->items[1], depth - 1);
      if (is_const(inner)) {
        parts[i] = quoted_form("unquote-splicing", inner);
      } else {
        std::vector<CorePtr> args;
        args.push_back(quoted_symbol("unquote-splicing"));
        args.push_back(std::move(inner));
        parts[i] = Call(global("list"), std::move(args), item->pos);
      }
    } else {
      parts[i] = ExpandQuasi(item, depth);
    }
    if (!is_const(parts[i])) all_const = false;
  }
  if (all_const) {
    // One quoted list of the parts' values (in one pass: the list may be long).
    std::vector<DatumPtr> list_items;
    list_items.reserve(n);
    for (const CorePtr& part : parts) list_items.push_back(part->datum);
    DatumPtr list_tail = tail->datum;
    if (list_tail->kind == DatumKind::kList) {
      list_items.insert(list_items.end(), list_tail->items.begin(), list_tail->items.end());
      list_tail = list_tail->tail;
    }
    return Const(MakeList(std::move(list_items), pos, std::move(list_tail)), pos);
  }
  CorePtr result = std::move(tail);
  for (size_t i = n; i-- > 0;) {
    if (!splice[i] && is_const(parts[i]) && is_const(result)) {
      // A constant item on a constant tail: one quoted list, as the reader would give it.
      const Datum& rest = *result->datum;
      std::vector<DatumPtr> list_items{parts[i]->datum};
      DatumPtr list_tail = result->datum;
      if (rest.kind == DatumKind::kList) {
        list_items.insert(list_items.end(), rest.items.begin(), rest.items.end());
        list_tail = rest.tail;
      }
      result = Const(MakeList(std::move(list_items), items[i]->pos, std::move(list_tail)), items[i]->pos);
      continue;
    }
    std::vector<CorePtr> args;
    args.push_back(std::move(parts[i]));
    args.push_back(std::move(result));
    result = Call(global(splice[i] ? "append" : "cons"), std::move(args), items[i]->pos);
  }
  return result;
}

}  // namespace toylang
