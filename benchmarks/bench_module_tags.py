"""What tagging nodes with their module costs a model's step (nn/module_tags.py).

    python benchmarks/bench_module_tags.py [--repeats 200]

A forward and backward of small nn.Sequential MLPs (where per-node Python cost shows most),
with each module call tagging the nodes its forward made, and with that tagging switched off;
prints the medians of the process's CPU time (steadier than wall time on a shared machine) and their
ratio. Repeats are interleaved, so drift hits both alike.
"""
import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import autograd_widgets as aw  # noqa: E402
from autograd_widgets.nn import module_tags  # noqa: E402


def step(model, x):
    def run():
        model(x).pow(2).sum().backward()
    return run


def untagged(fn):
    """fn with Module.__call__'s bookkeeping (module_tags.begin/end/finish) turned into no-ops for its duration."""
    def run():
        saved = module_tags.begin, module_tags.end, module_tags.finish
        module_tags.begin, module_tags.end, module_tags.finish = (lambda m: 0), (lambda r, s: None), (lambda: None)
        try:
            fn()
        finally:
            module_tags.begin, module_tags.end, module_tags.finish = saved
    return run


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=200)
    args = ap.parse_args()
    aw.manual_seed(0)
    for layers, width, batch in ((4, 16, 8), (16, 16, 8), (4, 256, 64)):
        mods = [m for _ in range(layers) for m in (aw.nn.Linear(width, width), aw.nn.Tanh())]
        model = aw.nn.Sequential(*mods)
        x = aw.randn(batch, width)
        runs = {"tagged": step(model, x), "untagged": untagged(step(model, x))}
        for fn in runs.values():  # warm-up
            fn()
        times = {name: [] for name in runs}
        for _ in range(args.repeats):
            for name, fn in runs.items():
                t0 = time.process_time()
                fn()
                times[name].append(time.process_time() - t0)
        med = {name: statistics.median(t) for name, t in times.items()}
        print(f"{layers:3d} x Linear({width})+Tanh, batch {batch:3d}: tagged {med['tagged'] * 1e6:8.1f} us, "
              f"untagged {med['untagged'] * 1e6:8.1f} us, ratio {med['tagged'] / med['untagged']:.3f}")


if __name__ == "__main__":
    main()
