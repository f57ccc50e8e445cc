// quickstart.cc: the C++ API in one page.
#include <cstdio>

#include "mosaic/heap.h"

int main() {
  auto created = mosaic::Heap::Create(mosaic::HeapOptions::Parse("gc-min=4M").value());
  if (!created.ok()) {
    std::fprintf(stderr, "%s\n", created.status().ToString().c_str());
    return 1;
  }
  std::unique_ptr<mosaic::Heap> heap = *std::move(created);
  mosaic::KindId vector = heap->RegisterKind({"vector", mosaic::TracePolicy::kAllValues}).value();
  {
    mosaic::MutatorScope mutator(*heap);  // registers this thread until the scope ends

    // Locals are found by the conservative stack scan.
    mosaic::Value list = mosaic::Value::Nil();
    for (int i = 0; i < 10; ++i) list = mosaic::AllocatePair(mosaic::Value::Fixnum(i), list);

    // A vector of three values; aux (here the length) lives in the header.
    auto* words = static_cast<uint64_t*>(mosaic::Allocate(vector, 8 * 4, /*aux=*/3));
    mosaic::Value vec = mosaic::Value::Object(words);
    words[1] = list.bits();

    // Precise roots when you want them.
    mosaic::HandleScope scope;
    mosaic::Handle handle(vec);
    mosaic::RootCell* cell = heap->NewRootCell(list);

    heap->Collect();

    mosaic::Value head = static_cast<mosaic::PairCell*>(cell->Load().ObjectAddress())->car;
    std::printf("head=%lld kind=%s stats: %s\n", static_cast<long long>(head.FixnumValue()),
                heap->FindKind(mosaic::KindOf(handle.get()))->name.c_str(),
                heap->Stats().ToJson().substr(0, 40).c_str());
    if (head.FixnumValue() != 9 || mosaic::ObjectHeader::Aux(mosaic::HeaderOf(vec)) != 3) return 1;
    heap->FreeRootCell(cell);
  }  // unregistered here; the heap outlives its threads
  return 0;
}
