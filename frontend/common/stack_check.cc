#include "frontend/common/stack_check.h"

#include <pthread.h>

#include "frontend/common/error.h"

namespace toylang {
namespace {

struct Bounds {
  uintptr_t limit;
  uintptr_t last_resort;
};

Bounds ComputeBounds() {
  pthread_attr_t attr;
  void* low = nullptr;
  size_t size = 0;
  if (pthread_getattr_np(pthread_self(), &attr) == 0) {
    pthread_attr_getstack(&attr, &low, &size);
    pthread_attr_destroy(&attr);
  }
  char here;
  uintptr_t sp = reinterpret_cast<uintptr_t>(&here);
  uintptr_t bottom = reinterpret_cast<uintptr_t>(low);
  if (low == nullptr || size == 0 || sp < bottom) {
    // Unknown bounds: assume the smallest common default (8 MiB minus what is in use).
    bottom = sp - 7 * 1024 * 1024;
  }
  // A small stack still gets some room to run: at most half of it goes to the margin.
  uintptr_t usable = sp - bottom;
  uintptr_t margin = kStackMargin < usable / 2 ? kStackMargin : usable / 2;
  return Bounds{bottom + margin, bottom + margin / 2};
}

const Bounds& ThreadBounds() {
  thread_local Bounds bounds = ComputeBounds();
  return bounds;
}

}  // namespace

uintptr_t StackLimit() { return ThreadBounds().limit; }

uintptr_t StackLastResortLimit() { return ThreadBounds().last_resort; }

void ThrowStackOverflow(const SourcePos& pos) { throw Error("stack overflow", pos); }

}  // namespace toylang
