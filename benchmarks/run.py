"""Core benchmark: autograd_widgets beside PyTorch CPU (if installed) and a hand-written NumPy floor.

    python benchmarks/run.py             # full run (about 100 s of CPU on 2 cores; longer when they are busy)
    python benchmarks/run.py --quick     # fewer repeats, no 1e6 chain (about 30 s)
    python benchmarks/run.py --cpu       # CPU time on one thread: steadier on a busy shared machine
    python benchmarks/run.py --profile   # instead: cProfile ours on (a) and (b), where the time goes
    python benchmarks/run.py --peers     # instead: benchmarks/peers.py (with HIPS autograd and MyGrad)

One process runs all three contenders. Repeats are interleaved (ours, torch, floor, ours, ...) so
a noisy neighbour slows all of them alike; each figure is the median. The garbage collector is
left on (users have it on), but the objects alive after start-up are frozen out of it and it is
emptied before every timed call, so no call pays for the last one or for the size of `import torch`.
The floor is the same maths written directly in NumPy: explicit forward, explicit backward.
"""
import argparse
import ctypes
import gc
import os
import statistics
import sys
import time

# Idle OpenMP threads would otherwise spin on the shared cores between turns (override to compare).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import autograd_widgets as aw  # noqa: E402

try:
    import torch
except ImportError:
    torch = None


# --- threads: PyTorch gets as many intra-op threads as NumPy's BLAS has -------------------------
def _openblas():
    """(get_num_threads, set_num_threads, file name) of NumPy's OpenBLAS among the loaded libraries, or None."""
    try:
        with open("/proc/self/maps") as f:
            paths = sorted({line.split()[-1] for line in f if "openblas" in line.lower() and "/" in line})
    except OSError:
        return None
    for path in paths:
        lib = ctypes.CDLL(path)
        for get, put in (("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
                         ("openblas_get_num_threads64_", "openblas_set_num_threads64_"),
                         ("openblas_get_num_threads", "openblas_set_num_threads")):
            if hasattr(lib, get):
                return getattr(lib, get), getattr(lib, put), os.path.basename(path)
    return None


def set_threads(wanted):
    """Match torch's intra-op threads to NumPy's BLAS threads (both set to `wanted` if given)."""
    blas = _openblas()
    if blas is not None and wanted:
        blas[1](int(wanted))
    n = wanted or (blas[0]() if blas is not None else int(os.environ.get("OMP_NUM_THREADS", os.cpu_count() or 1)))
    if torch is not None:
        torch.set_num_threads(n)
    where = f"NumPy BLAS {blas[2]}: {blas[0]()}" if blas is not None else f"NumPy BLAS: unknown, assumed {n}"
    return f"threads: {where}; torch intra-op: {torch.get_num_threads() if torch else '-'}"


# --- timing -----------------------------------------------------------------------------------
_fwd_end = []
clock = time.perf_counter  # or time.process_time (--cpu): CPU seconds of this process


def mark():
    """Called by a contender when its forward pass ends (to split forward from backward)."""
    _fwd_end.append(clock())


def interleaved(contenders, repeats):
    """{name: (median total s, median forward s)} over `repeats` interleaved rounds (warmed up by the caller)."""
    total = {name: [] for name in contenders}
    fwd = {name: [] for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            gc.collect()
            _fwd_end.clear()
            t0 = clock()
            fn()
            t1 = clock()
            total[name].append(t1 - t0)
            fwd[name].append(_fwd_end[0] - t0 if _fwd_end else float("nan"))
    return {name: (statistics.median(total[name]), statistics.median(fwd[name])) for name in contenders}


def three(make_ours, make_torch, make_floor):
    """The contenders of one workload, in running order; torch only when installed."""
    d = {"ours": make_ours()}
    if torch is not None:
        d["torch"] = make_torch()
    d["floor"] = make_floor()
    return d


# --- (a), (c): a chain alternating add, mul, tanh on a length-16 float64 vector ----------------
CHAIN_X = np.linspace(-1, 1, 16)
CHAIN_C = np.full(16, 0.01)
CHAIN_M = np.full(16, 0.99)


def chain(T, n):
    x = T.tensor(CHAIN_X, dtype=T.float64, requires_grad=True)
    c = T.tensor(CHAIN_C, dtype=T.float64)
    m = T.tensor(CHAIN_M, dtype=T.float64)
    seed = T.ones(16, dtype=T.float64)
    tanh = T.tanh

    def run():
        x.grad = None
        y = x
        for i in range(n):
            k = i % 3
            y = y + c if k == 0 else (y * m if k == 1 else tanh(y))
        mark()
        y.backward(seed)
        return x.grad
    return run


def chain_floor(n):
    x, c, m = CHAIN_X, CHAIN_C, CHAIN_M

    def run():
        saved = []  # tanh outputs, the only values the backward needs
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
        mark()
        g = np.ones(16)
        for i in range(n - 1, -1, -1):
            k = i % 3
            if k == 1:
                g = g * m
            elif k == 2:
                r = saved.pop()
                g = g * (1 - r * r)
        return g
    return run


# --- (b): one step of a 784-256-256-10 tanh MLP, batch 128, float32, MSE ----------------------
def mlp_data():
    rng = np.random.default_rng(0)
    sizes = (784, 256, 256, 10)
    Ws = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    bs = [(0.1 * rng.standard_normal(b)).astype(np.float32) for b in sizes[1:]]
    X = rng.standard_normal((128, 784)).astype(np.float32)
    Y = rng.standard_normal((128, 10)).astype(np.float32)
    return Ws, bs, X, Y


def mlp(T, Ws, bs, X, Y):
    Wt = [T.tensor(W, requires_grad=True) for W in Ws]
    bt = [T.tensor(b, requires_grad=True) for b in bs]
    x, y = T.tensor(X), T.tensor(Y)
    params = Wt + bt
    mse, tanh = T.nn.functional.mse_loss, T.tanh

    def run():
        for p in params:
            p.grad = None  # what optimizer.zero_grad() does by default
        h = tanh(x @ Wt[0] + bt[0])
        h = tanh(h @ Wt[1] + bt[1])
        loss = mse(h @ Wt[2] + bt[2], y)
        mark()
        loss.backward()
        return [p.grad for p in params]
    return run


def mlp_floor(Ws, bs, X, Y):
    W1, W2, W3 = Ws
    b1, b2, b3 = bs

    def run():
        h1 = np.tanh(X @ W1 + b1)
        h2 = np.tanh(h1 @ W2 + b2)
        d = h2 @ W3 + b3 - Y
        loss = np.mean(d * d)  # computed, as ours and torch compute it, though backward needs only d
        mark()
        g3 = d * np.float32(2 / d.size)
        g2 = (g3 @ W3.T) * (1 - h2 * h2)
        g1 = (g2 @ W2.T) * (1 - h1 * h1)
        grads = [X.T @ g1, h1.T @ g2, h2.T @ g3, g1.sum(0), g2.sum(0), g3.sum(0)]
        return grads
    return run


# --- (d): the 64x64 Jacobian of tanh(W @ x) ---------------------------------------------------
def jac_data():
    rng = np.random.default_rng(1)
    return (rng.standard_normal((64, 64)) / 8).astype(np.float32), rng.standard_normal(64).astype(np.float32)


def jac(T, W, x):
    Wt, xt = T.tensor(W), T.tensor(x)
    jacobian, tanh = T.autograd.functional.jacobian, T.tanh

    def run():
        return jacobian(lambda v: tanh(Wt @ v), xt)
    return run


def jac_floor(W, x):
    def run():
        y = np.tanh(W @ x)
        return (1 - y * y)[:, None] * W  # diag(1 - tanh²) · W
    return run


# --- correctness first: a fast wrong answer is worth nothing ------------------------------------
def _host(v):
    if isinstance(v, (list, tuple)):
        return [_host(e) for e in v]
    if isinstance(v, np.ndarray):
        return v
    return np.asarray(v.detach().numpy() if hasattr(v, "detach") else v)


def check(name, contenders, rtol):
    ref = _host(contenders["floor"]())
    for who, fn in contenders.items():
        got = _host(fn())
        pairs = zip(got, ref) if isinstance(ref, list) else [(got, ref)]
        for a, b in pairs:
            if a.shape != b.shape or not np.allclose(a, b, rtol=rtol, atol=rtol):
                raise SystemExit(f"{name}: {who} disagrees with the NumPy floor (max diff "
                                 f"{np.max(np.abs(a - b)) if a.shape == b.shape else 'shape'}); figures void")


# --- the table -----------------------------------------------------------------------------------
COLS = f"{'workload':40s} {'ours':>9s} {'torch':>9s} {'floor':>9s} {'ours/torch':>10s} {'ours/floor':>10s}  " \
       f"{'target':17s} verdict"


def verdict(ratio, limit):
    """'met' when `ratio` is within `limit`, else 'missed' and by how much."""
    if ratio != ratio:
        return "n/a (no torch)"
    if ratio <= limit:
        return "met"
    over = ratio / limit
    return f"missed: {over:.2f}x over" if over >= 1.1 else f"missed: {100 * (over - 1):.1f}% over"


def row(label, med, scale, target_kind=None, limit=None, stretch=None):
    """One line: times (scaled to the unit) and ratios; `target_kind` 'torch' or 'floor', with the
    target `limit` and, if the issue names one, a `stretch` target."""
    ours, floor = med["ours"][0], med["floor"][0]
    tor = med["torch"][0] if "torch" in med else float("nan")
    r_t, r_f = ours / tor, ours / floor
    target = f"<= {limit:g}x {target_kind}" if target_kind else ""
    ratio = r_t if target_kind == "torch" else r_f
    met = verdict(ratio, limit) if target_kind else ""
    if stretch is not None:
        met += f"; stretch <= {stretch:g}x: {verdict(ratio, stretch)}"
    print(f"{label:40s} {ours * scale:9.2f} {tor * scale:9.2f} {floor * scale:9.2f} {r_t:10.2f} {r_f:10.2f}  "
          f"{target:17s} {met}", flush=True)


def split_row(label, med, scale):
    """Forward and backward shares of the same medians (backward = total - forward)."""
    cells = []
    for who in ("ours", "torch", "floor"):
        if who in med:
            total, fwd = med[who]
            cells.append(f"{who} {fwd * scale:.2f} + {(total - fwd) * scale:.2f}")
    print(f"{'':4s}{label}: " + ";  ".join(cells), flush=True)


def options(doc, quick_help, profile_help, threads=0):
    """Parse the command line the benchmarks share, set clock and threads (`threads` the default, 0 for
    NumPy's BLAS count), print the header; the options."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help=quick_help)
    ap.add_argument("--profile", action="store_true", help=profile_help)
    ap.add_argument("--threads", type=int, default=threads,
                    help=f"BLAS and torch threads (default: {threads or 'NumPy BLAS count'})")
    ap.add_argument("--cpu", action="store_true",
                    help="time CPU seconds of this process, not wall-clock, on one thread: steadier on a busy machine")
    args = ap.parse_args()
    if args.cpu:
        global clock
        clock, args.threads = time.process_time, 1
    print(f"autograd_widgets {aw.__version__}, numpy {np.__version__}, "
          f"torch {torch.__version__ if torch else 'not installed'}, Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}")
    print(set_threads(args.threads))
    return args


def main():
    args = options(__doc__, "fewer repeats and no 1e6 chain (about 30 s)",
                   "instead of timing, cProfile ours on (a) and (b)")
    start = time.perf_counter()
    reps = 7 if args.quick else 31

    if args.profile:
        return profile(*mlp_data())
    print(f"medians of {reps} interleaved repeats (fewer for long chains) of "
          f"{'CPU time' if args.cpu else 'wall-clock time'}, in the unit each row names")
    print(COLS)
    gc.collect()
    gc.freeze()

    # (a)
    n = 1000
    c = three(lambda: chain(aw, n), lambda: chain(torch, n), lambda: chain_floor(n))
    check("(a)", c, 1e-9)
    med = interleaved(c, reps)
    row("(a) 1,000-op chain fwd+bwd, us/op", med, 1e6 / n, "torch", 1.0, stretch=0.5)
    split_row("us/op forward + backward", med, 1e6 / n)

    # (b)
    Ws, bs, X, Y = mlp_data()
    c = three(lambda: mlp(aw, Ws, bs, X, Y), lambda: mlp(torch, Ws, bs, X, Y), lambda: mlp_floor(Ws, bs, X, Y))
    check("(b)", c, 1e-4)
    med = interleaved(c, reps)
    row("(b) MLP 784-256-256-10 b128 step, ms", med, 1e3, "floor", 1.15)
    split_row("ms forward + backward", med, 1e3)

    # (c)
    sizes = (10_000, 100_000) if args.quick else (10_000, 100_000, 1_000_000)
    per_op = {}
    for N in sizes:
        r = 1 if N >= 1_000_000 or (args.quick and N >= 100_000) else 2 if N >= 100_000 else 5
        med = interleaved(three(lambda: chain(aw, N), lambda: chain(torch, N), lambda: chain_floor(N)), r)
        row(f"(c) {N:>9,}-op chain, us/op (x{r})", med, 1e6 / N, "torch", 1.0)  # garbage collector on
        per_op[N] = {who: t / N for who, (t, _) in med.items()}
    lo, hi = sizes[0], sizes[-1]
    growth = {who: per_op[hi][who] / per_op[lo][who] for who in per_op[lo]}
    print(f"{'(c) linearity: us/op at %.0e / at %.0e' % (hi, lo):40s} " +
          " ".join(f"{growth.get(w, float('nan')):9.2f}" for w in ("ours", "torch", "floor")) +
          f" {'':10s} {'':10s}  {'<= 1.5 (linear)':17s} {verdict(growth['ours'], 1.5)}", flush=True)

    # (d)
    W, x = jac_data()
    c = three(lambda: jac(aw, W, x), lambda: jac(torch, W, x), lambda: jac_floor(W, x))
    check("(d)", c, 1e-5)
    med = interleaved(c, reps)
    row("(d) 64x64 jacobian tanh(W@x), ms", med, 1e3, "torch", 1.0)

    import resource
    print(f"whole run {time.perf_counter() - start:.0f} s, peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


# --- where ours spends its time ---------------------------------------------------------------------
def profile(Ws, bs, X, Y, top=16):
    """cProfile ours on (a) and (b)."""
    print_profiles((("(a) 1,000-op chain", chain(aw, 1000), 30), ("(b) MLP step", mlp(aw, Ws, bs, X, Y), 30)), top)


def print_profiles(workloads, top=16):
    """cProfile each (label, fn, times): functions by cumulative and by own time, in % of the total.

    cProfile's own per-call cost inflates many-call functions alike; read shares, not microseconds.
    """
    import cProfile
    import pstats
    for label, fn, times in workloads:
        fn()
        gc.collect()
        prof = cProfile.Profile()
        prof.enable()
        for _ in range(times):
            fn()
        prof.disable()
        st = pstats.Stats(prof)
        total = st.total_tt
        rows = [(k, v) for k, v in st.stats.items() if "disable" not in k[2]]
        print(f"\nprofile of ours, {label} x{times}: {total:.2f} s under cProfile")
        for title, col in (("by cumulative time", 3), ("by own time", 2)):
            print(f"  {title}:\n  {'cum %':>6s} {'own %':>6s} {'calls':>8s}  function")
            for (file, line, func), (cc, nc, tt, ct, _) in sorted(rows, key=lambda kv: -kv[1][col])[:top]:
                where = f"{os.path.relpath(file)}:{line}({func})" if file != "~" else func
                print(f"  {100 * ct / total:6.1f} {100 * tt / total:6.1f} {nc:8d}  {where}")


if __name__ == "__main__":
    if "--peers" in sys.argv:
        import peers
        peers.main()
    else:
        main()
