// custom_kind.cc: a C++ kind with its own trace callback, a finalizer and an event listener.
#include <cstdio>
#include <cstring>

#include "mosaic/heap.h"

namespace {

// An environment frame: header (aux = slot count), a parent frame, then the slots. The parent
// may be 0 (no parent); Trace ignores non-references, so no test is needed.
struct Frame {
  uint64_t header;
  mosaic::Value parent;
  mosaic::Value slots[];
};

void TraceFrame(const void* object, mosaic::Tracer& tracer) {
  const auto* frame = static_cast<const Frame*>(object);
  tracer.Trace(frame->parent);
  tracer.TraceRange(frame->slots, frame->slots + mosaic::ObjectHeader::Aux(frame->header));
}

}  // namespace

int main() {
  auto heap = mosaic::Heap::Create().value();
  mosaic::KindId frame_kind =
      heap->RegisterKind({"frame", mosaic::TracePolicy::kCustom, TraceFrame}).value();
  int collections = 0;
  int listener = heap->AddEventListener([&](const mosaic::GcEvent&) { ++collections; });
  int finalized = 0;
  {
    mosaic::MutatorScope mutator(*heap);
    mosaic::HandleScope scope;
    mosaic::Handle top{mosaic::Value()};
    for (int depth = 0; depth < 100; ++depth) {
      // Allocate everything first, then fill in the new frame: stores into an object allocated
      // since this thread's last allocation need no write barrier (any later one would).
      mosaic::Value pair = mosaic::AllocatePair(mosaic::Value::Fixnum(depth), mosaic::Value::Nil());
      void* p = mosaic::Allocate(frame_kind, sizeof(Frame) + 2 * 8, /*aux=*/2);
      auto* frame = static_cast<Frame*>(p);
      frame->parent = top.get();
      frame->slots[0] = mosaic::Value::Fixnum(depth);
      frame->slots[1] = pair;
      top.set(mosaic::Value::Object(p));
    }
    heap->RegisterFinalizer(top.get(), [&](mosaic::Value) { ++finalized; });
    heap->Collect();
    // Walk the chain: every frame and every pair survived through TraceFrame alone.
    int frames = 0;
    for (mosaic::Value f = top.get(); f.IsObject();
         f = static_cast<Frame*>(f.ObjectAddress())->parent) {
      auto* frame = static_cast<Frame*>(f.ObjectAddress());
      auto* pair = static_cast<mosaic::PairCell*>(frame->slots[1].ObjectAddress());
      if (pair->car != frame->slots[0]) return 1;
      ++frames;
    }
    std::printf("frames=%d collections=%d finalized=%d\n", frames, collections, finalized);
    if (frames != 100 || collections < 1 || finalized != 0) return 1;
  }
  heap->RemoveEventListener(listener);
  return 0;
}
