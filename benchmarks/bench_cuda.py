"""The core benchmark on a GPU: autograd_widgets on CuPy beside PyTorch CUDA, the yardstick.

    python benchmarks/bench_cuda.py [--reps 30] [--batches 128 4096 65536 262144] [--out results.txt]

One step of a 784-256-256-10 tanh MLP, float32, MSE loss, forward and backward, as in
benchmarks/run.py (b), and run.py's chain of 1e5 ops. Each timed call ends by waiting for the
GPU, repeats are interleaved after a warm-up (CuPy compiles its kernels on first use), and the
median is reported with issue 12's target against PyTorch CUDA and a verdict. The hand-written
CuPy "floor" is printed for scale only: it shares CuPy's slow reductions, so it is no floor.
The CPU rows (ours on NumPy, the NumPy floor) run at the smaller batches.
"""
import argparse
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd_widgets as aw  # noqa: E402
from run import chain, interleaved, mlp, mlp_data, mlp_floor, verdict  # noqa: E402  (they take device data too)

try:
    import torch
except ImportError:
    torch = None


def data(batch):
    """run.py's weights (seed 0), with a batch of `batch` random inputs and targets."""
    rng = np.random.default_rng(0)
    Ws, bs, _, _ = mlp_data()
    return Ws, bs, rng.standard_normal((batch, 784)).astype(np.float32), \
        rng.standard_normal((batch, 10)).astype(np.float32)


def synced(fn, sync):
    def run():
        fn()
        sync()
    return run


def contenders(batch, with_cpu):
    """run.py's MLP step for each GPU contender, its data already on the device, each call waiting for the GPU;
    and the CPU contenders (ours on NumPy, the NumPy floor) where `with_cpu`."""
    import cupy
    Ws, bs, X, Y = data(batch)
    sync = cupy.cuda.runtime.deviceSynchronize  # waits for every stream: CuPy's and PyTorch's
    c = {"ours": synced(mlp(aw, *on(lambda a: aw.tensor(a, device="cuda"), Ws, bs, X, Y)), sync),
         "floor": synced(mlp_floor(*on(cupy.asarray, Ws, bs, X, Y)), sync)}
    if torch is not None and torch.cuda.is_available():
        c["torch"] = synced(mlp(torch, *on(lambda a: torch.tensor(a, device="cuda"), Ws, bs, X, Y)), sync)
    cpu = {"ours cpu": mlp(aw, Ws, bs, X, Y), "numpy floor": mlp_floor(Ws, bs, X, Y)} if with_cpu else {}
    return c, cpu


def on(move, Ws, bs, X, Y):
    return [move(a) for a in Ws], [move(a) for a in bs], move(X), move(Y)


def line(label, med, limit):
    """One row: ours, each other contender with ours' ratio to it, then the target against torch cuda."""
    ours = med["ours"]
    cells = [label, f"ours(cupy) {ours:8.3f}"]
    for other in ("torch", "floor", "ours cpu", "numpy floor"):
        if other in med:
            name = {"torch": "torch cuda", "floor": "cupy floor (no floor)"}.get(other, other)
            cells.append(f"{name} {med[other]:8.3f} (ours/{name} {ours / med[other]:6.2f}x)")
    ratio = ours / med["torch"] if "torch" in med else float("nan")
    cells.append(f"target <= {limit:g}x torch cuda: {verdict(ratio, limit)}")
    return "  ".join(cells)


def chain_row(n, reps):
    """run.py's add/mul/tanh chain of `n` ops on the GPU, ours beside torch cuda, in ms per call."""
    import cupy
    sync = cupy.cuda.runtime.deviceSynchronize
    c = {"ours": synced(chain(_OnDevice(aw), n), sync)}
    if torch is not None and torch.cuda.is_available():
        c["torch"] = synced(chain(_OnDevice(torch), n), sync)
    interleaved(c, 1)
    med = {k: total * 1e3 for k, (total, _) in interleaved(c, reps).items()}
    return line(f"{n:,}-op chain (ms)", med, 1.2)


class _OnDevice:
    """The module `T` run.py's chain uses, making its tensors on 'cuda'."""

    def __init__(self, module):
        self._m = module

    def __getattr__(self, name):
        return getattr(self._m, name)

    def tensor(self, *a, **kw):
        return self._m.tensor(*a, device="cuda", **kw)

    def ones(self, *a, **kw):
        return self._m.ones(*a, device="cuda", **kw)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=30)
    ap.add_argument("--batches", type=int, nargs="+", default=[128, 4096, 65536, 262144])
    ap.add_argument("--chain", type=int, default=100_000, help="ops in the chain row (0: no chain row)")
    ap.add_argument("--out", help="also write the table here")
    args = ap.parse_args()
    warnings.filterwarnings("ignore", message="To copy construct from a tensor")  # run.py's mlp copies its inputs
    if not aw.cuda.is_available():
        sys.exit("bench_cuda.py needs CuPy and an NVIDIA GPU (pip install \"autograd_widgets[cuda]\").")
    import cupy
    lines = [f"GPU {aw.cuda.get_device_name()}, CuPy {cupy.__version__}, numpy {np.__version__}, "
             f"torch {torch.__version__ if torch else 'not installed'}; medians of {args.reps} interleaved steps (ms)"]
    print(lines[0], flush=True)
    for batch in args.batches:
        gpu, cpu = contenders(batch, with_cpu=batch <= 4096)
        med = {}
        for group in (gpu, cpu):  # apart: a GPU left idle by a CPU contender would start the next one cold
            interleaved(group, 5)  # warm-up: kernel compilation, allocator pools, cuBLAS handles
            med.update({k: total * 1e3 for k, (total, _) in interleaved(group, args.reps).items()})
        lines.append(line(f"MLP step b={batch:<6d}", med, 1.15))
        print(lines[-1], flush=True)
    if args.chain:
        lines.append(chain_row(args.chain, max(3, args.reps // 10)))
        print(lines[-1], flush=True)
    if args.out:
        with open(args.out, "w") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
