// Tests runtime/src/stats/stats_recorder.cc: accumulation, freed bytes, percentiles, listeners.
#include "stats/stats_recorder.h"

#include "gtest/gtest.h"

namespace mosaic::internal {
namespace {

TEST(StatsRecorderTest, AccumulatesCyclesAndComputesFreedBytes) {
  StatsRecorder recorder(0x1000, true);
  CycleRecord c;
  c.pause_ns = 100;
  c.allocated_bytes = 1000;
  c.live_bytes = 300;
  c.mutators = 2;
  recorder.Record(c);
  EXPECT_EQ(recorder.LastEvent().freed_bytes, 700u);  // 0 live before + 1000 allocated - 300
  c.pause_ns = 300;
  c.allocated_bytes = 500;
  c.live_bytes = 600;
  recorder.Record(c);
  EXPECT_EQ(recorder.LastEvent().freed_bytes, 200u);  // 300 + 500 - 600
  EXPECT_EQ(recorder.LastEvent().index, 2u);
  EXPECT_EQ(recorder.LastEvent().mutators, 2u);
  GcStats s = recorder.Snapshot();
  EXPECT_EQ(s.collections, 2u);
  EXPECT_EQ(s.total_pause_ns, 400u);
  EXPECT_EQ(s.max_pause_ns, 300u);
  EXPECT_EQ(s.last_pause_ns, 300u);
  EXPECT_EQ(s.bytes_allocated, 1500u);
  EXPECT_EQ(s.live_bytes, 600u);
  EXPECT_EQ(s.heap_base, 0x1000u);
  EXPECT_TRUE(s.heap_at_hint);
}

TEST(StatsRecorderTest, PercentilesComeFromEveryPause) {
  StatsRecorder recorder(0, false);
  CycleRecord c;
  for (uint64_t i = 1; i <= 101; ++i) {
    c.pause_ns = i * 10;
    recorder.Record(c);
  }
  GcStats s = recorder.Snapshot();
  EXPECT_EQ(s.p50_pause_ns, 510u);
  EXPECT_EQ(s.p99_pause_ns, 1000u);
}

TEST(StatsRecorderTest, ListenersSeeTheLastEventUntilRemoved) {
  StatsRecorder recorder(0, false);
  int calls = 0;
  uint64_t seen = 0;
  int id = recorder.AddListener([&](const GcEvent& e) {
    ++calls;
    seen = e.live_bytes;
  });
  CycleRecord c;
  c.live_bytes = 42;
  recorder.Record(c);
  recorder.NotifyListeners();
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(seen, 42u);
  recorder.RemoveListener(id);
  recorder.NotifyListeners();
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace mosaic::internal
