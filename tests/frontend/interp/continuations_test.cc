// The dynamic-state registry (frontend/builtins/dynamic_state.h) and evaluation bases, through
// the interpreter engine: a registered per-thread slot is saved when call/cc captures and set
// back when the continuation is re-entered (docs/design/continuations.md).
#include <sstream>
#include <string>

#include "frontend/builtins/builtins.h"
#include "frontend/builtins/dynamic_state.h"
#include "frontend/interp/interp_engine.h"
#include "frontend/objects/objects.h"
#include "gtest/gtest.h"

namespace toylang {
namespace {

// A per-thread slot holding a symbol (interned symbols are rooted by the symbol table).
thread_local mosaic::Value tls_state;
bool registered = false;

Value StateRef(CallContext&, const Value*, int) { return tls_state; }
Value StateSet(CallContext&, const Value* args, int) {
  tls_state = args[0];
  return Value::Unspecified();
}
constexpr Builtin kStateRef = {"test-state", 0, 0, StateRef};
constexpr Builtin kStateSet = {"test-state-set!", 1, 1, StateSet};

std::string Eval(Engine& engine, const std::string& source) {
  absl::StatusOr<mosaic::Value> v = engine.Eval(source, "t.scm");
  return v.ok() ? engine.Write(*v) : "error: " + std::string(v.status().message());
}

constexpr const char* kProgram = R"(
(define k #f)
(define (f)
  (test-state-set! 'at-capture)
  (let ((v (call/cc (lambda (c) (set! k c) 0))))
    (let ((seen (test-state)))
      (test-state-set! 'changed-after)
      (if (< v 2) (k (+ v 1)) (list v seen)))))
(f))";

// Without registration the slot is just a thread-local: a re-entry sees what was set last.
TEST(DynamicStateTest, AnUnregisteredSlotIsNotRestored) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "continuations copy native stack behind the sanitizer's shadow state";
#endif
  std::ostringstream out;
  EngineOptions options;
  options.out = &out;
  auto engine = CreateInterpEngine(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  BoxSet(GlobalBox(Intern("test-state")), MakePrimitive(&kStateRef, "test-state"));
  BoxSet(GlobalBox(Intern("test-state-set!")), MakePrimitive(&kStateSet, "test-state-set!"));
  if (registered) GTEST_SKIP() << "registered by the other test in this process";
  EXPECT_EQ(Eval(**engine, kProgram), "(2 changed-after)");
}

TEST(DynamicStateTest, ARegisteredSlotComesBackWithTheContinuation) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP() << "continuations copy native stack behind the sanitizer's shadow state";
#endif
  if (!registered) {
    RegisterDynamicState(
        "test state", [] { return tls_state; }, [](Value v) { tls_state = v; });
    registered = true;
  }
  std::ostringstream out;
  EngineOptions options;
  options.out = &out;
  auto engine = CreateInterpEngine(options);
  ASSERT_TRUE(engine.ok()) << engine.status();
  tls_state = Value::False();
  BoxSet(GlobalBox(Intern("test-state")), MakePrimitive(&kStateRef, "test-state"));
  BoxSet(GlobalBox(Intern("test-state-set!")), MakePrimitive(&kStateSet, "test-state-set!"));
  // Each re-entry restores the value the slot had at the capture, not the one set since.
  EXPECT_EQ(Eval(**engine, kProgram), "(2 at-capture)");
}

}  // namespace
}  // namespace toylang
