#include "mosaic/options.h"

#include "mosaic/heap.h"

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "gtest/gtest.h"

namespace mosaic {
namespace {

TEST(OptionsTest, ParsesEveryOption) {
  auto o = HeapOptions::Parse(
      "heap-max=512M, gc-min=64K,gc-growth=2.5,stress=100,verify=1,mark-stack=16,blacklist=0,"
      "retain-blocks=3,watchdog-ms=0,heap-hint=0,watchdog-action=abort,markers=3");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->heap_max, size_t{512} << 20);
  EXPECT_EQ(o->gc_min, size_t{64} << 10);
  EXPECT_DOUBLE_EQ(o->gc_growth, 2.5);
  EXPECT_EQ(o->stress, 100u);
  EXPECT_TRUE(o->verify);
  EXPECT_EQ(o->mark_stack, 16u);
  EXPECT_FALSE(o->blacklist);
  EXPECT_EQ(o->retain_blocks, 3u);
  EXPECT_EQ(o->watchdog_ms, 0u);
  EXPECT_EQ(o->heap_hint, 0u);
  EXPECT_EQ(o->watchdog_action, WatchdogAction::kAbort);
  EXPECT_EQ(o->markers, 3);
  EXPECT_EQ(o->EffectiveMarkers(), 3);
}

TEST(OptionsTest, MarkersZeroMeansTheOnlineCpusUpToEight) {
  HeapOptions o;
  EXPECT_EQ(o.markers, 0);
  unsigned cpus = std::thread::hardware_concurrency();
  EXPECT_EQ(o.EffectiveMarkers(), static_cast<int>(std::clamp(cpus, 1u, 8u)));
}

// Every suffix the messages use, up to the 32T limit they name.
TEST(OptionsTest, SizesTakeKMGAndTSuffixes) {
  auto o = HeapOptions::Parse("heap-max=16T,gc-min=3k,nursery=2G");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->heap_max, size_t{16} << 40);
  EXPECT_EQ(o->gc_min, size_t{3} << 10);
  EXPECT_EQ(o->nursery, size_t{2} << 30);
  EXPECT_FALSE(HeapOptions::Parse("heap-max=33T").ok());
}

TEST(OptionsTest, KeysNotNamedKeepTheirBaseValue) {
  HeapOptions base;
  base.stress = 7;
  auto o = HeapOptions::Parse("verify=1", base);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->stress, 7u);
  EXPECT_EQ(o->heap_max, base.heap_max);
}

TEST(OptionsTest, ToStringRoundTrips) {
  auto o = HeapOptions::Parse("heap-max=3G,stress=9,verify=1,gc-growth=0.5");
  ASSERT_TRUE(o.ok());
  auto again = HeapOptions::Parse(o->ToString());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToString(), o->ToString());
}

TEST(OptionsTest, ErrorsNameTheOption) {
  struct Case {
    const char* text;
    const char* mentions;
  } cases[] = {
      {"heap-mux=1G", "heap-mux"},  {"heap-max=lots", "heap-max"}, {"verify=maybe", "verify"},
      {"stress", "stress"},         {"gc-growth=-1", "gc-growth"}, {"mark-stack=0", "mark-stack"},
      {"heap-max=99999999999999999999G", "heap-max"},
      // Values that parse but cannot work: said at once, not at the first allocation.
      {"heap-max=16777215G", "32T"},  {"heap-max=4K", "256K"},
      {"mark-stack=1000000G", "mark-stack"}, {"watchdog-action=ignore", "watchdog-action"},
      {"markers=65", "markers"}, {"markers=-1", "markers"}, {"markers=two", "markers"},
  };
  for (const Case& c : cases) {
    auto o = HeapOptions::Parse(c.text);
    ASSERT_FALSE(o.ok()) << c.text;
    EXPECT_EQ(o.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(o.status().message().find(c.mentions), absl::string_view::npos)
        << o.status().message();
  }
}

// Options built in C++ skip Parse: Heap::Create checks them the same way.
TEST(OptionsTest, HeapCreationRefusesOptionsThatCannotWork) {
  HeapOptions huge;
  huge.heap_max = ~size_t{0} - 4096;
  huge.read_environment = false;
  auto heap = Heap::Create(huge);
  ASSERT_FALSE(heap.ok());
  EXPECT_EQ(heap.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(heap.status().message().find("heap-max"), absl::string_view::npos);
  HeapOptions stack;
  stack.mark_stack = size_t{1} << 40;
  stack.read_environment = false;
  heap = Heap::Create(stack);
  ASSERT_FALSE(heap.ok());
  EXPECT_NE(heap.status().message().find("mark-stack"), absl::string_view::npos);
  HeapOptions growth;
  growth.gc_growth = -0.5;
  growth.read_environment = false;
  EXPECT_FALSE(Heap::Create(growth).ok());
}

TEST(OptionsTest, EnvironmentVariableAppliesOnTop) {
  const char* saved = std::getenv("MOSAIC_GC_OPTIONS");
  std::string restore = saved ? saved : "";
  setenv("MOSAIC_GC_OPTIONS", "stress=3", 1);
  HeapOptions base;
  base.verify = true;
  auto o = HeapOptions::FromEnvironment(base);
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->stress, 3u);
  EXPECT_TRUE(o->verify);
  setenv("MOSAIC_GC_OPTIONS", "nonsense=1", 1);
  auto bad = HeapOptions::FromEnvironment();
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("MOSAIC_GC_OPTIONS"), absl::string_view::npos);
  if (saved) {
    setenv("MOSAIC_GC_OPTIONS", restore.c_str(), 1);
  } else {
    unsetenv("MOSAIC_GC_OPTIONS");
  }
}

}  // namespace
}  // namespace mosaic
