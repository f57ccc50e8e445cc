#!/usr/bin/env python3
"""Parallel marking: quads and GCBench (the bench_pauses binary) with markers=1 and markers=2,
interleaved, and the section of docs/performance.md between <!-- markers-bench:begin --> and
<!-- markers-bench:end -->.

    bench/runtime/markers.py --binary build-bench/bench/runtime/bench_pauses
        [--reps 3] [--smoke] [--out bench/data/markers.json] [--doc docs/performance.md]
        [--command "make bench"]

Programs: quads at depth 11 without generations (every collection marks the whole live tree),
GCBench on one mutator thread, and GCBench on two mutator threads at once (time to safepoint and
the pause p99 with parallel helpers beside two running mutators). Each run is its own process;
in every repetition the runs go in a fresh random order. Times are measured inside the process
around the program (start-up excluded). The report gives per program and marker count: median
wall and CPU time, collections, the pause distribution over all collections of all repetitions,
packets shared and stolen and marker idle time per collection; then the targets of issue 19.
"""
import argparse
import json
import random
import statistics
import subprocess
import sys

from pause_report import pct, write_section

PROGRAMS = [
    ("quads-11", ["--program=quads", "--collector=mosaic", "--depth=11"]),
    ("gcbench", ["--program=gcbench", "--collector=mosaic", "--threads=1", "--rounds=8"]),
    ("gcbench-2threads", ["--program=gcbench", "--collector=mosaic", "--threads=2",
                          "--rounds=4"]),
]
SMOKE = {
    "quads-11": ["--program=quads", "--collector=mosaic", "--depth=7", "--rounds=3"],
    "gcbench": ["--program=gcbench", "--collector=mosaic", "--threads=1", "--rounds=1"],
    "gcbench-2threads": ["--program=gcbench", "--collector=mosaic", "--threads=2", "--rounds=1"],
}
MARKERS = [1, 2]


def run_one(binary, args, markers):
    cmd = [binary] + args + [f"--gc-options=markers={markers}"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"markers.py: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    r = json.loads(p.stdout)
    if r["collections"] and r["markers"] != markers:
        sys.exit(f"markers.py: {' '.join(cmd)} ran with {r['markers']} markers")
    return r


def summarize(runs):
    pauses = [p for r in runs for p in r["pauses_ns"]]
    collections = sum(r["collections"] for r in runs) or 1
    return {
        "wall_ms": statistics.median(r["wall_ns"] for r in runs) / 1e6,
        "cpu_ms": statistics.median(r["cpu_ns"] for r in runs) / 1e6,
        "collections": statistics.median(r["collections"] for r in runs),
        "p50_pause_ms": pct(pauses, 0.5) / 1e6,
        "p99_pause_ms": pct(pauses, 0.99) / 1e6,
        "max_pause_ms": max(pauses, default=0) / 1e6,
        "mark_ms_per_gc": sum(r["total_mark_ns"] for r in runs) / collections / 1e6,
        "shared_per_gc": sum(r["mark_packets_shared"] for r in runs) / collections,
        "stolen_per_gc": sum(r["mark_packets_stolen"] for r in runs) / collections,
        "idle_ms_per_gc": sum(r["marker_idle_ns"] for r in runs) / collections / 1e6,
        "max_tts_ms": max(r["max_time_to_safepoint_ns"] for r in runs) / 1e6,
        "live_mib": runs[0]["live_bytes"] / 2**20,
    }


def report(results, reps, command):
    lines = [
        "### Parallel marking: quads and GCBench with 1 and 2 markers",
        "",
        "quads at depth 11 without generations (a 256 MiB live tree; every collection is full), "
        "GCBench at full size 8 times over on one mutator thread, and 4 times over on each of two at once. One process per run; "
        f"{reps} repetitions, runs interleaved in random order; times measured inside the "
        "process around the program; pauses over every collection of every repetition. "
        "Idle time is summed over the markers. Command: `" + command + "`.",
        "",
        "| program | markers | wall ms | CPU ms | collections | median pause ms | p99 pause ms | "
        "max pause ms | mark ms/GC | packets shared/GC | stolen/GC | idle ms/GC | "
        "max time to safepoint ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, _ in PROGRAMS:
        for m in MARKERS:
            s = results[name][str(m)]["summary"]
            lines.append(
                f"| {name} | {m} | {s['wall_ms']:.0f} | {s['cpu_ms']:.0f} | "
                f"{s['collections']:.0f} | {s['p50_pause_ms']:.2f} | {s['p99_pause_ms']:.2f} | "
                f"{s['max_pause_ms']:.2f} | {s['mark_ms_per_gc']:.2f} | "
                f"{s['shared_per_gc']:.1f} | {s['stolen_per_gc']:.1f} | "
                f"{s['idle_ms_per_gc']:.2f} | {s['max_tts_ms']:.2f} |")

    def verdict(ok):
        return "met" if ok else "**not met**"

    lines += ["", "Targets (2 markers against 1, on this 2-core machine):", ""]
    for name in ("quads-11", "gcbench"):
        one, two = results[name]["1"]["summary"], results[name]["2"]["summary"]
        pause = two["p50_pause_ms"] / max(one["p50_pause_ms"], 1e-9)
        wall = two["wall_ms"] / max(one["wall_ms"], 1e-9)
        cpu = two["cpu_ms"] / max(one["cpu_ms"], 1e-9)
        lines.append(
            f"- {name}: median pause {pause:.2f}× (target ≤ 0.6×): {verdict(pause <= 0.6)}; "
            f"whole-run wall time {wall:.2f}× (target ≤ 0.85×): {verdict(wall <= 0.85)}; "
            f"CPU time {cpu:.2f}×;")
    one, two = results["gcbench-2threads"]["1"]["summary"], results["gcbench-2threads"]["2"]["summary"]
    tts = two["max_tts_ms"] / max(one["max_tts_ms"], 1e-9)
    p99 = two["p99_pause_ms"] / max(one["p99_pause_ms"], 1e-9)
    lines.append(
        f"- gcbench with 2 mutator threads: max time to safepoint {tts:.2f}×, pause p99 "
        f"{p99:.2f}× (target ≤ 1.1× each): {verdict(tts <= 1.1 and p99 <= 1.1)}.")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--smoke", action="store_true", help="tiny quads, one repetition")
    ap.add_argument("--out")
    ap.add_argument("--doc")
    ap.add_argument("--command", default="bench/runtime/markers.py")
    a = ap.parse_args()
    reps = 1 if a.smoke else a.reps
    programs = [(n, SMOKE[n] if a.smoke else args) for n, args in PROGRAMS]
    results = {n: {str(m): {"runs": []} for m in MARKERS} for n, _ in PROGRAMS}
    rng = random.Random(19)
    for rep in range(reps):
        order = [(n, args, m) for n, args in programs for m in MARKERS]
        rng.shuffle(order)
        for n, args, m in order:
            r = run_one(a.binary, args, m)
            results[n][str(m)]["runs"].append(r)
            print(f"markers.py: rep {rep + 1}/{reps} {n} markers={m}: "
                  f"{r['wall_ns'] / 1e6:.0f} ms, {r['collections']} collections", file=sys.stderr)
    for n, _ in PROGRAMS:
        for m in MARKERS:
            results[n][str(m)]["summary"] = summarize(results[n][str(m)]["runs"])
    text = report(results, reps, a.command)
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(results, f, indent=1)
    if a.doc:
        write_section(a.doc, "markers-bench", text)


if __name__ == "__main__":
    main()
