#include "examples/toylang/interrupt.h"

#include <signal.h>
#include <unistd.h>

#include <atomic>

namespace toylang {
namespace {

std::atomic<Engine*> g_engine{nullptr};
std::atomic<int> g_idle_action{static_cast<int>(IdleSigint::kExit)};
volatile sig_atomic_t g_evaluating = 0;
volatile sig_atomic_t g_interrupts_in_evaluation = 0;
volatile sig_atomic_t g_pending_interrupt = 0;

static_assert(std::atomic<Engine*>::is_always_lock_free);

void HandleSigint(int) {
  if (g_evaluating) {
    if (g_interrupts_in_evaluation > 0) {
      static const char kMessage[] = "\ntoylang: interrupted twice, exiting\n";
      (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
      _exit(130);
    }
    g_interrupts_in_evaluation = 1;
    Engine* engine = g_engine.load(std::memory_order_relaxed);
    if (engine != nullptr) engine->RequestInterrupt();
    return;
  }
  if (g_idle_action.load(std::memory_order_relaxed) == static_cast<int>(IdleSigint::kExit)) {
    _exit(130);
  }
  g_pending_interrupt = 1;
}

}  // namespace

void InstallSigintHandler(Engine* engine, IdleSigint idle) {
  g_engine.store(engine);
  g_idle_action.store(static_cast<int>(idle));
  struct sigaction action = {};
  action.sa_handler = &HandleSigint;
  sigemptyset(&action.sa_mask);
  // SA_RESTART: output written while the handler runs must not fail with EINTR.
  action.sa_flags = SA_RESTART;
  sigaction(SIGINT, &action, nullptr);
}

void ClearPendingInterrupt() { g_pending_interrupt = 0; }

EvaluationScope::EvaluationScope() {
  g_interrupts_in_evaluation = 0;
  g_evaluating = 1;
  if (g_pending_interrupt) {
    g_pending_interrupt = 0;
    g_interrupts_in_evaluation = 1;
    Engine* engine = g_engine.load(std::memory_order_relaxed);
    if (engine != nullptr) engine->RequestInterrupt();
  }
}

EvaluationScope::~EvaluationScope() { g_evaluating = 0; }

bool EvaluationScope::interrupted() const { return g_interrupts_in_evaluation != 0; }

}  // namespace toylang
