#ifndef MOSAIC_SRC_COMMON_CLOCK_H_
#define MOSAIC_SRC_COMMON_CLOCK_H_

#include <cstdint>
#include <ctime>

namespace mosaic::internal {

inline uint64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COMMON_CLOCK_H_
