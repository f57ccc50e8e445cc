// Tests of frontend/objects: constructors and accessors, the symbol table and global boxes
// across collections, eqv?/equal?, ListLength, Runtime creation.
#include "frontend/objects/objects.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <thread>

#include "frontend/objects/equality.h"
#include "frontend/objects/runtime.h"
#include "gtest/gtest.h"
#include "tests/frontend/objects/runtime_fixture.h"

namespace toylang::testing {
namespace {

using ObjectsTest = RuntimeTest;

// Hides a value from the conservative stack scan (the collector must not find it through us).
constexpr uint64_t kMask = 0x5a5a'5a5a'5a5a'5a5aull;
uint64_t Hide(Value v) { return v.bits() ^ kMask; }
Value Unhide(uint64_t h) { return Value::FromBits(h ^ kMask); }

// Allocates garbage so that freed cells get reused: a dead object's memory would be overwritten.
void Churn() {
  for (int i = 0; i < 20000; ++i) {
    Value s = MakeString("garbage garbage garbage");
    Value v = MakeVector(3, s);
    (void)Cons(v, Value::Nil());
  }
}

TEST_F(ObjectsTest, TypePredicatesAreDisjoint) {
  static const ProcedureInfo info{"f", 0, 0};
  Value rtd = MakeRecordType(Sym("t"), Value::Nil());
  Value values[] = {Str("s"), Fl(1.5), Sym("x"), MakeVector(1, Fx(0)), MakeBox(Fx(1)),
                    MakeClosure(&info, 0), Proc("car"), rtd, MakeRecord(rtd)};
  bool (*preds[])(Value) = {IsString, IsFlonum, IsSymbol, IsVector, IsBox,
                            IsClosure, IsPrimitive, IsRecordType, IsRecord};
  for (int i = 0; i < 9; ++i) {
    for (int j = 0; j < 9; ++j) {
      EXPECT_EQ(preds[j](values[i]), i == j) << "value " << i << " predicate " << j;
    }
    EXPECT_FALSE(values[i].IsPair());
  }
  EXPECT_FALSE(IsString(Fx(3)));
  EXPECT_FALSE(IsString(Value::Nil()));
  EXPECT_FALSE(IsVector(Cons(Fx(1), Fx(2))));
  EXPECT_TRUE(IsProcedure(values[5]));
  EXPECT_TRUE(IsProcedure(values[6]));
  EXPECT_TRUE(IsNumber(Fx(1)) && IsNumber(values[1]) && !IsNumber(values[0]));
}

TEST_F(ObjectsTest, StringsHoldTheirBytesAndANul) {
  Value s = Str(std::string("a\0b", 3));
  EXPECT_EQ(StringLength(s), 3u);
  EXPECT_EQ(StringView(s), std::string_view("a\0b", 3));
  EXPECT_EQ(StringData(s)[3], '\0');
  Value filled = MakeString(5, 'z');
  EXPECT_EQ(StringView(filled), "zzzzz");
  StringData(filled)[0] = 'A';
  EXPECT_EQ(StringView(filled), "Azzzz");
  std::string big(100000, 'q');
  big[99999] = 'r';
  Value large = Str(big);  // beyond the largest size class
  mosaic::Collect();
  EXPECT_EQ(StringView(large), big);
}

TEST_F(ObjectsTest, FlonumsVectorsBoxes) {
  EXPECT_EQ(FlonumValue(Fl(-2.25)), -2.25);
  Value v = MakeVector(4, Sym("x"));
  EXPECT_EQ(VectorLength(v), 4u);
  EXPECT_EQ(VectorRef(v, 3), Sym("x"));
  VectorSet(v, 2, Fx(9));
  EXPECT_EQ(VectorRef(v, 2), Fx(9));
  Value b = MakeBox(Fx(1));
  EXPECT_EQ(BoxRef(b), Fx(1));
  BoxSet(b, Fx(2));
  EXPECT_EQ(BoxRef(b), Fx(2));
  EXPECT_TRUE(BoxName(b).IsFalse());
}

TEST_F(ObjectsTest, ClosuresKeepTheirInfoAndCapturesAcrossCollections) {
  static const ProcedureInfo info{"adder", 1, 1};
  Value c = MakeClosure(&info, 3);
  EXPECT_EQ(ClosureInfo(c), &info);
  EXPECT_EQ(ClosureCaptureCount(c), 3u);
  EXPECT_TRUE(ClosureCapture(c, 0).IsUnspecified());
  SetClosureCapture(c, 1, Str("captured"));
  // The code word reads as a fixnum, so the collector never mistakes it for a reference.
  EXPECT_TRUE(Value::FromBits(c.ObjectWords()[1]).IsFixnum());
  uint64_t hidden = Hide(c);
  c = Value();
  // Keep the closure alive through a root only the runtime knows about: a global box.
  BoxSet(GlobalBox(Sym("the-closure")), Unhide(hidden));
  mosaic::Collect();
  Churn();
  Value back = BoxRef(GlobalBox(Sym("the-closure")));
  EXPECT_EQ(back.bits(), Unhide(hidden).bits());
  EXPECT_EQ(ClosureInfo(back)->name, "adder");
  EXPECT_EQ(StringView(ClosureCapture(back, 1)), "captured");
  EXPECT_EQ(ProcedureName(back), "adder");
  EXPECT_EQ(ProcedureName(Proc("vector-ref")), "vector-ref");
}

TEST_F(ObjectsTest, InterningReturnsTheSameSymbol) {
  Value a = Intern("foo");
  Value b = Intern(std::string("fo") + "o");
  EXPECT_EQ(a, b);
  EXPECT_NE(Intern("foo"), Intern("bar"));
  EXPECT_EQ(SymbolView(a), "foo");
  Value u = MakeUninternedSymbol("foo");
  EXPECT_TRUE(IsSymbol(u));
  EXPECT_NE(u, a);
  EXPECT_EQ(SymbolView(u), "foo");
}

TEST_F(ObjectsTest, InternedSymbolsSurviveCollectionsWithoutOtherReferences) {
  // Many symbols, so the table grows several times; remember them only in a hidden form.
  constexpr int kN = 5000;
  static uint64_t hidden[kN];
  for (int i = 0; i < kN; ++i) hidden[i] = Hide(Intern("sym-" + std::to_string(i)));
  size_t count = runtime_->symbol_count();
  mosaic::Collect();
  Churn();
  mosaic::Collect();
  for (int i = 0; i < kN; ++i) {
    std::string name = "sym-" + std::to_string(i);
    Value again = Intern(name);
    ASSERT_EQ(again.bits(), Unhide(hidden[i]).bits()) << name;
    ASSERT_EQ(SymbolView(again), name);
  }
  EXPECT_EQ(runtime_->symbol_count(), count);  // nothing was re-created
}

TEST_F(ObjectsTest, GlobalBoxesAreCreatedOnceAndStartUndefined) {
  Value sym = Intern("my-global");
  Value box = GlobalBox(sym);
  EXPECT_TRUE(BoxRef(box).IsUndefined());
  EXPECT_EQ(BoxName(box), sym);
  EXPECT_EQ(GlobalBox(sym), box);
  BoxSet(box, Str("value"));
  uint64_t hidden_box = Hide(box);
  box = Value();
  sym = Value();
  mosaic::Collect();
  Churn();
  Value again = GlobalBox(Intern("my-global"));
  EXPECT_EQ(again.bits(), Unhide(hidden_box).bits());
  EXPECT_EQ(StringView(BoxRef(again)), "value");
  // Built-ins were installed as globals.
  EXPECT_TRUE(IsPrimitive(BoxRef(GlobalBox(Intern("car")))));
}

TEST_F(ObjectsTest, RecordsAndRecordTypes) {
  Value rtd = MakeRecordType(Sym("point"), R("(x y)"));
  EXPECT_EQ(RecordTypeFieldCount(rtd), 2u);
  EXPECT_EQ(RecordTypeName(rtd), Sym("point"));
  Value p = MakeRecord(rtd);
  EXPECT_EQ(RecordTypeOf(p), rtd);
  EXPECT_EQ(RecordFieldCount(p), 2u);
  EXPECT_TRUE(RecordRef(p, 0).IsFalse());
  RecordSet(p, 1, Fx(5));
  EXPECT_EQ(RecordRef(p, 1), Fx(5));
}

TEST_F(ObjectsTest, ListLengthHandlesImproperAndCyclicLists) {
  EXPECT_EQ(ListLength(Value::Nil()), 0);
  EXPECT_EQ(ListLength(R("(1 2 3)")), 3);
  EXPECT_EQ(ListLength(R("(1 2 . 3)")), -1);
  EXPECT_EQ(ListLength(Fx(1)), -1);
  Value cyc = R("(1 2 3 4)");
  SetCdr(Cdr(Cdr(Cdr(cyc))), Cdr(cyc));
  EXPECT_EQ(ListLength(cyc), -1);
  Value one = R("(1)");
  SetCdr(one, one);
  EXPECT_EQ(ListLength(one), -1);
}

TEST_F(ObjectsTest, EqvComparesFlonumBitsNotStrings) {
  EXPECT_TRUE(Eqv(Fx(3), Fx(3)));
  EXPECT_TRUE(Eqv(Fl(1.5), Fl(1.5)));
  EXPECT_FALSE(Eqv(Fl(0.0), Fl(-0.0)));
  EXPECT_TRUE(Eqv(Fl(std::nan("")), Fl(std::nan(""))));
  EXPECT_FALSE(Eqv(Fx(2), Fl(2.0)));
  EXPECT_FALSE(Eqv(Str("a"), Str("a")));
  Value s = Str("a");
  EXPECT_TRUE(Eqv(s, s));
  EXPECT_TRUE(Eqv(Sym("a"), Sym("a")));
  EXPECT_TRUE(Eqv(Ch('x'), Ch('x')));
  EXPECT_FALSE(Eqv(R("(1)"), R("(1)")));
}

TEST_F(ObjectsTest, EqualIsStructural) {
  EXPECT_TRUE(Equal(R("(1 (2 \"x\") #(3 (4)) . 5)"), R("(1 (2 \"x\") #(3 (4)) . 5)")));
  EXPECT_FALSE(Equal(R("(1 2)"), R("(1 2 3)")));
  EXPECT_FALSE(Equal(R("#(1 2)"), R("#(1 3)")));
  EXPECT_FALSE(Equal(R("(\"a\")"), R("(\"b\")")));
  EXPECT_FALSE(Equal(R("(1)"), R("#(1)")));
  EXPECT_FALSE(Equal(Fx(2), Fl(2.0)));
  EXPECT_TRUE(Equal(Str(""), Str("")));
  Value rtd = MakeRecordType(Sym("r"), R("(a)"));
  EXPECT_FALSE(Equal(MakeRecord(rtd), MakeRecord(rtd)));  // records: eqv? only
}

TEST_F(ObjectsTest, EqualOnLongAndDeepStructuresDoesNotOverflow) {
  constexpr int kN = 1000000;
  Value a = Value::Nil(), b = Value::Nil();
  for (int i = 0; i < kN; ++i) {
    a = Cons(Fx(i), a);
    b = Cons(Fx(i), b);
  }
  EXPECT_TRUE(Equal(a, b));
  SetCar(b, Fx(-1));
  EXPECT_FALSE(Equal(a, b));
  Value c = Fx(0), d = Fx(0);
  for (int i = 0; i < kN; ++i) {
    c = Cons(c, Value::Nil());
    d = Cons(d, Value::Nil());
  }
  EXPECT_TRUE(Equal(c, d));
}

TEST_F(ObjectsTest, StructuresSurviveCollectionsUnderAllocationPressure) {
  Value list = Value::Nil();
  for (int i = 0; i < 100000; ++i) {
    Value s = Str("item-" + std::to_string(i));
    list = Cons(s, list);
    if (i % 20000 == 0) mosaic::Collect();
  }
  mosaic::Collect();
  Churn();
  int i = 99999;
  for (Value l = list; l.IsPair(); l = Cdr(l), --i) {
    ASSERT_EQ(StringView(Car(l)), "item-" + std::to_string(i));
  }
  EXPECT_EQ(i, -1);
}

TEST_F(ObjectsTest, HugeAllocationIsAToylangError) {
  try {
    MakeVector(size_t{1} << 38, Value::False());  // 2 TiB
    ADD_FAILURE() << "expected an out-of-memory error";
  } catch (const Error& e) {
    EXPECT_NE(e.message().find("out of memory"), std::string::npos) << e.message();
  }
}

TEST(RuntimeCreateTest, RequiresARegisteredThread) {
  auto heap = mosaic::Heap::Create(mosaic::HeapOptions{});
  ASSERT_TRUE(heap.ok());
  absl::Status status;
  std::thread t([&] { status = Runtime::Create(**heap).status(); });
  t.join();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Runtime::Current(), nullptr);
}

TEST(RuntimeCreateTest, ASecondRuntimeOnTheSameHeapReusesItsKinds) {
  auto heap = mosaic::Heap::Create(mosaic::HeapOptions{});
  ASSERT_TRUE(heap.ok());
  ASSERT_TRUE((*heap)->RegisterCurrentThread().ok());
  mosaic::KindId string_kind;
  {
    auto first = Runtime::Create(**heap);
    ASSERT_TRUE(first.ok());
    string_kind = (*first)->kind(ObjType::kString);
    EXPECT_EQ(Runtime::Current(), first->get());
  }
  EXPECT_EQ(Runtime::Current(), nullptr);
  {
    auto second = Runtime::Create(**heap);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ((*second)->kind(ObjType::kString), string_kind);
    EXPECT_EQ(StringView(MakeString("ok")), "ok");
  }
  ASSERT_TRUE((*heap)->UnregisterCurrentThread().ok());
}

}  // namespace
}  // namespace toylang::testing
