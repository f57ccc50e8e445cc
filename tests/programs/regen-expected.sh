#!/bin/sh
# Regenerates the expected standard output (<case>.out) of every golden program by running it
# under Guile 3, an independent Scheme implementation, so that toylang's output is never the
# source of its own expectations. Usage:
#
#   tests/programs/regen-expected.sh [CASE.scm ...]     (default: every case)
#
# GUILE=/path/to/guile overrides the interpreter. Guile runs each program with
# guile-prelude.scm loaded first, from this directory (as the CTest runner runs toylang).
#
# Skipped: the errors/ area and any case with a line "; expected: by-hand"; their .out and .err
# are written by hand from the message formats in docs/design/frontend-contracts.md. A case
# whose Guile exit status differs from its "; exit: N" line (default 0) is reported and fails
# the script, and its .out is left alone.
set -u
here=$(cd "$(dirname "$0")" && pwd)
guile=${GUILE:-guile}
command -v "$guile" >/dev/null 2>&1 || {
  echo "regen-expected.sh: '$guile' not found (apt-get install guile-3.0)" >&2
  exit 2
}
cd "$here" || exit 2
if [ $# -eq 0 ]; then set -- */*.scm; fi
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
failed=0
for case in "$@"; do
  case=${case#"$here"/}
  case "$case" in errors/*) continue ;; esac
  if grep -q '^; expected: by-hand' "$case"; then continue; fi
  want=$(sed -n 's/^; exit: *\([0-9][0-9]*\).*/\1/p' "$case" | head -n 1)
  want=${want:-0}
  cat guile-prelude.scm "$case" >"$tmp/program.scm"
  "$guile" --no-auto-compile -s "$tmp/program.scm" >"$tmp/out" 2>"$tmp/err"
  status=$?
  if [ "$status" -ne "$want" ]; then
    echo "FAIL $case: guile exited with $status, expected $want" >&2
    grep -v '^WARNING: (guile-user): imported module' "$tmp/err" | head -n 20 >&2
    failed=1
    continue
  fi
  cp "$tmp/out" "${case%.scm}.out"
  echo "ok   $case"
done
exit $failed
