// Constructors and out-of-line helpers of the object model (layouts in objects.h).
#include "frontend/objects/objects.h"

#include <cstring>

#include "frontend/objects/runtime.h"

namespace toylang {
namespace {

uint64_t* NewObject(ObjType type, size_t slots, uint64_t length) {
  return static_cast<uint64_t*>(Runtime::Get().AllocateObject(type, slots, length));
}

// Fills `n` value slots starting at words[first] with `v` (allocation left them 0).
void FillSlots(uint64_t* words, size_t first, size_t n, Value v) {
  for (size_t i = 0; i < n; ++i) words[first + i] = v.bits();
}

}  // namespace

Value MakeString(std::string_view bytes) {
  // One extra byte for a NUL, so StringData() can be handed to C functions such as strtod.
  size_t slots = (bytes.size() + 1 + 7) / 8;
  uint64_t* words = NewObject(ObjType::kString, slots, bytes.size());
  char* data = reinterpret_cast<char*>(words + 1);
  if (!bytes.empty()) std::memcpy(data, bytes.data(), bytes.size());
  data[bytes.size()] = '\0';  // cells come zeroed; do not depend on it for C strings
  return Value::Object(words);
}

Value MakeString(size_t length, char fill) {
  size_t slots = (length + 1 + 7) / 8;
  uint64_t* words = NewObject(ObjType::kString, slots, length);
  char* data = reinterpret_cast<char*>(words + 1);
  std::memset(data, fill, length);
  data[length] = '\0';
  return Value::Object(words);
}

Value MakeFlonum(double d) {
  uint64_t* words = NewObject(ObjType::kFlonum, 1, 0);
  std::memcpy(words + 1, &d, sizeof d);
  return Value::Object(words);
}

Value MakeBytevector(size_t length, uint8_t fill) {
  uint64_t* words = NewObject(ObjType::kBytevector, (length + 7) / 8, length);
  std::memset(words + 1, fill, length);
  return Value::Object(words);
}

Value Intern(std::string_view name) { return Runtime::Get().Intern(name); }

Value MakeUninternedSymbol(std::string_view name) {
  Value name_string = MakeString(name);
  uint64_t* words = NewObject(ObjType::kSymbol, 3, 0);
  words[1] = name_string.bits();
  words[2] = Value::False().bits();
  words[3] = Value::Fixnum(0).bits();
  return Value::Object(words);
}

Value GlobalBox(Value symbol) {
  // Read without the lock (acquire: a box another thread published is seen initialised).
  uint64_t* slot = symbol.ObjectWords() + 2;
  Value box = Value::FromBits(__atomic_load_n(slot, __ATOMIC_ACQUIRE));
  if (!box.IsFalse()) return box;
  // Made once under the runtime's lock: two threads that both made a box would each write
  // their own, and one thread's definition would be lost.
  HeapMutexLock lock(Runtime::Get().table_mutex());
  box = Value::FromBits(__atomic_load_n(slot, __ATOMIC_RELAXED));
  if (box.IsFalse()) {
    box = MakeBox(Value::Undefined());
    box.ObjectWords()[2] = symbol.bits();  // the box is young: no barrier
    // The symbol may have survived the collection MakeBox may have run: the barrier.
    __atomic_store_n(slot, box.bits(), __ATOMIC_RELEASE);
    mosaic::internal::RecordWrite(slot);
  }
  return box;
}

Value MakeBox(Value initial) {
  uint64_t* words = NewObject(ObjType::kBox, 2, 0);
  words[1] = initial.bits();
  words[2] = Value::False().bits();
  return Value::Object(words);
}

Value MakeVector(size_t length, Value fill) {
  uint64_t* words = NewObject(ObjType::kVector, length, length);
  FillSlots(words, 1, length, fill);
  return Value::Object(words);
}

Value MakeClosure(const ProcedureInfo* info, size_t num_captures) {
  uint64_t* words = NewObject(ObjType::kClosure, 1 + num_captures, num_captures);
  words[1] = CodeWord(info);
  FillSlots(words, 2, num_captures, Value::Unspecified());
  return Value::Object(words);
}

Value MakePrimitive(const Builtin* builtin, std::string_view name) {
  Value symbol = Intern(name);
  uint64_t* words = NewObject(ObjType::kPrimitive, 2, 0);
  words[1] = CodeWord(builtin);
  words[2] = symbol.bits();
  return Value::Object(words);
}

namespace {
Value NewPrimitiveWithData(const Builtin* builtin, uint64_t name_word, Value data) {
  uint64_t* words = NewObject(ObjType::kPrimitive, 3, 1);
  words[1] = CodeWord(builtin);
  words[2] = name_word;
  words[3] = data.bits();
  return Value::Object(words);
}
}  // namespace

Value MakePrimitiveWithData(const Builtin* builtin, std::string_view name, Value data) {
  Value symbol = Intern(name);
  return NewPrimitiveWithData(builtin, symbol.bits(), data);
}

Value MakePrimitiveWithStaticName(const Builtin* builtin, const char* static_name, Value data) {
  return NewPrimitiveWithData(builtin, CodeWord(static_name), data);
}

Value MakeHashtable(HashtableFlavor flavor, size_t capacity, Value hash, Value equiv) {
  Value buckets = MakeVector(capacity, Value::Nil());
  uint64_t* words = NewObject(ObjType::kHashtable, 6, static_cast<uint64_t>(flavor));
  // A young object, and nothing allocates before it is returned: plain stores.
  words[1] = buckets.bits();
  words[2] = Value::Fixnum(0).bits();
  words[3] = hash.bits();
  words[4] = equiv.bits();
  words[5] = Value::Fixnum(0).bits();
  words[6] = Value::Fixnum(0).bits();  // the lock, free
  return Value::Object(words);
}

std::string_view ProcedureName(Value procedure) {
  if (IsClosure(procedure)) {
    const ProcedureInfo* info = ClosureInfo(procedure);
    return info != nullptr ? std::string_view(info->name) : std::string_view();
  }
  if (IsPrimitive(procedure)) {
    const uint64_t name = procedure.ObjectWords()[2];
    if ((name & 1) != 0) return reinterpret_cast<const char*>(name & ~uint64_t{1});
    return SymbolView(Value::FromBits(name));
  }
  return {};
}

Value MakeRecordType(Value name, Value field_names) {
  int64_t n = ListLength(field_names);
  uint64_t* words = NewObject(ObjType::kRecordType, 3, 0);
  words[1] = name.bits();
  words[2] = field_names.bits();
  words[3] = Value::Fixnum(n < 0 ? 0 : n).bits();
  return Value::Object(words);
}

Value MakeRecord(Value rtd) {
  size_t n = RecordTypeFieldCount(rtd);
  uint64_t* words = NewObject(ObjType::kRecord, 1 + n, n);
  words[1] = rtd.bits();
  FillSlots(words, 2, n, Value::False());
  return Value::Object(words);
}

int64_t ListLength(Value list) {
  // Floyd: the slow pointer moves one pair for every two of the fast one, so a cycle is caught.
  int64_t n = 0;
  Value slow = list;
  while (list.IsPair()) {
    list = Cdr(list);
    ++n;
    if (!list.IsPair()) break;
    list = Cdr(list);
    ++n;
    slow = Cdr(slow);
    if (list == slow) return -1;
  }
  return list.IsNil() ? n : -1;
}

const char* TypeName(Value v) {
  if (v.IsFixnum()) return "integer";
  if (v.IsPair()) return "pair";
  if (v.IsImmediate()) {
    if (v.IsNil()) return "empty list";
    if (v.IsBool()) return "boolean";
    if (v.IsChar()) return "character";
    return "special value";
  }
  if (!v.IsObject()) return "foreign word";
  switch (TypeOf(v)) {
    case ObjType::kString: return "string";
    case ObjType::kFlonum: return "real";
    case ObjType::kSymbol: return "symbol";
    case ObjType::kVector: return "vector";
    case ObjType::kBox: return "box";
    case ObjType::kClosure:
    case ObjType::kPrimitive: return "procedure";
    case ObjType::kRecordType: return "record type";
    case ObjType::kRecord: return "record";
    case ObjType::kHashtable: return "hashtable";
    case ObjType::kThread: return "thread";
    case ObjType::kMutex: return "mutex";
    case ObjType::kConditionVariable: return "condition variable";
    case ObjType::kAtomicBox: return "atomic box";
    case ObjType::kPort: return "port";
    case ObjType::kBignum: return "integer";
    case ObjType::kBytevector: return "bytevector";
    case ObjType::kValues: return "multiple values";
    case ObjType::kPromise: return "promise";
    case ObjType::kParameter: return "parameter";
    case ObjType::kErrorObject: return "error object";
    case ObjType::kContinuation: return "continuation";
  }
  if (mosaic::KindOf(v) == mosaic::kWeakPairKind) return "weak pair";
  if (mosaic::KindOf(v) == mosaic::kEphemeronKind) return "ephemeron pair";
  if (mosaic::KindOf(v) == mosaic::kGuardianKind) return "guardian";
  return "object";
}

}  // namespace toylang
