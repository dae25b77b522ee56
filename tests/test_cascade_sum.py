"""Float sums in PyTorch's order (cascade_sum.py): the same bits as PyTorch's CPU sum, not just close values.

Two oracles: a literal, scalar transcription of ATen's multi_row_sum / row_sum / vectorized_inner_sum
loops (slow, one addition at a time, so it checks the vectorised NumPy version without PyTorch), and
PyTorch itself over random shapes, reduced dims, layouts, dtypes and thread counts.
"""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import autograd_widgets as aw
from autograd_widgets import threads
from autograd_widgets.cascade_sum import sum_float


def _bits(x):
    return np.asarray(x).reshape(-1).view(np.uint8).tobytes()


# --- a literal transcription of SumKernel.cpp for one contiguous row on one thread --------------
def _ceil_log2(x):
    return 1 if x <= 2 else int(x - 1).bit_length()


def _multi_row_sum(load, nrows, size, zero):
    """load(i, k): element k of row i. Levels of partial sums, exactly as the C++ loop runs."""
    power = max(4, _ceil_log2(size) // 4)
    step, mask = 1 << power, (1 << power) - 1
    acc = [[zero] * nrows for _ in range(4)]
    i = 0
    while i + step <= size:
        for _ in range(step):
            for k in range(nrows):
                acc[0][k] = acc[0][k] + load(i, k)
            i += 1
        for j in range(1, 4):
            for k in range(nrows):
                acc[j][k] = acc[j][k] + acc[j - 1][k]
                acc[j - 1][k] = zero
            if i & (mask << (j * power)):
                break
    while i < size:
        for k in range(nrows):
            acc[0][k] = acc[0][k] + load(i, k)
        i += 1
    for j in range(1, 4):
        for k in range(nrows):
            acc[0][k] = acc[0][k] + acc[j][k]
    return acc[0]


def _row_sum(load, size, zero):
    full = size // 4
    p = _multi_row_sum(lambda i, k: load(4 * i + k), 4, full, zero)
    for i in range(full * 4, size):
        p[0] = p[0] + load(i)
    for k in range(1, 4):
        p[0] = p[0] + p[k]
    return p[0]


def reference_sum(x):
    """torch.sum of contiguous 1-D float array x on one thread, one addition at a time."""
    lanes = 8 if x.dtype == np.float32 else 4
    zero = x.dtype.type(0)
    n = len(x)
    if n < lanes:  # scalar_outer_sum with one column: row_sum of scalars
        return zero + _row_sum(lambda i: x[i], n, zero)
    vecs = n // lanes
    vzero = np.zeros(lanes, x.dtype)
    acc = _row_sum(lambda v: x[v * lanes:(v + 1) * lanes], vecs, vzero)
    total = zero
    for k in range(vecs * lanes, n):
        total = total + x[k]
    for lane in range(lanes):
        total = total + acc[lane]
    return zero + total


@pytest.fixture
def one_thread():
    saved = threads.get_num_threads()
    threads.set_num_threads(1)
    yield
    threads.set_num_threads(saved)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_every_length_to_700_adds_as_the_kernel_adds(dtype, one_thread):
    rng = np.random.default_rng(7)
    for n in list(range(1, 700)) + [4095, 4096, 4097, 8191, 8192, 8193, 20000]:
        x = (rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, n)).astype(dtype)
        assert _bits(sum_float(x, None, False)) == _bits(reference_sum(x)), n


def test_the_order_differs_from_numpys_and_from_left_to_right(one_thread):
    """The reference is no restatement of NumPy's sum: for most lengths past 8 it adds in another order."""
    rng = np.random.default_rng(1)
    differ_numpy = differ_sequential = 0
    for n in range(9, 300):
        x = rng.standard_normal(n).astype(np.float32)
        ours = sum_float(x, None, False)
        differ_numpy += ours != x.sum()
        differ_sequential += ours != np.cumsum(x)[-1]
    assert differ_numpy > 50 and differ_sequential > 50


def test_nan_inf_and_signed_zero():
    assert np.isnan(sum_float(np.array([1.0, np.nan, 2.0], np.float32), None, False))
    assert sum_float(np.array([np.inf] * 9, np.float32), None, False) == np.inf
    assert np.isnan(sum_float(np.array([np.inf, -np.inf] * 5, np.float32), None, False))
    z = sum_float(np.array([-0.0, -0.0], np.float32), None, False)
    assert z == 0 and not np.signbit(z)  # PyTorch's output starts at +0 and adds


def test_what_it_does_not_cover_is_left_to_the_caller():
    assert sum_float(np.arange(5), None, False) is None
    assert sum_float(np.ones(4, np.float16), None, False) is None
    assert sum_float(np.broadcast_to(np.ones(3, np.float32), (4, 3)), (0,), False) is None
    t = aw.ones(4, 3).expand(2, 4, 3)  # a broadcast tensor still sums (as NumPy would)
    assert t.sum().item() == 24.0


# --- against PyTorch ----------------------------------------------------------------------------
SIZES = [1, 2, 3, 5, 7, 8, 9, 16, 17, 31, 33, 64, 100, 130, 300]


def _layouts(rng, a, kind):
    """a, its transpose, or every other element of a doubled array (strided), as NumPy and torch views."""
    torch = pytest.importorskip("torch")
    if kind == "transposed" and a.ndim >= 2:
        base = np.ascontiguousarray(np.swapaxes(a, 0, -1))
        return np.swapaxes(base, 0, -1), torch.from_numpy(base).transpose(0, -1)
    if kind == "strided":
        base = np.ascontiguousarray(np.concatenate([a, a], axis=-1))
        return base[..., ::2], torch.from_numpy(base)[..., ::2]
    return a, torch.from_numpy(a)


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_sum_has_pytorchs_bits(data):
    torch = pytest.importorskip("torch")
    shape = tuple(data.draw(st.lists(st.sampled_from(SIZES), min_size=1, max_size=3)))
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    kind = data.draw(st.sampled_from(["contiguous", "transposed", "strided"]))
    dims = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    keep = data.draw(st.booleans())
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    a = (rng.standard_normal(shape) * 10.0 ** rng.integers(-3, 4, shape)).astype(dtype)
    ours, theirs = _layouts(rng, a, kind)
    want = theirs.sum() if not dims else theirs.sum(dim=dims, keepdim=keep)
    got = aw.from_numpy(ours).sum() if not dims else aw.from_numpy(ours).sum(dim=dims, keepdim=keep)
    assert tuple(got.shape) == tuple(want.shape)
    assert _bits(got.numpy()) == _bits(want.numpy())


@pytest.mark.parametrize("n_threads", [1, 2, 3])
@pytest.mark.parametrize("shape, dims", [((40000,), None), ((1_000_003,), None), ((300, 5, 33), (0,)),
                                         ((17, 9, 300), (0,)), ((1000, 100), (1,)), ((200, 300), (0, 1)),
                                         ((64, 3, 20, 20), (0, 2, 3))])
def test_large_sums_split_among_threads_as_pytorchs(shape, dims, n_threads):
    """Past 32,768 elements PyTorch splits a sum among its threads: a full one into per-thread partial
    sums, others by columns rounded to 128 bytes. The count of threads is part of the answer."""
    torch = pytest.importorskip("torch")
    saved_t, saved_a = torch.get_num_threads(), threads.get_num_threads()
    torch.set_num_threads(n_threads)
    threads.set_num_threads(n_threads)
    try:
        rng = np.random.default_rng(3)
        for dtype in (np.float32, np.float64):
            a = rng.standard_normal(shape).astype(dtype)
            if shape == (17, 9, 300):
                a = np.ascontiguousarray(np.concatenate([a, a], -1))[..., ::2]
                t = torch.from_numpy(np.ascontiguousarray(a.base))[..., ::2]
            else:
                t = torch.from_numpy(a)
            want = t.sum() if dims is None else t.sum(dim=dims)
            got = aw.from_numpy(a).sum() if dims is None else aw.from_numpy(a).sum(dim=dims)
            assert _bits(got.numpy()) == _bits(want.numpy())
    finally:
        torch.set_num_threads(saved_t)
        threads.set_num_threads(saved_a)


@pytest.mark.parametrize("make", [
    lambda T, x, y: x.mean(), lambda T, x, y: x.mean(0), lambda T, x, y: x.mean(dim=1, keepdim=True),
    lambda T, x, y: T.nn.functional.mse_loss(x, y), lambda T, x, y: T.nn.functional.mse_loss(x, y, reduction="sum"),
    lambda T, x, y: T.nn.functional.l1_loss(x, y), lambda T, x, y: T.nn.functional.smooth_l1_loss(x, y),
    lambda T, x, y: T.nn.functional.huber_loss(x, y), lambda T, x, y: (x * y).sum(1),
], ids=["mean", "mean(0)", "mean(1, keepdim)", "mse", "mse sum", "l1", "smooth_l1", "huber", "sum(1)"])
def test_means_and_losses_print_pytorchs_digits(make):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    for shape in [(128, 10), (37, 53), (5, 7)]:
        x, y = rng.standard_normal(shape).astype(np.float32), rng.standard_normal(shape).astype(np.float32)
        want = make(torch, torch.from_numpy(x), torch.from_numpy(y))
        got = make(aw, aw.from_numpy(x), aw.from_numpy(y))
        assert _bits(got.numpy()) == _bits(want.numpy())
        assert repr(got.tolist()) == repr(want.tolist())


# --- the engine's own sums: a broadcast input's gradient, summed back to its shape --------------
@settings(max_examples=150, deadline=None)
@given(st.data())
def test_broadcast_gradients_have_pytorchs_bits(data):
    """x + b with b broadcast along some dims: b.grad is PyTorch's sum_to, bit for bit, with and without
    create_graph (the backprop-ninja lecture compares such gradients with `==`)."""
    torch = pytest.importorskip("torch")
    ndim = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.lists(st.sampled_from([1, 3, 8, 17, 32, 70]), min_size=ndim, max_size=ndim)))
    keep = data.draw(st.lists(st.booleans(), min_size=ndim, max_size=ndim))
    lead = data.draw(st.integers(0, ndim - 1))
    b_shape = tuple(n if k else 1 for n, k in zip(shape, keep))[lead:]
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    x, b, g = (rng.standard_normal(s).astype(dtype) for s in (shape, b_shape, shape))
    tb = torch.tensor(b, requires_grad=True)
    (torch.from_numpy(x) + tb).backward(torch.from_numpy(g))
    for create_graph in (False, True):
        ab = aw.tensor(b, requires_grad=True)
        (aw.from_numpy(x) + ab).backward(aw.from_numpy(g), create_graph=create_graph)
        assert ab.grad.shape == tb.grad.shape
        assert _bits(ab.grad.detach().numpy()) == _bits(tb.grad.numpy()), (shape, b_shape, create_graph)


@pytest.mark.parametrize("fn", ["tanh", "sigmoid"])
def test_fused_activation_backwards_round_as_atens(fn):
    """tanh_backward is one fused multiply-add in ATen (1 − y² rounded once), sigmoid_backward multiplies
    g·(1 − y)·y in that order: given the same output y (the forwards' own last bits are SLEEF's there), the
    gradients have PyTorch's bits, small and large, near 0 and near ±1."""
    torch = pytest.importorskip("torch")
    from autograd_widgets.ops.pointwise import SigmoidBackwardBackward0, TanhBackwardBackward0
    ours = {"tanh": TanhBackwardBackward0, "sigmoid": SigmoidBackwardBackward0}[fn]
    theirs = getattr(torch.ops.aten, fn + "_backward")
    rng = np.random.default_rng(5)
    tiny = np.float32(1.37) * np.float32(2.0) ** -np.arange(1, 90, dtype=np.float32)
    near_one = np.float32(1) - np.float32(2.0) ** -np.arange(1, 24, dtype=np.float32)
    for y in [rng.uniform(-1, 1, 7), rng.uniform(-1, 1, (64, 33)), np.concatenate([tiny, -tiny, near_one, -near_one]),
              rng.uniform(-1, 1, 100_000) * 2.0 ** -rng.integers(0, 20, 100_000)]:
        y = np.asarray(y, np.float32)
        g = rng.standard_normal(y.shape).astype(np.float32)
        want = theirs(torch.from_numpy(g), torch.from_numpy(y)).numpy()
        got = ours.apply(aw.from_numpy(g), aw.from_numpy(y)).numpy()
        assert _bits(got) == _bits(want)
