// GCBench (Ellis, Kovac and Boehm's binary-trees collector benchmark), written from its published
// description, as a template over an allocator "policy" so that one copy of the program runs on
// Mosaic, on Boehm's GC_MALLOC and on malloc/free.
//
// The program: build and drop a "stretch" tree of depth 18; build a long-lived tree of depth 16
// (top-down) and an array of 500,000 doubles that both stay live to the end; then for depths
// 4, 6, ..., 16 build NumIters(d) = 2 * TreeSize(18) / TreeSize(d) trees top-down (allocate the
// root, then populate its children recursively) and as many bottom-up (children first), each
// dropped at once. Every node is 32 bytes under all three allocators:
//   malloc/Boehm  { left, right, i, j }
//   Mosaic        { header, left, right, one fixnum word } (kind with TracePolicy::kAllValues)
// A policy supplies:
//   using Node;  Node has members `left` and `right` (Node*)
//   static Node* New(Node* left, Node* right);
//   static void SetLeft(Node* node, Node* child);   // and SetRight: a store into an existing
//                                                   // node (Mosaic's goes through WriteField)
//   static void Release(Node* tree);       // frees a whole tree (malloc) or does nothing (GCs)
//   static double* NewDoubles(size_t n);  static void ReleaseDoubles(double*);
#ifndef MOSAIC_BENCH_RUNTIME_GCBENCH_H_
#define MOSAIC_BENCH_RUNTIME_GCBENCH_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace mosaic::bench {

struct GcBenchParams {
  int stretch_depth = 18;
  int long_lived_depth = 16;
  int64_t array_size = 500'000;
  int min_depth = 4;
  int max_depth = 16;

  static GcBenchParams Full() { return GcBenchParams{}; }
  static GcBenchParams Smoke() { return GcBenchParams{10, 8, 5'000, 4, 8}; }
};

inline int64_t TreeSize(int depth) { return (int64_t{1} << (depth + 1)) - 1; }

inline int64_t NumIters(const GcBenchParams& p, int depth) {
  return 2 * TreeSize(p.stretch_depth) / TreeSize(depth);
}

// How many nodes one run allocates: the stretch tree, then per depth NumIters trees built each
// way (the long-lived tree is counted by LongLivedNodes).
inline int64_t LoopNodes(const GcBenchParams& p) {
  int64_t nodes = TreeSize(p.stretch_depth);
  for (int d = p.min_depth; d <= p.max_depth; d += 2) nodes += 2 * NumIters(p, d) * TreeSize(d);
  return nodes;
}

template <typename P>
class GcBench {
 public:
  using Node = typename P::Node;

  // Gives `node` two fresh children and recurses into them, `depth` levels deep.
  static void Populate(int depth, Node* node) {
    if (depth <= 0) return;
    --depth;
    // `node` may have survived a collection by now: the stores go through the policy's barrier.
    P::SetLeft(node, P::New(nullptr, nullptr));
    P::SetRight(node, P::New(nullptr, nullptr));
    Populate(depth, node->left);
    Populate(depth, node->right);
  }

  static Node* MakeTree(int depth) {
    if (depth <= 0) return P::New(nullptr, nullptr);
    Node* left = MakeTree(depth - 1);
    Node* right = MakeTree(depth - 1);
    return P::New(left, right);
  }

  // Counts the nodes of a tree that must be perfect (both children or neither) of `depth`;
  // -1 if its shape is wrong, so a collector that freed a live node shows up as a failure.
  static int64_t CheckTree(const Node* node, int depth) {
    if (node == nullptr) return -1;
    if (depth == 0) return node->left == nullptr && node->right == nullptr ? 1 : -1;
    int64_t l = CheckTree(node->left, depth - 1);
    int64_t r = CheckTree(node->right, depth - 1);
    return l < 0 || r < 0 ? -1 : l + r + 1;
  }

  // Builds the stretch tree, checks it and drops it. Returns an error message or "".
  static std::string Stretch(const GcBenchParams& p) {
    Node* stretch = MakeTree(p.stretch_depth);
    bool ok = CheckTree(stretch, p.stretch_depth) == TreeSize(p.stretch_depth);
    P::Release(stretch);
    return ok ? "" : "stretch tree has the wrong shape";
  }

  // The construction loop over depths min_depth, min_depth + 2, ..., max_depth.
  static std::string Loop(const GcBenchParams& p) {
    for (int d = p.min_depth; d <= p.max_depth; d += 2) {
      const int64_t iters = NumIters(p, d);
      for (int64_t i = 0; i < iters; ++i) {
        Node* tree = P::New(nullptr, nullptr);
        Populate(d, tree);
        // Checking one tree per depth costs little and catches a premature free.
        if (i == iters - 1 && CheckTree(tree, d) != TreeSize(d)) {
          return "top-down tree of depth " + std::to_string(d) + " has the wrong shape";
        }
        P::Release(tree);
      }
      for (int64_t i = 0; i < iters; ++i) {
        Node* tree = MakeTree(d);
        if (i == iters - 1 && CheckTree(tree, d) != TreeSize(d)) {
          return "bottom-up tree of depth " + std::to_string(d) + " has the wrong shape";
        }
        P::Release(tree);
      }
    }
    return "";
  }

  // What each thread of the threaded variant runs.
  static std::string StretchAndLoop(const GcBenchParams& p) {
    std::string error = Stretch(p);
    return error.empty() ? Loop(p) : error;
  }

  // The data that stays live throughout. Build with MakeLongLived, check and drop with
  // CheckLongLived and ReleaseLongLived.
  struct LongLived {
    Node* tree;
    double* array;
  };

  static LongLived MakeLongLived(const GcBenchParams& p) {
    LongLived live;
    live.tree = P::New(nullptr, nullptr);
    Populate(p.long_lived_depth, live.tree);
    live.array = P::NewDoubles(static_cast<size_t>(p.array_size));
    for (int64_t i = 0; i < p.array_size / 2; ++i) {
      live.array[i] = 1.0 / static_cast<double>(i);  // [0] is +inf, as in the original
    }
    return live;
  }

  static std::string CheckLongLived(const GcBenchParams& p, const LongLived& live) {
    if (CheckTree(live.tree, p.long_lived_depth) != TreeSize(p.long_lived_depth)) {
      return "long-lived tree was damaged";
    }
    const int64_t probe = p.array_size / 2 - 1;
    if (live.array[probe] != 1.0 / static_cast<double>(probe)) return "array was damaged";
    return "";
  }

  static void ReleaseLongLived(const LongLived& live) {
    P::Release(live.tree);
    P::ReleaseDoubles(live.array);
  }

  // The whole single-threaded program in the original order.
  static std::string Run(const GcBenchParams& p) {
    std::string error = Stretch(p);
    if (!error.empty()) return error;
    LongLived live = MakeLongLived(p);
    error = Loop(p);
    if (error.empty()) error = CheckLongLived(p, live);
    ReleaseLongLived(live);
    return error;
  }
};

}  // namespace mosaic::bench

#endif  // MOSAIC_BENCH_RUNTIME_GCBENCH_H_
