#!/bin/sh
# Runs the public r7rs-benchmarks programs (https://github.com/ecraven/r7rs-benchmarks, not
# part of this repository) under toylang, the way that suite's own `bench` script runs them:
# each program is the concatenation of a prelude (bench/r7rs/prelude.scm, written here), the
# program's source, the suite's common.scm and common-postlude.scm, run with the program's input
# file on standard input. The suite's harness checks each result itself and prints
# "Elapsed time: ..." for a correct one, "ERROR: returned incorrect result" otherwise.
#
#   bench/r7rs/run.sh SUITE_DIR [PROGRAM ...]
#
# SUITE_DIR is a checkout of r7rs-benchmarks (it has src/ and inputs/; a missing inputs/bib is
# replaced by a stand-in with the same counts, see make-bib.awk). Environment:
#   TOYLANG=path         the toylang binary (default build/examples/toylang/toylang)
#   TOYLANG_FLAGS=...    extra flags (e.g. --engine=interp)
#   CPU_LIMIT=seconds    per program (default 300, as in the suite)
#   OUT=dir              where the concatenated programs and logs go (default a temporary dir)
# Prints one line per program: name, verdict (ok / incorrect / error / killed), CPU seconds and
# the first line of the error, if any. Exit status 0 when every program printed a correct result.
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 SUITE_DIR [PROGRAM ...]" >&2; exit 2; }
suite=$(cd "$1" && pwd) || exit 2
shift
[ -f "$suite/src/common.scm" ] || { echo "$0: $suite has no src/common.scm" >&2; exit 2; }
toylang=${TOYLANG:-$root/build/examples/toylang/toylang}
[ -x "$toylang" ] || { echo "$0: no toylang at $toylang (make build, or set TOYLANG)" >&2; exit 2; }
limit=${CPU_LIMIT:-300}
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
# The programs that write files write them under outputs/ (the suite keeps that directory).
mkdir -p "$suite/outputs"
if [ $# -eq 0 ]; then
  # The suite's own list (its `bench` script), in its order.
  set -- browse deriv destruc diviter divrec puzzle triangl tak takl ntakl cpstak ctak \
    fib fibc fibfp sum sumfp fft mbrot mbrotZ nucleic pi pnpoly ray simplex \
    ack array1 string sum1 cat tail wc read1 \
    compiler conform dynamic earley graphs lattice matrix maze mazefun nqueens paraffins \
    parsing peval primes quicksort scheme slatex chudnovsky \
    nboyer sboyer gcbench mperm equal bv2string
fi
# cat, tail and wc read inputs/bib, a 4.4 MB file that some snapshots of the suite lack: make a
# stand-in with the original's line, word and character counts (make-bib.awk), checked here.
if [ ! -f "$suite/inputs/bib" ]; then
  if ! awk -f "$here/make-bib.awk" > "$suite/inputs/bib"; then
    echo "$0: cannot write the stand-in $suite/inputs/bib" >&2
    rm -f "$suite/inputs/bib"
    exit 2
  fi
  counts=$(wc < "$suite/inputs/bib" | awk '{print $1, $2, $3}')
  if [ "$counts" != "31102 851820 4460056" ]; then
    echo "$0: the stand-in inputs/bib has counts $counts" >&2
    exit 2
  fi
  echo "note: $suite/inputs/bib was missing; wrote a stand-in with the original's counts" >&2
fi
failed=0
for name in "$@"; do
  prog="$out/$name.scm"
  cat "$here/prelude.scm" "$suite/src/$name.scm" "$suite/src/common.scm" \
      "$suite/src/common-postlude.scm" > "$prog"
  log="$out/$name.log"
  # Some programs open files relative to the suite's directory (inputs/...), as in the suite.
  start=$(date +%s.%N)
  ( cd "$suite" && ulimit -t "$limit" && \
    /usr/bin/time -f '%U %S' -o "$out/$name.time" \
      "$toylang" ${TOYLANG_FLAGS:-} "$prog" < "$suite/inputs/$name.input" ) > "$log" 2>&1
  status=$?
  cpu=$(tail -1 "$out/$name.time" 2>/dev/null | awk '{printf "%.2f", $1 + $2}')
  if grep -q '^Elapsed time' "$log"; then
    verdict=ok
  elif grep -q 'returned incorrect result' "$log"; then
    verdict=incorrect
  elif [ $status -ge 128 ]; then
    verdict=killed
  else
    verdict=error
  fi
  [ $verdict = ok ] || failed=$((failed + 1))
  detail=""
  [ $verdict = ok ] || detail=$(grep -v '^Running\|^Command\|^[0-9.]* [0-9.]*$' "$log" | head -1 | cut -c1-150)
  printf '%-12s %-9s %7ss  %s\n' "$name" "$verdict" "${cpu:-?}" "$detail"
done
echo "$failed failed; programs and logs in $out"
[ $failed -eq 0 ]
