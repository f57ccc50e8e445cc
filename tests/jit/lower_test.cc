// Unit tests of the lowering (jit/lower.cc): the shape of the LLVM IR it produces for small
// programs, before and after GcJit's pipeline. Expectations come from the design
// (docs/design/jit.md), not from dumps of the output.
#include "jit/lower.h"

#include <deque>
#include <map>
#include <memory>
#include <string>

#include "frontend/analysis/analysis.h"
#include "frontend/analysis/lift.h"
#include "frontend/builtins/builtins.h"
#include "frontend/engine/global_boxes.h"
#include "frontend/engine/side_table.h"
#include "frontend/expander/expander.h"
#include "frontend/objects/runtime.h"
#include "frontend/reader/reader.h"
#include "gtest/gtest.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "mosaic/heap.h"
#include "mosaic/jit/gc_jit.h"
#include "mosaic/stackmaps/index.h"

namespace toylang::jit {
namespace {

class FakeEnv : public LowerEnv {
 public:
  JitProc* ProcFor(const ir::Lambda& lambda) override {
    JitProc* proc = proc_of_.Find(lambda.id);
    if (proc == nullptr) {
      proc = &procs_.emplace_back();
      proc->min32 = proc->min_args = lambda.min_args();
      proc->max32 = proc->max_args = lambda.max_args();
      proc_of_.Set(lambda.id, proc);
    }
    return proc;
  }
  const Value* ConstantSlot(const ir::Const&) override { return &constant_; }
  Value GlobalBoxFor(const ir::Global& g) override { return globals_.For(g); }
  const ErrorSite* Site(const SourcePos& pos, std::string message) override {
    return &sites_.emplace_back(ErrorSite{pos, std::move(message)});
  }
  const volatile uint64_t* PollWord() override { return &poll_word_; }
  mosaic::KindId KindFor(ObjType type) override { return Runtime::Get().kind(type); }
  void KeepAlive(Value) override {}  // the tests' heap never collects what the globals hold
  Value* NewRootSlot(Value initial) override { return &slots_.emplace_back(initial); }
  JitProc* GlobalProcHint(const std::string& name) override {
    auto it = hints_.find(name);
    return it == hints_.end() ? nullptr : it->second;
  }
  void SetGlobalProcHint(const std::string& name, JitProc* proc) override { hints_[name] = proc; }

 private:
  std::map<std::string, JitProc*> hints_;
  std::deque<Value> slots_;  // the tests run no code that stores into them
  SideTable<JitProc*> proc_of_;
  GlobalBoxes globals_;
  std::deque<JitProc> procs_;
  std::deque<ErrorSite> sites_;
  Value constant_ = Value::Nil();
  alignas(8) uint64_t poll_word_ = 0;
};

class LowerTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
  }
  void SetUp() override {
    heap_ = mosaic::Heap::Create().value();
    ASSERT_TRUE(heap_->RegisterCurrentThread().ok());
    runtime_ = Runtime::Create(*heap_).value();
    InstallBuiltins();
  }
  void TearDown() override {
    runtime_.reset();
    ASSERT_TRUE(heap_->UnregisterCurrentThread().ok());
  }
  // Lowers the single form in `source`, after LiftProcedures when `lift` is set (the engines'
  // pipeline does); returns the functions' symbols.
  std::vector<LoweredProc> Lower(const std::string& source, bool lift = false) {
    std::vector<DatumPtr> forms = ReadAll(source, "t.scm");
    Expander expander;
    code_.push_back(Analyze(*expander.ExpandToplevel(forms.at(0)), ids_));
    if (lift) LiftProcedures(*code_.back());
    module_ = std::make_unique<llvm::Module>("t", context_);
    return LowerToplevel(env_, *code_.back(), "t", *module_);
  }
  int CountCalls(llvm::Function& f, bool musttail) {
    int n = 0;
    for (llvm::BasicBlock& bb : f) {
      for (llvm::Instruction& i : bb) {
        auto* call = llvm::dyn_cast<llvm::CallInst>(&i);
        if (call != nullptr && call->isMustTailCall() == musttail &&
            call->getCallingConv() == llvm::CallingConv::Tail) {
          ++n;
        }
      }
    }
    return n;
  }

  std::unique_ptr<mosaic::Heap> heap_;
  std::unique_ptr<Runtime> runtime_;
  FakeEnv env_;
  ir::Numbering ids_;
  std::vector<std::unique_ptr<ir::Lambda>> code_;
  llvm::LLVMContext context_;
  std::unique_ptr<llvm::Module> module_;
};

TEST_F(LowerTest, EveryProcedureHasTheUniformSignature) {
  std::vector<LoweredProc> procs = Lower("(define (f a b) (lambda (c . d) (list a b c d)))");
  ASSERT_EQ(procs.size(), 3u);  // top level, f, the inner lambda
  for (const LoweredProc& p : procs) {
    llvm::Function* fn = module_->getFunction(p.symbol);
    ASSERT_NE(fn, nullptr) << p.symbol;
    EXPECT_EQ(fn->getCallingConv(), llvm::CallingConv::Tail);
    EXPECT_EQ(fn->getGC(), "statepoint-example");
    EXPECT_EQ(fn->arg_size(), 2u + kRegisterArgs + 1);
    // Every operand is a word (values too: a call must not keep its operands alive).
    for (llvm::Argument& arg : fn->args()) EXPECT_TRUE(arg.getType()->isIntegerTy(64));
    EXPECT_TRUE(fn->getReturnType()->isPointerTy());
    EXPECT_EQ(fn->getReturnType()->getPointerAddressSpace(), 1u);
  }
  EXPECT_NE(module_->getFunction("gc.safepoint_poll"), nullptr);
  EXPECT_FALSE(llvm::verifyModule(*module_, &llvm::errs()));
}

TEST_F(LowerTest, TailCallsAreMustTailAndOthersAreNot) {
  std::vector<LoweredProc> procs =
      Lower("(define (g f x) (begin (f x) (f x x)))");  // one non-tail, one tail call
  llvm::Function* g = module_->getFunction(procs.at(1).symbol);
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(CountCalls(*g, /*musttail=*/true), 2);   // the closure path and the apply path
  EXPECT_EQ(CountCalls(*g, /*musttail=*/false), 1);  // the closure path of (f x)
}

TEST_F(LowerTest, PipelineKeepsTailCallsOutOfStatepoints) {
  mosaic::stackmaps::StackMapIndex index;
  auto jit = mosaic::jit::GcJit::Create(index).value();
  std::vector<LoweredProc> procs = Lower("(define (g f x) (begin (f x) (f x x)))");
  ASSERT_TRUE(jit->PrepareModule(*module_).ok());
  llvm::Function* g = module_->getFunction(procs.at(1).symbol);
  ASSERT_NE(g, nullptr);
  int statepoints = 0;
  for (llvm::BasicBlock& bb : *g) {
    for (llvm::Instruction& i : bb) {
      auto* call = llvm::dyn_cast<llvm::CallInst>(&i);
      if (call == nullptr || call->getCalledFunction() == nullptr) continue;
      if (call->getCalledFunction()->getName().starts_with("llvm.experimental.gc.statepoint")) {
        ++statepoints;
      }
    }
  }
  // The tail calls stay real musttail calls (Fact 6); the non-tail closure call and the helper
  // calls (tj_call, tj_call_tail, tj_throw, the poll's tj_poll) became statepoints.
  EXPECT_EQ(CountCalls(*g, /*musttail=*/true), 2);
  EXPECT_GE(statepoints, 3);
}

TEST_F(LowerTest, AfterThePipelineTheIncomingWordsAreReadOnceAtEntry) {
  // Type tests on a parameter read the value the entry asm hands back, not the incoming word:
  // were the word used again after the entry poll, it would live beside the relocated pointer
  // through the body, one more register for the same value (matmul's inner loop reloaded three
  // such words from the stack on every iteration).
  mosaic::stackmaps::StackMapIndex index;
  auto jit = mosaic::jit::GcJit::Create(index).value();
  std::vector<LoweredProc> procs = Lower(
      "(define (g v k) (if (pair? v) (car v) (if (vector? v) (vector-ref v k) (+ v k))))");
  ASSERT_TRUE(jit->PrepareModule(*module_).ok());
  llvm::Function* g = module_->getFunction(procs.at(1).symbol);
  ASSERT_NE(g, nullptr);
  for (unsigned i : {2u, 3u}) {  // a0 = v, a1 = k
    llvm::Argument* word = g->getArg(i);
    int uses = 0;
    for (llvm::User* user : word->users()) {
      ++uses;
      std::string text;
      llvm::raw_string_ostream out(text);
      user->print(out);
      EXPECT_TRUE(llvm::isa<llvm::IntToPtrInst>(user)) << "argument " << i << " is used by "
                                                        << text;
    }
    EXPECT_EQ(uses, 1) << "argument " << i;
  }
}

// Counts the instructions of `f` with `opcode`; with `stored` set, only stores of that i64
// constant.
int CountOps(llvm::Function& f, unsigned opcode, const uint64_t* stored = nullptr) {
  int n = 0;
  for (llvm::BasicBlock& bb : f) {
    for (llvm::Instruction& i : bb) {
      if (i.getOpcode() != opcode) continue;
      if (stored != nullptr) {
        auto* c =
            llvm::dyn_cast<llvm::ConstantInt>(llvm::cast<llvm::StoreInst>(i).getValueOperand());
        if (c == nullptr || c->getZExtValue() != *stored) continue;
      }
      ++n;
    }
  }
  return n;
}

TEST_F(LowerTest, FlonumArithmeticAndComparisonsAreInline) {
  std::vector<LoweredProc> procs =
      Lower("(define (g a b) (list (+ a b) (- a b) (* a b) (/ a b) (< a b) (= a b)))");
  llvm::Function* g = module_->getFunction(procs.at(1).symbol);
  ASSERT_NE(g, nullptr);
  EXPECT_FALSE(llvm::verifyFunction(*g, &llvm::errs()));
  EXPECT_EQ(CountOps(*g, llvm::Instruction::FAdd), 2);  // + folds from 0.0, as the built-in
  EXPECT_EQ(CountOps(*g, llvm::Instruction::FSub), 1);
  EXPECT_EQ(CountOps(*g, llvm::Instruction::FMul), 1);
  EXPECT_EQ(CountOps(*g, llvm::Instruction::FDiv), 1);
  EXPECT_EQ(CountOps(*g, llvm::Instruction::FCmp), 2);
  // Each arithmetic result's header: the runtime's flonum header for this heap.
  const uint64_t header =
      layout::Header(Runtime::Get().kind(ObjType::kFlonum), ObjType::kFlonum, 0);
  EXPECT_EQ(CountOps(*g, llvm::Instruction::Store, &header), 4);
}

TEST_F(LowerTest, SmallVectorsAreInlineAndOthersCallTheBuiltin) {
  std::vector<LoweredProc> procs =
      Lower("(define (g a n) (list (vector a a 1) (make-vector 5 a) (make-vector 17 a)"
            "  (make-vector n a) (vector 1 2 3 4 5 6 7 8 9)))");
  llvm::Function* g = module_->getFunction(procs.at(1).symbol);
  ASSERT_NE(g, nullptr);
  EXPECT_FALSE(llvm::verifyFunction(*g, &llvm::errs()));
  const mosaic::KindId kind = Runtime::Get().kind(ObjType::kVector);
  for (uint64_t n : {3, 5, 17, 9}) {
    const uint64_t header = layout::Header(kind, ObjType::kVector, n);
    EXPECT_EQ(CountOps(*g, llvm::Instruction::Store, &header), n <= 5 ? 1 : 0) << n;
  }
}

// The calls in `f` of `callee`, by name.
std::vector<llvm::CallInst*> CallsOf(llvm::Function& f, llvm::StringRef callee) {
  std::vector<llvm::CallInst*> calls;
  for (llvm::BasicBlock& bb : f) {
    for (llvm::Instruction& i : bb) {
      auto* call = llvm::dyn_cast<llvm::CallInst>(&i);
      if (call != nullptr && call->getCalledFunction() != nullptr &&
          call->getCalledFunction()->getName() == callee) {
        calls.push_back(call);
      }
    }
  }
  return calls;
}

TEST_F(LowerTest, ALiftedLoopIsEnteredWithoutAClosure) {
  const std::string source = "(define (f n) (let loop ((i 0)) (if (< i n) (loop (+ i 1)) i)))";
  // The closure's header: two captures (n and the loop itself).
  const uint64_t header =
      layout::Header(Runtime::Get().kind(ObjType::kClosure), ObjType::kClosure, 2);
  // Without the lifting, f allocates the loop's closure: inline, with tj_make_closure behind.
  std::vector<LoweredProc> procs = Lower(source);
  llvm::Function* f = module_->getFunction(procs.at(1).symbol);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(CountOps(*f, llvm::Instruction::Store, &header), 1);
  EXPECT_EQ(CallsOf(*f, "tj_make_closure").size(), 1u);

  procs = Lower(source, /*lift=*/true);
  ASSERT_EQ(procs.size(), 3u);  // top level, f, loop
  f = module_->getFunction(procs.at(1).symbol);
  llvm::Function* loop = module_->getFunction(procs.at(2).symbol);
  ASSERT_NE(f, nullptr);
  ASSERT_NE(loop, nullptr);
  EXPECT_FALSE(llvm::verifyModule(*module_, &llvm::errs()));
  for (llvm::Function* fn : {f, loop}) {
    EXPECT_TRUE(CallsOf(*fn, "tj_make_closure").empty());
    const uint64_t no_captures =
        layout::Header(Runtime::Get().kind(ObjType::kClosure), ObjType::kClosure, 0);
    EXPECT_EQ(CountOps(*fn, llvm::Instruction::Store, &header), 0);
    EXPECT_EQ(CountOps(*fn, llvm::Instruction::Store, &no_captures), 0);
  }
  // f enters the loop by a direct tail call: argc 2 (i and n), a constant for the closure.
  std::vector<llvm::CallInst*> entries = CallsOf(*f, loop->getName());
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_TRUE(entries[0]->isMustTailCall());
  EXPECT_TRUE(llvm::isa<llvm::Constant>(entries[0]->getArgOperand(0)));
  auto* argc = llvm::dyn_cast<llvm::ConstantInt>(entries[0]->getArgOperand(1));
  ASSERT_NE(argc, nullptr);
  EXPECT_EQ(argc->getZExtValue(), 2u);
  // The loop's self tail call is a branch: it calls no procedure at all.
  EXPECT_EQ(CountCalls(*loop, /*musttail=*/true), 0);
  EXPECT_TRUE(CallsOf(*loop, loop->getName()).empty());
}

}  // namespace
}  // namespace toylang::jit
