// Tests of frontend/builtins/exceptions.cc and dynamic_state.cc that need no engine: a raised
// object stays alive while only its (malloc'd) C++ exception refers to it, and the restore
// guards of the dynamic state put back what they saved. Engine-level behaviour is in
// tests/jit/forms_test.cc and the golden programs in tests/programs/control/.
#include <memory>
#include <string>

#include "frontend/builtins/dynamic_env.h"
#include "frontend/builtins/exceptions.h"
#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

using ExceptionsTest = RuntimeTest;

// Overwrites the stack below the caller's frame, where stale copies of values may linger.
__attribute__((noinline)) void ClearStack() {
  volatile char zeros[64 * 1024];
  for (char& c : const_cast<char(&)[64 * 1024]>(zeros)) c = 0;
}

// Makes the exception on the C++ heap, as a thrown exception lives, and forgets the payload.
__attribute__((noinline)) RaisedException* RaiseFresh(int i) {
  Value payload = Cons(MakeString("payload " + std::to_string(i)), MakeVector(3, Value::Fixnum(i)));
  return new RaisedException(payload, false, Value::False(), "message", SourcePos{});
}

TEST_F(ExceptionsTest, RaisedObjectSurvivesCollectionsInFlight) {
  std::unique_ptr<RaisedException> raised[8];
  for (int i = 0; i < 8; ++i) raised[i].reset(RaiseFresh(i));
  ClearStack();
  for (int round = 0; round < 3; ++round) {
    heap_->Collect();
    // Reuse whatever the collection freed: same-sized strings, vectors and pairs.
    for (int i = 0; i < 20000; ++i) Cons(MakeString("overwrite"), MakeVector(3, Value::False()));
  }
  for (int i = 0; i < 8; ++i) {
    Value p = raised[i]->payload();
    ASSERT_TRUE(p.IsPair());
    EXPECT_EQ(StringView(Car(p)), "payload " + std::to_string(i));
    EXPECT_EQ(VectorRef(Cdr(p), 2), Value::Fixnum(i));
    EXPECT_EQ(raised[i]->target(), Value::False());
  }
  // Copies share the root; it is released with the last of them.
  RaisedException copy = *raised[0];
  raised[0].reset();
  heap_->Collect();
  EXPECT_EQ(StringView(Car(copy.payload())), "payload 0");
}

TEST_F(ExceptionsTest, ErrorObjectsAndTheirText) {
  Value e = MakeErrorObject(MakeString("bad thing:"), R("(42 \"x\" sym)"), ErrorObjectKind::kFile);
  EXPECT_TRUE(IsErrorObject(e));
  EXPECT_EQ(ErrorObjectText(e), "bad thing: 42 \"x\" sym");
  EXPECT_EQ(W(e), "#<error-object \"bad thing:\">");
  EXPECT_EQ(Call("file-error?", {e}), Value::True());
  EXPECT_EQ(Call("read-error?", {e}), Value::False());
  EXPECT_EQ(CallW("error-object-irritants", {e}), "(42 \"x\" sym)");
  EXPECT_EQ(CallError("error-object-irritants", {Fx(1)}),
            "error-object-irritants: expected an error object, got 1");
}

TEST_F(ExceptionsTest, RestoreGuardsPutBackTheSavedValueEvenAfterAReset) {
  DynamicStateScope scope(*heap_);
  EXPECT_EQ(CurrentHandlers(), Value::Nil());
  Value outer = R("(outer)");
  SetCurrentHandlers(outer);
  {
    HandlersRestore restore(CurrentHandlers());
    SetCurrentHandlers(R("(inner outer)"));
    // Someone else (a continuation) replaces the whole stack: restoring must not pop it.
    SetCurrentHandlers(R("(elsewhere)"));
  }
  EXPECT_EQ(CurrentHandlers(), outer);
  try {
    ParameterizationRestore restore(CurrentParameterization());
    SetCurrentParameterization(R("((p . 1))"));
    throw Error("unwinding");
  } catch (const Error&) {
  }
  EXPECT_EQ(CurrentParameterization(), Value::Nil());
}

}  // namespace
}  // namespace toylang::testing
