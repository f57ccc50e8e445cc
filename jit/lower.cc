#include "jit/lower.h"

#include <cstddef>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "frontend/builtins/builtins.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/MDBuilder.h"

namespace toylang::jit {
namespace {

using ir::NodeKind;

// Offsets of JitProc's fields, measured on an instance: JitProc is not standard-layout (it has
// a std::string), so offsetof would be conditionally supported.
struct ProcOffsets {
  int64_t code, min, max;
};
ProcOffsets GetProcOffsets() {
  static const JitProc probe;
  auto at = [](const void* field) {
    return static_cast<int64_t>(static_cast<const char*>(field) -
                                reinterpret_cast<const char*>(&probe));
  };
  return {at(&probe.code), at(&probe.min32), at(&probe.max32)};
}

class Lowerer {
 public:
  Lowerer(LowerEnv& env, llvm::Module& m)
      : env_(env), m_(m), ctx_(m.getContext()), b_(ctx_), offsets_(GetProcOffsets()) {
    vt_ = llvm::PointerType::get(ctx_, 1);
    i64_ = llvm::Type::getInt64Ty(ctx_);
    i32_ = llvm::Type::getInt32Ty(ctx_);
    pt_ = llvm::PointerType::get(ctx_, 0);
    std::vector<llvm::Type*> params = {vt_, i64_};
    for (int i = 0; i < kRegisterArgs; ++i) params.push_back(vt_);
    params.push_back(vt_);
    proc_type_ = llvm::FunctionType::get(vt_, params, false);
    std::vector<llvm::Type*> call_params = params;
    call_params.push_back(pt_);
    call_helper_ = Helper("tj_call", vt_, call_params);
    call_tail_helper_ = Helper("tj_call_tail", vt_, call_params);
    cons_helper_ = Helper("tj_cons", vt_, {vt_, vt_});
    box_helper_ = Helper("tj_make_box", vt_, {vt_});
    closure_helper_ = Helper("tj_make_closure", vt_, {pt_, i64_});
    throw_helper_ = Helper("tj_throw", llvm::Type::getVoidTy(ctx_), {pt_});
    llvm::cast<llvm::Function>(throw_helper_.getCallee())->setDoesNotReturn();
    poll_helper_ = Helper("tj_poll", llvm::Type::getVoidTy(ctx_), {});
  }

  llvm::FunctionType* proc_type() const { return proc_type_; }

  void DefinePoll() {
    auto* fn = llvm::Function::Create(llvm::FunctionType::get(llvm::Type::getVoidTy(ctx_), false),
                                      llvm::GlobalValue::ExternalLinkage, "gc.safepoint_poll", m_);
    auto* entry = llvm::BasicBlock::Create(ctx_, "entry", fn);
    auto* slow = llvm::BasicBlock::Create(ctx_, "slow", fn);
    auto* done = llvm::BasicBlock::Create(ctx_, "done", fn);
    b_.SetInsertPoint(entry);
    // The interrupt flag rides on the poll: entries and loop back-edges are where a running
    // program must notice Ctrl-C too.
    llvm::Value* flag = b_.CreateLoad(i32_, Address(env_.SafepointFlag()), /*isVolatile=*/true);
    llvm::Value* intr = b_.CreateLoad(llvm::Type::getInt8Ty(ctx_), Address(env_.InterruptFlag()),
                                      /*isVolatile=*/true);
    llvm::Value* any = b_.CreateOr(b_.CreateICmpNE(flag, b_.getInt32(0)),
                                   b_.CreateICmpNE(intr, b_.getInt8(0)));
    b_.CreateCondBr(any, slow, done, Cold());
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
    llvm::CallInst* call = b_.CreateCall(proc_type_, fn->getArg(0), args);
    call->setCallingConv(llvm::CallingConv::Tail);
    b_.CreateRet(call);
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
  llvm::FunctionCallee Helper(const char* name, llvm::Type* ret, llvm::ArrayRef<llvm::Type*> params) {
    return m_.getOrInsertFunction(name, llvm::FunctionType::get(ret, params, false));
  }
  llvm::MDNode* Cold() { return llvm::MDBuilder(ctx_).createBranchWeights(1, 1000); }
  llvm::MDNode* Hot() { return llvm::MDBuilder(ctx_).createBranchWeights(1000, 1); }
  llvm::Value* Address(const volatile void* p) {
    return b_.CreateIntToPtr(b_.getInt64(reinterpret_cast<uint64_t>(p)), pt_);
  }
  llvm::Constant* ConstV(Value v) {
    return llvm::ConstantExpr::getIntToPtr(llvm::ConstantInt::get(i64_, v.bits()), vt_);
  }
  llvm::Value* Bits(llvm::Value* v) { return b_.CreatePtrToInt(v, i64_); }
  llvm::Value* FieldPtr(llvm::Value* v, int64_t offset) {
    return b_.CreateGEP(b_.getInt8Ty(), v, b_.getInt64(offset));
  }
  llvm::Value* LoadField(llvm::Value* v, int64_t offset) {
    return b_.CreateLoad(vt_, FieldPtr(v, offset));
  }
  void StoreField(llvm::Value* v, int64_t offset, llvm::Value* x) {
    b_.CreateStore(x, FieldPtr(v, offset));
  }
  llvm::Value* IsValue(llvm::Value* v, Value k) {
    return b_.CreateICmpEQ(Bits(v), b_.getInt64(k.bits()));
  }
  llvm::BasicBlock* NewBlock(const char* name) {
    return llvm::BasicBlock::Create(ctx_, name, fn_);
  }

  static void SetGcAttributes(llvm::Function* fn) {
    fn->setGC("statepoint-example");
    // Unwind tables: toylang errors are C++ exceptions thrown by helpers through JIT frames.
    fn->setUWTableKind(llvm::UWTableKind::Async);
  }

  // Throws the error at `site` when `cond` holds (a cold, non-returning path).
  void ThrowIf(llvm::Value* cond, const ErrorSite* site) {
    llvm::BasicBlock* bad = NewBlock("error");
    llvm::BasicBlock* ok = NewBlock("ok");
    b_.CreateCondBr(cond, bad, ok, Cold());
    b_.SetInsertPoint(bad);
    b_.CreateCall(throw_helper_, {Address(site)});
    b_.CreateUnreachable();
    b_.SetInsertPoint(ok);
  }

  // v is a header object of `type` (an i1; loads the header only for objects).
  llvm::Value* HasType(llvm::Value* v, ObjType type) {
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

  llvm::Function* Enqueue(const ir::Lambda& lambda) {
    JitProc* proc = env_.ProcFor(lambda);
    std::string name = absl::StrCat(prefix_, "_", lowered_.size());
    auto* fn = llvm::Function::Create(proc_type_, llvm::GlobalValue::ExternalLinkage, name, m_);
    fn->setCallingConv(llvm::CallingConv::Tail);
    SetGcAttributes(fn);
    lowered_.push_back({proc, name});
    queue_.emplace_back(&lambda, fn);
    return fn;
  }

  // --- Procedures ------------------------------------------------------------------------

  void LowerFunction(const ir::Lambda& lambda, llvm::Function* fn) {
    fn_ = fn;
    lambda_ = &lambda;
    closure_ = fn->getArg(0);
    llvm::BasicBlock* entry = NewBlock("entry");
    b_.SetInsertPoint(entry);
    // Frame slots are allocas that mem2reg/sroa promote to SSA before RS4GC (Fact 5): every
    // access is a whole-value load or store, and no slot's address escapes.
    slots_.clear();
    for (int i = 0; i < lambda.frame_size; ++i) {
      slots_.push_back(b_.CreateAlloca(vt_, nullptr, absl::StrCat("slot", i)));
    }
    for (llvm::AllocaInst* slot : slots_) b_.CreateStore(ConstV(Value::Undefined()), slot);
    int required = lambda.min_args();
    llvm::Value* argc = fn->getArg(1);
    llvm::Value* rest = fn->getArg(2 + kRegisterArgs);
    // Required parameters beyond the registers come from the rest list, in order.
    llvm::Value* cursor = rest;
    for (int i = 0; i < required; ++i) {
      llvm::Value* v;
      if (i < kRegisterArgs) {
        v = fn->getArg(2 + i);
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
        llvm::Value* consed = b_.CreateCall(cons_helper_, {fn->getArg(2 + i), list});
        b_.CreateBr(next);
        b_.SetInsertPoint(next);
        llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
        phi->addIncoming(list, from);
        phi->addIncoming(consed, add);
        list = phi;
      }
      b_.CreateStore(list, slots_[required]);
    }
    for (int slot : lambda.boxed_params) {
      llvm::Value* v = b_.CreateLoad(vt_, slots_[slot]);
      b_.CreateStore(b_.CreateCall(box_helper_, {v}), slots_[slot]);
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
                             : LoadField(closure_, layout::kClosureCapturesOffset + 8 * r.index);
        if (r.boxed) v = LoadField(v, layout::kBoxValueOffset);
        if (r.check_defined) {
          ThrowIf(IsValue(v, Value::Undefined()),
                  env_.Site(node.pos, absl::StrCat(r.name, ": variable used before its definition")));
        }
        return v;
      }
      case NodeKind::kGlobalRef: {
        const auto& g = ir::As<ir::Global>(node);
        llvm::Value* v = b_.CreateLoad(vt_, GlobalValueAddress(g));
        ThrowIf(IsValue(v, Value::Undefined()),
                env_.Site(node.pos, absl::StrCat("unbound variable: ", g.name)));
        return v;
      }
      case NodeKind::kLocalSet:
      case NodeKind::kCaptureSet: {
        const auto& s = ir::As<ir::VarSet>(node);
        llvm::Value* v = Emit(*s.value);
        if (node.kind == NodeKind::kLocalSet) {
          if (s.boxed) {
            StoreField(b_.CreateLoad(vt_, slots_[s.index]), layout::kBoxValueOffset, v);
          } else {
            b_.CreateStore(v, slots_[s.index]);
          }
        } else {
          llvm::Value* box = LoadField(closure_, layout::kClosureCapturesOffset + 8 * s.index);
          StoreField(box, layout::kBoxValueOffset, v);
        }
        return ConstV(Value::Unspecified());
      }
      case NodeKind::kGlobalSet:
      case NodeKind::kGlobalDefine: {
        const auto& g = ir::As<ir::Global>(node);
        llvm::Value* v = Emit(*g.value);
        llvm::Value* address = GlobalValueAddress(g);
        if (node.kind == NodeKind::kGlobalSet) {
          ThrowIf(IsValue(b_.CreateLoad(vt_, address), Value::Undefined()),
                  env_.Site(node.pos, absl::StrCat("set!: unbound variable: ", g.name)));
        }
        b_.CreateStore(v, address);
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
      case NodeKind::kLet: {
        const auto& l = ir::As<ir::Let>(node);
        for (const ir::Binding& bnd : l.bindings) {
          llvm::Value* v = Emit(*bnd.init);
          if (bnd.boxed) v = b_.CreateCall(box_helper_, {v});
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
    JitProc* proc = env_.ProcFor(lambda);
    llvm::Value* c = b_.CreateCall(
        closure_helper_, {Address(proc), b_.getInt64(lambda.captures.size())});
    for (size_t i = 0; i < lambda.captures.size(); ++i) {
      const ir::CaptureSource& s = lambda.captures[i];
      llvm::Value* v = s.from_capture
                           ? LoadField(closure_, layout::kClosureCapturesOffset + 8 * s.index)
                           : b_.CreateLoad(vt_, slots_[s.index]);
      StoreField(c, layout::kClosureCapturesOffset + 8 * i, v);
    }
    return c;
  }

  llvm::Value* EmitLetrec(const ir::Let& l) {
    for (const ir::Binding& bnd : l.bindings) {
      llvm::Value* v = ConstV(Value::Undefined());
      if (bnd.boxed) v = b_.CreateCall(box_helper_, {v});
      b_.CreateStore(v, slots_[bnd.slot]);
    }
    size_t next_fixup = 0;
    for (size_t k = 0; k < l.bindings.size(); ++k) {
      const ir::Binding& bnd = l.bindings[k];
      llvm::Value* v = Emit(*bnd.init);
      if (bnd.boxed) {
        StoreField(b_.CreateLoad(vt_, slots_[bnd.slot]), layout::kBoxValueOffset, v);
      } else {
        b_.CreateStore(v, slots_[bnd.slot]);
      }
      for (; next_fixup < l.fixups.size() &&
             l.fixups[next_fixup].value_binding == static_cast<int>(k);
           ++next_fixup) {
        const ir::Fixup& f = l.fixups[next_fixup];
        const ir::Binding& holder = l.bindings[f.closure_binding];
        llvm::Value* c = b_.CreateLoad(vt_, slots_[holder.slot]);
        if (holder.boxed) c = LoadField(c, layout::kBoxValueOffset);
        llvm::BasicBlock* set = NewBlock("fixup");
        llvm::BasicBlock* done = NewBlock("fixed");
        b_.CreateCondBr(HasType(c, ObjType::kClosure), set, done);
        b_.SetInsertPoint(set);
        StoreField(c, layout::kClosureCapturesOffset + 8 * f.capture, v);
        b_.CreateBr(done);
        b_.SetInsertPoint(done);
      }
    }
    return Emit(*l.body);
  }

  // A call of a global that names one of these built-ins with this many arguments is tried
  // inline first: when the global still holds that built-in (its code word says so, whatever
  // the global was redefined to) and the operands have the right types. Anything else
  // (another procedure, a flonum, an overflow, an error) takes the ordinary call below.
  enum class InlineOp { kNone, kAdd, kSub, kLt, kGt, kLe, kGe, kNumEq, kCar, kCdr, kNullP,
                        kPairP, kNot, kEqP };
  static InlineOp InlineOpFor(const std::string& name, size_t argc) {
    static const struct { const char* name; size_t argc; InlineOp op; } kOps[] = {
        {"+", 2, InlineOp::kAdd},      {"-", 2, InlineOp::kSub},     {"<", 2, InlineOp::kLt},
        {">", 2, InlineOp::kGt},       {"<=", 2, InlineOp::kLe},     {">=", 2, InlineOp::kGe},
        {"=", 2, InlineOp::kNumEq},    {"car", 1, InlineOp::kCar},   {"cdr", 1, InlineOp::kCdr},
        {"null?", 1, InlineOp::kNullP}, {"pair?", 1, InlineOp::kPairP},
        {"not", 1, InlineOp::kNot},    {"eq?", 2, InlineOp::kEqP},
    };
    for (const auto& o : kOps) {
      if (name == o.name && argc == o.argc) return o.op;
    }
    return InlineOp::kNone;
  }

  // Emits the inline operation; returns its value in the current block, which it leaves
  // positioned on the success path, and sets *fail to the block that must make the real call.
  llvm::Value* EmitInline(InlineOp op, const std::string& name, llvm::Value* f,
                          const std::vector<llvm::Value*>& args, llvm::BasicBlock** fail) {
    const Builtin* builtin = FindBuiltin(name);
    *fail = NewBlock("not_inline");
    llvm::BasicBlock* is_builtin = NewBlock("is_builtin");
    llvm::BasicBlock* check_code = NewBlock("check_code");
    b_.CreateCondBr(HasType(f, ObjType::kPrimitive), check_code, *fail, Hot());
    b_.SetInsertPoint(check_code);
    llvm::Value* code_word = b_.CreateLoad(i64_, FieldPtr(f, layout::kClosureCodeOffset));
    b_.CreateCondBr(b_.CreateICmpEQ(code_word, b_.getInt64(CodeWord(builtin))), is_builtin, *fail,
                    Hot());
    b_.SetInsertPoint(is_builtin);
    auto bool_value = [&](llvm::Value* cond) {
      return b_.CreateSelect(cond, ConstV(Value::True()), ConstV(Value::False()));
    };
    auto require = [&](llvm::Value* cond) {
      llvm::BasicBlock* ok = NewBlock("inline_ok");
      b_.CreateCondBr(cond, ok, *fail, Hot());
      b_.SetInsertPoint(ok);
    };
    llvm::Value* x = Bits(args[0]);
    llvm::Value* y = args.size() > 1 ? Bits(args[1]) : nullptr;
    auto both_fixnums = [&] {
      require(b_.CreateICmpNE(b_.CreateAnd(b_.CreateAnd(x, y), b_.getInt64(1)), b_.getInt64(0)));
    };
    auto is_pair = [&](llvm::Value* bits) {
      return b_.CreateICmpEQ(b_.CreateAnd(bits, b_.getInt64(Value::kTagMask)),
                             b_.getInt64(Value::kPairTag));
    };
    switch (op) {
      case InlineOp::kAdd:
      case InlineOp::kSub: {
        // Tagged: (2a+1) + (2b+1) - 1 = 2(a+b)+1, (2a+1) - (2b+1) + 1 = 2(a-b)+1; a 64-bit
        // overflow of the tagged word is exactly a 63-bit fixnum overflow.
        both_fixnums();
        llvm::Value* y1 = b_.CreateSub(y, b_.getInt64(1));
        llvm::Value* r = b_.CreateBinaryIntrinsic(op == InlineOp::kAdd
                                                      ? llvm::Intrinsic::sadd_with_overflow
                                                      : llvm::Intrinsic::ssub_with_overflow,
                                                  x, y1);
        require(b_.CreateNot(b_.CreateExtractValue(r, 1)));
        return b_.CreateIntToPtr(b_.CreateExtractValue(r, 0), vt_);
      }
      case InlineOp::kLt: both_fixnums(); return bool_value(b_.CreateICmpSLT(x, y));
      case InlineOp::kGt: both_fixnums(); return bool_value(b_.CreateICmpSGT(x, y));
      case InlineOp::kLe: both_fixnums(); return bool_value(b_.CreateICmpSLE(x, y));
      case InlineOp::kGe: both_fixnums(); return bool_value(b_.CreateICmpSGE(x, y));
      case InlineOp::kNumEq: both_fixnums(); return bool_value(b_.CreateICmpEQ(x, y));
      case InlineOp::kCar:
      case InlineOp::kCdr:
        require(is_pair(x));
        return LoadField(args[0], (op == InlineOp::kCar ? 0 : 8) -
                                      static_cast<int64_t>(Value::kPairTag));
      case InlineOp::kNullP: return bool_value(b_.CreateICmpEQ(x, b_.getInt64(Value::Nil().bits())));
      case InlineOp::kPairP: return bool_value(is_pair(x));
      case InlineOp::kNot: return bool_value(b_.CreateICmpEQ(x, b_.getInt64(Value::False().bits())));
      case InlineOp::kEqP: return bool_value(b_.CreateICmpEQ(x, y));
      case InlineOp::kNone: break;
    }
    return ConstV(Value::Unspecified());
  }

  llvm::Value* EmitCall(const ir::Call& call) {
    llvm::Value* f = Emit(*call.fn);
    std::vector<llvm::Value*> args;
    for (const ir::NodePtr& a : call.args) args.push_back(Emit(*a));
    InlineOp op = InlineOp::kNone;
    if (call.fn->kind == NodeKind::kGlobalRef) {
      op = InlineOpFor(ir::As<ir::Global>(*call.fn).name, args.size());
    }
    if (op == InlineOp::kNone) return EmitGenericCall(call, f, args);
    llvm::BasicBlock* fail = nullptr;
    llvm::Value* fast = EmitInline(op, ir::As<ir::Global>(*call.fn).name, f, args, &fail);
    if (call.tail) {
      b_.CreateRet(fast);
      b_.SetInsertPoint(fail);
      return EmitGenericCall(call, f, args);
    }
    llvm::BasicBlock* fast_end = b_.GetInsertBlock();
    llvm::BasicBlock* done = NewBlock("inline_done");
    b_.CreateBr(done);
    b_.SetInsertPoint(fail);
    llvm::Value* slow = EmitGenericCall(call, f, args);
    llvm::BasicBlock* slow_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
    phi->addIncoming(fast, fast_end);
    phi->addIncoming(slow, slow_end);
    return phi;
  }

  llvm::Value* EmitGenericCall(const ir::Call& call, llvm::Value* f,
                               const std::vector<llvm::Value*>& args) {
    int argc = static_cast<int>(args.size());
    llvm::Value* rest = ConstV(Value::Nil());
    for (int i = argc; i-- > kRegisterArgs;) rest = b_.CreateCall(cons_helper_, {args[i], rest});
    std::vector<llvm::Value*> operands = {f, b_.getInt64(argc)};
    for (int i = 0; i < kRegisterArgs; ++i) {
      operands.push_back(i < argc ? args[i] : ConstV(Value::Unspecified()));
    }
    operands.push_back(rest);

    llvm::BasicBlock* closure_block = NewBlock("closure");
    llvm::BasicBlock* fast = NewBlock("fast");
    llvm::BasicBlock* slow = NewBlock("slow");
    llvm::BasicBlock* done = call.tail ? nullptr : NewBlock("called");
    b_.CreateCondBr(HasType(f, ObjType::kClosure), closure_block, slow, Hot());
    // Arity: the callee's JitProc says what it accepts.
    b_.SetInsertPoint(closure_block);
    llvm::Value* info_bits = b_.CreateAnd(b_.CreateLoad(i64_, FieldPtr(f, layout::kClosureCodeOffset)),
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
    const ErrorSite* site = env_.Site(call.pos, "");
    llvm::Value* fast_result = nullptr;
    if (call.tail) {
      llvm::CallInst* c = b_.CreateCall(proc_type_, code, operands);
      c->setCallingConv(llvm::CallingConv::Tail);
      c->setTailCallKind(llvm::CallInst::TCK_MustTail);
      // Nothing in this frame is live after a tail call (Fact 6).
      c->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
      b_.CreateRet(c);
    } else {
      // The stack check is made by the caller, so "stack overflow" names the call site.
      llvm::Function* frame_address = llvm::Intrinsic::getDeclaration(
          &m_, llvm::Intrinsic::frameaddress, {pt_});
      llvm::Value* fp = b_.CreatePtrToInt(b_.CreateCall(frame_address, {b_.getInt32(0)}), i64_);
      ThrowIf(b_.CreateICmpULT(fp, b_.getInt64(env_.StackLimit())),
              env_.Site(call.pos, "stack overflow"));
      // Dynamic scope of the call site for position-less errors (LowerEnv::CurrentSiteSlot).
      bool has_pos = call.pos.file != nullptr;
      llvm::Value* slot = Address(env_.CurrentSiteSlot());
      llvm::Value* saved = has_pos ? b_.CreateLoad(pt_, slot) : nullptr;
      if (has_pos) b_.CreateStore(Address(site), slot);
      llvm::CallInst* c = b_.CreateCall(proc_type_, code, operands);
      c->setCallingConv(llvm::CallingConv::Tail);
      if (has_pos) b_.CreateStore(saved, slot);
      fast_result = c;
      fast = b_.GetInsertBlock();
      b_.CreateBr(done);
    }

    b_.SetInsertPoint(slow);
    std::vector<llvm::Value*> slow_operands = operands;
    slow_operands.push_back(Address(site));
    if (call.tail) {
      // tj_call_tail performs the call, or (for `apply` of a closure) leaves it in the pending
      // buffer for a real tail call from here, so that apply loops run in constant stack.
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
      uint64_t* buffer = env_.PendingCall();
      std::vector<llvm::Value*> pending_operands;
      for (int i = 0; i < kPendingCallWords; ++i) {
        pending_operands.push_back(b_.CreateLoad(i == 1 ? static_cast<llvm::Type*>(i64_) : vt_,
                                                 Address(buffer + i)));
      }
      llvm::Value* target = pending_operands[0];
      llvm::Value* target_info = b_.CreateIntToPtr(
          b_.CreateAnd(b_.CreateLoad(i64_, FieldPtr(target, layout::kClosureCodeOffset)),
                       b_.getInt64(~uint64_t{1})),
          pt_);
      llvm::Value* target_code = b_.CreateLoad(
          pt_, b_.CreateGEP(b_.getInt8Ty(), target_info, b_.getInt64(offsets_.code)));
      llvm::CallInst* c = b_.CreateCall(proc_type_, target_code, pending_operands);
      c->setCallingConv(llvm::CallingConv::Tail);
      c->setTailCallKind(llvm::CallInst::TCK_MustTail);
      c->addFnAttr(llvm::Attribute::get(ctx_, "gc-leaf-function"));
      b_.CreateRet(c);
      // Whatever the caller emits after a tail call is unreachable; it goes in a block of its
      // own that no branch enters.
      b_.SetInsertPoint(NewBlock("after_tail"));
      return llvm::PoisonValue::get(vt_);
    }
    llvm::Value* slow_result = b_.CreateCall(call_helper_, slow_operands);
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
    phi->addIncoming(fast_result, fast);
    phi->addIncoming(slow_result, slow);
    return phi;
  }

  LowerEnv& env_;
  llvm::Module& m_;
  llvm::LLVMContext& ctx_;
  llvm::IRBuilder<> b_;
  ProcOffsets offsets_;
  llvm::Type* vt_;
  llvm::IntegerType* i64_;
  llvm::IntegerType* i32_;
  llvm::Type* pt_;
  llvm::FunctionType* proc_type_;
  llvm::FunctionCallee call_helper_, call_tail_helper_, cons_helper_, box_helper_, closure_helper_, throw_helper_,
      poll_helper_;
  std::string prefix_;
  std::deque<std::pair<const ir::Lambda*, llvm::Function*>> queue_;
  std::vector<LoweredProc> lowered_;
  // The function being lowered.
  llvm::Function* fn_ = nullptr;
  const ir::Lambda* lambda_ = nullptr;
  llvm::Value* closure_ = nullptr;
  std::vector<llvm::AllocaInst*> slots_;
};

}  // namespace

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
