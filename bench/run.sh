#!/usr/bin/env bash
# Runs the runtime benchmarks (bench/runtime: allocation throughput, GCBench, threaded GCBench,
# time to safepoint, root-cell scan cost — Mosaic beside malloc/free and Boehm in one binary),
# saves Google Benchmark's JSON under bench/results/, and writes the tables into the runtime
# sections of docs/performance.md (between the runtime-bench markers; nothing else is touched).
#
#   bench/run.sh [--smoke] [--reps N] [--build-dir DIR] [--filter REGEX] [--no-write]
#
#   --smoke       tiny sizes, one repetition, nothing written to docs/ (seconds; for CI)
#   --reps N      repetitions (default 5), randomly interleaved; the report uses medians
#   --build-dir   where bench_runtime was built (default: build-bench, configured Release)
#   --filter      only benchmarks matching REGEX (implies --no-write: the tables need them all)
#   --no-write    leave docs/performance.md alone
#
# Build first:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target bench_runtime
# The toylang interpreter benchmarks have their own driver: bench/toylang/run.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
reps=5
smoke=0
write_doc=1
build_dir="$root/build-bench"
filter=""
command_line="bench/run.sh${*:+ $*}"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --smoke) smoke=1; shift ;;
    --reps) reps=${2:?--reps needs a number}; shift 2 ;;
    --reps=*) reps=${1#--reps=}; shift ;;
    --build-dir) build_dir=${2:?--build-dir needs a directory}; shift 2 ;;
    --build-dir=*) build_dir=${1#--build-dir=}; shift ;;
    --filter) filter=${2:?--filter needs a regex}; shift 2 ;;
    --filter=*) filter=${1#--filter=}; shift ;;
    --no-write) write_doc=0; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$reps" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --reps expects a positive number, got '$reps'" >&2
  exit 2
fi
[[ "$build_dir" = /* ]] || build_dir="$PWD/$build_dir"
binary="$build_dir/bench/runtime/bench_runtime"
if [[ ! -x "$binary" ]]; then
  echo "run.sh: $binary not found; build it with" >&2
  echo "  cmake -S $root -B $build_dir -G Ninja -DCMAKE_BUILD_TYPE=Release" >&2
  echo "  cmake --build $build_dir --target bench_runtime" >&2
  exit 2
fi
build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build_dir/CMakeCache.txt" 2>/dev/null || true)
if [[ $smoke -eq 0 && "$build_type" != "Release" ]]; then
  echo "run.sh: warning: $build_dir is a '$build_type' build; publishable numbers need Release" >&2
fi

mkdir -p "$root/bench/results"
args=()
if [[ $smoke -eq 1 ]]; then
  args+=(--smoke)
  reps=1
  write_doc=0
  json_name="bench/results/runtime-smoke.json"
else
  json_name="bench/results/runtime-$(date -u +%Y%m%dT%H%M%SZ).json"
fi
if [[ -n "$filter" ]]; then
  args+=("--benchmark_filter=$filter")
  write_doc=0
fi
if [[ $reps -gt 1 ]]; then
  args+=("--benchmark_repetitions=$reps" --benchmark_enable_random_interleaving=true)
fi

"$binary" "${args[@]}" --benchmark_out="$root/$json_name" --benchmark_out_format=json
echo "run.sh: results in $json_name"

if [[ $write_doc -eq 1 ]]; then
  cp "$root/$json_name" "$root/bench/results/runtime-latest.json"
  python3 "$here/runtime/report.py" "$root/$json_name" --command "$command_line" \
    --json-name "$json_name" --doc "$root/docs/performance.md"
  echo "run.sh: wrote the runtime sections of docs/performance.md"
fi
