#!/usr/bin/env bash
# Runs the toylang interpreter benchmarks (programs/*.scm: fib, tak, nqueens, binary-trees) in
# toylang and in every peer that is installed (Guile 3, Chez Scheme 9.5: install them with
# scripts/install-deps.sh --bench), several repetitions each, and writes a markdown table of the
# median wall-clock times and the ratios toylang/Guile and toylang/Chez into the
# "toylang interpreter" section of docs/performance.md (between the toylang-bench markers).
#
#   bench/toylang/run.sh [--reps N] [--toylang PATH] [--no-write]
#
# The same source file runs unchanged in all three. Times are whole-process wall-clock times,
# so they include each implementation's start-up; the "startup" row (an empty program) shows how
# much. Every run's output is checked against the first implementation's, so a wrong answer
# cannot produce a fast time. Guile compiles a program the first time it sees it: one untimed
# warm-up run per implementation and program comes first (its compiled cache lives in a
# temporary directory).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reps=5
write_doc=1
toylang=${TOYLANG:-}
command_line="bench/toylang/run.sh $*"

while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --reps=*) reps=${1#--reps=}; shift ;;
    --toylang) toylang=$2; shift 2 ;;
    --toylang=*) toylang=${1#--toylang=}; shift ;;
    --no-write) write_doc=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ "$reps" =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: --reps expects a positive number, got '$reps'" >&2
  exit 2
fi

if [[ -z "$toylang" ]]; then
  for candidate in "$root"/build*/examples/toylang/toylang; do
    if [[ -x "$candidate" ]]; then toylang=$candidate; break; fi
  done
fi
if [[ -z "$toylang" || ! -x "$toylang" ]]; then
  echo "run.sh: no toylang binary found; build it or pass --toylang PATH" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '' >"$work/empty.scm"

impls=(toylang)
declare -A cmd
cmd[toylang]="$toylang"
if command -v guile >/dev/null 2>&1; then
  impls+=(guile)
  # A private compiled-file cache: the warm-up run compiles, the timed runs load the result.
  export XDG_CACHE_HOME="$work/cache"
  cmd[guile]="guile -s"
fi
if command -v scheme >/dev/null 2>&1 && scheme --version 2>&1 | grep -q '^9\.'; then
  impls+=(chez)
  cmd[chez]="scheme --script"
elif command -v chezscheme >/dev/null 2>&1; then
  impls+=(chez)
  cmd[chez]="chezscheme --script"
fi

now_ns() { date +%s%N; }

# Prints the median of the numbers on standard input.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# run_one IMPL PROGRAM: runs once, prints the elapsed nanoseconds; the output goes to $work/out.
run_one() {
  local start end
  start=$(now_ns)
  # shellcheck disable=SC2086
  ${cmd[$1]} "$2" >"$work/out" 2>"$work/err" || {
    echo "run.sh: $1 failed on $2:" >&2
    head -n 20 "$work/err" >&2
    exit 1
  }
  end=$(now_ns)
  echo $((end - start))
}

declare -A median_ms
programs=(startup fib tak nqueens binary-trees)
for program in "${programs[@]}"; do
  file="$here/programs/$program.scm"
  [[ "$program" == startup ]] && file="$work/empty.scm"
  expected=""
  for impl in "${impls[@]}"; do
    run_one "$impl" "$file" >/dev/null  # warm-up (and Guile's compilation)
    output=$(cat "$work/out")
    if [[ "$impl" == "${impls[0]}" ]]; then
      expected=$output
    elif [[ "$output" != "$expected" ]]; then
      echo "run.sh: $impl printed '$output' for $program, ${impls[0]} printed '$expected'" >&2
      exit 1
    fi
    times=()
    for ((i = 0; i < reps; i++)); do times+=("$(run_one "$impl" "$file")"); done
    ms=$(printf '%s\n' "${times[@]}" | median | awk '{ printf "%.1f", $1 / 1e6 }')
    median_ms[$impl,$program]=$ms
    echo "$program $impl: median $ms ms over $reps runs" >&2
  done
done

# net IMPL PROGRAM: the median minus the same implementation's start-up median (>= 0).
net() {
  awk -v t="${median_ms[$1,$2]}" -v s="${median_ms[$1,startup]}" 'BEGIN { d = t - s; if (d < 0) d = 0; printf "%.1f", d }'
}

# ratio A B: A/B on net times. A peer whose net time is under 30 ms is within start-up noise on a
# shared machine, so no ratio is claimed for it.
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b >= 30) printf "%.1f×", a / b; else print "n/a (peer net < 30 ms)" }'
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
table="$work/table.md"
{
  echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on ${cpu:-unknown CPU} ($(nproc) cores available, shared), $(uname -sr)."
  echo "toylang: tree-walking interpreter (\`--engine=interp\`, default heap options), $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo 'unknown commit')."
  echo "Peers: $(guile --version 2>/dev/null | head -n 1 || true)${cmd[chez]:+; Chez Scheme $(${cmd[chez]%% *} --version 2>&1)}."
  echo "Command: \`$command_line\` — median wall-clock time of $reps runs per cell, in milliseconds,"
  echo "process start-up included (the \"startup\" row runs an empty program); in parentheses the net"
  echo "time, the median minus that implementation's start-up median. Ratios are toylang's net time"
  echo "over the peer's net time (higher = toylang slower)."
  echo
  header="| program |"
  rule="| --- |"
  for impl in "${impls[@]}"; do header+=" $impl (ms) |"; rule+=" ---: |"; done
  [[ -n "${cmd[guile]:-}" ]] && { header+=" toylang / Guile (net) |"; rule+=" ---: |"; }
  [[ -n "${cmd[chez]:-}" ]] && { header+=" toylang / Chez (net) |"; rule+=" ---: |"; }
  echo "$header"
  echo "$rule"
  for program in "${programs[@]}"; do
    row="| $program |"
    if [[ "$program" == startup ]]; then
      for impl in "${impls[@]}"; do row+=" ${median_ms[$impl,$program]} |"; done
      [[ -n "${cmd[guile]:-}" ]] && row+=" |"
      [[ -n "${cmd[chez]:-}" ]] && row+=" |"
      echo "$row"
      continue
    fi
    for impl in "${impls[@]}"; do row+=" ${median_ms[$impl,$program]} ($(net "$impl" "$program")) |"; done
    [[ -n "${cmd[guile]:-}" ]] && row+=" $(ratio "$(net toylang "$program")" "$(net guile "$program")") |"
    [[ -n "${cmd[chez]:-}" ]] && row+=" $(ratio "$(net toylang "$program")" "$(net chez "$program")") |"
    echo "$row"
  done
} >"$table"
cat "$table"

if [[ "$write_doc" -eq 1 ]]; then
  doc="$root/docs/performance.md"
  begin='<!-- toylang-bench:begin (written by bench/toylang/run.sh) -->'
  end='<!-- toylang-bench:end -->'
  if [[ ! -f "$doc" ]] || ! grep -qF "$begin" "$doc"; then
    echo "run.sh: $doc has no toylang-bench markers; not written" >&2
    exit 1
  fi
  awk -v begin="$begin" -v end="$end" -v table="$table" '
    $0 == begin { print; while ((getline line < table) > 0) print line; skipping = 1; next }
    $0 == end { skipping = 0 }
    !skipping { print }
  ' "$doc" >"$work/doc" && cp "$work/doc" "$doc"
  echo "run.sh: wrote the table into docs/performance.md" >&2
fi
