#!/usr/bin/env python3
"""Differential fuzzing of toylang: random programs run by the JIT (precise and conservative
roots) and by the interpreter must print the same standard output and standard error and exit
with the same status; no run may end by a signal.

    tests/fuzz/differential.py --toylang build/examples/toylang/toylang
        [--seed N] [--seconds S | --count N] [--mode generate|mutate] [--corpus DIR]
        [--keep DIR]

generate: programs written from a small grammar of typed expressions (numbers, lists,
  vectors, strings, booleans, closures, named-let loops, mutation of pairs and vectors, global
  redefinition), every one terminating (arithmetic past the fixnum range gives bignums); some
  fail at run time (car of '(), division by zero, a vector index out of range), and then the
  error message and its position
  must agree too. Every fourth program also runs under collector stress (stress=50,verify=1,
  generational on or off).
mutate: the golden corpus (--corpus, tests/programs) with random byte edits (deleted or doubled
  parentheses, quotes, digits, junk bytes, truncation): the reader, expander and both engines
  must reject or run each the same way, and never crash.

The seed and the number of programs decide every program: a failure prints the seed, the
program's index and the program, and --keep writes it to a file. Exits 1 on the first mismatch.
"""
import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

ENGINES = [
    ("jit", ["--engine=jit", "--roots=precise", "--jit-cache=off"]),
    ("jit-conservative", ["--engine=jit", "--roots=conservative", "--jit-cache=off"]),
    ("interp", ["--engine=interp"]),
]


class Gen:
    """Random typed expressions over a scope of typed variables."""

    def __init__(self, rng):
        self.rng = rng
        self.fresh = 0
        self.globals = []  # (name, type)

    def name(self, prefix):
        self.fresh += 1
        return f"{prefix}{self.fresh}"

    def guard(self, risky, safe):
        """Mostly the safe form; now and then the one that may fail at run time."""
        return risky if self.rng.random() < 0.03 else safe

    def pick(self, scope, ty):
        names = [n for n, t in scope if t == ty]
        return self.rng.choice(names) if names else None

    def expr(self, ty, depth, scope):
        r = self.rng
        if depth <= 0 or r.random() < 0.15:
            v = self.pick(scope, ty) if r.random() < 0.6 else None
            return v if v else self.leaf(ty)
        return getattr(self, "gen_" + ty)(depth - 1, scope)

    def leaf(self, ty):
        r = self.rng
        if ty == "int":
            return str(r.choice([0, 1, 2, 3, 7, -1, -5, 42, 100] * 20 + [4611686018427387903]))
        if ty == "list":
            return r.choice(["'()", "'(1 2 3)", "(list 4 5)", "'(9)"])
        if ty == "bool":
            return r.choice(["#t", "#f"])
        if ty == "vec":
            return r.choice(["(vector 1 2 3)", "(make-vector 2 0)", "(vector)"])
        if ty == "str":
            return r.choice(['"ab"', '""', '"x y"', "(make-string 2 #\\z)"])
        return "0"

    def gen_int(self, d, s):
        r = self.rng
        e = lambda t="int": self.expr(t, d, s)
        k = r.randrange(16)
        if k == 0:
            return f"(+ {e()} {e()})"
        if k == 1:
            return f"(- {e()} {e()})"
        if k == 2:
            return f"(* (remainder {e()} 1000) (remainder {e()} 1000))"
        if k == 3:
            return self.guard(f"(quotient {e()} {e()})", f"(quotient {e()} (let ((z {e()})) (if (= z 0) 1 z)))")
        if k == 4:
            return f"(if {e('bool')} {e()} {e()})"
        if k == 5:
            v = self.name("x")
            return f"(let (({v} {e()})) {self.expr('int', d, s + [(v, 'int')])})"
        if k == 6:
            return f"(length {e('list')})"
        if k == 7:
            p = self.name("c")
            return self.guard(f"(car {e('list')})", f"(let (({p} {e('list')})) (if (pair? {p}) (car {p}) {e()}))")
        if k == 8:
            return f"(apply + {e('list')})"
        if k == 9:
            v = self.name("y")
            return f"((lambda ({v}) {self.expr('int', d, s + [(v, 'int')])}) {e()})"
        if k == 10:
            i, acc = self.name("i"), self.name("acc")
            body = self.expr("int", d, s + [(i, "int"), (acc, "int")])
            return (f"(let loop (({i} 0) ({acc} {e()})) (if (< {i} {r.randrange(1, 30)}) "
                    f"(loop (+ {i} 1) {body}) {acc}))")
        if k == 11:
            v = self.name("v")
            return self.guard(f"(vector-ref {e('vec')} {e()})",
                              f"(let (({v} {e('vec')})) (if (> (vector-length {v}) 0) "
                              f"(vector-ref {v} (modulo {e()} (vector-length {v}))) {e()}))")
        if k == 12:
            return f"(string-length {e('str')})"
        if k == 13:
            return self.guard(f"(remainder {e()} {e()})", f"(remainder {e()} (let ((z {e()})) (if (= z 0) 7 z)))")
        if k == 14:
            return f"(max {e()} {e()})"
        return f"(abs {e()})"

    def gen_list(self, d, s):
        r = self.rng
        e = lambda t="int": self.expr(t, d, s)
        k = r.randrange(10)
        if k == 0:
            return f"(cons {e()} {e('list')})"
        if k == 1:
            return f"(list {' '.join(e() for _ in range(r.randrange(4)))})"
        if k == 2:
            return f"(reverse {e('list')})"
        if k == 3:
            return f"(append {e('list')} {e('list')})"
        if k == 4:
            v = self.name("m")
            return f"(map (lambda ({v}) {self.expr('int', d, s + [(v, 'int')])}) {e('list')})"
        if k == 5:
            p = self.name("d")
            return self.guard(f"(cdr {e('list')})", f"(let (({p} {e('list')})) (if (pair? {p}) (cdr {p}) {p}))")
        if k == 6:
            return f"(vector->list {e('vec')})"
        if k == 7:
            return f"(list-copy {e('list')})"
        if k == 8:
            p = self.name("p")
            return (f"(let (({p} {e('list')})) (if (pair? {p}) (begin (set-car! {p} {e()}) {p}) "
                    f"{p}))")
        return f"(let loop ((n {r.randrange(8)}) (acc '())) (if (= n 0) acc (loop (- n 1) (cons n acc))))"

    def gen_bool(self, d, s):
        r = self.rng
        e = lambda t="int": self.expr(t, d, s)
        k = r.randrange(8)
        if k == 0:
            return f"(< {e()} {e()})"
        if k == 1:
            return f"(= {e()} {e()})"
        if k == 2:
            return f"(null? {e('list')})"
        if k == 3:
            return f"(equal? {e('list')} {e('list')})"
        if k == 4:
            return f"(not {e('bool')})"
        if k == 5:
            return f"(and {e('bool')} {e('bool')})"
        if k == 6:
            return f"(or {e('bool')} {e('bool')})"
        return f"(even? {e()})"

    def gen_vec(self, d, s):
        r = self.rng
        e = lambda t="int": self.expr(t, d, s)
        k = r.randrange(5)
        if k == 0:
            return f"(make-vector {r.randrange(5)} {e()})"
        if k == 1:
            return f"(list->vector {e('list')})"
        if k == 2:
            v = self.name("w")
            return (f"(let (({v} {e('vec')})) (if (> (vector-length {v}) 0) "
                    f"(vector-set! {v} 0 {e()})) {v})")
        if k == 3:
            v = self.name("q")
            return f"(vector-map (lambda ({v}) {self.expr('int', d, s + [(v, 'int')])}) {e('vec')})"
        return f"(vector {' '.join(e() for _ in range(r.randrange(4)))})"

    def gen_str(self, d, s):
        r = self.rng
        e = lambda t="int": self.expr(t, d, s)
        k = r.randrange(4)
        if k == 0:
            return f"(number->string {e()})"
        if k == 1:
            return f"(string-append {e('str')} {e('str')})"
        if k == 2:
            t = self.name("t")
            return self.guard(f"(substring {e('str')} 0 {r.randrange(3)})",
                              f"(let (({t} {e('str')})) (substring {t} 0 (min {r.randrange(3)} (string-length {t}))))")
        return f"(symbol->string 'sym{r.randrange(5)})"

    def program(self):
        r = self.rng
        lines = []
        scope = []
        for _ in range(r.randrange(2, 7)):
            ty = r.choice(["int", "list", "bool", "vec", "str"])
            k = r.randrange(5)
            if k == 0 and scope:
                n, t = r.choice(scope)
                lines.append(f"(set! {n} {self.expr(t, 4, scope)})")
            elif k == 1:
                f, a = self.name("f"), self.name("a")
                lines.append(f"(define ({f} {a}) {self.expr('int', 4, scope + [(a, 'int')])})")
                lines.append(f"(display ({f} {self.expr('int', 3, scope)})) (newline)")
            else:
                n = self.name("g")
                lines.append(f"(define {n} {self.expr(ty, 4, scope)})")
                scope.append((n, ty))
            ty = r.choice(["int", "list", "bool", "vec", "str"])
            lines.append(f"(write {self.expr(ty, 5, scope)}) (newline)")
        return "\n".join(lines) + "\n"


MUTATIONS = ["(", ")", "'", "`", ",", "#", "\"", ";", "#(", "#\\", ".", "1", "9999999999999999999",
             "-", "(car '())", "(define", "(lambda (x)", "\x00", "\xff", "\n", " "]


def mutate(rng, text):
    b = bytearray(text.encode("utf-8", "replace"))
    for _ in range(rng.randrange(1, 4)):
        k = rng.randrange(4)
        pos = rng.randrange(len(b) + 1)
        if k == 0 and b:
            del b[pos:pos + rng.randrange(1, 8)]
        elif k == 1:
            b[pos:pos] = rng.choice(MUTATIONS).encode("latin-1")
        elif k == 2 and b:
            b = b[:pos]
        else:
            c = rng.choice(b"()")
            b[pos:pos] = bytes([c]) * rng.randrange(1, 40)
    return bytes(b)


def run(toylang, flags, path, gc_options):
    env = dict(os.environ, MOSAIC_JIT_CACHE="off")
    env.pop("MOSAIC_GC_OPTIONS", None)
    if gc_options:
        env["MOSAIC_GC_OPTIONS"] = gc_options
    try:
        p = subprocess.run([toylang] + flags + [path], capture_output=True, env=env, timeout=120)
    except subprocess.TimeoutExpired:
        return ("timeout", b"", b"")
    return (p.returncode, p.stdout, p.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--toylang", required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--count", type=int, help="this many programs (instead of --seconds)")
    ap.add_argument("--mode", choices=["generate", "mutate"], default="generate")
    ap.add_argument("--corpus", help="mutate: the golden corpus folder")
    ap.add_argument("--keep", help="write a failing program here")
    ap.add_argument("--engines", default="jit,jit-conservative,interp")
    a = ap.parse_args()
    engines = [(n, f) for n, f in ENGINES if n in a.engines.split(",")]
    rng = random.Random(a.seed)
    corpus = []
    if a.mode == "mutate":
        for root, _, files in os.walk(a.corpus):
            for f in sorted(files):
                if f.endswith(".scm"):
                    with open(os.path.join(root, f), encoding="utf-8", errors="replace") as h:
                        text = h.read()
                    # Not the cases that need flags of their own or a lower stress rate (the
                    # heavy ones): a mutant of them would only be slow.
                    if "; flags:" not in text and "; stress:" not in text:
                        corpus.append(text)
        corpus.sort()
    start = time.time()
    work = tempfile.mkdtemp(prefix="toylang-fuzz.")
    n = 0
    statuses = {}
    while (a.count is None and time.time() - start < a.seconds) or (a.count is not None and n < a.count):
        n += 1
        if a.mode == "generate":
            data = Gen(rng).program().encode()
        else:
            data = mutate(rng, rng.choice(corpus))
        gc_options = None
        if n % 4 == 0:
            gc_options = "stress=50,verify=1" + (",generational=on" if n % 8 == 0 else "")
        path = os.path.join(work, "case.scm")
        with open(path, "wb") as f:
            f.write(data)
        results = [(name, run(a.toylang, flags, path, gc_options)) for name, flags in engines]
        first = results[0][1]
        bad = None
        for name, r in results:
            if r[0] == "timeout" or (isinstance(r[0], int) and r[0] < 0):
                bad = f"{name} ended by {'a timeout' if r[0] == 'timeout' else f'signal {-r[0]}'}"
            elif b"uncaught exception" in r[2] or b"terminate called" in r[2]:
                bad = f"{name} ended by an uncaught C++ exception"
            elif r != first:
                bad = f"{name} differs from {results[0][0]}"
            if bad:
                break
        statuses[first[0]] = statuses.get(first[0], 0) + 1
        if bad:
            print(f"differential.py: program {n} (seed {a.seed}, mode {a.mode}, "
                  f"MOSAIC_GC_OPTIONS={gc_options}): {bad}", file=sys.stderr)
            print(data.decode("utf-8", "replace"), file=sys.stderr)
            for name, r in results:
                print(f"--- {name}: status {r[0]}\nstdout: {r[1][-800:]!r}\nstderr: "
                      f"{r[2][-800:]!r}", file=sys.stderr)
            if a.keep:
                with open(a.keep, "wb") as f:
                    f.write(data)
            return 1
    print(f"differential.py: {n} programs ({a.mode}, seed {a.seed}) agree in "
          f"{', '.join(n for n, _ in engines)}; exit statuses {dict(sorted(statuses.items(), key=str))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
