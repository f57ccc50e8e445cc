#include "frontend/analysis/analysis.h"

#include <algorithm>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "frontend/common/stack_check.h"

namespace toylang {
namespace {

using ir::NodeKind;
using ir::NodePtr;

struct FnCtx;
struct LetrecGroup;

// A local variable, as analysis learns about it. Boxing and known-call decisions need the whole
// procedure (a set! may follow the references), so nodes are finalised at the end.
struct Var {
  std::string name;
  FnCtx* fn = nullptr;  // the procedure whose frame holds it
  int slot = 0;
  bool assigned = false;
  bool captured = false;
  bool force_box = false;  // a letrec variable captured in a way that fixups cannot patch
  LetrecGroup* group = nullptr;
  int group_index = 0;
  const ir::Lambda* lambda_init = nullptr;  // bound directly to a lambda by let/letrec
  // Every assigned variable lives in a box, captured or not: a first-class continuation
  // restores a copy of its frames, and an unboxed variable in a copied frame would come back
  // with its value at the capture instead of sharing one location with the frames that
  // assigned it since (docs/design/continuations.md, "Frames and variables").
  bool boxed() const { return force_box || assigned; }
};

struct LetrecGroup {
  bool initing = false;
  ir::Let* node = nullptr;
  std::vector<std::pair<ir::Fixup, Var*>> fixups;  // with the value variable
};

struct FnCtx {
  ir::Lambda* lambda = nullptr;
  FnCtx* parent = nullptr;
  int next_slot = 0;
  std::vector<Var*> captured;  // capture index -> variable of an enclosing procedure
  // Set when this lambda is the direct init of binding `direct_index` of `direct_group`.
  LetrecGroup* direct_group = nullptr;
  int direct_index = -1;
};

class Analyzer {
 public:
  explicit Analyzer(ir::Numbering& ids) : ids_(ids) {}

  std::unique_ptr<ir::Lambda> Run(const Core& toplevel) {
    auto lambda = std::make_unique<ir::Lambda>(toplevel.pos);
    lambda->name = "toplevel";
    lambda->id = ids_.NextLambdaId();
    FnCtx ctx;
    ctx.lambda = lambda.get();
    fn_ = &ctx;
    lambda->body = Gen(toplevel, /*tail=*/true);
    lambda->frame_size = ctx.next_slot;
    Finalize();
    return lambda;
  }

 private:
  Var* NewVar(const std::string& name) {
    vars_.emplace_back();
    Var* v = &vars_.back();
    v->name = name;
    v->fn = fn_;
    v->slot = fn_->next_slot++;
    return v;
  }

  Var* Lookup(const std::string& name) {
    for (size_t i = env_.size(); i-- > 0;) {
      if (env_[i].first == name) return env_[i].second;
    }
    return nullptr;
  }

  // The capture index of `v` in `fn`'s closure, adding it (and to every procedure between `fn`
  // and the one that owns `v`) when needed.
  int CaptureIndex(FnCtx* fn, Var* v) {
    for (size_t i = 0; i < fn->captured.size(); ++i) {
      if (fn->captured[i] == v) return static_cast<int>(i);
    }
    ir::CaptureSource source;
    source.name = v->name;
    if (fn->parent == v->fn) {
      source.from_capture = false;
      source.index = v->slot;
    } else {
      source.from_capture = true;
      source.index = CaptureIndex(fn->parent, v);
    }
    int index = static_cast<int>(fn->captured.size());
    fn->captured.push_back(v);
    fn->lambda->captures.push_back(source);
    v->captured = true;
    if (fn->parent == v->fn && v->group != nullptr && v->group->initing) {
      // `fn` is created while v's letrec is still initialising its bindings.
      if (fn->direct_group == v->group && fn->direct_index <= v->group_index) {
        v->group->fixups.push_back({ir::Fixup{fn->direct_index, index, v->group_index}, v});
      } else if (!(fn->direct_group == v->group && fn->direct_index > v->group_index)) {
        v->force_box = true;
      }
    }
    return index;
  }

  NodePtr Gen(const Core& c, bool tail) {
    CheckStack(c.pos);
    switch (c.kind) {
      case CoreKind::kConst: return GenConst(c);
      case CoreKind::kRef: return GenRef(c);
      case CoreKind::kSet: return GenSet(c);
      case CoreKind::kDefine: {
        auto g = std::make_unique<ir::Global>(NodeKind::kGlobalDefine, c.pos);
        g->name = c.name;
        g->id = ids_.GlobalId(c.name);
        g->value = Gen(*c.kids[0], false);
        return g;
      }
      case CoreKind::kIf: {
        auto n = std::make_unique<ir::If>(c.pos);
        n->test = Gen(*c.kids[0], false);
        n->then = Gen(*c.kids[1], tail);
        n->otherwise = Gen(*c.kids[2], tail);
        return n;
      }
      case CoreKind::kSeq: {
        auto n = std::make_unique<ir::Seq>(c.pos);
        for (size_t i = 0; i < c.kids.size(); ++i) {
          n->body.push_back(Gen(*c.kids[i], tail && i + 1 == c.kids.size()));
        }
        return n;
      }
      case CoreKind::kLambda: return GenLambda(c, nullptr, -1);
      case CoreKind::kCall: return GenCall(c, tail);
      case CoreKind::kLet: return GenLet(c, tail);
      case CoreKind::kLetrec: return GenLetrec(c, tail);
    }
    return nullptr;
  }

  NodePtr GenConst(const Core& c) {
    auto n = std::make_unique<ir::Const>(c.pos);
    n->datum = c.datum;
    const Datum* d = c.datum.get();
    if (d == nullptr) {
      n->is_immediate = true;
      n->immediate = mosaic::Value::Unspecified();
    } else if (d->kind == DatumKind::kFixnum) {
      n->is_immediate = true;
      n->immediate = mosaic::Value::Fixnum(d->fixnum);
    } else if (d->kind == DatumKind::kBool) {
      n->is_immediate = true;
      n->immediate = mosaic::Value::Bool(d->boolean);
    } else if (d->kind == DatumKind::kChar) {
      n->is_immediate = true;
      n->immediate = mosaic::Value::Char(d->character);
    } else if (d->IsNil()) {
      n->is_immediate = true;
      n->immediate = mosaic::Value::Nil();
    }
    if (!n->is_immediate) n->id = ids_.NextConstId();
    return n;
  }

  NodePtr GenRef(const Core& c) {
    Var* v = c.global_only ? nullptr : Lookup(c.name);
    if (v == nullptr) {
      auto g = std::make_unique<ir::Global>(NodeKind::kGlobalRef, c.pos);
      g->name = c.name;
      g->id = ids_.GlobalId(c.name);
      return g;
    }
    bool local = v->fn == fn_;
    auto r = std::make_unique<ir::VarRef>(local ? NodeKind::kLocalRef : NodeKind::kCaptureRef, c.pos);
    r->name = v->name;
    r->index = local ? v->slot : CaptureIndex(fn_, v);
    r->check_defined = v->group != nullptr;
    refs_.push_back({r.get(), v});
    return r;
  }

  NodePtr GenSet(const Core& c) {
    Var* v = c.global_only ? nullptr : Lookup(c.name);
    NodePtr value = Gen(*c.kids[0], false);
    if (v == nullptr) {
      auto g = std::make_unique<ir::Global>(NodeKind::kGlobalSet, c.pos);
      g->name = c.name;
      g->id = ids_.GlobalId(c.name);
      g->value = std::move(value);
      return g;
    }
    v->assigned = true;
    bool local = v->fn == fn_;
    auto s = std::make_unique<ir::VarSet>(local ? NodeKind::kLocalSet : NodeKind::kCaptureSet, c.pos);
    s->name = v->name;
    s->index = local ? v->slot : CaptureIndex(fn_, v);
    s->value = std::move(value);
    sets_.push_back({s.get(), v});
    return s;
  }

  NodePtr GenLambda(const Core& c, LetrecGroup* direct_group, int direct_index) {
    auto lambda = std::make_unique<ir::Lambda>(c.pos);
    lambda->name = c.name;
    lambda->id = ids_.NextLambdaId();
    lambda->params = c.params;
    lambda->has_rest = c.has_rest;
    lambda->rest = c.rest;
    FnCtx ctx;
    ctx.lambda = lambda.get();
    ctx.parent = fn_;
    ctx.direct_group = direct_group;
    ctx.direct_index = direct_index;
    FnCtx* saved = fn_;
    fn_ = &ctx;
    size_t env_mark = env_.size();
    std::vector<Var*> params;
    for (const std::string& p : c.params) params.push_back(NewVar(p));
    if (c.has_rest) params.push_back(NewVar(c.rest));
    for (Var* v : params) env_.push_back({v->name, v});
    lambda->body = Gen(*c.kids[0], /*tail=*/true);
    lambda->frame_size = ctx.next_slot;
    env_.resize(env_mark);
    fn_ = saved;
    lambda_params_.push_back({lambda.get(), std::move(params)});
    return lambda;
  }

  NodePtr GenCall(const Core& c, bool tail) {
    auto n = std::make_unique<ir::Call>(c.pos);
    n->fn = Gen(*c.kids[0], false);
    for (size_t i = 1; i < c.kids.size(); ++i) n->args.push_back(Gen(*c.kids[i], false));
    n->tail = tail;
    if (c.kids[0]->kind == CoreKind::kRef && !c.kids[0]->global_only) {
      if (Var* v = Lookup(c.kids[0]->name)) calls_.push_back({n.get(), v});
    }
    return n;
  }

  NodePtr GenLet(const Core& c, bool tail) {
    auto n = std::make_unique<ir::Let>(NodeKind::kLet, c.pos);
    size_t count = c.params.size();
    std::vector<Var*> vars;
    for (size_t i = 0; i < count; ++i) {
      ir::Binding b;
      b.name = c.params[i];
      b.init = Gen(*c.kids[i], false);
      Var* v = NewVar(b.name);
      if (b.init->kind == NodeKind::kLambda) v->lambda_init = static_cast<const ir::Lambda*>(b.init.get());
      b.slot = v->slot;
      n->bindings.push_back(std::move(b));
      vars.push_back(v);
    }
    size_t env_mark = env_.size();
    for (Var* v : vars) env_.push_back({v->name, v});
    n->body = Gen(*c.kids[count], tail);
    env_.resize(env_mark);
    bindings_.push_back({n.get(), std::move(vars)});
    return n;
  }

  NodePtr GenLetrec(const Core& c, bool tail) {
    auto n = std::make_unique<ir::Let>(NodeKind::kLetrec, c.pos);
    groups_.emplace_back();
    LetrecGroup* group = &groups_.back();
    group->node = n.get();
    size_t count = c.params.size();
    std::vector<Var*> vars;
    size_t env_mark = env_.size();
    for (size_t i = 0; i < count; ++i) {
      Var* v = NewVar(c.params[i]);
      v->group = group;
      v->group_index = static_cast<int>(i);
      vars.push_back(v);
      env_.push_back({v->name, v});
      ir::Binding b;
      b.name = v->name;
      b.slot = v->slot;
      n->bindings.push_back(std::move(b));
    }
    group->initing = true;
    for (size_t i = 0; i < count; ++i) {
      const Core& init = *c.kids[i];
      if (init.kind == CoreKind::kLambda) {
        n->bindings[i].init = GenLambda(init, group, static_cast<int>(i));
        vars[i]->lambda_init = static_cast<const ir::Lambda*>(n->bindings[i].init.get());
      } else {
        n->bindings[i].init = Gen(init, false);
      }
    }
    group->initing = false;
    n->body = Gen(*c.kids[count], tail);
    env_.resize(env_mark);
    bindings_.push_back({n.get(), std::move(vars)});
    return n;
  }

  // Applies the decisions that needed the whole tree: boxes, known calls, fixups.
  void Finalize() {
    for (auto& [r, v] : refs_) r->boxed = v->boxed();
    for (auto& [s, v] : sets_) s->boxed = v->boxed();
    for (auto& [let, vars] : bindings_) {
      for (size_t i = 0; i < vars.size(); ++i) let->bindings[i].boxed = vars[i]->boxed();
    }
    for (auto& [lambda, params] : lambda_params_) {
      for (Var* p : params) {
        if (p->boxed()) lambda->boxed_params.push_back(p->slot);
      }
    }
    for (auto& [call, v] : calls_) {
      if (!v->assigned && v->lambda_init != nullptr) call->known = v->lambda_init;
    }
    for (LetrecGroup& g : groups_) {
      for (auto& [fixup, v] : g.fixups) {
        if (!v->boxed()) g.node->fixups.push_back(fixup);
      }
      std::stable_sort(g.node->fixups.begin(), g.node->fixups.end(),
                       [](const ir::Fixup& a, const ir::Fixup& b) { return a.value_binding < b.value_binding; });
    }
  }

  ir::Numbering& ids_;
  FnCtx* fn_ = nullptr;
  std::vector<std::pair<std::string, Var*>> env_;
  std::deque<Var> vars_;
  std::deque<LetrecGroup> groups_;
  std::vector<std::pair<ir::VarRef*, Var*>> refs_;
  std::vector<std::pair<ir::VarSet*, Var*>> sets_;
  std::vector<std::pair<ir::Let*, std::vector<Var*>>> bindings_;
  std::vector<std::pair<ir::Lambda*, std::vector<Var*>>> lambda_params_;
  std::vector<std::pair<ir::Call*, Var*>> calls_;
};

}  // namespace

std::unique_ptr<ir::Lambda> Analyze(const Core& toplevel, ir::Numbering& ids) {
  return Analyzer(ids).Run(toplevel);
}

}  // namespace toylang
