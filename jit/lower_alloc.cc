// Inline allocation: pairs, boxes, closures, flonums and small vectors come from the running
// thread's allocation buffer (mosaic/internal/mutator_layout.h, reached through the thread
// pointer: jit/thread_state.h), like mosaic::Allocate and AllocatePair in
// mosaic/internal/allocate_inline.h, with the runtime's slow path (tj_cons, tj_make_box,
// tj_make_closure: each a safepoint) behind a cold branch. Flonums and vectors
// are made only by inline primitives (lower_inline.cc), whose slow path is the call of the
// built-in itself.
//
// The GC contract: the bump itself is not a safepoint, and the object is complete (header and
// every field a valid value) before the next instruction that can be one, so neither a
// collection nor verify=1 ever sees a half-built object. Stress mode needs nothing here: the
// runtime then refills a buffer with a single cell, so every other allocation takes the slow
// path, which counts down to the forced collections exactly as for C++ callers.
#include <atomic>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "jit/jit_engine.h"
#include "jit/lower_internal.h"
#include "jit/thread_state.h"
#include "mosaic/internal/mutator_layout.h"
#include "mosaic/internal/size_classes.h"
#include "mosaic/internal/write_barrier.h"
#include "mosaic/object.h"

namespace toylang::jit::internal {

namespace mi = mosaic::internal;

// Store paths compiled without the barrier (tests only: SkipWriteBarrierForTesting).
std::atomic<uint32_t> g_skipped_barriers{0};

namespace {

// `offset` bytes into the running thread's `variable` (a static thread-local at `tp_offset` from
// the thread pointer), or into the compiling thread's with MOSAIC_JIT_THREAD_STATE=constant.
llvm::Constant* ThreadLocal(llvm::LLVMContext& ctx, const void* variable, int64_t tp_offset,
                            size_t offset) {
  llvm::Type* i64 = llvm::Type::getInt64Ty(ctx);
  if (ThreadStateAsConstantsForTesting()) {  // the compiling thread's, for measurements only
    return llvm::ConstantExpr::getIntToPtr(
        llvm::ConstantInt::get(i64, reinterpret_cast<uint64_t>(variable) + offset),
        llvm::PointerType::get(ctx, 0));
  }
  return llvm::ConstantExpr::getIntToPtr(
      llvm::ConstantInt::get(i64, tp_offset + static_cast<int64_t>(offset)),
      llvm::PointerType::get(ctx, kThreadPointerAddressSpace));
}

}  // namespace

llvm::Constant* Codegen::ThreadField(size_t offset) {
  return ThreadLocal(ctx_, &tls_jit_state, ThreadStateOffset(), offset);
}

llvm::Constant* Codegen::LayoutField(size_t offset) {
  return ThreadLocal(ctx_, &mi::tls_layout, LayoutOffset(), offset);
}

llvm::Value* Codegen::LoadInvariant(llvm::Type* type, llvm::Value* address) {
  llvm::LoadInst* load = b_.CreateLoad(type, address);
  load->setMetadata(llvm::LLVMContext::MD_invariant_load, llvm::MDNode::get(ctx_, {}));
  return load;
}

void Codegen::RecordWrite(llvm::Value* field, StorePath path) {
  if (g_skipped_barriers.load(std::memory_order_relaxed) & (1u << static_cast<int>(path))) return;
  // The running thread's card table, loaded from its layout (the pointer is a constant of the
  // heap, but the layout is the one place generated code finds per-thread state; it does not
  // change while the thread is registered), then table[address >> kCardShift] = kCardDirty.
  llvm::Value* table = LoadInvariant(pt_, LayoutField(mi::kMutatorCardTableOffset));
  llvm::Value* index = b_.CreateLShr(b_.CreatePtrToInt(field, i64_), mi::kCardShift);
  // Atomic (monotonic) as in the runtime's barrier: two threads may dirty one card at once. The
  // same single `movb` as a plain store on x86.
  llvm::StoreInst* store =
      b_.CreateStore(b_.getInt8(mi::kCardDirty), b_.CreateGEP(b_.getInt8Ty(), table, index));
  store->setAtomic(llvm::AtomicOrdering::Monotonic);
  store->setAlignment(llvm::Align(1));
}

llvm::Value* Codegen::BumpOrBranch(int cls, size_t cell_bytes, uint64_t tag,
                                   llvm::BasicBlock* slow) {
  // The running thread's buffer of this class (jit/thread_state.h).
  const int64_t buffer = static_cast<int64_t>(mi::kMutatorBuffersOffset +
                                              static_cast<size_t>(cls) * mi::kAllocBufferSize);
  llvm::Value* cursor_address = LayoutField(buffer + mi::kAllocBufferCursorOffset);
  llvm::Value* cursor = b_.CreateLoad(i64_, cursor_address);
  llvm::Value* limit = b_.CreateLoad(i64_, LayoutField(buffer + mi::kAllocBufferLimitOffset));
  llvm::BasicBlock* bump = NewBlock("bump");
  // limit - cursor < size, unsigned, exactly as TryBump (an empty buffer has cursor == limit).
  b_.CreateCondBr(b_.CreateICmpULT(b_.CreateSub(limit, cursor), b_.getInt64(cell_bytes)), slow,
                  bump, Cold());
  b_.SetInsertPoint(bump);
  b_.CreateStore(b_.CreateAdd(cursor, b_.getInt64(cell_bytes)), cursor_address);
  // The tagged reference straight from the integer, so that RS4GC takes the reference itself
  // as the base of every field address (GEPs off it). Were the tag added by a GEP off the
  // untagged cell, a pair's base in the stack map would be its untagged start, which reads as
  // a header object (tag 000) to the root visitor: the pair's fields would go untraced.
  return b_.CreateIntToPtr(tag == 0 ? cursor : b_.CreateOr(cursor, b_.getInt64(tag)), vt_);
}

llvm::Value* Codegen::InlinePair(llvm::Value* car, llvm::Value* cdr, llvm::BasicBlock* slow) {
  llvm::Value* pair = BumpOrBranch(mi::kPairClass, mi::ClassCellBytes(mi::kPairClass),
                                   Value::kPairTag, slow);
  const auto tag = static_cast<int64_t>(Value::kPairTag);
  StoreField(pair, static_cast<int64_t>(offsetof(mosaic::PairCell, car)) - tag, car);
  StoreField(pair, static_cast<int64_t>(offsetof(mosaic::PairCell, cdr)) - tag, cdr);
  return pair;
}

llvm::Value* Codegen::AllocPair(llvm::Value* car, llvm::Value* cdr) {
  llvm::BasicBlock* slow = NewBlock("cons_slow");
  llvm::BasicBlock* done = NewBlock("consed");
  llvm::Value* fast = InlinePair(car, cdr, slow);
  llvm::BasicBlock* fast_end = b_.GetInsertBlock();
  b_.CreateBr(done);
  b_.SetInsertPoint(slow);
  llvm::Value* slow_value = b_.CreateCall(cons_helper_, {car, cdr});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
  phi->addIncoming(fast, fast_end);
  phi->addIncoming(slow_value, slow);
  return phi;
}

llvm::Value* Codegen::AllocBox(llvm::Value* v) {
  // [header | value | name]: the layout MakeBox builds (objects.h); a local's box has no name.
  constexpr size_t kBytes = layout::kBoxValueOffset + 2 * layout::kWord;
  constexpr int kClass = mi::SizeClassFor(kBytes);
  llvm::BasicBlock* slow = NewBlock("box_slow");
  llvm::BasicBlock* done = NewBlock("boxed");
  llvm::Value* cell = BumpOrBranch(kClass, mi::ClassCellBytes(kClass), 0, slow);
  b_.CreateStore(b_.getInt64(layout::Header(env_.KindFor(ObjType::kBox), ObjType::kBox, 0)),
                 FieldPtr(cell, 0));
  StoreField(cell, layout::kBoxValueOffset, v);
  StoreField(cell, layout::kBoxValueOffset + layout::kWord, ConstV(Value::False()));
  llvm::BasicBlock* fast_end = b_.GetInsertBlock();
  b_.CreateBr(done);
  b_.SetInsertPoint(slow);
  llvm::Value* slow_value = b_.CreateCall(box_helper_, {v});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
  phi->addIncoming(cell, fast_end);
  phi->addIncoming(slow_value, slow);
  return phi;
}

// [header | double], as MakeFlonum builds it (objects.cc): the header is the one
// Runtime::AllocateObject asks mosaic::Allocate for, the size class the one Allocate picks.
llvm::Value* Codegen::InlineFlonum(llvm::Value* d, llvm::BasicBlock* slow) {
  constexpr size_t kBytes = layout::kFlonumValueOffset + sizeof(double);
  constexpr int kClass = mi::SizeClassFor(kBytes);
  llvm::Value* cell = BumpOrBranch(kClass, mi::ClassCellBytes(kClass), 0, slow);
  b_.CreateStore(b_.getInt64(layout::Header(env_.KindFor(ObjType::kFlonum), ObjType::kFlonum, 0)),
                 FieldPtr(cell, 0));
  b_.CreateStore(d, FieldPtr(cell, layout::kFlonumValueOffset));
  return cell;
}

// [header | slot 0 | ... | slot n-1], as MakeVector builds it: length n in the header, every
// slot stored before the next safepoint (the cell's words past the object stay 0, a valid
// value, as after Allocate).
llvm::Value* Codegen::InlineVector(const std::vector<llvm::Value*>& slots,
                                   llvm::BasicBlock* slow) {
  static_assert(layout::kVectorSlotsOffset == layout::kWord);
  return InlineObject(ObjType::kVector, slots.size(), slots, slow);
}

llvm::Value* Codegen::InlineObject(ObjType type, size_t length,
                                   const std::vector<llvm::Value*>& words,
                                   llvm::BasicBlock* slow) {
  const size_t bytes = layout::kWord * (1 + words.size());
  const int cls = mi::SizeClassFor(bytes);
  llvm::Value* cell = BumpOrBranch(cls, mi::ClassCellBytes(cls), 0, slow);
  b_.CreateStore(b_.getInt64(layout::Header(env_.KindFor(type), type, length)),
                 FieldPtr(cell, 0));
  for (size_t i = 0; i < words.size(); ++i) {
    StoreField(cell, static_cast<int64_t>(layout::kWord * (1 + i)), words[i]);
  }
  return cell;
}

llvm::Value* Codegen::AllocClosure(const JitProc* proc, const std::vector<llvm::Value*>& captures) {
  const size_t n = captures.size();
  const size_t bytes = layout::kClosureCapturesOffset + n * layout::kWord;
  auto store_captures = [&](llvm::Value* c) {
    for (size_t i = 0; i < n; ++i) {
      StoreField(c, layout::kClosureCapturesOffset + 8 * i, captures[i]);
    }
  };
  if (bytes > mosaic::kMaxSmallObjectBytes) {
    // Too big for a size class: the helper only (it fills the captures with unspecified).
    llvm::Value* c = b_.CreateCall(closure_helper_, {Address(proc), b_.getInt64(n)});
    store_captures(c);
    return c;
  }
  const int cls = mi::SizeClassFor(bytes);
  llvm::BasicBlock* slow = NewBlock("closure_slow");
  llvm::BasicBlock* done = NewBlock("closure_made");
  llvm::Value* cell = BumpOrBranch(cls, mi::ClassCellBytes(cls), 0, slow);
  b_.CreateStore(
      b_.getInt64(layout::Header(env_.KindFor(ObjType::kClosure), ObjType::kClosure, n)),
      FieldPtr(cell, 0));
  b_.CreateStore(b_.getInt64(CodeWord(proc)), FieldPtr(cell, layout::kClosureCodeOffset));
  llvm::BasicBlock* fast_end = b_.GetInsertBlock();
  b_.CreateBr(done);
  b_.SetInsertPoint(slow);
  llvm::Value* slow_value = b_.CreateCall(closure_helper_, {Address(proc), b_.getInt64(n)});
  b_.CreateBr(done);
  b_.SetInsertPoint(done);
  llvm::PHINode* phi = b_.CreatePHI(vt_, 2);
  phi->addIncoming(cell, fast_end);
  phi->addIncoming(slow_value, slow);
  // No safepoint between the bump and these stores; the slow path's closure holds
  // unspecified captures until then, which is valid too.
  store_captures(phi);
  return phi;
}

}  // namespace toylang::jit::internal

namespace toylang::jit {

absl::Status SkipWriteBarrierForTesting(std::string_view path) {
  using internal::StorePath;
  static constexpr std::pair<std::string_view, StorePath> kPaths[] = {
      {"set-car!", StorePath::kSetCarCdr}, {"vector-set!", StorePath::kVectorSet},
      {"box", StorePath::kBox},            {"global", StorePath::kGlobal},
      {"closure-fixup", StorePath::kClosureFixup}, {"append", StorePath::kAppend},
      {"record-set", StorePath::kRecordSet}};
  for (const auto& [name, p] : kPaths) {
    if (name == path) {
      internal::g_skipped_barriers.fetch_or(1u << static_cast<int>(p));
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("no store path called '", absl::string_view(path.data(), path.size()), "'"));
}

void RestoreWriteBarriersForTesting() { internal::g_skipped_barriers.store(0); }

}  // namespace toylang::jit
