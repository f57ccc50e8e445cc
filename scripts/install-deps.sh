#!/usr/bin/env bash
# Installs the Debian packages Mosaic needs to build and test, only those that are missing.
# Quiet and fast when everything is already there (Boehm GC is always needed: the runtime
# benchmarks link it).
#   --bench        also what `make bench` needs: the peers that bench/ compares against (Chez
#                  Scheme, Guile 3), Python 3 for the harness and report, gnuplot for the plots
#   --bench-smoke  what `make bench-smoke` needs: Python 3 and gnuplot (the peers are optional
#                  there: the smoke run skips a missing one with a note)
set -euo pipefail

packages=(cmake make ninja-build g++ pkg-config llvm-19-dev libabsl-dev libgtest-dev libgmock-dev
          libbenchmark-dev libedit-dev libgc-dev libgmp-dev zlib1g-dev libzstd-dev libffi-dev libxml2-dev
          python3)  # python3: make test runs the differential fuzzer (tests/fuzz)
case "${1:-}" in
  --bench) packages+=(gnuplot-nox chezscheme guile-3.0) ;;
  --bench-smoke) packages+=(gnuplot-nox) ;;
  "") ;;
  *) echo "install-deps.sh: unknown argument '$1' (--bench or --bench-smoke)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "mosaic: installing missing Debian packages: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "mosaic: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
