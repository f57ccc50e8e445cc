#include "heap/heap_impl.h"

#include <algorithm>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/check.h"

namespace mosaic::internal {

namespace {

constexpr size_t kMaxKinds = 65536;

size_t RoundUp(size_t n, size_t to) { return (n + to - 1) / to * to; }

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
  auto impl = std::unique_ptr<HeapImpl>(new HeapImpl(owner, options, *std::move(reservation)));
  return impl;
}

HeapImpl::HeapImpl(Heap* owner, const HeapOptions& options, Reservation reservation)
    : owner_(owner),
      options_(options),
      reservation_(std::move(reservation)),
      base_(reservation_.base()),
      total_size_(reservation_.size()),
      small_size_(reservation_.size() / 2),
      num_blocks_(small_size_ >> kBlockShift),
      kinds_(new std::atomic<const KindDescriptor*>[kMaxKinds]),
      block_state_(new uint8_t[num_blocks_]()),
      freed_at_sweep_(new uint32_t[num_blocks_]()),
      los_(std::make_unique<LargeObjectSpace>(base_ + small_size_, total_size_ - small_size_)),
      mark_stack_(new uintptr_t[options.mark_stack]) {
  for (size_t i = 0; i < kMaxKinds; ++i) kinds_[i].store(nullptr, std::memory_order_relaxed);
  // Pairs have no header; register a descriptor so stats and messages can name them.
  auto pair = std::make_unique<KindDescriptor>(KindDescriptor{"pair", TracePolicy::kAllValues});
  kinds_[kPairKind].store(pair.get(), std::memory_order_release);
  kind_storage_.push_back(std::move(pair));
  gc_threshold_.store(options.gc_min, std::memory_order_relaxed);
  std::lock_guard<std::mutex> lock(stats_mu_);
  stats_.heap_base = base_;
  stats_.heap_at_hint = reservation_.at_hint();
}

HeapImpl::~HeapImpl() {
  std::lock_guard<std::mutex> lock(world_mu_);
  MOSAIC_CHECK(mutators_.empty(),
               "Heap destroyed while %zu thread(s) are still registered; unregister them first",
               mutators_.size());
}

bool HeapImpl::Locate(uintptr_t address, ObjectLocation* out) const {
  if (InSmallRegion(address)) {
    uint8_t state = block_state_[BlockIndex(address)] & ~kBlacklistBit;
    if (state != kBlockInUse) return false;
    BlockHeader* block = BlockHeader::Of(address);
    int64_t cell = block->CellIndex(address);
    if (cell < 0 || !block->IsAllocated(static_cast<uint32_t>(cell))) return false;
    out->block = block;
    out->cell = static_cast<uint32_t>(cell);
    out->start = block->CellAddress(out->cell);
    out->large = nullptr;
    return true;
  }
  if (los_->InRegion(address)) {
    LargeHeader* h = los_->HeaderFor(address);
    if (h == nullptr) return false;
    uintptr_t start = h->object();
    if (address < start || address >= start + h->object_bytes) return false;
    out->block = nullptr;
    out->large = h;
    out->start = start;
    return true;
  }
  return false;
}

absl::StatusOr<KindId> HeapImpl::RegisterKind(const KindDescriptor& kind) {
  if (kind.policy == TracePolicy::kCustom && kind.trace == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrFormat("kind '%s' has TracePolicy::kCustom but no trace callback", kind.name));
  }
  std::lock_guard<std::mutex> lock(kinds_mu_);
  size_t id = kind_storage_.size() + 1;  // ids 0 (none) and 1 (pairs) are taken
  if (id >= kMaxKinds) {
    return absl::ResourceExhaustedError("too many object kinds (at most 65,534)");
  }
  kind_storage_.push_back(std::make_unique<KindDescriptor>(kind));
  kinds_[id].store(kind_storage_.back().get(), std::memory_order_release);
  return static_cast<KindId>(id);
}

void HeapImpl::AddGlobalRoot(Value* slot) {
  std::lock_guard<std::mutex> lock(roots_mu_);
  global_roots_.insert(slot);
}

void HeapImpl::RemoveGlobalRoot(Value* slot) {
  std::lock_guard<std::mutex> lock(roots_mu_);
  MOSAIC_CHECK(global_roots_.erase(slot) == 1, "RemoveGlobalRoot(%p): not a registered root",
               slot);
}

void HeapImpl::RegisterFinalizer(Value object, Finalizer finalizer) {
  ObjectLocation loc;
  MOSAIC_CHECK(object.IsHeapReference() &&
                   Locate(reinterpret_cast<uintptr_t>(object.ObjectAddress()), &loc) &&
                   loc.start == reinterpret_cast<uintptr_t>(object.ObjectAddress()),
               "RegisterFinalizer: %#x is not a reference to an allocated object",
               object.bits());
  std::lock_guard<std::mutex> lock(fin_mu_);
  finalizers_[object.bits()] = std::move(finalizer);
}

size_t HeapImpl::PendingFinalizerCount() const {
  std::lock_guard<std::mutex> lock(fin_mu_);
  return pending_finalizers_.size();
}

void HeapImpl::RunPendingFinalizers(Mutator* self) {
  if (self->running_finalizers) return;  // the outer loop will get to new ones
  self->running_finalizers = true;
  uint64_t ran = 0;
  for (;;) {
    std::pair<Value, Finalizer> next;
    {
      std::lock_guard<std::mutex> lock(fin_mu_);
      if (pending_finalizers_.empty()) break;
      next = std::move(pending_finalizers_.front());
      pending_finalizers_.pop_front();
    }
    // `next` is on this thread's stack now, which keeps the object alive while it runs.
    next.second(next.first);
    ++ran;
  }
  self->running_finalizers = false;
  if (ran > 0) {
    std::lock_guard<std::mutex> lock(stats_mu_);
    stats_.finalizers_run += ran;
  }
}

GcStats HeapImpl::Stats() const {
  GcStats s;
  std::vector<uint64_t> pauses;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    s = stats_;
    pauses = pauses_ns_;
  }
  // Percentiles on demand: collections only append, so nothing is sorted in the pause.
  auto percentile = [&pauses](double q) -> uint64_t {
    if (pauses.empty()) return 0;
    size_t k = static_cast<size_t>(q * static_cast<double>(pauses.size() - 1));
    std::nth_element(pauses.begin(), pauses.begin() + static_cast<ptrdiff_t>(k), pauses.end());
    return pauses[k];
  };
  s.p50_pause_ns = percentile(0.50);
  s.p99_pause_ns = percentile(0.99);
  s.committed_bytes = committed_bytes_.load(std::memory_order_relaxed);
  return s;
}

int HeapImpl::AddEventListener(EventListener listener) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  int id = next_listener_id_++;
  listeners_.emplace_back(id, std::move(listener));
  return id;
}

void HeapImpl::RemoveEventListener(int id) {
  std::lock_guard<std::mutex> lock(listeners_mu_);
  std::erase_if(listeners_, [id](const auto& entry) { return entry.first == id; });
}

bool HeapImpl::WouldExceedLimit(size_t more_bytes) const {
  return committed_bytes_.load(std::memory_order_relaxed) + more_bytes > options_.heap_max;
}

}  // namespace mosaic::internal
