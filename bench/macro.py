#!/usr/bin/env python3
"""Runs the toylang benchmark suite (bench/programs/*.scm) in every engine and writes one JSON
file of raw measurements, which bench/report.py turns into docs/performance.md and
docs/roots-report.md.

    bench/macro.py --toylang build-bench/examples/toylang/toylang --out results.json
                   [--smoke] [--reps N] [--startup-runs N] [--programs a,b] [--no-peers]

Engines: toylang's JIT with precise roots (jit-precise), the JIT with conservative roots
(jit-conservative), the tree-walking interpreter (interp), and, when installed, Chez Scheme 9.5
(chez, `scheme --optimize-level 2 --script`: safe code that checks types, like toylang) and
Guile 3 (guile, `guile -s`). A peer that is missing is skipped with
a note in the results. Guile and the two JIT engines compile each program once, untimed, into a
private cache in the harness's work directory (Guile's .go files under XDG_CACHE_HOME, written
by compile-file; toylang's code cache, --jit-cache=DIR, filled by one untimed run), so their
timed runs reuse that code;
jit-cold (precise roots, --jit-cache=off) compiles in every run, as a user's first run does.

Every program gets its size from the harness: a temporary copy starts with
`(define bench-size N)`, N from bench/programs/sizes.tsv (the smoke or the full column). Every
run's output must equal the checksum in bench/programs/expected.tsv, which Guile computed
(bench/programs/regen-expected.sh) — a wrong answer stops the run with status 1, so the smoke
mode is also a test of every engine on every program.

The interpreter is 10-50 times slower than Chez Scheme, so at full sizes (where Chez runs 1-3 s)
it would take most of the run's time. In the full mode it therefore runs each program once, in
the first repetition, at the smaller size of the interp column of sizes.tsv, and jit-precise
runs once more at that same size beside it (its code cache warmed like the others), so that the
report can give the interpreter's time over the JIT's on equal work. Every run records its
bench-size; the report's other tables use only the runs at the full size. The smoke mode runs
the interpreter like every other engine, at the smoke size, in every repetition.

Each repetition runs every program once in every engine, the engines in a fresh random order for
each program, so that load from other users of the machine spreads over all of them and ratios
of medians from one run compare like with like. Times are whole-process wall-clock and CPU
(user + system, from wait4) times; toylang runs also pass --gc-stats=json, whose final
collection (done only for the report) is subtracted from toylang's wall time.

Besides the suite: start-up (`toylang -e 1`, and an empty program in every engine, for net
times), and the roots study in toylang (bench/roots/depth.scm at several stack depths,
bench/roots/retention.scm), run in jit-precise, jit-conservative and interp.
"""
import argparse
import datetime
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROGRAMS = os.path.join(HERE, "programs")
ROOTS = os.path.join(HERE, "roots")

TOYLANG_ENGINES = {
    "jit-precise": ["--engine=jit", "--roots=precise"],
    "jit-conservative": ["--engine=jit", "--roots=conservative"],
    "jit-cold": ["--engine=jit", "--roots=precise", "--jit-cache=off"],
    "interp": ["--engine=interp"],
}
# The JIT engines that use the code cache (warmed before the timed runs); the others get
# --jit-cache=off so that neither the user's cache nor MOSAIC_JIT_CACHE plays a part.
CACHED_ENGINES = ("jit-precise", "jit-conservative")
# The roots study compares root modes; jit-cold is jit-precise without the cache.
ROOTS_ENGINES = ("jit-precise", "jit-conservative", "interp")

# The roots study: stack depths (frames) and retention depths, full and smoke.
DEPTHS = {"full": [10, 100, 1000, 10000], "smoke": [10, 100]}
RETENTION_DEPTHS = {"full": [10, 100, 1000], "smoke": [10]}
# Makes depth.scm's (collect) a minor collection (run with generational=on).
MINOR_PRELUDE = "(define %full-collect collect)\n(define (collect) (%full-collect 'minor))\n"


class BenchError(Exception):
    pass


def read_tsv(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            rows.append(line.split("\t"))
    return rows


def description(path):
    """The first sentence of the program's header comment, without its name."""
    lines = []
    with open(path) as f:
        for line in f:
            if not line.startswith(";;"):
                break
            lines.append(line[2:].strip())
    text = " ".join(lines)
    name = os.path.basename(path)[:-4] + ": "
    if text.startswith(name):
        text = text[len(name):]
    end = text.find(". ")
    return text[:end + 1] if end >= 0 else text


def run_once(cmd, env=None, timeout=600):
    """Runs cmd with stdout and stderr in temporary files; returns (status, stdout, stderr,
    wall_ns, cpu_ns, maxrss_bytes). wait4 gives the child's own resource usage."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter_ns()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                raise BenchError(f"timed out after {timeout} s: {' '.join(cmd)}")
            time.sleep(0.002)
        wall = time.perf_counter_ns() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # so Popen does not wait again
        out.seek(0)
        err.seek(0)
        cpu = int((usage.ru_utime + usage.ru_stime) * 1e9)
        return (proc.returncode, out.read().decode(errors="replace"),
                err.read().decode(errors="replace"), wall, cpu, usage.ru_maxrss * 1024)


def parse_gc_stats(stderr):
    """The --gc-stats=json object: the last line of stderr."""
    lines = [l for l in stderr.splitlines() if l.strip()]
    if not lines or not lines[-1].startswith("{"):
        raise BenchError("no --gc-stats=json line at the end of stderr:\n" + stderr[-2000:])
    stats = json.loads(lines[-1])
    for key in ("collections", "total_pause_ns", "total_root_ns", "final_live_bytes",
                "peak_rss_bytes", "engine", "pauses_ns", "live_after_gc_bytes"):
        if key not in stats:
            raise BenchError(f"--gc-stats=json lacks '{key}'")
    return stats


def version_of(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (p.stdout + p.stderr).strip()
    return text.splitlines()[0] if p.returncode == 0 and text else None


class Suite:
    def __init__(self, args):
        self.args = args
        self.mode = "smoke" if args.smoke else "full"
        self.work = tempfile.mkdtemp(prefix="mosaic-bench-")
        self.engines = {}   # name -> {"command": [...], "kind": "toylang"|"peer", "version": ...}
        self.skipped = {}   # name -> why
        self.log = sys.stderr

    def note(self, text):
        print(f"macro.py: {text}", file=self.log, flush=True)

    # -- engines ---------------------------------------------------------------------------------
    def find_engines(self):
        toylang = os.path.abspath(self.args.toylang)
        if not os.access(toylang, os.X_OK):
            raise BenchError(f"{toylang} is not an executable toylang")
        version = version_of([toylang, "--version"]) or "toylang (unknown version)"
        # A build without the LLVM parts refuses --engine=jit (status 2).
        has_jit = subprocess.run([toylang, "--engine=jit", "--jit-cache=off", "-e", "1"],
                                 capture_output=True, timeout=60).returncode == 0
        for name, flags in TOYLANG_ENGINES.items():
            if name.startswith("jit") and not has_jit:
                self.skipped[name] = "this toylang was built without the JIT (LLVM parts off)"
                continue
            if name in CACHED_ENGINES:
                cache = ["--jit-cache=" + os.path.join(self.work, "jit-cache")]
            elif "--jit-cache=off" not in flags:
                cache = ["--jit-cache=off"]
            else:
                cache = []
            self.engines[name] = {"command": [toylang] + flags + cache + ["--gc-stats=json"],
                                  "kind": "toylang", "version": version,
                                  "code_cache": "warm" if name in CACHED_ENGINES else "off"}
        if self.args.no_peers:
            self.skipped["chez"] = self.skipped["guile"] = "--no-peers"
            return
        chez_version = None
        for exe in ("scheme", "chezscheme"):
            if shutil.which(exe):
                v = version_of([exe, "--version"])
                if v and v.startswith("9."):
                    chez_version = v
                    # Optimize level 2 is the highest at which Chez still checks types and
                    # bounds (level 3 is unsafe), so it does what toylang does.
                    self.engines["chez"] = {"command": [exe, "--optimize-level", "2",
                                                        "--script"], "kind": "peer",
                                            "version": f"Chez Scheme {v}"}
                    break
        if chez_version is None:
            self.skipped["chez"] = ("Chez Scheme 9.x not installed "
                                    "(scripts/install-deps.sh --bench installs chezscheme)")
        guile = shutil.which("guile")
        v = version_of([guile, "--version"]) if guile else None
        if v and " 3." in v:
            self.guile_env = dict(os.environ, XDG_CACHE_HOME=os.path.join(self.work, "cache"),
                                  GUILE_AUTO_COMPILE="1")
            self.engines["guile"] = {"command": [guile, "-s"], "kind": "peer", "version": v}
        else:
            self.skipped["guile"] = ("Guile 3 not installed "
                                     "(scripts/install-deps.sh --bench installs guile-3.0)")
        for name, why in self.skipped.items():
            self.note(f"skipping {name}: {why}")

    def env_for(self, engine):
        return self.guile_env if engine == "guile" else None

    # -- one measured run --------------------------------------------------------------------------
    def run(self, engine, path, expected, extra=None, gc_options=None):
        info = self.engines[engine]
        cmd = info["command"] + [path]
        env = self.env_for(engine)
        if gc_options:
            env = dict(env or os.environ, MOSAIC_GC_OPTIONS=gc_options)
        status, out, err, wall, cpu, rss = run_once(cmd, env)
        if status != 0:
            raise BenchError(f"{engine} failed (status {status}) on {path}:\n{err[-3000:]}")
        if engine == "guile" and ";;; compiling" in err:
            # Never wrong, only slower: the warm-up's .go file was not used.
            self.note(f"guile compiled {os.path.basename(path)} in a timed run")
        got = out.strip()
        if expected is not None and got != expected:
            raise BenchError(f"{engine} printed '{got[:200]}' for {os.path.basename(path)}; "
                             f"expected '{expected}'")
        record = {"engine": engine, "wall_ns": wall, "cpu_ns": cpu, "maxrss_bytes": rss}
        if info["kind"] == "toylang":
            stats = parse_gc_stats(err)
            record["gc"] = stats
            # The final collection exists only for the report; it is not the program's time.
            record["net_of_report_wall_ns"] = wall - stats.get("final_collection_ns", 0)
        else:
            record["net_of_report_wall_ns"] = wall
        return record

    def prepare(self, source, size, tag, prelude=""):
        path = os.path.join(self.work, f"{tag}-{size}.scm")
        with open(source) as f, open(path, "w") as out:
            out.write(f"(define bench-size {size})\n{prelude}")
            out.write(f.read())
        return path

    # -- the suite ---------------------------------------------------------------------------------
    def programs(self):
        sizes = {row[0]: {"smoke": int(row[1]), "full": int(row[2]),
                          "interp": int(row[3]) if len(row) > 3 else int(row[2])}
                 for row in read_tsv(os.path.join(PROGRAMS, "sizes.tsv"))}
        expected = {(row[0], int(row[1])): row[2]
                    for row in read_tsv(os.path.join(PROGRAMS, "expected.tsv"))}
        chosen = sorted(sizes)
        if self.args.programs:
            wanted = self.args.programs.split(",")
            unknown = [p for p in wanted if p not in sizes]
            if unknown:
                raise BenchError(f"unknown programs: {', '.join(unknown)}")
            chosen = wanted
        result = {}
        for name in chosen:
            size = sizes[name][self.mode]
            # The interpreter's size: smaller than the full size (see the module's comment).
            interp_size = size if self.mode == "smoke" else sizes[name]["interp"]
            for n in {size, interp_size}:
                if (name, n) not in expected:
                    raise BenchError(f"no expected checksum for {name} at size {n}: run "
                                     "bench/programs/regen-expected.sh")
            source = os.path.join(PROGRAMS, f"{name}.scm")
            result[name] = {"size": size, "expected": expected[(name, size)],
                            "interp_size": interp_size,
                            "interp_expected": expected[(name, interp_size)],
                            "description": description(source),
                            "path": self.prepare(source, size, name),
                            "interp_path": self.prepare(source, interp_size, name)}
        return result

    def tasks(self, p, rep):
        """The runs of one program in one repetition: (engine, path, expected, size)."""
        reduced = p["interp_size"] != p["size"]
        out = []
        for engine in self.engines:
            if engine == "interp" and reduced:
                continue
            out.append((engine, p["path"], p["expected"], p["size"]))
        if reduced and rep == 1:
            if "interp" in self.engines:
                out.append(("interp", p["interp_path"], p["interp_expected"], p["interp_size"]))
            if "jit-precise" in self.engines:  # the interpreter's reference on equal work
                out.append(("jit-precise", p["interp_path"], p["interp_expected"],
                            p["interp_size"]))
        random.shuffle(out)
        return out

    def guile_compile(self, path):
        """Compiles path into Guile's cache, where `guile -s path` will look for it."""
        code = f"(use-modules (system base compile)) (compile-file {json.dumps(path)})"
        status, _, err, _, _, _ = run_once([self.engines["guile"]["command"][0], "-c", code],
                                           self.guile_env)
        if status != 0:
            raise BenchError(f"guile could not compile {path}:\n{err[-2000:]}")

    def run_suite(self, programs, reps):
        runs = []
        if "guile" in self.engines:
            # Guile compiles a file the first time it runs it. compile-file writes the .go file
            # where that automatic compilation would (compiled-file-name), so the timed runs
            # load it, and the warm-up costs a compilation instead of a whole run (Guile takes
            # minutes over the suite at the full sizes).
            for p in programs.values():
                self.guile_compile(p["path"])
            self.note("guile: compiled every program (untimed warm-up)")
        cached = [e for e in CACHED_ENGINES if e in self.engines]
        if cached:
            # The same for toylang's code cache: the first run compiles and stores the code.
            for name, p in programs.items():
                warm = [(e, p["path"], p["expected"]) for e in cached]
                if p["interp_size"] != p["size"] and "jit-precise" in cached:
                    warm.append(("jit-precise", p["interp_path"], p["interp_expected"]))
                for engine, path, expected in warm:
                    record = self.run(engine, path, expected)
                    if record["gc"].get("engine", {}).get("code_cache_misses", 0) == 0:
                        raise BenchError(f"{engine} warm-up of {name}: nothing was compiled; "
                                         "is the code cache directory shared with another run?")
            self.note(f"{', '.join(cached)}: compiled every program into the code cache "
                      "(untimed warm-up)")
        for rep in range(1, reps + 1):
            for name, p in programs.items():
                line = []
                for engine, path, expected, size in self.tasks(p, rep):
                    record = self.run(engine, path, expected)
                    record.update(program=name, rep=rep, size=size)
                    if engine in CACHED_ENGINES and (
                            record["gc"].get("engine", {}).get("code_cache_misses", 0) != 0):
                        # Never wrong, only slower (a key that differs from the warm-up's).
                        self.note(f"{engine} {name}: a timed run missed the code cache")
                    runs.append(record)
                    at = "" if size == p["size"] else f" (size {size})"
                    line.append(f"{engine}{at} {record['wall_ns'] / 1e9:.2f}s")
                self.note(f"rep {rep}/{reps} {name}: " + ", ".join(sorted(line)))
        return runs

    def run_startup(self, count):
        """Empty program in every engine (for net times) and `toylang -e 1`, interleaved."""
        empty = os.path.join(self.work, "empty.scm")
        open(empty, "w").close()
        if "guile" in self.engines:
            self.guile_compile(empty)
        runs = []
        toylang_engines = [e for e in self.engines if self.engines[e]["kind"] == "toylang"]
        for engine in CACHED_ENGINES:  # untimed: `-e 1` compiled into the code cache
            if engine in self.engines:
                run_once([c for c in self.engines[engine]["command"] if c != "--gc-stats=json"]
                         + ["-e", "1"])
        for i in range(count):
            order = list(self.engines) + [f"{e} -e 1" for e in toylang_engines]
            random.shuffle(order)
            for what in order:
                if what.endswith(" -e 1"):
                    engine = what[:-5]
                    cmd = [c for c in self.engines[engine]["command"] if c != "--gc-stats=json"]
                    status, out, err, wall, cpu, rss = run_once(cmd + ["-e", "1"])
                    if status != 0 or out.strip() != "1":
                        raise BenchError(f"toylang -e 1 failed ({engine}): {err[-1000:]}")
                    runs.append({"engine": engine, "what": "-e 1", "wall_ns": wall,
                                 "cpu_ns": cpu, "maxrss_bytes": rss})
                else:
                    record = self.run(what, empty, "")
                    record["what"] = "empty"
                    runs.append(record)
        return runs

    def run_roots(self, reps):
        """The roots study: stack depth and false retention, toylang engines only."""
        engines = [e for e in ROOTS_ENGINES if e in self.engines]
        depth_runs, retention_runs, minor_runs = [], [], []
        depth_src = os.path.join(ROOTS, "depth.scm")
        retention_src = os.path.join(ROOTS, "retention.scm")
        for rep in range(1, reps + 1):
            for depth in DEPTHS[self.mode]:
                path = self.prepare(depth_src, depth, "depth")
                for engine in random.sample(engines, len(engines)):
                    record = self.run(engine, path, str(depth * (depth + 1) // 2))
                    record.update(depth=depth, rep=rep)
                    depth_runs.append(record)
            # The same stacks under minor collections (generations on; (collect) made minor):
            # with little to mark, the stacks are a larger share of the pause.
            for depth in DEPTHS[self.mode]:
                path = self.prepare(depth_src, depth, "depth-minor", MINOR_PRELUDE)
                for engine in random.sample(engines, len(engines)):
                    record = self.run(engine, path, str(depth * (depth + 1) // 2),
                                      gc_options="generational=on")
                    record.update(depth=depth, rep=rep)
                    minor_runs.append(record)
            for depth in RETENTION_DEPTHS[self.mode]:
                path = self.prepare(retention_src, depth, "retention")
                for engine in random.sample(engines, len(engines)):
                    record = self.run(engine, path, str(depth * 1000))
                    record.update(depth=depth, rep=rep)
                    retention_runs.append(record)
            self.note(f"roots study rep {rep}/{reps} done")
        return depth_runs, retention_runs, minor_runs


def check_roots_study(depth_runs, retention_runs):
    """What the roots study's counters must show if the root modes do what they claim; a
    failure means a mode silently does something else (and the report would be meaningless)."""
    def per_gc(r, key):
        return r["gc"][key] / max(r["gc"]["collections"], 1)
    for r in depth_runs:
        e, d = r["engine"], r["depth"]
        frames = per_gc(r, "jit_frames_visited")
        if e == "jit-precise" and frames < d:
            raise BenchError(f"depth {d}, jit-precise: only {frames:.0f} JIT frames walked per "
                             "collection; the precise walker should see every frame")
        if e != "jit-precise" and frames != 0:
            raise BenchError(f"depth {d}, {e}: {frames:.0f} JIT frames walked precisely per "
                             "collection; this mode must scan every frame conservatively")
    for e in ("jit-conservative", "interp"):
        scanned = {}
        for r in depth_runs:
            if r["engine"] == e:
                scanned.setdefault(r["depth"], []).append(per_gc(r, "conservative_bytes_scanned"))
        depths = sorted(scanned)
        for lo, hi in zip(depths, depths[1:]):
            if min(scanned[hi]) <= max(scanned[lo]):
                raise BenchError(f"{e}: the conservative scan did not grow with the stack "
                                 f"(depth {lo}: {max(scanned[lo]):.0f} bytes, depth {hi}: "
                                 f"{min(scanned[hi]):.0f} bytes per collection)")
    for r in retention_runs:
        if r["engine"] != "jit-precise":
            continue
        dead = r["depth"] * 1000 * 16
        live = r["gc"]["live_after_gc_bytes"][-1] if r["gc"]["live_after_gc_bytes"] else 0
        if live > dead // 2 + (1 << 20):
            raise BenchError(f"retention depth {r['depth']}, jit-precise: {live} bytes live "
                             f"below frames whose {dead} bytes of lists are dead; precise roots "
                             "should not keep them")


def git(*args):
    try:
        return subprocess.run(["git", "-C", ROOT] + list(args), capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def machine():
    model = "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    mem = ""
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1048576:.0f} GiB RAM"
                break
    return {"cpu": model, "nproc": os.cpu_count(), "memory": mem,
            "kernel": f"{platform.system()} {platform.release()}",
            "load_average_start": os.getloadavg()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--toylang", required=True, help="the toylang binary")
    parser.add_argument("--out", required=True, help="where to write the results (JSON)")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--reps", type=int, help="repetitions (default 3; smoke 1)")
    parser.add_argument("--startup-runs", type=int, help="start-up runs (default 20; smoke 3)")
    parser.add_argument("--roots-reps", type=int, help="roots-study repetitions (default 3)")
    parser.add_argument("--programs", help="comma-separated subset")
    parser.add_argument("--no-peers", action="store_true", help="toylang engines only")
    parser.add_argument("--seed", type=int, help="random seed for the run order")
    parser.add_argument("--command", default=" ".join(sys.argv), help="recorded in the results")
    args = parser.parse_args()
    reps = args.reps or (1 if args.smoke else 3)
    startup_runs = args.startup_runs or (3 if args.smoke else 20)
    roots_reps = args.roots_reps or (1 if args.smoke else 3)
    random.seed(args.seed)

    suite = Suite(args)
    started = time.time()
    started_utc = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    try:
        suite.find_engines()
        programs = suite.programs()
        info = machine()
        suite.note(f"{len(programs)} programs x {len(suite.engines)} engines x {reps} "
                   f"repetitions ({suite.mode} sizes)")
        runs = suite.run_suite(programs, reps)
        startup = suite.run_startup(startup_runs)
        depth_runs, retention_runs, minor_runs = suite.run_roots(roots_reps)
        check_roots_study(depth_runs, retention_runs)
    except BenchError as e:
        print(f"macro.py: FAILED: {e}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(suite.work, ignore_errors=True)
    info["load_average_end"] = os.getloadavg()
    for p in programs.values():
        del p["path"], p["interp_path"]
    results = {
        "mode": suite.mode,
        "command": args.command,
        "date": started_utc,  # when the suite started
        "duration_s": round(time.time() - started, 1),
        "commit": git("rev-parse", "--short", "HEAD") or "unknown",
        # Only sources count: make bench itself rewrites docs/ and bench/data/ as it goes.
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no", "--", "runtime",
                          "stackmaps", "frontend", "jit", "examples", "bench/programs",
                          "bench/roots", "CMakeLists.txt", "cmake")),
        "machine": info,
        "reps": reps,
        "engines": {name: {k: v for k, v in e.items()} for name, e in suite.engines.items()},
        "skipped": suite.skipped,
        "programs": programs,
        "runs": runs,
        "startup": startup,
        "roots_depth": depth_runs,
        "roots_depth_minor": minor_runs,
        "retention": retention_runs,
    }
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)
        f.write("\n")
    suite.note(f"every checksum verified; {len(runs)} suite runs in {results['duration_s']} s; "
               f"results in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
