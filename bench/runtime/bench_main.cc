// bench_runtime's entry point: strips --smoke, starts the Boehm collector before anything else
// touches it, and turns a benchmark whose result was wrong into a non-zero exit status.
#include <gc/gc.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "bench_support.h"
#include "benchmark/benchmark.h"

int main(int argc, char** argv) {
  std::vector<char*> args;
  for (int i = 0; i < argc; ++i) {
    if (i > 0 && std::strcmp(argv[i], "--smoke") == 0) {
      mosaic::bench::SetSmoke(true);
    } else {
      args.push_back(argv[i]);
    }
  }
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);

  GC_INIT();
  GC_allow_register_threads();  // the threaded GCBench registers its std::threads itself
  mosaic::bench::InstallBoehmHooks();

  benchmark::AddCustomContext("mode", mosaic::bench::Smoke() ? "smoke" : "full");
  unsigned v = GC_get_version();
  benchmark::AddCustomContext("boehm_version", std::to_string(v >> 16) + "." +
                                                   std::to_string((v >> 8) & 0xff) + "." +
                                                   std::to_string(v & 0xff));
  benchmark::AddCustomContext("boehm_parallel_markers", std::to_string(GC_get_parallel()));

  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (mosaic::bench::AnyFailure()) {
    std::fprintf(stderr, "bench_runtime: at least one benchmark produced a wrong result\n");
    return 1;
  }
  return 0;
}
