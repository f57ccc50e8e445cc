#!/usr/bin/env python3
"""Turns bench_runtime's Google Benchmark JSON into the markdown of the runtime sections of
docs/performance.md, and optionally writes it between the runtime-bench markers.

    report.py RESULTS.json --command "bench/run.sh ..." [--doc docs/performance.md]

Every figure is the median over the repetitions (each repetition runs each benchmark once, in
its own process, in a shuffled order, so a burst of load from other processes hits every
allocator alike and Boehm's process-wide heap never carries over from another benchmark). Ratios
are ratios of those medians, all from the same run.
"""
import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys

BEGIN = "<!-- runtime-bench:begin (written by bench/run.sh) -->"
END = "<!-- runtime-bench:end -->"


def load(paths):
    """Reads one or more result files (run.sh runs each benchmark in its own process, one file
    per run) and groups the per-repetition entries by benchmark name."""
    context = None
    runs = {}
    entries = []
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        if context is None:
            context = data["context"]
        for b in data["benchmarks"]:
            if b.get("run_type") != "iteration":
                continue
            if b.get("error_occurred"):
                sys.exit(f"report.py: {b['name']} failed: {b.get('error_message')}")
            name = re.sub(r"/(iterations:\d+|real_time|repeats:\d+)", "", b["run_name"])
            runs.setdefault(name, []).append(b)
            entries.append(b)
    if context is None:
        sys.exit("report.py: no result files")
    return context, runs, entries


def med(runs, name, field):
    values = []
    for b in runs.get(name, []):
        if field == "cpu_items_per_second":
            items = b["items_per_second"] * b["real_time"] / 1e3  # times are in ms
            values.append(items / (b["cpu_time"] / 1e3))
        elif field in b:
            values.append(float(b[field]))
    return statistics.median(values) if values else None


def fmt(v, digits=1):
    if v is None:
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def spread(runs, name, field):
    values = [float(b[field]) for b in runs.get(name, []) if field in b]
    return f"{fmt(min(values))}–{fmt(max(values))}" if values else "n/a"


def machine():
    model = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    cxx = subprocess.run(["c++", "--version"], capture_output=True, text=True).stdout
    return model, nproc, platform.release(), cxx.splitlines()[0] if cxx else "unknown"


def render(context, runs, command, json_rel, revision):
    model, nproc, kernel, cxx = machine()
    reps = max((len(v) for v in runs.values()), default=0)
    out = []
    w = out.append
    w(f"Measured {context.get('date', '?')} on `{model}`, nproc = {nproc} (shared with other "
      f"users; load average at start: {', '.join(f'{x:.1f}' for x in context.get('load_avg', []))}), "
      f"Linux {kernel}, {cxx}, Release build of runtime/ at {revision}, Boehm GC {context.get('boehm_version', '?')} "
      f"(Debian libgc, parallel marking: GC_get_parallel() = {context.get('boehm_parallel_markers', '?')}), "
      f"Google Benchmark {context.get('library_version', '1.7.1')} (Debian's package, built as "
      f"{context.get('library_build_type', '?')}; it only drives the loops). "
      f"{reps} repetitions; each repetition runs every benchmark once, each in a fresh process "
      f"(Boehm's heap is process-wide and never shrinks, so sharing a process would let one "
      f"benchmark's heap growth help the next), in a shuffled order. Every figure is the median "
      f"over the repetitions and ratios are ratios of medians from this one run. Raw data: "
      f"`{json_rel}`" + (" (git-ignored)." if json_rel.startswith("bench/results/") else "."))
    w("")
    w(f"    {command}")
    w("")
    w("Wall-clock figures suffer when other processes take the CPUs, and this machine is shared; "
      "the CPU-time figures (the benchmark thread's own CPU time, from Google Benchmark) are "
      "steadier for single-threaded loops but leave out helper threads: Boehm marks in parallel "
      "with one extra marker thread whose CPU time is not counted, so Boehm's CPU-time figures "
      "flatter it. Both are shown; when they disagree, say so rather than pick one.")
    w("")

    # Allocation.
    w("## Runtime: allocation")
    w("")
    w("100M objects per size, the newest 4,096 kept reachable in a ring, the rest dying young "
      "(`bench/runtime/alloc_bench.cc`). Mosaic: 16-byte objects are pairs (`AllocatePair`), 32 and "
      "64 bytes are `Allocate` of a `kAllValues` kind; the inline bump path returns cells that the "
      "slow path zeroed a hole at a time. malloc: glibc tcache, no zeroing, the ring frees the "
      "slot's previous object. Boehm: `GC_MALLOC` (cleared memory), ring in a `GC_MALLOC`'d array. "
      "Each loop writes the same two words into each object. Rates in millions of objects/s.")
    w("")
    w("| bytes | Mosaic | malloc | Boehm | Mosaic CPU-time rate | malloc CPU | Boehm CPU | "
      "Mosaic / Boehm | Mosaic / malloc | Mosaic GCs, max pause | Boehm GCs, max pause |")
    w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    verdict = []
    for size in (16, 32, 64):
        m = f"BM_Alloc_Mosaic/bytes:{size}"
        c = f"BM_Alloc_Malloc/bytes:{size}"
        b = f"BM_Alloc_Boehm/bytes:{size}"
        mr, cr, br = (med(runs, n, "items_per_second") for n in (m, c, b))
        mc, cc, bc = (med(runs, n, "cpu_items_per_second") for n in (m, c, b))
        to_m = lambda v: None if v is None else v / 1e6
        w(f"| {size} | {fmt(to_m(mr))} | {fmt(to_m(cr))} | {fmt(to_m(br))} | {fmt(to_m(mc))} | "
          f"{fmt(to_m(cc))} | {fmt(to_m(bc))} | {fmt(ratio(mr, br), 2)}× (CPU {fmt(ratio(mc, bc), 2)}×) | "
          f"{fmt(ratio(mr, cr), 2)}× (CPU {fmt(ratio(mc, cc), 2)}×) | "
          f"{fmt(med(runs, m, 'collections'))}, {fmt(med(runs, m, 'max_pause_us'))} µs | "
          f"{fmt(med(runs, b, 'collections'))}, {fmt(med(runs, b, 'max_pause_us'))} µs |")
        if size == 16:
            verdict = [ratio(mr, br), ratio(mr, cr), ratio(mc, bc), ratio(mc, cc)]
    w("")
    if verdict and None not in verdict:
        met3 = verdict[0] >= 3 and verdict[2] >= 3
        met_malloc = verdict[1] > 1 and verdict[3] > 1
        w(f"Target (16-byte objects: Mosaic at least 3× Boehm's rate and above malloc's): "
          f"3× Boehm **{'met' if met3 else 'not met'}** ({verdict[0]:.2f}× wall, "
          f"{verdict[2]:.2f}× CPU); above malloc **{'met' if met_malloc else 'not met'}** "
          f"({verdict[1]:.2f}× wall, {verdict[3]:.2f}× CPU).")
    w("")
    w("Max pauses are the median over repetitions of each repetition's longest pause; on a "
      "loaded machine a pause includes any time the collecting thread was descheduled. Boehm's "
      "pause is timed from `GC_EVENT_PRE_STOP_WORLD` to `GC_EVENT_POST_START_WORLD`; its sweep "
      "is lazy (done by later allocations, outside the pause) while Mosaic sweeps inside its "
      "pause. Boehm collects far more often here because its heap stays small (it grows the "
      "heap only as live data requires), while Mosaic waits for 8 MiB (`gc_min`) of allocation.")
    w("")

    # GCBench.
    w("## Runtime: GCBench")
    w("")
    w("Ellis–Kovac–Boehm GCBench written from its description (`bench/runtime/gcbench.h`): stretch "
      "tree of depth 18, a long-lived tree of depth 16 and an array of 500,000 doubles, then trees "
      "of depths 4, 6, …, 16 built top-down and bottom-up. 32-byte nodes under all three "
      "allocators; every run checks the shape of the trees it built and of the long-lived data. "
      "malloc/free frees each tree explicitly.")
    w("")
    w("| allocator | wall ms (median) | wall range | CPU ms | collections | max pause µs | "
      "total pause ms | heap MiB | mean live MiB after GC |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, n in (("Mosaic", "BM_GcBench_Mosaic"), ("Boehm", "BM_GcBench_Boehm"),
                     ("malloc/free", "BM_GcBench_Malloc")):
        w(f"| {label} | {fmt(med(runs, n, 'real_time'))} | {spread(runs, n, 'real_time')} | "
          f"{fmt(med(runs, n, 'cpu_time'))} | {fmt(med(runs, n, 'collections'))} | "
          f"{fmt(med(runs, n, 'max_pause_us'))} | {fmt(med(runs, n, 'total_pause_ms'))} | "
          f"{fmt(med(runs, n, 'peak_heap_MiB'))} | {fmt(med(runs, n, 'mean_live_MiB'))} |")
    mw = ratio(med(runs, "BM_GcBench_Mosaic", "real_time"), med(runs, "BM_GcBench_Boehm", "real_time"))
    mc = ratio(med(runs, "BM_GcBench_Mosaic", "cpu_time"), med(runs, "BM_GcBench_Boehm", "cpu_time"))
    mm = ratio(med(runs, "BM_GcBench_Mosaic", "real_time"), med(runs, "BM_GcBench_Malloc", "real_time"))
    w("")
    if mw is not None and mc is not None:
        def verdict(x):
            return "met" if x <= 0.6 else "not met"
        w(f"Mosaic / Boehm time: **{mw:.2f}×** wall, {mc:.2f}× CPU; Mosaic / malloc: {fmt(mm, 2)}× "
          f"wall. Target (at most 0.6× Boehm's time): **{verdict(mw)}** on wall time, "
          f"**{verdict(mc)}** on the benchmark thread's CPU time (which leaves out Boehm's "
          f"parallel marker thread, so it favours Boehm).")
    w("")
    w("Heap MiB: Mosaic's peak committed bytes for the benchmark's heap; Boehm's "
      "`GC_get_heap_size()` at the end (its heap never shrinks, so this is its peak).")
    w("")

    # Threads and root cells.
    w("## Runtime: threads and root cells")
    w("")
    w("### GCBench with 1 and 2 mutator threads")
    w("")
    w("The main thread builds the long-lived tree and array; each mutator thread then runs the "
      "stretch tree and the whole construction loop (`bench/runtime/gcbench_threads.cc`), so two "
      "threads do twice the work: with two idle cores the ideal 2-thread time equals the "
      "1-thread time. Wall-clock ms, medians.")
    w("")
    w("| threads | Mosaic | Boehm | malloc/free | Mosaic / Boehm | Mosaic GCs, max pause µs | "
      "Mosaic max time to safepoint µs | Boehm GCs, max pause µs |")
    w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in (1, 2):
        m = f"BM_GcBenchThreads_Mosaic/threads:{t}"
        b = f"BM_GcBenchThreads_Boehm/threads:{t}"
        c = f"BM_GcBenchThreads_Malloc/threads:{t}"
        w(f"| {t} | {fmt(med(runs, m, 'real_time'))} | {fmt(med(runs, b, 'real_time'))} | "
          f"{fmt(med(runs, c, 'real_time'))} | "
          f"{fmt(ratio(med(runs, m, 'real_time'), med(runs, b, 'real_time')), 2)}× | "
          f"{fmt(med(runs, m, 'collections'))}, {fmt(med(runs, m, 'max_pause_us'))} | "
          f"{fmt(med(runs, m, 'max_ttsp_us'))} | "
          f"{fmt(med(runs, b, 'collections'))}, {fmt(med(runs, b, 'max_pause_us'))} |")
    w("")
    w("### Time to safepoint")
    w("")
    w("Mutator threads spin on `mosaic::Safepoint()` while the benchmark thread calls "
      "`Heap::Collect()` 500 times, 200 µs apart (`bench/runtime/safepoint_bench.cc`). The "
      "distribution comes from a `GcEvent` listener (`time_to_safepoint_ns`); "
      "`GcStats::max_time_to_safepoint_ns` is shown beside it. With 2 spinners plus the "
      "collector there are 3 runnable threads on 2 shared cores, so the tail measures the OS "
      "scheduler (a spinner that is not on a CPU cannot poll), not the poll.")
    w("")
    w("| spinners | p50 µs | p99 µs | max µs | GcStats max µs | pause p50 µs | pause max µs | "
      "polls/s per thread |")
    w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for s in (1, 2):
        n = f"BM_TimeToSafepoint/spinners:{s}"
        polls = med(runs, n, "polls_per_s_per_thread")
        w(f"| {s} | {fmt(med(runs, n, 'ttsp_p50_us'))} | {fmt(med(runs, n, 'ttsp_p99_us'))} | "
          f"{fmt(med(runs, n, 'ttsp_max_us'))} | {fmt(med(runs, n, 'stats_max_ttsp_us'))} | "
          f"{fmt(med(runs, n, 'pause_p50_us'))} | {fmt(med(runs, n, 'pause_max_us'))} | "
          f"{'n/a' if polls is None else f'{polls / 1e6:,.0f}M'} |")
    w("")
    w("### Root-cell scan cost")
    w("")
    w("`bench/runtime/root_cell_bench.cc`: allocate the cells (each holding its own pair), free "
      "all but every `keep_every`-th, collect once to drop the garbage, then time 50 explicit "
      "collections. \"Cells\" is `GcStats::root_cell_ns` per collection: walking the occupancy "
      "bitmaps *and* marking each live cell's pair (the visit marks what it finds).")
    w("")
    w("| cells allocated | live | cells µs / GC | all roots µs / GC | pause µs / GC | max pause µs |")
    w("| ---: | ---: | ---: | ---: | ---: | ---: |")
    for total, keep in ((1000000, 10), (100000, 1), (0, 1)):
        n = f"BM_RootCells/cells:{total}/keep_every:{keep}"
        w(f"| {total:,} | {fmt(med(runs, n, 'live_cells'))} | {fmt(med(runs, n, 'root_cell_us_per_gc'))} | "
          f"{fmt(med(runs, n, 'all_roots_us_per_gc'))} | {fmt(med(runs, n, 'pause_us_per_gc'))} | "
          f"{fmt(med(runs, n, 'max_pause_us'))} |")
    w("")
    w("### Weakness: pause against the number of weak objects")
    w("")
    w("`bench/runtime/weak_bench.cc`: N live keys held by a vector and, by row, N ephemerons with "
      "independent keys, one chain of N ephemerons (each value the next key, built in the worst "
      "order, so the fixpoint follows N links), N weak pairs, or none (the same heap without "
      "weak objects); Boehm's N disappearing links to held objects beside them. Each run "
      "collects 10 times; figures are the pause per collection and per object. Linear cost "
      "shows as a flat ns / object down a column.")
    w("")
    kinds = (("Ephemerons", "Mosaic ephemerons"), ("EphemeronChain", "Mosaic ephemeron chain"),
             ("Pairs", "Mosaic weak pairs"), ("None", "Mosaic, no weak objects"))
    sizes = (1000, 10000, 100000, 1000000)
    w("| N | " + " | ".join(f"{label} µs / GC (ns / object)" for _, label in kinds) +
      " | Boehm disappearing links µs / GC (ns / object) |")
    w("| ---: |" + " ---: |" * (len(kinds) + 1))
    for n in sizes:
        cells = []
        for kind, _ in kinds:
            name = f"BM_Weak_{kind}_Mosaic/{n}"
            cells.append(f"{fmt(med(runs, name, 'pause_us'))} ({fmt(med(runs, name, 'ns_per_object'))})")
        name = f"BM_Weak_Links_Boehm/{n}"
        cells.append(f"{fmt(med(runs, name, 'pause_us'))} ({fmt(med(runs, name, 'ns_per_object'))})")
        w(f"| {n:,} | " + " | ".join(cells) + " |")
    w("")
    return "\n".join(out).replace("n/a×", "n/a")


def write_doc(doc, block):
    text = open(doc).read() if os.path.exists(doc) else "# Performance\n"
    section = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + section + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(doc, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("json", nargs="+", help="Google Benchmark JSON files of one run")
    ap.add_argument("--command", required=True)
    ap.add_argument("--json-name", help="how the document refers to the JSON file")
    ap.add_argument("--doc", help="write into this markdown file between the runtime markers")
    ap.add_argument("--merge-out", help="also write all entries into one JSON file")
    ap.add_argument("--revision", default="unknown",
                    help="which runtime was measured (run.sh passes the last commit of runtime/)")
    args = ap.parse_args()
    context, runs, entries = load(args.json)
    if args.merge_out:
        with open(args.merge_out, "w") as f:
            json.dump({"context": context, "benchmarks": entries}, f, indent=1)
    block = render(context, runs, args.command, args.json_name or args.json[0], args.revision)
    if args.doc:
        write_doc(args.doc, block)
    else:
        print(block)


if __name__ == "__main__":
    main()
