#include "alloc/allocator.h"

#include <cstring>

#include "common/check.h"

namespace mosaic::internal {

namespace {

// Verify mode: a free cell must still hold the poison the sweeper wrote (or be untouched zero).
void CheckAndZeroHole(uintptr_t begin, uintptr_t end, size_t cell_bytes, bool verify) {
  if (verify) {
    for (uintptr_t cell = begin; cell < end; cell += cell_bytes) {
      const auto* words = reinterpret_cast<const uint64_t*>(cell);
      uint64_t expected = words[0] == 0 ? 0 : kPoisonWord;
      for (size_t i = 0; i < cell_bytes / 8; ++i) {
        MOSAIC_CHECK(words[i] == expected,
                     "verify: freed cell %#x (%zu bytes) was written after it was freed: word %zu "
                     "is %#x",
                     cell, cell_bytes, i, words[i]);
      }
    }
  }
  std::memset(reinterpret_cast<void*>(begin), 0, end - begin);
}

}  // namespace

Allocator::Allocator(Config config, BlockPool& blocks, LargeObjectSpace& large,
                     CommitBudget& budget, ThreadRegistry& threads, GcTrigger& trigger)
    : config_(std::move(config)),
      blocks_(blocks),
      large_(large),
      budget_(budget),
      threads_(threads),
      trigger_(trigger) {
  gc_threshold_.store(config_.first_threshold, std::memory_order_relaxed);
}

bool Allocator::RefillFromBlock(Mutator* self, int cls) {
  Mutator::ClassState& cs = self->classes[cls];
  BlockHeader* block = cs.block;
  if (block == nullptr) return false;
  uint32_t begin, end;
  if (!block->FindHole(cs.next_cell, &begin, &end)) {
    cs.block = nullptr;
    return false;
  }
  if (config_.stress != 0) end = begin + 1;  // every allocation takes the slow path
  BlockHeader::SetRange(block->alloc, begin, end);
  block->has_young = true;
  uintptr_t lo = block->CellAddress(begin);
  uintptr_t hi = block->CellAddress(end);
  // Pair cells need no zeroing: both allocation fast paths (AllocatePair and the JIT's inline
  // cons) store car and cdr right after the bump, before any safepoint, and a cell past the
  // cursor is never read (it loses its alloc bit when the buffer retires). Verify mode still
  // zeroes them, after checking the poison.
  if (!block->fresh && (cls != kPairClass || config_.verify)) {
    CheckAndZeroHole(lo, hi, block->cell_bytes, config_.verify);
  }
  cs.next_cell = end;
  self->layout->buffers[cls] = AllocBuffer{lo, hi};
  self->unpublished_bytes += hi - lo;
  return true;
}

void Allocator::PublishAllocated(Mutator* self) {
  if (self->unpublished_bytes != 0) {
    allocated_since_gc_.fetch_add(self->unpublished_bytes, std::memory_order_relaxed);
    total_bytes_.fetch_add(self->unpublished_bytes, std::memory_order_relaxed);
    self->unpublished_bytes = 0;
  }
  if (self->slow_allocations != 0) {
    total_slow_allocations_.fetch_add(self->slow_allocations, std::memory_order_relaxed);
    self->slow_allocations = 0;
  }
}

bool Allocator::ShouldCollectBeforeRefill(Mutator* self) {
  PublishAllocated(self);
  const uint64_t allocated = allocated_since_gc_.load(std::memory_order_relaxed);
  if (allocated >= near_at_.load(std::memory_order_relaxed) &&
      !near_told_.load(std::memory_order_relaxed) &&
      !near_told_.exchange(true, std::memory_order_relaxed)) {
    trigger_.CollectionNear();
  }
  return self->no_gc_depth == 0 && allocated >= gc_threshold_.load(std::memory_order_relaxed);
}

bool Allocator::StressDue(Mutator* self) {
  if (config_.stress == 0 || self->no_gc_depth != 0 || --self->stress_countdown != 0) {
    return false;
  }
  self->stress_countdown = config_.stress;
  return true;
}

void* Allocator::AllocateSmall(Mutator* self, int cls, bool may_fail) {
  ++self->slow_allocations;
  if (threads_.StopRequested()) threads_.SafepointSlow(self);
  if (StressDue(self)) trigger_.CollectForAllocation(self, CollectReason::kStress);
  // Blacklisting looks at the stack from here up: the mutator's frames, not the allocator's.
  BlockPool::StackSpan stack{reinterpret_cast<uintptr_t>(__builtin_frame_address(0)),
                             self->stack_base};
  const size_t cell_bytes = ClassCellBytes(cls);
  bool collected_for_threshold = false;
  for (int limit_collections = 0;;) {
    if (void* p = TryBump(self->layout, cls, cell_bytes)) return p;
    if (RefillFromBlock(self, cls)) continue;
    if (!collected_for_threshold && ShouldCollectBeforeRefill(self)) {
      collected_for_threshold = true;
      trigger_.CollectForAllocation(self, CollectReason::kThreshold);
      continue;
    }
    if (BlockHeader* block = blocks_.Acquire(cls, stack)) {
      self->classes[cls] = Mutator::ClassState{block, 0};
      continue;
    }
    if (limit_collections++ < 2) {
      trigger_.CollectForAllocation(self, CollectReason::kHeapLimit);
      continue;
    }
    return AllocateFailed(cell_bytes, may_fail);
  }
}

void* Allocator::AllocateLarge(Mutator* self, size_t bytes, bool may_fail) {
  ++self->slow_allocations;
  if (threads_.StopRequested()) threads_.SafepointSlow(self);
  if (StressDue(self)) {
    trigger_.CollectForAllocation(self, CollectReason::kStress);
  } else if (ShouldCollectBeforeRefill(self)) {
    trigger_.CollectForAllocation(self, CollectReason::kThreshold);
  }
  // A request beyond the limit can never succeed: do not collect for it.
  if (bytes <= budget_.limit()) {
    for (int limit_collections = 0;;) {
      if (LargeHeader* h = large_.Allocate(bytes)) {
        uint64_t page_bytes = uint64_t{h->pages} * kPageSize;
        allocated_since_gc_.fetch_add(page_bytes, std::memory_order_relaxed);
        total_bytes_.fetch_add(page_bytes, std::memory_order_relaxed);
        return reinterpret_cast<void*>(h->object());
      }
      if (limit_collections++ >= 2) break;
      trigger_.CollectForAllocation(self, CollectReason::kHeapLimit);
    }
  }
  return AllocateFailed(bytes, may_fail);
}

void* Allocator::AllocateFailed(size_t bytes, bool may_fail) {
  if (may_fail) return nullptr;
  if (config_.oom_handler) config_.oom_handler(bytes);  // may throw; no lock is held
  Fatal("out of memory: allocating %zu bytes would pass the heap limit (heap-max=%zu bytes, "
        "%llu committed) even after a full collection",
        bytes, static_cast<size_t>(budget_.limit()),
        static_cast<unsigned long long>(budget_.committed()));
}

void Allocator::RetireBuffers(Mutator* m) {
  PublishAllocated(m);
  for (int cls = 0; cls < kNumSizeClasses; ++cls) {
    AllocBuffer& b = m->layout->buffers[cls];
    if (b.cursor < b.limit) {
      BlockHeader* block = BlockHeader::Of(b.cursor);
      auto first = static_cast<uint32_t>(block->CellIndex(b.cursor));
      auto last = static_cast<uint32_t>(block->CellIndex(b.limit - 1));
      BlockHeader::ClearRange(block->alloc, first, last + 1);
      allocated_since_gc_.fetch_sub(b.limit - b.cursor, std::memory_order_relaxed);
      total_bytes_.fetch_sub(b.limit - b.cursor, std::memory_order_relaxed);
    }
    b = AllocBuffer{0, 0};
    m->classes[cls] = Mutator::ClassState{};
  }
}

void Allocator::ReleaseThread(Mutator* m) {
  BlockHeader* current[kNumSizeClasses];
  for (int cls = 0; cls < kNumSizeClasses; ++cls) current[cls] = m->classes[cls].block;
  RetireBuffers(m);
  for (BlockHeader* block : current) {
    if (block != nullptr) blocks_.ReturnPartlyUsed(block);
  }
}

uint64_t Allocator::TotalBytes(Mutator* self) {
  if (self != nullptr) PublishAllocated(self);
  return total_bytes_.load(std::memory_order_relaxed);
}

uint64_t Allocator::TotalSlowAllocations(Mutator* self) {
  if (self != nullptr) PublishAllocated(self);
  return total_slow_allocations_.load(std::memory_order_relaxed);
}

void Allocator::StartCycle(uint64_t threshold, uint64_t lead) {
  gc_threshold_.store(threshold, std::memory_order_relaxed);
  allocated_since_gc_.store(0, std::memory_order_relaxed);
  near_at_.store(lead == 0 || lead >= threshold ? UINT64_MAX : threshold - lead,
                 std::memory_order_relaxed);
  near_told_.store(false, std::memory_order_relaxed);
}

}  // namespace mosaic::internal
