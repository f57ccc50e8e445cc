// Internal to the lowering (jit/lower*.cc): the code-generation state and the small emitters
// shared by the procedure lowering (lower.cc), the inline primitives (lower_inline.cc) and the
// inline allocation (lower_alloc.cc). Not for use outside jit/.
#ifndef TOYLANG_JIT_LOWER_INTERNAL_H_
#define TOYLANG_JIT_LOWER_INTERNAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/objects/objects.h"
#include "jit/lower.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/MDBuilder.h"

namespace toylang::jit::internal {

// Offsets of JitProc's fields, measured on an instance: JitProc is not standard-layout (it has
// a std::string), so offsetof would be conditionally supported.
struct ProcOffsets {
  int64_t code, min, max;
};
ProcOffsets GetProcOffsets();

// The built-ins that lowering may compute inline (lower_inline.cc); kNone for anything else.
enum class InlineOp : uint8_t {
  kNone, kAdd, kSub, kMul, kLt, kGt, kLe, kGe, kNumEq, kZeroP, kQuotient, kRemainder, kModulo,
  kCar, kCdr, kSetCar, kSetCdr, kCons, kNullP, kPairP, kNot, kEqP, kEqvP,
  kVectorRef, kVectorSet, kVectorLength, kTypeP, kCxr, kList, kDiv, kVector, kMakeVector, kLength,
  kAppend, kRecordMake, kRecordP, kRecordRef, kRecordSet, kMemq, kAssq,
};

// The store paths of generated code that need the write barrier (for SetWriteBarrierForTesting).
enum class StorePath : uint8_t {
  kSetCarCdr, kVectorSet, kBox, kGlobal, kClosureFixup, kAppend, kRecordSet
};

// The most pairs an inline `length` walks (or `append` copies); a longer list (or a cyclic
// one) is left to the built-in, whose Floyd walk reports a cycle as "not a proper list".
inline constexpr int64_t kMaxInlineLengthSteps = int64_t{1} << 20;

// The most slots of a vector made inline by `vector` or `make-vector` (a constant length).
inline constexpr int kMaxInlineVector = 16;

class Codegen {
 public:
  Codegen(LowerEnv& env, llvm::Module& m);

 protected:
  // --- Small emitters ---------------------------------------------------------------------
  llvm::FunctionCallee Helper(const char* name, llvm::Type* ret,
                              llvm::ArrayRef<llvm::Type*> params) {
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
  // A box's value (a global's, or a variable captured and assigned): shared between threads, so
  // read with an acquire load and written with a release store, as BoxRef and BoxSet do
  // (objects.h). On x86 these are the same `mov` as plain accesses; they only keep LLVM from
  // hoisting the load out of a loop (a thread waiting for a global another thread sets) or
  // moving an object's initialising stores after the store that publishes it.
  llvm::Value* LoadShared(llvm::Value* address) {
    llvm::LoadInst* load = b_.CreateLoad(vt_, address);
    load->setAtomic(llvm::AtomicOrdering::Acquire);
    load->setAlignment(llvm::Align(8));
    return load;
  }
  void StoreShared(llvm::Value* x, llvm::Value* address) {
    llvm::StoreInst* store = b_.CreateStore(x, address);
    store->setAtomic(llvm::AtomicOrdering::Release);
    store->setAlignment(llvm::Align(8));
  }
  // A box's value slot, read or written through the barrier.
  llvm::Value* LoadBox(llvm::Value* box) {
    return LoadShared(FieldPtr(box, layout::kBoxValueOffset));
  }
  void StoreBoxRecorded(llvm::Value* box, llvm::Value* x, StorePath path) {
    llvm::Value* field = FieldPtr(box, layout::kBoxValueOffset);
    StoreShared(x, field);
    RecordWrite(field, path);
  }
  // A store into an object being initialised (no safepoint since its allocation: it is young).
  void StoreField(llvm::Value* v, int64_t offset, llvm::Value* x) {
    b_.CreateStore(x, FieldPtr(v, offset));
  }
  // A store into an existing object, through the write barrier (mosaic/internal/
  // write_barrier.h): the store, then the field's card marked in the running thread's card
  // table. `path` names the store path for SetWriteBarrierForTesting.
  void StoreFieldRecorded(llvm::Value* v, int64_t offset, llvm::Value* x, StorePath path) {
    llvm::Value* field = FieldPtr(v, offset);
    b_.CreateStore(x, field);
    RecordWrite(field, path);
  }
  // The barrier alone, for a field at `field` (a pointer in either address space), through the
  // running thread's card table.
  void RecordWrite(llvm::Value* field, StorePath path);
  llvm::Value* IsValue(llvm::Value* v, Value k) {
    return b_.CreateICmpEQ(Bits(v), b_.getInt64(k.bits()));
  }
  llvm::Value* BoolValue(llvm::Value* cond) {
    return b_.CreateSelect(cond, ConstV(Value::True()), ConstV(Value::False()));
  }
  llvm::BasicBlock* NewBlock(const char* name) {
    return llvm::BasicBlock::Create(ctx_, name, fn_);
  }
  // --- Per-thread state (jit/thread_state.h), through the thread pointer -----------------
  // The address, in address space 257 (%fs-relative), of the running thread's JitThreadState
  // field at byte `offset`.
  llvm::Constant* ThreadField(size_t offset);
  // The address, in address space 257, of the running thread's mosaic MutatorLayout
  // (mosaic::internal::tls_layout: allocation buffers, card table) field at byte `offset`.
  llvm::Constant* LayoutField(size_t offset);
  // A load that LLVM may reuse and hoist freely: the value is the same wherever this thread
  // reads it (its card table, its stack limit).
  llvm::Value* LoadInvariant(llvm::Type* type, llvm::Value* address);

  // Throws the error at `site` when `cond` holds (a cold, non-returning path).
  void ThrowIf(llvm::Value* cond, const ErrorSite* site);
  // v is a header object of `type` (an i1; loads the header only for objects).
  llvm::Value* HasType(llvm::Value* v, ObjType type);
  // A header object's length field (requires an object).
  llvm::Value* LengthOf(llvm::Value* v);
  // `v` as a word for a procedure's operand (constants folded; a value through an empty asm,
  // emitted here: call it after the last safepoint before the call).
  llvm::Value* Word(llvm::Value* v);
  // A tailcc call of a procedure's `code` with the uniform operands (values or argc), each
  // made a word by Word().
  llvm::CallInst* CallProc(llvm::Value* code, const std::vector<llvm::Value*>& operands);

  // --- Inline primitives (lower_inline.cc) ------------------------------------------------
  // `args` are the call's operands (make-vector is inline only for a constant small length).
  static InlineOp InlineOpFor(const std::string& name, const std::vector<llvm::Value*>& args);
  // Emits the inline operation for a call of `global` (value `f`); returns its value
  // in the current block, which it leaves positioned on the success path, and sets *fail to
  // the block that must make the real call (which raises the built-in's own errors).
  llvm::Value* EmitInline(InlineOp op, const ir::Global& global, llvm::Value* f,
                          const std::vector<llvm::Value*>& args, llvm::BasicBlock** fail);

  // --- Inline allocation (lower_alloc.cc) -------------------------------------------------
  // Each bumps the thread's allocation buffer inline and takes the helper (a safepoint)
  // behind a cold branch; the object is complete (header and every field) before any
  // safepoint can see it.
  llvm::Value* AllocPair(llvm::Value* car, llvm::Value* cdr);
  llvm::Value* AllocBox(llvm::Value* v);
  // The fast path of AllocPair only: branches to `slow` when the buffer is exhausted.
  llvm::Value* InlinePair(llvm::Value* car, llvm::Value* cdr, llvm::BasicBlock* slow);
  // The fast paths of a flonum holding `d` (a double) and of a vector of `slots` (at most
  // kMaxInlineVector): branch to `slow` when the buffer is exhausted.
  llvm::Value* InlineFlonum(llvm::Value* d, llvm::BasicBlock* slow);
  llvm::Value* InlineVector(const std::vector<llvm::Value*>& slots, llvm::BasicBlock* slow);
  // An object of `type` whose header's length is `length` and whose words after the header are
  // `words` (a record: its type, then its fields), allocated inline like InlineVector.
  llvm::Value* InlineObject(ObjType type, size_t length, const std::vector<llvm::Value*>& words,
                            llvm::BasicBlock* slow);
  // A closure of `proc` whose captures are `captures` (stored before the next safepoint).
  llvm::Value* AllocClosure(const JitProc* proc, const std::vector<llvm::Value*>& captures);

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
  llvm::FunctionCallee call_helper_, call_tail_helper_, cons_helper_, box_helper_,
      closure_helper_, throw_helper_, poll_helper_;
  // The function being lowered.
  llvm::Function* fn_ = nullptr;
  // ThrowIf's shared block in fn_ (recreated when fn_ changes) and its site phi.
  llvm::BasicBlock* throw_block_ = nullptr;
  llvm::PHINode* throw_site_ = nullptr;

 private:
  // The bump of `cell_bytes` from size class `cls`: the new cell's reference (its address with
  // `tag` added) on the fast path; branches to `slow` when the buffer is exhausted.
  llvm::Value* BumpOrBranch(int cls, size_t cell_bytes, uint64_t tag, llvm::BasicBlock* slow);
};

}  // namespace toylang::jit::internal

#endif  // TOYLANG_JIT_LOWER_INTERNAL_H_
