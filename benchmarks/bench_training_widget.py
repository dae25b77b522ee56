"""TrainingLoop benchmark: what the widget adds to a training step, as ratios to the loop written by hand.

    python benchmarks/bench_training_widget.py           # about a minute on a shared 2-core machine
    python benchmarks/bench_training_widget.py --quick

Two models, each on this core and on PyTorch CPU (where installed), one thread each:
  mlp  the "Optimizing Model Parameters" network (784-512-512-10 ReLU), batch 64, CrossEntropyLoss, SGD;
  deep 80 x (Linear(8, 8), Tanh): 160 parameters and a 562-node graph, drawn folded to about 300 nodes.
Columns: the hand-written step (zero_grad, forward, loss, backward, step); `step()` (the same, plus the
history's copies, the table, the curve and the graph redrawn every step); `run(n)` per step (drawn
once, at the end). Medians of interleaved repeats; the ratios are what to read.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import autograd_widgets as aw  # noqa: E402

try:
    import torch
    torch.set_num_threads(1)
except ImportError:
    torch = None


def mlp(T):
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(784, 512), T.nn.ReLU(), T.nn.Linear(512, 512), T.nn.ReLU(),
                            T.nn.Linear(512, 10))
    return model, T.nn.CrossEntropyLoss(), (T.randn(64, 784), T.randint(0, 10, (64,)))


def deep(T):
    T.manual_seed(0)
    layers = []
    for _ in range(80):
        layers += [T.nn.Linear(8, 8), T.nn.Tanh()]
    return T.nn.Sequential(*layers), T.nn.MSELoss(), (T.randn(16, 8), T.randn(16, 8))


def timings(T, make, repeats, n):
    model, loss_fn, (x, y) = make(T)
    opt = T.optim.SGD(model.parameters(), lr=1e-3)
    loop = aw.TrainingLoop(model, loss_fn, opt, [(x, y)])
    loop.step()  # the first draw lays the graph out; later steps patch it

    def by_hand():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()

    calls = {"hand": (by_hand, 1), "step()": (loop.step, 1), "run(n)": (lambda: loop.run(n), n)}
    times = {k: [] for k in calls}
    for _ in range(repeats):  # interleaved, so a busy neighbour slows all three alike
        for k, (f, steps) in calls.items():
            start = time.perf_counter()
            f()
            times[k].append((time.perf_counter() - start) / steps)
    loop.close()
    return {k: statistics.median(v) for k, v in times.items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats, n = (3, 5) if args.quick else (7, 10)
    print(f"load average {os.getloadavg()[0]:.1f}; {repeats} repeats, run(n) with n = {n}")
    print(f"{'model':6} {'library':16} {'hand ms':>9} {'step() ms':>10} {'run(n) ms':>10} {'step()/hand':>12} "
          f"{'run(n)/hand':>12}")
    for name, make in (("mlp", mlp), ("deep", deep)):
        for T in (aw, torch):
            if T is None:
                continue
            t = timings(T, make, repeats, n)
            print(f"{name:6} {T.__name__:16} {t['hand'] * 1e3:9.1f} {t['step()'] * 1e3:10.1f} {t['run(n)'] * 1e3:10.1f} "
                  f"{t['step()'] / t['hand']:12.2f} {t['run(n)'] / t['hand']:12.2f}")


if __name__ == "__main__":
    main()
