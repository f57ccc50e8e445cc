"""The markdown that bench/report.py writes: the suite section of docs/performance.md, its
stack-map section, and docs/roots-report.md. Every number comes from the results passed in;
sentences that compare numbers are worded from the comparison, never assumed."""

import math


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


ENGINE_LABEL = {
    "jit-precise": "JIT, precise",
    "jit-conservative": "JIT, conservative",
    "jit-cold": "JIT, precise, cold",
    "interp": "interpreter",
    "chez": "Chez Scheme",
    "guile": "Guile",
}
# Issue 6's targets.
CHEZ_TARGET = 1.5
STARTUP_TARGET_MS = 50.0
IMPRECISE_NET_MS = 100.0


def f(v, digits=1):
    """A number for a table: thousands separators from 100 up, `digits` decimals below."""
    if v is None:
        return "n/a"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:.{digits}f}"


def fx(v, digits=2):
    return "n/a" if v is None else f"{v:.{digits}f}×"


def frange(pair, digits=2, suffix="×"):
    if not pair:
        return ""
    lo, hi = pair
    return f"{lo:.{digits}f}–{hi:.{digits}f}{suffix}"


def mib(v):
    return "n/a" if v is None else f"{v / 1048576:.1f}"


def header(cols, align=None):
    align = align or ["---"] + ["---:"] * (len(cols) - 1)
    return "| " + " | ".join(cols) + " |\n| " + " | ".join(align) + " |\n"


def row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |\n"


def measured_line(res):
    d = res.data
    m = d["machine"]
    la = ", ".join(f"{x:.1f}" for x in m["load_average_start"])
    lb = ", ".join(f"{x:.1f}" for x in m.get("load_average_end", []))
    versions = "; ".join(f"{ENGINE_LABEL.get(e, e)}: {d['engines'][e]['version']}"
                         for e in res.engines if d["engines"][e]["kind"] == "peer")
    toy = d["engines"][res.toylang[0]]["version"] if res.toylang else "toylang"
    skipped = "".join(f" {ENGINE_LABEL.get(e, e)} skipped: {why}." for e, why in
                      d["skipped"].items())
    return (f"Measured {d['date']} ({d['mode']} sizes, {d['reps']} repetition{'s' if d['reps'] != 1 else ''}, "
            f"{d['duration_s']:.0f} s) on {m['cpu']}, {m['nproc']} cores shared with other "
            f"users, {m['memory']}, {m['kernel']}; load average {la} at the start, {lb} at the "
            f"end. {toy} at commit {d['commit']}{' (with uncommitted changes)' if d['dirty'] else ''}."
            f" Peers: {versions or 'none'}.{skipped}")


def suite_markdown(res, img, data_note):
    d = res.data
    out = [measured_line(res), "", "    " + d["command"], ""]
    if data_note:
        out += [data_note, ""]

    # -- the programs
    out.append("The programs (`bench/programs/`; bench-size is the harness's input):\n")
    t = header(["program", "bench-size", "what it does"], ["---", "---:", "---"])
    for p in res.programs:
        info = d["programs"][p]
        t += row([f"`{p}`", f"{info['size']:,}", info["description"]])
    out.append(t)

    # -- times
    out.append("### Times\n")
    out.append("Median whole-process wall-clock time in ms (start-up included), with the "
               "range over the repetitions. Every run's checksum was verified. Like Guile "
               "(whose .go files are compiled, untimed, before the timed runs), the two JIT "
               "columns run with "
               "toylang's code cache warmed by an untimed first run, so they link cached "
               "machine code; *JIT, precise, cold* (`--jit-cache=off`) compiles in every run, "
               "as a first run does.\n")
    t = header(["program"] + [ENGINE_LABEL[e] for e in res.suite_engines])
    for p in res.programs:
        cells = [f"`{p}`"]
        for e in res.suite_engines:
            lo, hi = res.spread(p, e)
            cells.append(f"{f(res.time(p, e))} ({f(lo)}–{f(hi)})" if lo is not None else "n/a")
        t += row(cells)
    cells = ["start-up (empty program)"] + [f(res.startup_ms(e)) for e in res.suite_engines]
    t += row(cells)
    out.append(t)
    out.append(f"![time ratio per program and engine]({img}/time-ratio.svg)\n")
    out.append("Time of each engine over the JIT with precise roots (log scale; below 1 is "
               "faster than the JIT); the interpreter's bar compares it with the JIT at the "
               "interpreter's size (below).\n")
    out.append(interp_markdown(res))

    # -- issue 6's targets
    out.append("### The JIT against Chez Scheme and Guile\n")
    peers = [e for e in ("chez", "guile") if e in res.engines]
    if "jit-precise" not in res.engines or not peers:
        out.append("Not measured in this run: it needs the JIT and at least one peer "
                   "(`scripts/install-deps.sh --bench`).\n")
    else:
        out.append("Ratios of the JIT's (precise roots, the default) median time over the "
                   "peer's; below 1 the JIT is faster. *Gross*: whole-process times; *net*: "
                   "each engine's median start-up subtracted first (compilation stays in the "
                   "JIT's time). In brackets the range of the per-repetition ratios.\n")
        cols = ["program"]
        for e in peers:
            cols += [f"JIT / {ENGINE_LABEL[e]} (gross)", f"JIT / {ENGINE_LABEL[e]} (net)"]
        t = header(cols)
        gross = {e: [] for e in peers}
        net = {e: [] for e in peers}
        for p in res.programs:
            cells = [f"`{p}`"]
            for e in peers:
                rg, sg = res.ratio(p, "jit-precise", e)
                rn, sn = res.ratio(p, "jit-precise", e, net=True)
                gross[e].append(rg)
                net[e].append(rn)
                peer_net = res.net(p, e)
                mark = "†" if peer_net is not None and peer_net < IMPRECISE_NET_MS else ""
                cells += [f"{fx(rg)} [{frange(sg)}]", f"{fx(rn)}{mark} [{frange(sn)}]"]
            t += row(cells)
        cells = ["**geometric mean**"]
        for e in peers:
            cells += [f"**{fx(geomean(gross[e]))}**", f"**{fx(geomean(net[e]))}**"]
        t += row(cells)
        if "jit-cold" in res.engines:
            cells = ["geometric mean, cold JIT"]
            for e in peers:
                cells += [fx(geomean([res.ratio(p, "jit-cold", e)[0] for p in res.programs])),
                          fx(geomean([res.ratio(p, "jit-cold", e, net=True)[0]
                                      for p in res.programs]))]
            t += row(cells)
        out.append(t)
        out.append(f"† the peer's net time is under {IMPRECISE_NET_MS:.0f} ms: that ratio divides "
                   "by a difference of two noisy times and can be far off; trust the gross "
                   "ratio there.\n")
        verdicts = []
        if "chez" in peers:
            g, n = geomean(gross["chez"]), geomean(net["chez"])
            ok_g, ok_n = g <= CHEZ_TARGET, n <= CHEZ_TARGET
            verdicts.append(
                f"- Target \"the JIT within {CHEZ_TARGET}× of Chez on the geometric mean\": "
                f"**{'met' if ok_g else 'not met'}** on gross times ({fx(g)}), "
                f"**{'met' if ok_n else 'not met'}** on net times ({fx(n)}).")
        if "guile" in peers:
            slower_g = [p for p, r in zip(res.programs, gross["guile"]) if r is not None and r >= 1]
            slower_n = [p for p, r in zip(res.programs, net["guile"]) if r is not None and r >= 1]
            def names(ps):
                return ", ".join(f"`{p}`" for p in ps)
            verdicts.append(
                "- Target \"faster than Guile on every program\": "
                + (f"**met** on gross times" if not slower_g else
                   f"**not met** on gross times (slower on {len(slower_g)} of "
                   f"{len(res.programs)}: {names(slower_g)})")
                + "; "
                + ("**met** on net times." if not slower_n else
                   f"**not met** on net times (slower on {len(slower_n)}: {names(slower_n)})."))
        out.append("\n".join(verdicts) + "\n")

    # -- start-up
    out.append("### Start-up\n")
    t = header(["engine", "command", "median ms", "range ms", "runs"])
    for e in res.toylang:
        runs = res.startup_runs(e, "-e 1")
        if runs:
            t += row([ENGINE_LABEL[e], "`toylang -e 1`", f(res.startup_ms(e, "-e 1")),
                      f"{f(min(runs))}–{f(max(runs))}", len(runs)])
    for e in res.engines:
        runs = res.startup_runs(e, "empty")
        t += row([ENGINE_LABEL[e], "empty program", f(res.startup_ms(e)),
                  f"{f(min(runs))}–{f(max(runs))}", len(runs)])
    out.append(t)
    if "jit-precise" in res.engines:
        s = res.startup_ms("jit-precise", "-e 1")
        out.append(f"Target \"`toylang -e 1` under {STARTUP_TARGET_MS:.0f} ms\" (the JIT is the "
                   f"default engine): **{'met' if s < STARTUP_TARGET_MS else 'not met'}** "
                   f"(median {f(s)} ms).\n")

    # -- GC figures
    out.append("### Collector figures (toylang, JIT with precise roots)\n")
    out.append("From `toylang --gc-stats=json`, medians over the repetitions. Pauses are "
               "stop-the-world times; *roots* is the collector's time finding and visiting "
               "roots; *final live* is what a last full collection at exit (outside the "
               "timing) found reachable; peak RSS is the process's maximum resident set.\n")
    e = "jit-precise" if "jit-precise" in res.engines else (res.toylang[0] if res.toylang else None)
    if e:
        t = header(["program", "GCs", "pause total ms", "max ms", "p50 ms", "p99 ms", "roots ms",
                    "allocated MiB", "final live MiB", "peak RSS MiB"])
        for p in res.programs:
            g = lambda k: res.gc(p, e, k)
            t += row([f"`{p}`", f(g("collections"), 0), f(g("total_pause_ns") / 1e6, 2),
                      f(g("max_pause_ns") / 1e6, 2), f(g("p50_pause_ns") / 1e6, 2),
                      f(g("p99_pause_ns") / 1e6, 2), f(g("total_root_ns") / 1e6, 2),
                      mib(g("bytes_allocated")), mib(g("final_live_bytes")),
                      mib(g("peak_rss_bytes"))])
        out.append(t)
        out.append(f"![pause-time distributions]({img}/pauses.svg)\n")
        out.append("Cumulative distribution of the pause times of the programs that collect "
                   "most, JIT with precise roots, every repetition's pauses together.\n")

    # -- memory, every engine
    out.append("### Peak memory\n")
    out.append("Peak resident set size in MiB (the process's `ru_maxrss` from `wait4`), median "
               "over the repetitions; the start-up row is an empty program. toylang's baseline "
               "includes the LLVM libraries linked into the one binary (whichever engine runs) "
               "and the heap's first blocks.\n")
    t = header(["program"] + [ENGINE_LABEL[e] for e in res.suite_engines])
    for p in res.programs:
        t += row([f"`{p}`"] + [mib(res.maxrss(p, e)) for e in res.suite_engines])
    t += row(["start-up (empty program)"] +
             [mib(res.startup_maxrss(e)) for e in res.suite_engines])
    out.append(t)

    # -- compilation
    out.append(compile_markdown(res))
    out.append("The precise-versus-conservative comparison (root-finding cost by stack depth, "
               "retention, whole-program cost) is in [roots-report.md](roots-report.md).\n")
    return "\n".join(out)


def interp_markdown(res):
    """The interpreter against the JIT at the interpreter's sizes (smaller than the full sizes
    in the full mode: bench/macro.py)."""
    if "interp" not in res.engines or "jit-precise" not in res.engines:
        return ""
    reduced = any(res.data["programs"][p].get("interp_size", res.data["programs"][p]["size"])
                  != res.data["programs"][p]["size"] for p in res.programs)
    out = ["#### The interpreter\n"]
    if reduced:
        out.append("The tree-walking interpreter (`--engine=interp`) runs each program once, at "
                   "a smaller bench-size than the others (the `interp` column of "
                   "`bench/programs/sizes.tsv`; at the full sizes it alone would take most of "
                   "the run), beside one run of the JIT with precise roots at that same size. "
                   "Whole-process wall-clock times in ms.\n")
    else:
        out.append("The tree-walking interpreter (`--engine=interp`) against the JIT with precise "
                   "roots at the same sizes: medians of whole-process wall-clock times in ms.\n")
    t = header(["program", "bench-size", "interpreter", "JIT, precise", "interpreter / JIT"])
    ratios = []
    for p in res.programs:
        size, ti, tj = res.interp_times(p)
        r, _ = res.interp_ratio(p)
        ratios.append(r)
        t += row([f"`{p}`", f"{size:,}", f(ti), f(tj), fx(r)])
    t += row(["**geometric mean**", "", "", "", f"**{fx(geomean(ratios))}**"])
    out.append(t)
    return "\n".join(out)


def compile_markdown(res):
    out = ["### Compilation: with and without statepoints\n"]
    if not {"jit-precise", "jit-conservative"} <= set(res.engines):
        return "\n".join(out + ["Not measured: this toylang has no JIT.\n"])
    fields = ["functions_compiled", "code_bytes", "compile_ns", "statepoints"]
    total = sum((res.gc_engine(p, e, k) or 0) for p in res.programs
                for e in ("jit-precise", "jit-conservative") for k in fields)
    if total == 0:
        out.append("Not reported by the toylang measured here: its JIT engine returns zeros from "
                   "`Engine::Stats()` (`EngineStats`: functions compiled, code bytes, compile time, "
                   "statepoints). The table fills in once the JIT implements them; "
                   "`make bench` needs no change.\n")
        return "\n".join(out)
    out.append("From the `engine` object of `--gc-stats=json` (`toylang::EngineStats`), medians "
               "over the repetitions: *precise* compiles with `gc.statepoint`s and stack maps, "
               "*conservative* without. Compile times are `compile_ns`: with the code cache warm "
               "(the JIT columns of the suite) it is the time to lower the program and link the "
               "cached objects; *cold* is the precise JIT without the cache, where it includes "
               "the IR pipeline and code generation.\n")
    cold = "jit-cold" if "jit-cold" in res.engines else "jit-precise"
    t = header(["program", "functions", "statepoints", "code bytes precise",
                "code bytes conservative", "size ratio", "compile ms precise, warm",
                "compile ms conservative, warm", "compile ms precise, cold",
                "compile share of the cold JIT's time"])
    sums = {"cp": 0, "cc": 0, "tp": 0, "tc": 0, "td": 0}
    for p in res.programs:
        cp = res.gc_engine(p, "jit-precise", "code_bytes")
        cc = res.gc_engine(p, "jit-conservative", "code_bytes")
        tp = res.gc_engine(p, "jit-precise", "compile_ns")
        tc = res.gc_engine(p, "jit-conservative", "compile_ns")
        td = res.gc_engine(p, cold, "compile_ns")
        sums["td"] += td or 0
        sums["cp"] += cp or 0
        sums["cc"] += cc or 0
        sums["tp"] += tp or 0
        sums["tc"] += tc or 0
        t += row([f"`{p}`", f(res.gc_engine(p, "jit-precise", "functions_compiled"), 0),
                  f(res.gc_engine(p, "jit-precise", "statepoints"), 0), f(cp, 0), f(cc, 0),
                  fx(cp / cc if cp and cc else None), f(tp / 1e6 if tp else None, 1),
                  f(tc / 1e6 if tc else None, 1), f(td / 1e6 if td else None, 1),
                  f"{td / 1e6 / res.time(p, cold) * 100:.0f}%"
                  if td and res.time(p, cold) else "n/a"])
    t += row(["**all**", "", "", f(sums["cp"], 0), f(sums["cc"], 0),
              fx(sums["cp"] / sums["cc"] if sums["cc"] else None),
              f(sums["tp"] / 1e6), f(sums["tc"] / 1e6), f(sums["td"] / 1e6), ""])
    out.append(t)
    return "\n".join(out)


def stackmaps_markdown(sm, command, data_note):
    b = sm["benchmarks"]
    out = []
    if command:
        out += ["    " + command, ""]
    out.append("One thread parked under a run of JIT frames (real LLVM output with statepoints), "
               "its stack walked precisely (stack maps) and conservatively (every word), in one "
               "binary (`bench/stackmaps/root_scan_bench.cc`). CPU time per walk or collection, "
               "median over the repetitions.\n")
    t = header(["JIT frames", "precise walk µs", "conservative walk µs", "precise / conservative",
                "collection µs, precise", "collection µs, conservative"])
    for depth in (10, 100, 10000):
        wp = b.get(f"BM_WalkStack_Precise/{depth}", {}).get("cpu_ns")
        wc = b.get(f"BM_WalkStack_Conservative/{depth}", {}).get("cpu_ns")
        cp = b.get(f"BM_Collect_Precise/{depth}", {}).get("cpu_ns")
        cc = b.get(f"BM_Collect_Conservative/{depth}", {}).get("cpu_ns")
        if wp is None and cp is None:
            continue
        t += row([f"{depth:,}", f(wp and wp / 1e3, 2), f(wc and wc / 1e3, 2),
                  fx(wp / wc if wp and wc else None), f(cp and cp / 1e3, 1),
                  f(cc and cc / 1e3, 1)])
    out.append(t)
    wp10, wp1 = (b.get("BM_WalkStack_Precise/10000", {}).get("cpu_ns"),
                 b.get("BM_WalkStack_Precise/10", {}).get("cpu_ns"))
    wc10, wc1 = (b.get("BM_WalkStack_Conservative/10000", {}).get("cpu_ns"),
                 b.get("BM_WalkStack_Conservative/10", {}).get("cpu_ns"))
    if wp10 and wp1 and wc10 and wc1:
        per_p = (wp10 - wp1) / 9990
        per_c = (wc10 - wc1) / 9990
        out.append(f"Per JIT frame (the slope between 10 and 10,000 frames): {per_p:.1f} ns "
                   f"precise against {per_c:.1f} ns conservative ({per_p / per_c:.2f}×).\n")
    if data_note:
        out.append(data_note + "\n")
    return "\n".join(out)


def roots_report_markdown(res, sm, img, data_note, cont=None, cont_command=""):
    from roots_text import roots_report
    return roots_report(res, sm, img, data_note, cont, cont_command)
