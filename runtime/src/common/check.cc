#include "common/check.h"

#include <cstdio>
#include <cstdlib>

namespace mosaic::internal {

void FatalMessage(const std::string& message) {
  std::fprintf(stderr, "mosaic: %s\n", message.c_str());
  std::fflush(stderr);
  std::abort();
}

}  // namespace mosaic::internal
