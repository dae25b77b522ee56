"""The learner's training loop: autograd_widgets beside PyTorch CPU and a hand-written NumPy floor.

    python benchmarks/bench_training.py            # full run, one thread (about 50 s; longer on a busy machine)
    python benchmarks/bench_training.py --quick    # fewer repeats (about 30 s)
    python benchmarks/bench_training.py --cpu      # CPU time on one thread: steadier on a busy shared machine
    python benchmarks/bench_training.py --threads 2   # BLAS and torch on two threads each
    python benchmarks/bench_training.py --profile  # instead: cProfile ours on (e) and (h)

(e) one step of the "Optimizing Model Parameters" tutorial's model (a 784-512-512-10 ReLU MLP as an
nn.Sequential), CrossEntropyLoss, SGD, batch 64; (f) the same with Adam; (g) one SGD step of the
"Neural Networks" tutorial's LeNet, MSELoss, batch 16; (h) one epoch of (e) through a shuffling
DataLoader over 4,096 examples. Ours and PyTorch run the same program text (`T` the module) from the
same initial weights; before timing, their loss and parameters after a step are checked against the
floor, the same maths written by hand in NumPy. The timing helpers are run.py's (interleaved
repeats, medians, threads matched).
"""
import gc
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run import COLS, _host, aw, interleaved, options, print_profiles, row, three, torch  # noqa: E402

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import sliding_window_view  # noqa: E402

F32 = np.float32


# --- data and initial weights (PyTorch's default bounds, drawn by NumPy so both models start alike) ----
def uniform_init(rng, shapes):
    """Weights and biases of the given weight shapes, U(-1/sqrt(fan_in), 1/sqrt(fan_in)) as nn.Linear/Conv2d."""
    out = []
    for shape in shapes:
        bound = 1 / np.sqrt(np.prod(shape[1:]))
        out += [rng.uniform(-bound, bound, shape).astype(F32), rng.uniform(-bound, bound, shape[0]).astype(F32)]
    return out


def mlp_data(n=64):
    rng = np.random.default_rng(0)
    init = uniform_init(rng, [(512, 784), (512, 512), (10, 512)])
    return init, rng.random((n, 1, 28, 28), dtype=F32), rng.integers(0, 10, n)  # FashionMNIST-sized images


def lenet_data():
    rng = np.random.default_rng(1)
    init = uniform_init(rng, [(6, 1, 5, 5), (16, 6, 5, 5), (120, 400), (84, 120), (10, 84)])
    return init, rng.standard_normal((16, 1, 32, 32), dtype=F32), rng.standard_normal((16, 10), dtype=F32)


def with_weights(T, model, arrays):
    """`model` with its parameters, in registration order, set to copies of `arrays`."""
    model.load_state_dict(dict(zip(model.state_dict(), (T.tensor(a) for a in arrays))))
    return model


# --- the programs, written once for ours and PyTorch ------------------------------------------------
def tutorial_mlp(T):
    """The "Optimizing Model Parameters" tutorial's NeuralNetwork, written as an nn.Sequential."""
    nn = T.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                         nn.Linear(512, 10))


def train_loop(dataloader, model, loss_fn, optimizer):
    """The tutorial's train_loop (its progress printing left out); the last batch's loss."""
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
    return loss


def trainer(T, optim, init, batches):
    """A call of train_loop over `batches` with the tutorial's model from `init`, its loss and `optim`(lr=1e-3)."""
    model = with_weights(T, tutorial_mlp(T), init)
    loss_fn = T.nn.CrossEntropyLoss()
    optimizer = getattr(T.optim, optim)(model.parameters(), lr=1e-3)

    def run():
        return train_loop(batches, model, loss_fn, optimizer)
    run.params = model.parameters
    return run


def train_step(T, optim, init, X, y):
    """(e)/(f): one batch; `optim` 'SGD' or 'Adam'."""
    return trainer(T, optim, init, [(T.tensor(X), T.tensor(y))])


def train_epoch(T, init, X, y):
    """(h): one epoch of a shuffling DataLoader, batch 64, SGD."""
    dataset = T.utils.data.TensorDataset(T.tensor(X), T.tensor(y))
    return trainer(T, "SGD", init, T.utils.data.DataLoader(dataset, batch_size=64, shuffle=True))


def load_only(T, X, y):
    """(h) without the model: the DataLoader's own cost per epoch (fetch each example, collate, shuffle)."""
    dataloader = T.utils.data.DataLoader(T.utils.data.TensorDataset(T.tensor(X), T.tensor(y)),
                                         batch_size=64, shuffle=True)

    def run():
        for X_, y_ in dataloader:
            pass
    return run


def lenet(T):
    """The "Neural Networks" tutorial's Net (LeNet-5 for 1x32x32 images)."""
    nn, F = T.nn, T.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, input):
            c1 = F.relu(self.conv1(input))
            s2 = F.max_pool2d(c1, (2, 2))
            c3 = F.relu(self.conv2(s2))
            s4 = F.max_pool2d(c3, 2)
            s4 = T.flatten(s4, 1)
            f5 = F.relu(self.fc1(s4))
            f6 = F.relu(self.fc2(f5))
            return self.fc3(f6)
    return Net()


def lenet_step(T, init, X, target):
    """(g): the tutorial's update: zero_grad, forward, MSELoss, backward, SGD(lr=0.01) step."""
    net = with_weights(T, lenet(T), init)
    criterion = T.nn.MSELoss()
    optimizer = T.optim.SGD(net.parameters(), lr=0.01)
    input, target = T.tensor(X), T.tensor(target)

    def run():
        optimizer.zero_grad()
        output = net(input)
        loss = criterion(output, target)
        loss.backward()
        optimizer.step()
        return loss
    run.params = net.parameters
    return run


# --- the floor: the same maths by hand in NumPy -----------------------------------------------------
def mlp_loss_grads(params, X, y):
    """Cross-entropy of the 784-512-512-10 ReLU MLP on (X, y) and the gradients of `params` (W (out, in), b)."""
    W1, b1, W2, b2, W3, b3 = params
    n = len(y)
    x = X.reshape(n, -1)
    z1 = x @ W1.T + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2.T + b2
    h2 = np.maximum(z2, 0)
    z = h2 @ W3.T + b3
    z -= z.max(1, keepdims=True)
    e = np.exp(z)
    s = e.sum(1, keepdims=True)
    rows = np.arange(n)
    loss = np.log(s).mean() - z[rows, y].mean()
    g3 = e / s  # softmax - one_hot, over n
    g3[rows, y] -= 1
    g3 *= F32(1 / n)
    g2 = (g3 @ W3) * (z2 > 0)
    g1 = (g2 @ W2) * (z1 > 0)
    return loss, [g1.T @ x, g1.sum(0), g2.T @ h1, g2.sum(0), g3.T @ h2, g3.sum(0)]


def sgd(lr):
    def update(params, grads):
        for p, g in zip(params, grads):
            p -= F32(lr) * g
    return update


def adam(params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """Adam's update with its moments kept for `params`."""
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    t = [0]

    def update(params, grads):
        update.grads = grads
        t[0] += 1
        step_size = F32(lr / (1 - beta1 ** t[0]))
        root_bc2 = F32((1 - beta2 ** t[0]) ** 0.5)
        for p, g, m_, v_ in zip(params, grads, m, v):
            m_ *= F32(beta1)
            m_ += F32(1 - beta1) * g
            v_ *= F32(beta2)
            v_ += F32(1 - beta2) * g * g
            p -= step_size * m_ / (np.sqrt(v_) / root_bc2 + F32(eps))

    def slack():
        """How far a first step may move under float32 rounding of the gradient (1e-5 of its largest
        entry): lr * g / (|g| + eps) turns an error e in g into lr * eps * e / (|g| + eps)**2, up to
        lr * e / eps where g is about 0, so there any contender's step is as good as another's."""
        return [lr * eps * 1e-5 * np.abs(g).max() / (np.abs(g) + eps) ** 2 for g in update.grads]
    update.slack = slack
    return update


def floor_step(init, X, y, optim):
    params = [a.copy() for a in init]
    update = sgd(1e-3) if optim == "SGD" else adam(params)

    def run():
        loss, grads = mlp_loss_grads(params, X, y)
        update(params, grads)
        return loss
    run.params = lambda: params
    if optim != "SGD":
        run.slack = update.slack
    return run


def floor_epoch(init, X, y, order=None):
    """(h) by hand: a permutation (`order()` if given, else NumPy's), batches of 64 by fancy indexing, SGD."""
    params = [a.copy() for a in init]
    update = sgd(1e-3)

    def run():
        perm = order() if order else np.random.permutation(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            loss, grads = mlp_loss_grads(params, X[idx], y[idx])
            update(params, grads)
        return loss
    run.params = lambda: params
    return run


def floor_load(X, y):
    def run():
        perm = np.random.permutation(len(y))
        for i in range(0, len(y), 64):
            idx = perm[i:i + 64]
            X[idx], y[idx]
    return run


def im2col(x, k):
    """Rows of k x k patches of NHWC `x`, each ordered (channel, row, column) as weight.reshape(out, -1) is."""
    win = sliding_window_view(x, (k, k), axis=(1, 2))  # (N, OH, OW, C, k, k)
    return win.reshape(-1, win[0, 0, 0].size), win.shape[:3]


def pool2(a):
    """2x2 max pooling of NHWC `a` and the mask of each window's maximum (ties only among ReLU's zeros,
    whose gradient ReLU's backward drops anyway)."""
    n, h, w, c = a.shape
    a6 = a.reshape(n, h // 2, 2, w // 2, 2, c)
    m = a6.max(axis=(2, 4))
    return m, a6 == m[:, :, None, :, None, :]


def unpool2(g, mask):
    n, h2, _, w2, _, c = mask.shape
    return (mask * g[:, :, None, :, None, :]).reshape(n, 2 * h2, 2 * w2, c)


def conv_backward(g, cols, W, in_shape):
    """Gradients of a valid convolution's weight and bias, and of its NHWC input if `in_shape` is given."""
    gm = g.reshape(-1, W.shape[0])
    gW, gb = (gm.T @ cols).reshape(W.shape), gm.sum(0)
    if in_shape is None:
        return gW, gb, None
    n, oh, ow = g.shape[:3]
    k = W.shape[-1]
    gcols = (gm @ W.reshape(W.shape[0], -1)).reshape(n, oh, ow, W.shape[1], k, k)
    gx = np.zeros(in_shape, F32)
    for i in range(k):  # col2im: each kernel offset adds its share back onto the input window
        for j in range(k):
            gx[:, i:i + oh, j:j + ow] += gcols[..., i, j]
    return gW, gb, gx


def floor_lenet(init, X, target, lr=0.01):
    """(g) by hand, NHWC inside: im2col + matmul convolutions, 2x2 max pooling by reshape, MSE, SGD."""
    params = [a.copy() for a in init]
    update = sgd(lr)

    def run():
        C1, c1, C2, c2, W5, b5, W6, b6, W7, b7 = params
        cols1, (n, oh, ow) = im2col(X.transpose(0, 2, 3, 1), 5)
        z1 = (cols1 @ C1.reshape(6, -1).T + c1).reshape(n, oh, ow, 6)
        s2, mask2 = pool2(np.maximum(z1, 0))
        cols2, (_, oh2, ow2) = im2col(s2, 5)
        z3 = (cols2 @ C2.reshape(16, -1).T + c2).reshape(n, oh2, ow2, 16)
        s4, mask4 = pool2(np.maximum(z3, 0))
        flat = s4.transpose(0, 3, 1, 2).reshape(n, -1)  # PyTorch's (C, H, W) order
        z5 = flat @ W5.T + b5
        h5 = np.maximum(z5, 0)
        z6 = h5 @ W6.T + b6
        h6 = np.maximum(z6, 0)
        d = h6 @ W7.T + b7 - target
        loss = np.mean(d * d)
        g7 = d * F32(2 / d.size)
        g6 = (g7 @ W7) * (z6 > 0)
        g5 = (g6 @ W6) * (z5 > 0)
        gs4 = (g5 @ W5).reshape(n, 16, 5, 5).transpose(0, 2, 3, 1)
        g3 = unpool2(gs4, mask4) * (z3 > 0)
        gC2, gc2, gs2 = conv_backward(g3, cols2, C2, s2.shape)
        g1 = unpool2(gs2, mask2) * (z1 > 0)
        gC1, gc1, _ = conv_backward(g1, cols1, C1, None)
        update(params, [gC1, gc1, gC2, gc2, g5.T @ flat, g5.sum(0), g6.T @ h5, g6.sum(0), g7.T @ h6, g7.sum(0)])
        return loss
    run.params = lambda: params
    return run


# --- correctness first: same loss, same parameter updates -------------------------------------------
def check(name, contenders, init, seed=None, n_steps=1):
    """Run each contender once from `init`; its loss and each parameter's change must match the floor's.

    A change (not the parameter) is compared, to within 1e-3 of the floor's largest change in that
    tensor plus float32 rounding of the weights at each of the `n_steps` steps (plus the floor's
    `slack()` where an update is ill-conditioned, Adam's first step at g ~ 0): a missing or wrong
    update cannot hide under it.
    With `seed`, ours and torch draw from a generator seeded so (the DataLoader's shuffle).
    """
    got = {}
    for who, fn in contenders.items():
        if seed is not None and who != "floor":
            (aw if who == "ours" else torch).manual_seed(seed)
        loss = float(_host(fn()))
        got[who] = loss, [_host(p).astype(np.float64) - p0 for p, p0 in zip(fn.params(), init)]
    ref_loss, ref_steps = got["floor"]
    floor = contenders["floor"]
    slacks = floor.slack() if hasattr(floor, "slack") else [0] * len(init)
    for who, (loss, steps) in got.items():
        if not np.isclose(loss, ref_loss, rtol=1e-5, atol=0):
            raise SystemExit(f"{name}: {who}'s loss {loss!r} is not the floor's {ref_loss!r}; figures void")
        for i, (step, ref, p0, slack) in enumerate(zip(steps, ref_steps, init, slacks)):
            size = np.abs(ref).max()
            err = np.abs(step - ref) - slack
            if not size > 0 or err.max() > 1e-3 * size + 2 * n_steps * np.finfo(F32).eps * np.abs(p0).max():
                raise SystemExit(f"{name}: {who}'s update of parameter {i} differs from the floor's by {err.max():.3g} "
                                 f"(largest update {size:.3g}); figures void")


def torch_order(n, seed):
    """The example order of PyTorch's shuffling DataLoader after manual_seed(seed) (ours if torch is absent)."""
    T = torch or aw
    T.manual_seed(seed)
    loader = T.utils.data.DataLoader(T.utils.data.TensorDataset(T.arange(n)), batch_size=64, shuffle=True)
    return np.concatenate([_host(b) for (b,) in loader])


def main():
    # One thread by default: on a 2-core machine shared with other jobs, two OpenBLAS threads beside two
    # torch threads slowed even the NumPy floor 10-20x (5 ms -> 110 ms a step); --threads 2 to compare.
    args = options(__doc__, "fewer repeats (about 30 s)", "instead of timing, cProfile ours on (e) and (h)", threads=1)
    start = time.perf_counter()
    reps, epoch_reps = (7, 3) if args.quick else (31, 7)
    init, X, y = mlp_data()
    rng = np.random.default_rng(2)
    Xe, ye = rng.random((4096, 1, 28, 28), dtype=F32), rng.integers(0, 10, 4096)
    if args.profile:
        return print_profiles((("(e) SGD step", train_step(aw, "SGD", init, X, y), 30),
                               ("(h) epoch", train_epoch(aw, init, Xe, ye), 2)))
    print(f"medians of {reps} interleaved repeats ({epoch_reps} for epochs) of "
          f"{'CPU time' if args.cpu else 'wall-clock time'}, "
          f"in the unit each row names")
    print(COLS)
    gc.collect()
    gc.freeze()  # as run.py: what start-up made stays out of every timed call's collections

    for key, optim in (("(e)", "SGD"), ("(f)", "Adam")):
        c = three(lambda: train_step(aw, optim, init, X, y), lambda: train_step(torch, optim, init, X, y),
                  lambda: floor_step(init, X, y, optim))
        check(key, c, init)
        row(f"{key} MLP b64 {optim} step, ms", interleaved(c, reps), 1e3, "torch", 1.5)

    linit, LX, Lt = lenet_data()
    c = three(lambda: lenet_step(aw, linit, LX, Lt), lambda: lenet_step(torch, linit, LX, Lt),
              lambda: floor_lenet(linit, LX, Lt))
    check("(g)", c, linit)
    row("(g) LeNet b16 MSE SGD step, ms", interleaved(c, reps), 1e3)

    order = torch_order(len(ye), 0)
    c = three(lambda: train_epoch(aw, init, Xe, ye), lambda: train_epoch(torch, init, Xe, ye),
              lambda: floor_epoch(init, Xe, ye, order=lambda: order))
    check("(h)", c, init, seed=0, n_steps=len(ye) // 64)
    c["floor"] = floor_epoch(init, Xe, ye)  # NumPy's own shuffle from here on
    row("(h) epoch 4096/64 DataLoader SGD, ms", interleaved(c, epoch_reps), 1e3, "torch", 1.5)
    c = three(lambda: load_only(aw, Xe, ye), lambda: load_only(torch, Xe, ye), lambda: floor_load(Xe, ye))
    row("    of which the DataLoader alone, ms", interleaved(c, reps), 1e3)

    import resource
    print(f"whole run {time.perf_counter() - start:.0f} s, peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
