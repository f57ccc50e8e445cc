#!/usr/bin/env python3
"""Threads (issue 18): bench/threads/gcbench-threads.scm, GCBench split over 1, 2 and 4 worker
threads, in toylang (JIT with precise roots, JIT with conservative roots, the interpreter)
beside Chez Scheme (threaded build, fork-thread) and Guile 3 (call-with-new-thread), the same
source in all of them through the shims beside this file. Writes one JSON file of every run and
prints a Markdown summary: wall and CPU time per engine and thread count, scaling 1 -> 2 and
1 -> 4 threads (wall(1) / wall(n)), and for toylang the collector's pauses and time to
safepoint (--gc-stats=json).

    bench/threads/threads.py --toylang build-bench/examples/toylang/toylang
        [--reps 5] [--smoke] [--threads 1,2,4] [--engines jit-precise,chez]
        [--out bench/data/threads.json] [--no-peers] [--command "make bench"]
    bench/threads/threads.py --regen-expected [--sizes 6,15,19]   # bench/threads/expected.tsv
    bench/threads/threads.py --from-json bench/data/threads.json   # its summary again

Sizes (bench-size; the harness prepends `(define bench-size N)` and `(define bench-threads T)`,
then the peer's shim, to a temporary copy): full 19 (Chez Scheme at --optimize-level 2 takes
more than 1 s of CPU time on one thread), interp 15 for the interpreter in the full run (a
twentieth of the work; jit-precise runs at that size too, beside it), smoke 6. The total work is the same for every thread count, so ideal scaling on 2 cores halves
the wall time from 1 to 2 threads and gains nothing more at 4.

Each repetition runs every (engine, thread count) once, in a fresh random order, so load from
other users of the machine spreads over all of them. Before the timed runs Guile compiles each
file (compile-file into a private XDG_CACHE_HOME) and the two JIT engines run each once, untimed,
to fill a private code cache. Times are whole-process: wall clock, and CPU (user + system, wait4)
less the same engine's start-up (an empty program, median of 5 runs). toylang's wall time is
net of the final collection that --gc-stats adds. Every run's output must equal the checksum in
bench/threads/expected.tsv (computed by Guile, checked with Chez Scheme): a wrong answer stops
the run with status 1, so --smoke is a test of toylang's threads in every engine. --smoke also
runs toylang with a small collection threshold (gc-min=256K) and the heap verifier, so that the
collector stops and scans four running threads many times.
"""
import argparse
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BENCH = os.path.dirname(HERE)
sys.path.insert(0, BENCH)
sys.path.insert(0, os.path.join(BENCH, "runtime"))

from macro import (BenchError, git, machine, parse_gc_stats, read_tsv, run_once,  # noqa: E402
                   version_of)
from pause_report import pct  # noqa: E402

PROGRAM = os.path.join(HERE, "gcbench-threads.scm")
EXPECTED = os.path.join(HERE, "expected.tsv")
SHIMS = {"chez": os.path.join(HERE, "chez-shim.scm"),
         "guile": os.path.join(HERE, "guile-shim.scm")}
SIZES = {"full": 19, "interp": 15, "smoke": 6}
THREADS = [1, 2, 4]
TOYLANG_ENGINES = {
    "jit-precise": ["--engine=jit", "--roots=precise"],
    "jit-conservative": ["--engine=jit", "--roots=conservative"],
    "interp": ["--engine=interp", "--jit-cache=off"],
}
CACHED_ENGINES = ("jit-precise", "jit-conservative")
ENGINES = list(TOYLANG_ENGINES) + ["chez", "guile"]
# --smoke: collections while four threads run, each followed by the heap verifier.
SMOKE_GC_OPTIONS = "gc-min=256K,verify=1"
STARTUP_RUNS = 5


def note(text):
    print(f"threads.py: {text}", file=sys.stderr, flush=True)


def med(values):
    values = list(values)
    return statistics.median(values) if values else 0


class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.engines = {}   # name -> {"command": [...], "kind": ..., "version": ...}
        self.skipped = {}
        self.guile_env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"),
                              GUILE_AUTO_COMPILE="1")
        self.toylang_env = (dict(os.environ, MOSAIC_GC_OPTIONS=SMOKE_GC_OPTIONS)
                            if args.smoke else None)

    # -- engines ---------------------------------------------------------------------------------
    def find_engines(self, wanted):
        if self.args.toylang:
            toylang = os.path.abspath(self.args.toylang)
            if not os.access(toylang, os.X_OK):
                raise BenchError(f"{toylang} is not an executable toylang")
            version = version_of([toylang, "--version"]) or "toylang (unknown version)"
            has_jit = subprocess.run([toylang, "--engine=jit", "--jit-cache=off", "-e", "1"],
                                     capture_output=True, timeout=60).returncode == 0
            for name, flags in TOYLANG_ENGINES.items():
                if name.startswith("jit") and not has_jit:
                    self.skipped[name] = "this toylang was built without the JIT"
                    continue
                cache = ([f"--jit-cache={os.path.join(self.work, 'jit-cache-' + name)}"]
                         if name in CACHED_ENGINES else [])
                self.engines[name] = {"command": [toylang] + flags + cache + ["--gc-stats=json"],
                                      "kind": "toylang", "version": version}
        if not self.args.no_peers:
            chez = find_chez()
            if chez:
                exe, v = chez
                self.engines["chez"] = {"command": [exe, "--optimize-level", "2", "--script"],
                                        "kind": "peer", "version": f"Chez Scheme {v}"}
            else:
                self.skipped["chez"] = "threaded Chez Scheme 9.x not installed"
            guile = find_guile()
            if guile:
                exe, v = guile
                self.engines["guile"] = {"command": [exe, "-s"], "kind": "peer", "version": v}
            else:
                self.skipped["guile"] = "Guile 3 not installed"
        else:
            self.skipped["chez"] = self.skipped["guile"] = "--no-peers"
        if wanted:
            for name in list(self.engines):
                if name not in wanted:
                    del self.engines[name]
        for name, why in self.skipped.items():
            note(f"skipping {name}: {why}")
        if not self.engines:
            raise BenchError("no engine to run")

    # -- sources ---------------------------------------------------------------------------------
    def source(self, engine, size, threads):
        """The program for one engine, with the harness's definitions and the peer's shim."""
        kind = engine if engine in SHIMS else "toylang"
        path = os.path.join(self.work, f"{kind}-{size}-{threads}.scm")
        if not os.path.exists(path):
            with open(path, "w") as out:
                out.write(f"(define bench-size {size})\n(define bench-threads {threads})\n")
                if kind in SHIMS:
                    with open(SHIMS[kind]) as f:
                        out.write(f.read())
                with open(PROGRAM) as f:
                    out.write(f.read())
            if kind == "guile":
                guile_compile(self.engines["guile"]["command"][0], path, self.guile_env)
        return path

    def empty(self, engine):
        path = os.path.join(self.work, f"empty-{engine}.scm")
        if not os.path.exists(path):
            open(path, "w").close()
            if engine == "guile":
                guile_compile(self.engines["guile"]["command"][0], path, self.guile_env)
        return path

    # -- one run ---------------------------------------------------------------------------------
    def run(self, engine, path, expected):
        info = self.engines[engine]
        env = self.guile_env if engine == "guile" else (
            self.toylang_env if info["kind"] == "toylang" else None)
        status, out, err, wall, cpu, rss = run_once(info["command"] + [path], env)
        if status != 0:
            raise BenchError(f"{engine} failed (status {status}) on {path}:\n{err[-3000:]}")
        got = out.strip()
        if expected is not None and got != expected:
            raise BenchError(f"{engine} printed '{got[:200]}' for {os.path.basename(path)}; "
                             f"expected '{expected}'")
        record = {"engine": engine, "wall_ns": wall, "cpu_ns": cpu, "maxrss_bytes": rss,
                  "net_of_report_wall_ns": wall}
        if engine == "guile" and ";;; compiling" in err:
            note(f"guile compiled {os.path.basename(path)} in a timed run")
        if info["kind"] == "toylang":
            stats = parse_gc_stats(err)
            record["net_of_report_wall_ns"] = wall - stats.get("final_collection_ns", 0)
            record["gc"] = {k: stats[k] for k in (
                "collections", "total_pause_ns", "max_pause_ns", "p50_pause_ns", "p99_pause_ns",
                "max_time_to_safepoint_ns", "total_time_to_safepoint_ns", "total_root_ns",
                "total_mark_ns", "conservative_bytes_scanned", "jit_frames_visited",
                "peak_committed_bytes", "bytes_allocated", "pauses_ns", "gc_events_stride",
                "final_collection_ns", "peak_rss_bytes") if k in stats}
            record["code_cache_misses"] = stats.get("engine", {}).get("code_cache_misses", 0)
        return record

    # -- the benchmark -----------------------------------------------------------------------------
    def plan(self, threads):
        """(engine, size, thread count) of every timed run of one repetition: the interpreter
        at its smaller size, with jit-precise beside it at that size; the rest at full size."""
        size = SIZES["smoke" if self.args.smoke else "full"]
        interp_size = SIZES["smoke" if self.args.smoke else "interp"]
        tasks = []
        for e in self.engines:
            for t in threads:
                tasks.append((e, interp_size if e == "interp" else size, t))
                if e == "interp" and interp_size != size and "jit-precise" in self.engines:
                    tasks.append(("jit-precise", interp_size, t))
        return tasks

    def main_runs(self, threads, reps, expected):
        plan = self.plan(threads)
        for e, size, t in plan:
            if size not in expected:
                raise BenchError(f"no expected checksum at size {size}: run "
                                 "bench/threads/threads.py --regen-expected")
            self.source(e, size, t)  # writes the file (and compiles it for Guile)
        if "guile" in self.engines:
            note("guile: compiled every file (untimed warm-up)")
        for e, size, t in plan:
            if e in CACHED_ENGINES:
                r = self.run(e, self.source(e, size, t), expected[size])
                if r["code_cache_misses"] == 0:
                    raise BenchError(f"{e} warm-up at {t} threads compiled nothing: is the code "
                                     "cache shared with another run?")
        if any(e in CACHED_ENGINES for e in self.engines):
            note("the JIT engines compiled every file into their code caches (untimed warm-up)")
        runs = []
        for rep in range(1, reps + 1):
            tasks = list(plan)
            random.shuffle(tasks)
            for e, size, t in tasks:
                r = self.run(e, self.source(e, size, t), expected[size])
                if e in CACHED_ENGINES and r["code_cache_misses"]:
                    note(f"{e} at {t} threads: a timed run missed the code cache")
                r.update(rep=rep, size=size, threads=t)
                runs.append(r)
                note(f"rep {rep}/{reps} {e} size {size} threads {t}: "
                     f"wall {r['wall_ns'] / 1e9:.2f} s, CPU {r['cpu_ns'] / 1e9:.2f} s")
        return runs

    def startup_runs(self):
        runs = []
        for e in self.engines:
            if e in CACHED_ENGINES:
                self.run(e, self.empty(e), "")
        for i in range(1 if self.args.smoke else STARTUP_RUNS):
            for e in random.sample(list(self.engines), len(self.engines)):
                r = self.run(e, self.empty(e), "")
                runs.append({"engine": e, "wall_ns": r["wall_ns"], "cpu_ns": r["cpu_ns"]})
        return runs


def find_chez():
    for exe in ("scheme", "chezscheme"):
        if not shutil.which(exe):
            continue
        v = version_of([exe, "--version"])
        if not (v and v.startswith("9.")):
            continue
        p = subprocess.run([exe, "-q"], input="(display (threaded?))", capture_output=True,
                           text=True, timeout=30)
        if p.stdout.strip() == "#t":
            return exe, v
    return None


def find_guile():
    guile = shutil.which("guile")
    v = version_of([guile, "--version"]) if guile else None
    return (guile, v) if v and " 3." in v else None


def guile_compile(guile, path, env):
    """Compiles path into Guile's cache, where `guile -s path` will look for it."""
    code = f"(use-modules (system base compile)) (compile-file {json.dumps(path)})"
    status, _, err, _, _, _ = run_once([guile, "-c", code], env)
    if status != 0:
        raise BenchError(f"guile could not compile {path}:\n{err[-2000:]}")


def read_expected():
    if not os.path.exists(EXPECTED):
        return {}
    return {int(row[0]): row[1] for row in read_tsv(EXPECTED)}


def regen_expected(sizes):
    """expected.tsv: Guile's checksum at each size (one thread), checked with Chez Scheme at
    1 and 4 threads and with Guile at 4; the rows of other sizes are kept."""
    guile, chez = find_guile(), find_chez()
    if not guile or not chez:
        raise BenchError("--regen-expected needs Guile 3 and a threaded Chez Scheme 9")
    table = read_expected()
    with tempfile.TemporaryDirectory(prefix="mosaic-threads-") as work:
        def run(kind, size, threads):
            path = os.path.join(work, f"{kind}-{size}-{threads}.scm")
            with open(path, "w") as out, open(SHIMS[kind]) as shim, open(PROGRAM) as prog:
                out.write(f"(define bench-size {size})\n(define bench-threads {threads})\n")
                out.write(shim.read() + prog.read())
            cmd = ([guile[0], "-s"] if kind == "guile"
                   else [chez[0], "--optimize-level", "2", "--script"])
            env = dict(os.environ, XDG_CACHE_HOME=os.path.join(work, "cache"),
                       GUILE_AUTO_COMPILE="1")
            status, out, err, _, _, _ = run_once(cmd + [path], env, timeout=3600)
            if status != 0:
                raise BenchError(f"{kind} failed on size {size}: {err[-2000:]}")
            return out.strip()
        for size in sizes:
            want = run("guile", size, 1)
            for kind, threads in (("guile", 4), ("chez", 1), ("chez", 4)):
                got = run(kind, size, threads)
                if got != want:
                    raise BenchError(f"size {size}: Guile printed {want} on 1 thread, {kind} "
                                     f"{got} on {threads}")
            note(f"size {size}: {want}")
            table[size] = want
    with open(EXPECTED, "w") as f:
        f.write("# bench-size\tchecksum — generated by bench/threads/threads.py --regen-expected "
                "(Guile 3, checked with Chez Scheme at 1 and 4 threads); do not edit\n")
        f.write("".join(f"{size}\t{table[size]}\n" for size in sorted(table)))


# -- the summary -------------------------------------------------------------------------------------
def summarize(runs, startup, engines, threads):
    start = {e: med(r["cpu_ns"] for r in startup if r["engine"] == e) for e in engines}
    rows = []
    sizes = sorted({r["size"] for r in runs}, reverse=True)
    for size in sizes:
        for e in engines:
            by_t = {}
            for t in threads:
                rs = [r for r in runs if r["engine"] == e and r["size"] == size and
                      r["threads"] == t]
                if not rs:
                    continue
                row = {"engine": e, "size": size, "threads": t, "runs": len(rs),
                       "wall_ms": med(r["net_of_report_wall_ns"] for r in rs) / 1e6,
                       "wall_min_ms": min(r["net_of_report_wall_ns"] for r in rs) / 1e6,
                       "wall_max_ms": max(r["net_of_report_wall_ns"] for r in rs) / 1e6,
                       "cpu_ms": max(med(r["cpu_ns"] for r in rs) - start[e], 0) / 1e6,
                       "maxrss_mib": med(r["maxrss_bytes"] for r in rs) / 2**20}
                if "gc" in rs[0]:
                    pauses = [p for r in rs for p in r["gc"]["pauses_ns"]]
                    row.update(
                        collections=med(r["gc"]["collections"] for r in rs),
                        pause_p50_ms=pct(pauses, 0.5) / 1e6,
                        pause_p99_ms=pct(pauses, 0.99) / 1e6,
                        pause_max_ms=max(r["gc"]["max_pause_ns"] for r in rs) / 1e6,
                        pause_total_ms=med(r["gc"]["total_pause_ns"] for r in rs) / 1e6,
                        ttsp_max_ms=max(r["gc"]["max_time_to_safepoint_ns"] for r in rs) / 1e6,
                        ttsp_mean_ms=(sum(r["gc"]["total_time_to_safepoint_ns"] for r in rs) /
                                      max(sum(r["gc"]["collections"] for r in rs), 1) / 1e6))
                by_t[t] = row
                rows.append(row)
            for t, row in by_t.items():
                if 1 in by_t and row["wall_ms"] > 0:
                    row["scaling"] = by_t[1]["wall_ms"] / row["wall_ms"]
                    # Per repetition: wall(1) / wall(t) of the same repetition's runs.
                    pairs = []
                    for rep in {r["rep"] for r in runs}:
                        one = [r["net_of_report_wall_ns"] for r in runs if r["engine"] == e and
                               r["size"] == size and r["threads"] == 1 and r["rep"] == rep]
                        this = [r["net_of_report_wall_ns"] for r in runs if r["engine"] == e and
                                r["size"] == size and r["threads"] == t and r["rep"] == rep]
                        if one and this:
                            pairs.append(one[0] / this[0])
                    row["scaling_range"] = [min(pairs), max(pairs)] if pairs else None
    return {"startup_cpu_ms": {e: v / 1e6 for e, v in start.items()}, "rows": rows}


def report(summary, meta):
    lines = [
        f"gcbench-threads, {meta['reps']} repetitions, {meta['date']}, commit {meta['commit']}, "
        f"load average (1 min) {meta['machine']['load_average_start'][0]:.2f} at the start, "
        f"{meta['machine'].get('load_average_end', [0])[0]:.2f} at the end. "
        "Wall: median (min-max), net of toylang's --gc-stats collection; CPU: median less the "
        "engine's start-up; CPUs: CPU / wall, the cores the run kept busy on average. "
        "Scaling: wall(1 thread) / wall(n threads), median (range of the per-repetition "
        "ratios).",
        "",
        "| engine | size | threads | wall ms | CPU ms | CPUs | scaling | collections | "
        "pause p50 / p99 / max ms | time to safepoint mean / max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in summary["rows"]:
        scaling = "" if r["threads"] == 1 or "scaling" not in r else (
            f"{r['scaling']:.2f} ({r['scaling_range'][0]:.2f}-{r['scaling_range'][1]:.2f})")
        gc = ("| | |" if "collections" not in r else
              f"| {r['collections']:.0f} | {r['pause_p50_ms']:.2f} / {r['pause_p99_ms']:.2f} / "
              f"{r['pause_max_ms']:.2f} | {r['ttsp_mean_ms']:.3f} / {r['ttsp_max_ms']:.3f} |")
        lines.append(f"| {r['engine']} | {r['size']} | {r['threads']} | {r['wall_ms']:.0f} "
                     f"({r['wall_min_ms']:.0f}-{r['wall_max_ms']:.0f}) | {r['cpu_ms']:.0f} | "
                     f"{r['cpu_ms'] / max(r['wall_ms'], 1e-9):.2f} | {scaling} {gc}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--toylang", help="the toylang binary")
    ap.add_argument("--out", help="where to write the results (JSON)")
    ap.add_argument("--smoke", action="store_true", help="tiny size, one repetition")
    ap.add_argument("--reps", type=int, help="repetitions (default 5; smoke 1)")
    ap.add_argument("--threads", default=",".join(map(str, THREADS)),
                    help="thread counts (default 1,2,4)")
    ap.add_argument("--engines", help="comma-separated subset of " + ",".join(ENGINES))
    ap.add_argument("--no-peers", action="store_true", help="toylang engines only")
    ap.add_argument("--seed", type=int, help="random seed for the run order")
    ap.add_argument("--regen-expected", action="store_true",
                    help="rewrite bench/threads/expected.tsv with Guile and Chez Scheme")
    ap.add_argument("--sizes", help="with --regen-expected: only these sizes (default: "
                    "smoke, interp and full)")
    ap.add_argument("--command", default=" ".join(sys.argv), help="recorded in the results")
    ap.add_argument("--from-json", metavar="FILE",
                    help="print the summary of an earlier run's JSON (--out) and exit")
    a = ap.parse_args()
    if a.from_json:
        with open(a.from_json) as f:
            old = json.load(f)
        threads = sorted({r["threads"] for r in old["runs"]})
        print(report(summarize(old["runs"], old["startup"], list(old["engines"]), threads), old))
        return 0
    try:
        if a.regen_expected:
            regen_expected([int(n) for n in a.sizes.split(",")] if a.sizes
                           else sorted(set(SIZES.values())))
            return 0
        if not a.toylang and a.no_peers:
            raise BenchError("nothing to run: give --toylang or drop --no-peers")
        random.seed(a.seed)
        reps = a.reps or (1 if a.smoke else 5)
        threads = [int(t) for t in a.threads.split(",")]
        wanted = a.engines.split(",") if a.engines else None
        if wanted and set(wanted) - set(ENGINES):
            raise BenchError(f"unknown engines: {', '.join(sorted(set(wanted) - set(ENGINES)))}")
        expected = read_expected()
        started = time.time()
        date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        info = machine()
        with tempfile.TemporaryDirectory(prefix="mosaic-threads-") as work:
            bench = Bench(a, work)
            bench.find_engines(wanted)
            note(f"{len(bench.engines)} engines x threads {threads} x {reps} repetitions "
                 f"({'smoke' if a.smoke else 'full'} size)")
            runs = bench.main_runs(threads, reps, expected)
            startup = bench.startup_runs()
            engines = {e: {k: v for k, v in i.items()} for e, i in bench.engines.items()}
            skipped = bench.skipped
    except BenchError as e:
        print(f"threads.py: FAILED: {e}", file=sys.stderr)
        return 1
    info["load_average_end"] = os.getloadavg()
    meta = {"command": a.command, "date": date, "duration_s": round(time.time() - started, 1),
            "commit": git("rev-parse", "--short", "HEAD") or "unknown", "machine": info,
            "reps": reps, "mode": "smoke" if a.smoke else "full", "sizes": SIZES,
            "gc_options": SMOKE_GC_OPTIONS if a.smoke else None}
    summary = summarize(runs, startup, list(engines), threads)
    if a.smoke:
        # The collector must have stopped the running threads, or the smoke run tested little.
        for r in runs:
            if "gc" in r and r["threads"] == max(threads) and r["gc"]["collections"] == 0:
                print(f"threads.py: FAILED: {r['engine']} at {r['threads']} threads: no "
                      f"collection with {SMOKE_GC_OPTIONS}", file=sys.stderr)
                return 1
    results = dict(meta, engines=engines, skipped=skipped, expected=expected, runs=runs,
                   startup=startup, summary=summary)
    if a.out:
        os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
        with open(a.out, "w") as f:
            json.dump(results, f, indent=1)
            f.write("\n")
    print(report(summary, meta))
    note(f"every checksum verified; {len(runs)} runs in {meta['duration_s']} s"
         + (f"; results in {a.out}" if a.out else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
