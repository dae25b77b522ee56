"""A/B in one process: the package at a git ref beside the working tree's, and PyTorch, interleaved.

    python benchmarks/ab.py main a 41      # (a) 1,000-op chain, 41 repeats
    python benchmarks/ab.py HEAD~3 b 41    # (b) MLP step (ratios to the NumPy floor)
    python benchmarks/ab.py main c 40      # (c) 1e5-op chain (repeats / 5)

On a shared, noisy machine two separate runs of run.py differ by more than most changes gain; here
both versions run in turns in one process (CPU time, one thread, medians), so the noise hits both
alike. The ref's package is unpacked (git archive) into a temporary folder under another name; it
imports itself only relatively, so the two copies do not mix.
"""
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import run as R


def unpacked(ref, name):
    """A temporary folder holding the package as it was at `ref`, under the folder name `name`."""
    tmp = tempfile.mkdtemp(prefix="aw_ab_")
    tar = subprocess.run(["git", "-C", ROOT, "archive", ref, "autograd_widgets"], check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", tmp], input=tar.stdout, check=True)
    if name != "autograd_widgets":
        os.rename(os.path.join(tmp, "autograd_widgets"), os.path.join(tmp, name))
    return tmp


def load_ref(ref):
    """The package as it was at `ref`, imported as `aw_base`."""
    sys.path.insert(0, unpacked(ref, "aw_base"))
    import aw_base
    return aw_base


def bench(makers, reps):
    """{name: median CPU seconds} over `reps` interleaved calls of each maker's workload."""
    fns = {k: m() for k, m in makers.items()}
    for f in fns.values():
        f()
    gc.freeze()
    times = {k: [] for k in fns}
    for _ in range(reps):
        for k, f in fns.items():
            gc.collect()
            t0 = time.process_time()
            f()
            times[k].append(time.process_time() - t0)
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    ref, which, reps = sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 21
    import autograd_widgets as new
    base = load_ref(ref)
    R.set_threads(1)
    R.mark = lambda: None
    mods = {"base": base, "new": new}
    if R.torch is not None:
        mods["torch"] = R.torch
    if which == "b":
        data = R.mlp_data()
        makers = {k: (lambda T=T: R.mlp(T, *data)) for k, T in mods.items()}
        makers["floor"] = lambda: R.mlp_floor(*data)
    else:
        n = 1000 if which == "a" else 100000
        reps = reps if which == "a" else max(3, reps // 5)
        makers = {k: (lambda T=T: R.chain(T, n)) for k, T in mods.items()}
    res = bench(makers, reps)
    ref_name = "floor" if which == "b" else "torch"
    print(f"({which}) {reps} repeats, load {os.getloadavg()[0]:.1f}: " +
          ", ".join(f"{k} {v * 1e3:.2f} ms ({v / res[ref_name]:.2f}x {ref_name})" for k, v in res.items() if ref_name in res) +
          f"; new/base {res['new'] / res['base']:.3f}")


if __name__ == "__main__":
    main()
