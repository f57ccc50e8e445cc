// The system: exit, the clocks of (scheme time), the collector's (collect) and (gc-stats), and the record primitives that the
// expander turns define-record-type into.
//
// Deviations from R7RS (for docs/toylang.md):
// - (exit) and (exit #t) exit with status 0, (exit #f) with 1, (exit n) with n for an exact
//   integer 0..255; any other argument is an error. Pending dynamic-wind "after" thunks run as
//   the exit unwinds, as R7RS requires.
// - (collect) runs a full collection now, (collect 'minor) a minor one (a major one without
//   generations), (collect 'major) a major one; (gc-stats) returns an association list of collector
//   statistics: collections, live-bytes, bytes-allocated, objects-allocated, committed-bytes,
//   peak-committed-bytes, total-pause-ns, max-pause-ns, last-pause-ns, finalizers-run,
//   conservative-words-accepted, precise-roots-visited, jit-frames-visited (all exact integers).
// - (current-second) is the POSIX time as a flonum (it ignores leap seconds, as R7RS allows);
//   (current-jiffy) counts microseconds of a monotonic clock from an arbitrary origin (an exact
//   integer); (jiffies-per-second) is 1000000.
// - Records print as #<name> (angle brackets of a <name> stripped) and are equal? only when eqv?.
#include <time.h>

#include <cstdint>
#include <string_view>
#include <utility>

#include "frontend/builtins/builtins_internal.h"
#include "frontend/common/error.h"
#include "mosaic/heap.h"

namespace toylang::builtins_internal {
namespace {

using V = Value;

V Exit(CallContext&, const V* args, int argc) {
  int code = 0;
  if (argc > 0) {
    V v = args[0];
    if (v.IsTrue()) {
      code = 0;
    } else if (v.IsFalse()) {
      code = 1;
    } else if (v.IsFixnum() && v.FixnumValue() >= 0 && v.FixnumValue() <= 255) {
      code = static_cast<int>(v.FixnumValue());
    } else {
      TypeError("exit", "boolean or an exit status 0..255", v);
    }
  }
  throw ExitRequest{code};
}

V CollectFn(CallContext&, const V* args, int argc) {
  if (argc == 0) {
    mosaic::Collect();
    return V::Unspecified();
  }
  std::string_view kind = SymbolView(CheckSymbol("collect", args[0]));
  if (kind != "minor" && kind != "major") {
    TypeError("collect", "symbol 'minor or 'major", args[0]);
  }
  // Minor is major anyway without generations (generational=off).
  mosaic::CurrentHeap()->Collect(kind == "minor" ? mosaic::CollectionKind::kMinor
                                                 : mosaic::CollectionKind::kMajor);
  return V::Unspecified();
}

V GcStatsFn(CallContext&, const V*, int) {
  mosaic::GcStats s = mosaic::CurrentHeap()->Stats();
  const std::pair<const char*, uint64_t> fields[] = {
      {"collections", s.collections},
      {"live-bytes", s.live_bytes},
      {"bytes-allocated", s.bytes_allocated},
      {"objects-allocated", s.objects_allocated},
      {"committed-bytes", s.committed_bytes},
      {"peak-committed-bytes", s.peak_committed_bytes},
      {"total-pause-ns", s.total_pause_ns},
      {"max-pause-ns", s.max_pause_ns},
      {"last-pause-ns", s.last_pause_ns},
      {"finalizers-run", s.finalizers_run},
      {"conservative-words-accepted", s.conservative_words_accepted},
      {"precise-roots-visited", s.precise_roots_visited},
      {"jit-frames-visited", s.jit_frames_visited},
  };
  V list = V::Nil();
  for (size_t i = sizeof fields / sizeof fields[0]; i-- > 0;) {
    uint64_t n = fields[i].second;
    V number = n <= static_cast<uint64_t>(Value::kFixnumMax)
                   ? V::Fixnum(static_cast<int64_t>(n))
                   : MakeFlonum(static_cast<double>(n));
    V key = Intern(fields[i].first);
    V entry = Cons(key, number);
    list = Cons(entry, list);
  }
  return list;
}

// --- Records ---------------------------------------------------------------------------------

std::string_view TypeNameOf(V rtd) {
  std::string_view name = SymbolView(RecordTypeName(rtd));
  if (name.size() >= 3 && name.front() == '<' && name.back() == '>') {
    name = name.substr(1, name.size() - 2);
  }
  return name;
}

V CheckRecordType(const char* who, V v) {
  if (!IsRecordType(v)) TypeError(who, "record type", v);
  return v;
}

V MakeRecordTypeFn(CallContext&, const V* args, int) {
  CheckSymbol("%make-record-type", args[0]);
  CheckList("%make-record-type", args[1]);
  for (V l = args[1]; l.IsPair(); l = Cdr(l)) CheckSymbol("%make-record-type", Car(l));
  return MakeRecordType(args[0], args[1]);
}

V RecordMake(CallContext&, const V* args, int argc) {
  V rtd = CheckRecordType("%record-make", args[0]);
  size_t n = RecordTypeFieldCount(rtd);
  if (static_cast<size_t>(argc - 1) > n) {
    Fail(Cat(TypeNameOf(rtd), ": expected at most ", n, " field values, got ",
                      argc - 1));
  }
  V r = MakeRecord(rtd);  // fields not given stay #f
  for (int i = 1; i < argc; ++i) RecordSet(r, static_cast<size_t>(i - 1), args[i]);
  return r;
}

V RecordP(CallContext&, const V* args, int) {
  CheckRecordType("%record?", args[1]);
  return V::Bool(IsRecord(args[0]) && RecordTypeOf(args[0]) == args[1]);
}

// Checks obj is a record of type rtd and index is a field; `who` (a symbol) names the accessor
// or modifier in the error: "point-x: expected a point, got 42".
size_t CheckField(const V* args, V who) {
  V obj = args[0], rtd = CheckRecordType("%record-ref", args[1]);
  std::string_view name = IsSymbol(who) ? SymbolView(who) : std::string_view("%record-ref");
  if (!IsRecord(obj) || RecordTypeOf(obj) != rtd) TypeError(name, TypeNameOf(rtd), obj);
  return CheckIndex("%record-ref", args[2], "record", RecordFieldCount(obj));
}

V RecordRefFn(CallContext&, const V* args, int argc) {
  size_t i = CheckField(args, argc > 3 ? args[3] : V::False());
  return RecordRef(args[0], i);
}

V RecordSetFn(CallContext&, const V* args, int argc) {
  size_t i = CheckField(args, argc > 4 ? args[4] : V::False());
  RecordSet(args[0], i, args[3]);
  return V::Unspecified();
}

constexpr int64_t kJiffiesPerSecond = 1000000;

V CurrentSecond(CallContext&, const V*, int) {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return MakeFlonum(static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9);
}

V CurrentJiffy(CallContext&, const V*, int) {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return V::Fixnum(static_cast<int64_t>(ts.tv_sec) * kJiffiesPerSecond + ts.tv_nsec / 1000);
}

V JiffiesPerSecond(CallContext&, const V*, int) { return V::Fixnum(kJiffiesPerSecond); }

constexpr Builtin kBuiltins[] = {
    {"current-second", 0, 0, CurrentSecond},
    {"current-jiffy", 0, 0, CurrentJiffy},
    {"jiffies-per-second", 0, 0, JiffiesPerSecond},
    {"exit", 0, 1, Exit},
    {"collect", 0, 1, CollectFn},
    {"gc-stats", 0, 0, GcStatsFn},
    {"%make-record-type", 2, 2, MakeRecordTypeFn},
    {"%record-make", 1, -1, RecordMake},
    {"%record?", 2, 2, RecordP},
    {"%record-ref", 3, 4, RecordRefFn},
    {"%record-set!", 4, 5, RecordSetFn},
};

}  // namespace

absl::Span<const Builtin> SystemBuiltins() { return kBuiltins; }

}  // namespace toylang::builtins_internal
