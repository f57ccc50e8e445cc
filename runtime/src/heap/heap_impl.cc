#include "heap/heap_impl.h"

#include <algorithm>

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
  absl::Status valid = options.Validate();
  if (!valid.ok()) return valid;
  // The small-object region and the large-object region are each as large as the limit, so
  // neither can run out of address space before the limit is reached.
  size_t half = RoundUp(options.heap_max, kBlockSize);
  auto reservation = Reservation::Create(options.heap_hint, 2 * half, kBlockSize);
  if (!reservation.ok()) return reservation.status();
  auto cards = CardTable::Create(LayoutOf(*reservation));
  if (!cards.ok()) return cards.status();
  auto impl = std::unique_ptr<HeapImpl>(
      new HeapImpl(owner, options, *std::move(reservation), *std::move(cards)));
  absl::Status ready = impl->collector_.Init();
  if (!ready.ok()) return ready;
  return impl;
}

HeapImpl::HeapImpl(Heap* owner, const HeapOptions& options, Reservation reservation,
                   CardTable cards)
    : owner_(owner),
      options_(options),
      reservation_(std::move(reservation)),
      layout_(LayoutOf(reservation_)),
      budget_(options.heap_max),
      cards_(std::move(cards)),
      blocks_(layout_, budget_,
              BlockPool::Config{options.blacklist, options.retain_blocks, options.verify}),
      large_(layout_.large_base(), layout_.large_size(), budget_),
      spaces_(layout_, blocks_, large_),
      threads_(ThreadRegistry::Config{
          options.watchdog_ms, options.watchdog_action == WatchdogAction::kAbort,
          // The thread's partly used blocks go back to the pool for the next thread.
          [this](Mutator* m) { allocator_.ReleaseThread(m); }}),
      stats_(layout_.base, reservation_.at_hint()),
      trigger_(*this),
      allocator_(Allocator::Config{options.stress, options.verify,
                                   // As the collector's policy: the nursery, if it is smaller.
                                   options.generational ? std::min(options.nursery, options.gc_min)
                                                        : options.gc_min,
                                   options.oom_handler},
                 blocks_, large_, budget_, threads_, trigger_),
      collector_(options_, Collector::Parts{threads_, allocator_, spaces_, kinds_, roots_,
                                            finalizers_, weak_, stats_, cards_}) {}

absl::Status HeapImpl::RegisterCurrentThread() {
  absl::StatusOr<Mutator*> m = threads_.RegisterCurrentThread(this);
  if (!m.ok()) return m.status();
  (*m)->layout->card_table = cards_.biased();
  allocator_.InitThread(*m);
  return absl::OkStatus();
}

absl::Status HeapImpl::UnregisterCurrentThread() { return threads_.UnregisterCurrentThread(); }

GcStats HeapImpl::Stats() {
  GcStats s = stats_.Snapshot();
  Mutator* self = CurrentMutator();
  if (self != nullptr && self->heap != this) self = nullptr;
  s.bytes_allocated = allocator_.TotalBytes(self);
  s.objects_allocated = allocator_.TotalSlowAllocations(self);
  s.committed_bytes = budget_.committed();
  s.peak_committed_bytes = budget_.peak();
  s.blocks_quarantined = blocks_.blocks_quarantined();
  s.blocks_released = blocks_.blocks_released();
  s.finalizers_run = finalizers_.run();
  s.weak_objects = weak_.weak_objects();
  s.total_sweep_ns = blocks_.sweep_ns();
  return s;
}

}  // namespace mosaic::internal
