// Links the installed stackmaps libraries with the runtime and exercises both a little.
#include <cstdio>

#include "mosaic/heap.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"

int main() {
  mosaic::stackmaps::StackMapIndex index;
  auto heap = mosaic::Heap::Create();
  if (!heap.ok()) return 1;
  std::printf("safepoints=%zu sections=%zu\n", index.SafepointCount(), index.SectionCount());
  return index.SafepointCount() == 0 && index.SectionCount() == 0 ? 0 : 1;
}
