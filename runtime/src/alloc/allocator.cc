// The allocation slow path: refill a thread's buffer from the next hole of its current block,
// or from a block taken from the pool; collect when the threshold or the limit says so.
//
// A hole is a run of free cells. Handing it out sets its cells' alloc bits at once and zeroes
// them, so the fast path is a bare bump; at a collection the unused rest of every buffer loses
// its alloc bits again (RetireBuffers).
#include <cstring>

#include "common/check.h"
#include "heap/heap_impl.h"

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

bool HeapImpl::RefillFromBlock(Mutator* self, int cls) {
  Mutator::ClassState& cs = self->classes[cls];
  BlockHeader* block = cs.block;
  if (block == nullptr) return false;
  uint32_t begin, end;
  if (!block->FindHole(cs.next_cell, &begin, &end)) {
    cs.block = nullptr;
    return false;
  }
  if (options_.stress != 0) end = begin + 1;  // every allocation takes the slow path
  BlockHeader::SetRange(block->alloc, begin, end);
  uintptr_t lo = block->CellAddress(begin);
  uintptr_t hi = block->CellAddress(end);
  // Pair cells need no zeroing: both allocation fast paths (AllocatePair and the JIT's inline
  // cons) store car and cdr right after the bump, before any safepoint, and a cell past the
  // cursor is never read (it loses its alloc bit when the buffer retires). Verify mode still
  // zeroes them, after checking the poison.
  if (!block->fresh && (cls != kPairClass || options_.verify)) {
    CheckAndZeroHole(lo, hi, block->cell_bytes, options_.verify);
  }
  cs.next_cell = end;
  self->buffers[cls] = AllocBuffer{lo, hi};
  self->allocated_bytes += hi - lo;
  self->unpublished_bytes += hi - lo;
  return true;
}

void HeapImpl::PublishAllocated(Mutator* self) {
  if (self->unpublished_bytes != 0) {
    allocated_since_gc_.fetch_add(self->unpublished_bytes, std::memory_order_relaxed);
    self->unpublished_bytes = 0;
  }
}

bool HeapImpl::ShouldCollectBeforeRefill(Mutator* self) {
  PublishAllocated(self);
  return self->no_gc_depth == 0 && allocated_since_gc_.load(std::memory_order_relaxed) >=
                                       gc_threshold_.load(std::memory_order_relaxed);
}

void* HeapImpl::AllocateSmall(Mutator* self, int cls, bool may_fail) {
  ++self->slow_allocations;
  if (safepoint_flag_.load(std::memory_order_relaxed) != 0) SafepointSlow(self);
  if (options_.stress != 0 && self->no_gc_depth == 0 && --self->stress_countdown == 0) {
    self->stress_countdown = options_.stress;
    Collect(self, CollectReason::kStress);
  }
  // Blacklisting looks at the stack from here up: the mutator's frames, not the allocator's.
  auto scan_from = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  const size_t cell_bytes = ClassCellBytes(cls);
  bool collected_for_threshold = false;
  for (int limit_collections = 0;;) {
    if (void* p = TryBump(self, cls, cell_bytes)) return p;
    if (RefillFromBlock(self, cls)) continue;
    if (!collected_for_threshold && ShouldCollectBeforeRefill(self)) {
      collected_for_threshold = true;
      Collect(self, CollectReason::kThreshold);
      continue;
    }
    BlockHeader* block;
    {
      std::lock_guard<std::mutex> lock(pool_mu_);
      block = AcquireBlock(self, cls, scan_from);
    }
    if (block != nullptr) {
      self->classes[cls] = Mutator::ClassState{block, 0};
      continue;
    }
    if (limit_collections++ < 2) {
      Collect(self, CollectReason::kHeapLimit);
      continue;
    }
    return AllocateFailed(self, cell_bytes, may_fail);
  }
}

void* HeapImpl::AllocateLarge(Mutator* self, size_t bytes, bool may_fail) {
  ++self->slow_allocations;
  if (safepoint_flag_.load(std::memory_order_relaxed) != 0) SafepointSlow(self);
  if (options_.stress != 0 && self->no_gc_depth == 0 && --self->stress_countdown == 0) {
    self->stress_countdown = options_.stress;
    Collect(self, CollectReason::kStress);
  } else if (ShouldCollectBeforeRefill(self)) {
    Collect(self, CollectReason::kThreshold);
  }
  // A request beyond the limit can never succeed: do not collect for it.
  if (bytes <= options_.heap_max) {
    size_t pages = LargeObjectSpace::PagesFor(bytes);
    size_t page_bytes = pages * kPageSize;
    for (int limit_collections = 0;;) {
      {
        std::lock_guard<std::mutex> lock(pool_mu_);
        if (!WouldExceedLimit(page_bytes)) {
          if (LargeHeader* h = los_->Allocate(bytes)) {
            committed_bytes_.fetch_add(page_bytes, std::memory_order_relaxed);
            allocated_since_gc_.fetch_add(page_bytes, std::memory_order_relaxed);
            self->allocated_bytes += page_bytes;
            return reinterpret_cast<void*>(h->object());
          }
        }
      }
      if (limit_collections++ >= 2) break;
      Collect(self, CollectReason::kHeapLimit);
    }
  }
  return AllocateFailed(self, bytes, may_fail);
}

void* HeapImpl::AllocateFailed(Mutator* self, size_t bytes, bool may_fail) {
  if (may_fail) return nullptr;
  if (options_.oom_handler) options_.oom_handler(bytes);  // may throw; no lock is held
  Fatal("out of memory: allocating %zu bytes would pass the heap limit (heap-max=%zu bytes, "
        "%llu committed) even after a full collection",
        bytes, options_.heap_max,
        static_cast<unsigned long long>(committed_bytes_.load(std::memory_order_relaxed)));
}

void HeapImpl::RetireBuffers(Mutator* m) {
  PublishAllocated(m);
  for (int cls = 0; cls < kNumSizeClasses; ++cls) {
    AllocBuffer& b = m->buffers[cls];
    if (b.cursor < b.limit) {
      BlockHeader* block = BlockHeader::Of(b.cursor);
      auto first = static_cast<uint32_t>(block->CellIndex(b.cursor));
      auto last = static_cast<uint32_t>(block->CellIndex(b.limit - 1));
      BlockHeader::ClearRange(block->alloc, first, last + 1);
      m->allocated_bytes -= b.limit - b.cursor;
      allocated_since_gc_.fetch_sub(b.limit - b.cursor, std::memory_order_relaxed);
    }
    b = AllocBuffer{0, 0};
    m->classes[cls] = Mutator::ClassState{};
  }
}

}  // namespace mosaic::internal
