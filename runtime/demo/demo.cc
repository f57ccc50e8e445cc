// A small tour of the runtime, run by `make repl` until the toylang REPL exists: builds lists,
// drops most of them, collects, and prints what the collector saw.
#include <cstdio>

#include "mosaic/heap.h"

int main() {
  auto heap = mosaic::Heap::Create();
  if (!heap.ok()) {
    std::fprintf(stderr, "mosaic_demo: %s\n", heap.status().ToString().c_str());
    return 1;
  }
  mosaic::MutatorScope mutator(**heap);
  mosaic::HandleScope scope;
  mosaic::Handle kept;
  for (int round = 0; round < 100; ++round) {
    mosaic::Value list = mosaic::Value::Nil();
    for (int i = 0; i < 10000; ++i) list = mosaic::AllocatePair(mosaic::Value::Fixnum(i), list);
    if (round % 10 == 0) kept.set(mosaic::AllocatePair(list, kept.get()));
  }
  (*heap)->Collect();
  mosaic::GcStats stats = (*heap)->Stats();
  std::printf("Mosaic runtime demo: allocated 1,000,000 pairs in 100 lists, kept 10 of them.\n");
  std::printf("%s", stats.ToText().c_str());
  return 0;
}
