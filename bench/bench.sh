#!/usr/bin/env bash
# The whole benchmark suite in one command (`make bench`), or its smoke check (`make bench-smoke`).
#
#   bench/bench.sh [--smoke] [--build-dir DIR] [--jobs N] [--reps N] [--runtime-reps N]
#                  [--no-peers] [--skip-build]
#
# Full run (about 50 minutes on 2 shared cores, 30 of them the toylang suite), in this order:
#   1. builds toylang, bench_runtime and bench_stackmaps in DIR (default build-bench, Release;
#      configured if missing);
#   2. bench/run.sh: the runtime micro-benchmarks (Google Benchmark, Mosaic beside malloc and
#      Boehm) -> the runtime sections of docs/performance.md, JSON kept as bench/data/runtime.json;
#   2b. bench/runtime/quads.py and markers.py: quads and GCBench as whole programs (generations,
#      parallel marking), configurations interleaved -> their sections of docs/performance.md,
#      bench/data/quads.json and markers.json;
#   2c. bench/generations/generations.py: GCBench, allocation and the toylang suite with
#      generations on against off, and the write barrier's cost on a store-heavy program ->
#      its section of docs/performance.md, bench/data/generations.json;
#   2d. bench/threads/threads.py: GCBench split over 1, 2 and 4 threads in toylang, Chez Scheme
#      and Guile -> bench/data/threads.json; bench/compare.py: the toylang suite with the JIT's
#      per-thread state through the thread pointer against MOSAIC_JIT_THREAD_STATE=constant ->
#      bench/data/thread-state.json (both summarized by hand in docs/performance.md, "Threads");
#   3. bench_stackmaps (root-scan cost per JIT frame) -> bench/data/stackmaps.json;
#   4. bench/macro.py: the toylang suite in jit/precise, jit/conservative and interp, beside
#      Chez Scheme 9.5 and Guile 3 when installed, start-up times and the roots study
#      -> bench/data/suite.json;
#   5. bench/report.py -> the suite and stack-map sections of docs/performance.md, the whole of
#      docs/roots-report.md, and the plots docs/img/*.png and *.svg (gnuplot).
#
# --smoke: tiny sizes, one repetition, seconds per engine; everything is written into a
# temporary directory (the committed documents and data are left alone). Every program's
# checksum is still verified in every engine, and the report generator and gnuplot run on the
# results, so the suite cannot rot unnoticed. Exits non-zero on any failure.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
smoke=0
build_dir="$root/build-bench"
jobs=2
reps=3
runtime_reps=3
peers=()
skip_build=0
command_line="make bench"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1; command_line="make bench-smoke"; shift ;;
    --build-dir) build_dir=${2:?}; shift 2 ;;
    --build-dir=*) build_dir=${1#--build-dir=}; shift ;;
    --jobs) jobs=${2:?}; shift 2 ;;
    --jobs=*) jobs=${1#--jobs=}; shift ;;
    --reps) reps=${2:?}; shift 2 ;;
    --reps=*) reps=${1#--reps=}; shift ;;
    --runtime-reps) runtime_reps=${2:?}; shift 2 ;;
    --runtime-reps=*) runtime_reps=${1#--runtime-reps=}; shift ;;
    --no-peers) peers=(--no-peers); shift ;;
    --skip-build) skip_build=1; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$build_dir" = /* ]] || build_dir="$root/$build_dir"
cd "$root"
started=$(date +%s)
step() { echo "== bench: $* ($(( $(date +%s) - started )) s)"; }

# -- 1. build ---------------------------------------------------------------------------------------
if [[ $skip_build -eq 0 ]]; then
  if [[ ! -f "$build_dir/CMakeCache.txt" ]]; then
    step "configuring $build_dir (Release)"
    cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  fi
  targets=(toylang bench_runtime bench_pauses)
  # bench_stackmaps exists only with the LLVM parts (and then toylang has its JIT too).
  if grep -q '^MOSAIC_BUILD_LLVM_PARTS:BOOL=ON' "$build_dir/CMakeCache.txt"; then
    targets+=(bench_stackmaps bench_stores bench_continuations)
  fi
  step "building ${targets[*]} in $build_dir"
  cmake --build "$build_dir" -j "$jobs" --target "${targets[@]}"
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
if [[ $smoke -eq 0 && "$build_type" != "Release" ]]; then
  echo "bench.sh: warning: $build_dir is a '$build_type' build; publishable numbers need Release" >&2
fi
toylang="$build_dir/examples/toylang/toylang"
stackmaps_bin="$build_dir/bench/stackmaps/bench_stackmaps"
continuations_bin="$build_dir/bench/continuations/bench_continuations"
pauses_bin="$build_dir/bench/runtime/bench_pauses"
for binary in "$toylang" "$build_dir/bench/runtime/bench_runtime" "$pauses_bin"; do
  [[ -x "$binary" ]] || { echo "bench.sh: $binary was not built" >&2; exit 1; }
done

if [[ $smoke -eq 1 ]]; then
  out=$(mktemp -d /tmp/mosaic-bench-smoke.XXXXXX)
  trap 'rm -rf "$out"' EXIT
  data="$out/data"
  docs="$out/docs"
  mkdir -p "$data" "$docs"
  cp "$root/docs/performance.md" "$docs/performance.md"
  macro_args=(--smoke)
  stackmaps_args=(--benchmark_filter='/(10|100)$' --benchmark_min_time=0.01)
  continuations_args=(--benchmark_filter='/10(/|$)' --benchmark_min_time=0.01)
  data_note=""
else
  data="$root/bench/data"
  docs="$root/docs"
  mkdir -p "$data"
  macro_args=(--reps "$reps")
  stackmaps_args=(--benchmark_repetitions=3)
  continuations_args=(--benchmark_repetitions=3 --benchmark_enable_random_interleaving=true)
  data_note="Raw results (kept in the repository, regenerated by \`make bench\`): \
\`bench/data/suite.json\` (every run: times, rusage, the whole \`--gc-stats=json\` object), \
\`bench/data/stackmaps.json\` and \`bench/data/runtime.json\` (Google Benchmark)."
fi

# -- 2. runtime micro-benchmarks --------------------------------------------------------------------
step "runtime micro-benchmarks (bench/run.sh)"
if [[ $smoke -eq 1 ]]; then
  bench/run.sh --smoke --build-dir "$build_dir"
  # The runtime report generator runs on the smoke results, into the temporary copy.
  python3 bench/runtime/report.py bench/results/runtime-smoke.json --command "bench/run.sh --smoke" \
    --doc "$docs/performance.md" >/dev/null
else
  bench/run.sh --reps "$runtime_reps" --build-dir "$build_dir" --keep-json bench/data/runtime.json
fi

# -- 2b. whole collector programs: generations (quads) and parallel marking --------------------------
step "quads and GCBench: generations and parallel marking (bench/runtime/quads.py, markers.py)"
if [[ $smoke -eq 1 ]]; then
  python3 bench/runtime/quads.py --binary "$pauses_bin" --smoke --doc "$docs/performance.md" >/dev/null
  python3 bench/runtime/markers.py --binary "$pauses_bin" --smoke --doc "$docs/performance.md" >/dev/null
else
  python3 bench/runtime/quads.py --binary "$pauses_bin" --out "$data/quads.json" \
    --doc "$docs/performance.md" --command "$command_line  # bench/runtime/quads.py"
  python3 bench/runtime/markers.py --binary "$pauses_bin" --out "$data/markers.json" \
    --doc "$docs/performance.md" --command "$command_line  # bench/runtime/markers.py"
fi

# -- 2c. what generations cost: GCBench, allocation, the toylang suite, the write barrier --------------
if [[ -x "$build_dir/bench/generations/bench_stores" ]]; then
  step "generations on against off, and the write barrier (bench/generations/generations.py)"
  if [[ $smoke -eq 1 ]]; then
    python3 bench/generations/generations.py --build "$build_dir" --smoke \
      --doc "$docs/performance.md" >/dev/null
  else
    python3 bench/generations/generations.py --build "$build_dir" --suite-reps 2 \
      --out "$data/generations.json" --doc "$docs/performance.md" \
      --command "$command_line  # bench/generations/generations.py --suite-reps 2"
  fi
else
  echo "bench.sh: note: no bench_stores in $build_dir (LLVM parts off?); its section is kept" >&2
fi

# -- 2d. threads: scaling 1 -> 2 -> 4 threads beside Chez and Guile; the per-thread state's cost --
step "threads: gcbench-threads on 1, 2 and 4 threads (bench/threads/threads.py)"
if [[ $smoke -eq 1 ]]; then
  # Checks every engine's checksum at 1, 2 and 4 threads, with collections and the verifier.
  python3 bench/threads/threads.py --toylang "$toylang" --smoke "${peers[@]}" >/dev/null
else
  python3 bench/threads/threads.py --toylang "$toylang" "${peers[@]}" --out "$data/threads.json" \
    --command "$command_line  # bench/threads/threads.py ${peers[*]}"
fi
if grep -q '^MOSAIC_BUILD_LLVM_PARTS:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  step "the JIT's per-thread state: thread pointer against constants (bench/compare.py)"
  if [[ $smoke -eq 1 ]]; then
    python3 bench/compare.py --old "$toylang" --new "$toylang" \
      --old-env MOSAIC_JIT_THREAD_STATE=constant --smoke --programs fib,gcbench,ray,strings \
      >/dev/null
  else
    python3 bench/compare.py --old "$toylang" --new "$toylang" \
      --old-env MOSAIC_JIT_THREAD_STATE=constant --reps 3 --out "$data/thread-state.json" \
      --command "$command_line  # bench/compare.py --old-env MOSAIC_JIT_THREAD_STATE=constant --reps 3"
  fi
fi

# -- 3. stack-map micro-benchmarks ------------------------------------------------------------------
stackmaps_json=()
stackmaps_cmd=""
if [[ -x "$stackmaps_bin" ]]; then
  step "stack-map root-scan benchmarks (bench_stackmaps)"
  "$stackmaps_bin" "${stackmaps_args[@]}" --benchmark_out="$data/stackmaps.json" \
    --benchmark_out_format=json | grep -E '^BM_' | grep -v '_(mean|median|stddev|cv) ' | cut -c1-120
  stackmaps_json=(--stackmaps "$data/stackmaps.json")
  stackmaps_cmd="${stackmaps_bin#"$root"/} ${stackmaps_args[*]} --benchmark_out=bench/data/stackmaps.json --benchmark_out_format=json"
else
  echo "bench.sh: note: no bench_stackmaps in $build_dir (LLVM parts off?); its section is kept" >&2
fi

# -- 3b. continuations: escape, capture, re-entry, tracing of captured segments -----------------------
continuations_json=()
if [[ -x "$continuations_bin" ]]; then
  step "continuation costs (bench_continuations)"
  "$continuations_bin" "${continuations_args[@]}" --benchmark_out="$data/continuations.json" \
    --benchmark_out_format=json | grep -E '^BM_' | grep -v '_(mean|median|stddev|cv) ' | cut -c1-120
  continuations_json=(--continuations "$data/continuations.json" --continuations-command
    "${continuations_bin#"$root"/} ${continuations_args[*]} --benchmark_out=bench/data/continuations.json --benchmark_out_format=json")
else
  echo "bench.sh: note: no bench_continuations in $build_dir (LLVM parts off?); its section is left out" >&2
fi

# -- 4. the toylang suite ---------------------------------------------------------------------------
step "toylang suite, start-up and roots study (bench/macro.py)"
python3 bench/macro.py --toylang "$toylang" --out "$data/suite.json" "${macro_args[@]}" \
  "${peers[@]}" --command "$command_line  # bench/macro.py ${macro_args[*]} ${peers[*]}"

# -- 5. the report ----------------------------------------------------------------------------------
step "report (bench/report.py, gnuplot)"
python3 bench/report.py --macro "$data/suite.json" "${stackmaps_json[@]}" "${continuations_json[@]}" \
  --performance "$docs/performance.md" --roots-report "$docs/roots-report.md" \
  --img-dir "$docs/img" --data-note "$data_note" --stackmaps-command "$stackmaps_cmd"

if [[ $smoke -eq 1 ]]; then
  # The generated documents must exist and name every program; every plot must be drawn.
  for name in time-ratio pauses root-depth retention live; do
    for ext in png svg; do
      [[ -s "$docs/img/$name.$ext" ]] || { echo "bench-smoke: $name.$ext missing" >&2; exit 1; }
    done
  done
  while IFS=$'\t' read -r name _; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    grep -q "\`$name\`" "$docs/performance.md" || { echo "bench-smoke: $name not in the report" >&2; exit 1; }
  done <bench/programs/sizes.tsv
  grep -q "Root-finding cost by stack depth" "$docs/roots-report.md"
  grep -q "Root-finding cost in minor collections" "$docs/roots-report.md"
  grep -q "Generations: quads" "$docs/performance.md"
  grep -q "Parallel marking: quads and GCBench" "$docs/performance.md"
  if [[ -x "$build_dir/bench/generations/bench_stores" ]]; then
    grep -q "Generations: what they cost where they cannot win" "$docs/performance.md"
  fi
  step "bench-smoke passed (documents in the checkout untouched)"
else
  step "done: docs/performance.md, docs/roots-report.md, docs/img/, bench/data/"
fi
