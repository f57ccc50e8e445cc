// The three allocators GCBench runs on (see gcbench.h for what a policy supplies).
#ifndef MOSAIC_BENCH_RUNTIME_GCBENCH_POLICIES_H_
#define MOSAIC_BENCH_RUNTIME_GCBENCH_POLICIES_H_

#include <gc/gc.h>

#include <cstdint>
#include <cstdlib>

#include "mosaic/heap.h"

namespace mosaic::bench {

struct MallocPolicy {
  struct Node {
    Node* left;
    Node* right;
    int64_t i, j;
  };
  static_assert(sizeof(Node) == 32);

  static Node* New(Node* left, Node* right) {
    auto* n = static_cast<Node*>(std::malloc(sizeof(Node)));
    n->left = left;
    n->right = right;
    n->i = 0;
    n->j = 0;
    return n;
  }
  static void SetLeft(Node* node, Node* child) { node->left = child; }
  static void SetRight(Node* node, Node* child) { node->right = child; }
  static void Release(Node* tree) {
    if (tree == nullptr) return;
    Release(tree->left);
    Release(tree->right);
    std::free(tree);
  }
  static double* NewDoubles(size_t n) { return static_cast<double*>(std::malloc(n * 8)); }
  static void ReleaseDoubles(double* array) { std::free(array); }
};

struct BoehmPolicy {
  using Node = MallocPolicy::Node;

  static Node* New(Node* left, Node* right) {
    auto* n = static_cast<Node*>(GC_MALLOC(sizeof(Node)));  // cleared by the collector
    n->left = left;
    n->right = right;
    n->i = 0;
    n->j = 0;
    return n;
  }
  static void SetLeft(Node* node, Node* child) { node->left = child; }
  static void SetRight(Node* node, Node* child) { node->right = child; }
  static void Release(Node*) {}
  static double* NewDoubles(size_t n) { return static_cast<double*>(GC_MALLOC_ATOMIC(n * 8)); }
  static void ReleaseDoubles(double*) {}
};

// A Mosaic node is a kAllValues object: the header, then three Values. A Node* is the object's
// start address, which is also its Value (the object tag is 000), so the fields hold raw
// pointers and a null child is Value() (0), which is not a reference.
struct MosaicPolicy {
  struct Node {
    uint64_t header;
    Node* left;
    Node* right;
    uint64_t ij;  // a fixnum, standing in for the original's two ints
  };
  static_assert(sizeof(Node) == 32);

  // Registered on the benchmark's heap before any thread runs GCBench.
  static inline KindId node_kind = 0;
  static inline KindId doubles_kind = 0;

  static Node* New(Node* left, Node* right) {
    auto* n = static_cast<Node*>(Allocate(node_kind, sizeof(Node)));  // zeroed, header written
    n->left = left;
    n->right = right;
    n->ij = Value::Fixnum(0).bits();
    return n;
  }
  // The write barrier: with generational=on a store into a node that may be old is recorded.
  static void SetLeft(Node* node, Node* child) {
    WriteField(reinterpret_cast<Value*>(&node->left), Value::Object(child));
  }
  static void SetRight(Node* node, Node* child) {
    WriteField(reinterpret_cast<Value*>(&node->right), Value::Object(child));
  }
  static void Release(Node*) {}
  static double* NewDoubles(size_t n) {
    auto* words = static_cast<uint64_t*>(Allocate(doubles_kind, 8 * (n + 1), n));
    return reinterpret_cast<double*>(words + 1);  // an interior pointer keeps the array alive
  }
  static void ReleaseDoubles(double*) {}

  static void RegisterKinds(Heap& heap) {
    node_kind = heap.RegisterKind({"gcbench-node", TracePolicy::kAllValues}).value();
    doubles_kind = heap.RegisterKind({"gcbench-doubles", TracePolicy::kNoReferences}).value();
  }
};

}  // namespace mosaic::bench

#endif  // MOSAIC_BENCH_RUNTIME_GCBENCH_POLICIES_H_
