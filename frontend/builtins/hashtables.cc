// Hash tables, with Chez Scheme's (and R6RS's) names: make-eq-hashtable, make-eqv-hashtable,
// make-hashtable, make-weak-eq-hashtable, make-ephemeron-eq-hashtable, hashtable?,
// hashtable-set!, hashtable-ref, hashtable-delete!, hashtable-contains?, hashtable-update!,
// hashtable-size, hashtable-keys, hashtable-entries, hashtable-clear!, and the hash procedures
// equal-hash, string-hash, symbol-hash.
//
// A table is a heap object (objects.h: [buckets vector | count | hash proc | equiv proc]) whose
// buckets are lists of entries, all ordinary heap objects, so every store goes through the
// write barrier (VectorSet, SetCdr, the runtime's weak setters). An entry is
//   eq, eqv          (key . value)
//   generic          ((key . value) . hash): the program's hash, kept so that growing the
//                    table never calls the program back
//   weak eq          a weak pair: key weak, value strong (mosaic/weak.h)
//   ephemeron eq     an ephemeron: the value is kept only while the key is reachable elsewhere
// Eq tables hash by address, which is sound because objects never move. If objects ever move
// (evacuation, docs/design/runtime.md), eq, eqv, weak and ephemeron tables must be rehashed
// after every collection that moved one of their keys (or hash a stable per-object number
// instead of the address); generic tables keep the program's hashes and are unaffected.
//
// A weak or ephemeron table's entries are cleared by the collector (their key reads #!bwp);
// the table drops a cleared entry when an operation walks past it, and sweeps all of them
// before it would grow if a collection has ended since its last sweep (MaybeGrow), so a table
// through which many short-lived keys pass stays as large as its live entries plus those
// inserted since the last collection.
//
// Threads. Every operation holds the table's own lock (TableLock below) from its lookup to its
// last store, so tables shared between threads are never corrupted and hashtable-update! is
// atomic. The lock is a word in the table (a fixnum: the holder's thread number and depth), so
// a table costs no C++ state and no finalizer; it is taken with one compare-and-swap when free.
// A thread that finds it taken waits in a native region (a collection does not wait for it: the
// holder may allocate, hence collect, while it holds the lock) on one condition variable shared
// by every table, and looks at the engine's interrupt flag every 50 ms.
//
// The program's procedures run with the lock held where their answer decides what is stored:
// a generic table's equivalence procedure (during the lookup) and hashtable-update!'s procedure
// (between reading and storing, which is what makes the update atomic). A generic table's hash
// procedure runs before the lock is taken (it looks only at the key). The lock is recursive: such
// a procedure may use its own table again on the same thread (the results are then unspecified,
// as in Chez, but memory-safe: a lookup walks cells that stay valid, and hashtable-update!
// looks the key up again after calling its procedure). It must not wait for another thread that
// uses the table (that thread would wait for the lock, and the two for each other until Ctrl-C
// ends it), nor may two threads' procedures take two tables in opposite orders.
//
// Deviations from Chez (for docs/toylang.md):
// - toylang has no multiple values: hashtable-entries returns a list of two vectors,
//   (keys values), to be taken apart with apply or car/cadr.
// - A hash procedure may return any fixnum (negative ones too); anything else is an error.
// - A hash or equivalence procedure that changes the table it serves gives unspecified
//   (memory-safe) results, as in Chez. Tables are thread-safe (Chez's are not: see above).
// - hashtable-size of a weak or ephemeron table sweeps the table first (time linear in its
//   size), so it counts only entries whose keys are alive.
// - equal-hash looks at no more than 64 nodes of a structure, so it ends on cyclic data.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/builtins/continuations.h"
#include "frontend/objects/equality.h"
#include "frontend/objects/runtime.h"
#include "mosaic/heap.h"
#include "mosaic/weak.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;
using Flavor = HashtableFlavor;

constexpr size_t kDefaultCapacity = 32;
constexpr size_t kMinCapacity = 8;
constexpr size_t kMaxCapacity = size_t{1} << 32;
// equal-hash visits at most this many nodes (pairs, vector slots, leaves).
constexpr int kEqualHashBudget = 64;
// A weak table's entries per bucket before it grows without a collection since its last sweep.
constexpr size_t kMaxWeakLoad = 4;

// --- Hashing -----------------------------------------------------------------------------------

// splitmix64's finaliser: addresses differ mostly in their middle bits.
uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t Combine(uint64_t h, uint64_t x) { return Mix(h ^ (x + 0x9e3779b97f4a7c15ULL)); }

uint64_t HashBytes(std::string_view bytes) {  // FNV-1a
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

uint64_t FlonumBits(V f) {
  double d = FlonumValue(f);
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  return bits;
}

// A non-negative fixnum from a hash.
V HashFixnum(uint64_t h) { return V::Fixnum(static_cast<int64_t>(h >> 3)); }

// Consistent with equal? (equality.cc): pairs and vectors by structure, strings and bytevectors
// by bytes, bignums by value, flonums by bits, everything else by identity. A work list, not
// recursion, and a budget, so deep and cyclic structures are fine. Nothing here allocates on
// the heap, so the Values in the std::vector cannot go stale.
uint64_t EqualHash(V v) {
  std::vector<V> work{v};
  uint64_t h = 0;
  int budget = kEqualHashBudget;
  while (!work.empty() && budget-- > 0) {
    V x = work.back();
    work.pop_back();
    if (x.IsPair()) {
      h = Combine(h, 1);
      work.push_back(Cdr(x));
      work.push_back(Car(x));
    } else if (IsString(x)) {
      h = Combine(h, HashBytes(StringView(x)));
    } else if (IsVector(x)) {
      size_t n = VectorLength(x);
      h = Combine(h, 2 + n);
      size_t take = n < static_cast<size_t>(kEqualHashBudget) ? n : kEqualHashBudget;
      for (size_t i = take; i-- > 0;) work.push_back(VectorRef(x, i));
    } else if (IsFlonum(x)) {
      h = Combine(h, FlonumBits(x));
    } else if (IsBignum(x)) {
      h = Combine(h, BignumHash(x));
    } else if (IsBytevector(x)) {
      h = Combine(h, HashBytes(std::string_view(reinterpret_cast<const char*>(BytevectorData(x)),
                                                BytevectorLength(x))));
    } else {
      h = Combine(h, x.bits());
    }
  }
  return h;
}

V EqualHashFn(CallContext&, const V* a, int) { return HashFixnum(EqualHash(a[0])); }
V StringHashFn(CallContext&, const V* a, int) {
  return HashFixnum(Mix(HashBytes(StringView(CheckString("string-hash", a[0])))));
}
V SymbolHashFn(CallContext&, const V* a, int) {
  return HashFixnum(Mix(HashBytes(SymbolView(CheckSymbol("symbol-hash", a[0])))));
}

bool IsBuiltinFn(V procedure, BuiltinFn fn) {
  return IsPrimitive(procedure) && PrimitiveBuiltin(procedure)->fn == fn;
}

// --- Entries -----------------------------------------------------------------------------------

bool IsWeak(Flavor f) { return f == Flavor::kWeakEq || f == Flavor::kEphemeronEq; }

V EntryKey(Flavor f, V e) {
  switch (f) {
    case Flavor::kWeakEq: return mosaic::WeakPairTarget(e);
    case Flavor::kEphemeronEq: return mosaic::EphemeronKey(e);
    case Flavor::kGeneric: return Car(Car(e));
    default: return Car(e);
  }
}

V EntryValue(Flavor f, V e) {
  switch (f) {
    case Flavor::kWeakEq: return mosaic::WeakPairExtra(e);
    case Flavor::kEphemeronEq: return mosaic::EphemeronValue(e);
    case Flavor::kGeneric: return Cdr(Car(e));
    default: return Cdr(e);
  }
}

void SetEntryValue(Flavor f, V e, V value) {
  switch (f) {
    case Flavor::kWeakEq: mosaic::SetWeakPairExtra(e, value); return;
    case Flavor::kEphemeronEq: mosaic::SetEphemeronValue(e, value); return;
    case Flavor::kGeneric: SetCdr(Car(e), value); return;
    default: SetCdr(e, value); return;
  }
}

V NewEntry(Flavor f, V key, V value, uint64_t hash) {
  switch (f) {
    case Flavor::kWeakEq: return mosaic::NewWeakPair(key, value);
    case Flavor::kEphemeronEq: return mosaic::NewEphemeron(key, value);
    case Flavor::kGeneric: return Cons(Cons(key, value), V::Fixnum(static_cast<int64_t>(hash)));
    default: return Cons(key, value);
  }
}

// --- The table -----------------------------------------------------------------------------

V CheckTable(const char* who, V v) {
  if (!IsHashtable(v)) TypeError(who, "hashtable", v);
  return v;
}

// An eqv? table's hash: flonums by their bits and bignums by value (eqv? compares both by
// value), everything else by identity.
uint64_t EqvHash(V key) {
  if (IsFlonum(key)) return HashFixnum(Mix(FlonumBits(key))).FixnumValue();
  if (IsBignum(key)) return HashFixnum(Mix(BignumHash(key))).FixnumValue();
  return HashFixnum(Mix(key.bits())).FixnumValue();
}

int64_t Count(V table) { return HashtableCount(table).FixnumValue(); }

// The hash of `key` in `table`. For a generic table, calls the program's hash procedure. The
// result is already shifted to fixnum range, as HashFixnum stores it.
uint64_t HashOf(CallContext& ctx, const char* who, V table, V key) {
  switch (HashtableFlavorOf(table)) {
    case Flavor::kEqv: return EqvHash(key);
    case Flavor::kGeneric: {
      V proc = HashtableHashProc(table);
      V h = IsBuiltinFn(proc, EqualHashFn) ? HashFixnum(EqualHash(key)) : ctx.Apply(proc, &key, 1);
      if (IsBignum(h)) return HashFixnum(Mix(BignumHash(h))).FixnumValue();
      if (!h.IsFixnum()) {
        Fail(Cat(who, ": expected the hash procedure to return an exact integer, got ",
                 Quote(h)));
      }
      return HashFixnum(Mix(static_cast<uint64_t>(h.FixnumValue()))).FixnumValue();
    }
    default: return HashFixnum(Mix(key.bits())).FixnumValue();
  }
}

// The hash an entry was filed under, without calling the program.
uint64_t StoredHash(Flavor f, V entry) {
  if (f == Flavor::kGeneric) return static_cast<uint64_t>(Cdr(entry).FixnumValue());
  V key = EntryKey(f, entry);
  if (f == Flavor::kEqv) return EqvHash(key);
  return HashFixnum(Mix(key.bits())).FixnumValue();
}

bool Same(CallContext& ctx, V table, V a, V b) {
  switch (HashtableFlavorOf(table)) {
    case Flavor::kEqv: return Eqv(a, b);
    case Flavor::kGeneric: {
      V equiv = HashtableEquivProc(table);
      if (IsPrimitive(equiv) && std::string_view(PrimitiveBuiltin(equiv)->name) == "equal?") {
        return Equal(a, b);
      }
      V args[2] = {a, b};
      return !ctx.Apply(equiv, args, 2).IsFalse();
    }
    default: return a == b;
  }
}

// Where `key` is, or would go: the bucket, the cell before the key's cell (#f at the head) and
// the key's cell (#f when absent). Drops the cleared entries of a weak table on the way.
struct Slot {
  V buckets;
  size_t index;
  V prev;
  V cell;
};

void Unlink(V table, const Slot& s, V next) {
  if (s.prev.IsFalse()) {
    VectorSet(s.buckets, s.index, next);
  } else {
    SetCdr(s.prev, next);
  }
  SetHashtableCount(table, Count(table) - 1);
}

Slot Lookup(CallContext& ctx, V table, V key, uint64_t hash) {
  Flavor f = HashtableFlavorOf(table);
  Slot s{HashtableBuckets(table), 0, V::False(), V::False()};
  s.index = hash & (VectorLength(s.buckets) - 1);
  V cell = VectorRef(s.buckets, s.index);
  while (cell.IsPair()) {
    V entry = Car(cell);
    V k = EntryKey(f, entry);
    if (IsWeak(f) && k.IsBrokenWeak()) {
      V next = Cdr(cell);
      Unlink(table, s, next);
      cell = next;
      continue;
    }
    if ((f != Flavor::kGeneric || StoredHash(f, entry) == hash) && Same(ctx, table, k, key)) {
      s.cell = cell;
      return s;
    }
    s.prev = cell;
    cell = Cdr(cell);
  }
  return s;
}

// Drops every cleared entry of a weak or ephemeron table.
void Sweep(V table) {
  SetHashtableSweepMark(table, Runtime::Get().collections_seen());
  Flavor f = HashtableFlavorOf(table);
  V buckets = HashtableBuckets(table);
  for (size_t i = 0; i < VectorLength(buckets); ++i) {
    Slot s{buckets, i, V::False(), V::False()};
    for (V cell = VectorRef(buckets, i); cell.IsPair();) {
      V next = Cdr(cell);
      if (EntryKey(f, Car(cell)).IsBrokenWeak()) {
        Unlink(table, s, next);
      } else {
        s.prev = cell;
      }
      cell = next;
    }
  }
}

// Moves every cell into a new bucket vector of `capacity` buckets. Calls no program code.
void Rehash(V table, size_t capacity) {
  Flavor f = HashtableFlavorOf(table);
  V fresh = MakeVector(capacity, V::Nil());  // may collect: weak entries may clear
  V old = HashtableBuckets(table);
  int64_t count = 0;
  for (size_t i = 0; i < VectorLength(old); ++i) {
    for (V cell = VectorRef(old, i); cell.IsPair();) {
      V next = Cdr(cell);
      V entry = Car(cell);
      if (!(IsWeak(f) && EntryKey(f, entry).IsBrokenWeak())) {
        size_t j = StoredHash(f, entry) & (capacity - 1);
        SetCdr(cell, VectorRef(fresh, j));
        VectorSet(fresh, j, cell);
        ++count;
      }
      cell = next;
    }
  }
  SetHashtableBuckets(table, fresh);
  SetHashtableCount(table, count);
}

// Grows a table whose entries outnumber its buckets. A weak table first sweeps out cleared
// entries, but only if a collection has ended since its last sweep (none can have been cleared
// otherwise); then it grows only if more than half are alive. Without a collection since, it
// lets chains grow to kMaxWeakLoad entries a bucket before growing: the new entries may all be
// dead already, and growing for them would make the table, which the next collection finds
// alive, grow with the collector's interval, and the interval with the table.
void MaybeGrow(V table) {
  size_t capacity = VectorLength(HashtableBuckets(table));
  size_t count = static_cast<size_t>(Count(table));
  if (count <= capacity || capacity >= kMaxCapacity) return;
  if (IsWeak(HashtableFlavorOf(table))) {
    uint64_t seen = Runtime::Get().collections_seen();
    if (HashtableSweepMark(table) != V::Fixnum(static_cast<int64_t>(seen & V::kFixnumMax))) {
      Sweep(table);
      if (static_cast<size_t>(Count(table)) <= capacity / 2) return;
    } else if (count <= kMaxWeakLoad * capacity) {
      return;
    }
  }
  Rehash(table, capacity * 2);
}

void Insert(V table, const Slot& s, V key, V value, uint64_t hash) {
  V entry = NewEntry(HashtableFlavorOf(table), key, value, hash);
  V cell = Cons(entry, VectorRef(s.buckets, s.index));
  VectorSet(s.buckets, s.index, cell);
  SetHashtableCount(table, Count(table) + 1);
  MaybeGrow(table);
}

// --- The table's lock ----------------------------------------------------------------------

// The lock word (objects.h, HashtableLockWord) is a fixnum: 0 when free, else
// (holder << kDepthBits) | depth, where holder is the thread's number (ThreadNumber) and depth
// how many operations of that thread hold it (they nest through the program's procedures).
constexpr int kDepthBits = 24;
constexpr uint64_t kMaxDepth = (uint64_t{1} << kDepthBits) - 1;
const uint64_t kFree = V::Fixnum(0).bits();
// How often a waiting thread looks at the engine's interrupt flag (as threads.cc's waits do).
constexpr auto kInterruptCheck = std::chrono::milliseconds(50);
// Failed compare-and-swaps before a thread waits (the lock is usually held for a few lookups).
constexpr int kSpins = 64;

std::atomic<uint64_t> next_thread_number{1};
thread_local uint64_t tls_thread_number = 0;

uint64_t ThreadNumber() {
  if (tls_thread_number == 0) {
    tls_thread_number = next_thread_number.fetch_add(1, std::memory_order_relaxed);
  }
  return tls_thread_number;
}

uint64_t LockBits(uint64_t holder, uint64_t depth) {
  return V::Fixnum(static_cast<int64_t>((holder << kDepthBits) | depth)).bits();
}
uint64_t HolderOf(uint64_t bits) {
  return static_cast<uint64_t>(V::FromBits(bits).FixnumValue()) >> kDepthBits;
}
uint64_t DepthOf(uint64_t bits) {
  return static_cast<uint64_t>(V::FromBits(bits).FixnumValue()) & kMaxDepth;
}

// Where threads wait for any table's lock. `waiting` counts them, so that a release notifies
// only when someone waits; `releases` (under mu) changes with every such release. Never
// destroyed: threads may still be running while static objects are destroyed at exit.
struct LockWaiters {
  std::mutex mu;
  std::condition_variable released;
  std::atomic<int> waiting{0};
  uint64_t releases = 0;
};
LockWaiters& Waiters() {
  static LockWaiters* waiters = new LockWaiters;
  return *waiters;
}

// Holds `table`'s lock for its scope. Usage: TableLock lock(ctx, who, table); then look up and
// store. Taking it may wait (in a native region) and raise "interrupted"; the destructor
// releases it, also when the operation raises an error.
//
// Why no lost wake-up: a waiter increments `waiting`, reads `releases`, then tries the
// compare-and-swap once more, all sequentially consistent; a release stores kFree, then reads
// `waiting`. Either the waiter's last try sees the lock free, or the release comes after it in
// the total order and so sees waiting > 0 and advances `releases` past what the waiter read.
class TableLock {
 public:
  // Holding the lock, the frame is a continuation barrier: a procedure the operation calls
  // (hashtable-update!'s, a generic table's hash or equivalence) cannot be re-entered by a
  // continuation once the lock is released.
  TableLock(CallContext& ctx, const char* who, V table)
      : barrier_(who), word_(*HashtableLockWord(table)) {
    uint64_t me = ThreadNumber();
    uint64_t now = word_.load(std::memory_order_relaxed);
    if (now != kFree && HolderOf(now) == me) {  // again, from inside one of its procedures
      if (DepthOf(now) == kMaxDepth) {
        Fail(Cat(who, ": the table is used too deeply from inside its own procedures"));
      }
      word_.store(LockBits(me, DepthOf(now) + 1), std::memory_order_relaxed);
      return;
    }
    Acquire(ctx, LockBits(me, 1));
  }

  ~TableLock() {
    uint64_t now = word_.load(std::memory_order_relaxed);
    if (DepthOf(now) > 1) {
      word_.store(LockBits(HolderOf(now), DepthOf(now) - 1), std::memory_order_relaxed);
      return;
    }
    word_.store(kFree, std::memory_order_seq_cst);
    LockWaiters& w = Waiters();
    if (w.waiting.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(w.mu);  // its holders never wait for a collection
      ++w.releases;
      w.released.notify_all();
    }
  }

  TableLock(const TableLock&) = delete;
  TableLock& operator=(const TableLock&) = delete;

 private:
  ContinuationBarrier barrier_;
  bool TryAcquire(uint64_t mine) {
    uint64_t expected = kFree;
    return word_.compare_exchange_strong(expected, mine, std::memory_order_seq_cst,
                                         std::memory_order_relaxed);
  }

  void Acquire(CallContext& ctx, uint64_t mine) {
    for (int i = 0; i < kSpins; ++i) {
      if (TryAcquire(mine)) return;
      std::this_thread::yield();
    }
    LockWaiters& w = Waiters();
    for (;;) {
      w.waiting.fetch_add(1, std::memory_order_seq_cst);
      uint64_t seen;
      {
        std::lock_guard<std::mutex> lock(w.mu);
        seen = w.releases;
      }
      bool taken = TryAcquire(mine);
      if (!taken) {
        // Touches no heap object: the word is tried again only after the region.
        mosaic::NativeScope native;
        std::unique_lock<std::mutex> lock(w.mu);
        w.released.wait_for(lock, kInterruptCheck, [&] { return w.releases != seen; });
      }
      w.waiting.fetch_sub(1, std::memory_order_seq_cst);
      if (taken || TryAcquire(mine)) return;
      if (ctx.Interrupted()) Fail("interrupted");
    }
  }

  std::atomic_ref<uint64_t> word_;
};

// --- Constructors --------------------------------------------------------------------------------

// The optional initial size argument args[index], as a power-of-two bucket count.
size_t CapacityArg(const char* who, const V* args, int argc, int index) {
  if (argc <= index) return kDefaultCapacity;
  int64_t n = CheckFixnum(who, args[index]);
  if (n < 0) TypeError(who, "non-negative size", args[index]);
  size_t capacity = kMinCapacity;
  while (capacity < static_cast<size_t>(n) && capacity < kMaxCapacity) capacity *= 2;
  return capacity;
}

V MakeEqHashtable(CallContext&, const V* a, int n) {
  return MakeHashtable(Flavor::kEq, CapacityArg("make-eq-hashtable", a, n, 0), V::False(),
                       V::False());
}
V MakeEqvHashtable(CallContext&, const V* a, int n) {
  return MakeHashtable(Flavor::kEqv, CapacityArg("make-eqv-hashtable", a, n, 0), V::False(),
                       V::False());
}
V MakeWeakEqHashtable(CallContext&, const V* a, int n) {
  return MakeHashtable(Flavor::kWeakEq, CapacityArg("make-weak-eq-hashtable", a, n, 0),
                       V::False(), V::False());
}
V MakeEphemeronEqHashtable(CallContext&, const V* a, int n) {
  return MakeHashtable(Flavor::kEphemeronEq,
                       CapacityArg("make-ephemeron-eq-hashtable", a, n, 0), V::False(),
                       V::False());
}
V MakeGenericHashtable(CallContext&, const V* a, int n) {
  CheckProcedure("make-hashtable", a[0]);
  CheckProcedure("make-hashtable", a[1]);
  return MakeHashtable(Flavor::kGeneric, CapacityArg("make-hashtable", a, n, 2), a[0], a[1]);
}

// --- Operations ----------------------------------------------------------------------------------

V HashtableP(CallContext&, const V* a, int) { return V::Bool(IsHashtable(a[0])); }

V HashtableSet(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-set!", a[0]);
  uint64_t hash = HashOf(ctx, "hashtable-set!", table, a[1]);
  TableLock lock(ctx, "hashtable-set!", table);
  Slot s = Lookup(ctx, table, a[1], hash);
  if (s.cell.IsPair()) {
    SetEntryValue(HashtableFlavorOf(table), Car(s.cell), a[2]);
  } else {
    Insert(table, s, a[1], a[2], hash);
  }
  return V::Unspecified();
}

V HashtableRef(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-ref", a[0]);
  uint64_t hash = HashOf(ctx, "hashtable-ref", table, a[1]);
  TableLock lock(ctx, "hashtable-ref", table);
  Slot s = Lookup(ctx, table, a[1], hash);
  return s.cell.IsPair() ? EntryValue(HashtableFlavorOf(table), Car(s.cell)) : a[2];
}

V HashtableContains(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-contains?", a[0]);
  uint64_t hash = HashOf(ctx, "hashtable-contains?", table, a[1]);
  TableLock lock(ctx, "hashtable-contains?", table);
  Slot s = Lookup(ctx, table, a[1], hash);
  return V::Bool(s.cell.IsPair());
}

V HashtableDelete(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-delete!", a[0]);
  uint64_t hash = HashOf(ctx, "hashtable-delete!", table, a[1]);
  TableLock lock(ctx, "hashtable-delete!", table);
  Slot s = Lookup(ctx, table, a[1], hash);
  if (s.cell.IsPair()) Unlink(table, s, Cdr(s.cell));
  return V::Unspecified();
}

// (hashtable-update! table key proc default): stores (proc (hashtable-ref table key default)),
// atomically: the lock is held while proc runs.
V HashtableUpdate(CallContext& ctx, const V* a, int) {
  const char* who = "hashtable-update!";
  V table = CheckTable(who, a[0]);
  CheckProcedure(who, a[2]);
  uint64_t hash = HashOf(ctx, who, table, a[1]);
  TableLock lock(ctx, who, table);
  Slot s = Lookup(ctx, table, a[1], hash);
  Flavor f = HashtableFlavorOf(table);
  V old = s.cell.IsPair() ? EntryValue(f, Car(s.cell)) : a[3];
  V updated = ctx.Apply(a[2], &old, 1);
  if (s.cell.IsPair()) {
    SetEntryValue(f, Car(s.cell), updated);
  } else {
    // The procedure may have changed the table: look again (with the same hash).
    Slot again = Lookup(ctx, table, a[1], hash);
    if (again.cell.IsPair()) {
      SetEntryValue(f, Car(again.cell), updated);
    } else {
      Insert(table, again, a[1], updated, hash);
    }
  }
  return V::Unspecified();
}

V HashtableSize(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-size", a[0]);
  TableLock lock(ctx, "hashtable-size", table);
  if (IsWeak(HashtableFlavorOf(table))) Sweep(table);
  return V::Fixnum(Count(table));
}

V HashtableClear(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-clear!", a[0]);
  TableLock lock(ctx, "hashtable-clear!", table);
  V buckets = HashtableBuckets(table);
  for (size_t i = 0; i < VectorLength(buckets); ++i) VectorSet(buckets, i, V::Nil());
  SetHashtableCount(table, 0);
  return V::Unspecified();
}

// Vectors of the live keys and (when `values` is non-null) their values, in bucket order.
V LiveEntries(V table, V* values) {
  Flavor f = HashtableFlavorOf(table);
  // The count bounds the live entries (cleared ones are still counted until dropped).
  size_t n = static_cast<size_t>(Count(table));
  V keys = MakeVector(n, V::False());
  V vals = values != nullptr ? MakeVector(n, V::False()) : V::False();
  // No allocation from here until the walk ends: no collection can clear an entry midway.
  V buckets = HashtableBuckets(table);
  size_t k = 0;
  for (size_t i = 0; i < VectorLength(buckets) && k < n; ++i) {
    for (V cell = VectorRef(buckets, i); cell.IsPair() && k < n; cell = Cdr(cell)) {
      V key = EntryKey(f, Car(cell));
      if (IsWeak(f) && key.IsBrokenWeak()) continue;
      VectorSet(keys, k, key);
      if (values != nullptr) VectorSet(vals, k, EntryValue(f, Car(cell)));
      ++k;
    }
  }
  if (k < n) {  // some entries had been cleared: shorter copies (the vectors hold the rest)
    V short_keys = MakeVector(k, V::False());
    for (size_t i = 0; i < k; ++i) VectorSet(short_keys, i, VectorRef(keys, i));
    keys = short_keys;
    if (values != nullptr) {
      V short_vals = MakeVector(k, V::False());
      for (size_t i = 0; i < k; ++i) VectorSet(short_vals, i, VectorRef(vals, i));
      vals = short_vals;
    }
  }
  if (values != nullptr) *values = vals;
  return keys;
}

V HashtableKeys(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-keys", a[0]);
  TableLock lock(ctx, "hashtable-keys", table);
  return LiveEntries(table, nullptr);
}

V HashtableEntries(CallContext& ctx, const V* a, int) {
  V table = CheckTable("hashtable-entries", a[0]);
  V values = V::False();
  V keys;
  {
    TableLock lock(ctx, "hashtable-entries", table);
    keys = LiveEntries(table, &values);
  }
  return Cons(keys, Cons(values, V::Nil()));
}

constexpr Builtin kBuiltins[] = {
    {"make-eq-hashtable", 0, 1, MakeEqHashtable},
    {"make-eqv-hashtable", 0, 1, MakeEqvHashtable},
    {"make-hashtable", 2, 3, MakeGenericHashtable},
    {"make-weak-eq-hashtable", 0, 1, MakeWeakEqHashtable},
    {"make-ephemeron-eq-hashtable", 0, 1, MakeEphemeronEqHashtable},
    {"hashtable?", 1, 1, HashtableP},
    {"hashtable-set!", 3, 3, HashtableSet},
    {"hashtable-ref", 3, 3, HashtableRef},
    {"hashtable-contains?", 2, 2, HashtableContains},
    {"hashtable-delete!", 2, 2, HashtableDelete},
    {"hashtable-update!", 4, 4, HashtableUpdate},
    {"hashtable-size", 1, 1, HashtableSize},
    {"hashtable-keys", 1, 1, HashtableKeys},
    {"hashtable-entries", 1, 1, HashtableEntries},
    {"hashtable-clear!", 1, 1, HashtableClear},
    {"equal-hash", 1, 1, EqualHashFn},
    {"string-hash", 1, 1, StringHashFn},
    {"symbol-hash", 1, 1, SymbolHashFn},
};

}  // namespace

absl::Span<const Builtin> HashtableBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
