// The heap's one virtual reservation. Mapped MAP_NORESERVE and read-write but never touched until
// used, so memory is committed page by page as objects are written; Decommit hands pages back to
// the OS (they read as zero afterwards).
#ifndef MOSAIC_SRC_ADDRESS_RESERVATION_H_
#define MOSAIC_SRC_ADDRESS_RESERVATION_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/statusor.h"

namespace mosaic::internal {

class Reservation {
 public:
  // Reserves `size` bytes aligned to `alignment`, at `hint` if the kernel agrees (never replacing
  // an existing mapping), elsewhere otherwise.
  static absl::StatusOr<Reservation> Create(uintptr_t hint, size_t size, size_t alignment);
  Reservation() = default;
  Reservation(Reservation&& other) noexcept;
  Reservation& operator=(Reservation&& other) noexcept;
  ~Reservation();

  uintptr_t base() const { return base_; }
  size_t size() const { return size_; }
  bool at_hint() const { return at_hint_; }
  bool Contains(uintptr_t address) const { return address - base_ < size_; }

  static void Decommit(uintptr_t start, size_t bytes);

 private:
  uintptr_t mapping_ = 0;  // what mmap returned (before alignment)
  size_t mapping_size_ = 0;
  uintptr_t base_ = 0;
  size_t size_ = 0;
  bool at_hint_ = false;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_ADDRESS_RESERVATION_H_
