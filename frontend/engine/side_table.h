// Engine state for IR nodes, kept outside the IR (which analysis builds and engines only read):
// a vector indexed by the number analysis gave the node (ir::Lambda::id, ir::Const::id,
// ir::Global::id; see ir::Numbering), grown as larger numbers appear. Entries start
// value-initialised (nullptr, 0, a Value whose bits are 0), which engines read as "not made yet".
//
//   SideTable<const InterpProc*> procs;
//   const InterpProc* proc = procs.Find(lambda.id);
//   if (proc == nullptr) procs[lambda.id] = proc = MakeProc(lambda);
//
// A Value stored here is outside the heap and not a root: keep only values that something else
// keeps alive (GlobalBoxes explains why its boxes qualify).
#ifndef TOYLANG_FRONTEND_ENGINE_SIDE_TABLE_H_
#define TOYLANG_FRONTEND_ENGINE_SIDE_TABLE_H_

#include <algorithm>
#include <cstddef>
#include <vector>

namespace toylang {

template <typename T>
class SideTable {
 public:
  // The entry for `id` (>= 0), made on first use. The reference lasts until the table grows.
  T& operator[](int id) {
    const size_t i = static_cast<size_t>(id);
    if (i >= entries_.size()) entries_.resize(std::max(i + 1, 2 * entries_.size()));
    return entries_[i];
  }

  // The entry for `id`, or T{} when the table does not reach it yet; never grows the table.
  T Find(int id) const {
    const size_t i = static_cast<size_t>(id);
    return i < entries_.size() ? entries_[i] : T{};
  }

 private:
  std::vector<T> entries_;
};

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_ENGINE_SIDE_TABLE_H_
