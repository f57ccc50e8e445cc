// Marking: a depth-first mark stack of object start addresses, preallocated at heap creation
// (marking never allocates). An object is marked when it is pushed. When the stack is full the
// object stays marked but unpushed and `overflowed_` is set; Finish() then rescans the heap for
// marked objects and traces them again until a pass completes without overflow, so a tiny stack
// costs time, never correctness.
//
// Order of calls inside a pause: MarkPrecise/MarkConservative for the roots, Finish(),
// ResolveEphemerons(), then (more roots: shaded weak-cell loads, resurrected objects, finalizable
// objects) MarkPrecise and Finish() as often as needed; SetEphemeronsStrong(true) before marking
// what guardians resurrect.
//
// The runtime's own kinds (mosaic/weak.h) are traced by id: a weak pair's target is not traced;
// an ephemeron's value is traced only once its key is marked (mark/ephemerons.cc). Ephemeron
// bookkeeping is the one part of marking that allocates (C++ containers, never the GC heap).
//
// The two entry points take different types on purpose: a precise root is a Value (its tag says
// whether it is a reference), a conservative candidate an AmbiguousWord (any word that lands
// inside an allocated object keeps it, whatever its bits). Neither converts to the other.
//
// Precise words (object fields, precise roots) take a fast path: a reference points at the
// start of its object, so it needs no interior-pointer search. Mask to the block, check the
// block's state byte, compute the cell index with the block's reciprocal (a multiply, no
// division), check that the address is the cell's start and the cell is allocated, and
// test-and-set the mark bit. Anything else (a large object, a precise word that is not an
// object start) goes through ObjectSpaces::Locate, as conservative words always do, so both paths
// accept exactly the same words.
#ifndef MOSAIC_SRC_MARK_MARKER_H_
#define MOSAIC_SRC_MARK_MARKER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "kinds/kind_table.h"
#include "mark/work_pool.h"
#include "mosaic/roots.h"
#include "spaces/object_spaces.h"

namespace mosaic::internal {

class Marker {
 public:
  // `stack` has room for `capacity` entries and outlives the marker. With a `pool`, the marker
  // is one of several marking in parallel (collector/parallel_marking.h): mark bits are set
  // atomically, work goes to and comes from the pool, and DrainShared replaces Finish until the
  // phase ends; `index` names it in the pool's steal counts.
  Marker(const ObjectSpaces& spaces, const KindTable& kinds, uintptr_t* stack, size_t capacity,
         WorkPool* pool = nullptr, int index = 0);

  // A conservative candidate: any word that lands inside an allocated object marks it. A word
  // that lands in an empty block blacklists that block.
  void MarkConservative(AmbiguousWord word);
  // An ambiguous word found inside an object while tracing it (Tracer::TraceConservativeRange):
  // marks what it lands in, like MarkConservative, but never blacklists.
  void MarkAmbiguousInObject(AmbiguousWord word);
  // A precise root or field: the tag rule decides whether it is a reference; untagged object
  // starts are accepted.
  void MarkPrecise(Value value);
  // A minor collection's remembered set: traces the fields of the old (marked) objects that lie
  // on the dirty card [card, card + card_bytes), so that the young objects they reference are
  // marked. A large object is traced only over the card's part of it (a custom-traced one whole).
  void ScanDirtyCard(uintptr_t card, size_t card_bytes);
  // Drains the stack and recovers from overflow; then marks the values of ephemerons whose keys
  // this marking reached (after ResolveEphemerons), until nothing more is marked.
  void Finish();
  // Parallel phase: drains the local stack, sharing packets with idle markers, then takes work
  // from the pool until every marker is idle. Overflows are left to RecoverFromOverflow, run
  // afterwards on one marker.
  void DrainShared();
  // After a parallel phase: takes over another marker's counts and waiting ephemerons.
  void Absorb(Marker& other);
  // After a parallel phase: this marker goes on alone (no pool; marks stay atomic, harmlessly).
  void LeaveParallel() { pool_ = nullptr; }
  bool overflowed() const { return overflowed_; }
  // Traces every marked object again until a pass overflows no more (after an overflow).
  void RecoverFromOverflow();
  uint64_t steals() const { return steals_; }
  uint64_t idle_ns() const { return idle_ns_; }
  uint64_t packets_shared() const { return packets_shared_; }
  // Marker 0 finished its parallel phase alone (WorkPool::GoSolo).
  bool went_solo() const { return went_solo_; }

  // Strong marking is done: from now on an ephemeron whose key is unmarked waits for its key,
  // and marking the key marks the value (a fixpoint in time linear in what is marked: each
  // ephemeron is looked at when it is traced and once more when its key is marked).
  void ResolveEphemerons();
  // Resurrected objects' ephemerons are traced like ordinary objects (key and value).
  void SetEphemeronsStrong(bool strong) { ephemerons_strong_ = strong; }

  // Whether the object `value` refers to is marked (false for non-references).
  bool IsMarked(Value value) const;

  uint64_t words_examined() const { return examined_; }
  uint64_t words_accepted() const { return accepted_; }
  uint64_t overflows() const { return overflows_; }
  // Bytes of the cells (pages, for large objects) this marker marked.
  uint64_t marked_bytes() const { return marked_bytes_; }

 private:
  // The precise fast path, inlined into tracing loops.
  inline void MarkPreciseInline(uint64_t word);
  void MarkPreciseSlow(uintptr_t address);
  void Mark(const ObjectLocation& loc);
  void Push(uintptr_t start);
  void Drain();
  // Parallel: gives the oldest `n` (at most a packet's) entries of the local stack to the pool.
  bool Spill(size_t n);
  // Moves the live part of the stack down to index 0.
  void Compact();
  // A push found the stack full: spill and compact; false if still full.
  bool MakeRoom();
  void Trace(uintptr_t start);
  // Large objects of kAllValues kinds are traced kLargeChunkWords fields at a time: the rest of
  // the object waits on the stack as one entry, its next field's address with the low bit set
  // (object starts are 8-aligned). A vector of a million references then needs a few stack
  // entries at a time instead of a million (no overflow, no rescan), and its chunks can be
  // shared with other markers.
  static constexpr size_t kLargeChunkWords = 1024;
  static constexpr uintptr_t kRangeBit = 1;
  // Traces up to kLargeChunkWords fields from `field` to `end`, first pushing the rest.
  void TraceLargeRange(const uint64_t* field, const uint64_t* end);
  // Drain's dispatch: an object start or a range entry.
  void TraceEntry(uintptr_t entry);
  // Marker 0 of a parallel phase whose helpers sleep: wakes them if this marking is big enough
  // to share (it has traced kWakeAfter objects and still has work that can be split).
  void MaybeWakeHelpers(int in_window);
  void TraceWords(const uint64_t* begin, const uint64_t* end);
  // mark/ephemerons.cc.
  void TraceRuntimeKind(uintptr_t start, KindId kind);
  void TraceEphemeron(uintptr_t start);
  void OnMarked(uintptr_t start);
  bool KeyAlive(Value key, uintptr_t* key_start) const;

  const ObjectSpaces& spaces_;
  const KindTable& kinds_;
  // Copies of the heap's geometry, so that tracing loops keep them in registers (a store to a
  // mark bitmap could otherwise alias a field of a component and force a reload).
  const uintptr_t small_base_;
  const size_t small_size_;
  const uint8_t* const block_state_;
  uintptr_t* stack_;
  size_t capacity_;
  size_t top_ = 0;
  size_t bottom_ = 0;  // entries below it went to the pool (parallel marking)
  bool overflowed_ = false;
  WorkPool* pool_;  // nullptr: marking alone
  const int index_;
  bool atomic_;  // cleared when marker 0 goes solo (WorkPool::GoSolo)
  // Objects marker 0 traces before it considers waking the helpers: about 20-40 microseconds of
  // marking, more than waking a thread costs, and more than a small heap's whole collection.
  static constexpr uint32_t kWakeAfter = 4096;
  // Entries (stack and prefetch window) a marker must hold before it gives half away to an idle
  // one. Sharing from 2 entries up made two markers trade ~540 tiny packets per collection on a
  // heap of short lists (paraffins: pauses 597 ms with one marker, 1,216 with two); from 64,
  // 3 packets in the whole run and 752 ms, while GCBench's and quads' trees still share.
  static constexpr size_t kMinShare = 64;
  uint32_t wake_countdown_;
  // Marker 0 of a parallel phase: objects until it next asks whether every helper has left
  // (then it goes solo: plain mark stores, no pool).
  static constexpr uint32_t kSoloCheckEvery = 1024;
  uint32_t solo_countdown_;
  bool went_solo_ = false;
  void MaybeGoSolo();
  uint64_t steals_ = 0;
  uint64_t idle_ns_ = 0;
  uint64_t packets_shared_ = 0;
  uint64_t examined_ = 0;
  uint64_t accepted_ = 0;
  uint64_t marked_bytes_ = 0;
  // Ephemerons (mark/ephemerons.cc): traced before ResolveEphemerons with an unmarked key
  // (pending_); after it, waiting for their key (WaitHead), and resolved
  // (resolved_: their key is marked, their value not yet).
  bool watching_ = false;
  bool ephemerons_strong_ = false;
  std::vector<uintptr_t> pending_;
  // Waiting ephemerons: per key start the newest one's index in waiting_list_, the others
  // chained through waiting_next_ (one allocation-free entry per ephemeron, not a vector per
  // key: 80,000 waiting ephemerons had made the resolution a seventh of a memo program's run).
  // A key in a block has its head in a per-block array indexed by cell (made when the first
  // ephemeron waits for a key of that block; keys made together sit together, so resolving a
  // chain walks these arrays nearly in order), found through block_waits_ with a one-entry
  // cache; a large-object key has its head in large_waits_. (One hash map over all key
  // addresses cost a cache miss per lookup: 577 ns per link for a chain of a million.)
  static constexpr uint32_t kNoNext = UINT32_MAX;
  absl::flat_hash_map<size_t, std::unique_ptr<uint32_t[]>> block_waits_;
  size_t cached_block_ = SIZE_MAX;
  uint32_t* cached_heads_ = nullptr;
  absl::flat_hash_map<uintptr_t, uint32_t> large_waits_;
  std::vector<uintptr_t> waiting_list_;
  std::vector<uint32_t> waiting_next_;
  void Wait(uintptr_t key_start, uintptr_t ephemeron);
  // The head slot for a key start: in its block's array (made if `create`), or nullptr.
  uint32_t* WaitHead(uintptr_t key_start, bool create);
  std::vector<uintptr_t> resolved_;
  uint64_t overflows_ = 0;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_MARK_MARKER_H_
