// Parallel marking (the `markers` option): several markers mark exactly what one marker marks
// (verify=1 marks every collection both ways and stops the process if they differ), they share
// work, overflow is recovered, and mutator threads collecting in turn agree with the helpers.
#include <atomic>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

class ParallelMarkingTest : public HeapTest {
 protected:
  void Create(int markers, bool verify, uint32_t mark_stack = 0) {
    HeapOptions options;
    options.markers = markers;
    options.verify = verify;
    options.gc_min = size_t{512} << 20;  // only the collections the tests ask for
    if (mark_stack != 0) options.mark_stack = mark_stack;
    CreateHeap(options);
  }

  // A complete tree of vectors with fan-out 4; leaves hold their index.
  Value Tree(int depth, int64_t* next_leaf) {
    if (depth == 0) {
      Value leaf = NewVector(1);
      Slots(leaf)[0] = Value::Fixnum((*next_leaf)++);
      return leaf;
    }
    Value children[4];
    for (Value& c : children) c = Tree(depth - 1, next_leaf);
    Value node = NewVector(4);
    for (int i = 0; i < 4; ++i) Slots(node)[i] = children[i];
    return node;
  }
  // Walks the tree (recursively; it is shallow), checking the leaves count up from *next.
  int64_t CheckTree(Value node, int depth, int64_t* next) {
    if (depth == 0) {
      EXPECT_EQ(Slots(node)[0], Value::Fixnum(*next));
      ++*next;
      return 1;
    }
    int64_t n = 1;
    for (int i = 0; i < 4; ++i) n += CheckTree(Slots(node)[i], depth - 1, next);
    return n;
  }
  // A list of `n` pairs (n-1 ... 0): deep, one object after another.
  Value List(int n) {
    Value list = Value::Nil();
    for (int i = 0; i < n; ++i) list = AllocatePair(Value::Fixnum(i), list);
    return list;
  }
  int CheckList(Value list) {
    int n = 0;
    for (; !list.IsNil(); list = static_cast<PairCell*>(list.ObjectAddress())->cdr) ++n;
    return n;
  }
  __attribute__((noinline)) std::vector<uintptr_t> HiddenGarbage(int n) {
    std::vector<uintptr_t> hidden;
    for (int i = 0; i < n; ++i) hidden.push_back(Hide(NewVector(2)));
    return hidden;
  }
};

int Depth() { return UnderStress() ? 3 : 8; }
int ListLength() { return UnderStress() ? 200 : 200'000; }

// Four markers on a tree, a long list, root cells and garbage: verify=1 marks each collection
// in parallel and again alone and compares every mark bit; the structures stay whole and most of
// the garbage goes.
TEST_F(ParallelMarkingTest, MarksExactlyWhatOneMarkerMarks) {
  Create(/*markers=*/4, /*verify=*/true);
  HandleScope scope;
  int64_t leaves = 0;
  Handle tree(Tree(Depth(), &leaves));
  Handle list(List(ListLength()));
  std::vector<RootCell*> cells;
  const int cell_list = UnderStress() ? 10 : 100;
  for (int i = 0; i < (UnderStress() ? 8 : 64); ++i) {
    cells.push_back(heap().NewRootCell(List(cell_list)));
  }
  std::vector<uintptr_t> garbage = HiddenGarbage(UnderStress() ? 100 : 20'000);
  for (int round = 0; round < 3; ++round) {
    PreciseCollect();
    int64_t next = 0;
    int64_t nodes = CheckTree(tree.get(), Depth(), &next);
    EXPECT_EQ(next, leaves);
    int64_t expected_nodes = 0;
    for (int64_t level = 1, d = 0; d <= Depth(); ++d, level *= 4) expected_nodes += level;
    EXPECT_EQ(nodes, expected_nodes);
    EXPECT_EQ(CheckList(list.get()), ListLength());
    for (RootCell* c : cells) EXPECT_EQ(CheckList(c->Load()), cell_list);
  }
  size_t live = 0;
  for (uintptr_t h : garbage) live += IsLive(Unhide(h));
  EXPECT_LE(live, garbage.size() / 10);
  EXPECT_GE(heap().Stats().markers, 2u);  // 4, or what MOSAIC_GC_OPTIONS says
  for (RootCell* c : cells) heap().FreeRootCell(c);
}

// A marker with plenty of work gives packets to an idle one, which takes them. (Without the
// sharing in Marker::Drain, the helper finds nothing: mark_packets_stolen stays 0.)
TEST_F(ParallelMarkingTest, BusyMarkersShareWorkWithIdleOnes) {
  if (UnderStress()) GTEST_SKIP() << "needs a large tree; stress collects on every allocation";
  Create(/*markers=*/2, /*verify=*/false);
  HandleScope scope;
  int64_t leaves = 0;
  Handle tree(Tree(9, &leaves));  // ~350,000 objects
  for (int round = 0; round < 5; ++round) PreciseCollect();
  GcStats stats = heap().Stats();
  EXPECT_EQ(stats.markers, 2u);
  EXPECT_GT(stats.mark_packets_shared, 0u);
  EXPECT_GT(stats.mark_packets_stolen, 0u);
  int64_t next = 0;
  CheckTree(tree.get(), 9, &next);
  EXPECT_EQ(next, leaves);
}

// A long list cannot be split: the woken helper finds nothing to take, leaves the phase, and
// the collecting thread finishes alone with plain mark stores (mark_phases_solo). verify=1
// wakes the helper at every collection and checks the marking against a serial one. (With the
// helpers waiting to the end of the phase, as before WorkPool's kLeaveNanos, the count is 0.)
TEST_F(ParallelMarkingTest, AHelperWithNothingToTakeLeavesTheCollectorToMarkAlone) {
  if (UnderStress()) GTEST_SKIP() << "needs a long list; stress collects on every allocation";
  Create(/*markers=*/2, /*verify=*/true);
  HandleScope scope;
  constexpr int kLength = 500'000;  // milliseconds of marking: far longer than kLeaveNanos
  Handle list(List(kLength));
  // Whether the helper wakes in time is up to the scheduler: on a loaded machine it may not
  // run at all during one collection. Up to ten collections (each one ms of marking) give it
  // its chances; without the leaving, none is ever solo.
  for (int round = 0; round < 10 && heap().Stats().mark_phases_solo == 0; ++round) {
    PreciseCollect();
  }
  GcStats stats = heap().Stats();
  EXPECT_GT(stats.mark_phases_solo, 0u);
  EXPECT_LE(stats.mark_phases_solo, stats.collections);
  EXPECT_EQ(CheckList(list.get()), kLength);
}

// The helper markers sleep through a collection whose marking is small (waking a thread costs
// more than marking a few thousand objects) and join one with a big tree to mark. (With the
// helpers woken at every phase, as before Marker::MaybeWakeHelpers, the first count is 20.)
TEST_F(ParallelMarkingTest, HelpersWakeOnlyForMarkingWorthSharing) {
  auto env = HeapOptions::FromEnvironment();
  if (UnderStress() || (env.ok() && env->verify)) {
    GTEST_SKIP() << "verify=1 wakes the helpers at every collection (it compares markings)";
  }
  Create(/*markers=*/2, /*verify=*/false);
  HandleScope scope;
  Handle small(List(1'000));
  for (int round = 0; round < 20; ++round) PreciseCollect();
  EXPECT_EQ(heap().Stats().parallel_mark_collections, 0u);
  int64_t leaves = 0;
  Handle tree(Tree(9, &leaves));  // ~350,000 objects
  // Every one of these collections wakes the helper; whether it steals before the collecting
  // thread has marked everything is up to the scheduler (on a loaded machine it may not run
  // in time), so up to ten collections give it its chances.
  int rounds = 0;
  while (rounds < 3 || (rounds < 10 && heap().Stats().mark_packets_stolen == 0)) {
    PreciseCollect();
    ++rounds;
  }
  GcStats stats = heap().Stats();
  EXPECT_EQ(stats.parallel_mark_collections, static_cast<uint64_t>(rounds));
  EXPECT_GT(stats.mark_packets_stolen, 0u);
  EXPECT_EQ(CheckList(small.get()), 1'000);
  int64_t next = 0;
  CheckTree(tree.get(), 9, &next);
  EXPECT_EQ(next, leaves);
}

// When the allocation budget is nearly spent, the allocator warns the collector, which wakes the
// helpers ahead of a collection that will want them: they poll for it and join its marking at
// once (mark_helpers_ready). Collections here come from the budget (8 MiB), each a major one
// marking a tree of ~350,000 objects. (Without the warning, or with Collector::CollectionNear
// doing nothing, the count stays 0.)
TEST_F(ParallelMarkingTest, HelpersWakeAheadOfACollectionTheBudgetBrings) {
  if (UnderStress()) GTEST_SKIP() << "stress collects on every allocation, not by the budget";
  HeapOptions options;
  options.markers = 2;
  options.generational = false;  // minor collections mark little, and leave the helpers asleep
  options.gc_min = size_t{8} << 20;
  CreateHeap(options);
  HandleScope scope;
  int64_t leaves = 0;
  Handle tree(Tree(9, &leaves));
  PreciseCollect();  // the first collection of a big marking: the next ones wake the helpers
  // Whether a woken helper runs before the collection begins is up to the scheduler (on a
  // loaded machine it may not): up to 40 budget collections give it its chances.
  const uint64_t start = heap().Stats().collections;
  while (heap().Stats().mark_helpers_ready == 0 && heap().Stats().collections < start + 40) {
    for (int i = 0; i < 1000; ++i) List(100);
  }
  GcStats stats = heap().Stats();
  EXPECT_GT(stats.mark_helpers_ready, 0u);
  EXPECT_LE(stats.mark_helpers_ready, stats.parallel_mark_collections);
  int64_t next = 0;
  CheckTree(tree.get(), 9, &next);
  EXPECT_EQ(next, leaves);
}

// A mark stack of 2,048 entries for three markers: local stacks of 512 and two shared packets.
// Wide vectors (each of 5,000 short lists) overflow them; recovery finds what was left out.
TEST_F(ParallelMarkingTest, OverflowIsRecovered) {
  Create(/*markers=*/3, /*verify=*/true, /*mark_stack=*/2048);
  HandleScope scope;
  const int width = UnderStress() ? 100 : 5'000;
  Handle wide(NewVector(4));
  for (int v = 0; v < 4; ++v) {
    Value vector = NewVector(static_cast<size_t>(width));
    WriteField(&Slots(wide.get())[v], vector);
    for (int i = 0; i < width; ++i) {
      Value list = List(3);
      WriteField(&Slots(Slots(wide.get())[v])[i], list);
    }
  }
  int64_t leaves = 0;
  Handle tree(Tree(Depth(), &leaves));
  PreciseCollect();
  int64_t next = 0;
  CheckTree(tree.get(), Depth(), &next);
  EXPECT_EQ(next, leaves);
  for (int v = 0; v < 4; ++v) {
    for (int i = 0; i < width; ++i) ASSERT_EQ(CheckList(Slots(Slots(wide.get())[v])[i]), 3);
  }
  if (!UnderStress()) {
    EXPECT_GT(heap().Stats().mark_stack_overflows, 0u);
  }
}

// Mutator threads that allocate and collect in turn, each collection marked by three markers.
TEST_F(ParallelMarkingTest, MutatorThreadsCollectingInTurn) {
  Create(/*markers=*/3, /*verify=*/!UnderStress());
  constexpr int kThreads = 3;
  const int rounds = UnderStress() ? 3 : 20;
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      MutatorScope mutator(heap());
      HandleScope scope;
      Handle mine(Value::Nil());
      for (int r = 0; r < rounds; ++r) {
        mine.set(List(UnderStress() ? 50 : 5'000));
        heap().Collect();
        if (CheckList(mine.get()) != (UnderStress() ? 50 : 5'000)) bad.fetch_add(1);
      }
    });
  }
  {
    NativeScope native;  // this thread stays registered: let the others collect
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(bad.load(), 0);
  // A thread that asks while another collects takes part in that collection instead.
  EXPECT_GE(heap().Stats().collections, static_cast<uint64_t>(rounds));
}

}  // namespace
}  // namespace mosaic::testing
