#include "mark/root_marking_visitor.h"

#include "common/check.h"

#ifdef MOSAIC_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mosaic::internal {

namespace {

MOSAIC_NO_SANITIZE_SCAN void ScanWords(Marker& marker, uintptr_t begin, uintptr_t end,
                                       void* fake_stack) {
  for (uintptr_t p = (begin + 7) & ~uintptr_t{7}; p + 8 <= end; p += 8) {
    uintptr_t word = *reinterpret_cast<const uintptr_t*>(p);
    marker.MarkConservative(AmbiguousWord(word));
#ifdef MOSAIC_ASAN
    if (fake_stack != nullptr) {
      void* frame_begin = nullptr;
      void* frame_end = nullptr;
      if (__asan_addr_is_in_fake_stack(fake_stack, reinterpret_cast<void*>(word), &frame_begin,
                                       &frame_end) != nullptr) {
        for (auto q = reinterpret_cast<uintptr_t>(frame_begin);
             q + 8 <= reinterpret_cast<uintptr_t>(frame_end); q += 8) {
          marker.MarkConservative(AmbiguousWord(*reinterpret_cast<const uintptr_t*>(q)));
        }
      }
    }
#else
    (void)fake_stack;
#endif
  }
}

}  // namespace

void RootMarkingVisitor::VisitConservativeRange(const void* begin, const void* end) {
  auto b = reinterpret_cast<uintptr_t>(begin);
  auto e = reinterpret_cast<uintptr_t>(end);
  if (e <= b) return;
  conservative_bytes_ += e - b;
  ScanWords(marker_, b, e, fake_stack_);
}

}  // namespace mosaic::internal
