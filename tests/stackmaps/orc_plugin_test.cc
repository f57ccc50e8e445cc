// Real LLVM output, no collector: the plugin registers what JITLink links, the recorded slots
// hold the live values at the call, truncated or corrupted copies of a real section are refused
// with a message, and removing a resource tracker removes its records.
#include <cstdint>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/SourceMgr.h"
#include "mosaic/jit/gc_jit.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"
#include "mosaic/stackmaps/section.h"

namespace mosaic::stackmaps {
namespace {

using ::mosaic::jit::GcJit;
using ::mosaic::jit::GcJitOptions;
using ::mosaic::jit::OptLevel;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

constexpr const char* kKeepTwoIr = R"IR(
declare void @ext_call()
declare ptr addrspace(1) @ext_pick(ptr addrspace(1), ptr addrspace(1))

define void @gc.safepoint_poll() {
  ret void
}

define ptr addrspace(1) @keep2(ptr addrspace(1) %a, ptr addrspace(1) %b) gc "statepoint-example" {
entry:
  call void @ext_call()
  %c = call ptr addrspace(1) @ext_pick(ptr addrspace(1) %a, ptr addrspace(1) %b)
  ret ptr addrspace(1) %c
}
)IR";

// What ext_call saw: the return address into keep2, and the words in the slots that the index
// names for it, read while keep2's frame is live (keep2's SP after the call == our FP + 16).
const StackMapIndex* g_index = nullptr;
uint64_t g_return_address = 0;
std::vector<uint64_t> g_slot_words;

extern "C" [[gnu::noinline]] void TestExtCall() {
  g_return_address = reinterpret_cast<uint64_t>(__builtin_return_address(0));
  const uint64_t caller_sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0)) + 16;
  g_slot_words.clear();
  if (g_index == nullptr) return;
  StackMapIndex::Reader reader(*g_index);
  if (const Safepoint* sp = reader.Find(g_return_address)) {
    for (int32_t off : sp->base_offsets()) {
      g_slot_words.push_back(*reinterpret_cast<const uint64_t*>(caller_sp + off));
    }
  }
}

extern "C" uint64_t TestExtPick(uint64_t a, uint64_t b) { return b; }

struct Loaded {
  std::unique_ptr<GcJit> jit;
  llvm::orc::ResourceTrackerSP tracker;
};

absl::StatusOr<Loaded> Load(StackMapIndex& index, const char* ir,
                            std::vector<uint8_t>* section_bytes = nullptr,
                            OptLevel level = OptLevel::kO2) {
  GcJitOptions options;
  options.opt_level = level;
  absl::StatusOr<std::unique_ptr<GcJit>> jit = GcJit::Create(index, options);
  if (!jit.ok()) return jit.status();
  if (section_bytes != nullptr) {
    (*jit)->plugin().SetSectionObserverForTesting(
        [section_bytes](const std::vector<uint8_t>& bytes, uint64_t) { *section_bytes = bytes; });
  }
  absl::Status s = (*jit)->DefineAbsolute({{"ext_call", reinterpret_cast<void*>(&TestExtCall)},
                                           {"ext_pick", reinterpret_cast<void*>(&TestExtPick)}});
  if (!s.ok()) return s;
  auto context = std::make_unique<llvm::LLVMContext>();
  llvm::SMDiagnostic diag;
  std::unique_ptr<llvm::Module> module =
      llvm::parseIR(llvm::MemoryBufferRef(ir, "test.ll"), diag, *context);
  if (module == nullptr) return absl::InvalidArgumentError(diag.getMessage().str());
  auto tracker = (*jit)->lljit().getMainJITDylib().createResourceTracker();
  s = (*jit)->AddModule(std::move(module), std::move(context), tracker);
  if (!s.ok()) return s;
  return Loaded{std::move(*jit), tracker};
}

class OrcPluginTest : public ::testing::TestWithParam<OptLevel> {};

TEST_P(OrcPluginTest, RecordedSlotsHoldTheLiveValuesAtTheCall) {
  StackMapIndex index;
  absl::StatusOr<Loaded> loaded = Load(index, kKeepTwoIr, nullptr, GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  auto keep2 = loaded->jit->Lookup<uint64_t (*)(uint64_t, uint64_t)>("keep2");
  ASSERT_TRUE(keep2.ok()) << keep2.status();
  // Two statepoints (the calls); the poll is empty, so it adds none.
  EXPECT_EQ(index.SafepointCount(), 2u);
  EXPECT_EQ(loaded->jit->plugin().LiveSectionCount(), 1u);

  const uint64_t a = 0x6000'0000'1000, b = 0x6000'0000'2002;
  g_index = &index;
  EXPECT_EQ((*keep2)(a, b), b);
  g_index = nullptr;
  EXPECT_THAT(g_slot_words, UnorderedElementsAre(a, b));
  StackMapIndex::Reader reader(index);
  const Safepoint* sp = reader.Find(g_return_address);
  ASSERT_NE(sp, nullptr) << "no record for the return address ext_call saw";
  EXPECT_EQ(sp->function->address, *loaded->jit->LookupAddress("keep2"));
  EXPECT_EQ(sp->function->name, "keep2");
  EXPECT_EQ(sp->count, 2u);
  EXPECT_EQ(reader.Find(g_return_address - 1), nullptr);
}

INSTANTIATE_TEST_SUITE_P(Levels, OrcPluginTest,
                         ::testing::Values(OptLevel::kO0, OptLevel::kO2));

TEST(OrcPluginRemovalTest, RemovingTheTrackerUnregistersTheSection) {
  StackMapIndex index;
  absl::StatusOr<Loaded> loaded = Load(index, kKeepTwoIr);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->jit->LookupAddress("keep2").ok());
  ASSERT_EQ(index.SafepointCount(), 2u);
  ASSERT_EQ(loaded->jit->plugin().SectionsForTesting(0).size(), 0u);
  ASSERT_FALSE(llvm::errorToBool(loaded->tracker->remove()));
  EXPECT_EQ(index.SafepointCount(), 0u);
  EXPECT_EQ(index.SectionCount(), 0u);
  EXPECT_EQ(loaded->jit->plugin().LiveSectionCount(), 0u);
}

TEST(OrcPluginRemovalTest, ModuleWithoutPollIsRefused) {
  StackMapIndex index;
  absl::StatusOr<Loaded> loaded = Load(index, R"IR(
declare void @ext_call()
define void @f() gc "statepoint-example" {
  call void @ext_call()
  ret void
}
)IR");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(loaded.status().message(), HasSubstr("gc.safepoint_poll"));
}

class RealSectionFuzzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<Loaded> loaded = Load(index_, kKeepTwoIr, &bytes_);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    ASSERT_TRUE(loaded->jit->LookupAddress("keep2").ok());
    loaded_ = std::move(*loaded);
    ASSERT_GT(bytes_.size(), 16u);
    ASSERT_TRUE(ParseStackMapSection(bytes_).ok());
  }
  StackMapIndex index_;
  Loaded loaded_;
  std::vector<uint8_t> bytes_;
};

TEST_F(RealSectionFuzzTest, EveryTruncationIsRejectedWithAMessage) {
  for (size_t len = 0; len < bytes_.size(); ++len) {
    std::vector<uint8_t> cut(bytes_.begin(), bytes_.begin() + len);
    StackMapIndex fresh;
    absl::StatusOr<SectionId> id = fresh.Register(cut, 0x1000);
    ASSERT_FALSE(id.ok()) << "truncated to " << len << " of " << bytes_.size() << " bytes";
    EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_FALSE(id.status().message().empty());
    EXPECT_EQ(fresh.SafepointCount(), 0u);
  }
}

TEST_F(RealSectionFuzzTest, RandomByteFlipsNeverCrash) {
  std::mt19937_64 rng(12345);
  int rejected = 0;
  constexpr int kTrials = 20000;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<uint8_t> mutated = bytes_;
    int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      mutated[rng() % mutated.size()] ^= static_cast<uint8_t>(1 + rng() % 255);
    }
    StackMapIndex fresh;
    absl::StatusOr<SectionId> id = fresh.Register(mutated, 0x1000);
    if (!id.ok()) {
      ++rejected;
      EXPECT_FALSE(id.status().message().empty());
      continue;
    }
    // Accepted: whatever it says must be self-consistent.
    StackMapIndex::Reader reader(fresh);
    absl::StatusOr<ParsedSection> parsed = ParseStackMapSection(mutated);
    ASSERT_TRUE(parsed.ok());
    for (const ParsedSafepoint& p : parsed->safepoints) {
      const Safepoint* sp = reader.Find(p.return_address);
      ASSERT_NE(sp, nullptr);
      for (int32_t off : sp->base_offsets()) EXPECT_GE(off, 0);
    }
  }
  // Most flips hit counts, kinds or sizes; some hit ids or offsets and are legitimately valid.
  EXPECT_GT(rejected, kTrials / 10);
}

}  // namespace
}  // namespace mosaic::stackmaps
