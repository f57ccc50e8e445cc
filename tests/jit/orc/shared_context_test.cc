// GcJit::AddModule(ThreadSafeModule, tracker): modules that share one LLVM context (the JIT
// splits a compilation unit in two so that its top-level code can be removed alone). The part
// under a tracker takes its stack-map records away when removed; the other part keeps working.
#include <cstdint>
#include <memory>

#include "gtest/gtest.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/SourceMgr.h"
#include "mosaic/jit/gc_jit.h"
#include "mosaic/stackmaps/index.h"

namespace mosaic::jit {
namespace {

using ::mosaic::stackmaps::StackMapIndex;

// `keep` stays; `top` (another module, same context) calls it twice: two statepoints.
constexpr const char* kKeepIr = R"IR(
declare void @ext_call()

define void @gc.safepoint_poll() {
  ret void
}

define ptr addrspace(1) @keep(ptr addrspace(1) %a) gc "statepoint-example" {
entry:
  call void @ext_call()
  ret ptr addrspace(1) %a
}
)IR";

constexpr const char* kTopIr = R"IR(
declare ptr addrspace(1) @keep(ptr addrspace(1))

define void @gc.safepoint_poll() {
  ret void
}

define ptr addrspace(1) @top(ptr addrspace(1) %a) gc "statepoint-example" {
entry:
  %b = call ptr addrspace(1) @keep(ptr addrspace(1) %a)
  %c = call ptr addrspace(1) @keep(ptr addrspace(1) %b)
  ret ptr addrspace(1) %c
}
)IR";

constexpr const char* kNoPollIr = R"IR(
define ptr addrspace(1) @nopoll(ptr addrspace(1) %a) gc "statepoint-example" {
  ret ptr addrspace(1) %a
}
)IR";

int calls = 0;
extern "C" void SharedContextExtCall() { ++calls; }

std::unique_ptr<llvm::Module> Parse(const char* ir, llvm::LLVMContext& context) {
  llvm::SMDiagnostic diag;
  return llvm::parseIR(llvm::MemoryBufferRef(ir, "test.ll"), diag, context);
}

TEST(SharedContextTest, RemovingOnePartKeepsTheOther) {
  StackMapIndex index;
  auto jit = GcJit::Create(index);
  ASSERT_TRUE(jit.ok()) << jit.status();
  ASSERT_TRUE((*jit)
                  ->DefineAbsolute({{"ext_call",
                                     reinterpret_cast<const void*>(&SharedContextExtCall)}})
                  .ok());
  llvm::orc::ThreadSafeContext tsc(std::make_unique<llvm::LLVMContext>());
  std::unique_ptr<llvm::Module> keep = Parse(kKeepIr, *tsc.getContext());
  std::unique_ptr<llvm::Module> top = Parse(kTopIr, *tsc.getContext());
  ASSERT_NE(keep, nullptr);
  ASSERT_NE(top, nullptr);
  auto tracker = (*jit)->lljit().getMainJITDylib().createResourceTracker();
  ASSERT_TRUE((*jit)->AddModule(llvm::orc::ThreadSafeModule(std::move(keep), tsc)).ok());
  ASSERT_TRUE((*jit)->AddModule(llvm::orc::ThreadSafeModule(std::move(top), tsc), tracker).ok());

  auto top_fn = (*jit)->Lookup<uint64_t (*)(uint64_t)>("top");
  auto keep_fn = (*jit)->Lookup<uint64_t (*)(uint64_t)>("keep");
  ASSERT_TRUE(top_fn.ok()) << top_fn.status();
  ASSERT_TRUE(keep_fn.ok()) << keep_fn.status();
  // keep: one statepoint (ext_call); top: two (the calls of keep).
  EXPECT_EQ(index.SafepointCount(), 3u);
  EXPECT_EQ(index.SectionCount(), 2u);
  calls = 0;
  EXPECT_EQ((*top_fn)(0x6000'0000'1000), 0x6000'0000'1000u);
  EXPECT_EQ(calls, 2);

  ASSERT_FALSE(llvm::errorToBool(tracker->remove()));
  EXPECT_EQ(index.SafepointCount(), 1u);
  EXPECT_EQ(index.SectionCount(), 1u);
  EXPECT_FALSE((*jit)->LookupAddress("top").ok());
  EXPECT_EQ((*keep_fn)(0x6000'0000'2000), 0x6000'0000'2000u);
  EXPECT_EQ(calls, 3);
}

// A JIT at O2 given one module at O0 (the JIT's top-level code): pipeline and code generation at
// O0 for that module, and its stack maps registered like any other's.
TEST(SharedContextTest, AModuleAtItsOwnLevel) {
  StackMapIndex index;
  GcJitOptions options;
  options.opt_level = OptLevel::kO2;
  auto jit = GcJit::Create(index, options);
  ASSERT_TRUE(jit.ok()) << jit.status();
  ASSERT_TRUE((*jit)
                  ->DefineAbsolute({{"ext_call",
                                     reinterpret_cast<const void*>(&SharedContextExtCall)}})
                  .ok());
  llvm::orc::ThreadSafeContext tsc(std::make_unique<llvm::LLVMContext>());
  std::unique_ptr<llvm::Module> keep = Parse(kKeepIr, *tsc.getContext());
  std::unique_ptr<llvm::Module> top = Parse(kTopIr, *tsc.getContext());
  ASSERT_NE(keep, nullptr);
  ASSERT_NE(top, nullptr);
  ASSERT_TRUE((*jit)->AddModule(llvm::orc::ThreadSafeModule(std::move(keep), tsc)).ok());
  ASSERT_TRUE((*jit)
                  ->AddModule(llvm::orc::ThreadSafeModule(std::move(top), tsc), nullptr,
                              OptLevel::kO0)
                  .ok());
  auto top_fn = (*jit)->Lookup<uint64_t (*)(uint64_t)>("top");
  ASSERT_TRUE(top_fn.ok()) << top_fn.status();
  EXPECT_EQ(index.SafepointCount(), 3u);
  calls = 0;
  EXPECT_EQ((*top_fn)(0x6000'0000'3000), 0x6000'0000'3000u);
  EXPECT_EQ(calls, 2);
}

TEST(SharedContextTest, AModuleWithoutPollIsAnErrorNotACrash) {
  StackMapIndex index;
  auto jit = GcJit::Create(index);
  ASSERT_TRUE(jit.ok()) << jit.status();
  llvm::orc::ThreadSafeContext tsc(std::make_unique<llvm::LLVMContext>());
  std::unique_ptr<llvm::Module> m = Parse(kNoPollIr, *tsc.getContext());
  ASSERT_NE(m, nullptr);
  absl::Status s = (*jit)->AddModule(llvm::orc::ThreadSafeModule(std::move(m), tsc));
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("gc.safepoint_poll"), std::string::npos) << s;
  EXPECT_EQ(index.SafepointCount(), 0u);
}

}  // namespace
}  // namespace mosaic::jit
