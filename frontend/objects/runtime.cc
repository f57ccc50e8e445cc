#include "frontend/objects/runtime.h"

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "frontend/common/error.h"
#include "frontend/objects/continuation_object.h"

namespace toylang {
namespace {

// The thread's current runtime. A thread can be registered with only one heap at a time, and a
// Runtime is bound to its heap, so one slot per thread is enough; nesting is still restored.
thread_local Runtime* tls_runtime = nullptr;

struct KindSpec {
  ObjType type;
  const char* name;
  mosaic::TracePolicy policy;
  mosaic::TraceCallback trace = nullptr;
};

constexpr KindSpec kKindSpecs[] = {
    {ObjType::kString, "toylang.string", mosaic::TracePolicy::kNoReferences},
    {ObjType::kFlonum, "toylang.flonum", mosaic::TracePolicy::kNoReferences},
    {ObjType::kSymbol, "toylang.symbol", mosaic::TracePolicy::kAllValues},
    {ObjType::kVector, "toylang.vector", mosaic::TracePolicy::kAllValues},
    {ObjType::kBox, "toylang.box", mosaic::TracePolicy::kAllValues},
    {ObjType::kClosure, "toylang.closure", mosaic::TracePolicy::kAllValues},
    {ObjType::kPrimitive, "toylang.primitive", mosaic::TracePolicy::kAllValues},
    {ObjType::kRecordType, "toylang.record-type", mosaic::TracePolicy::kAllValues},
    {ObjType::kRecord, "toylang.record", mosaic::TracePolicy::kAllValues},
    {ObjType::kHashtable, "toylang.hashtable", mosaic::TracePolicy::kAllValues},
    {ObjType::kThread, "toylang.thread", mosaic::TracePolicy::kAllValues},
    {ObjType::kMutex, "toylang.mutex", mosaic::TracePolicy::kAllValues},
    {ObjType::kConditionVariable, "toylang.condition-variable", mosaic::TracePolicy::kAllValues},
    {ObjType::kAtomicBox, "toylang.atomic-box", mosaic::TracePolicy::kAllValues},
    {ObjType::kPort, "toylang.port", mosaic::TracePolicy::kAllValues},
    {ObjType::kValues, "toylang.values", mosaic::TracePolicy::kAllValues},
    {ObjType::kBignum, "toylang.bignum", mosaic::TracePolicy::kNoReferences},
    {ObjType::kBytevector, "toylang.bytevector", mosaic::TracePolicy::kNoReferences},
    {ObjType::kContinuation, "toylang.continuation", mosaic::TracePolicy::kCustom,
     TraceContinuationObject},
    {ObjType::kPromise, "toylang.promise", mosaic::TracePolicy::kAllValues},
    {ObjType::kParameter, "toylang.parameter", mosaic::TracePolicy::kAllValues},
    {ObjType::kErrorObject, "toylang.error-object", mosaic::TracePolicy::kAllValues},
};

constexpr size_t kInitialSymbolSlots = 1024;  // a power of two

// FNV-1a: symbol names are short, and the table only needs a decent spread. Cut to 62 bits so
// that it fits a fixnum in the symbol unchanged (lookups and rehashing use the same number).
uint64_t HashName(std::string_view name) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : name) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h >> 2;
}

// The symbol layout is [header | name | global box | hash]; see objects.h.
Value NewSymbol(Runtime& rt, Value name, uint64_t hash) {
  auto* words = static_cast<uint64_t*>(rt.AllocateObject(ObjType::kSymbol, 3, 0));
  words[1] = name.bits();
  words[2] = Value::False().bits();
  words[3] = Value::Fixnum(static_cast<int64_t>(hash)).bits();
  return Value::Object(words);
}

uint64_t SymbolHash(Value sym) {
  return static_cast<uint64_t>(Value::FromBits(sym.ObjectWords()[3]).FixnumValue());
}

}  // namespace

absl::StatusOr<std::unique_ptr<Runtime>> Runtime::Create(mosaic::Heap& heap) {
  if (mosaic::CurrentHeap() != &heap) {
    return absl::FailedPreconditionError(
        "toylang::Runtime::Create: the calling thread is not registered with this heap");
  }
  std::unique_ptr<Runtime> rt(new Runtime(heap));
  for (const KindSpec& spec : kKindSpecs) {
    // A heap that had a Runtime before keeps its kinds: reuse them rather than register twice.
    mosaic::KindId found = 0;
    for (int id = mosaic::kFirstEmbedderKind; id <= 0xffff; ++id) {
      const mosaic::KindDescriptor* kind = heap.FindKind(static_cast<mosaic::KindId>(id));
      if (kind == nullptr) break;
      if (kind->name == spec.name && kind->policy == spec.policy) {
        found = static_cast<mosaic::KindId>(id);
        break;
      }
    }
    if (found == 0) {
      absl::StatusOr<mosaic::KindId> id = heap.RegisterKind({spec.name, spec.policy, spec.trace});
      if (!id.ok()) return id.status();
      found = *id;
    }
    rt->kinds_[static_cast<int>(spec.type)] = found;
  }
  rt->previous_ = tls_runtime;
  tls_runtime = rt.get();
  heap.AddGlobalRoot(&rt->symbols_);
  heap.AddGlobalRoot(&rt->builtin_roots_);
  rt->root_added_ = true;
  Value table = MakeVector(kInitialSymbolSlots, Value::False());
  rt->symbols_ = table;
  Value roots = MakeVector(kBuiltinRoots, Value::False());
  rt->builtin_roots_ = roots;
  return rt;
}

Runtime::Runtime(mosaic::Heap& heap)
    : heap_(heap), symbols_(Value::False()), builtin_roots_(Value::False()) {
  // Listeners run after each collection, outside the pause, on whichever thread collected.
  listener_id_ = heap_.AddEventListener([seen = collections_seen_](const mosaic::GcEvent&) {
    seen->fetch_add(1, std::memory_order_relaxed);
  });
}

Runtime::~Runtime() {
  heap_.RemoveEventListener(listener_id_);
  if (root_added_) {
    heap_.RemoveGlobalRoot(&symbols_);
    heap_.RemoveGlobalRoot(&builtin_roots_);
  }
  if (tls_runtime == this) tls_runtime = previous_;
}

Runtime* Runtime::Current() { return tls_runtime; }

Runtime::ThreadScope::ThreadScope(Runtime& runtime) : previous_(tls_runtime) {
  tls_runtime = &runtime;
}

Runtime::ThreadScope::~ThreadScope() { tls_runtime = previous_; }

Runtime& Runtime::Get() {
  if (tls_runtime == nullptr) {
    std::fprintf(stderr,
                 "toylang: no toylang::Runtime on this thread (create one with "
                 "Runtime::Create on the engine's thread before allocating objects)\n");
    std::abort();
  }
  return *tls_runtime;
}

void* Runtime::AllocateObject(ObjType type, size_t slots, uint64_t length) {
  if (length > layout::kMaxLength || slots > (size_t{1} << 40)) {
    throw Error(absl::StrCat("out of memory: an object of ", length, " elements is too large"));
  }
  size_t bytes = 8 * (1 + slots);
  uint64_t aux = (length << (layout::kLengthShift - mosaic::ObjectHeader::kAuxShift)) |
                 static_cast<uint8_t>(type);
  void* p;
  if (bytes <= mosaic::kMaxSmallObjectBytes) {
    p = mosaic::Allocate(kind(type), bytes, aux);
  } else {
    // A large request is usually a program's (make-vector 100000000000): answer it with a
    // toylang error rather than the heap's out-of-memory handler.
    p = mosaic::TryAllocate(kind(type), bytes, aux);
    if (p == nullptr) {
      throw Error(absl::StrCat("out of memory: cannot allocate ", bytes, " bytes"));
    }
  }
  return p;
}

Value Runtime::Intern(std::string_view name) {
  HeapMutexLock lock(table_mu_);
  uint64_t hash = HashName(name);
  for (;;) {
    Value table = symbols_;
    size_t mask = VectorLength(table) - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Value sym = VectorRef(table, i);
      if (sym.IsFalse()) break;
      if (SymbolHash(sym) == hash && SymbolView(sym) == name) return sym;
    }
    if (2 * (symbol_count_ + 1) <= VectorLength(table)) break;
    GrowSymbolTable();
  }
  // Not found and there is room. `name` may point into a heap string: the heap does not move,
  // and the caller keeps that string alive, so it stays valid across these allocations.
  Value name_string = MakeString(name);
  Value sym = NewSymbol(*this, name_string, hash);
  Value table = symbols_;
  size_t mask = VectorLength(table) - 1;
  size_t i = hash & mask;
  while (!VectorRef(table, i).IsFalse()) i = (i + 1) & mask;
  VectorSet(table, i, sym);
  ++symbol_count_;
  return sym;
}

void Runtime::GrowSymbolTable() {
  Value old_table = symbols_;
  size_t old_size = VectorLength(old_table);
  Value table = MakeVector(old_size * 2, Value::False());
  size_t mask = old_size * 2 - 1;
  for (size_t j = 0; j < old_size; ++j) {
    Value sym = VectorRef(old_table, j);
    if (sym.IsFalse()) continue;
    size_t i = SymbolHash(sym) & mask;
    while (!VectorRef(table, i).IsFalse()) i = (i + 1) & mask;
    VectorSet(table, i, sym);
  }
  symbols_ = table;
}

}  // namespace toylang
