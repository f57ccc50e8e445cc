// Thread registration and stop-the-world. See threads/mutator.h for the state machine and
// heap/heap_impl.h for the lock order.
//
// The handshake between a collector and a thread leaving native code is Dekker-style, both sides
// sequentially consistent: the collector stores the flag, then reads each thread's state; a
// thread leaving native code stores kRunning, then reads the flag. At least one of them sees the
// other, so either the collector waits for the thread, or the thread parks before touching the
// heap.
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "common/check.h"
#include "common/clock.h"
#include "heap/heap_impl.h"

#ifdef MOSAIC_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace mosaic::internal {

thread_local MutatorLayout* tls_mutator = nullptr;

namespace {

// The heap a thread is registered with, for messages about a second registration.
thread_local HeapImpl* tls_heap = nullptr;

void StackBounds(uintptr_t* low, uintptr_t* high) {
  pthread_attr_t attr;
  void* addr = nullptr;
  size_t size = 0;
  MOSAIC_CHECK(pthread_getattr_np(pthread_self(), &attr) == 0, "pthread_getattr_np failed");
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  *low = reinterpret_cast<uintptr_t>(addr);
  *high = *low + size;
}

void* CurrentFakeStack() {
#ifdef MOSAIC_ASAN
  return __asan_get_current_fake_stack();
#else
  return nullptr;
#endif
}

}  // namespace

MOSAIC_NO_SANITIZE_SCAN void SpillRegistersAndCall(void (*fn)(void* arg, uintptr_t top),
                                                   void* arg) {
  // Callee-saved registers may hold the only copy of a reference in a caller's frame. Store them
  // into this frame; everything from here up is then scanned. If the compiler picks one of them
  // to hold `regs`, the prologue has already saved its old value in this frame as well.
  uintptr_t regs[12] = {};
#if defined(__x86_64__)
  asm volatile(
      "movq %%rbx, 0(%0)\n\t"
      "movq %%rbp, 8(%0)\n\t"
      "movq %%r12, 16(%0)\n\t"
      "movq %%r13, 24(%0)\n\t"
      "movq %%r14, 32(%0)\n\t"
      "movq %%r15, 40(%0)\n\t"
      :
      : "r"(regs)
      : "memory");
#elif defined(__aarch64__)
  asm volatile(
      "stp x19, x20, [%0, #0]\n\t"
      "stp x21, x22, [%0, #16]\n\t"
      "stp x23, x24, [%0, #32]\n\t"
      "stp x25, x26, [%0, #48]\n\t"
      "stp x27, x28, [%0, #64]\n\t"
      "str x29, [%0, #80]\n\t"
      :
      : "r"(regs)
      : "memory");
#else
  __builtin_unwind_init();
#endif
  fn(arg, reinterpret_cast<uintptr_t>(regs));
  asm volatile("" : : "r"(regs) : "memory");  // keep `regs` alive across the call
}

Value* Mutator::NewHandleSlot() {
  size_t chunk = handle_top / kHandleChunk;
  if (chunk == handle_chunks.size()) {
    handle_chunks.push_back(std::make_unique<Value[]>(kHandleChunk));
  }
  return &handle_chunks[chunk][handle_top++ % kHandleChunk];
}

absl::Status HeapImpl::RegisterCurrentThread() {
  if (tls_mutator != nullptr) {
    if (tls_heap == this) {
      return absl::AlreadyExistsError("this thread is already registered with this heap");
    }
    return absl::FailedPreconditionError(
        "this thread is already registered with another heap; unregister it there first");
  }
  auto* m = new Mutator();
  m->heap = this;
  m->safepoint_flag = safepoint_flag();
  m->activations = nullptr;
  for (auto& b : m->buffers) b = AllocBuffer{0, 0};
  m->tid = static_cast<pid_t>(syscall(SYS_gettid));
  StackBounds(&m->stack_limit, &m->stack_base);
  m->stress_countdown = options_.stress;
  {
    std::unique_lock<std::mutex> lock(world_mu_);
    // A thread that registers during a collection is not part of it: wait for the end.
    resume_cv_.wait(lock, [this] { return !collecting_; });
    m->id = next_mutator_id_++;
    mutators_.push_back(m);
  }
  tls_mutator = m;
  tls_heap = this;
  return absl::OkStatus();
}

absl::Status HeapImpl::UnregisterCurrentThread() {
  Mutator* m = CurrentMutator();
  if (m == nullptr || tls_heap != this) {
    return absl::FailedPreconditionError("this thread is not registered with this heap");
  }
  MOSAIC_CHECK(m->state.load() == MutatorState::kRunning,
               "UnregisterCurrentThread called inside a native region; call LeaveNative first");
  // Park (recording a fresh stack top) for as long as collections are running, so that no
  // collection waits for a thread that is busy leaving; then leave under the lock.
  for (;;) {
    SafepointSlow(m);
    std::lock_guard<std::mutex> lock(world_mu_);
    if (collecting_) continue;
    // The thread's partly used blocks become orphans: they stay in the used set and the next
    // collection sweeps them like any other block.
    RetireBuffers(m);
    std::erase(mutators_, m);
    break;
  }
  tls_mutator = nullptr;
  tls_heap = nullptr;
  delete m;
  return absl::OkStatus();
}

size_t HeapImpl::RegisteredThreadCount() const {
  std::lock_guard<std::mutex> lock(world_mu_);
  return mutators_.size();
}

void HeapImpl::ParkLocked(Mutator* self, std::unique_lock<std::mutex>& lock) {
  // The caller recorded where the stack scan starts (stack_top and friends).
  self->state.store(MutatorState::kParked, std::memory_order_seq_cst);
  parked_cv_.notify_all();
  resume_cv_.wait(lock, [this] { return !collecting_; });
  self->state.store(MutatorState::kRunning, std::memory_order_seq_cst);
}

void HeapImpl::SafepointSlow(Mutator* self, bool leaving_native) {
  struct Args {
    HeapImpl* heap;
    Mutator* self;
    bool leaving_native;
  } args{this, self, leaving_native};
  SpillRegistersAndCall(
      [](void* p, uintptr_t top) {
        auto* a = static_cast<Args*>(p);
        std::unique_lock<std::mutex> lock(a->heap->world_mu_);
        if (!a->heap->collecting_) return;
        // A thread on its way out of a native region keeps the stack top it recorded on the way
        // in: the collector may be scanning from it right now, and nothing the thread did since
        // put a new reference on its stack (native regions do not touch the heap).
        if (!a->leaving_native) {
          a->self->stack_top = top;
          a->self->asan_fake_stack = CurrentFakeStack();
          a->self->frame_pointer = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
        }
        a->heap->ParkLocked(a->self, lock);
      },
      &args);
}

void HeapImpl::EnterNative(Mutator* self) {
  MOSAIC_CHECK(self->state.load(std::memory_order_relaxed) == MutatorState::kRunning,
               "EnterNative called twice without LeaveNative");
  struct Args {
    HeapImpl* heap;
    Mutator* self;
  } args{this, self};
  SpillRegistersAndCall(
      [](void* p, uintptr_t top) {
        auto* a = static_cast<Args*>(p);
        a->self->stack_top = top;
        a->self->asan_fake_stack = CurrentFakeStack();
        a->self->frame_pointer = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
        a->self->state.store(MutatorState::kNative, std::memory_order_seq_cst);
        if (a->heap->safepoint_flag_.load(std::memory_order_seq_cst) != 0) {
          // A collector may be waiting for us: tell it we no longer count.
          std::lock_guard<std::mutex> lock(a->heap->world_mu_);
          a->heap->parked_cv_.notify_all();
        }
      },
      &args);
}

void HeapImpl::LeaveNative(Mutator* self) {
  MOSAIC_CHECK(self->state.load(std::memory_order_relaxed) == MutatorState::kNative,
               "LeaveNative called without EnterNative");
  self->state.store(MutatorState::kRunning, std::memory_order_seq_cst);
  if (safepoint_flag_.load(std::memory_order_seq_cst) != 0) SafepointSlow(self, true);
}

bool HeapImpl::StopTheWorld(Mutator* self, uint64_t* time_to_safepoint_ns) {
  uint64_t start = NowNanos();
  std::unique_lock<std::mutex> lock(world_mu_);
  if (collecting_) {
    // Someone else is collecting: stop for theirs instead of starting ours.
    ParkLocked(self, lock);
    return false;
  }
  collecting_ = true;
  safepoint_flag_.store(1, std::memory_order_seq_cst);
  bool reported = false;
  for (;;) {
    Mutator* waiting_for = nullptr;
    for (Mutator* m : mutators_) {
      if (m != self && m->state.load(std::memory_order_seq_cst) == MutatorState::kRunning) {
        waiting_for = m;
        break;
      }
    }
    if (waiting_for == nullptr) break;
    parked_cv_.wait_for(lock, std::chrono::milliseconds(50));
    uint64_t waited_ms = (NowNanos() - start) / 1'000'000;
    if (!reported && options_.watchdog_ms != 0 && waited_ms >= options_.watchdog_ms) {
      reported = true;
      std::fprintf(stderr,
                   "mosaic: the collector has waited %.1f s for thread #%llu (tid %d) to reach a "
                   "safepoint; a registered thread that blocks must use EnterNative/NativeScope\n",
                   waited_ms / 1000.0, static_cast<unsigned long long>(waiting_for->id),
                   static_cast<int>(waiting_for->tid));
    }
  }
  *time_to_safepoint_ns = NowNanos() - start;
  return true;
}

void HeapImpl::ResumeTheWorld() {
  std::lock_guard<std::mutex> lock(world_mu_);
  collecting_ = false;
  safepoint_flag_.store(0, std::memory_order_seq_cst);
  resume_cv_.notify_all();
}

void HeapImpl::Collect(Mutator* self, CollectReason reason) {
  MOSAIC_CHECK(self != nullptr && self->heap == this,
               "Collect called on a thread that is not registered with this heap; call "
               "Heap::RegisterCurrentThread (or use MutatorScope) first");
  struct Args {
    HeapImpl* heap;
    Mutator* self;
    CollectReason reason;
    bool collected;
  } args{this, self, reason, false};
  SpillRegistersAndCall(
      [](void* p, uintptr_t top) {
        auto* a = static_cast<Args*>(p);
        uint64_t pause_start = NowNanos();
        a->self->stack_top = top;
        a->self->asan_fake_stack = CurrentFakeStack();
        a->self->frame_pointer = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
        uint64_t tts = 0;
        if (!a->heap->StopTheWorld(a->self, &tts)) return;
        a->heap->CollectStopped(a->self, a->reason, tts, pause_start);
        a->collected = true;
      },
      &args);
  if (args.collected) {
    // Outside the pause, with no lock held: listeners, then finalizers.
    std::vector<std::pair<int, EventListener>> listeners;
    {
      std::lock_guard<std::mutex> lock(listeners_mu_);
      listeners = listeners_;
    }
    if (!listeners.empty()) {
      GcEvent event;
      {
        std::lock_guard<std::mutex> lock(stats_mu_);
        event = last_event_;
      }
      for (auto& [id, listener] : listeners) listener(event);
    }
  }
  RunPendingFinalizers(self);
}

}  // namespace mosaic::internal
