"""Peer benchmark: autograd_widgets beside PyTorch CPU, HIPS autograd, MyGrad and the NumPy floor, in one run.

    python benchmarks/peers.py             # full run: minutes; 27 min with --cpu on 2 cores shared at load 12
    python benchmarks/peers.py --quick     # fewer repeats (the peers' 1e5-op chains are most of the time)
    python benchmarks/peers.py --cpu       # CPU time on one thread: steadier on a busy shared machine
    python benchmarks/peers.py --no-memory # skip the peak-memory rows (one subprocess per library each)
    python benchmarks/run.py --peers ...   # the same

The workloads of run.py, each contender running the same maths the way its library is used:
(a) the 1,000-op add/mul/tanh chain on 16 float64, forward + backward; (c) that chain at 1e5 ops,
garbage collector on; (b) one step of the 784-256-256-10 tanh MLP, batch 128, float32;
(d) the 64x64 Jacobian of tanh(W @ x). HIPS autograd traces with `make_vjp` and differentiates with
`jacobian`; MyGrad has no Jacobian, so its (d) is 64 forward + backward passes, one per row (what a
MyGrad user writes). Each contender's result is checked against the NumPy floor before timing, and
run.py's harness times them (interleaved repeats, medians, threads matched, gc emptied before each call).

Then issue 12's targets with a verdict, and peak memory: each library runs the workload in its own
fresh process, and the row reports how far the resident set rose above where it stood just before
the call (Linux's VmHWM after resetting it through /proc/self/clear_refs, freed heap trimmed first).
"""
import ctypes
import gc
import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run  # noqa: E402  (run.py's harness and workloads; it puts the repository first on the path)
from run import (CHAIN_C, CHAIN_M, CHAIN_X, aw, chain, chain_floor, check, interleaved, jac, jac_data,  # noqa: E402
                 jac_floor, mark, mlp, mlp_data, mlp_floor, torch, verdict)

try:
    import autograd as hips
    import autograd.numpy as anp
except ImportError:
    hips = None
try:
    import mygrad as mg
except ImportError:
    mg = None

NAMES = ("ours", "torch", "hips", "mygrad", "floor")


# --- HIPS autograd: trace with make_vjp, then pull the seed back ---------------------------------
def hips_chain(n):
    def f(x):
        y = x
        for i in range(n):
            k = i % 3
            y = y + CHAIN_C if k == 0 else (y * CHAIN_M if k == 1 else anp.tanh(y))
        return y
    seed = np.ones(16)

    def run_():
        vjp, _ = hips.make_vjp(f)(CHAIN_X)
        mark()
        return vjp(seed)
    return run_


def hips_mlp(Ws, bs, X, Y):
    def loss(params):
        W1, W2, W3, b1, b2, b3 = params
        h = anp.tanh(X @ W1 + b1)
        h = anp.tanh(h @ W2 + b2)
        d = h @ W3 + b3 - Y
        return anp.mean(d * d)
    params = list(Ws) + list(bs)

    def run_():
        vjp, ans = hips.make_vjp(loss)(params)
        mark()
        return vjp(np.ones_like(ans))
    return run_


def hips_jac(W, x):
    J = hips.jacobian(lambda v: anp.tanh(W @ v))
    return lambda: J(x)


# --- MyGrad: tensors, backward(seed), .grad ---------------------------------------------------------
def mygrad_chain(n):
    x = mg.tensor(CHAIN_X)
    seed = np.ones(16)

    def run_():
        y = x
        for i in range(n):
            k = i % 3
            y = y + CHAIN_C if k == 0 else (y * CHAIN_M if k == 1 else mg.tanh(y))
        mark()
        y.backward(seed)
        return x.grad
    return run_


def mygrad_mlp(Ws, bs, X, Y):
    params = [mg.tensor(a) for a in list(Ws) + list(bs)]
    W1, W2, W3, b1, b2, b3 = params

    def run_():
        h = mg.tanh(X @ W1 + b1)
        h = mg.tanh(h @ W2 + b2)
        d = h @ W3 + b3 - Y
        loss = mg.mean(d * d)
        mark()
        loss.backward()
        return [p.grad for p in params]
    return run_


def mygrad_jac(W, x):
    eye = np.eye(64, dtype=np.float32)

    def run_():
        rows = []
        for k in range(64):  # MyGrad frees the graph after backward: one forward per row
            v = mg.tensor(x)
            mg.tanh(W @ v).backward(eye[k])
            rows.append(v.grad)
        return np.stack(rows)
    return run_


# --- the contenders of each workload ---------------------------------------------------------------
def workloads(n_chain):
    """{key: (label, {name: maker})}: makers build each contender's call (fresh state) lazily."""
    Ws, bs, X, Y = mlp_data()
    W, x = jac_data()
    return {
        "a": ("(a) 1,000-op chain fwd+bwd, us/op", {
            "ours": lambda: chain(aw, 1000), "torch": lambda: chain(torch, 1000), "hips": lambda: hips_chain(1000),
            "mygrad": lambda: mygrad_chain(1000), "floor": lambda: chain_floor(1000)}),
        "c": (f"(c) {n_chain:,}-op chain, gc on, us/op", {
            "ours": lambda: chain(aw, n_chain), "torch": lambda: chain(torch, n_chain),
            "hips": lambda: hips_chain(n_chain), "mygrad": lambda: mygrad_chain(n_chain),
            "floor": lambda: chain_floor(n_chain)}),
        "b": ("(b) MLP 784-256-256-10 b128 step, ms", {
            "ours": lambda: mlp(aw, Ws, bs, X, Y), "torch": lambda: mlp(torch, Ws, bs, X, Y),
            "hips": lambda: hips_mlp(Ws, bs, X, Y), "mygrad": lambda: mygrad_mlp(Ws, bs, X, Y),
            "floor": lambda: mlp_floor(Ws, bs, X, Y)}),
        "d": ("(d) 64x64 jacobian tanh(W@x), ms", {
            "ours": lambda: jac(aw, W, x), "torch": lambda: jac(torch, W, x), "hips": lambda: hips_jac(W, x),
            "mygrad": lambda: mygrad_jac(W, x), "floor": lambda: jac_floor(W, x)}),
    }


INSTALLED = {"ours": True, "torch": torch is not None, "hips": hips is not None, "mygrad": mg is not None,
             "floor": True}
SCALE = {"a": (1e6, 1000), "b": (1e3, 1), "d": (1e3, 1)}
# issue 12's targets: (workload, whom ours is compared with, at most this ratio)
TARGETS = {"a": ("torch", 1.0), "c": ("torch", 1.0), "b": ("floor", 1.15), "d": ("hips", 1.0)}


def contenders(makers):
    return {name: make() for name, make in makers.items() if INSTALLED[name]}


COLS = f"{'workload':38s} " + " ".join(f"{n:>9s}" for n in NAMES) + "  " + \
    " ".join(f"{'/' + n:>8s}" for n in NAMES[1:]) + f"  {'target':18s} met?   ahead of all peers?"


def table_row(label, med, scale, target):
    """Times of every contender, ours' ratio to each, the target's verdict and whether ours beats every peer."""
    t = {n: med[n][0] if n in med else float("nan") for n in NAMES}
    times = " ".join(f"{t[n] * scale:9.2f}" if n in med else f"{'-':>9s}" for n in NAMES)
    ratios = " ".join(f"{t['ours'] / t[n]:8.2f}" if n in med else f"{'-':>8s}" for n in NAMES[1:])
    whom, limit = target
    r = t["ours"] / t[whom] if whom in med else float("nan")
    peers = [n for n in ("torch", "hips", "mygrad") if n in med]
    ahead = "yes" if all(t["ours"] <= t[n] for n in peers) else \
        "no: " + ", ".join(f"{n} {t['ours'] / t[n]:.2f}x" for n in peers if t["ours"] > t[n])
    print(f"{label:38s} {times}  {ratios}  {f'<= {limit:g}x {whom}':18s} {verdict(r, limit):6s} {ahead}", flush=True)


def main(argv=None):
    if argv is not None:
        sys.argv[1:] = argv
    sys.argv[1:] = [a for a in sys.argv[1:] if a != "--peers"]
    no_memory = "--no-memory" in sys.argv
    sys.argv[1:] = [a for a in sys.argv[1:] if a != "--no-memory"]
    args = run.options(__doc__, "fewer repeats", "(not used here)")
    print("peers: " + ", ".join(f"{n} {v}" for n, v in (
        ("HIPS autograd", _version("autograd")), ("MyGrad", getattr(mg, "__version__", "not installed")))))
    start = time.perf_counter()
    reps = 7 if args.quick else 21
    n_chain = 100_000
    print(f"medians of {reps} interleaved repeats ({'CPU time' if args.cpu else 'wall-clock'}; "
          f"the 1e5 chain: 2), in the unit each row names; /x = ours' time over x's")
    print(COLS)
    gc.collect()
    gc.freeze()
    for key, (label, makers) in workloads(n_chain).items():
        c = contenders(makers)
        check(label[:3], c, 1e-9 if key in "ac" else 1e-4 if key == "b" else 1e-5)
        med = interleaved(c, 2 if key == "c" else reps)
        scale, per = SCALE.get(key, (1e6, n_chain))
        table_row(label, {n: (t / per, f / per) for n, (t, f) in med.items()}, scale, TARGETS[key])
    if not no_memory:
        memory_rows(n_chain)
    print(f"whole run {time.perf_counter() - start:.0f} s")


def _version(dist):
    try:
        from importlib.metadata import version
        return version(dist)
    except Exception:  # noqa: BLE001 - not installed
        return "not installed"


# --- peak memory: each library in a fresh process ----------------------------------------------------
MEMORY = {"b": "(m) MLP step: peak memory rise, MiB", "c": "(m) 1e5-op chain: peak memory rise, MiB"}


def memory_rows(n_chain):
    """For each workload, the resident-memory rise of each library's call, measured in its own process."""
    for key, label in MEMORY.items():
        rise = {}
        for name in NAMES:
            if INSTALLED[name]:
                out = subprocess.run([sys.executable, os.path.abspath(__file__), "--memory-child", key, name,
                                      str(n_chain)], capture_output=True, text=True, env=os.environ.copy())
                if out.returncode != 0:
                    raise SystemExit(f"memory child {key} {name} failed:\n{out.stderr}")
                rise[name] = float(out.stdout.split()[-1])
        cells = " ".join(f"{rise[n]:9.1f}" if n in rise else f"{'-':>9s}" for n in NAMES)
        ratios = " ".join(f"{rise['ours'] / rise[n]:8.2f}" if n in rise and rise[n] else f"{'-':>8s}"
                          for n in NAMES[1:])
        r = rise["ours"] / rise["torch"] if "torch" in rise and rise["torch"] else float("nan")
        met = "n/a (no torch)" if r != r else "yes" if r < 1 else f"NO: {r:.2f}x"
        print(f"{label:38s} {cells}  {ratios}  {'< torch':18s} {met}", flush=True)


def _rss_kib(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_child(key, name, n_chain, times=3):
    """Run workload `key` of library `name` once to warm up, then `times` more, each measuring the peak resident
    rise; prints the median in MiB."""
    label, makers = workloads(n_chain)[key]
    fn = makers[name]()
    fn()
    rises = []
    for _ in range(times):
        gc.collect()
        try:
            ctypes.CDLL("libc.so.6").malloc_trim(0)  # give freed heap back, so the measured call must take it anew
        except (OSError, AttributeError):
            pass
        before = _rss_kib("VmRSS")
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM (the peak) to the current resident size
        result = fn()
        rises.append(_rss_kib("VmHWM") - before)
        del result
    print(f"{label} {name} {sorted(rises)[times // 2] / 1024:.2f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--memory-child":
        memory_child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main()
