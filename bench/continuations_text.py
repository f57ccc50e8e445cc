"""The continuations section of docs/roots-report.md: the collector's time to trace captured
stack segments, precise against conservative, from bench_continuations' JSON
(BM_TraceSegments; docs/design/continuations.md explains the program)."""

from report_text import f, header, row

CONFIG = {0: "JIT, precise", 1: "JIT, conservative", 2: "interpreter"}


def trace_rows(cont):
    """{(config, depth): counters} from load_stackmaps-style JSON of bench_continuations."""
    rows = {}
    for name, b in cont["benchmarks"].items():
        if not name.startswith("BM_TraceSegments/"):
            continue
        parts = name.split("/")
        rows[(int(parts[1]), int(parts[2]))] = b
    return rows


def continuations_markdown(cont, command):
    out = ["### Captured continuations\n"]
    out.append(
        "A first-class continuation holds a copy of the native stack between its `call/cc` and "
        "its top-level form (docs/design/continuations.md), as a chain of segments shared with "
        "the continuations captured around it. A segment is a heap object traced "
        "when it is marked: with precise roots its JIT frames are walked through their stack "
        "maps, the same return-address lookup as on a live stack applied to the copy; with "
        "conservative roots (and the interpreter's frames) every word of it is a candidate. "
        "`bench_continuations` keeps 50 continuations, each captured *d* frames deep with a "
        "pair live in every frame, and times the marking of full collections with them held "
        "minus the same collections with them dropped (the collector's `total_mark_ns`).\n")
    rows = trace_rows(cont)
    if not rows:
        out.append("Not measured in this run.\n")
        return "\n".join(out)
    t = header(["depth", "engine", "segments KB", "mark µs / GC with", "mark µs / GC without",
                "ns per KB", "ns per saved frame"],
               ["---:", "---", "---:", "---:", "---:", "---:", "---:"])
    for depth in sorted({d for _, d in rows}):
        for config in (0, 1, 2):
            b = rows.get((config, depth))
            if b is None:
                continue
            t += row([f"{depth:,}", CONFIG[config], f(b.get("segment_kb", 0), 0),
                      f(b.get("mark_ns_with", 0) / 1e3, 1), f(b.get("mark_ns_without", 0) / 1e3, 1),
                      f(b.get("ns_per_kb", 0), 0), f(b.get("ns_per_frame", 0), 1)])
    out.append(t)
    deepest = max(d for _, d in rows)
    p, c = rows.get((0, deepest)), rows.get((1, deepest))
    if p and c and c.get("ns_per_frame"):
        out.append(
            f"- At depth {deepest:,}, tracing a captured frame took {p['ns_per_frame']:.1f} ns "
            f"precise against {c['ns_per_frame']:.1f} ns conservative "
            f"({p['ns_per_frame'] / c['ns_per_frame']:.2f}×).\n")
    out.append(
        "- The marking times are the collector's own (wall clock inside the pause); the "
        "continuations' pairs are marked in both modes, so the difference between the modes is "
        "the walk of the copies only. A JIT frame is about 100 bytes: the precise walk does "
        "one return-address lookup and visits its one or two live slots, where the "
        "conservative scan checks a dozen words against the heap; the interpreter's frames "
        "are six times larger.\n")
    if command:
        out.append("    " + command + "\n")
    return "\n".join(out)
