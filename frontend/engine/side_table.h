// Engine state for IR nodes, kept outside the IR (which analysis builds and engines only read):
// entries indexed by the number analysis gave the node (ir::Lambda::id, ir::Const::id,
// ir::Global::id; see ir::Numbering), grown as larger numbers appear. Entries start
// value-initialised (nullptr, 0, a Value whose bits are 0), which engines read as "not made yet".
//
//   SideTable<const InterpProc*> procs;
//   const InterpProc* proc = procs.Find(lambda.id);
//   if (proc == nullptr) procs.Set(lambda.id, proc = MakeProc(lambda));
//
// Threads: Find may run on any thread while one thread (at a time: the engine serialises its
// writers) calls Set. Entries never move: they live in chunks of doubling size (chunk k holds
// 256 * 2^k entries) that are allocated once and published with release stores, so a reader
// sees either T{} or a complete entry. Find is a few instructions: no lock, no bounds that a
// writer could change under it.
//
// A Value stored here is outside the heap and not a root: keep only values that something else
// keeps alive (GlobalBoxes explains why its boxes qualify).
#ifndef TOYLANG_FRONTEND_ENGINE_SIDE_TABLE_H_
#define TOYLANG_FRONTEND_ENGINE_SIDE_TABLE_H_

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>

namespace toylang {

template <typename T>
class SideTable {
 public:
  SideTable() = default;
  SideTable(const SideTable&) = delete;
  SideTable& operator=(const SideTable&) = delete;
  ~SideTable() {
    for (auto& chunk : chunks_) delete[] chunk.load(std::memory_order_relaxed);
  }

  // Stores the entry for `id` (>= 0). Writers must not run concurrently with each other.
  void Set(int id, T value) {
    auto [k, offset] = Locate(id);
    std::atomic<T>* chunk = chunks_[k].load(std::memory_order_acquire);
    if (chunk == nullptr) {
      chunk = new std::atomic<T>[ChunkSize(k)]();
      chunks_[k].store(chunk, std::memory_order_release);
    }
    chunk[offset].store(value, std::memory_order_release);
  }

  // The entry for `id`, or T{} when it was never set. Any thread.
  T Find(int id) const {
    auto [k, offset] = Locate(id);
    const std::atomic<T>* chunk = chunks_[k].load(std::memory_order_acquire);
    return chunk != nullptr ? chunk[offset].load(std::memory_order_acquire) : T{};
  }

 private:
  static constexpr size_t kFirstChunk = 256;
  static constexpr int kChunks = 40;  // 256 * (2^40 - 1) ids: more than an int holds

  static size_t ChunkSize(int k) { return kFirstChunk << k; }
  // Chunk k starts at id 256 * (2^k - 1).
  static std::pair<int, size_t> Locate(int id) {
    const size_t i = static_cast<size_t>(id);
    const size_t n = i / kFirstChunk + 1;
    const int k = std::bit_width(n) - 1;
    return {k, i - kFirstChunk * ((size_t{1} << k) - 1)};
  }

  std::atomic<std::atomic<T>*> chunks_[kChunks] = {};
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ENGINE_SIDE_TABLE_H_
