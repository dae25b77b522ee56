"""arange and linspace give PyTorch's values bit for bit (ranges.py), and the thread-count functions
behave as PyTorch's. The Autograd tutorial plots sin over torch.linspace(0, 2*pi, 25): NumPy's rounding
put cos(pi/2) at 2.98e-08 where PyTorch's gives -1.79e-07, and a learner sees that in a.grad."""
import math

import numpy as np
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
LINSPACE = [(float(RNG.uniform(-10, 10)), float(RNG.uniform(-10, 10)), int(RNG.integers(2, 300))) for _ in range(150)]
LINSPACE += [(0.0, 2 * math.pi, 25), (0, 1, 5), (-1, 1, 16), (0, 10, 11), (1, 2, 100), (0, 1, 1), (3, 7, 2),
             (5, -5, 7), (0.1, 0.1, 4), (0, 1, 0), (-3, 1e6, 1000), (-1, -0.0, 2), (-0.0, 0.0, 3), (1, -0.0, 5)]
ARANGE = [(float(RNG.uniform(-10, 0)), float(RNG.uniform(0, 10)), float(RNG.uniform(0.01, 1))) for _ in range(150)]
ARANGE += [(0, 1, 0.1), (0, 5, 0.5), (-1, 1, 0.001), (1, 0, -0.1), (0.5, 7, 1)]


def same(ours, theirs):
    assert ours.dtype == aw.float32 if theirs.dtype == torch.float32 else True
    assert tuple(ours.shape) == tuple(theirs.shape)
    return np.array_equal(ours.numpy(), theirs.numpy(), equal_nan=True)


@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32"])
def test_linspace_bits(dtype):
    bad = [args for args in LINSPACE
           if not same(aw.linspace(*args, dtype=getattr(aw, dtype)), torch.linspace(*args, dtype=getattr(torch, dtype)))]
    assert bad == []


def test_linspace_default_dtype_and_requires_grad():
    ours, theirs = aw.linspace(0, 1, 7, requires_grad=True), torch.linspace(0, 1, 7, requires_grad=True)
    assert same(ours.detach(), theirs.detach()) and ours.requires_grad


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_arange_bits(dtype):
    bad = [args for args in ARANGE
           if not same(aw.arange(*args, dtype=getattr(aw, dtype)), torch.arange(*args, dtype=getattr(torch, dtype)))]
    assert bad == []


def test_arange_default_float_and_ints():
    assert same(aw.arange(0, 3, 0.3), torch.arange(0, 3, 0.3))
    assert same(aw.arange(10), torch.arange(10)) and aw.arange(10).dtype == aw.int64


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_long_arange_splits_among_threads_as_pytorch(threads):
    """Past 32,768 values PyTorch's threads each write a piece, each piece starting its own vectors."""
    before, before_t = aw.get_num_threads(), torch.get_num_threads()
    aw.set_num_threads(threads)
    torch.set_num_threads(threads)
    try:
        for args in [(0, 100000, 0.7), (0, 1, 1e-5), (-5.5, 7.25, 0.0001)]:
            for dt in ("float32", "float64"):
                assert same(aw.arange(*args, dtype=getattr(aw, dt)), torch.arange(*args, dtype=getattr(torch, dt))), args
    finally:
        aw.set_num_threads(before)
        torch.set_num_threads(before_t)


def test_tutorial_cos_of_linspace():
    """fundamentals of autograd: a = linspace(0, 2*pi, 25); sin(a).sum().backward(); a.grad == cos(a)."""
    a = aw.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    aw.sin(a).sum().backward()
    ta = torch.linspace(0., 2. * math.pi, steps=25, requires_grad=True)
    torch.sin(ta).sum().backward()
    assert str(a.grad) == str(ta.grad)  # printed as in PyTorch: near pi/2 and 3*pi/2 too (sci notation)
    ours, theirs = a.grad.numpy(), ta.grad.numpy()
    assert np.array_equal(ours[[6, 18]], theirs[[6, 18]])  # cos near 0: the input's last bit decides the value
    assert np.allclose(ours, theirs, rtol=0, atol=6e-8)  # elsewhere NumPy's cos may differ in the last bit


def test_thread_counts_as_pytorch():
    assert aw.get_num_threads() == torch.get_num_threads()
    assert aw.get_num_interop_threads() == torch.get_num_interop_threads()
    for bad in (0, -1, 2.5, "a", True):
        with pytest.raises(RuntimeError) as theirs:
            torch.set_num_threads(bad)
        with pytest.raises(RuntimeError) as ours:
            aw.set_num_threads(bad)
        assert str(ours.value).split("\n")[0] == str(theirs.value)
    with pytest.raises(RuntimeError) as ours:
        aw.set_num_interop_threads(0)
    assert str(ours.value).startswith("set_num_interop_threads expects a positive integer")


def test_node_repr_has_pytorch_form():
    y = (aw.ones(2, requires_grad=True) * 2).sum()
    assert repr(y.grad_fn) == f"<SumBackward0 object at {id(y.grad_fn):#x}>"
    assert str(torch.ones(1, requires_grad=True).sum().grad_fn).startswith("<SumBackward0 object at 0x")
