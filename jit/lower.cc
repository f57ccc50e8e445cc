#include "jit/lower.h"

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "frontend/builtins/builtins.h"
#include "jit/lower_internal.h"
#include "jit/thread_state.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InlineAsm.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"

namespace toylang::jit {
namespace internal {

ProcOffsets GetProcOffsets() {
  static const JitProc probe;
  auto at = [](const void* field) {
    return static_cast<int64_t>(static_cast<const char*>(field) -
                                reinterpret_cast<const char*>(&probe));
  };
  return {at(&probe.code), at(&probe.min32), at(&probe.max32)};
}

Codegen::Codegen(LowerEnv& env, llvm::Module& m)
    : env_(env), m_(m), ctx_(m.getContext()), b_(ctx_), offsets_(GetProcOffsets()) {
  vt_ = llvm::PointerType::get(ctx_, 1);
  i64_ = llvm::Type::getInt64Ty(ctx_);
  i32_ = llvm::Type::getInt32Ty(ctx_);
  pt_ = llvm::PointerType::get(ctx_, 0);
  // The procedures' value parameters are words (i64), not GC pointers: RS4GC counts a call's
  // own GC-pointer operands as live across it, so as pointers they would be spilled at every
  // call and stay roots in the caller until the callee returns (see "Calling convention" in
  // docs/design/jit.md). The helpers take pointers: their callers keep what they pass.
  std::vector<llvm::Type*> proc_params(3 + kRegisterArgs, i64_);
  proc_type_ = llvm::FunctionType::get(vt_, proc_params, false);
  std::vector<llvm::Type*> call_params = {vt_, i64_};
  for (int i = 0; i < kRegisterArgs; ++i) call_params.push_back(vt_);
  call_params.push_back(vt_);
  call_params.push_back(pt_);
  call_helper_ = Helper("tj_call", vt_, call_params);
  call_tail_helper_ = Helper("tj_call_tail", vt_, call_params);
  cons_helper_ = Helper("tj_cons", vt_, {vt_, vt_});
  box_helper_ = Helper("tj_make_box", vt_, {vt_});
  closure_helper_ = Helper("tj_make_closure", vt_, {pt_, i64_});
  throw_helper_ = Helper("tj_throw", llvm::Type::getVoidTy(ctx_), {pt_});
  llvm::cast<llvm::Function>(throw_helper_.getCallee())->setDoesNotReturn();
  poll_helper_ = Helper("tj_poll", llvm::Type::getVoidTy(ctx_), {});
  // Every helper is a slow path: `cold` keeps their call sites and the spills and constants
  // they need out of the hot code (the register allocator and block placement honour it).
  for (llvm::FunctionCallee* h : {&call_helper_, &call_tail_helper_, &cons_helper_, &box_helper_,
                                  &closure_helper_, &throw_helper_, &poll_helper_}) {
    llvm::cast<llvm::Function>(h->getCallee())->addFnAttr(llvm::Attribute::Cold);
  }
}

void Codegen::ThrowIf(llvm::Value* cond, const ErrorSite* site) {
  // One tj_throw per function, its site a phi: each check adds a branch, not a call (a
  // statepoint with its own stack-map record); checks are many, compile time matters.
  if (throw_block_ == nullptr || throw_block_->getParent() != fn_) {
    llvm::IRBuilderBase::InsertPointGuard guard(b_);
    throw_block_ = NewBlock("throw");
    b_.SetInsertPoint(throw_block_);
    throw_site_ = b_.CreatePHI(pt_, 4);
    b_.CreateCall(throw_helper_, {throw_site_});
    b_.CreateUnreachable();
  }
  llvm::BasicBlock* ok = NewBlock("ok");
  b_.CreateCondBr(cond, throw_block_, ok, Cold());
  throw_site_->addIncoming(
      llvm::ConstantExpr::getIntToPtr(b_.getInt64(reinterpret_cast<uint64_t>(site)), pt_),
      b_.GetInsertBlock());
  b_.SetInsertPoint(ok);
}

llvm::Value* Codegen::HasType(llvm::Value* v, ObjType type) {
  llvm::Value* bits = Bits(v);
  llvm::Value* is_object = b_.CreateAnd(
      b_.CreateICmpEQ(b_.CreateAnd(bits, b_.getInt64(Value::kTagMask)), b_.getInt64(0)),
      b_.CreateICmpNE(bits, b_.getInt64(0)));
  llvm::BasicBlock* from = b_.GetInsertBlock();
  llvm::BasicBlock* check = NewBlock("type");
  llvm::BasicBlock* done = NewBlock("typed");
  b_.CreateCondBr(is_object, check, done);
  b_.SetInsertPoint(check);
  llvm::Value* header = b_.CreateLoad(i64_, FieldPtr(v, 0));
  llvm::Value* t = b_.CreateAnd(b_.CreateLShr(header, layout::kTypeShift), b_.getInt64(0xff));
  llvm::Value* eq = b_.CreateICmpEQ(t, b_.getInt64(static_cast<uint64_t>(type)));
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(b_.getInt1Ty(), 2);
  phi->addIncoming(b_.getFalse(), from);
  phi->addIncoming(eq, check);
  return phi;
}

llvm::Value* Codegen::LengthOf(llvm::Value* v) {
  return b_.CreateLShr(b_.CreateLoad(i64_, FieldPtr(v, 0)), layout::kLengthShift);
}

llvm::Value* Codegen::Word(llvm::Value* v) {
  if (!v->getType()->isPointerTy()) return v;  // argc
  if (llvm::isa<llvm::PoisonValue>(v)) return llvm::PoisonValue::get(i64_);
  if (auto* c = llvm::dyn_cast<llvm::Constant>(v)) {
    return llvm::ConstantExpr::getPtrToInt(c, i64_);
  }
  if (!env_.PreciseRoots()) return b_.CreatePtrToInt(v, i64_);
  // With statepoints, not a ptrtoint: the optimiser would reuse an earlier ptrtoint of the
  // same value (a type test before some other call), and the pointer would then not be live
  // across that call. An empty asm with side effects cannot be merged, hoisted or sunk;
  // "gc-leaf-function" keeps RS4GC from making it a statepoint.
  auto* type = llvm::FunctionType::get(i64_, {vt_}, false);
  llvm::CallInst* c = b_.CreateCall(
      llvm::InlineAsm::get(type, "", "=r,0", /*hasSideEffects=*/true), {v});
  c->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
  return c;
}

llvm::CallInst* Codegen::CallProc(llvm::Value* code, const std::vector<llvm::Value*>& operands) {
  std::vector<llvm::Value*> words;
  for (llvm::Value* v : operands) words.push_back(Word(v));
  llvm::CallInst* c = b_.CreateCall(proc_type_, code, words);
  c->setCallingConv(llvm::CallingConv::Tail);
  return c;
}

namespace {

using ir::NodeKind;

// A binding's init that makes nothing: a lifted lambda (ir.h).
bool IsLifted(const ir::Node& init) {
  return init.kind == NodeKind::kLambda && ir::As<ir::Lambda>(init).lifted;
}

class Lowerer : public Codegen {
 public:
  using Codegen::Codegen;

  llvm::FunctionType* proc_type() const { return proc_type_; }

  void DefinePoll() {
    auto* fn = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), false),
                                      llvm::GlobalValue::ExternalLinkage, "gc.safepoint_poll", m_);
    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
    auto* slow = llvm::BasicBlock::Create(ctx_, "slow", fn);
    auto* done = llvm::BasicBlock::Create(ctx_, "done", fn);
    b_.SetInsertPoint(entry);
    // The interrupt request rides on the poll: entries and loop back-edges are where a running
    // program must notice Ctrl-C too. It is the upper half of the poll word, so one load tests
    // both (with two loads and two branches, fib ran 4.5% more instructions in JIT code).
    llvm::Value* word =
        b_.CreateAlignedLoad(i64_, Address(env_.PollWord()), llvm::Align(8), /*isVolatile=*/true);
    b_.CreateCondBr(b_.CreateICmpNE(word, b_.getInt64(0)), slow, done, Cold());
    b_.SetInsertPoint(slow);
    b_.CreateCall(poll_helper_);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    b_.CreateRetVoid();
  }

  void DefineEntry() {
    std::vector<llvm::Type*> params = {pt_};
    for (llvm::Type* t : proc_type_->params()) params.push_back(t);
    auto* fn = llvm::Function::Create(llvm::FunctionType::get(vt_, params, false),
                                      llvm::GlobalValue::ExternalLinkage, "tj_enter", m_);
    SetGcAttributes(fn);
    b_.SetInsertPoint(llvm::BasicBlock::Create(ctx_, "entry", fn));
    std::vector<llvm::Value*> args;
    for (size_t i = 1; i < fn->arg_size(); ++i) args.push_back(fn->getArg(i));
    b_.CreateRet(CallProc(fn->getArg(0), args));
  }

  std::vector<LoweredProc> Lower(const ir::Lambda& toplevel, const std::string& prefix) {
    prefix_ = prefix;
    Enqueue(toplevel);
    while (!queue_.empty()) {
      auto [lambda, fn] = queue_.front();
      queue_.pop_front();
      LowerFunction(*lambda, fn);
    }
    return std::move(lowered_);
  }

 private:
  llvm::Value* Closure() { return b_.CreateLoad(vt_, closure_slot_); }

  static void SetGcAttributes(llvm::Function* fn) {
    fn->setGC("statepoint-example");
    // Unwind tables: toylang errors are C++ exceptions thrown by helpers through JIT frames.
    fn->setUWTableKind(llvm::UWTableKind::Async);
  }

  // The lambda's function in this module, created (and queued for lowering) on first use:
  // a known call may name a lambda before its closure is created.
  llvm::Function* Enqueue(const ir::Lambda& lambda) {
    if (auto it = functions_.find(&lambda); it != functions_.end()) return it->second;
    JitProc* proc = env_.ProcFor(lambda);
    std::string name = absl::StrCat(prefix_, "_", lowered_.size());
    auto* fn = llvm::Function::Create(proc_type_, llvm::GlobalValue::ExternalLinkage, name, m_);
    fn->setCallingConv(llvm::CallingConv::Tail);
    // Never inlined: a callee's tail calls carry "gc-leaf-function" (Fact 6), which is sound
    // only in tail position; inlined at a non-tail direct call they would become ordinary
    // calls without a statepoint, and a collection under them would find no stack map.
    fn->addFnAttr(llvm::Attribute::NoInline);
    SetGcAttributes(fn);
    proc->symbol = name;
    lowered_.push_back({proc, name});
    queue_.emplace_back(&lambda, fn);
    functions_.emplace(&lambda, fn);
    return fn;
  }

  // --- Procedures ------------------------------------------------------------------------

  // The parameters of `fn` (the lambda's function) as values, at the start of its entry block:
  // the words the caller passed become GC pointers (closure, a0..a5, rest; argc stays an i64).
  // Nothing roots them in the caller any more, so they must be GC pointers before the entry
  // poll: an empty asm that uses every parameter the lambda reads keeps the conversions in the
  // entry block (the optimiser would otherwise sink one into the branch that uses it, past the
  // poll that place-safepoints puts before the first call), and the poll goes before that asm.
  // The asm also hands the parameters back, and the body uses what it returns: a type test's
  // ptrtoint of an inttoptr would fold to the incoming word, which would then stay live beside
  // the relocated pointer through the whole body (two registers for one value; in matmul's
  // inner loop three such words were spilled and reloaded on every iteration, and precise roots
  // took 1.32x the conservative time).
  std::vector<llvm::Value*> Params(const ir::Lambda& lambda, llvm::Function* fn) {
    std::vector<llvm::Value*> params;
    std::vector<llvm::Value*> used;
    std::vector<size_t> used_index;  // where each used one is in `params`
    int required = lambda.min_args();
    for (unsigned i = 0; i < fn->arg_size(); ++i) {
      if (i == 1) {
        params.push_back(fn->getArg(1));
        continue;
      }
      llvm::Value* v = b_.CreateIntToPtr(fn->getArg(i), vt_);
      params.push_back(v);
      int arg = static_cast<int>(i) - 2;
      bool is_rest = arg == kRegisterArgs;
      // A lifted lambda has no closure (its callers pass a constant).
      bool read = i == 0 ? !lambda.lifted
                         : (is_rest ? lambda.has_rest || required > kRegisterArgs
                                    : arg < required || lambda.has_rest);
      if (read) {
        used.push_back(v);
        used_index.push_back(params.size() - 1);
      }
    }
    // Without statepoints there is no poll to keep them before (nor a layout change to pay
    // for: the asm's register constraints left stale list pointers in conservatively scanned
    // frames, primes kept 7.8 MiB instead of 0.1).
    if (!env_.PreciseRoots() || used.empty()) return params;
    // "=r,=r,...,0,1,...": each output in the register of its input, no instruction.
    std::vector<llvm::Type*> types(used.size(), vt_);
    std::string constraints;
    for (size_t i = 0; i < used.size(); ++i) constraints += i == 0 ? "=r" : ",=r";
    for (size_t i = 0; i < used.size(); ++i) absl::StrAppend(&constraints, ",", i);
    llvm::Type* result = used.size() == 1
                             ? static_cast<llvm::Type*>(vt_)
                             : static_cast<llvm::Type*>(llvm::StructType::get(ctx_, types));
    llvm::CallInst* keep = b_.CreateCall(
        llvm::InlineAsm::get(llvm::FunctionType::get(result, types, false), "", constraints,
                             /*hasSideEffects=*/true),
        used);
    keep->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
    for (size_t i = 0; i < used.size(); ++i) {
      params[used_index[i]] =
          used.size() == 1 ? static_cast<llvm::Value*>(keep) : b_.CreateExtractValue(keep, i);
    }
    return params;
  }

  void LowerFunction(const ir::Lambda& lambda, llvm::Function* fn) {
    fn_ = fn;
    lambda_ = &lambda;
    llvm::BasicBlock* entry = NewBlock("entry");
    b_.SetInsertPoint(entry);
    std::vector<llvm::Value*> params = Params(lambda, fn);
    closure_slot_ = b_.CreateAlloca(vt_, nullptr, "closure");
    b_.CreateStore(params[0], closure_slot_);
    // Frame slots are allocas that mem2reg/sroa promote to SSA before RS4GC (Fact 5): every
    // access is a whole-value load or store, and no slot's address escapes.
    slots_.clear();
    for (int i = 0; i < lambda.frame_size; ++i) {
      slots_.push_back(b_.CreateAlloca(vt_, nullptr, absl::StrCat("slot", i)));
    }
    for (llvm::AllocaInst* slot : slots_) b_.CreateStore(ConstV(Value::Undefined()), slot);
    int required = lambda.min_args();
    llvm::Value* argc = fn->getArg(1);
    llvm::Value* rest = params[2 + kRegisterArgs];
    // Required parameters beyond the registers come from the rest list, in order.
    llvm::Value* cursor = rest;
    for (int i = 0; i < required; ++i) {
      llvm::Value* v;
      if (i < kRegisterArgs) {
        v = params[2 + i];
      } else {
        v = LoadField(cursor, -static_cast<int64_t>(Value::kPairTag));
        cursor = LoadField(cursor, 8 - static_cast<int64_t>(Value::kPairTag));
      }
      b_.CreateStore(v, slots_[i]);
    }
    if (lambda.has_rest) {
      // The rest list: what remains of %rest (when argc > 6), then the register arguments
      // from a5 down to a_required that were actually passed.
      llvm::Value* list = required >= kRegisterArgs ? cursor : rest;
      llvm::Value* many = b_.CreateICmpSGT(argc, b_.getInt64(kRegisterArgs));
      list = b_.CreateSelect(many, list, ConstV(Value::Nil()));
      for (int i = kRegisterArgs - 1; i >= required; --i) {
        llvm::BasicBlock* from = b_.GetInsertBlock();
        llvm::BasicBlock* add = NewBlock("rest");
        llvm::BasicBlock* next = NewBlock("rest_next");
        b_.CreateCondBr(b_.CreateICmpSGT(argc, b_.getInt64(i)), add, next);
        b_.SetInsertPoint(add);
        llvm::Value* consed = AllocPair(params[2 + i], list);
        add = b_.GetInsertBlock();
        b_.CreateBr(next);
        b_.SetInsertPoint(next);
        llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
        phi->addIncoming(list, from);
        phi->addIncoming(consed, add);
        list = phi;
      }
      b_.CreateStore(list, slots_[required]);
    }
    loop_header_ = NewBlock("loop");
    b_.CreateBr(loop_header_);
    b_.SetInsertPoint(loop_header_);
    for (int slot : lambda.boxed_params) {
      llvm::Value* v = b_.CreateLoad(vt_, slots_[slot]);
      b_.CreateStore(AllocBox(v), slots_[slot]);
    }
    llvm::Value* result = Emit(*lambda.body);
    b_.CreateRet(result);
  }

  // --- Expressions -------------------------------------------------------------------------

  llvm::Value* Emit(const ir::Node& node) {
    switch (node.kind) {
      case NodeKind::kConst: {
        const auto& c = ir::As<ir::Const>(node);
        if (c.is_immediate) return ConstV(c.immediate);
        if (c.datum == nullptr) return ConstV(Value::Unspecified());
        return b_.CreateLoad(vt_, Address(env_.ConstantSlot(c)));
      }
      case NodeKind::kLocalRef:
      case NodeKind::kCaptureRef: {
        const auto& r = ir::As<ir::VarRef>(node);
        llvm::Value* v = node.kind == NodeKind::kLocalRef
                             ? b_.CreateLoad(vt_, slots_[r.index])
                             : LoadField(Closure(), layout::kClosureCapturesOffset + 8 * r.index);
        if (r.boxed) v = LoadBox(v);
        if (r.check_defined) {
          ThrowIf(IsValue(v, Value::Undefined()),
                  env_.Site(node.pos,
                            absl::StrCat(r.name, ": variable used before its definition")));
        }
        return v;
      }
      case NodeKind::kGlobalRef: {
        const auto& g = ir::As<ir::Global>(node);
        llvm::Value* v = LoadShared(GlobalValueAddress(g));
        CheckBound(g, v, node.pos);
        return v;
      }
      case NodeKind::kLocalSet:
      case NodeKind::kCaptureSet: {
        const auto& s = ir::As<ir::VarSet>(node);
        llvm::Value* v = Emit(*s.value);
        if (node.kind == NodeKind::kLocalSet) {
          if (s.boxed) {
            StoreBoxRecorded(b_.CreateLoad(vt_, slots_[s.index]), v, StorePath::kBox);
          } else {
            b_.CreateStore(v, slots_[s.index]);
          }
        } else {
          llvm::Value* box = LoadField(Closure(), layout::kClosureCapturesOffset + 8 * s.index);
          StoreBoxRecorded(box, v, StorePath::kBox);
        }
        return ConstV(Value::Unspecified());
      }
      case NodeKind::kGlobalSet:
      case NodeKind::kGlobalDefine: {
        const auto& g = ir::As<ir::Global>(node);
        if (node.kind == NodeKind::kGlobalDefine && g.value->kind == NodeKind::kLambda) {
          env_.SetGlobalProcHint(g.name, env_.ProcFor(ir::As<ir::Lambda>(*g.value)));
        }
        llvm::Value* v = Emit(*g.value);
        llvm::Value* address = GlobalValueAddress(g);
        if (node.kind == NodeKind::kGlobalSet) {
          ThrowIf(IsValue(LoadShared(address), Value::Undefined()),
                  env_.Site(node.pos, absl::StrCat("set!: unbound variable: ", g.name)));
        }
        StoreShared(v, address);
        RecordWrite(address, StorePath::kGlobal);  // the global's box is a heap object
        return ConstV(Value::Unspecified());
      }
      case NodeKind::kIf: {
        const auto& i = ir::As<ir::If>(node);
        llvm::Value* test = Emit(*i.test);
        llvm::BasicBlock* then_block = NewBlock("then");
        llvm::BasicBlock* else_block = NewBlock("else");
        llvm::BasicBlock* done = NewBlock("endif");
        b_.CreateCondBr(b_.CreateNot(IsValue(test, Value::False())), then_block, else_block);
        b_.SetInsertPoint(then_block);
        llvm::Value* a = Emit(*i.then);
        llvm::BasicBlock* a_end = b_.GetInsertBlock();
        b_.CreateBr(done);
        b_.SetInsertPoint(else_block);
        llvm::Value* c = Emit(*i.otherwise);
        llvm::BasicBlock* c_end = b_.GetInsertBlock();
        b_.CreateBr(done);
        b_.SetInsertPoint(done);
        llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
        phi->addIncoming(a, a_end);
        phi->addIncoming(c, c_end);
        return phi;
      }
      case NodeKind::kSeq: {
        const auto& s = ir::As<ir::Seq>(node);
        llvm::Value* v = nullptr;
        for (const ir::NodePtr& e : s.body) v = Emit(*e);
        return v;
      }
      case NodeKind::kLambda:
        return EmitClosure(ir::As<ir::Lambda>(node));
      case NodeKind::kProcRef: {
        // As a value (the lifting never makes one): a closure without captures.
        const ir::Lambda& lambda = *ir::As<ir::ProcRef>(node).lambda;
        Enqueue(lambda);
        return AllocClosure(env_.ProcFor(lambda), {});
      }
      case NodeKind::kLet: {
        const auto& l = ir::As<ir::Let>(node);
        for (const ir::Binding& bnd : l.bindings) {
          if (IsLifted(*bnd.init)) {
            Enqueue(ir::As<ir::Lambda>(*bnd.init));  // no closure; its calls are direct
            continue;
          }
          llvm::Value* v = Emit(*bnd.init);
          if (bnd.boxed) v = AllocBox(v);
          b_.CreateStore(v, slots_[bnd.slot]);
        }
        return Emit(*l.body);
      }
      case NodeKind::kLetrec:
        return EmitLetrec(ir::As<ir::Let>(node));
      case NodeKind::kCall:
        return EmitCall(ir::As<ir::Call>(node));
    }
    return ConstV(Value::Unspecified());
  }

  llvm::Value* GlobalValueAddress(const ir::Global& g) {
    // The box never moves and the symbol table keeps it alive: its value slot is a constant
    // address, so a redefinition is seen by code compiled earlier.
    Value box = env_.GlobalBoxFor(g);
    return Address(reinterpret_cast<char*>(box.ObjectWords()) + layout::kBoxValueOffset);
  }

  llvm::Value* EmitClosure(const ir::Lambda& lambda) {
    Enqueue(lambda);
    std::vector<llvm::Value*> captures;
    for (const ir::CaptureSource& s : lambda.captures) {
      captures.push_back(s.from_capture
                             ? LoadField(Closure(), layout::kClosureCapturesOffset + 8 * s.index)
                             : b_.CreateLoad(vt_, slots_[s.index]));
    }
    return AllocClosure(env_.ProcFor(lambda), captures);
  }

  llvm::Value* EmitLetrec(const ir::Let& l) {
    for (const ir::Binding& bnd : l.bindings) {
      llvm::Value* v = ConstV(Value::Undefined());
      if (bnd.boxed) v = AllocBox(v);
      b_.CreateStore(v, slots_[bnd.slot]);
    }
    size_t next_fixup = 0;
    for (size_t k = 0; k < l.bindings.size(); ++k) {
      const ir::Binding& bnd = l.bindings[k];
      if (IsLifted(*bnd.init)) {
        // No closure (its slot stays undefined and is never read) and no fixup names it.
        Enqueue(ir::As<ir::Lambda>(*bnd.init));
        continue;
      }
      llvm::Value* v = Emit(*bnd.init);
      if (bnd.boxed) {
        StoreBoxRecorded(b_.CreateLoad(vt_, slots_[bnd.slot]), v, StorePath::kBox);
      } else {
        b_.CreateStore(v, slots_[bnd.slot]);
      }
      for (; next_fixup < l.fixups.size() &&
             l.fixups[next_fixup].value_binding == static_cast<int>(k);
           ++next_fixup) {
        const ir::Fixup& f = l.fixups[next_fixup];
        const ir::Binding& holder = l.bindings[f.closure_binding];
        llvm::Value* c = b_.CreateLoad(vt_, slots_[holder.slot]);
        if (holder.boxed) c = LoadBox(c);
        llvm::BasicBlock* set = NewBlock("fixup");
        llvm::BasicBlock* done = NewBlock("fixed");
        b_.CreateCondBr(HasType(c, ObjType::kClosure), set, done);
        b_.SetInsertPoint(set);
        if (f.closure_binding == static_cast<int>(k) && bnd.init->kind == NodeKind::kLambda) {
          // A closure that captures itself (a named let, a self-recursive internal define): it
          // was allocated just above, with no poll since, so it is young and needs no card.
          // Marking one anyway dirtied a card per loop entry (quicksort: 13,000 cards for each
          // minor collection to scan, in blocks that also hold old objects).
          StoreField(c, layout::kClosureCapturesOffset + 8 * f.capture, v);
        } else {
          StoreFieldRecorded(c, layout::kClosureCapturesOffset + 8 * f.capture, v,
                             StorePath::kClosureFixup);
        }
        b_.CreateBr(done);
        b_.SetInsertPoint(done);
      }
    }
    return Emit(*l.body);
  }

  // After a call that may have ended the block (a tail call): code that follows is
  // unreachable and goes in a block of its own.
  llvm::Value* Finish(const ir::Call& call, llvm::Value* result) {
    if (result != nullptr) return result;
    (void)call;
    b_.SetInsertPoint(NewBlock("after_tail"));
    return llvm::PoisonValue::get(vt_);
  }

  // A call of a global that (define name (lambda ...)) bound to a procedure that the lowering
  // knows (GlobalProcHint): when f is still a closure of that procedure, call it directly;
  // otherwise (redefined, never defined, ...) the generic call.
  llvm::Value* EmitGlobalCall(const ir::Call& call, const ir::Global& g, llvm::Value* f,
                              const std::vector<llvm::Value*>& args) {
    JitProc* proc = env_.GlobalProcHint(g.name);
    llvm::Value* code =
        proc != nullptr && proc->lambda != nullptr && Accepts(*proc, args.size())
            ? KnownCode(*proc->lambda)
            : nullptr;
    if (code == nullptr) {
      // A global that holds a built-in now (append, display, length, ...) is called through
      // tj_call, which also copes with whatever it may be redefined to: no closure path.
      if (IsPrimitive(BoxRef(env_.GlobalBoxFor(g)))) return EmitFallbackCall(call, f, args);
      return EmitGenericCall(call, f, args);
    }
    // A per-site cache of the last closure that passed the test: usually one compare. The
    // slot is a root (it keeps that closure alive, as the global most likely does anyway).
    llvm::Value* cache = Address(env_.NewRootSlot(Value::False()));
    llvm::BasicBlock* test = NewBlock("test_proc");
    llvm::BasicBlock* check = NewBlock("check_proc");
    llvm::BasicBlock* remember = NewBlock("remember_proc");
    llvm::BasicBlock* known = NewBlock("known");
    llvm::BasicBlock* fail = NewBlock("unknown");
    b_.CreateCondBr(b_.CreateICmpEQ(Bits(f), Bits(b_.CreateLoad(vt_, cache))), known, test,
                    Hot());
    b_.SetInsertPoint(test);
    b_.CreateCondBr(HasType(f, ObjType::kClosure), check, fail, Hot());
    b_.SetInsertPoint(check);
    llvm::Value* code_word = b_.CreateLoad(i64_, FieldPtr(f, layout::kClosureCodeOffset));
    b_.CreateCondBr(b_.CreateICmpEQ(code_word, b_.getInt64(CodeWord(proc))), remember, fail,
                    Hot());
    b_.SetInsertPoint(remember);
    b_.CreateStore(f, cache);
    b_.CreateBr(known);
    b_.SetInsertPoint(known);
    llvm::Value* fast = EmitKnownCall(call, f, args, *proc->lambda, code);
    // A known tail call has already returned (musttail + ret).
    return JoinWithFallback(call, f, args, fast, fail, "global_called");
  }

  // Joins a fast path that ends at the insert point, yielding `fast`, with the ordinary call
  // made at `fail`. In tail position the fast path has already returned, so only the fallback
  // (itself a tail call) remains to emit.
  llvm::Value* JoinWithFallback(const ir::Call& call, llvm::Value* f,
                                const std::vector<llvm::Value*>& args, llvm::Value* fast,
                                llvm::BasicBlock* fail, const char* done_name) {
    if (call.tail) {
      b_.SetInsertPoint(fail);
      return EmitFallbackCall(call, f, args);
    }
    llvm::BasicBlock* fast_end = b_.GetInsertBlock();
    llvm::BasicBlock* done = NewBlock(done_name);
    b_.CreateBr(done);
    b_.SetInsertPoint(fail);
    llvm::Value* slow = EmitFallbackCall(call, f, args);
    llvm::BasicBlock* slow_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
    phi->addIncoming(fast, fast_end);
    phi->addIncoming(slow, slow_end);
    return phi;
  }

  // The unbound-variable test of global `g`'s value `v`. A global bound now (a built-in, a
  // procedure defined by an earlier unit) stays bound: only define and set! store into its
  // box, and #<undefined> is never a value they can store (every read of a letrec variable
  // that may be undefined is checked). So only globals unbound at compile time need the test.
  void CheckBound(const ir::Global& g, llvm::Value* v, const SourcePos& pos) {
    if (!BoxRef(env_.GlobalBoxFor(g)).IsUndefined()) return;
    ThrowIf(IsValue(v, Value::Undefined()),
            env_.Site(pos, absl::StrCat("unbound variable: ", g.name)));
  }

  llvm::Value* EmitCall(const ir::Call& call) {
    // A global operator is tested for being bound first, but its value is read after the
    // operands (both engines; R7RS leaves the order open). Read first, it would be a GC value
    // live across every call in the operands, and nested calls of one global,
    // (+ 1 (+ 1 (+ 1 ...))), would carry n of them across n statepoints: n^2 relocations,
    // quadratic compile time (docs/design/jit.md, "Compile time of huge functions").
    const bool global_operator = call.fn->kind == NodeKind::kGlobalRef;
    llvm::Value* f = nullptr;
    if (call.fn->kind == NodeKind::kProcRef) {
      // A lifted lambda (ir.h): no closure to pass; the arguments include its free variables
      // and the analysis checked their number, so this is always a direct call.
      f = ConstV(Value::False());
    } else if (global_operator) {
      const auto& g = ir::As<ir::Global>(*call.fn);
      if (BoxRef(env_.GlobalBoxFor(g)).IsUndefined()) {
        CheckBound(g, b_.CreateLoad(vt_, GlobalValueAddress(g)), call.fn->pos);
      }
    } else {
      f = Emit(*call.fn);
    }
    std::vector<llvm::Value*> args;
    for (const ir::NodePtr& a : call.args) args.push_back(Emit(*a));
    if (global_operator) {
      f = b_.CreateLoad(vt_, GlobalValueAddress(ir::As<ir::Global>(*call.fn)));
    }
    if (call.known != nullptr) {
      // The analysis proved that f is a closure of call.known.
      llvm::Value* code = KnownCode(*call.known);
      if (code == nullptr || !Accepts(*env_.ProcFor(*call.known), args.size())) {
        return EmitGenericCall(call, f, args);  // (the arity error)
      }
      return Finish(call, EmitKnownCall(call, f, args, *call.known, code));
    }
    InlineOp op = InlineOp::kNone;
    if (call.fn->kind == NodeKind::kGlobalRef) {
      const auto& g = ir::As<ir::Global>(*call.fn);
      op = InlineOpFor(g.name, args);
      if (op == InlineOp::kNone) return EmitGlobalCall(call, g, f, args);
    }
    if (op == InlineOp::kNone) return EmitGenericCall(call, f, args);
    llvm::BasicBlock* fail = nullptr;
    llvm::Value* fast = EmitInline(op, ir::As<ir::Global>(*call.fn), f, args, &fail);
    if (call.tail) b_.CreateRet(fast);  // an inline result in tail position is returned here
    return JoinWithFallback(call, f, args, fast, fail, "inline_done");
  }

  // The uniform signature's operands: closure, argc, a0..a5, the list of the others.
  std::vector<llvm::Value*> CallOperands(llvm::Value* f, const std::vector<llvm::Value*>& args) {
    int argc = static_cast<int>(args.size());
    llvm::Value* rest = ConstV(Value::Nil());
    for (int i = argc; i-- > kRegisterArgs;) rest = AllocPair(args[i], rest);
    std::vector<llvm::Value*> operands = {f, b_.getInt64(argc)};
    for (int i = 0; i < kRegisterArgs; ++i) {
      operands.push_back(i < argc ? args[i] : ConstV(Value::Unspecified()));
    }
    operands.push_back(rest);
    return operands;
  }

  // Calls `code` (a closure's function, arity already checked). A tail call ends the block
  // (musttail + ret) and returns nullptr; otherwise the result, in the current block.
  llvm::Value* EmitDirectCall(const ir::Call& call, llvm::Value* code,
                              const std::vector<llvm::Value*>& operands) {
    if (call.tail) {
      llvm::CallInst* c = CallProc(code, operands);
      c->setTailCallKind(llvm::CallInst::TCK_MustTail);
      // Nothing in this frame is live after a tail call (Fact 6).
      c->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
      b_.CreateRet(c);
      return nullptr;
    }
    // The stack check is made by the caller, so "stack overflow" names the call site.
    llvm::Function* frame_address = llvm::Intrinsic::getDeclaration(
        &m_, llvm::Intrinsic::frameaddress, {pt_});
    llvm::Value* fp = b_.CreatePtrToInt(b_.CreateCall(frame_address, {b_.getInt32(0)}), i64_);
    // The running thread's limit (jit/thread_state.h).
    ThrowIf(b_.CreateICmpULT(fp, LoadInvariant(i64_, ThreadField(kStackLimitOffset))),
            env_.Site(call.pos, "stack overflow"));
    // Dynamic scope of the call site for position-less errors (the running thread's
    // JitThreadState::current_site).
    bool has_pos = call.pos.file != nullptr;
    llvm::Value* slot = ThreadField(kCurrentSiteOffset);
    llvm::Value* saved = has_pos ? b_.CreateLoad(pt_, slot) : nullptr;
    if (has_pos) b_.CreateStore(Address(env_.Site(call.pos, "")), slot);
    // The operands become words last, after everything that can reach a safepoint.
    llvm::CallInst* c = CallProc(code, operands);
    if (has_pos) b_.CreateStore(saved, slot);
    return c;
  }

  static bool Accepts(const JitProc& proc, size_t argc) {
    int n = static_cast<int>(argc);
    return proc.max_args < 0 ? n >= proc.min_args : n == proc.max_args;
  }

  // The function of a lambda whose closure is known to be `f`: in this module (this form's
  // or an earlier form's of the same unit), or already linked; nullptr when neither (the
  // lambda's module failed to compile).
  llvm::Value* KnownCode(const ir::Lambda& lambda) {
    if (lambda.lifted) return Enqueue(lambda);  // always of this form, so of this module
    if (auto it = functions_.find(&lambda); it != functions_.end()) return it->second;
    const JitProc* proc = env_.ProcFor(lambda);
    // Lowered earlier into this module (another form of the same compilation unit).
    if (llvm::Function* f = m_.getFunction(proc->symbol); f != nullptr && !proc->symbol.empty()) {
      return f;
    }
    if (proc->code == nullptr) return nullptr;
    return Address(proc->code);
  }

  // A call whose callee `f` is a closure of `lambda` that accepts args.size() arguments: a
  // direct call with no type or arity test, and a self tail call is a branch to the loop
  // header (place-safepoints puts a poll on that back-edge). Returns as EmitDirectCall.
  llvm::Value* EmitKnownCall(const ir::Call& call, llvm::Value* f,
                             const std::vector<llvm::Value*>& args, const ir::Lambda& lambda,
                             llvm::Value* code) {
    if (call.tail && &lambda == lambda_ && !lambda.has_rest) {
      // Every argument is computed already; only now are the parameter slots overwritten.
      for (size_t i = 0; i < args.size(); ++i) b_.CreateStore(args[i], slots_[i]);
      b_.CreateStore(f, closure_slot_);
      b_.CreateBr(loop_header_);
      return nullptr;
    }
    return EmitDirectCall(call, code, CallOperands(f, args));
  }

  // The call through tj_call / tj_call_tail, which call anything (closures too); for a tail
  // call, tj_call_tail leaves a closure call (and `apply` of a closure) in the pending buffer
  // for a real tail call from here, so that such loops run in constant stack. Returns as
  // EmitDirectCall.
  llvm::Value* EmitSlowCall(const ir::Call& call, const std::vector<llvm::Value*>& operands) {
    std::vector<llvm::Value*> slow_operands = operands;
    slow_operands.push_back(Address(env_.Site(call.pos, "")));
    if (!call.tail) return b_.CreateCall(call_helper_, slow_operands);
    llvm::Value* slow_result = b_.CreateCall(call_tail_helper_, slow_operands);
    llvm::BasicBlock* pending = NewBlock("pending");
    llvm::BasicBlock* returned = NewBlock("returned");
    b_.CreateCondBr(IsValue(slow_result, Value::FromBits(kTailCallMarker)), pending, returned,
                    Cold());
    b_.SetInsertPoint(returned);
    b_.CreateRet(slow_result);
    b_.SetInsertPoint(pending);
    // No safepoint between the helper's return and the jump: the buffer's values need no
    // stack map.
    // The running thread's buffer (jit/thread_state.h).
    std::vector<llvm::Value*> pending_operands;
    for (int i = 0; i < kPendingCallWords; ++i) {
      const size_t offset = kPendingOffset + 8 * static_cast<size_t>(i);
      pending_operands.push_back(b_.CreateLoad(i64_, ThreadField(offset)));
    }
    llvm::Value* target = b_.CreateLoad(vt_, ThreadField(kPendingOffset));
    llvm::Value* target_info = b_.CreateIntToPtr(
        b_.CreateAnd(b_.CreateLoad(i64_, FieldPtr(target, layout::kClosureCodeOffset)),
                     b_.getInt64(~uint64_t{1})),
        pt_);
    llvm::Value* target_code = b_.CreateLoad(
        pt_, b_.CreateGEP(b_.getInt8Ty(), target_info, b_.getInt64(offsets_.code)));
    llvm::CallInst* c = CallProc(target_code, pending_operands);
    c->setTailCallKind(llvm::CallInst::TCK_MustTail);
    c->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
    b_.CreateRet(c);
    return nullptr;
  }

  // The fallback behind an inline primitive or a procedure test: one helper call, small code
  // (it runs only when a global was redefined or an operand has an unexpected type).
  llvm::Value* EmitFallbackCall(const ir::Call& call, llvm::Value* f,
                                const std::vector<llvm::Value*>& args) {
    return Finish(call, EmitSlowCall(call, CallOperands(f, args)));
  }

  llvm::Value* EmitGenericCall(const ir::Call& call, llvm::Value* f,
                               const std::vector<llvm::Value*>& args) {
    int argc = static_cast<int>(args.size());
    std::vector<llvm::Value*> operands = CallOperands(f, args);

    llvm::BasicBlock* closure_block = NewBlock("closure");
    llvm::BasicBlock* fast = NewBlock("fast");
    llvm::BasicBlock* slow = NewBlock("slow");
    llvm::BasicBlock* done = call.tail ? nullptr : NewBlock("called");
    llvm::BasicBlock* not_closure = argc == 2 ? NewBlock("not_closure") : slow;
    b_.CreateCondBr(HasType(f, ObjType::kClosure), closure_block, not_closure, Hot());
    llvm::BasicBlock* leaf_block = nullptr;
    llvm::Value* leaf_result = nullptr;
    if (argc == 2) {
      b_.SetInsertPoint(not_closure);
      leaf_result = EmitLeafCall(f, args[0], args[1], slow);
      leaf_block = b_.GetInsertBlock();
      if (call.tail) {
        b_.CreateRet(leaf_result);
      } else {
        b_.CreateBr(done);
      }
    }
    // Arity: the callee's JitProc says what it accepts.
    b_.SetInsertPoint(closure_block);
    llvm::Value* info_bits =
        b_.CreateAnd(b_.CreateLoad(i64_, FieldPtr(f, layout::kClosureCodeOffset)),
                     b_.getInt64(~uint64_t{1}));
    llvm::Value* info = b_.CreateIntToPtr(info_bits, pt_);
    auto at = [&](int64_t offset) {
      return b_.CreateGEP(b_.getInt8Ty(), info, b_.getInt64(offset));
    };
    llvm::Value* max = b_.CreateLoad(i32_, at(offsets_.max));
    llvm::Value* min = b_.CreateLoad(i32_, at(offsets_.min));
    llvm::Value* n = b_.getInt32(argc);
    llvm::Value* exact = b_.CreateICmpEQ(max, n);
    llvm::Value* variadic = b_.CreateAnd(b_.CreateICmpSLT(max, b_.getInt32(0)),
                                         b_.CreateICmpSGE(n, min));
    b_.CreateCondBr(b_.CreateOr(exact, variadic), fast, slow, Hot());

    b_.SetInsertPoint(fast);
    llvm::Value* code = b_.CreateLoad(pt_, at(offsets_.code));
    llvm::Value* fast_result = EmitDirectCall(call, code, operands);
    if (!call.tail) {
      fast = b_.GetInsertBlock();
      b_.CreateBr(done);
    }

    b_.SetInsertPoint(slow);
    llvm::Value* slow_result = EmitSlowCall(call, operands);
    if (call.tail) return Finish(call, nullptr);
    slow = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(vt_, 3);
    phi->addIncoming(fast_result, fast);
    phi->addIncoming(slow_result, slow);
    if (leaf_block != nullptr) phi->addIncoming(leaf_result, leaf_block);
    return phi;
  }

  // A built-in called as a value with two arguments: if `f` is a primitive whose built-in has
  // a leaf entry (Builtin::leaf2), a plain call of it with the argument words, no statepoint
  // (it neither allocates nor raises nor calls back); `slow` when there is none or it declined.
  // Returns the value in the current block (the leaf's continuation). lattice orders a poset
  // by `<=` passed as a value: each such call went through tj_call and the built-in's C++
  // path (18.5 ns a call against 6 for a closure).
  llvm::Value* EmitLeafCall(llvm::Value* f, llvm::Value* a, llvm::Value* b,
                            llvm::BasicBlock* slow) {
    llvm::BasicBlock* primitive = NewBlock("primitive");
    llvm::BasicBlock* has_leaf = NewBlock("has_leaf");
    llvm::BasicBlock* answered = NewBlock("leaf_answered");
    b_.CreateCondBr(HasType(f, ObjType::kPrimitive), primitive, slow);
    b_.SetInsertPoint(primitive);
    // The primitive's code word is its Builtin (objects.h: PrimitiveBuiltin).
    llvm::Value* builtin = b_.CreateIntToPtr(
        b_.CreateAnd(b_.CreateLoad(i64_, FieldPtr(f, layout::kClosureCodeOffset)),
                     b_.getInt64(~uint64_t{1})),
        pt_);
    llvm::Value* leaf = b_.CreateLoad(
        pt_, b_.CreateGEP(b_.getInt8Ty(), builtin, b_.getInt64(offsetof(Builtin, leaf2))));
    b_.CreateCondBr(b_.CreateIsNull(leaf), slow, has_leaf, Cold());
    b_.SetInsertPoint(has_leaf);
    auto* type = llvm::FunctionType::get(i64_, {i64_, i64_}, false);
    llvm::CallInst* c = b_.CreateCall(type, leaf, {Word(a), Word(b)});
    c->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
    b_.CreateCondBr(b_.CreateICmpEQ(c, b_.getInt64(kLeafDeclined)), slow, answered, Cold());
    b_.SetInsertPoint(answered);
    return b_.CreateIntToPtr(c, vt_);
  }

  std::string prefix_;
  std::deque<std::pair<const ir::Lambda*, llvm::Function*>> queue_;
  std::vector<LoweredProc> lowered_;
  // The function being lowered.
  const ir::Lambda* lambda_ = nullptr;
  // The closure, in a slot so that a self tail call (a loop) can replace it.
  llvm::AllocaInst* closure_slot_ = nullptr;
  // Where a self tail call jumps: after the parameters reached their slots, before the boxing
  // of boxed parameters.
  llvm::BasicBlock* loop_header_ = nullptr;
  std::unordered_map<const ir::Lambda*, llvm::Function*> functions_;
  std::vector<llvm::AllocaInst*> slots_;
};

}  // namespace
}  // namespace internal

using internal::Lowerer;

std::vector<LoweredProc> LowerToplevel(LowerEnv& env, const ir::Lambda& toplevel,
                                       const std::string& prefix, llvm::Module& module) {
  Lowerer lowerer(env, module);
  std::vector<LoweredProc> procs = lowerer.Lower(toplevel, prefix);
  lowerer.DefinePoll();
  return procs;
}

void DefineEntryModule(LowerEnv& env, llvm::Module& module) {
  Lowerer lowerer(env, module);
  lowerer.DefineEntry();
  lowerer.DefinePoll();
}

}  // namespace toylang::jit
