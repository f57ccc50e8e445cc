// The parallel markers' helper threads, parked between collections. Run(work) calls work(0) on
// the calling (collecting) thread and work(i), i = 1..helpers, on each helper that wakes up
// before work(0) has returned; it returns when every call that started has returned. A helper
// the scheduler leaves waiting is simply not used (work must get done by whoever runs: the
// marking phase's pool lets late helpers find the phase over), so a small collection never
// waits for a helper to get a CPU. Between collections the helpers can sweep in
// the background (StartBackground); Run and the destructor wait for that job first.
//
// The helpers are not mutators: they never allocate, poll or touch roots of their own. They are
// started by the first Run, so a heap that never collects has none.
#ifndef MOSAIC_SRC_COLLECTOR_MARKER_THREADS_H_
#define MOSAIC_SRC_COLLECTOR_MARKER_THREADS_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"

namespace mosaic::internal {

class MarkerThreads {
 public:
  explicit MarkerThreads(int helpers) : helpers_(helpers) {}
  ~MarkerThreads();
  MarkerThreads(const MarkerThreads&) = delete;
  MarkerThreads& operator=(const MarkerThreads&) = delete;

  int helpers() const { return helpers_; }
  // Runs work(0) here and work(1..helpers) on the helpers; returns when every call has. The
  // helpers are woken at once if `wake_at_once`; otherwise only if work(0) calls WakeHelpers
  // (a small collection then costs no thread wake-up: at a thousand collections a second, the
  // futex calls and context switches had been a tenth of an allocation benchmark's time).
  void Run(absl::FunctionRef<void(int)> work, bool wake_at_once);
  // During Run, from work(0): wakes the helpers, which then call work(i) if work(0) is still
  // running.
  void WakeHelpers();
  // Ahead of a collection that is coming soon (the allocator's budget is nearly spent): wakes
  // the helpers, which then poll for the next Run for up to kPrewakeSpinNanos before they sleep
  // again. A helper woken this way joins the marking at its first microsecond instead of one
  // thread wake-up (~60-150 us on this machine, a tenth of a GCBench pause) after it began.
  // They yield the CPU while polling, so a mutator that wants the core still gets it.
  void Prewake();
  // How many helpers were awake and polling when the last Run began (read after Run).
  int ready_at_last_run() const { return ready_at_last_run_; }
  // Hands `job` to one helper, to run while the caller goes on (nothing if there are no
  // helpers). Run waits for it before starting.
  void StartBackground(std::function<void()> job);
  void WaitBackground();

 private:
  void Start() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Loop(int index);

  const int helpers_;
  std::mutex mu_;
  std::condition_variable wake_cv_;
  std::condition_variable done_cv_;
  std::vector<std::thread> threads_ ABSL_GUARDED_BY(mu_);
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;  // one per Run
  bool accepting_ ABSL_GUARDED_BY(mu_) = false;  // work(0) has not returned yet
  // Helpers that called work this Run, and those whose call returned: written under mu_, read
  // without it while Run polls for the last helper to finish.
  std::atomic<int> started_{0};
  std::atomic<int> finished_{0};
  // generation_, for helpers polling without the lock after a Prewake; and how many poll.
  std::atomic<uint64_t> generation_hint_{0};
  std::atomic<int> polling_{0};
  int ready_at_last_run_ = 0;
  uint64_t prewake_ ABSL_GUARDED_BY(mu_) = 0;  // one per Prewake
  // How long a pre-woken helper polls for the Run before it goes back to sleep. The allocator
  // asks ~200 us ahead (Collector::kPrewakeLeadNanos); a mutator that slows down gets longer.
  static constexpr uint64_t kPrewakeSpinNanos = 2'000'000;
  // `lock` holds mu_ on entry and again on return; it is released while polling.
  void PollForRun(std::unique_lock<std::mutex>& lock);
  // How long Run polls for the helpers to return before it sleeps on done_cv_. They return
  // microseconds after marking ends (every marker idle), but a sleeping collector is woken
  // ~45 us later on this machine, a twentieth of a 1 ms pause.
  static constexpr uint64_t kFinishSpinNanos = 100'000;
  absl::FunctionRef<void(int)>* work_ ABSL_GUARDED_BY(mu_) = nullptr;
  std::function<void()> background_ ABSL_GUARDED_BY(mu_);
  bool background_running_ ABSL_GUARDED_BY(mu_) = false;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace mosaic::internal

#endif  // MOSAIC_SRC_COLLECTOR_MARKER_THREADS_H_
