"""Where the GPU MLP step's time goes: each array operation of its forward and backward at one batch size,
CuPy (as the engine calls it) beside PyTorch CUDA, and ours' whole forward and backward beside PyTorch's.

    python benchmarks/bench_cuda_ops.py [--batch 262144] [--reps 20]

Each row is the median over `reps` rounds of (10 calls, then a wait for the GPU) / 10, in ms: the cost a
training loop sees, launches included. Also says whether the fused kernels give PyTorch's bits.
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd_widgets as aw  # noqa: E402
from autograd_widgets import backend as B  # noqa: E402
from bench_cuda import data  # noqa: E402
from run import chain  # noqa: E402


def timed(fn, sync, reps, inner=10):
    fn()
    sync()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        sync()
        out.append((time.perf_counter() - t0) / inner * 1e3)
    return statistics.median(out)


def profile_chain(n, sync):
    """cProfile of run.py's chain of `n` ops on the GPU, ours: where each op's microseconds go."""
    import cProfile
    import pstats
    from bench_cuda import _OnDevice
    run = chain(_OnDevice(aw), n)
    run()
    sync()
    t0 = time.perf_counter()
    run()
    sync()
    print(f"chain of {n} ops on the GPU: {(time.perf_counter() - t0) / n * 1e6:.1f} us per op (fwd+bwd)")
    prof = cProfile.Profile()
    prof.enable()
    run()
    sync()
    prof.disable()
    pstats.Stats(prof, stream=sys.stdout).sort_stats("tottime").print_stats(25)


def chains(lengths, sync, K, torch):
    """run.py's chain on the GPU, µs per op: ours (our kernels / CuPy's / gc off) and torch, one call each
    after a warm-up call."""
    import gc
    from bench_cuda import _OnDevice
    for n in lengths:
        cells = []
        for label, T, raw, gc_on in (("ours", aw, True, True), ("ours cupy-kernels", aw, False, True),
                                     ("ours gc-off", aw, True, False), ("torch", torch, True, True)):
            K.raw_enabled = raw
            run = chain(_OnDevice(T), n)
            run()
            sync()
            gc.collect()
            if not gc_on:
                gc.disable()
            t0 = time.perf_counter()
            run()
            sync()
            dt = time.perf_counter() - t0
            gc.enable()
            cells.append(f"{label} {dt / n * 1e6:6.1f}")
        K.raw_enabled = True
        print(f"chain of {n:>7,} ops, us per op: " + "  ".join(cells), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=262144)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--profile-chain", type=int, default=0, help="also profile ours' chain of N ops on the GPU")
    ap.add_argument("--chains", type=int, nargs="*", default=[], help="chain lengths to time: ours with our "
                    "kernels, with CuPy's, with the garbage collector off, and torch")
    args = ap.parse_args()
    import torch
    cupy = B.namespace("cuda")  # loads CuPy into the backend, with its fused kernels
    sync = cupy.cuda.runtime.deviceSynchronize
    K = B.fused(cupy.ones(1))
    Ws, bs, X, Y = data(args.batch)
    c = {k: cupy.asarray(v) for k, v in dict(X=X, W1=Ws[0], W2=Ws[1], b1=bs[0]).items()}
    t = {k: torch.tensor(v, device="cuda") for k, v in dict(X=X, W1=Ws[0], W2=Ws[1], b1=bs[0]).items()}
    c["H"], t["H"] = cupy.tanh(c["X"] @ c["W1"]), torch.tanh(t["X"] @ t["W1"])
    c["G"] = cupy.asarray(np.random.default_rng(1).standard_normal(c["H"].shape, np.float32))
    t["G"] = torch.as_tensor(c["G"], device="cuda")
    rows = [
        ("X @ W1 (forward mm)", lambda: c["X"] @ c["W1"], lambda: t["X"] @ t["W1"]),
        ("X.T @ G (weight grad)", lambda: c["X"].T @ c["G"], lambda: t["X"].t() @ t["G"]),
        ("G @ W2.T (input grad)", lambda: c["G"] @ c["W2"].T, lambda: t["G"] @ t["W2"].t()),
        ("H + b cupy", lambda: c["H"] + c["b1"], lambda: t["H"] + t["b1"]),
        ("H + b ours (raw, row)", lambda: K.binary("add", c["H"], c["b1"]), lambda: t["H"] + t["b1"]),
        ("H * G ours (raw)", lambda: K.binary("mul", c["H"], c["G"]), lambda: t["H"] * t["G"]),
        ("tanh(H) cupy", lambda: cupy.tanh(c["H"]), lambda: torch.tanh(t["H"])),
        ("tanh(H) ours (raw)", lambda: K.unary("tanh", c["H"]), lambda: torch.tanh(t["H"])),
        ("G.sum(0) cupy / torch", lambda: c["G"].sum(0), lambda: t["G"].sum(0)),
        ("B.sum_axes(G, (0,))", lambda: B.sum_axes(c["G"], (0,)), lambda: t["G"].sum(0)),
        ("G.sum() all", lambda: B.sum_axes(c["G"], None), lambda: t["G"].sum()),
        ("tanh_backward formula", lambda: c["G"] * (1 - c["H"] * c["H"]),
         lambda: torch.ops.aten.tanh_backward(t["G"], t["H"])),
        ("tanh_backward elementwise", lambda: K._elementwise["tanh_backward"](c["G"], c["H"]),
         lambda: torch.ops.aten.tanh_backward(t["G"], t["H"])),
        ("tanh_backward ours (raw)", lambda: K.tanh_backward(c["G"], c["H"]),
         lambda: torch.ops.aten.tanh_backward(t["G"], t["H"])),
    ]
    s16 = {k: cupy.asarray(np.linspace(-1, 1, 16)) for k in "ab"}
    t16 = {k: torch.linspace(-1, 1, 16, dtype=torch.float64, device="cuda") for k in "ab"}
    launches = [  # 16 float64 elements: what one launch costs the CPU
        ("16-elt a + b cupy", lambda: s16["a"] + s16["b"], lambda: t16["a"] + t16["b"]),
        ("16-elt a + b ours (raw)", lambda: K.binary("add", s16["a"], s16["b"]), lambda: t16["a"] + t16["b"]),
        ("16-elt tanh cupy", lambda: cupy.tanh(s16["a"]), lambda: torch.tanh(t16["a"])),
        ("16-elt tanh ours (raw)", lambda: K.unary("tanh", s16["a"]), lambda: torch.tanh(t16["a"])),
        ("16-elt empty(16) cupy", lambda: cupy.empty(16), lambda: torch.empty(16, device="cuda")),
    ]
    print(f"GPU {aw.cuda.get_device_name()}, batch {args.batch}, CuPy {cupy.__version__}, torch {torch.__version__}; "
          f"ms per call (median of {args.reps} rounds of 10)", flush=True)
    for label, ours, theirs in rows:
        a, b = timed(ours, sync, args.reps), timed(theirs, sync, args.reps)
        print(f"{label:28s} cupy {a:8.3f}  torch {b:8.3f}  ratio {a / b:6.2f}x", flush=True)
    for label, ours, theirs in launches:
        a, b = timed(ours, sync, args.reps, inner=1000), timed(theirs, sync, args.reps, inner=1000)
        print(f"{label:28s} us per call: ours {a * 1e3:7.2f}  torch {b * 1e3:7.2f}  ratio {a / b:6.2f}x", flush=True)
    same = (K.tanh_backward(c["G"], c["H"]).get().view(np.uint32) ==
            torch.ops.aten.tanh_backward(t["G"], t["H"]).cpu().numpy().view(np.uint32)).mean()
    print(f"fused tanh_backward bits equal to PyTorch CUDA's: {same:.6%} of elements", flush=True)

    # ours' whole step split at the loss, each half waited for
    for name, T, move, raw in (("ours", aw, lambda a: aw.tensor(a, device="cuda"), True),
                               ("ours, CuPy's kernels", aw, lambda a: aw.tensor(a, device="cuda"), False),
                               ("torch", torch, lambda a: torch.tensor(a, device="cuda"), None)):
        K.raw_enabled = raw is not False
        Wt = [move(w).requires_grad_() for w in Ws]
        bt = [move(b).requires_grad_() for b in bs]
        x, y = move(X), move(Y)

        def forward():
            h = T.tanh(x @ Wt[0] + bt[0])
            h = T.tanh(h @ Wt[1] + bt[1])
            return T.nn.functional.mse_loss(h @ Wt[2] + bt[2], y)
        fwd = timed(forward, sync, args.reps, inner=3)
        losses = []

        def backward():
            for p in Wt + bt:
                p.grad = None
            losses.pop().backward()

        def both():
            losses.append(forward())
            backward()
        total = timed(both, sync, args.reps, inner=3)
        print(f"{name:22s} MLP step b={args.batch}: forward {fwd:8.3f} ms, forward+backward {total:8.3f} ms",
              flush=True)
    K.raw_enabled = True
    if args.profile_chain:
        profile_chain(args.profile_chain, sync)
    if args.chains:
        chains(args.chains, sync, K, torch)


if __name__ == "__main__":
    main()
