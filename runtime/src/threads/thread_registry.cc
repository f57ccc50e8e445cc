#include "threads/thread_registry.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>

#include "absl/status/status.h"
#include "common/check.h"
#include "common/clock.h"

namespace mosaic::internal {

namespace {

// The registry a thread is registered with, for messages about a second registration and for
// the exit guard.
thread_local ThreadRegistry* tls_registry = nullptr;

}  // namespace

// One per thread that ever registered, destroyed when the thread exits. A thread that is still
// registered then is unregistered, so that collections do not wait for a thread that no longer
// exists. (The main thread exits with the process; nothing will wait for it.)
class ThreadExitGuard {
 public:
  ~ThreadExitGuard() {
    Mutator* m = CurrentMutator();
    if (m == nullptr || tls_registry == nullptr) return;
    if (m->tid == static_cast<pid_t>(getpid())) return;
    tls_registry->UnregisterExitingThread(m);
  }
  // Constructing the thread_local (on first use) is what schedules its destructor.
  void Arm() { armed_ = true; }

 private:
  bool armed_ = false;
};

namespace {
thread_local ThreadExitGuard tls_exit_guard;
}  // namespace

ThreadRegistry::~ThreadRegistry() {
  std::lock_guard<std::mutex> lock(world_mu_);
  MOSAIC_CHECK(mutators_.empty(),
               "Heap destroyed while %zu thread(s) are still registered; unregister them first",
               mutators_.size());
}

absl::StatusOr<Mutator*> ThreadRegistry::RegisterCurrentThread(HeapImpl* heap) {
  if (tls_mutator != nullptr) {
    if (tls_registry == this) {
      return absl::AlreadyExistsError("this thread is already registered with this heap");
    }
    return absl::FailedPreconditionError(
        "this thread is already registered with another heap; unregister it there first");
  }
  auto* m = new Mutator();
  m->heap = heap;
  m->layout = &tls_layout;
  m->layout->safepoint_flag = safepoint_flag();
  m->layout->activations = nullptr;
  for (auto& b : m->layout->buffers) b = AllocBuffer{0, 0};
  m->tid = static_cast<pid_t>(syscall(SYS_gettid));
  CurrentStackBounds(&m->stack_limit, &m->stack_base);
  {
    std::unique_lock<std::mutex> lock(world_mu_);
    // A thread that registers during a collection is not part of it: wait for the end.
    resume_cv_.wait(lock, [this] { return !collecting_; });
    m->id = next_mutator_id_++;
    mutators_.push_back(m);
  }
  tls_mutator = &tls_layout;
  tls_current_mutator = m;
  tls_registry = this;
  tls_exit_guard.Arm();
  return m;
}

absl::Status ThreadRegistry::UnregisterCurrentThread() {
  Mutator* m = CurrentMutator();
  if (m == nullptr || tls_registry != this) {
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
    if (config_.before_removal) config_.before_removal(m);
    std::erase(mutators_, m);
    break;
  }
  tls_mutator = nullptr;
  tls_current_mutator = nullptr;
  tls_registry = nullptr;
  // Unregistered: every buffer empty again (the heap's removal hook retired them), so that the
  // inline fast paths fail over to the slow path's "not registered" error.
  tls_layout = MutatorLayout{};
  delete m;
  return absl::OkStatus();
}

void ThreadRegistry::UnregisterExitingThread(Mutator* m) {
  std::fprintf(stderr,
               "mosaic: thread #%llu (tid %d) exited while registered with a heap; unregistering "
               "it (call Heap::UnregisterCurrentThread, or use MutatorScope, before a thread "
               "exits)\n",
               static_cast<unsigned long long>(m->id), static_cast<int>(m->tid));
  if (m->state.load() == MutatorState::kNative) LeaveNative(m);
  absl::Status status = UnregisterCurrentThread();
  MOSAIC_CHECK(status.ok(), "unregistering an exiting thread: %s", status.ToString());
}

size_t ThreadRegistry::Count() const {
  std::lock_guard<std::mutex> lock(world_mu_);
  return mutators_.size();
}

std::vector<Mutator*> ThreadRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(world_mu_);
  return mutators_;
}

void ThreadRegistry::ParkLocked(Mutator* self, std::unique_lock<std::mutex>& lock) {
  // The caller recorded where the stack scan starts (stack_top and friends).
  self->state.store(MutatorState::kParked, std::memory_order_seq_cst);
  parked_cv_.notify_all();
  resume_cv_.wait(lock, [this] { return !collecting_; });
  self->state.store(MutatorState::kRunning, std::memory_order_seq_cst);
}

void ThreadRegistry::SafepointSlow(Mutator* self, bool leaving_native) {
  struct Args {
    ThreadRegistry* registry;
    Mutator* self;
    bool leaving_native;
  } args{this, self, leaving_native};
  SpillRegistersAndCall(
      [](void* p, uintptr_t top) {
        auto* a = static_cast<Args*>(p);
        std::unique_lock<std::mutex> lock(a->registry->world_mu_);
        if (!a->registry->collecting_) return;
        // A thread on its way out of a native region keeps the stack top (and the registers) it
        // recorded on the way in: the collector may be scanning from it right now, and nothing
        // the thread did since put a new reference on its stack (native regions do not touch the
        // heap).
        if (!a->leaving_native) {
          a->self->RecordStackTop(top, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
        }
        a->registry->ParkLocked(a->self, lock);
      },
      &args);
}

void ThreadRegistry::EnterNative(Mutator* self, const uintptr_t* caller_registers) {
  MOSAIC_CHECK(self->state.load(std::memory_order_relaxed) == MutatorState::kRunning,
               "EnterNative called twice without LeaveNative");
  struct Args {
    ThreadRegistry* registry;
    Mutator* self;
    const uintptr_t* caller_registers;
  } args{this, self, caller_registers};
  SpillRegistersAndCall(
      [](void* p, uintptr_t top) {
        auto* a = static_cast<Args*>(p);
        a->self->RecordStackTop(top, reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
        // `top` is where SpillRegistersAndCall stored the callee-saved registers: copy them out
        // of this frame, which the native code will overwrite.
        // (Or the caller's own spill, when the public entry point made one.)
        const void* registers = a->caller_registers != nullptr
                                    ? static_cast<const void*>(a->caller_registers)
                                    : reinterpret_cast<const void*>(top);
        std::memcpy(a->self->native_registers, registers, sizeof(a->self->native_registers));
        a->self->state.store(MutatorState::kNative, std::memory_order_seq_cst);
        if (a->registry->poll_.stop.load(std::memory_order_seq_cst) != 0) {
          // A collector may be waiting for us: tell it we no longer count.
          std::lock_guard<std::mutex> lock(a->registry->world_mu_);
          a->registry->parked_cv_.notify_all();
        }
      },
      &args);
}

void ThreadRegistry::LeaveNative(Mutator* self) {
  MOSAIC_CHECK(self->state.load(std::memory_order_relaxed) == MutatorState::kNative,
               "LeaveNative called without EnterNative");
  self->state.store(MutatorState::kRunning, std::memory_order_seq_cst);
  if (poll_.stop.load(std::memory_order_seq_cst) != 0) SafepointSlow(self, true);
}

bool ThreadRegistry::StopTheWorld(Mutator* self, uint64_t* time_to_safepoint_ns) {
  uint64_t start = NowNanos();
  std::unique_lock<std::mutex> lock(world_mu_);
  if (collecting_) {
    // Someone else is collecting: stop for theirs instead of starting ours.
    ParkLocked(self, lock);
    return false;
  }
  collecting_ = true;
  poll_.stop.store(1, std::memory_order_seq_cst);
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
    if (!reported && config_.watchdog_ms != 0 && waited_ms >= config_.watchdog_ms) {
      reported = true;
      std::fprintf(stderr,
                   "mosaic: the collector has waited %.1f s for thread #%llu (tid %d) to reach a "
                   "safepoint; a registered thread that blocks must use EnterNative/NativeScope\n",
                   waited_ms / 1000.0, static_cast<unsigned long long>(waiting_for->id),
                   static_cast<int>(waiting_for->tid));
      MOSAIC_CHECK(!config_.watchdog_abort,
                   "watchdog-action=abort: thread #%llu (tid %d) did not reach a safepoint within "
                   "watchdog-ms=%u",
                   static_cast<unsigned long long>(waiting_for->id),
                   static_cast<int>(waiting_for->tid), config_.watchdog_ms);
    }
  }
  *time_to_safepoint_ns = NowNanos() - start;
  return true;
}

void ThreadRegistry::ResumeTheWorld() {
  std::lock_guard<std::mutex> lock(world_mu_);
  collecting_ = false;
  poll_.stop.store(0, std::memory_order_seq_cst);
  resume_cv_.notify_all();
}

}  // namespace mosaic::internal
