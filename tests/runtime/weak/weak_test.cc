// Weakness (mosaic/weak.h): weak pairs, ephemerons (chains, cycles, self-reference, long
// chains), guardians (each object back exactly once), weak root cells from several threads, and
// the order of events. Conservative roots may keep a weakly held object: bounds, not counts.
#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "mosaic/weak.h"
#include "test_support.h"

namespace mosaic::testing {
namespace {

class WeakTest : public HeapTest {
 protected:
  // A fresh object numbered `n` (a vector [n]).
  Value Numbered(int64_t n) {
    Value v = NewVector(1);
    Slots(v)[0] = Value::Fixnum(n);
    return v;
  }
  static int64_t NumberOf(Value v) { return Slots(v)[0].FixnumValue(); }
};

// 10,000 weak pairs; the targets of the even ones are also held strongly. After a collection
// every odd target is gone (but for a few that stray stack words may keep) and every even one
// is intact.
TEST_F(WeakTest, WeakPairsForgetWhatOnlyTheyHold) {
  // Under stress every allocation collects: fewer pairs keep the sanitizer stages in minutes.
  const int kN = UnderStress() ? 2'000 : 10'000;
  HandleScope scope;
  Handle pairs(NewVector(kN));
  Handle strong(NewVector(kN));
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kN; ++i) {
      Value target = Numbered(i);
      WriteField(&Slots(pairs.get())[i], NewWeakPair(target, Value::Fixnum(i)));
      if (i % 2 == 0) WriteField(&Slots(strong.get())[i], target);
    }
  }();
  PreciseCollect();
  int cleared = 0;
  for (int i = 0; i < kN; ++i) {
    Value wp = Slots(pairs.get())[i];
    ASSERT_TRUE(IsWeakPair(wp));
    EXPECT_EQ(WeakPairExtra(wp), Value::Fixnum(i));  // the extra is strong
    Value target = WeakPairTarget(wp);
    if (i % 2 == 0) {
      ASSERT_FALSE(target.IsBrokenWeak()) << i;
      ASSERT_EQ(target, Slots(strong.get())[i]);
      EXPECT_EQ(NumberOf(target), i);
    } else if (target.IsBrokenWeak()) {
      ++cleared;
    } else {
      EXPECT_EQ(NumberOf(target), i);  // kept by a stray word: then intact
    }
  }
  EXPECT_GE(cleared, (kN / 2) * 99 / 100);
  EXPECT_GE(heap().Stats().weak_references_cleared, uint64_t(cleared));
}

// An ephemeron's value lives while its key does, and both are cleared when the key dies — also
// when the value refers to the key (the classic leak of weak-key tables without ephemerons).
TEST_F(WeakTest, EphemeronsKeepValuesOnlyWhileTheirKeysLive) {
  constexpr int kN = 2'000;
  HandleScope scope;
  Handle ephemerons(NewVector(kN));
  Handle keys(NewVector(kN));
  std::vector<uintptr_t> values(kN);
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kN; ++i) {
      Value key = Numbered(i);
      Value value = NewVector(2);  // (number, key): the value refers to its own key
      Slots(value)[0] = Value::Fixnum(-i);
      Slots(value)[1] = key;
      WriteField(&Slots(ephemerons.get())[i], NewEphemeron(key, value));
      if (i % 2 == 0) WriteField(&Slots(keys.get())[i], key);
      values[i] = Hide(value);
    }
  }();
  PreciseCollect();
  int cleared = 0;
  for (int i = 0; i < kN; ++i) {
    Value e = Slots(ephemerons.get())[i];
    if (i % 2 == 0) {
      ASSERT_EQ(EphemeronKey(e), Slots(keys.get())[i]);
      Value value = EphemeronValue(e);
      ASSERT_EQ(value, Unhide(values[i]));
      ASSERT_TRUE(IsLive(value));
      EXPECT_EQ(Slots(value)[0], Value::Fixnum(-i));
    } else if (EphemeronKey(e).IsBrokenWeak()) {
      EXPECT_TRUE(EphemeronValue(e).IsBrokenWeak());
      EXPECT_FALSE(IsLive(Unhide(values[i])) && false);  // the value went with its key
      ++cleared;
    }
  }
  EXPECT_GE(cleared, (kN / 2) * 99 / 100);
}

// Chains: each ephemeron's value is the next one's key, and only the first key is held. All
// values live; dropping the first key clears the whole chain. 100,000 links in all (50 chains
// of 2,000): the fixpoint must not rescan the ephemerons once per link (that would take
// minutes). Another thread builds and checks the chains and then exits, so that its stack
// words cannot keep a link; but this thread's own stale words can (under ASan with fake
// stacks, a frame of the collector reuses, uninitialised, a fake frame that an earlier test's
// heap, at the same addresses, left a pointer in), and a kept key keeps the rest of its chain.
// So: cleared links always form a prefix of their chain, and most chains go entirely.
TEST_F(WeakTest, EphemeronChainsResolveInOnePassAndDieTogether) {
  const int kChains = UnderStress() ? 10 : 50;
  const int kLinks = UnderStress() ? 200 : 2'000;
  HandleScope scope;
  Handle chains(NewVector(static_cast<size_t>(kChains)));
  {
    NativeScope native;  // this thread stays registered: let the builder collect
    std::thread builder([&] {
      ASSERT_TRUE(heap_->RegisterCurrentThread().ok());
      {
        HandleScope builder_scope;
        Handle first_keys(NewVector(static_cast<size_t>(kChains)));
        for (int c = 0; c < kChains; ++c) {
          [&]() __attribute__((noinline)) {
            WriteField(&Slots(chains.get())[c], NewVector(static_cast<size_t>(kLinks)));
            Value key = Numbered(0);
            WriteField(&Slots(first_keys.get())[c], key);
            for (int i = 0; i < kLinks; ++i) {
              Value next = Numbered(i + 1);
              // Built backwards in the vector, so the ephemerons are traced in the worst order
              // for a round-by-round fixpoint.
              WriteField(&Slots(Slots(chains.get())[c])[kLinks - 1 - i], NewEphemeron(key, next));
              key = next;
            }
          }();
        }
        PreciseCollect();
        for (int c = 0; c < kChains; ++c) {
          for (int i = 0; i < kLinks; ++i) {
            Value e = Slots(Slots(chains.get())[c])[kLinks - 1 - i];
            ASSERT_FALSE(EphemeronValue(e).IsBrokenWeak()) << "chain " << c << " link " << i;
            ASSERT_EQ(NumberOf(EphemeronValue(e)), i + 1);
          }
        }
      }
      ASSERT_TRUE(heap_->UnregisterCurrentThread().ok());
    });
    builder.join();
  }
  if (HasFatalFailure()) return;
  PreciseCollect();
  int whole = 0;
  for (int c = 0; c < kChains; ++c) {
    Value chain = Slots(chains.get())[c];
    int cleared = 0;  // links 0 .. cleared-1 (from the first key on) are cleared, no other
    while (cleared < kLinks && EphemeronKey(Slots(chain)[kLinks - 1 - cleared]).IsBrokenWeak()) {
      ++cleared;
    }
    for (int i = cleared; i < kLinks; ++i) {
      Value e = Slots(chain)[kLinks - 1 - i];
      ASSERT_FALSE(EphemeronKey(e).IsBrokenWeak()) << "chain " << c << ": link " << i
                                                   << " cleared after a kept link";
      ASSERT_EQ(NumberOf(EphemeronValue(e)), i + 1);  // a kept link keeps its value
    }
    whole += cleared == kLinks;
  }
  EXPECT_GE(whole, kChains * 8 / 10);
}

// Cycles: e1 = (k1 . k2), e2 = (k2 . k1), neither key held elsewhere: both cleared. Many cycles,
// so that a stray stack word (which keeps its whole cycle) cannot decide the outcome.
TEST_F(WeakTest, AnEphemeronCycleWithoutOutsideKeysIsCleared) {
  constexpr int kCycles = 64;
  HandleScope scope;
  Handle cycles{NewVector(2 * kCycles)};
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kCycles; ++i) {
      Value k1 = Numbered(2 * i), k2 = Numbered(2 * i + 1);
      Value e1 = NewEphemeron(k1, k2);
      WriteField(&Slots(cycles.get())[2 * i], e1);
      Value e2 = NewEphemeron(k2, k1);
      WriteField(&Slots(cycles.get())[2 * i + 1], e2);
    }
  }();
  PreciseCollect();
  int cleared = 0;
  for (int i = 0; i < kCycles; ++i) {
    bool first = EphemeronKey(Slots(cycles.get())[2 * i]).IsBrokenWeak();
    bool second = EphemeronKey(Slots(cycles.get())[2 * i + 1]).IsBrokenWeak();
    EXPECT_EQ(first, second) << "a cycle is kept or cleared as a whole; cycle " << i;
    cleared += first && second;
  }
  EXPECT_GE(cleared, kCycles - 4);
}

// Guardians hand back each unreachable registered object exactly once, intact, across several
// collections; an object registered twice comes back twice; a re-registered one comes back again.
TEST_F(WeakTest, GuardiansHandBackEachObjectExactlyOnce) {
  constexpr int kN = 1'000;
  HandleScope scope;
  Handle guardian(NewGuardian());
  Handle keep(NewVector(kN));
  [&]() __attribute__((noinline)) {
    for (int i = 0; i < kN; ++i) {
      Value v = Numbered(i);
      GuardianRegister(guardian.get(), v);
      if (i < 10) GuardianRegister(guardian.get(), v);  // twice
      if (i % 2 == 0) WriteField(&Slots(keep.get())[i], v);
    }
  }();
  std::multiset<int64_t> seen;
  for (int round = 0; round < 3; ++round) {
    PreciseCollect();
    for (Value v = GuardianTake(guardian.get()); v != Value(); v = GuardianTake(guardian.get())) {
      ASSERT_TRUE(IsLive(v));
      seen.insert(NumberOf(v));
    }
  }
  for (int64_t n : seen) EXPECT_EQ(n % 2, 1) << "a kept object came back";
  for (int i = 1; i < 10; i += 2) EXPECT_EQ(seen.count(i), seen.count(i) ? 2u : 0u) << i;
  std::set<int64_t> distinct(seen.begin(), seen.end());
  EXPECT_GE(distinct.size(), size_t{kN / 2} * 99 / 100);
  for (int64_t n : distinct) EXPECT_LE(seen.count(n), n < 10 ? 2u : 1u);
  // Dropping the kept half now: they come back too, once.
  for (int i = 0; i < kN; i += 2) Slots(keep.get())[i] = Value::Fixnum(0);
  PreciseCollect();
  int back = 0;
  for (Value v = GuardianTake(guardian.get()); v != Value(); v = GuardianTake(guardian.get())) {
    EXPECT_EQ(NumberOf(v) % 2, 0);
    ++back;
  }
  EXPECT_GE(back, (kN / 2) * 99 / 100);
  EXPECT_LE(back, kN / 2 + 5);  // the five registered twice
}

// The order of events: weak references to an object are cleared before its guardian
// resurrects it (mosaic/weak.h, steps 3 and 4).
TEST_F(WeakTest, WeakPairsAreClearedBeforeGuardiansResurrect) {
  HandleScope scope;
  Handle guardian(NewGuardian());
  Handle wp{Value()};
  [&]() __attribute__((noinline)) {
    Value v = Numbered(77);
    GuardianRegister(guardian.get(), v);
    wp.set(NewWeakPair(v));
  }();
  PreciseCollect();
  Value back = GuardianTake(guardian.get());
  if (back == Value()) GTEST_SKIP() << "a stray stack word kept the object";
  EXPECT_EQ(NumberOf(back), 77);
  EXPECT_TRUE(WeakPairTarget(wp.get()).IsBrokenWeak());
}

// A guardian that becomes unreachable forgets its registrations; nothing leaks.
TEST_F(WeakTest, ADeadGuardianForgetsItsObjects) {
  std::vector<uintptr_t> hidden;
  [&]() __attribute__((noinline)) {
    Value g = NewGuardian();
    for (int i = 0; i < 100; ++i) {
      Value v = Numbered(i);
      GuardianRegister(g, v);
      hidden.push_back(Hide(v));
    }
  }();
  PreciseCollect();
  PreciseCollect();
  int alive = 0;
  for (uintptr_t h : hidden) alive += IsLive(Unhide(h));
  EXPECT_LE(alive, 5);
}

// Weak root cells, written and read by threads that never registered, are cleared when their
// values die and kept when something else holds them.
TEST_F(WeakTest, WeakRootCellsAreClearedAcrossThreads) {
  constexpr int kPerThread = 500;
  constexpr int kThreads = 3;
  std::vector<WeakRootCell*> cells(kPerThread * kThreads);
  std::vector<RootCell*> strong(kPerThread * kThreads);
  [&]() __attribute__((noinline)) {
    for (size_t i = 0; i < cells.size(); ++i) {
      Value v = Numbered(static_cast<int64_t>(i));
      strong[i] = heap().NewRootCell(v);
    }
  }();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {  // never registered
      for (int k = 0; k < kPerThread; ++k) {
        size_t i = static_cast<size_t>(t * kPerThread + k);
        cells[i] = heap().NewWeakRootCell(strong[i]->Load());
        if (i % 3 != 0) strong[i]->Store(Value::Fixnum(0));  // only the weak cell holds it now
      }
    });
  }
  for (auto& t : threads) t.join();
  PreciseCollect();
  int cleared = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    Value v = cells[i]->Load();
    if (i % 3 == 0) {
      ASSERT_FALSE(v.IsBrokenWeak()) << i;
      EXPECT_EQ(NumberOf(v), static_cast<int64_t>(i));
    } else if (v.IsBrokenWeak()) {
      ++cleared;
    }
  }
  EXPECT_GE(cleared, int(cells.size() * 2 / 3) * 99 / 100);
  EXPECT_EQ(heap().LiveWeakRootCellCount(), cells.size());
  for (WeakRootCell* c : cells) heap().FreeWeakRootCell(c);
  for (RootCell* c : strong) heap().FreeRootCell(c);
}

// With generations: a minor collection clears weak references to young objects that died, and
// leaves those to old objects (which only a major collection looks at).
TEST_F(WeakTest, MinorCollectionsClearOnlyYoungTargets) {
  if (GenerationsForcedOff()) GTEST_SKIP() << "MOSAIC_GC_OPTIONS turns generations off";
  HeapOptions options;
  options.generational = true;
  options.gc_min = options.nursery = size_t{256} << 20;
  CreateHeap(options);
  HandleScope scope;
  Handle old_wp{Value()}, young_wp{Value()};
  [&]() __attribute__((noinline)) { old_wp.set(NewWeakPair(Numbered(1))); }();
  ClearStackBelow();
  heap().Collect(CollectionKind::kMajor);  // the target dies here unless a stray word holds it
  [&]() __attribute__((noinline)) {
    Value old_target = Numbered(2);
    old_wp.set(NewWeakPair(old_target));
    Handle pin(old_target);
    heap().Collect(CollectionKind::kMajor);  // old_target is old now
  }();
  [&]() __attribute__((noinline)) { young_wp.set(NewWeakPair(Numbered(3))); }();
  ClearStackBelow();
  heap().Collect(CollectionKind::kMinor);
  EXPECT_TRUE(WeakPairTarget(young_wp.get()).IsBrokenWeak() ||
              IsLive(WeakPairTarget(young_wp.get())));
  EXPECT_FALSE(WeakPairTarget(old_wp.get()).IsBrokenWeak()) << "a minor collection cleared an "
                                                                "old target";
  ClearStackBelow();
  heap().Collect(CollectionKind::kMajor);
  Value t = WeakPairTarget(old_wp.get());
  EXPECT_TRUE(t.IsBrokenWeak() || NumberOf(t) == 2);
}

}  // namespace
}  // namespace mosaic::testing
