"""Instructions per op of the 1,000-op chain, counted by valgrind's callgrind: the same on every run.

    python benchmarks/instructions.py                 # forward and backward of run.py's (a) chain
    python benchmarks/instructions.py --op mul        # a chain of one op only: add, mul or tanh
    python benchmarks/instructions.py --ref b7ebc4b   # the package at a git ref beside the working tree

On a shared machine the same timed loop can vary by half between runs; an instruction count does not,
so a change of a few percent shows. It is no time (a cache miss costs more than an add), so confirm a
change with `benchmarks/ab.py`. Needs `valgrind` (Debian's package); takes ~30 s per count.
Only the calls themselves are counted: callgrind collects inside the one `sum(map(step, ...))` below.
"""
import argparse
import gc
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPEATS = 3
OPS = {"chain": -1, "add": 0, "mul": 1, "tanh": 2}


def workload(part, op):
    """Run `REPEATS` forward passes (or backward passes) of the chain, inside one counted sum()."""
    import numpy as np
    import autograd_widgets as T
    n, kind = 1000, OPS[op]
    x = T.tensor(np.linspace(-1, 1, 16), dtype=T.float64, requires_grad=True)
    c, m = T.tensor(np.full(16, 0.01), dtype=T.float64), T.tensor(np.full(16, 0.99), dtype=T.float64)
    seed, tanh = T.ones(16, dtype=T.float64), T.tanh

    def forward(_=None):
        y = x
        for i in range(n):
            k = i % 3 if kind < 0 else kind
            y = y + c if k == 0 else (y * m if k == 1 else tanh(y))
        return y

    def backward(y):
        y.backward(seed)
        return 0
    gc.freeze()
    forward(), forward()  # warm
    if part == "fwd":
        sum(map(lambda _: forward() is None, range(REPEATS)))
    else:
        ys = [forward() for _ in range(REPEATS)]
        sum(map(backward, ys))


def count(part, op, path):
    """Instructions per op of `part` with the package found first on `path`."""
    env = dict(os.environ, PYTHONPATH=path)
    cmd = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=builtin_sum*",
           "--callgrind-out-file=/dev/null", sys.executable, __file__, "--inner", part, op]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stderr
    total = [line for line in out.splitlines() if "Collected :" in line]
    return int(total[-1].split()[-1]) / (REPEATS * 1000)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--op", choices=sorted(OPS), default="chain")
    ap.add_argument("--ref", help="a git ref to count beside the working tree")
    ap.add_argument("--inner", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.inner:
        return workload(*args.inner)
    paths = {"tree": os.path.dirname(HERE)}
    if args.ref:
        sys.path.insert(0, HERE)
        from ab import unpacked
        paths[args.ref] = unpacked(args.ref, "autograd_widgets")
    for part in ("fwd", "bwd"):
        counts = {name: count(part, args.op, p) for name, p in paths.items()}
        line = ", ".join(f"{name} {v:,.0f}" for name, v in counts.items())
        if args.ref:
            line += f"; tree/{args.ref} {counts['tree'] / counts[args.ref]:.3f}"
        print(f"{args.op} {part}: instructions per op: {line}")


if __name__ == "__main__":
    main()
