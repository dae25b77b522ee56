"""torch.func's per-sample gradients against a loop of backward calls, here and in PyTorch.

    PYTHONPATH=$PWD python benchmarks/bench_func.py [batch_size]

vmap here runs the function once per example, so vmap(grad(loss)) should cost about what the loop of
autograd.grad calls costs (ratio near 1); PyTorch batches the ops, so its ratio is well below 1.
Prints median CPU milliseconds of each way and the vmap/loop ratio for both engines.
"""
import statistics
import sys
import time

import autograd_widgets as aw
import autograd_widgets.func  # noqa: F401 - T.func below

try:
    import torch
    import torch.func  # noqa: F401
except ImportError:
    torch = None


def setup(T, batch):
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(32, 64), T.nn.ReLU(), T.nn.Linear(64, 10))
    data, targets = T.randn(batch, 32), T.randint(10, (batch,))

    def loop():
        params = list(model.parameters())
        rows = [T.autograd.grad(T.nn.functional.cross_entropy(model(data[i:i + 1]), targets[i:i + 1]), params)
                for i in range(batch)]
        return [T.stack(g) for g in zip(*rows)]

    def loss(params, x, y):
        return T.nn.functional.cross_entropy(T.func.functional_call(model, params, (x.unsqueeze(0),)),
                                             y.unsqueeze(0))
    params = {k: v.detach() for k, v in model.named_parameters()}
    per_sample = T.func.vmap(T.func.grad(loss), in_dims=(None, 0, 0))
    return loop, lambda: per_sample(params, data, targets)


def median_ms(fn, repeats=7):
    fn()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return 1000 * statistics.median(times)


def main(batch=64):
    engines = [("autograd_widgets", aw)] + ([("PyTorch", torch)] if torch is not None else [])
    if torch is not None:
        torch.set_num_threads(1)
    for name, T in engines:
        loop, vmapped = setup(T, batch)
        a, b = median_ms(loop), median_ms(vmapped)
        print(f"{name:17s} batch {batch}: loop {a:8.1f} ms  vmap(grad) {b:8.1f} ms  ratio {b / a:5.2f}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
