#include "collector/marker_threads.h"

#include <thread>

#include "common/clock.h"
#include "common/polling_lock.h"

namespace mosaic::internal {

MarkerThreads::~MarkerThreads() {
  std::vector<std::thread> threads;
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return !background_running_ && background_ == nullptr; });
    stop_ = true;
    wake_cv_.notify_all();
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
}

void MarkerThreads::Start() {
  if (!threads_.empty() || helpers_ == 0) return;
  for (int i = 1; i <= helpers_; ++i) threads_.emplace_back([this, i] { Loop(i); });
}

void MarkerThreads::Run(absl::FunctionRef<void(int)> work, bool wake_at_once) {
  {
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [this] { return !background_running_ && background_ == nullptr; });
    Start();
    work_ = &work;
    accepting_ = true;
    started_ = 0;
    finished_ = 0;
    ++generation_;
    generation_hint_.store(generation_, std::memory_order_release);
    ready_at_last_run_ = polling_.load(std::memory_order_relaxed);
    if (wake_at_once) wake_cv_.notify_all();
  }
  work(0);
  {
    PollingLockGuard lock(mu_);
    accepting_ = false;  // helpers that wake from now on skip this Run: started_ is final
  }
  // The helpers return microseconds after marking ends: poll for them (without the lock, which
  // they take to count themselves out) before sleeping.
  const uint64_t until = NowNanos() + kFinishSpinNanos;
  const int started = started_.load(std::memory_order_relaxed);
  for (int i = 1; finished_.load(std::memory_order_acquire) != started; ++i) {
    PollPause();
    if (i % 64 == 0 && NowNanos() >= until) break;
  }
  if (finished_.load(std::memory_order_acquire) != started) {
    std::unique_lock<std::mutex> lock(mu_, std::defer_lock);
    LockPolling(lock);
    done_cv_.wait(lock, [this] { return finished_ == started_; });
  }
  // work_ is left as it is: a helper reads it only while accepting_ is set, by the next Run.
}

void MarkerThreads::WakeHelpers() {
  PollingLockGuard lock(mu_);
  wake_cv_.notify_all();
}

void MarkerThreads::Prewake() {
  PollingLockGuard lock(mu_);
  if (helpers_ == 0) return;
  Start();
  ++prewake_;
  wake_cv_.notify_all();
}

void MarkerThreads::PollForRun(std::unique_lock<std::mutex>& lock) {
  // Without the lock: Run takes it to start the generation this helper waits for.
  const uint64_t seen = generation_;
  lock.unlock();
  polling_.fetch_add(1, std::memory_order_relaxed);
  const uint64_t until = NowNanos() + kPrewakeSpinNanos;
  for (int i = 1; generation_hint_.load(std::memory_order_acquire) == seen; ++i) {
    PollPause();
    if (i % 64 == 0) {
      if (NowNanos() >= until) break;
      std::this_thread::yield();  // a mutator runnable on this core goes first
    }
  }
  polling_.fetch_sub(1, std::memory_order_relaxed);
  LockPolling(lock);
}

void MarkerThreads::StartBackground(std::function<void()> job) {
  std::lock_guard<std::mutex> lock(mu_);
  if (helpers_ == 0) return;
  Start();
  background_ = std::move(job);
  wake_cv_.notify_all();
}

void MarkerThreads::WaitBackground() {
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return !background_running_ && background_ == nullptr; });
}

void MarkerThreads::Loop(int index) {
  uint64_t seen = 0;
  uint64_t prewake_seen = 0;
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    wake_cv_.wait(lock, [&] {
      return stop_ || generation_ != seen || (index == 1 && background_ != nullptr) ||
             prewake_ != prewake_seen;
    });
    if (stop_) return;
    if (generation_ == seen && prewake_ != prewake_seen &&
        !(index == 1 && background_ != nullptr)) {
      prewake_seen = prewake_;
      PollForRun(lock);  // returns with the lock held again, the Run begun or the polling over
      continue;
    }
    prewake_seen = prewake_;
    if (generation_ != seen) {
      seen = generation_;
      if (!accepting_) continue;  // woke too late for that Run
      ++started_;
      absl::FunctionRef<void(int)>* work = work_;
      lock.unlock();
      (*work)(index);
      LockPolling(lock);
      if (++finished_ == started_) done_cv_.notify_all();
      continue;
    }
    // The background job goes to helper 1.
    std::function<void()> job = std::move(background_);
    background_ = nullptr;
    background_running_ = true;
    lock.unlock();
    job();
    lock.lock();
    background_running_ = false;
    done_cv_.notify_all();
  }
}

}  // namespace mosaic::internal
