// End to end: IR text -> GcJit pipeline -> ORC link -> call -> collections that walk the JIT
// frames through the stack maps. The IR allocates through the small C++ helpers below, exported
// to the JIT as absolute symbols. Objects that JIT frames hold across a call must survive; dead
// ones must be freed; a stack that alternates JIT and native frames keeps roots in both.
#include <atomic>
#include <cstdint>
#include <cstring>
#include <thread>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/SourceMgr.h"
#include "mosaic/heap.h"
#include "mosaic/jit/gc_jit.h"
#include "mosaic/stackmaps/activation.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"
#include "mosaic/stackmaps/walker.h"

namespace mosaic::stackmaps {
namespace {

using ::mosaic::jit::GcJit;
using ::mosaic::jit::GcJitOptions;
using ::mosaic::jit::OptLevel;

// --- Test state shared with the helpers the JIT code calls ----------------------------------

constexpr uint64_t kHideMask = 0x5a5a5a5a5a5a5a5aull;  // hidden words are not conservative roots
constexpr int kMaxNoted = 20000;

struct Noted {
  uint64_t hidden[kMaxNoted];
  int count = 0;
  void Add(uint64_t bits) {
    if (count < kMaxNoted) hidden[count++] = bits ^ kHideMask;
  }
  uint64_t Get(int i) const { return hidden[i] ^ kHideMask; }
};

struct State {
  Heap* heap = nullptr;
  Noted live;   // must survive every collection (with their car as noted at allocation)
  Noted dead;   // unreachable by the time jit_collect runs
  uint64_t live_car[kMaxNoted];
  int collections = 0;
  int live_lost = 0;         // live objects found freed or changed after a jit_collect
  int dead_freed = 0;        // of `dead`, how many were freed at the last jit_collect
  uint64_t (*inner)() = nullptr;
  uint64_t (*outer)(uint64_t) = nullptr;
};
State* g_state = nullptr;

__attribute__((noinline)) void ClearStackBelow() {
  volatile char buffer[32 * 1024];
  std::memset(const_cast<char*>(buffer), 0, sizeof(buffer));
  asm volatile("" : : "r"(buffer) : "memory");
}

bool IsAllocated(uint64_t bits) {
  Value v = Value::FromBits(bits);
  void* address = v.IsHeapReference() ? v.ObjectAddress() : reinterpret_cast<void*>(bits);
  return g_state->heap->FindObject(address) != Value();
}

// Pairs are header-less: a live pair keeps its car as written.
uint64_t CarOf(uint64_t pair_bits) { return Value::FromBits(pair_bits).ObjectWords()[0]; }

extern "C" {

void jit_safepoint_slow() {
  MOSAIC_JIT_EXIT_SCOPE();
  Safepoint();
}

uint64_t jit_alloc_pair(uint64_t car, uint64_t cdr) {
  MOSAIC_JIT_EXIT_SCOPE();
  return AllocatePair(Value::FromBits(car), Value::FromBits(cdr)).bits();
}

// The untagged cell address, as an allocation call returns it before the JIT adds the tag.
uint64_t jit_alloc_raw_pair(uint64_t car, uint64_t cdr) {
  MOSAIC_JIT_EXIT_SCOPE();
  return AllocatePair(Value::FromBits(car), Value::FromBits(cdr)).bits() - Value::kPairTag;
}

// gc-leaf in the IR: never collects.
void jit_note_live(uint64_t pair) {
  if (g_state->live.count >= kMaxNoted) return;
  g_state->live_car[g_state->live.count] = CarOf(pair);
  g_state->live.Add(pair);
}
void jit_note_dead(uint64_t pair) { g_state->dead.Add(pair); }

__attribute__((noinline)) void CollectAndCheck() {
  ClearStackBelow();
  g_state->heap->Collect();
  ++g_state->collections;
  int lost = 0;
  for (int i = 0; i < g_state->live.count; ++i) {
    uint64_t v = g_state->live.Get(i);
    if (!IsAllocated(v) || CarOf(v) != g_state->live_car[i]) ++lost;
  }
  g_state->live_lost += lost;
  int freed = 0;
  for (int i = 0; i < g_state->dead.count; ++i) freed += IsAllocated(g_state->dead.Get(i)) ? 0 : 1;
  g_state->dead_freed = freed;
}

void jit_collect() {
  MOSAIC_JIT_EXIT_SCOPE();
  CollectAndCheck();
}

// Eight arguments: a6 and a7 arrive on the stack, in the JIT caller's outgoing-argument area,
// which no stack map describes (they are dead in the caller once the call is made). The helper
// reads a7 only after the collection, straight from that slot.
uint64_t jit_collect_with_stack_args(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, uint64_t,
                                     uint64_t, uint64_t a7) {
  MOSAIC_JIT_EXIT_SCOPE();
  // The address escapes, so the compiler must keep a7 in its incoming slot across the call
  // rather than in a callee-saved register (which a collection would find conservatively).
  uint64_t* slot = &a7;
  asm volatile("" : : "r"(slot) : "memory");
  CollectAndCheck();
  return IsAllocated(*slot) ? CarOf(*slot) : 0;
}

// No exit scope: for JIT code that writes its own exit record, and for the death tests.
void jit_collect_no_scope() { CollectAndCheck(); }

// Wrongly declared "gc-leaf-function" in the IR, yet it collects: its call site has no record.
void jit_collect_leaf() {
  MOSAIC_JIT_EXIT_SCOPE();
  CollectAndCheck();
}

// Native frames between two JIT runs, holding a root of their own (found conservatively).
uint64_t jit_call_back(uint64_t depth) {
  MOSAIC_JIT_EXIT_SCOPE();
  volatile uint64_t native_root =
      AllocatePair(Value::Fixnum(1000 + static_cast<int64_t>(depth)), Value::Nil()).bits();
  jit_note_live(native_root);
  uint64_t r = depth == 0 ? CallJit(g_state->inner) : CallJit(g_state->outer, depth - 1);
  return AllocatePair(Value::FromBits(native_root), Value::FromBits(r)).bits();
}

}  // extern "C"

// --- IR -----------------------------------------------------------------------------------

constexpr const char* kPrelude = R"IR(
@mosaic_safepoint_flag = external global i32
declare void @jit_safepoint_slow()
declare ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1), ptr addrspace(1))
declare ptr addrspace(1) @jit_alloc_raw_pair(ptr addrspace(1), ptr addrspace(1))
declare void @jit_note_live(ptr addrspace(1)) "gc-leaf-function"
declare void @jit_note_dead(ptr addrspace(1)) "gc-leaf-function"
declare void @jit_collect()
declare ptr addrspace(1) @jit_call_back(i64)
declare i64 @jit_collect_with_stack_args(i64, i64, i64, i64, i64, i64, i64, ptr addrspace(1))

define void @gc.safepoint_poll() {
  %f = load volatile i32, ptr @mosaic_safepoint_flag
  %z = icmp eq i32 %f, 0
  br i1 %z, label %done, label %slow
slow:
  call void @jit_safepoint_slow()
  br label %done
done:
  ret void
}
)IR";

// (1 . 2) and ((1 . 2) . ()) live across the collection; n dead pairs made in a loop before it.
constexpr const char* kSurviveIr = R"IR(
define ptr addrspace(1) @survive(i64 %n) gc "statepoint-example" {
entry:
  %a = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) inttoptr (i64 3 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 5 to ptr addrspace(1)))
  %has = icmp ugt i64 %n, 0
  br i1 %has, label %loop, label %done
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %s = shl i64 %i, 1
  %fx = or i64 %s, 1
  %fxp = inttoptr i64 %fx to ptr addrspace(1)
  %d = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %fxp, ptr addrspace(1) %fxp)
  call void @jit_note_dead(ptr addrspace(1) %d)
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %n
  br i1 %more, label %loop, label %done
done:
  %b = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %a, ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  call void @jit_note_live(ptr addrspace(1) %a)
  call void @jit_note_live(ptr addrspace(1) %b)
  call void @jit_collect()
  %r = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %b, ptr addrspace(1) %a)
  ret ptr addrspace(1) %r
}
)IR";

// A fresh pair (n . ()) passed only as a native helper's eighth (stack) argument.
constexpr const char* kStackArgIr = R"IR(
define i64 @stack_arg(i64 %n) gc "statepoint-example" {
  %s = shl i64 %n, 1
  %fx = or i64 %s, 1
  %fxp = inttoptr i64 %fx to ptr addrspace(1)
  %p = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %fxp, ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  %r = call i64 @jit_collect_with_stack_args(i64 0, i64 0, i64 0, i64 0, i64 0, i64 0, i64 0, ptr addrspace(1) %p)
  ret i64 %r
}
)IR";

// deep(n) = ((n . ()) . deep(n-1)), deep(0) = (0 . ()); collects at the bottom, where every
// frame holds its own pair.
constexpr const char* kDeepIr = R"IR(
define ptr addrspace(1) @deep(i64 %n) gc "statepoint-example" {
entry:
  %s = shl i64 %n, 1
  %fx = or i64 %s, 1
  %fxp = inttoptr i64 %fx to ptr addrspace(1)
  %p = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %fxp, ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  call void @jit_note_live(ptr addrspace(1) %p)
  %z = icmp eq i64 %n, 0
  br i1 %z, label %bottom, label %rec
bottom:
  call void @jit_collect()
  ret ptr addrspace(1) %p
rec:
  %n1 = sub i64 %n, 1
  %r = call ptr addrspace(1) @deep(i64 %n1)
  %q = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %p, ptr addrspace(1) %r)
  ret ptr addrspace(1) %q
}
)IR";

// outer(d) -> native jit_call_back(d) -> outer(d-1) -> ... -> jit_call_back(0) -> inner().
constexpr const char* kMixedIr = R"IR(
define ptr addrspace(1) @outer(i64 %d) gc "statepoint-example" {
  %s = shl i64 %d, 1
  %fx = or i64 %s, 1
  %fxp = inttoptr i64 %fx to ptr addrspace(1)
  %a = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %fxp, ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  call void @jit_note_live(ptr addrspace(1) %a)
  %r = call ptr addrspace(1) @jit_call_back(i64 %d)
  %res = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %a, ptr addrspace(1) %r)
  ret ptr addrspace(1) %res
}

define ptr addrspace(1) @inner() gc "statepoint-example" {
  %b = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) inttoptr (i64 41 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  call void @jit_note_live(ptr addrspace(1) %b)
  call void @jit_collect()
  ret ptr addrspace(1) %b
}
)IR";

// The only reference to the pair is its untagged cell address (the base) plus the tagged
// derived pointer; fixnums, an immediate and null are live across the collection too.
constexpr const char* kUntaggedIr = R"IR(
declare void @jit_use(ptr addrspace(1), ptr addrspace(1), ptr addrspace(1), ptr addrspace(1)) "gc-leaf-function"

define ptr addrspace(1) @untagged(i64 %fixnum) gc "statepoint-example" {
  %raw = call ptr addrspace(1) @jit_alloc_raw_pair(ptr addrspace(1) inttoptr (i64 15 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  %t = getelementptr i8, ptr addrspace(1) %raw, i64 2
  %f = inttoptr i64 %fixnum to ptr addrspace(1)
  call void @jit_note_live(ptr addrspace(1) %t)
  call void @jit_collect()
  call void @jit_use(ptr addrspace(1) %f, ptr addrspace(1) null, ptr addrspace(1) inttoptr (i64 14 to ptr addrspace(1)), ptr addrspace(1) %t)
  ret ptr addrspace(1) %t
}
)IR";

// The exit protocol written in IR (docs/design/stackmaps.md): the JIT function pushes an
// Activation with its own frame pointer and function address (stack_pointer = return_address
// = 0), calls a native function that has no exit scope, and pops the record.
constexpr const char* kIrExitIr = R"IR(
declare void @jit_collect_no_scope()
declare ptr @llvm.frameaddress.p0(i32)

define ptr addrspace(1) @ir_exit(ptr %head) gc "statepoint-example" {
  %rec = alloca [6 x i64], align 8
  %a = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) inttoptr (i64 99 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  call void @jit_note_live(ptr addrspace(1) %a)
  %prev = load ptr, ptr %head
  store ptr %prev, ptr %rec
  %kind = getelementptr i8, ptr %rec, i64 8
  store i64 7667787578899720564, ptr %kind
  %fp = call ptr @llvm.frameaddress.p0(i32 0)
  %fpi = ptrtoint ptr %fp to i64
  %fps = getelementptr i8, ptr %rec, i64 16
  store i64 %fpi, ptr %fps
  %sps = getelementptr i8, ptr %rec, i64 24
  store i64 0, ptr %sps
  %ras = getelementptr i8, ptr %rec, i64 32
  store i64 0, ptr %ras
  %fns = getelementptr i8, ptr %rec, i64 40
  store i64 ptrtoint (ptr @ir_exit to i64), ptr %fns
  store ptr %rec, ptr %head
  call void @jit_collect_no_scope()
  store ptr %prev, ptr %head
  ret ptr addrspace(1) %a
}
)IR";

// A JIT function that calls a collecting helper through a call that is not a statepoint.
constexpr const char* kLeafLieIr = R"IR(
declare void @jit_collect_leaf() "gc-leaf-function"

define ptr addrspace(1) @victim() gc "statepoint-example" {
  %a = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) inttoptr (i64 3 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  call void @jit_collect_leaf()
  ret ptr addrspace(1) %a
}
)IR";

constexpr const char* kNoScopeIr = R"IR(
declare void @jit_collect_no_scope()

define void @no_scope() gc "statepoint-example" {
  call void @jit_collect_no_scope()
  ret void
}
)IR";

// Builds (n-1 ... 1 0 5) by consing in a loop: the list so far is only in this frame.
constexpr const char* kSpinIr = R"IR(
define ptr addrspace(1) @spin(i64 %n) gc "statepoint-example" {
entry:
  %keep = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) inttoptr (i64 11 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi ptr addrspace(1) [ %keep, %entry ], [ %p, %loop ]
  %s = shl i64 %i, 1
  %fx = or i64 %s, 1
  %fxp = inttoptr i64 %fx to ptr addrspace(1)
  %p = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %fxp, ptr addrspace(1) %acc)
  %i1 = add i64 %i, 1
  %more = icmp ult i64 %i1, %n
  br i1 %more, label %loop, label %done
done:
  ret ptr addrspace(1) %p
}
)IR";

uint64_t g_used[4];
extern "C" void jit_use(uint64_t a, uint64_t b, uint64_t c, uint64_t d) {
  g_used[0] = a, g_used[1] = b, g_used[2] = c, g_used[3] = d;
}

// --- Fixture --------------------------------------------------------------------------------

// A walker that forwards everything except the precise slots: the control that shows the
// survival tests depend on the stack maps (without them, JIT-held objects die).
class DropPreciseWalker final : public StackWalker {
 public:
  explicit DropPreciseWalker(StackWalker& inner) : inner_(inner) {}
  void WalkStack(const ThreadStack& stack, RootVisitor& visitor) override {
    struct Filter final : RootVisitor {
      RootVisitor& to;
      explicit Filter(RootVisitor& v) : to(v) {}
      void VisitPrecise(Value) override {}
      void VisitConservativeRange(const void* b, const void* e) override {
        to.VisitConservativeRange(b, e);
      }
      void CountJitFrames(uint64_t n) override { to.CountJitFrames(n); }
    } filter(visitor);
    inner_.WalkStack(stack, filter);
  }

 private:
  StackWalker& inner_;
};

struct Config {
  uint64_t stress;
  WalkMode mode;
  OptLevel opt;
  bool statepoints = true;
};

std::string Describe(const Config& c) {
  return std::string(c.mode == WalkMode::kPrecise ? "Precise" : "Conservative") +
         (c.stress ? "Stress" : "") + (c.opt == OptLevel::kO0 ? "O0" : "O2") +
         (c.statepoints ? "" : "NoStatepoints");
}
std::string ConfigName(const ::testing::TestParamInfo<Config>& info) {
  return Describe(info.param);
}
// Keeps the padding bytes of Config out of test names.
void PrintTo(const Config& c, std::ostream* os) { *os << Describe(c); }

class GcRootsTest : public ::testing::TestWithParam<Config> {
 protected:
  void SetUp() override { Init(GetParam()); }

  void Init(const Config& config) {
    HeapOptions options;
    options.read_environment = false;
    options.stress = config.stress;
    options.verify = true;  // poisons freed cells: a lost root shows up as changed contents
    auto heap = Heap::Create(options);
    ASSERT_TRUE(heap.ok()) << heap.status();
    heap_ = std::move(*heap);
    ASSERT_TRUE(heap_->RegisterCurrentThread().ok());
    walker_ = std::make_unique<HybridStackWalker>(index_, config.mode);
    heap_->SetStackWalker(walker_.get());
    state_ = std::make_unique<State>();
    state_->heap = heap_.get();
    g_state = state_.get();
    GcJitOptions jit_options;
    jit_options.opt_level = config.opt;
    jit_options.statepoints = config.statepoints;
    auto jit = GcJit::Create(index_, jit_options);
    ASSERT_TRUE(jit.ok()) << jit.status();
    jit_ = std::move(*jit);
    absl::Status s = jit_->DefineAbsolute({
        {"mosaic_safepoint_flag", const_cast<const uint32_t*>(heap_->SafepointFlagAddress())},
        {"jit_safepoint_slow", reinterpret_cast<void*>(&jit_safepoint_slow)},
        {"jit_alloc_pair", reinterpret_cast<void*>(&jit_alloc_pair)},
        {"jit_alloc_raw_pair", reinterpret_cast<void*>(&jit_alloc_raw_pair)},
        {"jit_note_live", reinterpret_cast<void*>(&jit_note_live)},
        {"jit_note_dead", reinterpret_cast<void*>(&jit_note_dead)},
        {"jit_collect", reinterpret_cast<void*>(&jit_collect)},
        {"jit_call_back", reinterpret_cast<void*>(&jit_call_back)},
        {"jit_collect_with_stack_args", reinterpret_cast<void*>(&jit_collect_with_stack_args)},
        {"jit_use", reinterpret_cast<void*>(&jit_use)},
        {"jit_collect_no_scope", reinterpret_cast<void*>(&jit_collect_no_scope)},
        {"jit_collect_leaf", reinterpret_cast<void*>(&jit_collect_leaf)},
    });
    ASSERT_TRUE(s.ok()) << s;
  }

  void TearDown() override {
    if (heap_ != nullptr) {
      heap_->SetStackWalker(nullptr);
      ASSERT_TRUE(heap_->UnregisterCurrentThread().ok());
    }
    jit_.reset();
    heap_.reset();
    g_state = nullptr;
  }

  void AddIr(const std::string& body) {
    std::string text = std::string(kPrelude) + body;
    auto context = std::make_unique<llvm::LLVMContext>();
    llvm::SMDiagnostic diag;
    std::unique_ptr<llvm::Module> module =
        llvm::parseIR(llvm::MemoryBufferRef(text, "test.ll"), diag, *context);
    ASSERT_NE(module, nullptr) << diag.getLineNo() << ": " << diag.getMessage().str();
    absl::Status s = jit_->AddModule(std::move(module), std::move(context));
    ASSERT_TRUE(s.ok()) << s;
  }

  template <typename Fn>
  Fn Lookup(const char* name) {
    auto fn = jit_->Lookup<Fn>(name);
    EXPECT_TRUE(fn.ok()) << fn.status();
    return fn.ok() ? *fn : nullptr;
  }

  bool precise() const { return GetParam().mode == WalkMode::kPrecise; }

  StackMapIndex index_;
  std::unique_ptr<Heap> heap_;
  std::unique_ptr<HybridStackWalker> walker_;
  std::unique_ptr<GcJit> jit_;
  std::unique_ptr<State> state_;
};

TEST_P(GcRootsTest, LiveAcrossACallSurviveAndDeadAreFreed) {
  AddIr(kSurviveIr);
  auto survive = Lookup<uint64_t (*)(uint64_t)>("survive");
  ASSERT_NE(survive, nullptr);
  constexpr uint64_t kDead = 10000;
  uint64_t r = CallJit(survive, kDead);
  EXPECT_GE(state_->collections, 1);
  EXPECT_EQ(state_->live.count, 2);
  EXPECT_EQ(state_->live_lost, 0);
  // r = (b . a), b = (a . ()), a = (1 . 2)
  Value rv = Value::FromBits(r);
  ASSERT_TRUE(rv.IsPair());
  Value b = Value::FromBits(rv.ObjectWords()[0]);
  Value a = Value::FromBits(rv.ObjectWords()[1]);
  ASSERT_TRUE(a.IsPair());
  ASSERT_TRUE(b.IsPair());
  EXPECT_EQ(Value::FromBits(a.ObjectWords()[0]), Value::Fixnum(1));
  EXPECT_EQ(Value::FromBits(a.ObjectWords()[1]), Value::Fixnum(2));
  EXPECT_EQ(Value::FromBits(b.ObjectWords()[0]), a);
  EXPECT_TRUE(Value::FromBits(b.ObjectWords()[1]).IsNil());
  EXPECT_EQ(state_->dead.count, static_cast<int>(kDead));
  if (!GetParam().statepoints) {
    EXPECT_EQ(index_.SafepointCount(), 0u);
  } else {
    EXPECT_GE(index_.SafepointCount(), 4u);
  }
  if (GetParam().stress == 0) {
    // Under stress, freed cells are reused by the very next allocation, so "freed" cannot be
    // observed by address; without stress nothing is allocated between the two.
    EXPECT_GE(state_->dead_freed, static_cast<int>(kDead * 99 / 100))
        << "only " << state_->dead_freed << " of " << kDead << " dead pairs were freed";
  }
  if (precise()) {
    EXPECT_GE(heap_->Stats().jit_frames_visited, 1u);
  }
}

// A native helper's stack arguments lie above its exit record, in the JIT caller's frame, where
// no stack map slot covers them: the walker must scan them conservatively, or an object passed
// only that way is freed under the helper, which still reads it.
TEST_P(GcRootsTest, NativeHelpersStackArgumentsSurviveACollection) {
  AddIr(kStackArgIr);
  auto stack_arg = Lookup<uint64_t (*)(uint64_t)>("stack_arg");
  ASSERT_NE(stack_arg, nullptr);
  for (uint64_t n : {7u, 1234u}) {
    // The car read back after the collection: the fixnum n, as the JIT code tagged it.
    EXPECT_EQ(CallJit(stack_arg, n), Value::Fixnum(static_cast<int64_t>(n)).bits()) << n;
  }
  EXPECT_GE(state_->collections, 2);
}

TEST_P(GcRootsTest, ThousandDeepRecursionKeepsEveryFramesRoot) {
  AddIr(kDeepIr);
  auto deep = Lookup<uint64_t (*)(uint64_t)>("deep");
  ASSERT_NE(deep, nullptr);
  constexpr int64_t kDepth = 1000;
  uint64_t before = heap_->Stats().jit_frames_visited;
  uint64_t r = CallJit(deep, static_cast<uint64_t>(kDepth));
  EXPECT_GE(state_->collections, 1);
  EXPECT_EQ(state_->live.count, kDepth + 1);
  EXPECT_EQ(state_->live_lost, 0);
  if (precise()) {
    // The bottom collection alone walks all 1,001 frames.
    EXPECT_GE(heap_->Stats().jit_frames_visited - before, static_cast<uint64_t>(kDepth + 1));
  }
  Value v = Value::FromBits(r);
  for (int64_t k = kDepth; k >= 1; --k) {
    ASSERT_TRUE(v.IsPair()) << "at " << k;
    Value node = Value::FromBits(v.ObjectWords()[0]);
    ASSERT_TRUE(node.IsPair()) << "at " << k;
    ASSERT_EQ(Value::FromBits(node.ObjectWords()[0]), Value::Fixnum(k));
    ASSERT_TRUE(Value::FromBits(node.ObjectWords()[1]).IsNil());
    v = Value::FromBits(v.ObjectWords()[1]);
  }
  ASSERT_TRUE(v.IsPair());
  EXPECT_EQ(Value::FromBits(v.ObjectWords()[0]), Value::Fixnum(0));
}

TEST_P(GcRootsTest, AlternatingJitAndNativeFramesKeepRootsInBoth) {
  AddIr(kMixedIr);
  state_->inner = Lookup<uint64_t (*)()>("inner");
  state_->outer = Lookup<uint64_t (*)(uint64_t)>("outer");
  ASSERT_NE(state_->inner, nullptr);
  ASSERT_NE(state_->outer, nullptr);
  constexpr uint64_t kLevels = 3;
  uint64_t before = heap_->Stats().jit_frames_visited;
  uint64_t r = CallJit(state_->outer, kLevels);
  // outer(3..0) and inner each noted one pair, jit_call_back(3..0) one native pair each.
  EXPECT_EQ(state_->live.count, static_cast<int>(2 * (kLevels + 1) + 1));
  EXPECT_EQ(state_->live_lost, 0);
  if (precise()) {
    // 5 runs of one JIT frame each at the collection in inner().
    EXPECT_GE(heap_->Stats().jit_frames_visited - before, kLevels + 2);
  }
  // r = (a3 . (n3 . (a2 . (n2 . ... (n0 . b)))))
  Value v = Value::FromBits(r);
  for (int64_t d = kLevels; d >= 0; --d) {
    ASSERT_TRUE(v.IsPair());
    EXPECT_EQ(Value::FromBits(Value::FromBits(v.ObjectWords()[0]).ObjectWords()[0]),
              Value::Fixnum(d));
    v = Value::FromBits(v.ObjectWords()[1]);
    ASSERT_TRUE(v.IsPair());
    EXPECT_EQ(Value::FromBits(Value::FromBits(v.ObjectWords()[0]).ObjectWords()[0]),
              Value::Fixnum(1000 + d));
    v = Value::FromBits(v.ObjectWords()[1]);
  }
  ASSERT_TRUE(v.IsPair());
  EXPECT_EQ(Value::FromBits(v.ObjectWords()[0]), Value::Fixnum(20));
}

TEST_P(GcRootsTest, UntaggedBaseKeepsObjectAndNonReferencesAreIgnored) {
  AddIr(kUntaggedIr);
  auto untagged = Lookup<uint64_t (*)(uint64_t)>("untagged");
  ASSERT_NE(untagged, nullptr);
  const uint64_t fixnum = Value::Fixnum(-12345).bits();
  uint64_t r = CallJit(untagged, fixnum);
  EXPECT_EQ(state_->live_lost, 0);
  Value v = Value::FromBits(r);
  ASSERT_TRUE(v.IsPair());
  EXPECT_EQ(Value::FromBits(v.ObjectWords()[0]), Value::Fixnum(7));
  EXPECT_EQ(g_used[0], fixnum);
  EXPECT_EQ(g_used[1], 0u);
  EXPECT_EQ(g_used[2], 14u);
  EXPECT_EQ(g_used[3], r);
}

TEST_P(GcRootsTest, ExitRecordWrittenByJitCode) {
  AddIr(kIrExitIr);
  auto ir_exit = Lookup<uint64_t (*)(void**)>("ir_exit");
  ASSERT_NE(ir_exit, nullptr);
  void** head = &internal::tls_mutator->activations;
  uint64_t before = heap_->Stats().jit_frames_visited;
  uint64_t r = CallJit(ir_exit, head);
  EXPECT_EQ(*head, nullptr);
  EXPECT_EQ(state_->live.count, 1);
  EXPECT_EQ(state_->live_lost, 0);
  ASSERT_TRUE(Value::FromBits(r).IsPair());
  EXPECT_EQ(Value::FromBits(Value::FromBits(r).ObjectWords()[0]), Value::Fixnum(49));
  if (precise()) {
    EXPECT_GE(heap_->Stats().jit_frames_visited - before, 1u);
  }
}

TEST_P(GcRootsTest, AnotherThreadsJitFramesAreWalkedWhileItIsParked) {
  AddIr(kSpinIr);
  auto spin = Lookup<uint64_t (*)(uint64_t)>("spin");
  ASSERT_NE(spin, nullptr);
  const int64_t n = GetParam().stress ? 2000 : 20000;
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::atomic<int> collections{0};
  int rounds = 0;
  std::thread worker([&] {
    if (!heap_->RegisterCurrentThread().ok()) {
      errors.fetch_add(1);
      done.store(true);
      return;
    }
    // Keep running JIT code until the other thread has collected a few times meanwhile.
    do {
      ++rounds;
      uint64_t list = CallJit(spin, static_cast<uint64_t>(n));
      Value v = Value::FromBits(list);
      for (int64_t i = n - 1; i >= 0; --i) {
        if (!v.IsPair() || Value::FromBits(v.ObjectWords()[0]) != Value::Fixnum(i)) {
          errors.fetch_add(1);
          break;
        }
        v = Value::FromBits(v.ObjectWords()[1]);
      }
      if (!v.IsPair() || Value::FromBits(v.ObjectWords()[0]) != Value::Fixnum(5)) {
        errors.fetch_add(1);
      }
    } while ((collections.load() < 10 || (precise() && heap_->Stats().jit_frames_visited == 0)) &&
             rounds < 10000 && errors.load() == 0);
    done.store(true);
    if (!heap_->UnregisterCurrentThread().ok()) errors.fetch_add(1);
  });
  while (!done.load()) {
    heap_->Collect();
    collections.fetch_add(1);
  }
  worker.join();
  EXPECT_EQ(errors.load(), 0) << "after " << rounds << " rounds";
  EXPECT_GE(collections.load(), 10);
  // At least one collection caught the worker parked inside JIT code.
  if (precise()) {
    EXPECT_GT(heap_->Stats().jit_frames_visited, 0u);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Modes, GcRootsTest,
    ::testing::Values(Config{0, WalkMode::kPrecise, OptLevel::kO2},
                      Config{0, WalkMode::kPrecise, OptLevel::kO0},
                      Config{1, WalkMode::kPrecise, OptLevel::kO2},
                      Config{0, WalkMode::kConservative, OptLevel::kO2},
                      Config{1, WalkMode::kConservative, OptLevel::kO2},
                      Config{0, WalkMode::kConservative, OptLevel::kO2, false},
                      Config{1, WalkMode::kConservative, OptLevel::kO2, false}),
    ConfigName);

// The control: with the precise slots dropped (JIT frames still excluded from the conservative
// scan), the pairs that only JIT frames hold are freed — so the survival above is owed to the
// stack maps, not to stray conservative words. Bounded, not exact: the innermost JIT frame's
// callee-saved registers are pushed by the native callee and found conservatively there
// (see docs/design/stackmaps.md), and the object the deepest frame returns is held by it.
class GcRootsControlTest : public GcRootsTest {};

TEST_P(GcRootsControlTest, WithoutStackMapSlotsJitHeldObjectsDie) {
  DropPreciseWalker dropping(*walker_);
  heap_->SetStackWalker(&dropping);
  AddIr(kDeepIr);
  auto deep = Lookup<uint64_t (*)(uint64_t)>("deep");
  ASSERT_NE(deep, nullptr);
  constexpr int kDepth = 1000;
  CallJit(deep, uint64_t{kDepth});
  heap_->SetStackWalker(walker_.get());
  EXPECT_EQ(state_->live.count, kDepth + 1);
  EXPECT_GE(state_->live_lost, kDepth * 99 / 100);
}

INSTANTIATE_TEST_SUITE_P(Control, GcRootsControlTest,
                         ::testing::Values(Config{0, WalkMode::kPrecise, OptLevel::kO2}),
                         ConfigName);

// Broken protocols stop the process with a message that says what is wrong.
class GcRootsDeathTest : public GcRootsTest {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); GcRootsTest::SetUp(); }
};

TEST_P(GcRootsDeathTest, MissingRecordIsFatalAndNamesAddressAndFunction) {
  AddIr(kLeafLieIr);
  auto victim = Lookup<uint64_t (*)()>("victim");
  ASSERT_NE(victim, nullptr);
  EXPECT_DEATH(CallJit(victim),
               "no stack map record for return address 0x[0-9a-f]+ .*function 'victim' "
               "\\(0x[0-9a-f]+\\+0x[0-9a-f]+\\)");
}

TEST_P(GcRootsDeathTest, UnregisteredCodeStillOnTheStackIsFatal) {
  AddIr(kSurviveIr);
  auto survive = Lookup<uint64_t (*)(uint64_t)>("survive");
  ASSERT_NE(survive, nullptr);
  // Remove every section while keeping the code: the next walk meets an unknown return address.
  EXPECT_DEATH(
      {
        jit_->plugin().SetSectionObserverForTesting(nullptr);
        for (SectionId id = 1; id < 100; ++id) index_.Unregister(id).IgnoreError();
        CallJit(survive, uint64_t{1});
      },
      "no stack map record for return address 0x[0-9a-f]+");
}

TEST_P(GcRootsDeathTest, JitCodeEnteredWithoutCallJitIsFatal) {
  AddIr(kSurviveIr);
  auto survive = Lookup<uint64_t (*)(uint64_t)>("survive");
  ASSERT_NE(survive, nullptr);
  EXPECT_DEATH(survive(1), "not followed by a native->JIT entry record");
}

TEST_P(GcRootsDeathTest, NativeHelperWithoutExitScopeIsFatal) {
  AddIr(kNoScopeIr);
  auto no_scope = Lookup<void (*)()>("no_scope");
  ASSERT_NE(no_scope, nullptr);
  EXPECT_DEATH(CallJit(no_scope), "where a JIT->native exit record was expected");
}

TEST_P(GcRootsDeathTest, CallJitOnAnUnregisteredThreadIsFatal) {
  AddIr(kSurviveIr);
  auto survive = Lookup<uint64_t (*)(uint64_t)>("survive");
  ASSERT_NE(survive, nullptr);
  EXPECT_DEATH(
      {
        std::thread t([&] { CallJit(survive, uint64_t{1}); });
        t.join();
      },
      "not registered with a heap");
}

INSTANTIATE_TEST_SUITE_P(Death, GcRootsDeathTest,
                         ::testing::Values(Config{0, WalkMode::kPrecise, OptLevel::kO2}),
                         ConfigName);

}  // namespace
}  // namespace mosaic::stackmaps
