// bench_stores: one run of a toylang file in a JIT engine, with or without the write barrier, so
// that the barrier's own cost can be measured on a store-heavy program (bench/generations/).
//
//   bench_stores --file=F [--barrier=on|off] [--gc-options=...] [--roots=precise|conservative]
//                [--jit-cache=DIR]
//
// The program's output goes to standard output; then one line of JSON: the Eval's wall and
// process CPU time, the JIT's compile time inside the Eval (none when the code cache has the
// program: the barrier is in the IR, so code with and without it has different keys), and the collector's
// statistics. --barrier=off compiles every store path without the card mark
// (SkipWriteBarrierForTesting): that is safe only without generations, where no collection
// reads the cards, so it is refused with generational=on.
#include <time.h>

#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "frontend/engine/engine.h"
#include "jit/jit_engine.h"
#include "mosaic/heap.h"

namespace {

uint64_t Now(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

int Usage(const std::string& message) {
  std::fprintf(stderr,
               "bench_stores: %s\nusage: bench_stores --file=F [--barrier=on|off] "
               "[--gc-options=...] [--roots=precise|conservative] [--jit-cache=DIR]\n",
               message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string file, barrier = "on", gc_options, roots = "precise", jit_cache;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      size_t n = std::char_traits<char>::length(name);
      return arg.compare(0, n, name) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--file=")) {
      file = v;
    } else if (const char* v = value("--barrier=")) {
      barrier = v;
    } else if (const char* v = value("--gc-options=")) {
      gc_options = v;
    } else if (const char* v = value("--roots=")) {
      roots = v;
    } else if (const char* v = value("--jit-cache=")) {
      jit_cache = v;
    } else {
      return Usage("unknown argument " + arg);
    }
  }
  if (file.empty()) return Usage("--file is required");
  if (barrier != "on" && barrier != "off") return Usage("--barrier must be on or off");
  if (roots != "precise" && roots != "conservative") {
    return Usage("--roots must be precise or conservative");
  }
  auto options = mosaic::HeapOptions::Parse(gc_options);
  if (!options.ok()) return Usage(std::string(options.status().message()));
  if (barrier == "off" && options->generational) {
    return Usage("--barrier=off is only safe without generations (generational=off)");
  }
  std::ifstream in(file);
  if (!in) return Usage("cannot read " + file);
  std::stringstream source;
  source << in.rdbuf();

  if (barrier == "off") {
    for (const char* path : {"set-car!", "vector-set!", "box", "global", "closure-fixup",
                             "append"}) {
      if (auto status = toylang::jit::SkipWriteBarrierForTesting(path); !status.ok()) {
        std::fprintf(stderr, "bench_stores: %s\n", std::string(status.message()).c_str());
        return 1;
      }
    }
  }
  toylang::EngineOptions engine_options;
  engine_options.gc_options = gc_options;
  engine_options.jit_cache = jit_cache;
  engine_options.roots =
      roots == "precise" ? toylang::RootsMode::kPrecise : toylang::RootsMode::kConservative;
  auto engine = toylang::jit::CreateJitEngine(engine_options);
  if (!engine.ok()) {
    std::fprintf(stderr, "bench_stores: %s\n", std::string(engine.status().message()).c_str());
    return 1;
  }
  // The engine compiles its entry module when it is created: only what the Eval compiles counts.
  const uint64_t compile0 = (*engine)->Stats().compile_ns;
  const uint64_t wall0 = Now(CLOCK_MONOTONIC), cpu0 = Now(CLOCK_PROCESS_CPUTIME_ID);
  auto result = (*engine)->Eval(source.str(), file);
  const uint64_t cpu = Now(CLOCK_PROCESS_CPUTIME_ID) - cpu0, wall = Now(CLOCK_MONOTONIC) - wall0;
  std::cout.flush();
  if (!result.ok()) {
    std::fprintf(stderr, "bench_stores: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  const toylang::EngineStats engine_stats = (*engine)->Stats();
  const mosaic::GcStats s = (*engine)->heap().Stats();
  std::printf(
      "{\"barrier\": \"%s\", \"gc_options\": \"%s\", \"wall_ns\": %" PRIu64 ", \"cpu_ns\": %" PRIu64
      ", \"compile_ns\": %" PRIu64 ", \"collections\": %" PRIu64 ", \"minor_collections\": %" PRIu64
      ", \"major_collections\": %" PRIu64 ", \"total_pause_ns\": %" PRIu64
      ", \"remembered_cards\": %" PRIu64 ", \"peak_committed_bytes\": %" PRIu64 "}\n",
      barrier.c_str(), gc_options.c_str(), wall, cpu, engine_stats.compile_ns - compile0, s.collections,
      s.minor_collections, s.major_collections, s.total_pause_ns, s.remembered_cards,
      s.peak_committed_bytes);
  return 0;
}
