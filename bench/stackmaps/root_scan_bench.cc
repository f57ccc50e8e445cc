// Root-scan time per JIT frame, precise versus conservative, for stacks of JIT frames 10, 100
// and 10,000 deep. A JIT function recurses to the requested depth, each frame holding two pairs
// across the recursive call; at the bottom a native helper (with an exit record) runs the
// benchmark loop, walking its own live stack:
//
//   BM_WalkStack_Precise       HybridStackWalker in precise mode: frame-pointer walk, exact
//                              index lookups, slots visited; native spans scanned conservatively.
//   BM_WalkStack_Conservative  the same walker in conservative mode: every stack word examined.
//   BM_Collect_Precise / _Conservative
//                              a whole Heap::Collect() at the bottom of the same stack, with
//                              the runtime's own visitor (marking included); counters report the
//                              collector's root time per collection.
//
// The visitor in the WalkStack benchmarks does what a collector's visitor does first with every
// candidate: a tag test for precise words, a heap-range test for every word.
// items/s = JIT frames walked per second.
#include <pthread.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "llvm/IRReader/IRReader.h"
#include "llvm/Support/SourceMgr.h"
#include "mosaic/heap.h"
#include "mosaic/jit/gc_jit.h"
#include "mosaic/stackmaps/activation.h"
#include "mosaic/stackmaps/index.h"
#include "mosaic/stackmaps/orc_support.h"
#include "mosaic/stackmaps/walker.h"

namespace mosaic::stackmaps {
namespace {

using ::mosaic::jit::GcJit;

constexpr const char* kIr = R"IR(
@mosaic_safepoint_flag = external global i32
declare void @jit_safepoint_slow()
declare ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1), ptr addrspace(1))
declare void @bench_bottom()

define void @gc.safepoint_poll() {
  %f = load volatile i32, ptr @mosaic_safepoint_flag
  %z = icmp eq i32 %f, 0
  br i1 %z, label %done, label %slow
slow:
  call void @jit_safepoint_slow()
  br label %done
done:
  ret void
}

define ptr addrspace(1) @recurse(i64 %n) gc "statepoint-example" {
entry:
  %a = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) inttoptr (i64 3 to ptr addrspace(1)), ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  %b = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %a, ptr addrspace(1) inttoptr (i64 22 to ptr addrspace(1)))
  %z = icmp eq i64 %n, 0
  br i1 %z, label %bottom, label %rec
bottom:
  call void @bench_bottom()
  br label %join
rec:
  %n1 = sub i64 %n, 1
  %r = call ptr addrspace(1) @recurse(i64 %n1)
  br label %join
join:
  %c = call ptr addrspace(1) @jit_alloc_pair(ptr addrspace(1) %a, ptr addrspace(1) %b)
  ret ptr addrspace(1) %c
}
)IR";

enum class What { kWalkPrecise, kWalkConservative, kCollectPrecise, kCollectConservative };

struct Env {
  std::unique_ptr<Heap> heap;
  StackMapIndex index;
  std::unique_ptr<HybridStackWalker> walker;
  std::unique_ptr<GcJit> jit;
  uint64_t (*recurse)(uint64_t) = nullptr;
  // The running benchmark, read by bench_bottom.
  benchmark::State* state = nullptr;
  What what = What::kWalkPrecise;
  int64_t depth = 0;
};
Env* g_env = nullptr;

class CountingVisitor final : public RootVisitor {
 public:
  explicit CountingVisitor(const Heap& heap) : heap_(heap) {}
  void VisitPrecise(Value v) override {
    const uint64_t word = v.bits();
    if ((v.IsHeapReference() || (word & 7) == 0) && word != 0 &&
        heap_.Contains(reinterpret_cast<const void*>(word))) {
      ++hits;
    }
    ++precise;
  }
  void VisitConservativeRange(const void* begin, const void* end) override {
    for (auto* p = static_cast<const uint64_t*>(begin); p < static_cast<const uint64_t*>(end);
         ++p) {
      if (heap_.Contains(reinterpret_cast<const void*>(*p))) ++hits;
      ++words;
    }
  }
  void CountJitFrames(uint64_t n) override { frames += n; }
  uint64_t precise = 0, words = 0, hits = 0, frames = 0;

 private:
  const Heap& heap_;
};

ThreadStack CurrentStack() {
  pthread_attr_t attr;
  pthread_getattr_np(pthread_self(), &attr);
  void* addr = nullptr;
  size_t size = 0;
  pthread_attr_getstack(&attr, &addr, &size);
  pthread_attr_destroy(&attr);
  ThreadStack s;
  s.top = __builtin_frame_address(0);
  s.base = static_cast<char*>(addr) + size;
  s.activations = internal::tls_mutator->activations;
  return s;
}

extern "C" {

void jit_safepoint_slow() {
  MOSAIC_JIT_EXIT_SCOPE();
  Safepoint();
}

uint64_t jit_alloc_pair(uint64_t car, uint64_t cdr) {
  MOSAIC_JIT_EXIT_SCOPE();
  return AllocatePair(Value::FromBits(car), Value::FromBits(cdr)).bits();
}

void bench_bottom() {
  MOSAIC_JIT_EXIT_SCOPE();
  Env& env = *g_env;
  benchmark::State& state = *env.state;
  const bool precise =
      env.what == What::kWalkPrecise || env.what == What::kCollectPrecise;
  env.walker->set_mode(precise ? WalkMode::kPrecise : WalkMode::kConservative);
  if (env.what == What::kWalkPrecise || env.what == What::kWalkConservative) {
    ThreadStack stack = CurrentStack();
    CountingVisitor visitor(*env.heap);
    for (auto _ : state) {
      env.walker->WalkStack(stack, visitor);
      benchmark::DoNotOptimize(visitor.hits);
    }
    const double iters = static_cast<double>(state.iterations());
    state.counters["words_per_walk"] = static_cast<double>(visitor.words) / iters;
    state.counters["precise_per_walk"] = static_cast<double>(visitor.precise) / iters;
    state.counters["hits_per_walk"] = static_cast<double>(visitor.hits) / iters;
  } else {
    GcStats before = env.heap->Stats();
    for (auto _ : state) env.heap->Collect();
    GcStats after = env.heap->Stats();
    const double n = static_cast<double>(after.collections - before.collections);
    state.counters["root_ns_per_gc"] =
        static_cast<double>(after.total_root_ns - before.total_root_ns) / n;
    state.counters["root_ns_per_frame"] =
        static_cast<double>(after.total_root_ns - before.total_root_ns) / n /
        static_cast<double>(env.depth + 1);
    state.counters["jit_frames_per_gc"] =
        static_cast<double>(after.jit_frames_visited - before.jit_frames_visited) / n;
    state.counters["cons_bytes_per_gc"] =
        static_cast<double>(after.conservative_bytes_scanned - before.conservative_bytes_scanned) /
        n;
  }
  state.SetItemsProcessed(state.iterations() * (env.depth + 1));
}

}  // extern "C"

Env& GetEnv() {
  if (g_env != nullptr) return *g_env;
  g_env = new Env();
  HeapOptions options;
  g_env->heap = std::move(Heap::Create(options).value());
  if (!g_env->heap->RegisterCurrentThread().ok()) std::abort();
  g_env->walker = std::make_unique<HybridStackWalker>(g_env->index);
  g_env->heap->SetStackWalker(g_env->walker.get());
  g_env->jit = std::move(GcJit::Create(g_env->index).value());
  absl::Status s = g_env->jit->DefineAbsolute({
      {"mosaic_safepoint_flag", const_cast<const uint32_t*>(g_env->heap->SafepointFlagAddress())},
      {"jit_safepoint_slow", reinterpret_cast<void*>(&jit_safepoint_slow)},
      {"jit_alloc_pair", reinterpret_cast<void*>(&jit_alloc_pair)},
      {"bench_bottom", reinterpret_cast<void*>(&bench_bottom)},
  });
  auto context = std::make_unique<llvm::LLVMContext>();
  llvm::SMDiagnostic diag;
  auto module = llvm::parseIR(llvm::MemoryBufferRef(kIr, "bench.ll"), diag, *context);
  if (!s.ok() || module == nullptr) std::abort();
  s = g_env->jit->AddModule(std::move(module), std::move(context));
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    std::abort();
  }
  g_env->recurse = g_env->jit->Lookup<uint64_t (*)(uint64_t)>("recurse").value();
  return *g_env;
}

void Run(benchmark::State& state, What what) {
  Env& env = GetEnv();
  env.state = &state;
  env.what = what;
  env.depth = state.range(0);
  CallJit(env.recurse, static_cast<uint64_t>(env.depth));
  env.state = nullptr;
}

void BM_WalkStack_Precise(benchmark::State& state) { Run(state, What::kWalkPrecise); }
void BM_WalkStack_Conservative(benchmark::State& state) { Run(state, What::kWalkConservative); }
void BM_Collect_Precise(benchmark::State& state) { Run(state, What::kCollectPrecise); }
void BM_Collect_Conservative(benchmark::State& state) { Run(state, What::kCollectConservative); }

BENCHMARK(BM_WalkStack_Precise)->Arg(10)->Arg(100)->Arg(10000);
BENCHMARK(BM_WalkStack_Conservative)->Arg(10)->Arg(100)->Arg(10000);
BENCHMARK(BM_Collect_Precise)->Arg(10)->Arg(100)->Arg(10000);
BENCHMARK(BM_Collect_Conservative)->Arg(10)->Arg(100)->Arg(10000);

}  // namespace
}  // namespace mosaic::stackmaps

BENCHMARK_MAIN();
