// The toylang object model on the Mosaic heap: object types, their layouts, constructors and
// inline accessors. docs/design/objects.md explains the choices.
//
// Every constructor allocates on the current thread's heap through the current thread's
// toylang::Runtime (frontend/objects/runtime.h), so it may collect: keep every Value you still
// need in a local (the conservative stack scan finds it), never only in malloc'd memory.
//
//   toylang::Value s = toylang::MakeString("hello");
//   toylang::Value l = toylang::Cons(s, toylang::Value::Nil());
//   toylang::Value sym = toylang::Intern("car");
//   toylang::BoxSet(toylang::GlobalBox(sym), toylang::MakeFlonum(0.5));
//
// Header word of every non-pair toylang object (mosaic/object.h gives bits 63..16 to us):
//
//   bits 63..24  length field (string bytes, vector slots, closure captures, record fields)
//   bits 23..16  ObjType: which toylang type this is
//   bits 15..0   the Mosaic kind id (per heap; Runtime::kind() knows it)
//
// The type lives in our aux bits rather than being inferred from the kind id, so predicates are
// constant-time tests with compile-time constants that do not depend on which heap (and so which
// kind ids) the object lives in. The JIT can emit them the same way.
//
// Layouts (word = 8 bytes; every reference-holding slot is a valid Value):
//
//   string       [header | bytes... NUL]                  kNoReferences, length = byte count
//   flonum       [header | double]                        kNoReferences
//   symbol       [header | name string | global box or #f | hash fixnum]
//   vector       [header | slot 0 | slot 1 | ...]         length = slot count
//   box          [header | value | name symbol or #f]      globals are boxes named by a symbol
//   closure      [header | code word | capture 0 | ...]   length = capture count
//   primitive    [header | code word | name symbol]
//   record-type  [header | name symbol | field-name list | field count fixnum]
//   record       [header | record type | field 0 | ...]   length = field count
//   hashtable    [header | buckets vector | entry count | hash proc | equiv proc | sweep mark |
//                 lock word]                               length = HashtableFlavor
//   primitive with data [header | code word | name symbol | data]   length = 1 (guardians)
//   thread       [header | state word | thunk | result | name | parameterization]
//                                                         (frontend/builtins/threads.cc)
//   mutex        [header | state word | name]
//   condition-variable [header | state word | name]
//   atomic-box   [header | value]                         read and written atomically
//   bignum       [header | sign word | limbs...]          kNoReferences, length = limb count
//                                                          (bignum.h)
//   bytevector   [header | bytes...]                      kNoReferences, length = byte count
//   promise      [header | state pair]                    (done? . value) shared by promises
//                                                         that delay-force chained together
//   parameter    [header | global value | converter or #f]   the data of a parameter procedure
//   error-object [header | message string | irritant list | kind fixnum]
//   continuation, stack segment: continuation_object.h (custom-traced)
//
// A thread's, mutex's or condition variable's state word points at its C++ state (low bit set,
// like a code word); a finalizer frees the state once the object is unreachable.
//
// Weak pairs, ephemerons and guardians are the runtime's own objects (mosaic/weak.h): their
// kinds are kWeakPairKind etc., and their aux bits are 0, which is no ObjType.
//
// A code word is a C++ pointer with its low bit set, so it reads as a fixnum and the collector's
// kAllValues trace ignores it: a closure's points at its ProcedureInfo, a primitive's at its
// Builtin. Pairs are the runtime's header-less cells (mosaic::PairCell).
#ifndef TOYLANG_FRONTEND_OBJECTS_OBJECTS_H_
#define TOYLANG_FRONTEND_OBJECTS_OBJECTS_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "mosaic/heap.h"
#include "mosaic/object.h"
#include "mosaic/value.h"

namespace toylang {

using mosaic::Value;

struct Builtin;  // frontend/builtins/builtins.h

enum class ObjType : uint8_t {
  kString = 1,
  kFlonum = 2,
  kSymbol = 3,
  kVector = 4,
  kBox = 5,
  kClosure = 6,
  kPrimitive = 7,
  kRecordType = 8,
  kRecord = 9,
  kHashtable = 10,
  kThread = 11,             // frontend/builtins/threads.cc has these four
  kMutex = 12,
  kConditionVariable = 13,
  kAtomicBox = 14,
  kPort = 15,               // frontend/builtins/ports.cc
  kValues = 16,             // (values a b ...): control.cc
  kBignum = 17,             // bignum.h
  kBytevector = 18,
  kPromise = 19,            // frontend/builtins/promises.cc
  kParameter = 20,          // a parameter's state (the procedure is a primitive with data)
  kErrorObject = 21,        // frontend/builtins/exceptions.cc
  kContinuation = 22,       // continuation_object.h: a continuation's data, a stack segment
};
inline constexpr int kNumObjTypes = 23;  // ObjType values are 1..kNumObjTypes-1

// Header layout and slot offsets, for inline code here and for the JIT.
namespace layout {
inline constexpr int kTypeShift = 16;
inline constexpr int kLengthShift = 24;
inline constexpr uint64_t kMaxLength = (uint64_t{1} << 40) - 1;
inline constexpr size_t kWord = 8;
// Byte offsets from the object's start.
inline constexpr size_t kFlonumValueOffset = 8;
inline constexpr size_t kVectorSlotsOffset = 8;
inline constexpr size_t kBoxValueOffset = 8;
inline constexpr size_t kClosureCodeOffset = 8;
inline constexpr size_t kClosureCapturesOffset = 16;

constexpr uint64_t Header(mosaic::KindId kind, ObjType type, uint64_t length) {
  return (length << kLengthShift) | (uint64_t{static_cast<uint8_t>(type)} << kTypeShift) | kind;
}
}  // namespace layout

// --- Type tests ------------------------------------------------------------------------------

// Requires v.IsObject().
inline ObjType TypeOf(Value v) {
  return static_cast<ObjType>((mosaic::HeaderOf(v) >> layout::kTypeShift) & 0xff);
}
inline bool HasType(Value v, ObjType type) { return v.IsObject() && TypeOf(v) == type; }
// The length field of an object's header. Requires v.IsObject().
inline uint64_t LengthOf(Value v) { return mosaic::HeaderOf(v) >> layout::kLengthShift; }

inline bool IsPair(Value v) { return v.IsPair(); }
inline bool IsString(Value v) { return HasType(v, ObjType::kString); }
inline bool IsFlonum(Value v) { return HasType(v, ObjType::kFlonum); }
inline bool IsSymbol(Value v) { return HasType(v, ObjType::kSymbol); }
inline bool IsVector(Value v) { return HasType(v, ObjType::kVector); }
inline bool IsBox(Value v) { return HasType(v, ObjType::kBox); }
inline bool IsClosure(Value v) { return HasType(v, ObjType::kClosure); }
inline bool IsPrimitive(Value v) { return HasType(v, ObjType::kPrimitive); }
inline bool IsRecordType(Value v) { return HasType(v, ObjType::kRecordType); }
inline bool IsRecord(Value v) { return HasType(v, ObjType::kRecord); }
inline bool IsHashtable(Value v) { return HasType(v, ObjType::kHashtable); }
inline bool IsThread(Value v) { return HasType(v, ObjType::kThread); }
inline bool IsMutex(Value v) { return HasType(v, ObjType::kMutex); }
inline bool IsConditionVariable(Value v) { return HasType(v, ObjType::kConditionVariable); }
inline bool IsAtomicBox(Value v) { return HasType(v, ObjType::kAtomicBox); }
inline bool IsPort(Value v) { return HasType(v, ObjType::kPort); }
inline bool IsValues(Value v) { return HasType(v, ObjType::kValues); }
inline bool IsPromise(Value v) { return HasType(v, ObjType::kPromise); }
inline bool IsErrorObject(Value v) { return HasType(v, ObjType::kErrorObject); }
inline bool IsProcedure(Value v) { return IsClosure(v) || IsPrimitive(v); }
inline bool IsNumber(Value v) {
  return v.IsFixnum() || (v.IsObject() && (TypeOf(v) == ObjType::kFlonum ||
                                           TypeOf(v) == ObjType::kBignum));
}
inline bool IsBytevector(Value v) { return HasType(v, ObjType::kBytevector); }

// --- Pairs -----------------------------------------------------------------------------------

inline Value Cons(Value car, Value cdr) { return mosaic::AllocatePair(car, cdr); }
// These require IsPair(p).
inline mosaic::PairCell* PairOf(Value p) {
  return static_cast<mosaic::PairCell*>(p.ObjectAddress());
}
inline Value Car(Value p) { return PairOf(p)->car; }
inline Value Cdr(Value p) { return PairOf(p)->cdr; }
// Stores into existing objects go through the write barrier (mosaic::WriteField): with
// generations, an old object's reference to a young one must be recorded.
inline void SetCar(Value p, Value v) { mosaic::WriteField(&PairOf(p)->car, v); }
inline void SetCdr(Value p, Value v) { mosaic::WriteField(&PairOf(p)->cdr, v); }

// --- Strings (mutable byte strings; see objects.md for why bytes) ---------------------------

Value MakeString(std::string_view bytes);
Value MakeString(size_t length, char fill);
// These require IsString(s). The bytes stay valid (the heap never moves) while s is reachable.
inline size_t StringLength(Value s) { return LengthOf(s); }
inline char* StringData(Value s) { return reinterpret_cast<char*>(s.ObjectWords() + 1); }
inline std::string_view StringView(Value s) { return {StringData(s), StringLength(s)}; }

// --- Flonums ---------------------------------------------------------------------------------

Value MakeFlonum(double d);
inline double FlonumValue(Value f) {  // requires IsFlonum(f)
  double d;
  std::memcpy(&d, f.ObjectWords() + 1, sizeof d);
  return d;
}

// --- Bytevectors ----------------------------------------------------------------------------

// A bytevector of `length` bytes, each `fill`.
Value MakeBytevector(size_t length, uint8_t fill);
// These require IsBytevector(b). The bytes stay valid while b is reachable.
inline size_t BytevectorLength(Value b) { return LengthOf(b); }
inline uint8_t* BytevectorData(Value b) { return reinterpret_cast<uint8_t*>(b.ObjectWords() + 1); }

// --- Symbols and global variables ------------------------------------------------------------

// The one symbol with this name; symbols live as long as the Runtime (the table is a root).
Value Intern(std::string_view name);
// A fresh symbol that is not in the table (for the expander's temporaries); prints as its name.
Value MakeUninternedSymbol(std::string_view name);
inline Value SymbolName(Value sym) { return Value::FromBits(sym.ObjectWords()[1]); }  // a string
inline std::string_view SymbolView(Value sym) { return StringView(SymbolName(sym)); }

// The global variable named by `symbol`: a box created on first use and holding
// Value::Undefined() until the program defines it. Code looks globals up through the box, so a
// redefinition is seen by code compiled before it. BoxName(box) is the symbol.
Value GlobalBox(Value symbol);

// --- Boxes (assignment-converted variables and globals) --------------------------------------

Value MakeBox(Value initial);
// A box may be shared between threads (every global is one; so is a captured variable that is
// assigned), so its value word is read with an acquire load and written with a release store: a
// thread that reads a value another thread stored also sees the object it refers to as it was
// built. On x86 both are plain moves (docs/design/threads.md, "Globals never tear").
inline Value BoxRef(Value box) {
  return Value::FromBits(__atomic_load_n(box.ObjectWords() + 1, __ATOMIC_ACQUIRE));
}
inline void BoxSet(Value box, Value v) {
  uint64_t* field = box.ObjectWords() + 1;
  __atomic_store_n(field, v.bits(), __ATOMIC_RELEASE);
  mosaic::internal::RecordWrite(field);
}
inline Value BoxName(Value box) { return Value::FromBits(box.ObjectWords()[2]); }  // symbol or #f

// --- Vectors ---------------------------------------------------------------------------------

Value MakeVector(size_t length, Value fill);
inline size_t VectorLength(Value v) { return LengthOf(v); }
inline Value* VectorData(Value v) { return reinterpret_cast<Value*>(v.ObjectWords() + 1); }
inline Value VectorRef(Value v, size_t i) { return VectorData(v)[i]; }  // no bounds check
inline void VectorSet(Value v, size_t i, Value x) { mosaic::WriteField(&VectorData(v)[i], x); }

// --- Procedures ------------------------------------------------------------------------------

// What every closure's code word points at. Engines derive from it (the interpreter: its IR
// lambda; the JIT: its compiled-function descriptor) and own the objects: a ProcedureInfo must
// outlive every closure that points at it (in practice, the engine). Not a heap object: it
// holds no Values.
struct ProcedureInfo {
  std::string name;   // "" for an anonymous lambda
  int min_args = 0;   // required parameters
  int max_args = 0;   // -1: a rest parameter takes the others
};

// A closure with `num_captures` capture slots, each Value::Unspecified() until set.
Value MakeClosure(const ProcedureInfo* info, size_t num_captures);
inline uint64_t CodeWord(const void* p) { return reinterpret_cast<uint64_t>(p) | 1; }
inline const ProcedureInfo* ClosureInfo(Value c) {
  return reinterpret_cast<const ProcedureInfo*>(c.ObjectWords()[1] & ~uint64_t{1});
}
inline size_t ClosureCaptureCount(Value c) { return LengthOf(c); }
inline Value ClosureCapture(Value c, size_t i) { return Value::FromBits(c.ObjectWords()[2 + i]); }
inline void SetClosureCapture(Value c, size_t i, Value v) {
  mosaic::WriteField(reinterpret_cast<Value*>(c.ObjectWords() + 2 + i), v);
}

// A procedure object called `name` whose code word is `builtin`, which must outlive the heap
// (AllBuiltins() is static). The object model only keeps the pointer: what a Builtin is, and
// how one is called, is frontend/builtins' business.
Value MakePrimitive(const Builtin* builtin, std::string_view name);
inline const Builtin* PrimitiveBuiltin(Value p) {
  return reinterpret_cast<const Builtin*>(p.ObjectWords()[1] & ~uint64_t{1});
}
// A symbol, or a code word naming a static string (ProcedureName reads both).
inline Value PrimitiveName(Value p) { return Value::FromBits(p.ObjectWords()[2]); }
// A primitive that carries one value for its built-in (a guardian procedure carries its
// guardian): the built-in finds it through CallContext::callee(). PrimitiveData requires that
// the primitive was made here.
Value MakePrimitiveWithData(const Builtin* builtin, std::string_view name, Value data);
// The same with a name in static storage (a string literal), not interned: continuations make
// one per call/cc. A name of another lifetime goes through MakePrimitiveWithData.
Value MakePrimitiveWithStaticName(const Builtin* builtin, const char* static_name, Value data);
inline bool PrimitiveHasData(Value p) { return LengthOf(p) == 1; }
inline Value PrimitiveData(Value p) { return Value::FromBits(p.ObjectWords()[3]); }

// The procedure's name for messages and printing ("" when anonymous).
std::string_view ProcedureName(Value procedure);

// --- Records (define-record-type) ------------------------------------------------------------

// `name` is a symbol, `field_names` a proper list of symbols.
Value MakeRecordType(Value name, Value field_names);
inline Value RecordTypeName(Value rtd) { return Value::FromBits(rtd.ObjectWords()[1]); }
inline Value RecordTypeFields(Value rtd) { return Value::FromBits(rtd.ObjectWords()[2]); }
inline size_t RecordTypeFieldCount(Value rtd) {
  return static_cast<size_t>(Value::FromBits(rtd.ObjectWords()[3]).FixnumValue());
}
// A record of type `rtd` with every field #f.
Value MakeRecord(Value rtd);
inline Value RecordTypeOf(Value r) { return Value::FromBits(r.ObjectWords()[1]); }
inline size_t RecordFieldCount(Value r) { return LengthOf(r); }
inline Value RecordRef(Value r, size_t i) { return Value::FromBits(r.ObjectWords()[2 + i]); }
inline void RecordSet(Value r, size_t i, Value v) {
  mosaic::WriteField(reinterpret_cast<Value*>(r.ObjectWords() + 2 + i), v);
}

// --- Hash tables (frontend/builtins/hashtables.cc has the operations) ------------------------

// Which equivalence a table uses; the flavor is the header's length field and never changes.
enum class HashtableFlavor : uint8_t {
  kEq = 0,         // eq?, hashed by address (objects never move)
  kEqv = 1,        // eqv?: flonums by their bits, bignums by value, everything else as kEq
  kGeneric = 2,    // the program's hash and equivalence procedures
  kWeakEq = 3,     // eq?, entries are weak pairs (key weak, value strong)
  kEphemeronEq = 4,  // eq?, entries are ephemerons (value kept only through the key)
};
// A table of `capacity` buckets (a power of two); `hash` and `equiv` are #f unless kGeneric.
Value MakeHashtable(HashtableFlavor flavor, size_t capacity, Value hash, Value equiv);
inline HashtableFlavor HashtableFlavorOf(Value t) {
  return static_cast<HashtableFlavor>(LengthOf(t));
}
inline Value HashtableBuckets(Value t) { return Value::FromBits(t.ObjectWords()[1]); }
inline Value HashtableCount(Value t) { return Value::FromBits(t.ObjectWords()[2]); }
inline Value HashtableHashProc(Value t) { return Value::FromBits(t.ObjectWords()[3]); }
inline Value HashtableEquivProc(Value t) { return Value::FromBits(t.ObjectWords()[4]); }
inline void SetHashtableBuckets(Value t, Value buckets) {
  mosaic::WriteField(reinterpret_cast<Value*>(t.ObjectWords() + 1), buckets);
}
inline void SetHashtableCount(Value t, int64_t n) {
  mosaic::WriteField(reinterpret_cast<Value*>(t.ObjectWords() + 2), Value::Fixnum(n));
}
// Weak tables: Runtime::collections_seen() when the table last swept out cleared entries.
inline Value HashtableSweepMark(Value t) { return Value::FromBits(t.ObjectWords()[5]); }
inline void SetHashtableSweepMark(Value t, uint64_t collections) {
  mosaic::WriteField(reinterpret_cast<Value*>(t.ObjectWords() + 5),
                     Value::Fixnum(static_cast<int64_t>(collections & Value::kFixnumMax)));
}
// The table's lock (hashtables.cc, TableLock): a fixnum, 0 when free, else the holder's thread
// number and how many times it holds the lock. Read and written only atomically, by mutators
// outside native regions; a fixnum, so the collector's trace ignores it.
inline uint64_t* HashtableLockWord(Value t) { return t.ObjectWords() + 6; }

// --- Lists (helpers for C++ code) ------------------------------------------------------------

// The number of pairs in a proper list; -1 when `list` is improper or cyclic.
int64_t ListLength(Value list);
// A short name for a value's type, for messages: "pair", "string", "procedure", ...
const char* TypeName(Value v);

}  // namespace toylang

#endif  // TOYLANG_FRONTEND_OBJECTS_OBJECTS_H_
