// One collection, with the world stopped (see the outline in heap/heap_impl.h).
#include <algorithm>

#include "common/clock.h"
#include "heap/heap_impl.h"
#include "mark/marker.h"
#include "roots/root_visitor.h"
#include "sweep/sweeper.h"
#include "verify/verifier.h"

namespace mosaic::internal {

void HeapImpl::CollectStopped(Mutator* self, CollectReason reason, uint64_t time_to_safepoint_ns,
                              uint64_t pause_start) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  std::vector<Mutator*> mutators;
  {
    std::lock_guard<std::mutex> lock(world_mu_);
    mutators = mutators_;
  }
  // Every other mutator is parked or in native code and holds no runtime lock; taking the pool
  // lock for the whole pause documents (to readers and to TSan) what the pause owns.
  std::lock_guard<std::mutex> pool_lock(pool_mu_);

  uint64_t allocated = 0;
  uint64_t slow_allocations = 0;
  for (Mutator* m : mutators) {
    RetireBuffers(m);
    allocated += m->allocated_bytes;
    slow_allocations += m->slow_allocations;
    m->allocated_bytes = 0;
    m->slow_allocations = 0;
  }

  if (options_.verify) Verifier(*this, "before collection").VerifyHeap(mutators);

  for (size_t i = 0; i < num_blocks_; ++i) block_state_[i] &= ~kBlacklistBit;

  Marker marker(*this);
  uint64_t roots_start = NowNanos();
  uint64_t precise = 0;
  uint64_t conservative_bytes = 0;
  uint64_t jit_frames = 0;
  StackWalker* walker = walker_.load(std::memory_order_acquire);
  for (Mutator* m : mutators) {
    CollectorRootVisitor visitor(marker, m->asan_fake_stack);
    ThreadStack stack;
    stack.top = reinterpret_cast<const void*>(m->stack_top);
    stack.base = reinterpret_cast<const void*>(m->stack_base);
    stack.activations = m->activations;
    stack.frame_pointer = reinterpret_cast<const void*>(m->frame_pointer);
    if (walker != nullptr) {
      walker->WalkStack(stack, visitor);
    } else {
      visitor.VisitConservativeRange(stack.top, stack.base);
    }
    for (size_t i = 0; i < m->handle_top; ++i) {
      visitor.VisitPreciseWord(
          m->handle_chunks[i / Mutator::kHandleChunk][i % Mutator::kHandleChunk].bits());
    }
    precise += visitor.precise();
    conservative_bytes += visitor.conservative_bytes();
    jit_frames += visitor.jit_frames();
  }
  {
    std::lock_guard<std::mutex> lock(roots_mu_);
    for (Value* slot : global_roots_) marker.MarkPreciseWord(slot->bits());
    precise += global_roots_.size();
  }
  uint64_t cells_start = NowNanos();
  uint64_t cells = root_cells_.ForEachLive([&](uint64_t word) { marker.MarkPreciseWord(word); });
  uint64_t cells_ns = NowNanos() - cells_start;
  precise += cells;
  {
    std::lock_guard<std::mutex> lock(fin_mu_);
    for (const auto& entry : pending_finalizers_) marker.MarkPreciseWord(entry.first.bits());
  }
  uint64_t roots_ns = NowNanos() - roots_start;
  marker.Finish();

  // Unreachable objects with finalizers: queue them, and keep them and what they reference
  // alive until their finalizers have run.
  {
    std::lock_guard<std::mutex> lock(fin_mu_);
    std::vector<uint64_t> dead;
    for (const auto& [bits, finalizer] : finalizers_) {
      if (!marker.IsMarked(reinterpret_cast<uintptr_t>(Value::FromBits(bits).ObjectAddress()))) {
        dead.push_back(bits);
      }
    }
    for (uint64_t bits : dead) {
      auto it = finalizers_.find(bits);
      pending_finalizers_.emplace_back(Value::FromBits(bits), std::move(it->second));
      finalizers_.erase(it);
      marker.MarkPreciseWord(bits);
    }
  }
  marker.Finish();

  uint64_t live = Sweeper(*this).Sweep();
  if (options_.verify) Verifier(*this, "after collection").VerifyHeap(mutators);

  uint64_t threshold = std::max<uint64_t>(options_.gc_min,
                                          static_cast<uint64_t>(options_.gc_growth * live));
  gc_threshold_.store(threshold, std::memory_order_relaxed);
  allocated_since_gc_.store(0, std::memory_order_relaxed);

  uint64_t pause = NowNanos() - pause_start;
  {
    std::lock_guard<std::mutex> lock(stats_mu_);
    GcStats& s = stats_;
    ++s.collections;
    s.total_pause_ns += pause;
    s.max_pause_ns = std::max(s.max_pause_ns, pause);
    s.last_pause_ns = pause;
    s.max_time_to_safepoint_ns = std::max(s.max_time_to_safepoint_ns, time_to_safepoint_ns);
    s.total_time_to_safepoint_ns += time_to_safepoint_ns;
    s.total_root_ns += roots_ns;
    s.root_cell_ns += cells_ns;
    uint64_t freed = s.live_bytes + allocated > live ? s.live_bytes + allocated - live : 0;
    s.bytes_allocated += allocated;
    s.objects_allocated += slow_allocations;
    s.live_bytes = live;
    s.conservative_bytes_scanned += conservative_bytes;
    s.conservative_words_examined += marker.words_examined();
    s.conservative_words_accepted += marker.words_accepted();
    s.precise_roots_visited += precise;
    s.root_cells_visited += cells;
    s.jit_frames_visited += jit_frames;
    s.mark_stack_overflows += marker.overflows();
    // Keep a bounded sample of pauses: past the cap, drop every other one (older pauses thin
    // out, the distribution's shape stays).
    if (pauses_ns_.size() >= 100'000) {
      size_t j = 0;
      for (size_t i = 0; i < pauses_ns_.size(); i += 2) pauses_ns_[j++] = pauses_ns_[i];
      pauses_ns_.resize(j);
    }
    pauses_ns_.push_back(pause);
    last_event_ = GcEvent{s.collections, reason, pause, time_to_safepoint_ns,
                          live,          freed,  mutators.size()};
  }
  (void)self;
  ResumeTheWorld();
}

}  // namespace mosaic::internal
