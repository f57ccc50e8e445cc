#!/usr/bin/env python3
"""Compares two toylang binaries (say, builds of two commits) on the suite: every program of
bench/programs at full size, the two binaries alternating in a random order, each with its own
warm code cache; prints the median CPU time (user + system, wait4) of each and their ratio, with
the spread of the per-repetition ratios, and the ratio net of each side's start-up (an empty
program, median of 5 runs).

    bench/compare.py --old OLD/examples/toylang/toylang --new NEW/examples/toylang/toylang
        [--reps 7] [--programs fib,tak] [--engine jit|interp] [--smoke] [--out results.json]
        [--old-env VAR=VALUE ...] [--new-env VAR=VALUE ...]

--old-env and --new-env set environment variables for one side only, so one binary can be
compared with itself under two settings; `make bench` measures the JIT's per-thread state
access that way (issue 18: the single-threaded suite must not get slower than 1.03x):

    bench/compare.py --old T --new T --old-env MOSAIC_JIT_THREAD_STATE=constant --reps 2

Both sides must print the expected checksum (bench/programs/expected.tsv). Use Release builds
on a quiet machine. --smoke runs the smoke sizes once (a check that both sides run, not a
measurement). --out writes every time and the summary as JSON.
"""
import argparse
import datetime
import json
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
    ap.add_argument("--old-env", action="append", default=[], metavar="VAR=VALUE",
                    help="set for the old side's runs only (repeatable)")
    ap.add_argument("--new-env", action="append", default=[], metavar="VAR=VALUE",
                    help="set for the new side's runs only (repeatable)")
    ap.add_argument("--smoke", action="store_true", help="smoke sizes, one repetition")
    ap.add_argument("--out", help="write the times and ratios as JSON")
    ap.add_argument("--limit", type=float, default=1.03,
                    help="name the programs whose new/old ratio is above this (default 1.03)")
    ap.add_argument("--command", default=" ".join(sys.argv), help="recorded in --out")
    a = ap.parse_args()
    if a.smoke:
        a.reps = 1
    envs = {}
    for k, pairs in (("old", a.old_env), ("new", a.new_env)):
        env = dict(os.environ)
        for pair in pairs:
            if "=" not in pair:
                sys.exit(f"compare.py: --{k}-env wants VAR=VALUE, got {pair!r}")
            var, value = pair.split("=", 1)
            env[var] = value
        envs[k] = env
    for binary in (a.old, a.new):
        if not os.access(binary, os.X_OK):
            sys.exit(f"compare.py: {binary} is not an executable toylang")
    sizes = {row[0]: int(row[1 if a.smoke else 2]) for row in read_tsv(os.path.join(PROGRAMS, "sizes.tsv"))}
    expected = {(row[0], int(row[1])): row[2]
                for row in read_tsv(os.path.join(PROGRAMS, "expected.tsv"))}
    names = a.programs.split(",") if a.programs else sorted(sizes)
    ratios, net_ratios = [], []
    results = {}
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mosaic-compare-") as work:
        # Each side's start-up (an empty program, median of 5 after a warm-up), for net ratios.
        empty = os.path.join(work, "empty.scm")
        with open(empty, "w") as f:
            f.write("(define bench-size 0)\n")
        startup_runs = {"old": [], "new": []}
        for rep in range(6):
            for k in random.sample(["old", "new"], 2):
                binary = a.old if k == "old" else a.new
                status, _, err, _, cpu, _ = run_once(
                    [binary, f"--engine={a.engine}", f"--jit-cache={work}/cache-{k}", empty],
                    envs[k])
                if status != 0:
                    sys.exit(f"compare.py: {k} on an empty program: status {status}: {err[-500:]}")
                if rep > 0:
                    startup_runs[k].append(cpu)
        startup = {k: statistics.median(v) for k, v in startup_runs.items()}
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
                    status, out, err, _, cpu, _ = run_once(cmds[k], envs[k])
                    if status != 0 or out.strip() != expected.get((name, size)):
                        sys.exit(f"compare.py: {k} on {name}: status {status}, printed "
                                 f"{out.strip()[:80]!r}: {err[-500:]}")
                    if rep > 0:
                        times[k].append(cpu)
            pairs = sorted(n / o for o, n in zip(times["old"], times["new"]))
            ratio = statistics.median(times["new"]) / statistics.median(times["old"])
            net = (max(statistics.median(times["new"]) - startup["new"], 1) /
                   max(statistics.median(times["old"]) - startup["old"], 1))
            ratios.append(ratio)
            net_ratios.append(net)
            results[name] = {"size": size, "old_cpu_ns": times["old"],
                             "new_cpu_ns": times["new"], "ratio": ratio, "net_ratio": net,
                             "pair_ratios": pairs}
            print(f"{name:16s} old {statistics.median(times['old']) / 1e6:7.0f} ms   new "
                  f"{statistics.median(times['new']) / 1e6:7.0f} ms   new/old {ratio:.3f}   "
                  f"net {net:.3f}   pairs {pairs[0]:.2f}-{pairs[-1]:.2f}", flush=True)
    gmean = statistics.geometric_mean(ratios)
    net_gmean = statistics.geometric_mean(net_ratios)
    print(f"start-up CPU: old {startup['old'] / 1e6:.0f} ms, new {startup['new'] / 1e6:.0f} ms")
    print(f"geometric mean new/old: {gmean:.3f} (net of start-up {net_gmean:.3f})")
    over = sorted(n for n, r in results.items() if r["ratio"] > a.limit)
    print(f"above {a.limit:.2f}: " + (", ".join(f"{n} {results[n]['ratio']:.3f}" for n in over)
                                       if over else "none"))
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump({"command": a.command, "date": date, "load_average_start": load,
                       "load_average_end": os.getloadavg(), "old": a.old, "new": a.new,
                       "old_env": a.old_env, "new_env": a.new_env, "engine": a.engine,
                       "reps": a.reps, "smoke": a.smoke, "programs": results,
                       "startup_cpu_ns": startup_runs, "geometric_mean": gmean,
                       "net_geometric_mean": net_gmean, "limit": a.limit, "above_limit": over},
                      f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
