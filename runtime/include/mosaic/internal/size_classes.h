// Size classes and block geometry: what inline allocation code (C++ or JIT) needs to pick a class
// at compile time. Class 0 holds header-less pairs; classes 1..36 hold objects of up to
// kMaxSmallObjectBytes, on a ladder of 16-byte steps to 256 and four steps per power of two above
// (320, 384, 448, 512, 640, ...), so internal fragmentation stays under 25%.
#ifndef MOSAIC_INTERNAL_SIZE_CLASSES_H_
#define MOSAIC_INTERNAL_SIZE_CLASSES_H_

#include <cstddef>
#include <cstdint>

namespace mosaic {

inline constexpr size_t kMaxSmallObjectBytes = 8192;

namespace internal {

inline constexpr int kBlockShift = 18;
inline constexpr size_t kBlockSize = size_t{1} << kBlockShift;  // 256 KiB
inline constexpr uintptr_t kBlockMask = ~uintptr_t{kBlockSize - 1};
inline constexpr size_t kGranule = 16;

inline constexpr int kPairClass = 0;
inline constexpr int kNumSizeClasses = 37;

constexpr size_t ClassCellBytes(int cls) {
  if (cls == kPairClass) return 16;
  if (cls <= 16) return static_cast<size_t>(cls) * 16;
  int exp = 8 + (cls - 17) / 4;
  int step = (cls - 17) % 4;
  return static_cast<size_t>(5 + step) << (exp - 2);
}

// The smallest class whose cells hold `bytes` (1..kMaxSmallObjectBytes); never kPairClass.
constexpr int SizeClassFor(size_t bytes) {
  if (bytes <= 256) return bytes <= 16 ? 1 : static_cast<int>((bytes + 15) / 16);
  size_t s = bytes - 1;
  int exp = 63 - __builtin_clzll(s);
  return 17 + (exp - 8) * 4 + static_cast<int>((s >> (exp - 2)) - 4);
}

static_assert(ClassCellBytes(kNumSizeClasses - 1) == kMaxSmallObjectBytes);
static_assert(SizeClassFor(257) == 17 && ClassCellBytes(17) == 320);
static_assert(SizeClassFor(512) == 20 && SizeClassFor(513) == 21);
static_assert(SizeClassFor(kMaxSmallObjectBytes) == kNumSizeClasses - 1);

}  // namespace internal
}  // namespace mosaic

#endif  // MOSAIC_INTERNAL_SIZE_CLASSES_H_
