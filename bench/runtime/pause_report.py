"""What bench/runtime/quads.py and markers.py share: percentiles over pauses, and rewriting one
generated section of a document (between <!-- NAME:begin ... --> and <!-- NAME:end -->)."""
import sys


def pct(values, q):
    """The q-quantile of `values` (nearest rank); 0 for no values."""
    if not values:
        return 0
    s = sorted(values)
    return s[min(len(s) - 1, int(q * (len(s) - 1) + 0.5))]


def write_section(doc, name, text):
    """Replaces what lies between the `name` markers of `doc` with `text`."""
    begin, end = f"<!-- {name}:begin", f"<!-- {name}:end -->"
    with open(doc) as f:
        content = f.read()
    i = content.find(begin)
    j = content.find(end)
    if i < 0 or j < 0:
        sys.exit(f"{doc} has no {name} markers")
    i = content.index("-->", i) + 3
    content = content[:i] + "\n" + text + content[j:]
    with open(doc, "w") as f:
        f.write(content)
