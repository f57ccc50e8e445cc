#include "address/reservation.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/check.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

namespace mosaic::internal {

namespace {

void* Map(void* where, size_t size, int extra_flags) {
  void* p = mmap(where, size, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | extra_flags, -1, 0);
  return p == MAP_FAILED ? nullptr : p;
}

}  // namespace

absl::StatusOr<Reservation> Reservation::Create(uintptr_t hint, size_t size, size_t alignment) {
  Reservation r;
  r.size_ = size;
#ifdef MOSAIC_TSAN
  // ThreadSanitizer's shadow layout reserves most fixed addresses (0x6000'0000'0000 among them)
  // and aborts on a mapping there: let the kernel choose.
  hint = 0;
#endif
  if (hint != 0 && hint % alignment == 0) {
    // MAP_FIXED_NOREPLACE fails rather than replace anything already mapped there; an old kernel
    // that does not know the flag treats it as a plain hint, which we check below.
    void* p = Map(reinterpret_cast<void*>(hint), size, MAP_FIXED_NOREPLACE);
    if (p != nullptr && reinterpret_cast<uintptr_t>(p) == hint) {
      r.mapping_ = r.base_ = hint;
      r.mapping_size_ = size;
      r.at_hint_ = true;
      return r;
    }
    if (p != nullptr) munmap(p, size);
  }
  // Anywhere: over-map by the alignment and trim.
  size_t padded = size + alignment;
  void* p = Map(nullptr, padded, 0);
  if (p == nullptr) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "cannot reserve %zu bytes of address space for the heap: %s", size, strerror(errno)));
  }
  uintptr_t start = reinterpret_cast<uintptr_t>(p);
  uintptr_t aligned = (start + alignment - 1) & ~(uintptr_t{alignment} - 1);
  if (aligned > start) munmap(p, aligned - start);
  uintptr_t end = aligned + size;
  if (start + padded > end) munmap(reinterpret_cast<void*>(end), start + padded - end);
  r.mapping_ = r.base_ = aligned;
  r.mapping_size_ = size;
  return r;
}

Reservation::Reservation(Reservation&& other) noexcept { *this = std::move(other); }

Reservation& Reservation::operator=(Reservation&& other) noexcept {
  std::swap(mapping_, other.mapping_);
  std::swap(mapping_size_, other.mapping_size_);
  std::swap(base_, other.base_);
  std::swap(size_, other.size_);
  std::swap(at_hint_, other.at_hint_);
  return *this;
}

Reservation::~Reservation() {
  if (mapping_ != 0) munmap(reinterpret_cast<void*>(mapping_), mapping_size_);
}

void Reservation::Decommit(uintptr_t start, size_t bytes) {
  madvise(reinterpret_cast<void*>(start), bytes, MADV_DONTNEED);
}

}  // namespace mosaic::internal
