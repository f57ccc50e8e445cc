// bench_pauses: whole programs whose pauses and run times are the point, one collector
// configuration per process (so that peak RSS belongs to it); prints one JSON object (times,
// every pause, the collector's statistics, peak RSS).
//
//   bench_pauses --program=quads --collector=mosaic|mosaic-gen|boehm --depth=D [--rounds=N]
//                [--gc-options=...]
//   bench_pauses --program=gcbench --collector=mosaic|mosaic-gen|boehm [--threads=T]
//                [--rounds=N] [--gc-options=...]
//
// quads, written here from its description: a complete 4-ary tree of 40-byte nodes of depth D
// stays live; then 20 rounds each allocate heap/7.5 bytes of depth-3 garbage trees and walk the
// live tree to check it. The heap is 2.5 times the live tree. With a large live heap and a
// steady flow of short-lived garbage, a collector that marks the whole heap at every collection
// pays for the live tree over and over; a generational one marks only the young garbage's
// survivors. Nodes are 40 bytes under both collectors (48-byte cells):
//   Mosaic  { header, child0..3 }  (a kAllValues kind)
//   Boehm   { child0..3, unused }
//
// gcbench: GCBench (gcbench.h) at its full size, N times over (about 0.2 s each), on T mutator
// threads at once (each runs the whole program). Its depth and live_bytes fields are quads'. bench/runtime/quads.py and bench/runtime/markers.py run the configurations
// interleaved and write the reports.
#include <gc/gc.h>
#include <sys/resource.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "gcbench.h"
#include "gcbench_policies.h"
#include "mosaic/heap.h"

namespace mosaic::bench {
namespace {

constexpr int kGarbageDepth = 3;
constexpr size_t kCellBytes = 48;  // a 40-byte node's cell, in both collectors

int64_t TreeNodes(int depth) {  // (4^(depth+1) - 1) / 3
  int64_t n = 0, level = 1;
  for (int d = 0; d <= depth; ++d, level *= 4) n += level;
  return n;
}

uint64_t Now(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

struct MosaicNodes {
  struct Node {
    uint64_t header;
    Node* child[4];
  };
  static inline KindId kind = 0;
  static Node* New(Node* a, Node* b, Node* c, Node* d) {
    auto* n = static_cast<Node*>(Allocate(kind, sizeof(Node)));
    n->child[0] = a;  // a young object: no barrier needed
    n->child[1] = b;
    n->child[2] = c;
    n->child[3] = d;
    return n;
  }
};

struct BoehmNodes {
  struct Node {
    Node* child[4];
    uint64_t unused;
  };
  static Node* New(Node* a, Node* b, Node* c, Node* d) {
    auto* n = static_cast<Node*>(GC_MALLOC(sizeof(Node)));
    n->child[0] = a;
    n->child[1] = b;
    n->child[2] = c;
    n->child[3] = d;
    return n;
  }
};
static_assert(sizeof(MosaicNodes::Node) == 40 && sizeof(BoehmNodes::Node) == 40);

template <typename P>
typename P::Node* MakeTree(int depth) {
  if (depth == 0) return P::New(nullptr, nullptr, nullptr, nullptr);
  auto* a = MakeTree<P>(depth - 1);
  auto* b = MakeTree<P>(depth - 1);
  auto* c = MakeTree<P>(depth - 1);
  auto* d = MakeTree<P>(depth - 1);
  return P::New(a, b, c, d);
}

// Nodes of a tree that must be complete to `depth`; -1 if its shape is wrong.
template <typename Node>
int64_t Check(const Node* n, int depth) {
  if (n == nullptr) return -1;
  if (depth == 0) {
    for (auto* c : n->child) {
      if (c != nullptr) return -1;
    }
    return 1;
  }
  int64_t total = 1;
  for (auto* c : n->child) {
    int64_t k = Check(c, depth - 1);
    if (k < 0) return -1;
    total += k;
  }
  return total;
}

struct Result {
  uint64_t wall_ns = 0, cpu_ns = 0;
  std::vector<uint64_t> pauses_ns;
  std::vector<int> pause_minor;  // 1 for a minor collection
  std::string error;
};

template <typename P>
void RunRounds(int depth, int rounds, uint64_t heap_bytes, Result* r) {
  auto* live = MakeTree<P>(depth);
  const int64_t garbage_trees =
      std::max<int64_t>(1, int64_t(heap_bytes / 7.5) / (TreeNodes(kGarbageDepth) * kCellBytes));
  for (int round = 0; round < rounds; ++round) {
    for (int64_t t = 0; t < garbage_trees; ++t) MakeTree<P>(kGarbageDepth);
    if (Check(live, depth) != TreeNodes(depth)) {
      r->error = "the live tree is damaged after round " + std::to_string(round);
      return;
    }
  }
}

// GCBench on `threads` threads at once, each the whole program; Mosaic's threads register.
template <typename P>
void RunGcBench(int threads, int rounds, Result* r, Heap* heap = nullptr) {
  std::vector<std::string> errors(threads);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      if (heap != nullptr) {
        MutatorScope mutator(*heap);
        for (int k = 0; k < rounds && errors[i].empty(); ++k) {
          errors[i] = GcBench<P>::Run(GcBenchParams::Full());
        }
      } else {
        GC_stack_base base;
        GC_get_stack_base(&base);
        GC_register_my_thread(&base);
        for (int k = 0; k < rounds && errors[i].empty(); ++k) {
          errors[i] = GcBench<P>::Run(GcBenchParams::Full());
        }
        GC_unregister_my_thread();
      }
    });
  }
  for (auto& w : workers) w.join();
  for (const std::string& e : errors) {
    if (!e.empty() && r->error.empty()) r->error = e;
  }
}

uint64_t PeakRssBytes() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return uint64_t(u.ru_maxrss) * 1024;
}

// Boehm: pauses from the collection-event hook (stop request to restart).
std::vector<uint64_t>* boehm_pauses = nullptr;
uint64_t boehm_start = 0;
void OnBoehmEvent(GC_EventType event) {
  if (event == GC_EVENT_PRE_STOP_WORLD) boehm_start = Now(CLOCK_MONOTONIC);
  if (event == GC_EVENT_POST_START_WORLD && boehm_pauses != nullptr) {
    boehm_pauses->push_back(Now(CLOCK_MONOTONIC) - boehm_start);
  }
}

int Main(int argc, char** argv) {
  std::string program = "quads", collector = "mosaic-gen", gc_options;
  int depth = 11, rounds = 20, threads = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&](const char* key) -> const char* {
      size_t n = std::strlen(key);
      return a.compare(0, n, key) == 0 ? argv[i] + n : nullptr;
    };
    if (const char* v = value("--program=")) program = v;
    else if (const char* v = value("--collector=")) collector = v;
    else if (const char* v = value("--threads=")) threads = std::atoi(v);
    else if (const char* v = value("--depth=")) depth = std::atoi(v);
    else if (const char* v = value("--rounds=")) rounds = std::atoi(v);
    else if (const char* v = value("--gc-options=")) gc_options = v;
    else {
      std::fprintf(stderr, "bench_pauses: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  if (depth < 1 || depth > 12 || rounds < 1 || threads < 1 || threads > 64) {
    std::fprintf(stderr,
                 "bench_pauses: --depth must be 1..12, --rounds positive, --threads 1..64\n");
    return 2;
  }
  if (program != "quads" && program != "gcbench") {
    std::fprintf(stderr, "bench_pauses: --program must be quads or gcbench\n");
    return 2;
  }
  const bool quads = program == "quads";
  const uint64_t live_bytes = uint64_t(TreeNodes(depth)) * kCellBytes;
  const uint64_t heap_bytes = live_bytes * 5 / 2;
  Result r;
  uint64_t collections = 0, minor = 0, major = 0;
  GcStats stats;  // Mosaic's
  if (collector == "boehm") {
    GC_INIT();
    GC_set_on_collection_event(OnBoehmEvent);
    boehm_pauses = &r.pauses_ns;
    uint64_t wall = Now(CLOCK_MONOTONIC), cpu = Now(CLOCK_PROCESS_CPUTIME_ID);
    if (quads) {
      RunRounds<BoehmNodes>(depth, rounds, heap_bytes, &r);
    } else {
      GC_allow_register_threads();
      RunGcBench<BoehmPolicy>(threads, rounds, &r);
    }
    r.wall_ns = Now(CLOCK_MONOTONIC) - wall;
    r.cpu_ns = Now(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    boehm_pauses = nullptr;
    collections = GC_get_gc_no();
    major = collections;
    r.pause_minor.assign(r.pauses_ns.size(), 0);
  } else if (collector == "mosaic" || collector == "mosaic-gen") {
    HeapOptions base;
    // Tiny smoke depths still need room for a block per size class.
    if (quads) base.heap_max = std::max<uint64_t>(heap_bytes, uint64_t{8} << 20);
    base.generational = collector == "mosaic-gen";
    auto options = HeapOptions::Parse(gc_options, base);
    if (!options.ok()) {
      std::fprintf(stderr, "bench_pauses: %s\n", std::string(options.status().message()).c_str());
      return 2;
    }
    auto heap = Heap::Create(*options);
    if (!heap.ok()) {
      std::fprintf(stderr, "bench_pauses: %s\n", std::string(heap.status().message()).c_str());
      return 2;
    }
    MosaicNodes::kind = (*heap)->RegisterKind({"quad", TracePolicy::kAllValues}).value();
    MosaicPolicy::RegisterKinds(**heap);
    (*heap)->AddEventListener([&r](const GcEvent& e) {
      r.pauses_ns.push_back(e.pause_ns);
      r.pause_minor.push_back(e.kind == CollectionKind::kMinor ? 1 : 0);
    });
    {
      MutatorScope mutator(**heap);
      uint64_t wall = Now(CLOCK_MONOTONIC), cpu = Now(CLOCK_PROCESS_CPUTIME_ID);
      if (quads) {
        RunRounds<MosaicNodes>(depth, rounds, heap_bytes, &r);
      } else {
        NativeScope native;  // the mutator threads collect while this one waits
        RunGcBench<MosaicPolicy>(threads, rounds, &r, heap->get());
      }
      r.wall_ns = Now(CLOCK_MONOTONIC) - wall;
      r.cpu_ns = Now(CLOCK_PROCESS_CPUTIME_ID) - cpu;
    }
    GcStats s = (*heap)->Stats();
    stats = s;
    collections = s.collections;
    minor = s.minor_collections;
    major = s.major_collections;
  } else {
    std::fprintf(stderr, "bench_pauses: --collector must be mosaic, mosaic-gen or boehm\n");
    return 2;
  }
  std::printf("{\"program\": \"%s\", \"threads\": %d, \"markers\": %" PRIu64
              ", \"mark_packets_shared\": %" PRIu64 ", \"mark_packets_stolen\": %" PRIu64
              ", \"marker_idle_ns\": %" PRIu64 ", \"total_mark_ns\": %" PRIu64
              ", \"total_root_ns\": %" PRIu64 ", \"total_sweep_ns\": %" PRIu64
              ", \"sweep_in_pause_ns\": %" PRIu64 ", \"total_pause_ns\": %" PRIu64
              ", \"max_time_to_safepoint_ns\": %" PRIu64 ", \"mark_helpers_ready\": %" PRIu64 ", ",
              program.c_str(), threads, stats.markers, stats.mark_packets_shared,
              stats.mark_packets_stolen, stats.marker_idle_ns, stats.total_mark_ns,
              stats.total_root_ns, stats.total_sweep_ns, stats.sweep_in_pause_ns,
              stats.total_pause_ns, stats.max_time_to_safepoint_ns, stats.mark_helpers_ready);
  std::printf("\"collector\": \"%s\", \"depth\": %d, \"rounds\": %d, \"live_bytes\": %" PRIu64
              ", \"heap_bytes\": %" PRIu64 ", \"wall_ns\": %" PRIu64 ", \"cpu_ns\": %" PRIu64
              ", \"collections\": %" PRIu64 ", \"minor\": %" PRIu64 ", \"major\": %" PRIu64
              ", \"peak_rss_bytes\": %" PRIu64 ", \"error\": \"%s\", \"pauses_ns\": [",
              collector.c_str(), depth, rounds, live_bytes, heap_bytes, r.wall_ns, r.cpu_ns,
              collections, minor, major, PeakRssBytes(), r.error.c_str());
  for (size_t i = 0; i < r.pauses_ns.size(); ++i) {
    std::printf("%s%" PRIu64, i ? ", " : "", r.pauses_ns[i]);
  }
  std::printf("], \"pause_minor\": [");
  for (size_t i = 0; i < r.pause_minor.size(); ++i) {
    std::printf("%s%d", i ? ", " : "", r.pause_minor[i]);
  }
  std::printf("]}\n");
  return r.error.empty() ? 0 : 1;
}

}  // namespace
}  // namespace mosaic::bench

int main(int argc, char** argv) { return mosaic::bench::Main(argc, argv); }
