"""Core benchmark: autograd_widgets beside PyTorch CPU (if installed) and a hand-written NumPy floor.

    python benchmarks/run.py            # full run (a few minutes on 2 cores)
    python benchmarks/run.py --quick    # fewer repeats, no 1e6 chain

Repeats are interleaved (ours, torch, floor, ours, ...) and the median is reported.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

# Idle OpenMP threads of PyTorch would otherwise spin on the cores and slow whoever runs next.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd_widgets as aw  # noqa: E402

try:
    import torch
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
except ImportError:
    torch = None


def timed(fn):
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def interleaved(contenders, repeats):
    """Median seconds per contender, running them in turn `repeats` times."""
    times = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            times[name].append(timed(fn))
    return {name: statistics.median(ts) for name, ts in times.items()}


# --- (a), (c): a chain alternating add, mul, tanh on a length-16 float64 vector ----------------
def chain(T, n):
    def run():
        x = T.tensor(np.linspace(-1, 1, 16), dtype=T.float64, requires_grad=True)
        c = T.tensor(np.full(16, 0.01), dtype=T.float64)
        m = T.tensor(np.full(16, 0.99), dtype=T.float64)
        y = x
        for i in range(n):
            k = i % 3
            y = y + c if k == 0 else (y * m if k == 1 else y.tanh())
        y.sum().backward()
    return run


def chain_floor(n):
    def run():
        x = np.linspace(-1, 1, 16)
        c, m = np.full(16, 0.01), np.full(16, 0.99)
        saved = []
        y = x
        for i in range(n):
            k = i % 3
            if k == 0:
                y = y + c
            elif k == 1:
                y = y * m
            else:
                y = np.tanh(y)
                saved.append(y)
        g = np.ones(16)
        for i in reversed(range(n)):
            k = i % 3
            if k == 1:
                g = g * m
            elif k == 2:
                r = saved.pop()
                g = g * (1 - r * r)
        return g
    return run


# --- (b): one step of a 784-256-256-10 tanh MLP, batch 128, float32, MSE -------------------------
def mlp_data(rng):
    sizes = [784, 256, 256, 10]
    Ws = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [np.zeros(b, np.float32) for b in sizes[1:]]
    X = rng.standard_normal((128, 784)).astype(np.float32)
    Y = rng.standard_normal((128, 10)).astype(np.float32)
    return Ws, bs, X, Y


def mlp(T, Ws, bs, X, Y):
    params = [T.tensor(a, requires_grad=True) for a in Ws + bs]
    x, y = T.tensor(X), T.tensor(Y)

    def run():
        h = x
        for i in range(3):
            h = h @ params[i] + params[3 + i]
            if i < 2:
                h = h.tanh()
        loss = T.nn.functional.mse_loss(h, y)
        loss.backward()
        for p in params:
            p.grad = None
    return run


def mlp_floor(Ws, bs, X, Y):
    def run():
        hs = [X]
        h = X
        for i in range(3):
            h = h @ Ws[i] + bs[i]
            if i < 2:
                h = np.tanh(h)
            hs.append(h)
        g = (2.0 / h.size) * (h - Y)
        grads = []
        for i in reversed(range(3)):
            if i < 2:
                g = g * (1 - hs[i + 1] * hs[i + 1])
            grads.append((hs[i].T @ g, g.sum(0)))
            if i:
                g = g @ Ws[i].T
        return grads
    return run


# --- (d): the 64x64 Jacobian of tanh(W @ x) ---------------------------------------------------------
def jac(T, W, x):
    Wt, xt = T.tensor(W), T.tensor(x)
    return lambda: T.autograd.functional.jacobian(lambda v: (Wt @ v).tanh(), xt)


def jac_floor(W, x):
    def run():
        y = np.tanh(W @ x)
        return (1 - y * y)[:, None] * W
    return run


def row(label, medians, per=1.0, unit="ms", target=None):
    ours = medians["ours"]
    cells = [f"{label:34s}", f"ours {ours / per * (1e3 if unit == 'ms' else 1e6):9.2f} {unit}"]
    for other in ("torch", "floor"):
        if other in medians:
            t = medians[other]
            cells.append(f"{other} {t / per * (1e3 if unit == 'ms' else 1e6):9.2f} {unit}  (ours/{other} "
                         f"{ours / t:5.2f}x)")
    if target:
        cells.append(f"target {target}")
    print("  ".join(cells), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    reps = 5 if args.quick else 15
    print(f"numpy {np.__version__}, torch {torch.__version__ if torch else 'not installed'}"
          f"{f' ({torch.get_num_threads()} threads)' if torch else ''}, {os.cpu_count()} CPUs")

    def with_torch(d, make):
        if torch is not None:
            d["torch"] = make(torch)
        return d

    n = 1000
    med = interleaved(with_torch({"ours": chain(aw, n), "floor": chain_floor(n)}, lambda T: chain(T, n)), reps)
    row("(a) 1,000-op chain, fwd+bwd, per op", med, per=n, unit="us", target="<= 0.5x torch")

    rng = np.random.default_rng(0)
    Ws, bs, X, Y = mlp_data(rng)
    med = interleaved(with_torch({"ours": mlp(aw, Ws, bs, X, Y), "floor": mlp_floor(Ws, bs, X, Y)},
                                 lambda T: mlp(T, Ws, bs, X, Y)), reps)
    row("(b) MLP 784-256-256-10 step, b=128", med, target="<= 1.15x floor")

    sizes = [10_000, 100_000] + ([] if args.quick else [1_000_000])
    for N in sizes:
        r = 3 if N < 1_000_000 else 1
        med = interleaved(with_torch({"ours": chain(aw, N), "floor": chain_floor(N)}, lambda T: chain(T, N)), r)
        row(f"(c) {N:>9,}-op chain, per op", med, per=N, unit="us", target="linear, <= 0.5x torch")

    W = rng.standard_normal((64, 64))
    x = rng.standard_normal(64)
    med = interleaved(with_torch({"ours": jac(aw, W, x), "floor": jac_floor(W, x)}, lambda T: jac(T, W, x)), reps)
    row("(d) 64x64 jacobian of tanh(W@x)", med, target="<= torch")


if __name__ == "__main__":
    main()
