// LiftProcedures (lift.h). Four steps over the tree Analyze made:
//
// 1. Collect: every procedure (Fn), every variable (Var: the frame slot of one procedure), every
//    reference and assignment with the variable it resolves to (a capture index is followed
//    through the closures' CaptureSources to the frame that owns the variable), every call
//    whose operator is a variable, and for each letrec the first position whose init is code
//    that mentions one of the letrec's own variables (`first_unsafe`).
// 2. Candidates: the let/letrec-bound lambdas that are well-known (lift.h) and *stable*.
// 3. Environments, to a fixpoint: what each procedure needs from outside its frame, knowing
//    which lambdas are lifted. A reference needs its variable, except the operator of a call of
//    a lifted lambda; creating a closure needs the closure's environment; calling a lifted
//    lambda needs the lifted lambda's environment. The lifted lambda with the most parameters
//    over the limit, or those that would make a closure copy an unstable variable early, lose
//    their candidacy and everything is computed again (the set only shrinks, so this ends).
// 4. Rewrite: lifted lambdas get their environment as parameters after their own (their other
//    slots move up), closures get their new capture lists, every reference its new address,
//    calls of lifted lambdas a kProcRef operator and the extra arguments, letrecs their fixups
//    recomputed from the new capture lists.
//
// Stability. A letrec variable at position q is stable when no init at a position <= q is code
// that mentions a variable of the same letrec (an init that is a lambda runs no code). Then no
// code can reach the letrec's procedures before q is initialised, so (a) a lifted lambda there
// needs no "used before its definition" check at its calls, and (b) a closure that newly
// captures the variable (in place of a lifted lambda's closure that held it) is created after
// its initialisation or is a direct init that a fixup patches, as before. A variable that is not
// a letrec's, or is boxed, is always stable (a box exists from the letrec's start and is read
// when used, as before).
#include "frontend/analysis/lift.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "frontend/common/stack_check.h"

namespace toylang {
namespace {

using ir::NodeKind;

struct Fn;

struct Var {
  Fn* owner = nullptr;
  int slot = 0;  // in the owner's frame, before the rewrite moves it
  std::string name;
  bool boxed = false;
  bool assigned = false;
  bool escapes = false;        // referenced other than as the operator of a call
  ir::Let* let = nullptr;      // the let or letrec that binds it (nullptr: a parameter)
  int position = 0;            // its binding's index in `let`
  Fn* lambda = nullptr;        // the lambda it is bound to directly, if any
  std::vector<ir::Call*> calls;  // the calls whose operator it is
  bool lifted = false;         // the current decision for `lambda`
};

// A reference or assignment in a procedure's own body.
struct Ref {
  ir::Node* node;  // an ir::VarRef or ir::VarSet
  Var* var;
  bool is_operator;  // the operator of a call
};

struct Fn {
  ir::Lambda* lambda = nullptr;
  Fn* parent = nullptr;
  Var* bound_to = nullptr;  // the variable this lambda is the direct init of, if any
  int own_params = 0;       // params.size() before lifting
  std::vector<Var*> captured;  // the original captures, by index
  absl::flat_hash_set<Var*> captured_set;
  // What the procedure's own body holds (not its nested lambdas' bodies).
  std::vector<Ref> refs;
  std::vector<std::pair<ir::Call*, Var*>> calls;  // operator is a variable
  std::vector<Fn*> children;                      // lambdas its body creates
  std::vector<ir::Let*> lets;
  // Step 3.
  std::vector<Var*> env;
  absl::flat_hash_map<Var*, int> env_index;
  std::vector<Fn*> dependents;  // procedures whose environment includes part of this one's
  bool queued = false;

  bool Lifted() const { return bound_to != nullptr && bound_to->lifted; }
};

// How many rounds of step 3 unlift one lambda each before the rest go at once.
constexpr int kSingleDrops = 16;

class Lifter {
 public:
  explicit Lifter(const LiftOptions& options) : options_(options) {}

  int Run(ir::Lambda& toplevel) {
    Fn* top = NewFn(toplevel, nullptr);
    Walk(*toplevel.body, top);
    std::vector<Var*> candidates;
    for (Var& v : vars_) {
      if (IsCandidate(v)) {
        v.lifted = true;
        candidates.push_back(&v);
      }
    }
    if (candidates.empty()) return 0;
    // Steps 3 and 2 again, until the decisions stand.
    int rounds = 0;
    for (;;) {
      ComputeEnvironments();
      if (!top->env.empty()) return Abandon(candidates);  // cannot happen: a bug; change nothing
      // One at a time for the first few, then all at once: each round recomputes every
      // environment, and a form is not to cost time quadratic in its size.
      if (DropLiftsWithTooManyParams(candidates, /*all=*/++rounds > kSingleDrops)) continue;
      if (UnstableCopies().empty()) break;
      if (!DropLiftsForUnstableCopies(candidates)) return Abandon(candidates);
    }
    int lifted = 0;
    for (Var* v : candidates) lifted += v->lifted ? 1 : 0;
    if (lifted == 0) return 0;
    Rewrite();
    return lifted;
  }

 private:
  // --- Step 1 ---------------------------------------------------------------------------------

  Fn* NewFn(ir::Lambda& lambda, Fn* parent) {
    Fn* f = &fns_.emplace_back();
    f->lambda = &lambda;
    f->parent = parent;
    f->own_params = static_cast<int>(lambda.params.size());
    for (const ir::CaptureSource& s : lambda.captures) {
      Var* v = s.from_capture ? parent->captured.at(s.index) : VarAt(parent, s.index);
      f->captured.push_back(v);
      f->captured_set.insert(v);
    }
    return f;
  }

  // The variable in slot `slot` of `f`'s frame (its parameters are made here on first use).
  Var* VarAt(Fn* f, int slot) {
    auto [it, inserted] = var_at_.try_emplace(std::make_pair(f, slot), nullptr);
    if (inserted) {
      Var* v = &vars_.emplace_back();
      v->owner = f;
      v->slot = slot;
      const ir::Lambda& l = *f->lambda;
      if (slot < static_cast<int>(l.params.size())) {
        v->name = l.params[slot];
      } else if (l.has_rest && slot == static_cast<int>(l.params.size())) {
        v->name = l.rest;
      }
      v->boxed = std::find(l.boxed_params.begin(), l.boxed_params.end(), slot) !=
                 l.boxed_params.end();
      it->second = v;
    }
    return it->second;
  }

  Var* Resolve(Fn* f, bool local, int index) {
    return local ? VarAt(f, index) : f->captured.at(index);
  }

  Var* BindingVar(Fn* f, ir::Let& let, int position) {
    const ir::Binding& b = let.bindings[position];
    Var* v = VarAt(f, b.slot);
    v->name = b.name;
    v->boxed = b.boxed;
    v->let = &let;
    v->position = position;
    return v;
  }

  // A reference to `v` where it is: inside the init of a letrec that binds it, that init is
  // code that may run before `v` is initialised (unless the init is a lambda).
  void Mention(Var* v) {
    if (v->let == nullptr || v->let->kind != NodeKind::kLetrec) return;
    auto it = open_inits_.find(v->let);
    if (it == open_inits_.end()) return;
    const int k = it->second;
    if (v->let->bindings[k].init->kind == NodeKind::kLambda) return;
    int& first = FirstUnsafe(v->let);
    first = std::min(first, k);
  }

  int& FirstUnsafe(const ir::Let* let) {
    return first_unsafe_.try_emplace(let, std::numeric_limits<int>::max()).first->second;
  }

  void WalkRef(ir::Node& n, Fn* f, bool is_operator) {
    auto& r = static_cast<ir::VarRef&>(n);
    Var* v = Resolve(f, n.kind == NodeKind::kLocalRef, r.index);
    f->refs.push_back({&n, v, is_operator});
    if (!is_operator) v->escapes = true;
    Mention(v);
  }

  void Walk(ir::Node& n, Fn* f) {
    CheckStack(n.pos);
    switch (n.kind) {
      case NodeKind::kConst:
      case NodeKind::kGlobalRef:
      case NodeKind::kProcRef:
        return;
      case NodeKind::kLocalRef:
      case NodeKind::kCaptureRef:
        WalkRef(n, f, /*is_operator=*/false);
        return;
      case NodeKind::kLocalSet:
      case NodeKind::kCaptureSet: {
        auto& s = static_cast<ir::VarSet&>(n);
        Var* v = Resolve(f, n.kind == NodeKind::kLocalSet, s.index);
        v->assigned = true;
        f->refs.push_back({&n, v, false});
        Mention(v);
        Walk(*s.value, f);
        return;
      }
      case NodeKind::kGlobalSet:
      case NodeKind::kGlobalDefine:
        Walk(*static_cast<ir::Global&>(n).value, f);
        return;
      case NodeKind::kIf: {
        auto& i = static_cast<ir::If&>(n);
        Walk(*i.test, f);
        Walk(*i.then, f);
        Walk(*i.otherwise, f);
        return;
      }
      case NodeKind::kSeq:
        for (ir::NodePtr& e : static_cast<ir::Seq&>(n).body) Walk(*e, f);
        return;
      case NodeKind::kLambda: {
        auto& l = static_cast<ir::Lambda&>(n);
        Fn* child = NewFn(l, f);
        f->children.push_back(child);
        fn_of_[&l] = child;
        Walk(*l.body, child);
        return;
      }
      case NodeKind::kCall: {
        auto& c = static_cast<ir::Call&>(n);
        if (c.fn->kind == NodeKind::kLocalRef || c.fn->kind == NodeKind::kCaptureRef) {
          WalkRef(*c.fn, f, /*is_operator=*/true);
          Var* v = f->refs.back().var;
          v->calls.push_back(&c);
          f->calls.push_back({&c, v});
        } else {
          Walk(*c.fn, f);
        }
        for (ir::NodePtr& a : c.args) Walk(*a, f);
        return;
      }
      case NodeKind::kLet: {
        auto& let = static_cast<ir::Let&>(n);
        f->lets.push_back(&let);
        for (size_t k = 0; k < let.bindings.size(); ++k) {
          Walk(*let.bindings[k].init, f);
          Var* v = BindingVar(f, let, static_cast<int>(k));
          if (let.bindings[k].init->kind == NodeKind::kLambda) BindLambda(v, let.bindings[k]);
        }
        Walk(*let.body, f);
        return;
      }
      case NodeKind::kLetrec: {
        auto& let = static_cast<ir::Let&>(n);
        f->lets.push_back(&let);
        std::vector<Var*> vars;
        for (size_t k = 0; k < let.bindings.size(); ++k) {
          vars.push_back(BindingVar(f, let, static_cast<int>(k)));
        }
        for (size_t k = 0; k < let.bindings.size(); ++k) {
          open_inits_[&let] = static_cast<int>(k);
          Walk(*let.bindings[k].init, f);
          if (let.bindings[k].init->kind == NodeKind::kLambda) BindLambda(vars[k], let.bindings[k]);
        }
        open_inits_.erase(&let);
        Walk(*let.body, f);
        return;
      }
    }
  }

  void BindLambda(Var* v, const ir::Binding& b) {
    Fn* fn = fn_of_.at(static_cast<const ir::Lambda*>(b.init.get()));
    v->lambda = fn;
    fn->bound_to = v;
  }

  // --- Step 2 ---------------------------------------------------------------------------------

  bool Stable(const Var& v) {
    if (v.boxed || v.let == nullptr || v.let->kind != NodeKind::kLetrec) return true;
    return v.position < FirstUnsafe(v.let);
  }

  bool IsCandidate(Var& v) {
    if (v.lambda == nullptr || v.boxed || v.assigned || v.escapes) return false;
    const ir::Lambda& l = *v.lambda->lambda;
    if (l.has_rest || l.min_args() > options_.max_params) return false;
    for (const ir::Call* c : v.calls) {
      if (static_cast<int>(c->args.size()) != l.min_args()) return false;
    }
    return Stable(v);
  }

  // --- Step 3 ---------------------------------------------------------------------------------

  void Add(Fn* f, Var* v, bool* changed) {
    if (v->owner == f || f->env_index.contains(v)) return;
    f->env_index.emplace(v, static_cast<int>(f->env.size()));
    f->env.push_back(v);
    *changed = true;
  }

  void ComputeEnvironments() {
    for (Fn& f : fns_) {
      f.env.clear();
      f.env_index.clear();
      f.dependents.clear();
    }
    for (Fn& f : fns_) {
      for (Fn* k : f.children) {
        if (!k->Lifted()) k->dependents.push_back(&f);
      }
      for (auto& [call, v] : f.calls) {
        if (v->lifted) v->lambda->dependents.push_back(&f);
      }
    }
    std::deque<Fn*> work;
    for (Fn& f : fns_) {
      f.queued = true;
      work.push_back(&f);
    }
    while (!work.empty()) {
      Fn* f = work.front();
      work.pop_front();
      f->queued = false;
      bool changed = false;
      for (const Ref& r : f->refs) {
        if (!(r.is_operator && r.var->lifted)) Add(f, r.var, &changed);
      }
      for (Fn* k : f->children) {
        if (k->Lifted()) continue;
        for (size_t i = 0; i < k->env.size(); ++i) Add(f, k->env[i], &changed);
      }
      for (auto& [call, v] : f->calls) {
        if (!v->lifted) continue;
        const std::vector<Var*>& env = v->lambda->env;
        for (size_t i = 0; i < env.size(); ++i) Add(f, env[i], &changed);
      }
      if (!changed) continue;
      for (Fn* d : f->dependents) {
        if (!d->queued) {
          d->queued = true;
          work.push_back(d);
        }
      }
    }
  }

  // Unlifts the lifted lambda that would take the most parameters in all, if that is more than
  // the limit, or with `all` every one over it; false when none is. One at a time is better:
  // a lifted lambda's callers need its environment, so one that keeps its closure may bring
  // others under the limit.
  bool DropLiftsWithTooManyParams(const std::vector<Var*>& candidates, bool all) {
    Var* worst = nullptr;
    int most = options_.max_params;
    for (Var* v : candidates) {
      const int params = v->lambda->own_params + static_cast<int>(v->lambda->env.size());
      if (!v->lifted || params <= options_.max_params) continue;
      if (all) {
        v->lifted = false;
        worst = v;
      } else if (params > most) {
        worst = v;
        most = params;
      }
    }
    if (worst == nullptr) return false;
    worst->lifted = false;
    return true;
  }

  // The closures (not lifted) that would copy an unstable letrec variable they did not
  // capture before.
  std::vector<Fn*> UnstableCopies() {
    std::vector<Fn*> found;
    for (Fn& f : fns_) {
      if (f.parent == nullptr || f.Lifted()) continue;
      for (Var* v : f.env) {
        if (!f.captured_set.contains(v) && !Stable(*v)) {
          found.push_back(&f);
          break;
        }
      }
    }
    return found;
  }

  // Unlifts every lifted lambda whose environment holds an unstable variable that a closure
  // copies newly; false when that changes nothing.
  bool DropLiftsForUnstableCopies(const std::vector<Var*>& candidates) {
    absl::flat_hash_set<Var*> unstable;
    for (Fn* k : UnstableCopies()) {
      for (Var* v : k->env) {
        if (!k->captured_set.contains(v) && !Stable(*v)) unstable.insert(v);
      }
    }
    bool changed = false;
    for (Var* c : candidates) {
      if (!c->lifted) continue;
      for (Var* v : c->lambda->env) {
        if (unstable.contains(v)) {
          c->lifted = false;
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  int Abandon(const std::vector<Var*>& candidates) {
    for (Var* v : candidates) v->lifted = false;
    return 0;
  }

  // --- Step 4 ---------------------------------------------------------------------------------

  // A stable order for each environment (the IR must not depend on pointer values: the code
  // cache keys on it): the original captures first, in their order, then the rest by owner
  // and slot.
  void OrderEnvironments() {
    for (Fn& f : fns_) {
      std::vector<Var*> ordered;
      for (Var* v : f.captured) {
        if (f.env_index.contains(v)) ordered.push_back(v);
      }
      std::vector<Var*> others;
      for (Var* v : f.env) {
        if (!f.captured_set.contains(v)) others.push_back(v);
      }
      std::sort(others.begin(), others.end(), [](const Var* a, const Var* b) {
        if (a->owner->lambda->id != b->owner->lambda->id) {
          return a->owner->lambda->id < b->owner->lambda->id;
        }
        return a->slot < b->slot;
      });
      ordered.insert(ordered.end(), others.begin(), others.end());
      f.env = std::move(ordered);
      f.env_index.clear();
      for (size_t i = 0; i < f.env.size(); ++i) f.env_index.emplace(f.env[i], static_cast<int>(i));
    }
  }

  int NewSlot(const Fn* f, int slot) const {
    return f->Lifted() && slot >= f->own_params ? slot + static_cast<int>(f->env.size()) : slot;
  }

  // Where `f`'s code finds `v`: a frame slot (local) or a capture.
  std::pair<bool, int> Where(const Fn* f, Var* v) const {
    if (v->owner == f) return {true, NewSlot(f, v->slot)};
    const int i = f->env_index.at(v);
    if (f->Lifted()) return {true, f->own_params + i};
    return {false, i};
  }

  void Rewrite() {
    OrderEnvironments();
    for (Fn& f : fns_) {
      for (const Ref& r : f.refs) {
        if (r.is_operator && r.var->lifted) continue;  // replaced below
        auto [local, index] = Where(&f, r.var);
        bool is_set = r.node->kind == NodeKind::kLocalSet || r.node->kind == NodeKind::kCaptureSet;
        if (is_set) {
          r.node->kind = local ? NodeKind::kLocalSet : NodeKind::kCaptureSet;
          static_cast<ir::VarSet*>(r.node)->index = index;
        } else {
          r.node->kind = local ? NodeKind::kLocalRef : NodeKind::kCaptureRef;
          static_cast<ir::VarRef*>(r.node)->index = index;
        }
      }
      for (auto& [call, v] : f.calls) {
        if (v->lifted) RewriteCall(&f, *call, *v->lambda);
      }
      for (Fn* k : f.children) {
        if (k->Lifted()) continue;
        k->lambda->captures.clear();
        for (Var* v : k->env) {
          auto [local, index] = Where(&f, v);
          k->lambda->captures.push_back(ir::CaptureSource{!local, index, v->name});
        }
      }
      for (ir::Let* let : f.lets) {
        for (ir::Binding& b : let->bindings) b.slot = NewSlot(&f, b.slot);
        if (let->kind == NodeKind::kLetrec) RecomputeFixups(&f, *let);
      }
    }
    // Last: Where() above needs the lifted lambdas' parameter counts as they were.
    for (Fn& f : fns_) {
      if (!f.Lifted()) continue;
      ir::Lambda& l = *f.lambda;
      for (Var* v : f.env) l.params.push_back(v->name);
      l.lifted = true;
      l.lifted_params = static_cast<int>(f.env.size());
      l.frame_size += static_cast<int>(f.env.size());
      l.captures.clear();
    }
  }

  void RewriteCall(const Fn* f, ir::Call& call, const Fn& callee) {
    auto proc = std::make_unique<ir::ProcRef>(call.fn->pos);
    proc->lambda = callee.lambda;
    call.fn = std::move(proc);
    call.known = callee.lambda;
    for (Var* v : callee.env) {
      auto [local, index] = Where(f, v);
      auto arg = std::make_unique<ir::VarRef>(local ? NodeKind::kLocalRef : NodeKind::kCaptureRef,
                                              call.pos);
      arg->index = index;
      arg->name = v->name;
      // A boxed variable travels as its box; an undefined one as it is (its uses check).
      arg->boxed = false;
      arg->check_defined = false;
      call.args.push_back(std::move(arg));
    }
  }

  // A closure that is the direct init of binding j captures binding i >= j by a fixup stored
  // once i is initialised (ir.h); the capture lists changed, so the fixups are made again.
  void RecomputeFixups(const Fn* f, ir::Let& let) {
    let.fixups.clear();
    for (size_t j = 0; j < let.bindings.size(); ++j) {
      const ir::Node& init = *let.bindings[j].init;
      if (init.kind != NodeKind::kLambda) continue;
      const Fn* k = fn_of_.at(static_cast<const ir::Lambda*>(&init));
      if (k->Lifted()) continue;
      for (size_t c = 0; c < k->env.size(); ++c) {
        const Var* v = k->env[c];
        if (v->owner == f && v->let == &let && v->position >= static_cast<int>(j) && !v->boxed) {
          let.fixups.push_back(ir::Fixup{static_cast<int>(j), static_cast<int>(c), v->position});
        }
      }
    }
    std::stable_sort(let.fixups.begin(), let.fixups.end(),
                     [](const ir::Fixup& a, const ir::Fixup& b) {
                       return a.value_binding < b.value_binding;
                     });
  }

  const LiftOptions options_;
  std::deque<Fn> fns_;
  std::deque<Var> vars_;
  absl::flat_hash_map<std::pair<const Fn*, int>, Var*> var_at_;
  absl::flat_hash_map<const ir::Lambda*, Fn*> fn_of_;
  absl::flat_hash_map<const ir::Let*, int> open_inits_;
  absl::flat_hash_map<const ir::Let*, int> first_unsafe_;
};

}  // namespace

int LiftProcedures(ir::Lambda& toplevel, const LiftOptions& options) {
  return Lifter(options).Run(toplevel);
}

}  // namespace toylang
