// The costs of first-class continuations (docs/design/continuations.md, "Measured"): capture +
// escape against a plain C++ exception unwind through the same frames, re-entry per KB of
// saved stack, and the collector's time to trace captured segments, precise against
// conservative. One toylang engine per configuration; every figure is CPU time.
//
//   bench_continuations [--benchmark_repetitions=5 --benchmark_enable_random_interleaving=true]
//
// Each benchmark iteration is one Eval of a loop of `kReps` operations; the same loop with the
// operation replaced by a plain call and return through the same frames (the baseline) is
// measured in the same binary, and the report subtracts it (bench/continuations/report.py, or
// by hand: the counters give per-operation times).
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "frontend/builtins/builtins.h"
#include "frontend/builtins/continuations.h"
#include "frontend/common/error.h"
#include "frontend/interp/interp_engine.h"
#include "frontend/objects/objects.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"
#include "mosaic/stats.h"

namespace toylang {
namespace {

constexpr int kReps = 2000;

// (bench-catch thunk): calls thunk, returns #f if it raised a toylang error (a plain C++
// exception unwind through its frames, caught here).
Value BenchCatch(CallContext& ctx, const Value* args, int) {
  try {
    return ctx.Apply(args[0], nullptr, 0);
  } catch (const Error&) {
    return Value::False();
  }
}
constexpr Builtin kBenchCatch = {"bench-catch", 1, 1, BenchCatch};

// (bench-segment-bytes k): the size of k's saved stack (every piece of its chain), or 0.
Value BenchSegmentBytes(CallContext&, const Value* args, int) {
  int64_t bytes = 0;
  for (Value s = ContinuationSegmentForTesting(args[0]); IsSegment(s); s = SegmentParent(s)) {
    const StackSegment seg = SegmentOf(s);
    bytes += static_cast<int64_t>(seg.hi - seg.lo);
  }
  return Value::Fixnum(bytes);
}
constexpr Builtin kBenchSegmentBytes = {"bench-segment-bytes", 1, 1, BenchSegmentBytes};

constexpr const char* kProgram = R"(
(define (deep n k) (if (= n 0) (k 0) (+ 1 (deep (- n 1) k))))
(define (identity v) v)
(define (fail v) (error "bench: unwind"))
; escape: capture, go d frames down, escape back out
(define (escape-loop reps d)
  (let loop ((i 0)) (if (< i reps) (begin (call/cc (lambda (k) (deep d k))) (loop (+ i 1))))))
; the same frames, left by an error caught in C++ (a plain exception unwind)
(define (raise-loop reps d)
  (let loop ((i 0)) (if (< i reps) (begin (bench-catch (lambda () (deep d fail))) (loop (+ i 1))))))
; the same frames, left by normal returns (the baseline of both)
(define (return-loop reps d)
  (let loop ((i 0)) (if (< i reps) (begin (bench-catch (lambda () (deep d identity))) (loop (+ i 1))))))
; capture only: call/cc whose receiver returns at once, d frames above it
(define (capture-loop reps d)
  (let loop ((i 0)) (if (< i reps) (begin (deep d (lambda (v) (call/cc (lambda (k) v)))) (loop (+ i 1))))))
; re-entry of a continuation captured d frames deep, reps times
(define saved #f)
(define (reenter-loop reps d)
  (let ((count 0))
    (deep d (lambda (v) (call/cc (lambda (k) (set! saved k) v))))
    (set! count (+ count 1))
    (if (< count reps) (saved 0))
    (bench-segment-bytes saved)))
; segments kept alive for the collector: n continuations, each d frames deep, each frame with a
; pair live across its call
(define (hold n d)
  (define (down m) (if (= m 0) (call/cc (lambda (k) k)) (let ((p (cons m m))) (let ((r (down (- m 1)))) (car p) r))))
  (let loop ((i 0) (acc '())) (if (< i n) (loop (+ i 1) (cons (down d) acc)) acc)))
(define held '())
)";

struct Config {
  bool jit;
  RootsMode roots;
};

std::unique_ptr<Engine> MakeEngine(const Config& c, std::ostream* out) {
  EngineOptions options;
  options.roots = c.roots;
  options.out = out;
  options.jit_cache = "";
  auto engine = c.jit ? jit::CreateJitEngine(options) : CreateInterpEngine(options);
  if (!engine.ok()) {
    std::fprintf(stderr, "bench_continuations: %s\n", std::string(engine.status().message()).c_str());
    std::exit(1);
  }
  BoxSet(GlobalBox(Intern("bench-catch")), MakePrimitive(&kBenchCatch, "bench-catch"));
  BoxSet(GlobalBox(Intern("bench-segment-bytes")),
         MakePrimitive(&kBenchSegmentBytes, "bench-segment-bytes"));
  auto v = (*engine)->Eval(kProgram, "bench.scm");
  if (!v.ok()) {
    std::fprintf(stderr, "bench_continuations: %s\n", std::string(v.status().message()).c_str());
    std::exit(1);
  }
  return std::move(*engine);
}

Config ConfigOf(int64_t index) {
  switch (index) {
    case 0: return {true, RootsMode::kPrecise};
    case 1: return {true, RootsMode::kConservative};
    default: return {false, RootsMode::kConservative};
  }
}
const char* ConfigName(int64_t index) {
  return index == 0 ? "jit-precise" : index == 1 ? "jit-conservative" : "interp";
}

// One Eval per iteration of `(loop kReps depth)`; per-operation time in the counter.
void RunLoop(benchmark::State& state, const char* loop) {
  std::ostringstream out;
  const Config config = ConfigOf(state.range(0));
  const int64_t depth = state.range(1);
  std::unique_ptr<Engine> engine = MakeEngine(config, &out);
  const std::string form = absl::StrCat("(", loop, " ", kReps, " ", depth, ")");
  int64_t bytes = 0;
  for (auto _ : state) {
    auto v = engine->Eval(form, "bench.scm");
    if (!v.ok()) {
      state.SkipWithError(std::string(v.status().message()).c_str());
      return;
    }
    if (v->IsFixnum()) bytes = v->FixnumValue();
  }
  state.counters["ns_per_op"] = benchmark::Counter(
      static_cast<double>(kReps) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["segment_bytes"] = static_cast<double>(bytes);
  state.SetLabel(ConfigName(state.range(0)));
}

void BM_Escape(benchmark::State& s) { RunLoop(s, "escape-loop"); }
void BM_Raise(benchmark::State& s) { RunLoop(s, "raise-loop"); }
void BM_Return(benchmark::State& s) { RunLoop(s, "return-loop"); }
void BM_Capture(benchmark::State& s) { RunLoop(s, "capture-loop"); }
void BM_Reenter(benchmark::State& s) { RunLoop(s, "reenter-loop"); }

void Depths(benchmark::internal::Benchmark* b) {
  for (int64_t config : {0, 1, 2}) {
    for (int64_t depth : {10, 100, 1000}) b->Args({config, depth});
  }
}
BENCHMARK(BM_Escape)->Apply(Depths)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Raise)->Apply(Depths)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Return)->Apply(Depths)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Capture)->Apply(Depths)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_Reenter)->Apply(Depths)->Unit(benchmark::kMillisecond);

// The collector's part: `n` continuations of depth `d` held live, full collections; the mark
// time per collection with them held minus without (the same data dropped), per KB of saved
// stack and per saved frame.
void BM_TraceSegments(benchmark::State& state) {
  std::ostringstream out;
  const Config config = ConfigOf(state.range(0));
  const int64_t depth = state.range(1);
  constexpr int kHeld = 50;
  constexpr int kCollections = 20;
  std::unique_ptr<Engine> engine = MakeEngine(config, &out);
  auto eval = [&](const std::string& source) {
    auto v = engine->Eval(source, "bench.scm");
    if (!v.ok()) state.SkipWithError(std::string(v.status().message()).c_str());
    return v.ok() ? *v : Value::False();
  };
  const std::string collect = absl::StrCat(
      "(let loop ((i 0)) (if (< i ", kCollections, ") (begin (collect) (loop (+ i 1)))))");
  double with_ns = 0, without_ns = 0, bytes = 0;
  for (auto _ : state) {
    eval(absl::StrCat("(set! held (hold ", kHeld, " ", depth, "))"));
    Value b = eval("(apply + (map bench-segment-bytes held))");
    if (b.IsFixnum()) bytes = static_cast<double>(b.FixnumValue());
    mosaic::GcStats s0 = engine->heap().Stats();
    eval(collect);
    mosaic::GcStats s1 = engine->heap().Stats();
    eval("(set! held '())");
    eval(collect);
    mosaic::GcStats s2 = engine->heap().Stats();
    with_ns += static_cast<double>(s1.total_mark_ns - s0.total_mark_ns) / kCollections;
    without_ns += static_cast<double>(s2.total_mark_ns - s1.total_mark_ns) / kCollections;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["mark_ns_with"] = with_ns / n;
  state.counters["mark_ns_without"] = without_ns / n;
  state.counters["segment_kb"] = bytes / 1024;
  state.counters["ns_per_kb"] = (with_ns - without_ns) / n / (bytes / 1024);
  state.counters["ns_per_frame"] =
      (with_ns - without_ns) / n / static_cast<double>(kHeld * depth);
  state.SetLabel(ConfigName(state.range(0)));
}
BENCHMARK(BM_TraceSegments)->Apply(Depths)->Unit(benchmark::kMillisecond)->Iterations(10);

}  // namespace
}  // namespace toylang

BENCHMARK_MAIN();
