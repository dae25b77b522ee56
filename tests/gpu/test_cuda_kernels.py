"""On a GPU: the fused kernels (cuda_kernels.Kernels) give PyTorch CUDA's bits, and the ops run them."""
import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import backend as B

cupy = B.namespace("cuda")
KERNELS = B.fused(cupy.ones(1))
DTYPES = [np.float32, np.float64]


def _pair(dtype, n=200_003):
    """(g, y): gradients, and outputs of tanh/sigmoid, with zeros, tiny values, values next to ±1, inf and nan."""
    rng = np.random.default_rng(0)
    y = np.tanh(3 * rng.standard_normal(n))
    y[:9] = [0.0, -0.0, 1e-30, -1e-20, 1.0, -1.0, np.nextafter(1.0, 0), np.nan, 0.5]
    g = rng.standard_normal(n)
    g[9:12] = [np.inf, -np.inf, np.nan]
    return g.astype(dtype), y.astype(dtype)


@pytest.fixture(params=["large arrays only", "every size"])
def raw_min(request, monkeypatch):
    """Raw kernels at their default threshold, or for every size (so the small arrays here take them too)."""
    if request.param == "every size":
        monkeypatch.setattr(KERNELS, "raw_min", 1)
    return KERNELS.raw_min


@pytest.fixture
def raw_everywhere(monkeypatch):
    monkeypatch.setattr(KERNELS, "raw_min", 1)


def _torch():
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("PyTorch finds no GPU")
    return torch


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name,aten", [("tanh_backward", "tanh_backward"), ("sigmoid_backward", "sigmoid_backward"),
                                       ("threshold_backward", "threshold_backward")])
def test_fused_kernel_gives_pytorch_cudas_bits(dtype, name, aten, raw_min):
    torch = _torch()
    g, y = _pair(dtype)
    ours = getattr(KERNELS, name)(cupy.asarray(g), cupy.asarray(y)).get()
    args = (torch.tensor(g, device="cuda"), torch.tensor(y, device="cuda"))
    theirs = getattr(torch.ops.aten, aten)(*args, *((0,) if aten == "threshold_backward" else ())).cpu().numpy()
    np.testing.assert_array_equal(ours.view(f"u{ours.itemsize}"), theirs.view(f"u{theirs.itemsize}"))


@pytest.mark.parametrize("dtype", DTYPES)
def test_fused_tanh_backward_within_an_ulp_of_the_formula(dtype, raw_min):
    g, y = _pair(dtype)
    ours = KERNELS.tanh_backward(cupy.asarray(g), cupy.asarray(y)).get()
    formula = g * (1 - y * y)  # two roundings; the kernel's multiply-add rounds 1 − y² once: within ~2 ulp of g
    finite = np.isfinite(formula)
    err = np.abs(ours[finite].astype(np.float64) - formula[finite])
    assert np.all(err <= 4 * np.finfo(dtype).eps * np.abs(g[finite])), err.max()
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(formula))


def test_tanh_sigmoid_relu_backward_run_their_kernels(monkeypatch):
    launched = []

    def counted(name, real):
        return lambda *a: (launched.append(name), real(*a))[1]
    monkeypatch.setattr(KERNELS, "_elementwise", {name: counted(name, k) for name, k in KERNELS._elementwise.items()})
    monkeypatch.setattr(KERNELS, "_threshold_backward", counted("threshold_backward", KERNELS._threshold_backward))
    x = aw.tensor(np.linspace(-2, 2, 9), device="cuda", requires_grad=True)
    (x.tanh() + x.sigmoid() + x.relu()).sum().backward()
    assert sorted(launched) == ["sigmoid_backward", "tanh_backward", "threshold_backward"]
    y = np.linspace(-2, 2, 9)
    s = 1 / (1 + np.exp(-y))
    np.testing.assert_allclose(x.grad.cpu().numpy(), (1 - np.tanh(y) ** 2) + s * (1 - s) + (y > 0), rtol=1e-14)


def test_bias_gradient_sums_by_matmul_for_each_batch_size():
    for n in (1000, 3, 1000, 4097):
        b = aw.zeros(5, device="cuda", dtype=aw.float64, requires_grad=True)
        g = np.random.default_rng(n).standard_normal((n, 5))
        (aw.zeros(n, 5, device="cuda", dtype=aw.float64) + b).backward(aw.tensor(g, device="cuda"))
        np.testing.assert_allclose(b.grad.cpu().numpy(), g.sum(0), rtol=1e-12)


SHAPES = [((1000, 256), (1000, 256)), ((1000, 256), (256,)), ((256,), (1000, 256)), ((999, 3), (3,)),
          ((12345,), (12345,)), ((7,), ()), ((4, 5, 6), (5, 6))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", SHAPES)
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_raw_binary_kernels_give_cupys_bits(dtype, sa, sb, op, raw_everywhere):
    rng = np.random.default_rng(1)
    a, b = (cupy.asarray(rng.standard_normal(s).astype(dtype)) for s in (sa, sb))
    ours = KERNELS.binary(op, a, b)
    if op == "sub" and a.size < b.size:
        assert ours is None  # the library's broadcast serves it
        return
    want = {"add": cupy.add, "sub": cupy.subtract, "mul": cupy.multiply}[op](a, b)
    assert ours.shape == want.shape and ours.dtype == want.dtype
    np.testing.assert_array_equal(ours.get(), want.get())


@pytest.mark.parametrize("dtype", DTYPES)
def test_raw_kernels_on_unaligned_views_and_tanh(dtype, raw_everywhere):
    rng = np.random.default_rng(2)
    big = cupy.asarray(rng.standard_normal(4 * 1001).astype(dtype))
    a, b = big[1:4001], big[3:4003]  # contiguous, but not 16-byte aligned: the one-element kernel
    np.testing.assert_array_equal(KERNELS.binary("mul", a, b).get(), (a * b).get())
    np.testing.assert_array_equal(KERNELS.unary("tanh", a).get(), cupy.tanh(a).get())
    x = cupy.asarray(np.concatenate([[0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, 20.0, -20.0],
                                     rng.standard_normal(1000) * 5]).astype(dtype))
    np.testing.assert_array_equal(KERNELS.unary("tanh", x).get(), cupy.tanh(x).get())


def test_ops_launch_our_kernels_and_training_matches_the_cpu(monkeypatch, raw_everywhere):
    launched = []
    real = KERNELS._launch
    monkeypatch.setattr(KERNELS, "_launch", lambda name, *a: (launched.append(name), real(name, *a))[1])
    rng = np.random.default_rng(0)
    W, b = rng.standard_normal((32, 16)), rng.standard_normal(16)
    X = rng.standard_normal((64, 32))
    grads = []
    for device in ("cuda", "cpu"):
        w, c = aw.tensor(W, device=device, requires_grad=True), aw.tensor(b, device=device, requires_grad=True)
        (aw.tensor(X, device=device) @ w + c).tanh().mul(aw.tensor(X[:, :16], device=device)).sum().backward()
        grads.append((w.grad.cpu().numpy(), c.grad.cpu().numpy()))
    assert {"add", "tanh", "mul", "tanh_backward"} <= set(launched)
    for g, want in zip(*grads):
        np.testing.assert_allclose(g, want, rtol=1e-12, atol=1e-12)


def test_small_arrays_keep_cupys_kernels():
    a = cupy.ones(KERNELS.raw_min - 1, dtype=cupy.float32)
    assert KERNELS.binary("add", a, a) is None and KERNELS.unary("tanh", a) is None
    big = cupy.ones(KERNELS.raw_min, dtype=cupy.float32)
    assert KERNELS.binary("add", big, big).get().tolist() == [2.0] * KERNELS.raw_min


@pytest.mark.parametrize("dtype", DTYPES)
def test_trigamma_is_pytorchs(dtype):
    torch = _torch()
    x = np.concatenate([np.linspace(-7.5, 30, 4001), [0.0, -1.0, 1e-8, 0.5, np.nan, np.inf]]).astype(dtype)
    ours = KERNELS.trigamma(cupy.asarray(x)).get()
    theirs = torch.special.polygamma(1, torch.tensor(x, device="cuda")).cpu().numpy()
    np.testing.assert_allclose(ours, theirs, rtol=4 * np.finfo(dtype).eps, atol=0)
    if dtype == np.float64:  # digamma's gradient runs it
        t = aw.tensor(x[:50], device="cuda", requires_grad=True)
        g, = aw.autograd.grad(aw.digamma(t).sum(), t)
        np.testing.assert_allclose(g.cpu().numpy(), theirs[:50], rtol=4e-16, atol=0)
