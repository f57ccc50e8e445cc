#!/usr/bin/env python3
"""Runs the quads benchmark (bench/runtime/pause_bench.cc, the bench_pauses binary) in every collector
configuration, interleaved, and writes the JSON of every run and the report section of
docs/performance.md between <!-- quads-bench:begin --> and <!-- quads-bench:end -->.

    bench/runtime/quads.py --binary build-bench/bench/runtime/bench_pauses
        [--depths 10,11] [--reps 3] [--smoke] [--out bench/data/quads.json]
        [--doc docs/performance.md] [--command "make bench"]

Configurations: Mosaic without generations (mosaic), with them (mosaic-gen), and Boehm's
collector (boehm) on the same program in the same binary; each run is its own process, so peak
RSS belongs to it. In every repetition the configurations run in a fresh random order. The
report gives, per depth: median whole-run wall and CPU time, collections (minor/major), the
pause distribution over all collections of all repetitions (median, p99, max), and median peak
RSS; then the generational targets of issue 15 as ratios to the non-generational collector.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

from pause_report import pct, write_section

CONFIGS = [
    ("mosaic", ["--collector=mosaic"]),
    ("mosaic-gen", ["--collector=mosaic-gen"]),
    ("boehm", ["--collector=boehm"]),
]


def run_one(binary, args, depth, rounds):
    cmd = [binary] + args + [f"--depth={depth}", f"--rounds={rounds}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"quads.py: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return json.loads(p.stdout)


def summarize(runs):
    pauses = [p for r in runs for p in r["pauses_ns"]]
    minor = [p for r in runs for p, m in zip(r["pauses_ns"], r["pause_minor"]) if m]
    major = [p for r in runs for p, m in zip(r["pauses_ns"], r["pause_minor"]) if not m]
    return {
        "wall_ms": statistics.median(r["wall_ns"] for r in runs) / 1e6,
        "cpu_ms": statistics.median(r["cpu_ns"] for r in runs) / 1e6,
        "collections": statistics.median(r["collections"] for r in runs),
        "minor": statistics.median(r["minor"] for r in runs),
        "major": statistics.median(r["major"] for r in runs),
        "p50_pause_ms": pct(pauses, 0.5) / 1e6,
        "p99_pause_ms": pct(pauses, 0.99) / 1e6,
        "max_pause_ms": max(pauses, default=0) / 1e6,
        "p50_minor_ms": pct(minor, 0.5) / 1e6,
        "p50_major_ms": pct(major, 0.5) / 1e6,
        "rss_mib": statistics.median(r["peak_rss_bytes"] for r in runs) / 2**20,
        "live_mib": runs[0]["live_bytes"] / 2**20,
    }


def report(results, depths, reps, command):
    lines = [
        "### Generations: quads",
        "",
        "A complete 4-ary tree of 40-byte nodes of depth D stays live (48-byte cells); 20 rounds "
        "each allocate heap/7.5 bytes of depth-3 garbage trees and walk the live tree; the heap "
        "is 2.5 times the live tree (`heap-max` for Mosaic). One process per run; "
        f"{reps} repetitions, configurations interleaved in random order; pauses over every "
        "collection of every repetition. Command: `" + command + "`.",
        "",
        "| depth | collector | live MiB | wall ms | CPU ms | collections (minor/major) | "
        "median pause ms | p99 pause ms | max pause ms | peak RSS MiB |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for d in depths:
        for name, _ in CONFIGS:
            s = results[str(d)][name]["summary"]
            lines.append(
                f"| {d} | {name} | {s['live_mib']:.0f} | {s['wall_ms']:.0f} | {s['cpu_ms']:.0f} | "
                f"{s['collections']:.0f} ({s['minor']:.0f}/{s['major']:.0f}) | "
                f"{s['p50_pause_ms']:.2f} | {s['p99_pause_ms']:.2f} | {s['max_pause_ms']:.2f} | "
                f"{s['rss_mib']:.0f} |")
    d = str(max(depths))
    g = results[d]["mosaic-gen"]["summary"]
    n = results[d]["mosaic"]["summary"]
    def verdict(ok):
        return "met" if ok else "**not met**"
    lines += [
        "",
        f"Targets at depth {d} (generational against non-generational Mosaic):",
        "",
        f"- median pause {g['p50_pause_ms']:.2f} ms (target ≤ 2 ms): "
        f"{verdict(g['p50_pause_ms'] <= 2.0)};",
        f"- p99 pause {g['p99_pause_ms']:.2f} ms against the non-generational maximum "
        f"{n['max_pause_ms']:.2f} ms: {g['p99_pause_ms'] / max(n['max_pause_ms'], 1e-9):.2f}× "
        f"(target ≤ 1.0×): {verdict(g['p99_pause_ms'] <= n['max_pause_ms'])};",
        f"- whole-run wall time {g['wall_ms'] / n['wall_ms']:.2f}× (target ≤ 0.7×): "
        f"{verdict(g['wall_ms'] <= 0.7 * n['wall_ms'])}; CPU time "
        f"{g['cpu_ms'] / n['cpu_ms']:.2f}×;",
        f"- peak RSS {g['rss_mib'] / n['rss_mib']:.2f}× (target ≤ 1.0×): "
        f"{verdict(g['rss_mib'] <= n['rss_mib'])}.",
    ]
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--depths", default="10,11")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--smoke", action="store_true", help="depth 6, 3 rounds, one repetition")
    ap.add_argument("--out")
    ap.add_argument("--doc")
    ap.add_argument("--command", default="bench/runtime/quads.py")
    a = ap.parse_args()
    depths = [6] if a.smoke else [int(x) for x in a.depths.split(",")]
    reps = 1 if a.smoke else a.reps
    rounds = 3 if a.smoke else a.rounds
    results = {str(d): {name: {"runs": []} for name, _ in CONFIGS} for d in depths}
    for rep in range(reps):
        for d in depths:
            order = list(CONFIGS)
            random.shuffle(order)
            for name, args in order:
                r = run_one(a.binary, args, d, rounds)
                if r["error"]:
                    sys.exit(f"quads.py: {name} depth {d}: {r['error']}")
                results[str(d)][name]["runs"].append(r)
                print(f"quads: rep {rep + 1}/{reps} depth {d} {name}: "
                      f"{r['wall_ns'] / 1e6:.0f} ms, {r['collections']} collections",
                      file=sys.stderr)
    for d in depths:
        for name, _ in CONFIGS:
            results[str(d)][name]["summary"] = summarize(results[str(d)][name]["runs"])
    text = report(results, depths, reps, a.command)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"command": a.command, "results": results}, f)
    if a.doc:
        write_section(a.doc, "quads-bench", text)
    print(text)


if __name__ == "__main__":
    main()
