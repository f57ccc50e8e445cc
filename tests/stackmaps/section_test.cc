// Parsing and indexing hand-built sections: the expected offsets below are worked out from the
// v3 format by hand, not taken from the parser.
#include "mosaic/stackmaps/section.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "mosaic/stackmaps/index.h"
#include "section_builder.h"

namespace mosaic::stackmaps {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::Const;
using testing::Fn;
using testing::Loc;
using testing::Rbp;
using testing::Rec;
using testing::Reg;
using testing::Rsp;
using testing::SectionBuilder;

TEST(SectionTest, ParsesBasesDeduplicatedAndIgnoresConstantsAndDerived) {
  // Function at 0x1000 with a 56-byte frame. Pairs (base, derived):
  //   (RSP+16, RSP+24)  base 16
  //   (RSP+8, RSP+8)    base 8
  //   (RSP+16, RSP+32)  base 16 again: deduplicated
  //   (Const, Const)    ignored
  //   (RBP-24, RBP-24)  base at FP-24: kept relative to the frame pointer, because the SP at
  //                     the call may be below the fixed frame (pushed arguments)
  std::vector<uint8_t> bytes = SectionBuilder().Build(
      {Fn{0x1000, 56,
          {Rec{7, 0x20,
               {Rsp(16), Rsp(24), Rsp(8), Rsp(8), Rsp(16), Rsp(32), Const(0), Const(5), Rbp(-24),
                Rbp(-24)}},
           Rec{8, 0x40, {}}}},
       Fn{0x2000, 8, {Rec{9, 0x4, {Rsp(0), Rsp(0)}}}}});
  absl::StatusOr<ParsedSection> parsed = ParseStackMapSection(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->functions.size(), 2u);
  EXPECT_EQ(parsed->functions[0].address, 0x1000u);
  EXPECT_EQ(parsed->functions[0].stack_size, 56u);
  ASSERT_EQ(parsed->safepoints.size(), 3u);
  EXPECT_EQ(parsed->safepoints[0].return_address, 0x1020u);
  EXPECT_EQ(parsed->safepoints[0].patchpoint_id, 7u);
  EXPECT_THAT(parsed->safepoints[0].base_offsets, ElementsAre(8, 16));
  EXPECT_THAT(parsed->safepoints[0].frame_offsets, ElementsAre(-24));
  EXPECT_EQ(parsed->safepoints[1].return_address, 0x1040u);
  EXPECT_TRUE(parsed->safepoints[1].base_offsets.empty());
  EXPECT_EQ(parsed->safepoints[2].return_address, 0x2004u);
  EXPECT_EQ(parsed->safepoints[2].function_index, 1u);
  EXPECT_THAT(parsed->safepoints[2].base_offsets, ElementsAre(0));
}

TEST(SectionTest, FrameRelativeLocationsNeedNoFixedFrameSize) {
  // A frame of dynamic size may still name RBP slots; incoming stack arguments lie above the
  // saved RBP and return address (RBP+16 and up).
  std::vector<uint8_t> bytes = SectionBuilder().Build(
      {Fn{0x1000, kDynamicStackSize,
          {Rec{1, 0x10, {Rbp(-8), Rbp(-8), Rbp(16), Rbp(16), Rbp(-8), Rbp(-16)}}}}});
  absl::StatusOr<ParsedSection> parsed = ParseStackMapSection(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->safepoints.size(), 1u);
  EXPECT_TRUE(parsed->safepoints[0].base_offsets.empty());
  EXPECT_THAT(parsed->safepoints[0].frame_offsets, ElementsAre(-8, 16));
}

TEST(SectionTest, RejectsFrameLocationOnTheSavedFramePointer) {
  auto bytes = SectionBuilder().Build({Fn{0x1000, 32, {Rec{1, 0x10, {Rbp(8), Rbp(8)}}}}});
  absl::Status s = ParseStackMapSection(bytes).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("RBP+8"), std::string::npos) << s;
}

TEST(SectionTest, EmptySectionIsValid) {
  std::vector<uint8_t> bytes = SectionBuilder().Build({});
  ASSERT_EQ(bytes.size(), 16u);
  absl::StatusOr<ParsedSection> parsed = ParseStackMapSection(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->safepoints.empty());
}

absl::Status ParseStatus(const std::vector<uint8_t>& bytes) {
  return ParseStackMapSection(bytes).status();
}

TEST(SectionTest, RejectsRegisterLocationNamingTheRecord) {
  auto bytes = SectionBuilder().Build(
      {Fn{0x1000, 32, {Rec{1, 0x10, {Rsp(8), Rsp(8)}}, Rec{2, 0x18, {Reg(3), Reg(3)}}}}});
  absl::Status s = ParseStatus(bytes);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), HasSubstr("record #1"));
  EXPECT_THAT(s.message(), HasSubstr("function 0x1000"));
  EXPECT_THAT(s.message(), HasSubstr("Register"));
}

TEST(SectionTest, RejectsDirectWrongSizeAndOtherBaseRegister) {
  Loc direct{2, 8, 7, 16};
  EXPECT_THAT(ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {Rec{1, 4, {direct, direct}}}}}))
                  .message(),
              HasSubstr("Direct"));
  Loc four_bytes{3, 4, 7, 16};
  EXPECT_THAT(
      ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {Rec{1, 4, {four_bytes, four_bytes}}}}}))
          .message(),
      HasSubstr("4 bytes"));
  Loc rbx_based{3, 8, 3, 16};
  EXPECT_THAT(
      ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {Rec{1, 4, {rbx_based, rbx_based}}}}}))
          .message(),
      HasSubstr("DWARF register 3"));
  EXPECT_THAT(ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {Rec{1, 4, {Rsp(-8), Rsp(8)}}}}}))
                  .message(),
              HasSubstr("below the stack pointer"));
}

TEST(SectionTest, RejectsNonStatepointRecords) {
  Rec too_short{1, 4, {Const(0)}, /*add_statepoint_header=*/false};
  EXPECT_THAT(ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {too_short}}})).message(),
              HasSubstr("at least 3"));
  // Header claims 4 deopt locations but only 2 locations follow.
  Rec bad_deopt{1, 4, {Const(0), Const(0), Const(4), Rsp(8), Rsp(8)}, false};
  EXPECT_THAT(ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {bad_deopt}}})).message(),
              HasSubstr("deopt"));
  // Three GC locations: not pairs.
  Rec odd{1, 4, {Rsp(8), Rsp(8), Rsp(16)}};
  EXPECT_FALSE(ParseStatus(SectionBuilder().Build({Fn{0x1000, 32, {odd}}})).ok());
}

TEST(SectionTest, DeoptLocationsAreSkipped) {
  // One deopt location (a register: not a GC value, so allowed), then one pair.
  Rec r{1, 4, {Const(0), Const(0), Const(1), Reg(5), Rsp(24), Rsp(24)}, false};
  auto parsed = ParseStackMapSection(SectionBuilder().Build({Fn{0x1000, 32, {r}}}));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->safepoints[0].base_offsets, ElementsAre(24));
}

TEST(SectionTest, RejectsBadFraming) {
  auto good = SectionBuilder().Build({Fn{0x1000, 32, {Rec{1, 4, {Rsp(8), Rsp(8)}}}}});
  ASSERT_TRUE(ParseStatus(good).ok());

  EXPECT_THAT(ParseStatus(SectionBuilder().Build({}, /*version=*/2)).message(),
              HasSubstr("version 2"));
  EXPECT_THAT(ParseStatus(std::vector<uint8_t>(good.begin(), good.begin() + 10)).message(),
              HasSubstr("header"));

  auto many_functions = good;
  many_functions[4] = 0xff;  // function count 255
  EXPECT_THAT(ParseStatus(many_functions).message(), HasSubstr("function records"));

  auto many_records = good;
  many_records[12] = 2;  // header says 2 records, the function says 1
  EXPECT_FALSE(ParseStatus(many_records).ok());

  auto record_count = good;
  record_count[16 + 16] = 9;  // function's record count
  EXPECT_THAT(ParseStatus(record_count).message(), HasSubstr("claims 9 records"));

  auto locations = good;
  // Record starts at 16 + 24 = 40; its location count is at +14.
  locations[40 + 14] = 200;
  EXPECT_THAT(ParseStatus(locations).message(), HasSubstr("runs past the end"));

  auto kind = good;
  kind[40 + 16] = 9;  // first location's kind
  EXPECT_THAT(ParseStatus(kind).message(), HasSubstr("unknown kind 9"));
}

TEST(SectionTest, RejectsDuplicateReturnAddressInOneSection) {
  auto bytes = SectionBuilder().Build(
      {Fn{0x1000, 32, {Rec{1, 4, {}}, Rec{2, 4, {}}}}});
  EXPECT_THAT(ParseStatus(bytes).message(), HasSubstr("duplicate return address 0x1004"));
}

TEST(IndexTest, FindsExactReturnAddressesOnly) {
  StackMapIndex index;
  auto bytes = SectionBuilder().Build(
      {Fn{0x5000, 48, {Rec{1, 0x10, {Rsp(16), Rsp(16), Rsp(40), Rsp(40)}}}}});
  CodeSymbol sym{0x5000, 0x80, "my_function"};
  absl::StatusOr<SectionId> id = index.Register(bytes, 0x9000, {&sym, 1});
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(index.SafepointCount(), 1u);
  {
    StackMapIndex::Reader reader(index);
    const Safepoint* sp = reader.Find(0x5010);
    ASSERT_NE(sp, nullptr);
    EXPECT_THAT(sp->base_offsets(), ElementsAre(16, 40));
    EXPECT_EQ(sp->function->name, "my_function");
    EXPECT_EQ(sp->function->stack_size, 48u);
    EXPECT_EQ(reader.Find(0x500f), nullptr);
    EXPECT_EQ(reader.Find(0x5011), nullptr);
    EXPECT_NE(reader.FindFunction(0x5000), nullptr);
    EXPECT_THAT(reader.Describe(0x5011), HasSubstr("my_function"));
    EXPECT_THAT(reader.Describe(0x5011), HasSubstr("0x5000+0x11"));
    EXPECT_EQ(reader.Describe(0x10), "no registered JIT function");
  }
  // The same code registered twice is refused and leaves the index as it was.
  absl::StatusOr<SectionId> again = index.Register(bytes, 0x9000);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(index.SectionCount(), 1u);

  ASSERT_TRUE(index.Unregister(*id).ok());
  EXPECT_EQ(index.SafepointCount(), 0u);
  {
    StackMapIndex::Reader reader(index);
    EXPECT_EQ(reader.Find(0x5010), nullptr);
  }
  EXPECT_EQ(index.Unregister(*id).code(), absl::StatusCode::kNotFound);
  // Once removed, the code may be registered again (e.g. the address reused).
  EXPECT_TRUE(index.Register(bytes, 0x9000).ok());
}

TEST(IndexTest, MalformedSectionLeavesIndexUnchangedWithMessage) {
  StackMapIndex index;
  auto bytes = SectionBuilder().Build({Fn{0x5000, 48, {Rec{1, 0x10, {Reg(0), Reg(0)}}}}});
  absl::StatusOr<SectionId> id = index.Register(bytes, 0x9000);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(id.status().message(), HasSubstr("section at 0x9000"));
  EXPECT_THAT(id.status().message(), HasSubstr("record #0"));
  EXPECT_EQ(index.SafepointCount(), 0u);
  EXPECT_EQ(index.SectionCount(), 0u);
}

TEST(IndexTest, ConcurrentRegistrationAndLookups) {
  // Writers register and unregister disjoint sections while readers look up a section that
  // stays registered throughout: readers always find it, and never see a half-inserted section
  // (a return address whose record has the wrong slot).
  StackMapIndex index;
  auto stable = SectionBuilder().Build({Fn{0x100000, 32, {Rec{1, 0x10, {Rsp(8), Rsp(8)}}}}});
  ASSERT_TRUE(index.Register(stable, 1).ok());
  std::atomic<bool> stop{false};
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < 2; ++w) {
    threads.emplace_back([&, w] {
      for (int i = 0; i < 300; ++i) {
        uint64_t base = 0x200000 + (w * 1000 + i) * 0x100;
        auto bytes = SectionBuilder().Build(
            {Fn{base, 64, {Rec{1, 0x8, {Rsp(16), Rsp(16)}}, Rec{2, 0x20, {Rsp(24), Rsp(24)}}}}});
        absl::StatusOr<SectionId> id = index.Register(bytes, base);
        if (!id.ok() || !index.Unregister(*id).ok()) bad.fetch_add(1);
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (!stop.load()) {
        StackMapIndex::Reader reader(index);
        const Safepoint* sp = reader.Find(0x100010);
        if (sp == nullptr || sp->count != 1 || sp->offsets[0] != 8) bad.fetch_add(1);
        for (uint64_t ra = 0x200008; ra < 0x200008 + 0x100 * 50; ra += 0x100) {
          const Safepoint* other = reader.Find(ra);
          if (other != nullptr && (other->count != 1 || other->offsets[0] != 16)) bad.fetch_add(1);
        }
      }
    });
  }
  threads[0].join();
  threads[1].join();
  stop.store(true);
  threads[2].join();
  threads[3].join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(index.SectionCount(), 1u);
  EXPECT_EQ(index.SafepointCount(), 1u);
}

}  // namespace
}  // namespace mosaic::stackmaps
