// Inline primitives: a call of a global that names a built-in is computed in the generated code
// when the global still holds that built-in and the operands have the types the fast path
// handles. Every other case (a redefined global, a flonum, an overflow, a bad index, a wrong
// type) falls back to the ordinary call, so the built-in itself raises its errors, with the
// interpreter's message and the call site's position.
#include <string>
#include <vector>

#include "frontend/builtins/builtins.h"
#include "jit/lower_internal.h"
#include "llvm/IR/Intrinsics.h"

namespace toylang::jit::internal {
namespace {

// The character immediate's low byte (bits 0..7 of Value::Char(c) for every c).
constexpr uint64_t kCharLowByte = Value::Char(0).bits() & 0xff;
static_assert((Value::Char(0x10ffff).bits() & 0xff) == kCharLowByte);

struct OpEntry {
  const char* name;
  int min_argc, max_argc;
  InlineOp op;
};
constexpr OpEntry kOps[] = {
    {"+", 2, 8, InlineOp::kAdd},        {"-", 2, 2, InlineOp::kSub},
    {"*", 2, 8, InlineOp::kMul},        {"<", 2, 2, InlineOp::kLt},
    {">", 2, 2, InlineOp::kGt},         {"<=", 2, 2, InlineOp::kLe},
    {">=", 2, 2, InlineOp::kGe},        {"=", 2, 2, InlineOp::kNumEq},
    {"zero?", 1, 1, InlineOp::kZeroP},  {"quotient", 2, 2, InlineOp::kQuotient},
    {"remainder", 2, 2, InlineOp::kRemainder}, {"modulo", 2, 2, InlineOp::kModulo},
    {"car", 1, 1, InlineOp::kCar},      {"cdr", 1, 1, InlineOp::kCdr},
    {"set-car!", 2, 2, InlineOp::kSetCar}, {"set-cdr!", 2, 2, InlineOp::kSetCdr},
    {"cons", 2, 2, InlineOp::kCons},    {"null?", 1, 1, InlineOp::kNullP},
    {"pair?", 1, 1, InlineOp::kPairP},  {"not", 1, 1, InlineOp::kNot},
    {"eq?", 2, 2, InlineOp::kEqP},      {"eqv?", 2, 2, InlineOp::kEqvP},
    {"vector-ref", 2, 2, InlineOp::kVectorRef}, {"vector-set!", 3, 3, InlineOp::kVectorSet},
    {"vector-length", 1, 1, InlineOp::kVectorLength},
    {"char?", 1, 1, InlineOp::kTypeP},  {"string?", 1, 1, InlineOp::kTypeP},
    {"symbol?", 1, 1, InlineOp::kTypeP}, {"vector?", 1, 1, InlineOp::kTypeP},
    {"procedure?", 1, 1, InlineOp::kTypeP}, {"boolean?", 1, 1, InlineOp::kTypeP},
    {"number?", 1, 1, InlineOp::kTypeP}, {"integer?", 1, 1, InlineOp::kTypeP},
    {"caar", 1, 1, InlineOp::kCxr},     {"cadr", 1, 1, InlineOp::kCxr},
    {"cdar", 1, 1, InlineOp::kCxr},     {"cddr", 1, 1, InlineOp::kCxr},
    {"caddr", 1, 1, InlineOp::kCxr},    {"cdddr", 1, 1, InlineOp::kCxr},
    {"cadddr", 1, 1, InlineOp::kCxr},   {"list", 1, 4, InlineOp::kList},
    {"/", 2, 2, InlineOp::kDiv},        {"vector", 0, 8, InlineOp::kVector},
    {"make-vector", 1, 2, InlineOp::kMakeVector}, {"length", 1, 1, InlineOp::kLength},
    {"append", 2, 2, InlineOp::kAppend},
    // define-record-type's procedures (frontend/expander): the index is a constant.
    {"%record-make", 1, 1 + kMaxInlineVector, InlineOp::kRecordMake},
    {"%record?", 2, 2, InlineOp::kRecordP},
    {"%record-ref", 3, 4, InlineOp::kRecordRef},
    {"%record-set!", 4, 5, InlineOp::kRecordSet},
    // memv and assv too when the key is not a heap object (there eqv? is eq?).
    {"memq", 2, 2, InlineOp::kMemq},    {"memv", 2, 2, InlineOp::kMemq},
    {"assq", 2, 2, InlineOp::kAssq},    {"assv", 2, 2, InlineOp::kAssq},
};

// The fixnum that `v` is, when it is a constant fixnum (ConstV of a literal).
bool ConstantFixnum(llvm::Value* v, int64_t* n) {
  auto* e = llvm::dyn_cast<llvm::ConstantExpr>(v);
  if (e == nullptr || e->getOpcode() != llvm::Instruction::IntToPtr) return false;
  auto* c = llvm::dyn_cast<llvm::ConstantInt>(e->getOperand(0));
  if (c == nullptr) return false;
  Value value = Value::FromBits(c->getZExtValue());
  if (!value.IsFixnum()) return false;
  *n = value.FixnumValue();
  return true;
}

}  // namespace

InlineOp Codegen::InlineOpFor(const std::string& name, const std::vector<llvm::Value*>& args) {
  const auto argc = static_cast<int>(args.size());
  for (const OpEntry& o : kOps) {
    if (name == o.name && argc >= o.min_argc && argc <= o.max_argc) {
      if (o.op == InlineOp::kMakeVector) {
        int64_t n = -1;
        if (!ConstantFixnum(args[0], &n) || n < 0 || n > kMaxInlineVector) return InlineOp::kNone;
      }
      if (o.op == InlineOp::kRecordRef || o.op == InlineOp::kRecordSet) {
        int64_t n = -1;
        if (!ConstantFixnum(args[2], &n) || n < 0 || n >= (int64_t{1} << 32)) {
          return InlineOp::kNone;
        }
      }
      return o.op;
    }
  }
  return InlineOp::kNone;
}

llvm::Value* Codegen::EmitInline(InlineOp op, const ir::Global& global, llvm::Value* f,
                                 const std::vector<llvm::Value*>& args,
                                 llvm::BasicBlock** fail) {
  const std::string& name = global.name;
  const Builtin* builtin = FindBuiltin(name);
  *fail = NewBlock("not_inline");
  llvm::BasicBlock* is_builtin = NewBlock("is_builtin");
  // Is f the built-in? Usually the global holds the built-in's primitive object now (there is
  // one per built-in, made at start-up): then the test is one compare with its address (kept
  // alive, so the address cannot be reused by another object), and anything else takes the
  // fallback call. When the global holds something else at compile time, the test is for any
  // primitive whose code word names the built-in.
  Value current = BoxRef(env_.GlobalBoxFor(global));
  if (IsPrimitive(current) && PrimitiveBuiltin(current) == builtin) {
    env_.KeepAlive(current);
    b_.CreateCondBr(b_.CreateICmpEQ(Bits(f), b_.getInt64(current.bits())), is_builtin, *fail,
                    Hot());
  } else {
    llvm::BasicBlock* check_code = NewBlock("check_code");
    b_.CreateCondBr(HasType(f, ObjType::kPrimitive), check_code, *fail, Hot());
    b_.SetInsertPoint(check_code);
    llvm::Value* code_word = b_.CreateLoad(i64_, FieldPtr(f, layout::kClosureCodeOffset));
    b_.CreateCondBr(b_.CreateICmpEQ(code_word, b_.getInt64(CodeWord(builtin))), is_builtin,
                    *fail, Hot());
  }
  b_.SetInsertPoint(is_builtin);

  auto require = [&](llvm::Value* cond) {
    llvm::BasicBlock* ok = NewBlock("inline_ok");
    b_.CreateCondBr(cond, ok, *fail, Hot());
    b_.SetInsertPoint(ok);
  };
  std::vector<llvm::Value*> bits;
  for (llvm::Value* a : args) bits.push_back(Bits(a));
  llvm::Value* x = bits.empty() ? nullptr : bits[0];  // (vector) has no operands
  llvm::Value* y = bits.size() > 1 ? bits[1] : nullptr;
  auto all_fixnums = [&] {
    llvm::Value* all = bits[0];
    for (size_t i = 1; i < bits.size(); ++i) all = b_.CreateAnd(all, bits[i]);
    require(b_.CreateICmpNE(b_.CreateAnd(all, b_.getInt64(1)), b_.getInt64(0)));
  };
  auto is_pair = [&](llvm::Value* v) {
    return b_.CreateICmpEQ(b_.CreateAnd(v, b_.getInt64(Value::kTagMask)),
                           b_.getInt64(Value::kPairTag));
  };
  auto tagged = [&](llvm::Value* n) {  // n fits a fixnum
    return b_.CreateIntToPtr(b_.CreateOr(b_.CreateShl(n, 1), b_.getInt64(1)), vt_);
  };
  auto overflow_checked = [&](llvm::Intrinsic::ID id, llvm::Value* a, llvm::Value* c) {
    llvm::Value* r = b_.CreateBinaryIntrinsic(id, a, c);
    require(b_.CreateNot(b_.CreateExtractValue(r, 1)));
    return b_.CreateExtractValue(r, 0);
  };
  // A vector and an in-range fixnum index: the slot's byte offset from the vector's start.
  auto vector_slot = [&]() {
    require(HasType(args[0], ObjType::kVector));
    require(b_.CreateICmpNE(b_.CreateAnd(y, b_.getInt64(1)), b_.getInt64(0)));
    llvm::Value* index = b_.CreateAShr(y, 1);
    // Unsigned: a negative index is out of range too.
    require(b_.CreateICmpULT(index, LengthOf(args[0])));
    return b_.CreateAdd(b_.CreateShl(index, 3), b_.getInt64(layout::kVectorSlotsOffset));
  };

  auto both_fixnums = [&] {
    return b_.CreateICmpNE(b_.CreateAnd(b_.CreateAnd(x, y), b_.getInt64(1)), b_.getInt64(0));
  };
  auto load_double = [&](llvm::Value* v) {  // v is a flonum
    return b_.CreateLoad(b_.getDoubleTy(), FieldPtr(v, layout::kFlonumValueOffset));
  };
  // ToDouble (builtins_internal.h): a fixnum converted (sitofp rounds to nearest, as
  // static_cast<double>), a flonum's double; anything else fails.
  auto to_double = [&](llvm::Value* v) -> llvm::Value* {
    llvm::Value* vbits = Bits(v);
    llvm::BasicBlock* fix = NewBlock("to_double_fixnum");
    llvm::BasicBlock* flo = NewBlock("to_double_flonum");
    llvm::BasicBlock* done = NewBlock("to_double_done");
    b_.CreateCondBr(b_.CreateICmpNE(b_.CreateAnd(vbits, b_.getInt64(1)), b_.getInt64(0)), fix,
                    flo);
    b_.SetInsertPoint(fix);
    llvm::Value* converted = b_.CreateSIToFP(b_.CreateAShr(vbits, 1), b_.getDoubleTy());
    b_.CreateBr(done);
    b_.SetInsertPoint(flo);
    require(HasType(v, ObjType::kFlonum));
    llvm::Value* loaded = load_double(v);
    llvm::BasicBlock* flo_end = b_.GetInsertBlock();
    b_.CreateBr(done);
    b_.SetInsertPoint(done);
    llvm::PHINode* phi = b_.CreatePHI(b_.getDoubleTy(), 2);
    phi->addIncoming(converted, fix);
    phi->addIncoming(loaded, flo_end);
    return phi;
  };
  // Two operands: `fix()` when both are fixnums, else `flo()` (which checks the types it
  // needs); each leaves the builder on its success path.
  auto fixnum_or_flonum = [&](auto fix, auto flo) -> llvm::Value* {
    llvm::BasicBlock* fix_block = NewBlock("fixnums");
    llvm::BasicBlock* flo_block = NewBlock("not_fixnums");
    llvm::BasicBlock* join = NewBlock("number_done");
    b_.CreateCondBr(both_fixnums(), fix_block, flo_block);
    b_.SetInsertPoint(fix_block);
    llvm::Value* r1 = fix();
    llvm::BasicBlock* fix_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(flo_block);
    llvm::Value* r2 = flo();
    llvm::BasicBlock* flo_end = b_.GetInsertBlock();
    b_.CreateBr(join);
    b_.SetInsertPoint(join);
    llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
    phi->addIncoming(r1, fix_end);
    phi->addIncoming(r2, flo_end);
    return phi;
  };
  // The fixnum path of + - * (n-ary for + and *).
  auto fixnum_arith = [&]() -> llvm::Value* {
    all_fixnums();
    llvm::Value* acc = x;
    if (op == InlineOp::kMul) {
      // a * (2b) = 2ab on the untagged a and the tag-cleared b: its i64 overflow is the
      // fixnum overflow of ab.
      for (size_t i = 1; i < bits.size(); ++i) {
        llvm::Value* p = overflow_checked(llvm::Intrinsic::smul_with_overflow,
                                          b_.CreateAShr(acc, 1),
                                          b_.CreateSub(bits[i], b_.getInt64(1)));
        acc = b_.CreateOr(p, b_.getInt64(1));
      }
      return b_.CreateIntToPtr(acc, vt_);
    }
    // Tagged: (2a+1) + (2b+1) - 1 = 2(a+b)+1, (2a+1) - (2b+1) + 1 = 2(a-b)+1; a 64-bit
    // overflow of the tagged word is exactly a 63-bit fixnum overflow. n-ary + folds left;
    // an overflow anywhere makes the built-in redo the whole sum.
    for (size_t i = 1; i < bits.size(); ++i) {
      acc = overflow_checked(op == InlineOp::kAdd ? llvm::Intrinsic::sadd_with_overflow
                                                  : llvm::Intrinsic::ssub_with_overflow,
                             acc, b_.CreateSub(bits[i], b_.getInt64(1)));
    }
    return b_.CreateIntToPtr(acc, vt_);
  };
  // The flonum path of two-operand + - * /, computed as Add2/Sub2/Mul2/Div2 (numbers.cc) do:
  // each operand ToDouble'd (a fixnum converted, a flonum loaded, anything else the built-in's
  // type error), one IEEE operation, a new flonum (an exhausted buffer: the built-in).
  auto flonum_arith = [&]() -> llvm::Value* {
    llvm::Value* a = to_double(args[0]);
    llvm::Value* c = to_double(args[1]);
    llvm::Value* r = nullptr;
    switch (op) {
      case InlineOp::kAdd:
        // `+` folds from the exact 0, so its first flonum is 0.0 + a: (+ -0.0 -0.0) is 0.0.
        // (For a converted fixnum 0.0 + a is a.) `*` folds from 1, and 1.0 * a is a.
        r = b_.CreateFAdd(b_.CreateFAdd(llvm::ConstantFP::get(b_.getDoubleTy(), 0.0), a), c);
        break;
      case InlineOp::kSub: r = b_.CreateFSub(a, c); break;
      case InlineOp::kMul: r = b_.CreateFMul(a, c); break;
      default: r = b_.CreateFDiv(a, c); break;
    }
    return InlineFlonum(r, *fail);
  };

  switch (op) {
    case InlineOp::kAdd:
    case InlineOp::kSub:
    case InlineOp::kMul:
      if (bits.size() == 2) return fixnum_or_flonum(fixnum_arith, flonum_arith);
      return fixnum_arith();
    case InlineOp::kDiv:
      // Two fixnums: the built-in (an exact quotient or a flonum, and its division error).
      require(b_.CreateNot(both_fixnums()));
      return flonum_arith();
    case InlineOp::kLt:
    case InlineOp::kGt:
    case InlineOp::kLe:
    case InlineOp::kGe:
    case InlineOp::kNumEq:
      return fixnum_or_flonum(
          [&] {
            llvm::CmpInst::Predicate p = op == InlineOp::kLt   ? llvm::CmpInst::ICMP_SLT
                                         : op == InlineOp::kGt ? llvm::CmpInst::ICMP_SGT
                                         : op == InlineOp::kLe ? llvm::CmpInst::ICMP_SLE
                                         : op == InlineOp::kGe ? llvm::CmpInst::ICMP_SGE
                                                               : llvm::CmpInst::ICMP_EQ;
            return BoolValue(b_.CreateICmp(p, x, y));
          },
          [&] {
            // Two flonums only (a fixnum against a flonum is compared exactly by the
            // built-in). Ordered compares are false when a NaN is involved, as Compare's 2.
            require(HasType(args[0], ObjType::kFlonum));
            require(HasType(args[1], ObjType::kFlonum));
            llvm::Value* a = load_double(args[0]);
            llvm::Value* c = load_double(args[1]);
            llvm::CmpInst::Predicate p = op == InlineOp::kLt   ? llvm::CmpInst::FCMP_OLT
                                         : op == InlineOp::kGt ? llvm::CmpInst::FCMP_OGT
                                         : op == InlineOp::kLe ? llvm::CmpInst::FCMP_OLE
                                         : op == InlineOp::kGe ? llvm::CmpInst::FCMP_OGE
                                                               : llvm::CmpInst::FCMP_OEQ;
            return BoolValue(b_.CreateFCmp(p, a, c));
          });
    case InlineOp::kZeroP:
      all_fixnums();
      return BoolValue(b_.CreateICmpEQ(x, b_.getInt64(Value::Fixnum(0).bits())));
    case InlineOp::kQuotient:
    case InlineOp::kRemainder:
    case InlineOp::kModulo: {
      all_fixnums();
      require(b_.CreateICmpNE(y, b_.getInt64(Value::Fixnum(0).bits())));  // the built-in's error
      llvm::Value* a = b_.CreateAShr(x, 1);
      llvm::Value* c = b_.CreateAShr(y, 1);
      // Fixnums are 63-bit, so neither division can overflow i64; only the quotient
      // kFixnumMin / -1 leaves the fixnum range (the built-in reports it).
      if (op == InlineOp::kQuotient) {
        llvm::Value* q = b_.CreateSDiv(a, c);
        require(b_.CreateICmpNE(q, b_.getInt64(uint64_t{1} << 62)));
        return tagged(q);
      }
      llvm::Value* r = b_.CreateSRem(a, c);
      if (op == InlineOp::kModulo) {
        // The result takes the divisor's sign.
        llvm::Value* adjust = b_.CreateAnd(b_.CreateICmpNE(r, b_.getInt64(0)),
                                           b_.CreateICmpSLT(b_.CreateXor(r, c), b_.getInt64(0)));
        r = b_.CreateSelect(adjust, b_.CreateAdd(r, c), r);
      }
      return tagged(r);
    }
    case InlineOp::kCar:
    case InlineOp::kCdr:
      require(is_pair(x));
      return LoadField(args[0], (op == InlineOp::kCar ? 0 : 8) -
                                    static_cast<int64_t>(Value::kPairTag));
    case InlineOp::kSetCar:
    case InlineOp::kSetCdr:
      require(is_pair(x));
      StoreFieldRecorded(args[0],
                         (op == InlineOp::kSetCar ? 0 : 8) - static_cast<int64_t>(Value::kPairTag),
                         args[1], StorePath::kSetCarCdr);
      return ConstV(Value::Unspecified());
    case InlineOp::kCons:
      // The slow path is the call of `cons` itself, so that an error (heap limit reached) has
      // the call's position, as in the interpreter.
      return InlinePair(args[0], args[1], *fail);
    case InlineOp::kNullP: return BoolValue(b_.CreateICmpEQ(x, b_.getInt64(Value::Nil().bits())));
    case InlineOp::kPairP: return BoolValue(is_pair(x));
    case InlineOp::kNot: return BoolValue(b_.CreateICmpEQ(x, b_.getInt64(Value::False().bits())));
    case InlineOp::kEqP: return BoolValue(b_.CreateICmpEQ(x, y));
    case InlineOp::kEqvP: {
      // eqv? differs from eq? only for flonums and bignums (compared by value): those go to
      // the built-in.
      llvm::BasicBlock* from = b_.GetInsertBlock();
      llvm::BasicBlock* differ = NewBlock("eqv_differ");
      llvm::BasicBlock* done = NewBlock("eqv_done");
      b_.CreateCondBr(b_.CreateICmpEQ(x, y), done, differ);
      b_.SetInsertPoint(differ);
      require(b_.CreateNot(HasType(args[0], ObjType::kFlonum)));
      require(b_.CreateNot(HasType(args[0], ObjType::kBignum)));
      llvm::BasicBlock* differ_end = b_.GetInsertBlock();
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
      llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
      phi->addIncoming(ConstV(Value::True()), from);
      phi->addIncoming(ConstV(Value::False()), differ_end);
      return phi;
    }
    case InlineOp::kVectorRef: {
      llvm::Value* offset = vector_slot();
      return b_.CreateLoad(vt_, b_.CreateGEP(b_.getInt8Ty(), args[0], offset));
    }
    case InlineOp::kVectorSet: {
      llvm::Value* offset = vector_slot();
      llvm::Value* field = b_.CreateGEP(b_.getInt8Ty(), args[0], offset);
      b_.CreateStore(args[2], field);
      RecordWrite(field, StorePath::kVectorSet);
      return ConstV(Value::Unspecified());
    }
    case InlineOp::kRecordRef:
    case InlineOp::kRecordSet: {
      // (%record-ref obj rtd index [who]), (%record-set! obj rtd index v [who]): a record of
      // exactly that type with the field; anything else is the built-in's error.
      int64_t index = 0;
      ConstantFixnum(args[2], &index);
      require(HasType(args[0], ObjType::kRecord));
      require(b_.CreateICmpEQ(b_.CreateLoad(i64_, FieldPtr(args[0], layout::kWord)), y));
      require(b_.CreateICmpULT(b_.getInt64(index), LengthOf(args[0])));
      llvm::Value* field = FieldPtr(args[0], layout::kWord * (2 + index));
      if (op == InlineOp::kRecordRef) return b_.CreateLoad(vt_, field);
      b_.CreateStore(args[3], field);
      RecordWrite(field, StorePath::kRecordSet);
      return ConstV(Value::Unspecified());
    }
    case InlineOp::kRecordP: {
      // (%record? obj rtd): the type word is read only from a record.
      require(HasType(args[1], ObjType::kRecordType));
      llvm::Value* record = HasType(args[0], ObjType::kRecord);  // may add blocks
      llvm::BasicBlock* from = b_.GetInsertBlock();
      llvm::BasicBlock* is_record = NewBlock("is_record");
      llvm::BasicBlock* done = NewBlock("record_p_done");
      b_.CreateCondBr(record, is_record, done);
      b_.SetInsertPoint(is_record);
      llvm::Value* same =
          b_.CreateICmpEQ(b_.CreateLoad(i64_, FieldPtr(args[0], layout::kWord)), y);
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
      llvm::PHINode* result = b_.CreatePHI(b_.getInt1Ty(), 2);
      result->addIncoming(b_.getFalse(), from);
      result->addIncoming(same, is_record);
      return BoolValue(result);
    }
    case InlineOp::kRecordMake: {
      // (%record-make rtd v ...) with a value for every field (what a constructor passes).
      require(HasType(args[0], ObjType::kRecordType));
      const size_t n = args.size() - 1;
      require(b_.CreateICmpEQ(b_.CreateLoad(i64_, FieldPtr(args[0], 3 * layout::kWord)),
                              b_.getInt64(Value::Fixnum(static_cast<int64_t>(n)).bits())));
      return InlineObject(ObjType::kRecord, n, args, *fail);
    }
    case InlineOp::kVectorLength:
      require(HasType(args[0], ObjType::kVector));
      return tagged(LengthOf(args[0]));
    case InlineOp::kTypeP: {
      if (name == "char?") {
        return BoolValue(b_.CreateICmpEQ(b_.CreateAnd(x, b_.getInt64(0xff)),
                                         b_.getInt64(kCharLowByte)));
      }
      if (name == "boolean?") {
        return BoolValue(b_.CreateOr(b_.CreateICmpEQ(x, b_.getInt64(Value::False().bits())),
                                     b_.CreateICmpEQ(x, b_.getInt64(Value::True().bits()))));
      }
      if (name == "integer?") {
        // Fixnums only; a flonum may or may not be integral (the built-in decides).
        all_fixnums();
        return ConstV(Value::True());
      }
      llvm::Value* fixnum = b_.CreateICmpNE(b_.CreateAnd(x, b_.getInt64(1)), b_.getInt64(0));
      if (name == "number?") {
        return BoolValue(b_.CreateOr(fixnum, b_.CreateOr(HasType(args[0], ObjType::kFlonum),
                                                         HasType(args[0], ObjType::kBignum))));
      }
      if (name == "procedure?") {
        return BoolValue(b_.CreateOr(HasType(args[0], ObjType::kClosure),
                                     HasType(args[0], ObjType::kPrimitive)));
      }
      ObjType type = name == "string?"   ? ObjType::kString
                     : name == "symbol?" ? ObjType::kSymbol
                                         : ObjType::kVector;
      return BoolValue(HasType(args[0], type));
    }
    case InlineOp::kCxr: {
      // c[ad]+r: the letters apply right to left, each on a pair.
      llvm::Value* v = args[0];
      for (size_t i = name.size() - 2; i >= 1; --i) {
        require(is_pair(Bits(v)));
        v = LoadField(v, (name[i] == 'a' ? 0 : 8) - static_cast<int64_t>(Value::kPairTag));
      }
      return v;
    }
    case InlineOp::kList: {
      // Built from the end; an exhausted buffer calls `list` itself (the pairs made so far
      // are garbage).
      llvm::Value* list = ConstV(Value::Nil());
      for (size_t i = args.size(); i-- > 0;) list = InlinePair(args[i], list, *fail);
      return list;
    }
    case InlineOp::kVector:
      // An exhausted buffer calls `vector` itself.
      return InlineVector(args, *fail);
    case InlineOp::kMakeVector: {
      // InlineOpFor admitted only a constant length in [0, kMaxInlineVector]; the fill
      // defaults to #f as in MakeVectorFn.
      int64_t n = 0;
      ConstantFixnum(args[0], &n);
      std::vector<llvm::Value*> slots(static_cast<size_t>(n),
                                      args.size() > 1 ? args[1] : ConstV(Value::False()));
      return InlineVector(slots, *fail);
    }
    case InlineOp::kLength: {
      // A loop over the cdrs. Anything but a proper list of at most kMaxInlineLengthSteps
      // pairs (an improper list, a cycle, a very long list) leaves for the built-in, which
      // measures it again and raises its own error.
      llvm::BasicBlock* from = b_.GetInsertBlock();
      llvm::BasicBlock* head = NewBlock("length_loop");
      llvm::BasicBlock* step = NewBlock("length_step");
      llvm::BasicBlock* done = NewBlock("length_done");
      b_.CreateBr(head);
      b_.SetInsertPoint(head);
      llvm::PHINode* list = b_.CreatePHI(vt_, 2);
      llvm::PHINode* n = b_.CreatePHI(i64_, 2);
      list->addIncoming(args[0], from);
      n->addIncoming(b_.getInt64(0), from);
      llvm::Value* list_bits = Bits(list);
      b_.CreateCondBr(b_.CreateICmpEQ(list_bits, b_.getInt64(Value::Nil().bits())), done, step);
      b_.SetInsertPoint(step);
      require(b_.CreateAnd(is_pair(list_bits),
                           b_.CreateICmpSLT(n, b_.getInt64(kMaxInlineLengthSteps))));
      llvm::Value* next = LoadField(list, 8 - static_cast<int64_t>(Value::kPairTag));
      list->addIncoming(next, b_.GetInsertBlock());
      n->addIncoming(b_.CreateAdd(n, b_.getInt64(1)), b_.GetInsertBlock());
      b_.CreateBr(head);
      b_.SetInsertPoint(done);
      return tagged(n);
    }
    case InlineOp::kMemq:
    case InlineOp::kAssq: {
      // A walk of the list comparing each element (memq) or each element's car (assq) with the
      // key by identity. The first improper tail, non-pair alist element or the step limit
      // (a cycle, a very long list) leaves for the built-in, which walks again and raises its
      // own error (or finds the key after the limit).
      if (name == "memv" || name == "assv") {
        require(b_.CreateICmpNE(b_.CreateAnd(x, b_.getInt64(Value::kTagMask)),
                                b_.getInt64(Value::kObjectTag)));
      }
      const auto car_offset = -static_cast<int64_t>(Value::kPairTag);
      const auto cdr_offset = 8 - static_cast<int64_t>(Value::kPairTag);
      llvm::BasicBlock* from = b_.GetInsertBlock();
      llvm::BasicBlock* head = NewBlock("search_loop");
      llvm::BasicBlock* step = NewBlock("search_step");
      llvm::BasicBlock* found = NewBlock("search_found");
      llvm::BasicBlock* done = NewBlock("search_done");
      b_.CreateBr(head);
      b_.SetInsertPoint(head);
      llvm::PHINode* list = b_.CreatePHI(vt_, 2);
      llvm::PHINode* n = b_.CreatePHI(i64_, 2);
      list->addIncoming(args[1], from);
      n->addIncoming(b_.getInt64(0), from);
      llvm::Value* list_bits = Bits(list);
      b_.CreateCondBr(b_.CreateICmpEQ(list_bits, b_.getInt64(Value::Nil().bits())), done, step);
      b_.SetInsertPoint(step);
      require(b_.CreateAnd(is_pair(list_bits),
                           b_.CreateICmpSLT(n, b_.getInt64(kMaxInlineLengthSteps))));
      llvm::Value* element = LoadField(list, car_offset);
      llvm::Value* compared = element;
      if (op == InlineOp::kAssq) {
        require(is_pair(Bits(element)));
        compared = LoadField(element, car_offset);
      }
      llvm::Value* next = LoadField(list, cdr_offset);
      llvm::BasicBlock* step_end = b_.GetInsertBlock();
      list->addIncoming(next, step_end);
      n->addIncoming(b_.CreateAdd(n, b_.getInt64(1)), step_end);
      b_.CreateCondBr(b_.CreateICmpEQ(Bits(compared), x), found, head);
      b_.SetInsertPoint(found);
      llvm::Value* hit = op == InlineOp::kAssq ? element : static_cast<llvm::Value*>(list);
      b_.CreateBr(done);
      b_.SetInsertPoint(done);
      llvm::PHINode* result = b_.CreatePHI(vt_, 2);
      result->addIncoming(ConstV(Value::False()), head);
      result->addIncoming(hit, found);
      return result;
    }
    case InlineOp::kAppend: {
      // A copy of the first list whose last cdr is the second, as the built-in makes it:
      // each pair is bumped with the second list as its cdr, then linked from the previous
      // one, so every pair is complete at the loop's poll. An improper first list, a cycle,
      // more than kMaxInlineLengthSteps pairs or an exhausted buffer leave for the built-in
      // (the partial copy is garbage), which raises its own errors.
      const auto cdr_offset = 8 - static_cast<int64_t>(Value::kPairTag);
      const auto car_offset = -static_cast<int64_t>(Value::kPairTag);
      llvm::BasicBlock* from = b_.GetInsertBlock();
      llvm::BasicBlock* copy = NewBlock("append_first");
      llvm::BasicBlock* head = NewBlock("append_loop");
      llvm::BasicBlock* step = NewBlock("append_step");
      llvm::BasicBlock* done = NewBlock("append_done");
      b_.CreateCondBr(b_.CreateICmpEQ(x, b_.getInt64(Value::Nil().bits())), done, copy);
      b_.SetInsertPoint(copy);
      require(is_pair(x));
      llvm::Value* first = InlinePair(LoadField(args[0], car_offset), args[1], *fail);
      llvm::Value* rest = LoadField(args[0], cdr_offset);
      llvm::BasicBlock* copy_end = b_.GetInsertBlock();
      b_.CreateBr(head);
      b_.SetInsertPoint(head);
      llvm::PHINode* prev = b_.CreatePHI(vt_, 2);
      llvm::PHINode* list = b_.CreatePHI(vt_, 2);
      llvm::PHINode* n = b_.CreatePHI(i64_, 2);
      prev->addIncoming(first, copy_end);
      list->addIncoming(rest, copy_end);
      n->addIncoming(b_.getInt64(1), copy_end);
      llvm::Value* list_bits = Bits(list);
      b_.CreateCondBr(b_.CreateICmpEQ(list_bits, b_.getInt64(Value::Nil().bits())), done, step);
      b_.SetInsertPoint(step);
      require(b_.CreateAnd(is_pair(list_bits),
                           b_.CreateICmpSLT(n, b_.getInt64(kMaxInlineLengthSteps))));
      llvm::Value* cell = InlinePair(LoadField(list, car_offset), args[1], *fail);
      // The loop's back-edge may poll, after which `prev` is old: through the barrier.
      StoreFieldRecorded(prev, cdr_offset, cell, StorePath::kAppend);
      llvm::Value* next = LoadField(list, cdr_offset);
      prev->addIncoming(cell, b_.GetInsertBlock());
      list->addIncoming(next, b_.GetInsertBlock());
      n->addIncoming(b_.CreateAdd(n, b_.getInt64(1)), b_.GetInsertBlock());
      b_.CreateBr(head);
      b_.SetInsertPoint(done);
      llvm::PHINode* result = b_.CreatePHI(vt_, 2);
      result->addIncoming(args[1], from);
      result->addIncoming(first, head);
      return result;
    }
    case InlineOp::kNone: break;
  }
  return ConstV(Value::Unspecified());
}

}  // namespace toylang::jit::internal
