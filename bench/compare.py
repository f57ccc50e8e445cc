#!/usr/bin/env python3
"""Compares two toylang binaries (say, builds of two commits) on the suite: every program of
bench/programs at full size, the two binaries alternating in a random order, each with its own
warm code cache; prints the median CPU time (user + system, wait4) of each and their ratio, with
the spread of the per-repetition ratios.

    bench/compare.py --old OLD/examples/toylang/toylang --new NEW/examples/toylang/toylang
        [--reps 7] [--programs fib,tak] [--engine jit|interp]

Both binaries must print the expected checksum (bench/programs/expected.tsv). Use Release builds
on a quiet machine; the figures are for a commit message or an issue's note, not the report.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from macro import read_tsv, run_once  # noqa: E402

PROGRAMS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "programs")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", required=True)
    ap.add_argument("--new", required=True)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--programs", help="comma-separated names (default: all)")
    ap.add_argument("--engine", default="jit", choices=["jit", "interp"])
    a = ap.parse_args()
    for binary in (a.old, a.new):
        if not os.access(binary, os.X_OK):
            sys.exit(f"compare.py: {binary} is not an executable toylang")
    sizes = {row[0]: int(row[2]) for row in read_tsv(os.path.join(PROGRAMS, "sizes.tsv"))}
    expected = {(row[0], int(row[1])): row[2]
                for row in read_tsv(os.path.join(PROGRAMS, "expected.tsv"))}
    names = a.programs.split(",") if a.programs else sorted(sizes)
    ratios = []
    with tempfile.TemporaryDirectory(prefix="mosaic-compare-") as work:
        for name in names:
            size = sizes[name]
            path = os.path.join(work, f"{name}.scm")
            with open(os.path.join(PROGRAMS, f"{name}.scm")) as f, open(path, "w") as out:
                out.write(f"(define bench-size {size})\n" + f.read())
            cmds = {k: [binary, f"--engine={a.engine}", f"--jit-cache={work}/cache-{k}", path]
                    for k, binary in (("old", a.old), ("new", a.new))}
            times = {"old": [], "new": []}
            for rep in range(a.reps + 1):  # the first round fills the code caches, untimed
                order = ["old", "new"]
                random.shuffle(order)
                for k in order:
                    status, out, err, _, cpu, _ = run_once(cmds[k])
                    if status != 0 or out.strip() != expected.get((name, size)):
                        sys.exit(f"compare.py: {k} on {name}: status {status}, printed "
                                 f"{out.strip()[:80]!r}: {err[-500:]}")
                    if rep > 0:
                        times[k].append(cpu)
            pairs = sorted(n / o for o, n in zip(times["old"], times["new"]))
            ratio = statistics.median(times["new"]) / statistics.median(times["old"])
            ratios.append(ratio)
            print(f"{name:16s} old {statistics.median(times['old']) / 1e6:7.0f} ms   new "
                  f"{statistics.median(times['new']) / 1e6:7.0f} ms   new/old {ratio:.3f}   "
                  f"pairs {pairs[0]:.2f}-{pairs[-1]:.2f}", flush=True)
    print(f"geometric mean new/old: {statistics.geometric_mean(ratios):.3f}")


if __name__ == "__main__":
    main()
