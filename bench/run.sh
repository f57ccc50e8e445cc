#!/usr/bin/env bash
# Runs the runtime benchmarks (bench/runtime: allocation throughput, GCBench, threaded GCBench,
# time to safepoint, root-cell scan cost — Mosaic beside malloc/free and Boehm in one binary),
# saves Google Benchmark's JSON under bench/results/, and writes the tables into the runtime
# sections of docs/performance.md (between the runtime-bench markers; nothing else is touched).
#
#   bench/run.sh [--smoke] [--reps N] [--build-dir DIR] [--filter REGEX] [--no-write]
#                [--keep-json PATH]
#
#   --smoke       tiny sizes, one repetition, nothing written to docs/ (seconds; for CI)
#   --reps N      repetitions (default 5); each runs every benchmark once, each in its own
#                 process, in a shuffled order; the report uses medians
#   --build-dir   where bench_runtime was built (default: build-bench, configured Release)
#   --filter      only benchmarks matching REGEX (implies --no-write: the tables need them all)
#   --no-write    leave docs/performance.md alone
#   --keep-json   also copy the merged results to PATH (relative to the checkout) and name that
#                 copy in the document (make bench keeps it, committed, as bench/data/runtime.json)
#
# Build first:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#   cmake --build build-bench --target bench_runtime
# `make bench` (bench/bench.sh) runs this script as its first part.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
reps=5
smoke=0
write_doc=1
build_dir="$root/build-bench"
filter=""
keep_json=""
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
    --keep-json) keep_json=${2:?--keep-json needs a path}; shift 2 ;;
    --keep-json=*) keep_json=${1#--keep-json=}; shift ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
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

[[ -n "$filter" ]] && write_doc=0
mkdir -p "$root/bench/results"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
# Which runtime is measured: the last commit that touched runtime/, and whether the working tree
# differs from it (the binary is built from the working tree).
revision=$(git -C "$root" log -1 --format=%h -- runtime/ 2>/dev/null || echo unknown)
if [[ -n "$(git -C "$root" status --porcelain -- runtime/ 2>/dev/null)" ]]; then
  revision="$revision + uncommitted changes"
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [[ $smoke -eq 1 ]]; then
  # One process for everything: quick, and what CI runs.
  json_name="bench/results/runtime-smoke.json"
  smoke_args=(--smoke)
  [[ -n "$filter" ]] && smoke_args+=("--benchmark_filter=$filter")
  "$binary" "${smoke_args[@]}" --benchmark_out="$root/$json_name" --benchmark_out_format=json
  echo "run.sh: results in $json_name"
  exit 0
fi

# Each benchmark runs in its own process: Boehm's heap is process-wide and never shrinks, so in
# a shared process one benchmark's heap growth would change the next one's collection count.
# Each repetition runs every benchmark once, in a fresh random order, so that load from other
# users of the machine is spread over all allocators.
list_args=(--benchmark_list_tests=true)
[[ -n "$filter" ]] && list_args+=("--benchmark_filter=$filter")
mapfile -t names < <("$binary" "${list_args[@]}")
if [[ ${#names[@]} -eq 0 ]]; then
  echo "run.sh: no benchmark matches '$filter'" >&2
  exit 2
fi
echo "run.sh: ${#names[@]} benchmarks x $reps repetitions, one process each"
run=0
for ((rep = 1; rep <= reps; rep++)); do
  while IFS= read -r name; do
    run=$((run + 1))
    # Benchmark names contain only [A-Za-z0-9_/:]; anchor the regex to select exactly one.
    if ! "$binary" "--benchmark_filter=^${name}\$" --benchmark_out="$work/run-$run.json" \
      --benchmark_out_format=json >"$work/out.txt" 2>&1 || [[ ! -s "$work/run-$run.json" ]]; then
      cat "$work/out.txt" >&2
      echo "run.sh: $name (repetition $rep) failed" >&2
      exit 1
    fi
    grep '^BM_' "$work/out.txt" | cut -c1-160
  done < <(printf '%s\n' "${names[@]}" | shuf)
done

json_name="bench/results/runtime-$stamp.json"
doc_name=${keep_json:-$json_name}
doc_args=()
if [[ $write_doc -eq 1 ]]; then
  doc_args=(--doc "$root/docs/performance.md")
fi
python3 "$here/runtime/report.py" "$work"/run-*.json --command "$command_line" \
  --json-name "$doc_name" --merge-out "$root/$json_name" --revision "commit $revision" \
  "${doc_args[@]}" >/dev/null
echo "run.sh: results in $json_name"
if [[ -n "$keep_json" ]]; then
  mkdir -p "$(dirname "$root/$keep_json")"
  cp "$root/$json_name" "$root/$keep_json"
  echo "run.sh: kept a copy as $keep_json"
fi
if [[ $write_doc -eq 1 ]]; then
  cp "$root/$json_name" "$root/bench/results/runtime-latest.json"
  echo "run.sh: wrote the runtime sections of docs/performance.md (data: runtime-latest.json)"
fi
