// Generations with sticky mark bits: what a minor collection frees, keeps and does not look at,
// the write barrier and its verifier, large objects, and the policy.
#include <atomic>
#include <vector>

#include "gtest/gtest.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

class GenerationsTest : public HeapTest {
 protected:
  void SetUp() override {
    if (GenerationsForcedOff()) GTEST_SKIP() << "MOSAIC_GC_OPTIONS turns generations off";
    HeapOptions options;
    options.generational = true;
    options.gc_min = size_t{256} << 20;  // only the collections the tests ask for
    options.nursery = size_t{256} << 20;
    CreateHeap(options);
    node_kind_ = *heap().RegisterKind({"node", TracePolicy::kCustom, &TraceNode});
  }
  void Minor() {
    ClearStackBelow();
    heap().Collect(CollectionKind::kMinor);
  }
  void Major() {
    ClearStackBelow();
    heap().Collect(CollectionKind::kMajor);
  }
  // A custom-traced node whose trace callback counts calls: marking an object traces it.
  struct Node {
    uint64_t header;
    Value child;
  };
  static void TraceNode(const void* object, Tracer& tracer) {
    traced_nodes_.fetch_add(1);
    tracer.Trace(static_cast<const Node*>(object)->child);
  }
  Value NewNode(Value child) {
    auto* n = static_cast<Node*>(Allocate(node_kind_, sizeof(Node)));
    n->child = child;  // young: no barrier needed
    return Value::Object(n);
  }
  __attribute__((noinline)) std::vector<uintptr_t> HiddenPairs(int n) {
    std::vector<uintptr_t> hidden;
    for (int i = 0; i < n; ++i) hidden.push_back(Hide(AllocatePair(Value::Fixnum(i), Value::Nil())));
    return hidden;
  }
  size_t CountLive(const std::vector<uintptr_t>& hidden) {
    size_t live = 0;
    for (uintptr_t h : hidden) live += IsLive(Unhide(h));
    return live;
  }

  KindId node_kind_ = 0;
  static std::atomic<uint64_t> traced_nodes_;
};
std::atomic<uint64_t> GenerationsTest::traced_nodes_{0};

// A minor collection frees young garbage, keeps what is reachable, and does not trace old
// objects: their marks are sticky.
TEST_F(GenerationsTest, AMinorCollectionTracesOnlyYoungObjects) {
  if (UnderStress()) GTEST_SKIP() << "counts the traces of the collections it asks for";
  HandleScope scope;
  Handle old_chain(Value::Nil());
  for (int i = 0; i < 1000; ++i) old_chain.set(NewNode(old_chain.get()));
  Major();  // the chain is old now
  traced_nodes_ = 0;
  std::vector<uintptr_t> garbage = HiddenPairs(10'000);
  Handle young_node(NewNode(AllocatePair(Value::Fixnum(7), Value::Nil())));
  uint64_t minors = heap().Stats().minor_collections;
  Minor();
  EXPECT_EQ(heap().Stats().minor_collections, minors + 1);
  // One young node traced; none of the thousand old ones (without sticky marks: 1001).
  EXPECT_EQ(traced_nodes_.load(), 1u);
  EXPECT_LE(CountLive(garbage), garbage.size() / 100);
  auto* young = static_cast<Node*>(young_node.get().ObjectAddress());
  ASSERT_TRUE(IsLive(young->child));
  // A major collection traces everything again.
  traced_nodes_ = 0;
  Major();
  EXPECT_EQ(traced_nodes_.load(), 1001u);
}

// An old object that receives a reference to a young one keeps it alive through minor
// collections, because the store went through the barrier.
TEST_F(GenerationsTest, TheWriteBarrierKeepsYoungObjectsReachableOnlyFromOldOnes) {
  HandleScope scope;
  Handle old_vector(NewVector(64));
  Major();
  std::vector<uintptr_t> hidden;
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < 64; ++i) {
      Value young = AllocatePair(Value::Fixnum(i), Value::Nil());
      WriteField(&Slots(old_vector.get())[i], young);
      hidden.push_back(Hide(young));
    }
  }();
  Minor();
  Minor();
  for (int i = 0; i < 64; ++i) {
    Value v = Unhide(hidden[i]);
    ASSERT_TRUE(IsLive(v)) << i;
    EXPECT_EQ(static_cast<PairCell*>(v.ObjectAddress())->car, Value::Fixnum(i));
  }
  EXPECT_GT(heap().Stats().remembered_cards, 0u);
}

// The same stores without the barrier: the young objects are freed by the next minor
// collection although the old vector still holds them. (This is what the barrier prevents, and
// what verify=1 reports; see the death test below.)
TEST_F(GenerationsTest, WithoutTheBarrierAMinorCollectionFreesReachableYoungObjects) {
  if (UnderStress()) GTEST_SKIP() << "stress collections verify and would stop at the first store";
  HandleScope scope;
  Handle old_vector(NewVector(64));
  Major();
  std::vector<uintptr_t> hidden;
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < 64; ++i) {
      Value young = AllocatePair(Value::Fixnum(i), Value::Nil());
      Slots(old_vector.get())[i] = young;  // no barrier
      hidden.push_back(Hide(young));
    }
  }();
  Minor();
  EXPECT_LE(CountLive(hidden), 6u) << "young objects reachable only from an old one survived a "
                                      "minor collection without the barrier";
  for (int i = 0; i < 64; ++i) Slots(old_vector.get())[i] = Value();  // dangling: clear them
}

void StoreWithoutTheBarrierUnderVerify() {
  HeapOptions options;
  options.generational = true;
  options.verify = true;
  auto heap = Heap::Create(options);
  MutatorScope mutator(**heap);
  KindId vector = *(*heap)->RegisterKind({"vector", TracePolicy::kAllValues});
  HandleScope scope;
  Handle old(Value::Object(Allocate(vector, 8 * 5, 4)));
  (*heap)->Collect(CollectionKind::kMajor);
  reinterpret_cast<Value*>(old.get().ObjectWords())[3] = AllocatePair(Value::Nil(), Value::Nil());
  (*heap)->Collect(CollectionKind::kMinor);
}

TEST(GenerationsDeathTest, TheVerifierNamesTheObjectAndFieldAStoreSkippedTheBarrierFor) {
  if (GenerationsForcedOff()) GTEST_SKIP() << "MOSAIC_GC_OPTIONS turns generations off";
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(StoreWithoutTheBarrierUnderVerify(),
               "old object 0x[0-9a-f]+ \\(kind 'vector'\\) field 3 holds 0x[0-9a-f]+, a young "
               "object, but its card is clean");
}

// A large vector is old once it survives; a store far inside it dirties only that card, and the
// minor collection reads only that part of it.
TEST_F(GenerationsTest, LargeObjectsTakePartCardByCard) {
  constexpr size_t kSlots = 100'000;  // 800 KB: a large object
  HandleScope scope;
  Handle big(NewVector(kSlots));
  Major();
  uintptr_t hidden = [&]() __attribute__((noinline)) {
    Value young = NewVector(1);
    Slots(young)[0] = Value::Fixnum(31337);
    WriteField(&Slots(big.get())[kSlots - 7], young);
    return Hide(young);
  }();
  uint64_t cards = heap().Stats().remembered_cards;
  Minor();
  EXPECT_EQ(heap().Stats().remembered_cards, cards + 1);
  Value young = Unhide(hidden);
  ASSERT_TRUE(IsLive(young));
  EXPECT_EQ(Slots(young)[0], Value::Fixnum(31337));
  // The large vector itself survived the minor collection without being traced whole.
  EXPECT_TRUE(IsLive(big.get()));
}

// Old garbage survives minor collections (nobody looks at it) and dies in a major one.
TEST_F(GenerationsTest, OldGarbageWaitsForAMajorCollection) {
  // Independent pairs (not a list: one stray stack word would keep a whole list).
  constexpr int kPairs = 5'000;
  std::vector<uintptr_t> hidden;
  HandleScope scope;
  Handle holder(NewVector(kPairs));
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kPairs; ++i) {
      Value p = AllocatePair(Value::Fixnum(i), Value::Nil());
      WriteField(&Slots(holder.get())[i], p);
      hidden.push_back(Hide(p));
    }
  }();
  Major();  // all old now
  for (int i = 0; i < kPairs; ++i) Slots(holder.get())[i] = Value::Nil();  // immediates: no barrier
  Minor();
  EXPECT_GE(CountLive(hidden), hidden.size() * 99 / 100) << "a minor collection freed old objects";
  Major();
  EXPECT_LE(CountLive(hidden), hidden.size() / 100);
}

// Finalizers of young objects run after the minor collection that frees them.
TEST_F(GenerationsTest, FinalizersOfYoungObjectsRunAfterAMinorCollection) {
  static int runs = 0;
  runs = 0;
  [&]() __attribute__((noinline)) {
    heap().RegisterFinalizer(AllocatePair(Value::Nil(), Value::Nil()), [](Value) { ++runs; });
  }();
  Minor();
  heap().RunPendingFinalizers();
  EXPECT_EQ(runs, 1);
}

// The barrier marks the card of every store, whatever the holder's age. A minor collection
// looks at no card of a block that held nothing live after the last collection: everything
// there is young, so no old-to-young edge can be on it.
TEST_F(GenerationsTest, CardsOfBlocksWithOnlyYoungObjectsAreNotScanned) {
  HandleScope scope;
  Major();
  const uint64_t before = heap().Stats().remembered_cards;
  constexpr int kVectors = 2'000;
  Handle holders(NewVector(kVectors));  // a large object: its cards are scanned if dirty
  for (int i = 0; i < kVectors; ++i) {
    Value v = NewVector(6);  // a size class nothing else in this heap uses
    WriteField(&Slots(holders.get())[i], v);
    for (int k = 0; k < 6; ++k) {
      WriteField(&Slots(v)[k], AllocatePair(Value::Fixnum(i), Value::Nil()));
    }
  }
  Minor();
  const uint64_t scanned = heap().Stats().remembered_cards - before;
  // Only the holder vector's own cards may be scanned (a large object); not the ~190 cards of
  // the small vectors' block, all dirty.
  // (Under stress every allocation collects, so the vectors are old by the time they are
  // written.)
  if (!UnderStress()) {
    EXPECT_LE(scanned, 8 * kVectors / 512 + 2);
  }
  for (int i = 0; i < kVectors; ++i) {
    Value v = Slots(holders.get())[i];
    for (int k = 0; k < 6; ++k) {
      ASSERT_EQ(static_cast<PairCell*>(Slots(v)[k].ObjectAddress())->car, Value::Fixnum(i));
    }
  }
}

// The policy: allocation starts minor collections; when the old generation has grown by
// gc-growth since the last major collection, the next is major. (Without the promotion policy,
// which would ask for majors while the kept list is small; tested below.)
TEST(GenerationsPolicyTest, MinorCollectionsDominateAndTheOldGenerationTriggersMajors) {
  if (GenerationsForcedOff()) GTEST_SKIP() << "MOSAIC_GC_OPTIONS turns generations off";
  HeapOptions options;
  options.generational = true;
  options.nursery = size_t{1} << 20;
  options.gc_min = size_t{1} << 20;
  options.gc_growth = 1.0;
  options.promotion_limit = 0;
  auto heap_or = Heap::Create(options);
  ASSERT_TRUE(heap_or.ok());
  Heap& heap = **heap_or;
  MutatorScope mutator(heap);
  if (UnderStress()) GTEST_SKIP() << "stress collections replace the policy's";
  HandleScope scope;
  Handle kept(Value::Nil());
  // Mostly garbage, and a list that keeps growing: the old generation grows steadily.
  for (int i = 0; i < 2'000'000; ++i) {
    Value p = AllocatePair(Value::Fixnum(i), Value::Nil());
    if (i % 16 == 0) kept.set(AllocatePair(p, kept.get()));
  }
  GcStats s = heap.Stats();
  EXPECT_GT(s.minor_collections, 5 * s.major_collections);
  EXPECT_GE(s.major_collections, 2u);  // the kept list reaches 4 MB: several doublings
  EXPECT_EQ(s.collections, s.minor_collections + s.major_collections);
  EXPECT_GT(s.promoted_bytes, 0u);
  EXPECT_LE(s.p50_minor_pause_ns, s.max_minor_pause_ns);
  // Everything kept is intact.
  int64_t n = 0;
  for (Value v = kept.get(); !v.IsNil(); v = static_cast<PairCell*>(v.ObjectAddress())->cdr) {
    Value p = static_cast<PairCell*>(v.ObjectAddress())->car;
    ASSERT_EQ(static_cast<PairCell*>(p.ObjectAddress())->car.FixnumValue() % 16, 0);
    ++n;
  }
  EXPECT_EQ(n, 2'000'000 / 16);
}

// The promotion policy: objects that live a little longer than a minor cycle and then die (a
// ring of the newest 128K pairs, about 2 MB, against a 1 MB nursery) are all promoted by minor
// collections and die old. With promotion-limit (the default) the collector notices that each
// minor collection promotes as much as everything that was live at the last major one, and
// collects with major collections instead; with it off, minor collections go on promoting.
int64_t RingCollections(double promotion_limit, GcStats* stats) {
  HeapOptions options;
  options.generational = true;
  options.nursery = size_t{1} << 20;
  options.gc_min = size_t{1} << 20;
  options.promotion_limit = promotion_limit;
  auto heap_or = Heap::Create(options);
  if (!heap_or.ok()) return -1;
  Heap& heap = **heap_or;
  MutatorScope mutator(heap);
  HandleScope scope;
  constexpr int kRing = 128 * 1024;
  auto kind = heap.RegisterKind({"vector", TracePolicy::kAllValues});
  if (!kind.ok()) return -1;
  Handle ring(Value::Object(Allocate(*kind, 8 * (kRing + 1), kRing)));
  auto Slots = [](Value v) { return reinterpret_cast<Value*>(v.ObjectWords() + 1); };
  for (int i = 0; i < 3'000'000; ++i) {
    WriteField(&Slots(ring.get())[i % kRing], AllocatePair(Value::Fixnum(i), Value::Nil()));
  }
  // The ring holds the newest pairs, intact.
  for (int i = 3'000'000 - kRing; i < 3'000'000; ++i) {
    Value p = Slots(ring.get())[i % kRing];
    if (static_cast<PairCell*>(p.ObjectAddress())->car != Value::Fixnum(i)) return -1;
  }
  *stats = heap.Stats();
  return static_cast<int64_t>(stats->collections);
}

TEST(GenerationsPolicyTest, MinorCollectionsThatPromoteTooMuchGiveWayToMajorOnes) {
  if (GenerationsForcedOff()) GTEST_SKIP() << "MOSAIC_GC_OPTIONS turns generations off";
  if (UnderStress()) GTEST_SKIP() << "stress collections replace the policy's";
  GcStats with, without;
  ASSERT_GT(RingCollections(0.25, &with), 0);
  ASSERT_GT(RingCollections(0, &without), 0);
  // Without the policy: minor collections promote the ring's young pairs, and the old garbage
  // they become is collected by majors that the old generation's growth triggers.
  EXPECT_GT(without.minor_collections, 3 * without.major_collections);
  // With it: majors most of the time (a minor collection is tried after each run of majors, the
  // runs doubling), and a small part of the promotion.
  EXPECT_GT(with.major_collections, with.minor_collections);
  EXPECT_LT(with.promoted_bytes, without.promoted_bytes / 4);
}

// The fragmentation rule: a few pairs survive each minor collection and die soon after (a
// small ring), so old garbage piles up a few kilobytes per cycle, scattered through the blocks
// that allocation reuses, far below what would make the old generation's growth start a major
// collection. The holes between those dead old pairs get small and allocation takes its slow
// path ever more often; with fragmentation-limit (the default) that starts major collections,
// without it nothing does.
int64_t ScatteredGarbage(double fragmentation_limit, GcStats* stats) {
  HeapOptions options;
  options.generational = true;
  options.nursery = size_t{1} << 20;
  // A 1 MB budget (the nursery is at least a quarter of it), and no major collection from the
  // old generation's growth until it has grown by 1 MB: ~250 minor collections here.
  options.gc_min = size_t{1} << 20;
  options.gc_growth = 0;
  options.promotion_limit = 0;        // nor from the promotion rule
  options.fragmentation_limit = fragmentation_limit;
  auto heap_or = Heap::Create(options);
  if (!heap_or.ok()) return -1;
  Heap& heap = **heap_or;
  MutatorScope mutator(heap);
  HandleScope scope;
  constexpr int kRing = 256;
  auto kind = heap.RegisterKind({"vector", TracePolicy::kAllValues});
  if (!kind.ok()) return -1;
  Handle ring(Value::Object(Allocate(*kind, 8 * (kRing + 1), kRing)));
  auto Slots = [](Value v) { return reinterpret_cast<Value*>(v.ObjectWords() + 1); };
  constexpr int kPairs = 6'000'000;
  for (int i = 0; i < kPairs; ++i) {
    Value p = AllocatePair(Value::Fixnum(i), Value::Nil());
    if (i % 64 == 0) WriteField(&Slots(ring.get())[(i / 64) % kRing], p);
  }
  for (int k = 0; k < kRing; ++k) {
    Value p = Slots(ring.get())[k];
    if (static_cast<PairCell*>(p.ObjectAddress())->car.FixnumValue() % 64 != 0) return -1;
  }
  *stats = heap.Stats();
  return static_cast<int64_t>(stats->collections);
}

TEST(GenerationsPolicyTest, FragmentingOldGarbageStartsMajorCollections) {
  if (GenerationsForcedOff()) GTEST_SKIP() << "MOSAIC_GC_OPTIONS turns generations off";
  if (UnderStress()) GTEST_SKIP() << "stress collections replace the policy's";
  GcStats with, without;
  ASSERT_GT(ScatteredGarbage(4, &with), 0);
  ASSERT_GT(ScatteredGarbage(0, &without), 0);
  EXPECT_EQ(without.major_collections, 0u);
  EXPECT_GT(with.major_collections, 0u);
  EXPECT_LT(with.objects_allocated, without.objects_allocated / 2)
      << "allocation slow paths with the rule and without";
}

}  // namespace
}  // namespace mosaic::testing
