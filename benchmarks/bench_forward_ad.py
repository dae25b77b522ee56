"""Forward-mode AD: one dual pass (autograd.forward_ad) of a tanh MLP, here, in PyTorch and written by hand.

    python benchmarks/bench_forward_ad.py [--repeats 15]

The workload: a 784-256-256-10 tanh MLP on a batch of 128 (float32), the input made dual with a
random direction; the pass computes the output and its Jacobian·direction. PyTorch runs a forward
formula per op; this package derives each op's tangent from its backward formula (a second run of the
op and two small backward passes: forward_ad.py's docstring), so its dual pass costs several plain
forwards. The NumPy floor propagates the tangent by hand (t ← t·W, t ← (1 − h²)·t). Prints median CPU
milliseconds of a plain forward and of a dual pass for each, and the ratios; no target (reported).
"""
import argparse

import numpy as np

from run import mlp_data, set_threads  # benchmarks/run.py: also loads autograd_widgets from this checkout
from bench_func import median_ms  # noqa: E402 - after run, which puts this checkout first on sys.path
import autograd_widgets as aw
import autograd_widgets.autograd.forward_ad  # noqa: F401

from run import torch  # None without PyTorch

if torch is not None:
    import torch.autograd.forward_ad  # noqa: F401


def data():
    """(b)'s MLP weights, biases and batch (benchmarks/run.py), and a random direction for the input."""
    Ws, bs, X, _ = mlp_data()
    return Ws, bs, X, np.random.default_rng(1).standard_normal(X.shape).astype(np.float32)


def engine(T, Ws, bs, X, V):
    fwAD = T.autograd.forward_ad
    Wt, bt, x, v = [T.tensor(W) for W in Ws], [T.tensor(b) for b in bs], T.tensor(X), T.tensor(V)

    def net(h):
        for W, b in zip(Wt[:-1], bt[:-1]):
            h = T.tanh(h @ W + b)
        return h @ Wt[-1] + bt[-1]

    def dual():
        with fwAD.dual_level():
            out = net(fwAD.make_dual(x, v))
            return fwAD.unpack_dual(out).tangent
    return (lambda: net(x)), dual


def floor(Ws, bs, X, V):
    def plain():
        h = X
        for W, b in zip(Ws[:-1], bs[:-1]):
            h = np.tanh(h @ W + b)
        return h @ Ws[-1] + bs[-1]

    def dual():
        h, t = X, V
        for W, b in zip(Ws[:-1], bs[:-1]):
            h = np.tanh(h @ W + b)
            t = (1 - h * h) * (t @ W)
        return t @ Ws[-1]
    return plain, dual


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    set_threads(1)  # NumPy's BLAS and PyTorch's intra-op pool alike: one thread each (CPU time)
    Ws, bs, X, V = data()
    rows = [("floor", floor(Ws, bs, X, V)), ("autograd_widgets", engine(aw, Ws, bs, X, V))]
    if torch is not None:
        rows.append(("PyTorch", engine(torch, Ws, bs, X, V)))
    want = rows[0][1][1]()
    for name, (plain, dual) in rows[1:]:  # every contender's tangent is the floor's, before any timing
        got = dual().detach().numpy()
        assert np.allclose(got, want, rtol=1e-4, atol=1e-5), name
    results = {name: (median_ms(plain, args.repeats), median_ms(dual, args.repeats)) for name, (plain, dual) in rows}
    floor_dual = results["floor"][1]
    print("median CPU ms      plain forward   dual pass   dual/plain   dual/floor's dual")
    for name, (p, d) in results.items():
        print(f"{name:17s} {p:13.2f} {d:11.2f} {d / p:12.2f} {d / floor_dual:15.2f}")
    if torch is not None:
        print(f"dual pass, autograd_widgets / PyTorch: {results['autograd_widgets'][1] / results['PyTorch'][1]:.2f}")


if __name__ == "__main__":
    main()
