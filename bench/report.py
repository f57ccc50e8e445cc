#!/usr/bin/env python3
"""Turns the results of bench/macro.py (and bench_stackmaps' Google Benchmark JSON) into the
generated sections of docs/performance.md, the whole of docs/roots-report.md and the plots in
docs/img/ (PNG and SVG, drawn by gnuplot from the scripts in bench/plots/).

    bench/report.py --macro macro.json [--stackmaps stackmaps.json] --performance FILE
                    --roots-report FILE --img-dir DIR [--data-note TEXT]

--performance names a markdown file whose suite and stack-map sections (between their markers)
are replaced; nothing else in it is touched. The smoke run points all three outputs into a
temporary directory so that the committed documents stay as they are.

Statistics: every time is the median over the repetitions with its range (min–max); ratios are
ratios of medians from the same run, with the range of the per-repetition ratios (the engines
run back to back within a repetition, so a per-repetition ratio compares runs made under the same
load). "Net" times subtract the engine's median start-up time (an empty program).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ in the checkout for the two helper modules
from report_text import roots_report_markdown, stackmaps_markdown, suite_markdown

HERE = os.path.dirname(os.path.abspath(__file__))
PLOTS = os.path.join(HERE, "plots")
MARKERS = {
    "suite": ("<!-- suite-bench:begin (written by make bench: bench/report.py) -->",
              "<!-- suite-bench:end -->"),
    "stackmaps": ("<!-- stackmaps-bench:begin (written by make bench: bench/report.py) -->",
                  "<!-- stackmaps-bench:end -->"),
}
ENGINE_ORDER = ["jit-precise", "jit-conservative", "jit-cold", "interp", "chez", "guile"]
PAUSE_PROGRAMS = ["live-heap", "gcbench", "binary-trees", "mergesort", "strings"]


def median(values):
    return statistics.median(values) if values else None


class Results:
    """Indexes the raw runs of one macro.py results file."""

    def __init__(self, data):
        self.data = data
        self.engines = [e for e in ENGINE_ORDER if e in data["engines"]]
        self.toylang = [e for e in self.engines if data["engines"][e]["kind"] == "toylang"]
        self.programs = list(data["programs"])
        # Runs at the program's full (or smoke) size; in the full mode the interpreter runs at
        # a smaller size (its interp_size), once, beside one jit-precise run at that size:
        # those go into by_interp, for interp_ratio, and nowhere else.
        self.by = {}
        self.by_interp = {}
        for r in data["runs"]:
            info = data["programs"][r["program"]]
            size = r.get("size", info["size"])
            if size == info["size"]:
                self.by.setdefault((r["program"], r["engine"]), []).append(r)
            if size == info.get("interp_size", info["size"]):
                self.by_interp.setdefault((r["program"], r["engine"]), []).append(r)
        # The engines with runs at the full size (all of them, but the interpreter in the
        # full mode): the columns of the suite's tables.
        self.suite_engines = [e for e in self.engines
                              if any((p, e) in self.by for p in self.programs)]
        self.startup = {}
        for r in data["startup"]:
            self.startup.setdefault((r["engine"], r["what"]), []).append(r)

    def times(self, program, engine):
        return [r["net_of_report_wall_ns"] / 1e6 for r in self.by.get((program, engine), [])]

    def time(self, program, engine):
        return median(self.times(program, engine))

    def spread(self, program, engine):
        t = self.times(program, engine)
        return (min(t), max(t)) if t else (None, None)

    def startup_ms(self, engine, what="empty"):
        runs = self.startup.get((engine, what), [])
        return median([r["net_of_report_wall_ns"] / 1e6 if "net_of_report_wall_ns" in r
                       else r["wall_ns"] / 1e6 for r in runs])

    def startup_maxrss(self, engine):
        return median([r["maxrss_bytes"] for r in self.startup.get((engine, "empty"), [])])

    def startup_runs(self, engine, what):
        return [r["wall_ns"] / 1e6 for r in self.startup.get((engine, what), [])]

    def net(self, program, engine):
        t, s = self.time(program, engine), self.startup_ms(engine)
        if t is None or s is None:
            return None
        return max(t - s, 1.0)  # never below 1 ms: a ratio of noise would be meaningless

    def ratio(self, program, a, b, net=False):
        """Ratio of medians a/b, and the range of per-repetition ratios."""
        ta = self.net(program, a) if net else self.time(program, a)
        tb = self.net(program, b) if net else self.time(program, b)
        if ta is None or tb is None:
            return None, None
        sa, sb = (self.startup_ms(a), self.startup_ms(b)) if net else (0, 0)
        per_rep = []
        ra = {r["rep"]: r["net_of_report_wall_ns"] / 1e6 for r in self.by[(program, a)]}
        rb = {r["rep"]: r["net_of_report_wall_ns"] / 1e6 for r in self.by[(program, b)]}
        for rep in sorted(set(ra) & set(rb)):
            per_rep.append(max(ra[rep] - sa, 1.0) / max(rb[rep] - sb, 1.0))
        return ta / tb, (min(per_rep), max(per_rep)) if per_rep else None

    def interp_ratio(self, program):
        """The interpreter's median time over the precise JIT's at the interpreter's size, and
        the range of per-repetition ratios; (None, None) without both."""
        a = self.by_interp.get((program, "interp"), [])
        b = self.by_interp.get((program, "jit-precise"), [])
        if not a or not b:
            return None, None
        ta = median([r["net_of_report_wall_ns"] for r in a])
        tb = median([r["net_of_report_wall_ns"] for r in b])
        ra = {r["rep"]: r["net_of_report_wall_ns"] for r in a}
        rb = {r["rep"]: r["net_of_report_wall_ns"] for r in b}
        per_rep = [ra[k] / rb[k] for k in sorted(set(ra) & set(rb))]
        return ta / tb, (min(per_rep), max(per_rep)) if per_rep else None

    def interp_times(self, program):
        """(bench-size, median interpreter ms, median precise-JIT ms) at the interpreter's size."""
        info = self.data["programs"][program]
        t = lambda e: median([r["net_of_report_wall_ns"] / 1e6
                              for r in self.by_interp.get((program, e), [])])
        return info.get("interp_size", info["size"]), t("interp"), t("jit-precise")

    def gc(self, program, engine, field):
        """Median over the repetitions of one --gc-stats field (toylang engines)."""
        values = [r["gc"][field] for r in self.by.get((program, engine), []) if "gc" in r]
        return median(values)

    def gc_engine(self, program, engine, field):
        values = [r["gc"]["engine"][field] for r in self.by.get((program, engine), [])
                  if "gc" in r]
        return median(values)

    def pauses(self, program, engine):
        """Every recorded pause (ns) of every repetition."""
        out = []
        for r in self.by.get((program, engine), []):
            out.extend(r.get("gc", {}).get("pauses_ns", []))
        return out

    def mean_live(self, program, engine, at_interp_size=False):
        """Median over repetitions of the mean live bytes after the run's collections (with
        at_interp_size, of the runs at the interpreter's size)."""
        means = []
        for r in (self.by_interp if at_interp_size else self.by).get((program, engine), []):
            live = r.get("gc", {}).get("live_after_gc_bytes", [])
            if live:
                means.append(sum(live) / len(live))
        return median(means)

    def maxrss(self, program, engine):
        return median([r["maxrss_bytes"] for r in self.by.get((program, engine), [])])

    def depth_table(self, key="roots_depth"):
        """{(engine, depth): {field: median per collection}} from the depth study (key
        roots_depth_minor: the same stacks under minor collections)."""
        groups = {}
        for r in self.data.get(key, []):
            groups.setdefault((r["engine"], r["depth"]), []).append(r["gc"])
        table = {}
        for key, stats in groups.items():
            def per_gc(field):
                return median([s[field] / s["collections"] for s in stats if s["collections"]])
            table[key] = {
                "collections": median([s["collections"] for s in stats]),
                "root_us": per_gc("total_root_ns") / 1e3,
                "pause_us": per_gc("total_pause_ns") / 1e3,
                "cons_bytes": per_gc("conservative_bytes_scanned"),
                "cons_words": per_gc("conservative_words_examined"),
                "accepted": per_gc("conservative_words_accepted"),
                "precise": per_gc("precise_roots_visited"),
                "frames": per_gc("jit_frames_visited"),
            }
        return table

    def depths(self):
        return sorted({r["depth"] for r in self.data["roots_depth"]})

    def retention_table(self):
        """{(engine, depth): (median live bytes after the bottom collections, final live)}."""
        groups = {}
        for r in self.data["retention"]:
            live = r["gc"]["live_after_gc_bytes"]
            groups.setdefault((r["engine"], r["depth"]), []).append(
                (live[-1] if live else 0, r["gc"]["final_live_bytes"]))
        return {k: (median([a for a, _ in v]), median([b for _, b in v]))
                for k, v in groups.items()}

    def retention_depths(self):
        return sorted({r["depth"] for r in self.data["retention"]})


def load_stackmaps(path):
    """Google Benchmark JSON -> {name: {"cpu_ns": median, counters...}} (medians over entries)."""
    if not path:
        return None
    with open(path) as f:
        data = json.load(f)
    groups = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" or b.get("error_occurred"):
            continue
        groups.setdefault(b["run_name"], []).append(b)
    out = {}
    for name, entries in groups.items():
        scale = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[entries[0].get("time_unit", "ns")]
        row = {"cpu_ns": median([e["cpu_time"] * scale for e in entries]),
               "reps": len(entries)}
        for key, value in entries[0].items():
            if key not in row and isinstance(value, (int, float)) and key not in (
                    "real_time", "cpu_time", "iterations", "repetitions", "repetition_index",
                    "threads", "family_index", "per_family_instance_index"):
                row[key] = median([e.get(key, 0) for e in entries])
        out[name] = row
    return {"benchmarks": out, "context": data.get("context", {})}


# -- plots ----------------------------------------------------------------------------------------

def fmt_dat(v):
    return "NaN" if v is None else f"{v:.6g}"


# The engines of the time-ratio plot, over the JIT with precise roots, and their colours.
RATIO_COLORS = {"jit-conservative": "#4477aa", "interp": "#ccbb44", "chez": "#228833",
                "guile": "#aa3377"}


def write_plot_data(res, datadir):
    """Writes the gnuplot data files; returns the gnuplot variables naming the series."""
    # One column per engine that ran (a peer that is not installed has no column: gnuplot
    # refuses a histogram series without a valid point).
    ratios = {}
    for e in RATIO_COLORS:
        column = []
        for p in res.programs:
            if e == "interp":  # at the interpreter's size, over the JIT at the same size
                column.append(res.interp_ratio(p)[0])
                continue
            t, base = res.time(p, e), res.time(p, "jit-precise")
            column.append(t / base if t is not None and base else None)
        if any(v is not None for v in column):
            ratios[e] = column
    with open(os.path.join(datadir, "time-ratio.dat"), "w") as f:
        f.write(" ".join(["program"] + list(ratios)) + "\n")
        for i, p in enumerate(res.programs):
            f.write(" ".join([p] + [fmt_dat(column[i]) for column in ratios.values()]) + "\n")
    series = []
    for p in PAUSE_PROGRAMS:
        if p not in res.programs:
            continue
        pauses = sorted(res.pauses(p, "jit-precise"))
        if len(pauses) < 2:
            continue
        series.append(p)
        with open(os.path.join(datadir, f"pause-{p}.dat"), "w") as f:
            for i, v in enumerate(pauses):
                f.write(f"{v / 1e6:.6g} {(i + 1) / len(pauses):.6g}\n")
    table = res.depth_table()
    with open(os.path.join(datadir, "root-depth.dat"), "w") as f:
        f.write("depth jit-precise jit-conservative interp b-jit-precise b-jit-conservative "
                "b-interp\n")
        for d in res.depths():
            row = [str(d)]
            for field in ("root_us", "cons_bytes"):
                for e in ["jit-precise", "jit-conservative", "interp"]:
                    v = table.get((e, d), {}).get(field)
                    row.append(fmt_dat(v / 1024 if v is not None and field == "cons_bytes"
                                       else v))
            f.write(" ".join(row) + "\n")
    ret = res.retention_table()
    with open(os.path.join(datadir, "retention.dat"), "w") as f:
        f.write("depth jit-precise jit-conservative interp\n")
        for d in res.retention_depths():
            row = [str(d)] + [fmt_dat(ret[(e, d)][0] / 1024 if (e, d) in ret else None)
                              for e in ["jit-precise", "jit-conservative", "interp"]]
            f.write(" ".join(row) + "\n")
    with open(os.path.join(datadir, "live.dat"), "w") as f:
        # In the full mode the interpreter ran at smaller sizes only: its bars are those runs',
        # and the legend says so.
        reduced = "interp" not in res.suite_engines
        f.write("program jit-precise jit-conservative "
                + ('"interp (at its smaller size)"' if reduced else "interp") + "\n")
        for p in res.programs:
            row = [p]
            for e in ["jit-precise", "jit-conservative", "interp"]:
                live = res.mean_live(p, e, at_interp_size=(e == "interp" and reduced))
                row.append(fmt_dat(live / 1048576 if live else None))
            f.write(" ".join(row) + "\n")
    return {"pause_series": " ".join(series), "ratio_columns": len(ratios),
            "ratio_colors": " ".join(RATIO_COLORS[e] for e in ratios)}


def draw_plots(res, img_dir, gnuplot):
    """Runs every bench/plots/*.gp twice (PNG, SVG); returns the image names written."""
    datadir = tempfile.mkdtemp(prefix="mosaic-plots-")
    try:
        variables = write_plot_data(res, datadir)
        os.makedirs(img_dir, exist_ok=True)
        written = []
        for script in sorted(os.listdir(PLOTS)):
            if not script.endswith(".gp"):
                continue
            name = script[:-3]
            for ext, terminal in (("png", "pngcairo size 900,520 font ',10'"),
                                  ("svg", "svg size 900,520 dynamic font ',10'")):
                out = os.path.join(img_dir, f"{name}.{ext}")
                setup = (f"datadir='{datadir}'; outfile='{out}'; "
                         f"pause_series='{variables['pause_series']}'; "
                         f"ratio_columns={variables['ratio_columns']}; "
                         f"ratio_colors='{variables['ratio_colors']}'; "
                         f"set terminal {terminal}; set output outfile")
                p = subprocess.run([gnuplot, "-e", setup, os.path.join(PLOTS, script)],
                                   capture_output=True, text=True)
                if p.returncode != 0:
                    raise SystemExit(f"report.py: gnuplot failed on {script}:\n{p.stderr}")
                written.append(f"{name}.{ext}")
        return written
    finally:
        shutil.rmtree(datadir, ignore_errors=True)


def replace_section(doc_path, key, block):
    begin, end = MARKERS[key]
    with open(doc_path) as f:
        lines = f.read().split("\n")
    if begin not in lines or end not in lines:
        raise SystemExit(f"report.py: {doc_path} lacks the {key} markers ({begin})")
    i, j = lines.index(begin), lines.index(end)
    lines[i + 1:j] = block.rstrip("\n").split("\n")
    with open(doc_path, "w") as f:
        f.write("\n".join(lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--macro", required=True, help="bench/macro.py results")
    ap.add_argument("--stackmaps", help="bench_stackmaps --benchmark_out JSON")
    ap.add_argument("--performance", required=True, help="performance.md to update")
    ap.add_argument("--roots-report", required=True, help="roots-report.md to write")
    ap.add_argument("--img-dir", required=True, help="where the PNG and SVG plots go")
    ap.add_argument("--img-rel", default="img", help="the image folder as the documents see it")
    ap.add_argument("--data-note", default="", help="where the raw JSON is kept (for the text)")
    ap.add_argument("--stackmaps-command", default="", help="how the stack-map JSON was made")
    ap.add_argument("--continuations", help="bench_continuations --benchmark_out JSON")
    ap.add_argument("--continuations-command", default="",
                    help="how the continuations JSON was made")
    ap.add_argument("--gnuplot", default=shutil.which("gnuplot"))
    args = ap.parse_args()
    if not args.gnuplot:
        sys.exit("report.py: gnuplot not found (scripts/install-deps.sh --bench-smoke installs "
                 "gnuplot-nox)")
    with open(args.macro) as f:
        res = Results(json.load(f))
    stackmaps = load_stackmaps(args.stackmaps)
    continuations = load_stackmaps(args.continuations)
    images = draw_plots(res, args.img_dir, args.gnuplot)
    replace_section(args.performance, "suite",
                    suite_markdown(res, args.img_rel, args.data_note))
    if stackmaps is not None:
        replace_section(args.performance, "stackmaps",
                        stackmaps_markdown(stackmaps, args.stackmaps_command, args.data_note))
    with open(args.roots_report, "w") as f:
        f.write(roots_report_markdown(res, stackmaps, args.img_rel, args.data_note,
                                      continuations, args.continuations_command))
    print(f"report.py: wrote {args.performance} (generated sections), {args.roots_report}, "
          f"{len(images)} images in {args.img_dir}")


if __name__ == "__main__":
    main()
