// Threads, mutexes, condition variables (SRFI-18's core) and atomic boxes; the ThreadSystem
// that an engine owns (threads.h). docs/design/threads.md explains the decisions.
//
// Deviations from SRFI-18 (for docs/toylang.md):
// - No timeouts: thread-join!, mutex-lock! and mutex-unlock! take only their first argument.
// - thread-join! of a thread that was joined already, that was never started, or of the
//   calling thread itself is an error, and so is thread-start! of a started thread.
// - A thread's error is re-raised by thread-join! as it was (message and position; an uncaught
//   raise's object is raised again, with the joiner's handlers), not wrapped in an
//   uncaught-exception object; an error nobody joins is not reported.
// - mutex-lock! of a mutex the calling thread holds is an error (SRFI-18 would deadlock);
//   mutex-unlock! of a mutex the calling thread does not hold is an error (SRFI-18 allows it).
//   A mutex whose owner ended while holding it is unlocked; the next mutex-lock! takes it and
//   raises "abandoned" (SRFI-18's abandoned-mutex-exception), holding the mutex.
// - condition-variable-wait! is (condition-variable-wait! cv mutex), Chez's condition-wait: it
//   releases the mutex, waits for a signal and takes the mutex again before it returns #t.
//   Signals wake waiters in the order they began to wait; there are no spurious wake-ups.
// - (exit n) in any thread ends the program at once with status n.
// - When the program ends (its last form on the primordial thread has run), threads still
//   running are interrupted and the engine waits for them to stop.
#include "frontend/builtins/threads.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/builtins/dynamic_env.h"
#include "frontend/builtins/exceptions.h"
#include "frontend/objects/runtime.h"

namespace toylang {
namespace threads_internal {

struct MutexState : std::enable_shared_from_this<MutexState> {
  uint64_t owner = 0;      // the owning thread's id, 0 when unlocked (under ThreadSystem::mu_)
  bool abandoned = false;  // its owner ended while holding it (under mu_)
};

struct ConditionState {
  // Tickets: a waiter takes `waiters++` and is woken once `woken` passes it (under mu_).
  uint64_t waiters = 0;
  uint64_t woken = 0;
};

struct ThreadRecord : std::enable_shared_from_this<ThreadRecord> {
  enum class State { kNew, kRunning, kDone };
  uint64_t id = 0;
  State state = State::kNew;  // under mu_
  bool joined = false;        // under mu_
  // The thunk's error, written by the thread before it reaches kDone.
  bool failed = false;
  bool raised = false;  // the error was a raise: its object is in the thread's result slot
  std::string error;
  SourcePos error_pos;
  // While the thread runs, this cell holds its thread object (and so its thunk and result):
  // the program may drop every reference to a running thread. Only the thread itself frees it.
  mosaic::RootCell* self = nullptr;
  // The mutexes this thread holds; only the thread itself touches the vector.
  std::vector<std::shared_ptr<MutexState>> owned;
};

}  // namespace threads_internal

namespace {

using threads_internal::ConditionState;
using threads_internal::MutexState;
using threads_internal::ThreadRecord;
using builtins_internal::Fail;
using builtins_internal::TypeError;
using builtins_internal::NewStateObject;
using builtins_internal::StateOf;
using V = Value;

thread_local ThreadSystem* tls_system = nullptr;
thread_local ThreadRecord* tls_record = nullptr;

// Each new thread's stack: reserved, not committed. Deep recursion in a thread ends in the
// error "stack overflow" (stack_check.h measures the real bounds).
constexpr size_t kThreadStackBytes = size_t{64} << 20;
// How often a waiting thread looks at the engine's interrupt flag (RequestInterrupt must be
// async-signal-safe, so it cannot notify a condition variable).
constexpr auto kInterruptCheck = std::chrono::milliseconds(50);

// Object layouts (objects.h): slot 1 is the state word of all three.
constexpr size_t kThreadSlots = 5;  // state, thunk, result, name, parameterization
constexpr size_t kThreadThunk = 2;
constexpr size_t kThreadResult = 3;
constexpr size_t kThreadName = 4;
constexpr size_t kThreadParameterization = 5;  // the parameterize bindings it starts with
constexpr size_t kSyncSlots = 2;  // state, name

// A store into an object made just now, before any safepoint: it is young, no barrier.
void InitSlot(V object, size_t slot, V v) { object.ObjectWords()[slot] = v.bits(); }

ThreadSystem& System() {
  ThreadSystem* system = tls_system;
  if (system == nullptr) Fail("threads: this thread does not belong to a toylang engine");
  return *system;
}

ThreadRecord& Me() {
  System();
  return *tls_record;
}

// Waits in a native region until `ready()` holds, then runs `then()`, both under mu_. Returns
// false, having run nothing, when the engine is interrupted first. `deadline`: also stop
// waiting then (and return true without checking `ready`).
template <typename Ready, typename Then>
bool WaitThen(CallContext& ctx, Ready ready, Then then,
              std::chrono::steady_clock::time_point deadline =
                  std::chrono::steady_clock::time_point::max()) {
  ThreadSystem& system = System();
  mosaic::NativeScope native;  // touches no heap object from here
  std::unique_lock<std::mutex> lock(system.mu_);
  for (;;) {
    if (ready()) break;
    if (ctx.Interrupted()) return false;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    system.changed_.wait_until(lock, std::min(deadline, now + kInterruptCheck));
  }
  then();
  system.changed_.notify_all();
  return true;
}

V CheckThread(const char* who, V v) {
  if (!IsThread(v)) TypeError(who, "thread", v);
  return v;
}
V CheckMutex(const char* who, V v) {
  if (!IsMutex(v)) TypeError(who, "mutex", v);
  return v;
}
V CheckCondition(const char* who, V v) {
  if (!IsConditionVariable(v)) TypeError(who, "condition variable", v);
  return v;
}
V CheckAtomicBox(const char* who, V v) {
  if (!IsAtomicBox(v)) TypeError(who, "atomic box", v);
  return v;
}

// --- Threads ---------------------------------------------------------------------------------

V NewThreadObject(std::shared_ptr<ThreadRecord> record, V thunk, V name) {
  V t = NewStateObject(ObjType::kThread, kThreadSlots, std::move(record));
  InitSlot(t, kThreadThunk, thunk);
  InitSlot(t, kThreadResult, V::Unspecified());
  InitSlot(t, kThreadName, name);
  // SRFI-18: a new thread inherits its creator's dynamic environment (the parameterize
  // bindings in effect at make-thread; exception handlers are not inherited).
  InitSlot(t, kThreadParameterization, CurrentParameterization());
  return t;
}

// What a thread's own OS thread does: register, run the thunk, record how it ended, release
// its mutexes, unregister. Never throws.
struct StartInfo {
  ThreadSystem* system;
  std::shared_ptr<ThreadRecord> record;
  CallContext* ctx;
};

void ExitProgram(ThreadSystem& system, CallContext& ctx, int code) {
  {
    mosaic::NativeScope native;
    std::lock_guard<std::mutex> lock(system.out_mu_);
    ctx.out().flush();
    std::cout.flush();
  }
  std::_Exit(code);
}

void RunThunk(ThreadSystem& system, ThreadRecord& record, CallContext& ctx) {
  V self = record.self->Load();
  SetCurrentParameterization(V::FromBits(self.ObjectWords()[kThreadParameterization]));
  try {
    V result = ctx.RunThread(V::FromBits(self.ObjectWords()[kThreadThunk]));
    mosaic::WriteField(reinterpret_cast<V*>(self.ObjectWords() + kThreadResult), result);
  } catch (const RaisedException& e) {
    record.failed = true;
    record.raised = true;
    record.error = e.message();
    record.error_pos = e.pos();
    mosaic::WriteField(reinterpret_cast<V*>(self.ObjectWords() + kThreadResult), e.payload());
  } catch (const Error& e) {
    record.failed = true;
    record.error = e.message();
    record.error_pos = e.pos();
  } catch (const ExitRequest& e) {
    ExitProgram(system, ctx, e.code);
  } catch (const std::exception& e) {
    record.failed = true;
    record.error = std::string("internal error: ") + e.what();
  }
}

void* ThreadMain(void* arg) {
  std::unique_ptr<StartInfo> info(static_cast<StartInfo*>(arg));
  ThreadSystem& system = *info->system;
  ThreadRecord& record = *info->record;
  mosaic::Heap& heap = system.heap();
  if (heap.RegisterCurrentThread().ok()) {
    tls_system = &system;
    tls_record = &record;
    {
      Runtime::ThreadScope runtime(system.runtime());
      DynamicStateScope dynamic(heap);  // no handlers, no parameterize bindings
      RunThunk(system, record, *info->ctx);
    }
    // A mutex still held is abandoned: unlocked, and its next taker is told.
    {
      std::lock_guard<std::mutex> lock(system.mu_);
      for (const std::shared_ptr<MutexState>& m : record.owned) {
        if (m->owner == record.id) {
          m->owner = 0;
          m->abandoned = true;
        }
      }
    }
    record.owned.clear();
    heap.FreeRootCell(record.self);
    record.self = nullptr;
    tls_system = nullptr;
    tls_record = nullptr;
    (void)heap.UnregisterCurrentThread();
  } else {
    record.failed = true;
    record.error = "thread-start!: the new thread could not register with the heap";
    heap.FreeRootCell(record.self);
    record.self = nullptr;
  }
  std::lock_guard<std::mutex> lock(system.mu_);
  record.state = ThreadRecord::State::kDone;
  --system.running_;
  system.changed_.notify_all();
  return nullptr;  // `info` (and its reference to the record) goes now
}

V MakeThread(CallContext&, const V* a, int argc) {
  builtins_internal::CheckProcedure("make-thread", a[0]);
  auto record = std::make_shared<ThreadRecord>();
  record->id = System().next_id_.fetch_add(1, std::memory_order_relaxed);
  return NewThreadObject(std::move(record), a[0], argc > 1 ? a[1] : V::False());
}

V ThreadStart(CallContext& ctx, const V* a, int) {
  V t = CheckThread("thread-start!", a[0]);
  ThreadSystem& system = System();
  ThreadRecord* raw = StateOf<ThreadRecord>(t);
  {
    std::lock_guard<std::mutex> lock(system.mu_);
    if (raw->state != ThreadRecord::State::kNew) {
      Fail("thread-start!: the thread was started already");
    }
    if (system.stopping_) Fail("interrupted");
    raw->state = ThreadRecord::State::kRunning;
    ++system.running_;
  }
  system.multi_.store(true, std::memory_order_relaxed);
  raw->self = system.heap().NewRootCell(t);
  // The OS thread owns the record too: once it frees `self`, the thread object (whose
  // finalizer holds the other reference) may go while the OS thread still finishes.
  auto* info = new StartInfo{&system, raw->shared_from_this(), &ctx};
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);  // Ctrl-C goes to the engine's thread, which interrupts them all
  pthread_sigmask(SIG_BLOCK, &block, &old);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, kThreadStackBytes);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_t id;
  int err = pthread_create(&id, &attr, ThreadMain, info);
  pthread_attr_destroy(&attr);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (err != 0) {
    delete info;
    system.heap().FreeRootCell(raw->self);
    raw->self = nullptr;
    {
      std::lock_guard<std::mutex> lock(system.mu_);
      raw->state = ThreadRecord::State::kNew;
      --system.running_;
      system.changed_.notify_all();
    }
    Fail(std::string("thread-start!: cannot start a thread: ") + std::strerror(err));
  }
  return t;
}

V ThreadJoin(CallContext& ctx, const V* a, int) {
  V t = CheckThread("thread-join!", a[0]);
  ThreadRecord* record = StateOf<ThreadRecord>(t);
  if (record == &Me()) Fail("thread-join!: a thread cannot join itself");
  ThreadSystem& system = System();
  {
    std::lock_guard<std::mutex> lock(system.mu_);
    if (record->state == ThreadRecord::State::kNew) {
      Fail("thread-join!: the thread was not started");
    }
    if (record->joined) Fail("thread-join!: the thread was joined already");
  }
  bool twice = false;
  bool done = WaitThen(
      ctx, [&] { return record->state == ThreadRecord::State::kDone; },
      [&] {
        twice = record->joined;  // another thread joined it while this one waited
        record->joined = true;
      });
  if (!done) Fail("interrupted");
  if (twice) Fail("thread-join!: the thread was joined already");
  if (record->failed && record->raised) {
    // The thread's uncaught raise, raised again in the joiner (its handlers see the object).
    return RaiseObject(ctx, V::FromBits(t.ObjectWords()[kThreadResult]), false, record->error_pos);
  }
  if (record->failed) throw Error(record->error, record->error_pos);
  return V::FromBits(t.ObjectWords()[kThreadResult]);
}

V CurrentThread(CallContext&, const V*, int) {
  ThreadSystem& system = System();
  ThreadRecord& me = Me();
  if (me.self == nullptr) {
    // The primordial thread's object, made on first use and kept until Shutdown.
    V t = NewThreadObject(system.primordial_, V::False(), V::False());
    me.self = system.heap().NewRootCell(t);
  }
  return me.self->Load();
}

V ThreadYield(CallContext&, const V*, int) {
  std::this_thread::yield();
  return V::Unspecified();
}

V ThreadSleep(CallContext& ctx, const V* a, int) {
  builtins_internal::CheckNumber("thread-sleep!", a[0]);
  double seconds = builtins_internal::ToDouble(a[0]);
  if (!(seconds >= 0) || seconds > 1e9) {
    TypeError("thread-sleep!", "number of seconds from 0 to 10^9", a[0]);
  }
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                      std::chrono::duration<double>(seconds));
  if (!WaitThen(ctx, [] { return false; }, [] {}, deadline)) Fail("interrupted");
  return V::Unspecified();
}

V ThreadP(CallContext&, const V* a, int) { return V::Bool(IsThread(a[0])); }

// --- Mutexes and condition variables ---------------------------------------------------------

V MakeMutex(CallContext&, const V* a, int argc) {
  V m = NewStateObject(ObjType::kMutex, kSyncSlots, std::make_shared<MutexState>());
  InitSlot(m, 2, argc > 0 ? a[0] : V::False());
  return m;
}

V MutexP(CallContext&, const V* a, int) { return V::Bool(IsMutex(a[0])); }

// An owning reference to a mutex's state for its holder's list: the program may drop the mutex
// object while a thread holds it, and the holder releases it when it ends.
std::shared_ptr<MutexState> Share(MutexState* m) { return m->shared_from_this(); }

V MutexLock(CallContext& ctx, const V* a, int) {
  MutexState* m = StateOf<MutexState>(CheckMutex("mutex-lock!", a[0]));
  ThreadRecord& me = Me();
  ThreadSystem& system = System();
  bool abandoned = false;
  bool got = false;
  {
    std::lock_guard<std::mutex> lock(system.mu_);
    if (m->owner == me.id) Fail("mutex-lock!: the mutex is already locked by this thread");
    if (m->owner == 0) {
      m->owner = me.id;
      abandoned = std::exchange(m->abandoned, false);
      got = true;
    }
  }
  if (!got) {
    bool taken = WaitThen(
        ctx, [&] { return m->owner == 0; },
        [&] {
          m->owner = me.id;
          abandoned = std::exchange(m->abandoned, false);
        });
    if (!taken) Fail("interrupted");
  }
  me.owned.push_back(Share(m));
  if (abandoned) {
    Fail("mutex-lock!: the mutex was abandoned (its owner ended while holding it); "
         "this thread holds it now");
  }
  return V::True();
}

// Releases `m`, which `me` holds (under mu_).
void Release(ThreadRecord& me, MutexState* m) {
  m->owner = 0;
  auto it = std::find_if(me.owned.begin(), me.owned.end(),
                         [m](const std::shared_ptr<MutexState>& p) { return p.get() == m; });
  if (it != me.owned.end()) me.owned.erase(it);
}

V MutexUnlock(CallContext&, const V* a, int) {
  MutexState* m = StateOf<MutexState>(CheckMutex("mutex-unlock!", a[0]));
  ThreadRecord& me = Me();
  ThreadSystem& system = System();
  std::lock_guard<std::mutex> lock(system.mu_);
  if (m->owner != me.id) Fail("mutex-unlock!: the mutex is not locked by this thread");
  Release(me, m);
  system.changed_.notify_all();
  return V::Unspecified();
}

V MakeConditionVariable(CallContext&, const V* a, int argc) {
  V c = NewStateObject(ObjType::kConditionVariable, kSyncSlots,
                       std::make_shared<ConditionState>());
  InitSlot(c, 2, argc > 0 ? a[0] : V::False());
  return c;
}

V ConditionVariableP(CallContext&, const V* a, int) {
  return V::Bool(IsConditionVariable(a[0]));
}

V ConditionVariableWait(CallContext& ctx, const V* a, int) {
  ConditionState* c = StateOf<ConditionState>(CheckCondition("condition-variable-wait!", a[0]));
  MutexState* m = StateOf<MutexState>(CheckMutex("condition-variable-wait!", a[1]));
  ThreadRecord& me = Me();
  ThreadSystem& system = System();
  uint64_t ticket;
  {
    std::lock_guard<std::mutex> lock(system.mu_);
    if (m->owner != me.id) {
      Fail("condition-variable-wait!: the mutex is not locked by this thread");
    }
    Release(me, m);
    ticket = c->waiters++;
    system.changed_.notify_all();
  }
  // Woken, and then the mutex back; no heap object is touched while it waits.
  bool woken = WaitThen(ctx, [&] { return c->woken > ticket; }, [] {});
  if (!woken) Fail("interrupted");
  bool taken = WaitThen(
      ctx, [&] { return m->owner == 0; },
      [&] {
        m->owner = me.id;
        m->abandoned = false;
      });
  if (!taken) Fail("interrupted");
  me.owned.push_back(Share(m));
  return V::True();
}

V ConditionVariableSignal(CallContext&, const V* a, int) {
  ConditionState* c =
      StateOf<ConditionState>(CheckCondition("condition-variable-signal!", a[0]));
  ThreadSystem& system = System();
  std::lock_guard<std::mutex> lock(system.mu_);
  if (c->woken < c->waiters) ++c->woken;
  system.changed_.notify_all();
  return V::Unspecified();
}

V ConditionVariableBroadcast(CallContext&, const V* a, int) {
  ConditionState* c =
      StateOf<ConditionState>(CheckCondition("condition-variable-broadcast!", a[0]));
  ThreadSystem& system = System();
  std::lock_guard<std::mutex> lock(system.mu_);
  c->woken = c->waiters;
  system.changed_.notify_all();
  return V::Unspecified();
}

// --- Atomic boxes ----------------------------------------------------------------------------
// [header | value]: the value word is read and written with atomic operations (the collector
// stops every thread before it reads it), stores followed by the write barrier.

std::atomic_ref<uint64_t> BoxWord(V box) {
  return std::atomic_ref<uint64_t>(box.ObjectWords()[1]);
}

V MakeAtomicBox(CallContext&, const V* a, int) {
  auto* words = static_cast<uint64_t*>(Runtime::Get().AllocateObject(ObjType::kAtomicBox, 1, 0));
  V box = V::Object(words);
  BoxWord(box).store(a[0].bits(), std::memory_order_release);  // young: no barrier
  return box;
}

V AtomicBoxP(CallContext&, const V* a, int) { return V::Bool(IsAtomicBox(a[0])); }

V AtomicBoxRef(CallContext&, const V* a, int) {
  V box = CheckAtomicBox("atomic-box-ref", a[0]);
  return V::FromBits(BoxWord(box).load(std::memory_order_acquire));
}

V AtomicBoxSet(CallContext&, const V* a, int) {
  V box = CheckAtomicBox("atomic-box-set!", a[0]);
  BoxWord(box).store(a[1].bits(), std::memory_order_release);
  mosaic::internal::RecordWrite(box.ObjectWords() + 1);
  return V::Unspecified();
}

// (atomic-box-compare-and-set! box expected new): stores `new` if the box holds a value eq? to
// `expected`; returns whether it did.
V AtomicBoxCompareAndSet(CallContext&, const V* a, int) {
  V box = CheckAtomicBox("atomic-box-compare-and-set!", a[0]);
  uint64_t expected = a[1].bits();
  bool swapped = BoxWord(box).compare_exchange_strong(expected, a[2].bits(),
                                                      std::memory_order_acq_rel,
                                                      std::memory_order_acquire);
  if (swapped) mosaic::internal::RecordWrite(box.ObjectWords() + 1);
  return V::Bool(swapped);
}

constexpr Builtin kBuiltins[] = {
    {"make-thread", 1, 2, MakeThread},
    {"thread?", 1, 1, ThreadP},
    {"thread-start!", 1, 1, ThreadStart},
    {"thread-join!", 1, 1, ThreadJoin},
    {"current-thread", 0, 0, CurrentThread},
    {"thread-yield!", 0, 0, ThreadYield},
    {"thread-sleep!", 1, 1, ThreadSleep},
    {"make-mutex", 0, 1, MakeMutex},
    {"mutex?", 1, 1, MutexP},
    {"mutex-lock!", 1, 1, MutexLock},
    {"mutex-unlock!", 1, 1, MutexUnlock},
    {"make-condition-variable", 0, 1, MakeConditionVariable},
    {"condition-variable?", 1, 1, ConditionVariableP},
    {"condition-variable-wait!", 2, 2, ConditionVariableWait},
    {"condition-variable-signal!", 1, 1, ConditionVariableSignal},
    {"condition-variable-broadcast!", 1, 1, ConditionVariableBroadcast},
    {"make-atomic-box", 1, 1, MakeAtomicBox},
    {"atomic-box?", 1, 1, AtomicBoxP},
    {"atomic-box-ref", 1, 1, AtomicBoxRef},
    {"atomic-box-set!", 2, 2, AtomicBoxSet},
    {"atomic-box-compare-and-set!", 3, 3, AtomicBoxCompareAndSet},
};

}  // namespace

namespace builtins_internal {

absl::Span<const Builtin> ThreadBuiltins() { return kBuiltins; }

void WriteOutput(CallContext& ctx, std::string_view text) {
  ThreadSystem* system = tls_system;
  std::ostream& out = ctx.out();
  // Until a second thread exists, the caller is the only thread that can write (and no thread
  // can start while it writes).
  if (system == nullptr || !system->multi_.load(std::memory_order_relaxed)) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return;
  }
  mosaic::NativeScope native;  // the write may block on a full pipe
  std::lock_guard<std::mutex> lock(system->out_mu_);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

}  // namespace builtins_internal

// --- ThreadSystem ----------------------------------------------------------------------------

ThreadSystem::ThreadSystem(mosaic::Heap& heap, Runtime& runtime)
    : heap_(heap),
      runtime_(runtime),
      previous_system_(tls_system),
      previous_record_(tls_record) {
  primordial_ = std::make_shared<ThreadRecord>();
  primordial_->id = next_id_.fetch_add(1, std::memory_order_relaxed);
  primordial_->state = ThreadRecord::State::kRunning;
  tls_system = this;
  tls_record = primordial_.get();
}

ThreadSystem::~ThreadSystem() {
  Shutdown([] {});
  if (tls_system == this) {
    tls_system = previous_system_;
    tls_record = previous_record_;
  }
}

ThreadSystem* ThreadSystem::Current() { return tls_system; }

void ThreadSystem::AwaitAllEnded() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (running_ == 0) return;
  }
  mosaic::NativeScope native;  // the threads may collect while this one waits
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [this] { return running_ == 0; });
}

int ThreadSystem::RunningForTesting() {
  std::lock_guard<std::mutex> lock(mu_);
  return running_;
}

void ThreadSystem::Shutdown(const std::function<void()>& interrupt) {
  if (shut_down_) return;
  shut_down_ = true;
  bool any;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    any = running_ > 0;
  }
  if (any) {
    interrupt();
    mosaic::NativeScope native;  // the threads may collect while this one waits
    std::unique_lock<std::mutex> lock(mu_);
    changed_.wait(lock, [this] { return running_ == 0; });
  }
  if (primordial_->self != nullptr) {
    heap_.FreeRootCell(primordial_->self);
    primordial_->self = nullptr;
  }
}

}  // namespace toylang
