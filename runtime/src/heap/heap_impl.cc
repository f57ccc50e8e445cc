#include "heap/heap_impl.h"

#include "absl/status/status.h"
#include "absl/strings/str_format.h"

namespace mosaic::internal {

namespace {

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

HeapLayout LayoutOf(const Reservation& reservation) {
  HeapLayout layout;
  layout.base = reservation.base();
  layout.total_size = reservation.size();
  layout.small_size = reservation.size() / 2;
  return layout;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HeapImpl>> HeapImpl::Create(Heap* owner,
                                                           const HeapOptions& options) {
  if (options.heap_max < kBlockSize) {
    return absl::InvalidArgumentError(
        absl::StrFormat("heap-max=%zu is too small: at least %zu bytes", options.heap_max,
                        kBlockSize));
  }
  if (options.mark_stack < 1) {
    return absl::InvalidArgumentError("mark-stack must be at least 1 entry");
  }
  // The small-object region and the large-object region are each as large as the limit, so
  // neither can run out of address space before the limit is reached.
  size_t half = RoundUp(options.heap_max, kBlockSize);
  auto reservation = Reservation::Create(options.heap_hint, 2 * half, kBlockSize);
  if (!reservation.ok()) return reservation.status();
  return std::unique_ptr<HeapImpl>(new HeapImpl(owner, options, *std::move(reservation)));
}

HeapImpl::HeapImpl(Heap* owner, const HeapOptions& options, Reservation reservation)
    : owner_(owner),
      options_(options),
      reservation_(std::move(reservation)),
      layout_(LayoutOf(reservation_)),
      budget_(options.heap_max),
      blocks_(layout_, budget_,
              BlockPool::Config{options.blacklist, options.retain_blocks, options.verify}),
      large_(layout_.large_base(), layout_.large_size(), budget_),
      spaces_(layout_, blocks_, large_),
      threads_(ThreadRegistry::Config{options.watchdog_ms}),
      stats_(layout_.base, reservation_.at_hint()),
      trigger_(*this),
      allocator_(Allocator::Config{options.stress, options.verify, options.gc_min,
                                   options.oom_handler},
                 blocks_, large_, budget_, threads_, trigger_),
      collector_(options_, Collector::Parts{threads_, allocator_, spaces_, kinds_, roots_,
                                            finalizers_, stats_}) {}

absl::Status HeapImpl::RegisterCurrentThread() {
  absl::StatusOr<Mutator*> m = threads_.RegisterCurrentThread(this);
  if (!m.ok()) return m.status();
  allocator_.InitThread(*m);
  return absl::OkStatus();
}

absl::Status HeapImpl::UnregisterCurrentThread() {
  // The thread's partly used blocks become orphans: they stay in the used set and the next
  // collection sweeps them like any other block.
  return threads_.UnregisterCurrentThread([this](Mutator* m) {
    allocator_.RetireBuffers(m);
    allocator_.FlushCounts(m);
  });
}

GcStats HeapImpl::Stats() const {
  GcStats s = stats_.Snapshot();
  s.committed_bytes = budget_.committed();
  s.peak_committed_bytes = budget_.peak();
  s.blocks_quarantined = blocks_.blocks_quarantined();
  s.blocks_released = blocks_.blocks_released();
  s.finalizers_run = finalizers_.run();
  return s;
}

}  // namespace mosaic::internal
