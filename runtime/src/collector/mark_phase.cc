#include "collector/mark_phase.h"

#include <algorithm>
#include <atomic>

#include "common/clock.h"
#include "mark/root_marking_visitor.h"

namespace mosaic::internal {

namespace {

constexpr size_t kCellsPerTask = 4096;
constexpr size_t kCardsPerTask = 256;

size_t Slices(size_t n, size_t per) { return (n + per - 1) / per; }

}  // namespace

GatheredRoots MarkPhase::Gather(std::vector<Mutator*> mutators, bool minor) {
  GatheredRoots g;
  g.mutators = std::move(mutators);
  uint64_t start = NowNanos();
  parts_.roots.cells().ForEachLive([&](Value v) {
    if (v.IsHeapReference()) g.cell_values.push_back(v);
  });
  g.root_cell_ns = NowNanos() - start;
  // Minor: the dirty cards are the remembered set. Major: they are only cleared (the whole heap
  // is marked anyway); either way none is dirty afterwards.
  auto take = [&](uintptr_t card) {
    if (minor) g.dirty_cards.push_back(card);
  };
  auto drop = [](uintptr_t) {};
  for (BlockHeader* block : parts_.spaces.blocks().used_blocks()) {
    // A block that held no live cell after the last sweep holds only young objects now: its
    // cards were dirtied by stores into young objects (the barrier does not look at the
    // holder's age) and can hold no old-to-young edge. nqueens dirtied 15,000 such cards per
    // minor collection.
    const bool young_only = minor && block->live_cells == 0;
    parts_.cards.TakeDirty(block->start(), block->start() + kBlockSize,
                           young_only ? absl::FunctionRef<void(uintptr_t)>(drop)
                                      : absl::FunctionRef<void(uintptr_t)>(take));
  }
  for (LargeHeader* h : parts_.spaces.large().objects()) {
    uintptr_t begin = reinterpret_cast<uintptr_t>(h);
    parts_.cards.TakeDirty(begin, begin + uint64_t{h->pages} * kPageSize, take);
  }
  return g;
}

void MarkPhase::RunTask(const GatheredRoots& roots, size_t task, Marker& marker,
                        Counts& counts) {
  const size_t stacks = roots.mutators.size();
  if (task < stacks) {
    Mutator* m = roots.mutators[task];
    RootMarkingVisitor visitor(marker, m->asan_fake_stack);
    const ThreadStack stack = m->Stack();
    if (StackWalker* walker = parts_.roots.stack_walker()) {
      walker->WalkStack(stack, visitor);
    } else {
      visitor.VisitConservativeRange(stack.top, stack.base);
    }
    // Zero unless the stack top was recorded at EnterNative (the thread is in a native region,
    // or parked on its way out of one).
    visitor.VisitConservativeRange(std::begin(m->native_registers),
                                   std::end(m->native_registers));
    for (size_t i = 0; i < m->handle_top; ++i) {
      visitor.VisitPrecise(m->handle_chunks[i / Mutator::kHandleChunk][i % Mutator::kHandleChunk]);
    }
    counts.precise += visitor.precise();
    counts.conservative_bytes += visitor.conservative_bytes();
    counts.jit_frames += visitor.jit_frames();
    return;
  }
  task -= stacks;
  if (task == 0) {  // globals and queued objects
    counts.precise += parts_.roots.ForEachGlobal([&](Value* slot) { marker.MarkPrecise(*slot); });
    parts_.finalizers.ForEachQueued([&](Value object) { marker.MarkPrecise(object); });
    parts_.weak.ForEachQueued([&](Value object) { marker.MarkPrecise(object); });
    return;
  }
  task -= 1;
  const size_t cell_tasks = Slices(roots.cell_values.size(), kCellsPerTask);
  if (task < cell_tasks) {
    size_t begin = task * kCellsPerTask;
    size_t end = std::min(begin + kCellsPerTask, roots.cell_values.size());
    for (size_t i = begin; i < end; ++i) marker.MarkPrecise(roots.cell_values[i]);
    counts.precise += end - begin;
    return;
  }
  task -= cell_tasks;
  size_t begin = task * kCardsPerTask;
  size_t end = std::min(begin + kCardsPerTask, roots.dirty_cards.size());
  for (size_t i = begin; i < end; ++i) {
    marker.ScanDirtyCard(roots.dirty_cards[i], CardTable::kCardBytes);
  }
}

void MarkPhase::Run(const GatheredRoots& roots, const std::vector<Marker*>& markers,
                    WorkPool* pool, CycleRecord* cycle, bool lazy_helpers) {
  const size_t tasks = roots.mutators.size() + 1 + Slices(roots.cell_values.size(), kCellsPerTask) +
                       Slices(roots.dirty_cards.size(), kCardsPerTask);
  std::vector<Counts> counts(markers.size());
  std::vector<uint64_t> tasks_done(markers.size());
  std::atomic<size_t> next{0};
  const uint64_t start = NowNanos();
  auto work = [&](int i) {
    if (i > 0 && !pool->Join()) return;  // too late: the others finished the phase
    Marker& marker = *markers[i];
    for (size_t t; (t = next.fetch_add(1, std::memory_order_relaxed)) < tasks;) {
      RunTask(roots, t, marker, counts[i]);
    }
    tasks_done[i] = NowNanos();
    if (pool != nullptr) marker.DrainShared();
  };
  if (markers.size() > 1) {
    pool->Reset(static_cast<int>(markers.size()), [this] { threads_->WakeHelpers(); },
                lazy_helpers);
    threads_->Run(work, /*wake_at_once=*/!lazy_helpers);
    cycle->helpers_woken = pool->helpers_requested();
    cycle->helpers_ready = threads_->ready_at_last_run() > 0;
  } else {
    work(0);
  }
  Marker& main = *markers[0];
  for (size_t i = 1; i < markers.size(); ++i) main.Absorb(*markers[i]);
  main.LeaveParallel();
  main.Finish();  // serial from here: overflow recovery, and anything left
  for (const Counts& c : counts) {
    cycle->precise_roots += c.precise;
    cycle->conservative_bytes += c.conservative_bytes;
    cycle->jit_frames += c.jit_frames;
  }
  // Root time: until the last root task was done (markers mark as they visit, so this includes
  // some marking; the rest of the phase is marking alone).
  cycle->root_ns = *std::max_element(tasks_done.begin(), tasks_done.end()) - start;
  cycle->root_cells = roots.cell_values.size();
  cycle->root_cell_ns = roots.root_cell_ns;
  cycle->remembered_cards = roots.dirty_cards.size();
  cycle->steals += main.steals();
  cycle->marker_idle_ns += main.idle_ns();
  cycle->packets_shared += main.packets_shared();
  cycle->solo |= main.went_solo();
}

}  // namespace mosaic::internal
