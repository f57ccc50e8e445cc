// Measures what the C API's checks cost over the C++ API, per operation, in one binary and run:
// pair and object allocation, root-cell load/store (one thread, then several threads at once,
// where the C API's shared cell registry is the suspect). Not a test: prints a table.
//
//   build-embed/tests/embed/embed_capi_overhead [iterations]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "mosaic/heap.h"
#include "mosaic/mosaic.h"

namespace {

template <typename F>
double NsPerOp(long n, F f) {
  auto start = std::chrono::steady_clock::now();
  f(n);
  auto end = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(end - start).count() / static_cast<double>(n);
}

void Check(mosaic_status s) {
  if (s != MOSAIC_OK) {
    std::fprintf(stderr, "%s\n", mosaic_last_error());
    std::exit(1);
  }
}

volatile uint64_t g_sink;

}  // namespace

int main(int argc, char** argv) {
  long n = argc > 1 ? std::atol(argv[1]) : 5'000'000;
  mosaic_heap* heap = nullptr;
  Check(mosaic_heap_create("gc-min=64M", &heap));
  Check(mosaic_thread_register(heap));
  mosaic_kind vec = 0;
  Check(mosaic_register_kind(heap, "vector", MOSAIC_TRACE_VALUES, nullptr, nullptr, &vec));
  mosaic::Heap* cxx = mosaic::CurrentHeap();

  std::printf("%-34s %10s %10s\n", "operation (ns/op)", "C++ API", "C API");
  double a = NsPerOp(n, [](long n) {
    for (long i = 0; i < n; ++i) {
      g_sink = mosaic::AllocatePair(mosaic::Value::Fixnum(i), mosaic::Value::Nil()).bits();
    }
  });
  double b = NsPerOp(n, [](long n) {
    mosaic_value p;
    for (long i = 0; i < n; ++i) {
      mosaic_alloc_pair(mosaic_fixnum(i), MOSAIC_NIL, &p);
      g_sink = p;
    }
  });
  std::printf("%-34s %10.2f %10.2f\n", "allocate pair", a, b);
  a = NsPerOp(n, [vec](long n) {
    for (long i = 0; i < n; ++i) g_sink = reinterpret_cast<uint64_t>(mosaic::Allocate(vec, 32, 3));
  });
  b = NsPerOp(n, [vec](long n) {
    mosaic_value v;
    for (long i = 0; i < n; ++i) {
      mosaic_alloc(vec, 32, 3, &v);
      g_sink = v;
    }
  });
  std::printf("%-34s %10.2f %10.2f\n", "allocate 32-byte object", a, b);

  mosaic_root_cell* ccell = nullptr;
  Check(mosaic_root_cell_new(heap, MOSAIC_NIL, &ccell));
  mosaic::RootCell* cell = cxx->NewRootCell(mosaic::Value::Nil());
  a = NsPerOp(n, [cell](long n) {
    for (long i = 0; i < n; ++i) {
      cell->Store(mosaic::Value::Fixnum(i));
      g_sink = cell->Load().bits();
    }
  });
  b = NsPerOp(n, [ccell](long n) {
    mosaic_value v;
    for (long i = 0; i < n; ++i) {
      mosaic_root_cell_store(ccell, mosaic_fixnum(i));
      mosaic_root_cell_load(ccell, &v);
      g_sink = v;
    }
  });
  std::printf("%-34s %10.2f %10.2f\n", "root cell store + load", a, b);

  // Several threads, each on its own cell: contention only in the C API's registry.
  unsigned threads = std::thread::hardware_concurrency() < 2 ? 2 : std::thread::hardware_concurrency();
  auto parallel = [&](bool use_c) {
    std::vector<std::thread> ts;
    std::atomic<long> total_ns{0};
    for (unsigned t = 0; t < threads; ++t) {
      ts.emplace_back([&, use_c] {
        Check(mosaic_thread_register(heap));
        mosaic_root_cell* c = nullptr;
        Check(mosaic_root_cell_new(heap, MOSAIC_NIL, &c));
        double ns = NsPerOp(n / 4, [c, use_c](long n) {
          mosaic_value v;
          auto* raw = reinterpret_cast<mosaic::RootCell*>(c);
          for (long i = 0; i < n; ++i) {
            if (use_c) {
              mosaic_root_cell_store(c, mosaic_fixnum(i));
              mosaic_root_cell_load(c, &v);
            } else {
              raw->Store(mosaic::Value::Fixnum(i));
              v = raw->Load().bits();
            }
            g_sink = v;
          }
        });
        total_ns += static_cast<long>(ns * 1000);
        Check(mosaic_root_cell_free(heap, c));
        Check(mosaic_thread_unregister(heap));
      });
    }
    Check(mosaic_enter_native());
    for (auto& t : ts) t.join();
    Check(mosaic_leave_native());
    return static_cast<double>(total_ns) / 1000.0 / threads;
  };
  a = parallel(false);
  b = parallel(true);
  char label[64];
  std::snprintf(label, sizeof(label), "root cell store + load, %u threads", threads);
  std::printf("%-34s %10.2f %10.2f\n", label, a, b);

  cxx->FreeRootCell(cell);
  Check(mosaic_root_cell_free(heap, ccell));
  Check(mosaic_thread_unregister(heap));
  Check(mosaic_heap_destroy(heap));
  return 0;
}
