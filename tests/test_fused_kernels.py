"""The seam for our own GPU kernels (backend.fused, cuda_kernels.Kernels), checked without a GPU: a stand-in
namespace whose ElementwiseKernel and RawKernel run each kernel's formula with NumPy on the checking
namespace's arrays, following the launch's arguments (vector width, bias rows, counts) as the CUDA code
would. The CUDA source itself is compiled and compared with PyTorch CUDA's bits in tests/gpu/."""
import re
import types
from collections import Counter

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import backend as B
from autograd_widgets import special_math as SM
from autograd_widgets.cuda_kernels import FORMULAS, Kernels
import checked_namespace as C

ELEMENTWISE = {  # each ElementwiseKernel's body, as array operations
    "aw_trigamma": lambda x: C.CheckedArray(np.vectorize(SM.trigamma, otypes=[x.dtype])(x._a)),
    "aw_tanh_backward": lambda g, y: g * (1 - y * y),
    "aw_sigmoid_backward": lambda g, y: g * (1 - y) * y,
    "aw_threshold_backward": lambda g, x: C.xp.where(x <= 0, 0, g),
}  # (the first two are FORMULAS' too: the stand-in checks the body it is given against those below)


def _formula(name):
    """FORMULAS[name]'s C body as a NumPy function of x, y."""
    expr = FORMULAS[name][1].removeprefix("r = ").removesuffix(";").replace("T(1)", "1")
    return lambda x, y: eval(expr, {"tanh": np.tanh, "x": x, "y": y})


def _raw_kernel(launched):
    def make(source, fname):
        m = re.fullmatch(r"aw_(\w+?)_(float32|float64)(_v)?(_l)?(_row)?", fname)
        name, dtype, vector, _, row = m.groups()
        width = ({"float32": 4, "float64": 2}[dtype] if vector else 1)
        assert f"void {fname}(" in source and FORMULAS[name][1] in source

        def launch(grid, block, args):
            launched[fname] += 1
            *ins, out, n, m = args
            flat = [a._a.reshape(-1) for a in ins]
            assert all(a.dtype == dtype for a in flat) and out._a.flags.c_contiguous
            if vector:
                assert all(a._a.ctypes.data % 16 == 0 for a in ins + [out])
            count, rows = n * width, m * width
            assert count == out._a.size and grid[0] * block[0] >= 1
            x = flat[0][:count]
            y = (flat[1][np.arange(count) % rows] if row else flat[1][:count]) if len(flat) == 2 else None
            out._a.reshape(-1)[:] = _formula(name)(x, y)
        return launch
    return make


@pytest.fixture
def cuda_with_kernels():
    """'cuda' backed by the checking namespace, with stand-in kernels counting their launches by name."""
    launched = Counter()

    def elementwise_kernel(in_params, out_params, body, name):
        assert name in ELEMENTWISE, name
        assert name[3:] not in FORMULAS or body == FORMULAS[name[3:]][1], body

        def launch(*args):
            launched[name] += 1
            return ELEMENTWISE[name](*args)
        return launch
    stand_in = types.SimpleNamespace(ElementwiseKernel=elementwise_kernel, RawKernel=_raw_kernel(launched),
                                     ndarray=C.CheckedArray, dtype=np.dtype, empty=C.xp.empty)
    kernels = Kernels(stand_in)
    kernels.raw_min = 1  # the raw kernels' launch logic on small arrays (on a GPU they serve large ones)
    old = B.use_device("cuda", C.xp, C.CheckedArray, kernels=kernels)
    try:
        yield launched
    finally:
        B.restore_device("cuda", old)


def _grads(fn, x, device, create_graph=False):
    t = aw.tensor(x, device=device, requires_grad=True)
    out = fn(t)
    g, = aw.autograd.grad(out, t, aw.ones_like(out), create_graph=create_graph)
    return t, g


@pytest.mark.parametrize("fn,kernel", [(aw.tanh, "aw_tanh_backward_float64_v"),
                                       (aw.sigmoid, "aw_sigmoid_backward_float64_v"),
                                       (aw.relu, "aw_threshold_backward")])
def test_each_backward_runs_one_fused_kernel_with_the_cpu_values(cuda_with_kernels, fn, kernel):
    x = np.linspace(-2, 2, 12).reshape(3, 4)  # float64: the CPU formula rounds as the kernel's
    _, g = _grads(fn, x, "cuda")
    assert cuda_with_kernels[kernel] == 1
    _, want = _grads(fn, x, "cpu")
    assert g.device.type == "cuda" and type(g._data) is C.CheckedArray
    np.testing.assert_array_equal(g.cpu().numpy(), want.numpy())


def test_a_transposed_gradient_takes_the_any_layout_kernel(cuda_with_kernels):
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    t = aw.tensor(x, device="cuda", requires_grad=True)
    t.tanh().backward(aw.tensor(np.ones((4, 3)), device="cuda").t())  # a gradient in column-major layout
    assert cuda_with_kernels["aw_tanh_backward"] == 1
    np.testing.assert_array_equal(t.grad.cpu().numpy(), 1 - np.tanh(x) ** 2)


SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((4,), (3, 4)), ((2, 3, 4), (3, 4)), ((5, 3), (3,)), ((6,), ()),
          ((3, 4), (3, 1)), ((3, 1), (4,))]


@pytest.mark.parametrize("op", ["add", "sub", "mul"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sa,sb", SHAPES)
def test_binary_ops_on_cuda_give_the_cpu_values(cuda_with_kernels, op, dtype, sa, sb):
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal(sa).astype(dtype), rng.standard_normal(sb).astype(dtype)
    f = {"add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y}[op]
    got = f(aw.tensor(a, device="cuda"), aw.tensor(b, device="cuda"))
    np.testing.assert_array_equal(got.cpu().numpy(), f(aw.tensor(a), aw.tensor(b)).numpy())
    assert got.shape == np.broadcast_shapes(sa, sb) and got.dtype == aw.tensor(a).dtype
    raw = [k for k in cuda_with_kernels if k.startswith(f"aw_{op}_")]
    small, big = sorted((sa, sb), key=np.prod)
    served = big[len(big) - len(small):] == small and (sa == big or op != "sub" or sa == sb)
    assert bool(raw) == served, (raw, sa, sb)
    if raw:
        width = 4 if dtype == np.float32 else 2
        rows = int(np.prod(small)) if small != big else 0
        assert raw[0].endswith("_v" + ("_row" if rows else "")) == (np.prod(big) % width == 0 and rows % width == 0)


def test_views_and_numbers_take_the_librarys_path(cuda_with_kernels):
    h = np.arange(16.0).reshape(4, 4)
    a = aw.tensor(h, device="cuda")
    for got, want in ((a.t() * a, h.T * h), (a[:, :3] + 1.5, h[:, :3] + 1.5), (a * 2, h * 2)):
        np.testing.assert_array_equal(got.cpu().numpy(), want)
    assert not cuda_with_kernels
    assert (a + a.float()).dtype == aw.float64 and cuda_with_kernels == {"aw_add_float64_v": 1}  # promoted first


def test_unary_tanh_and_the_switch(cuda_with_kernels):
    x = np.linspace(-3, 3, 10)
    np.testing.assert_array_equal(aw.tensor(x, device="cuda").tanh().cpu().numpy(), np.tanh(x))
    assert cuda_with_kernels == {"aw_tanh_float64_v": 1}
    B.fused(aw.ones(1, device="cuda")._data).raw_enabled = False
    np.testing.assert_array_equal((aw.tensor(x, device="cuda").tanh() * 2).cpu().numpy(), np.tanh(x) * 2)
    assert cuda_with_kernels == {"aw_tanh_float64_v": 1}


def test_mlp_step_on_the_stand_in_gpu_matches_the_cpu(cuda_with_kernels):
    rng = np.random.default_rng(0)
    sizes = (12, 8, 8, 3)
    Ws = [rng.standard_normal((a, b)) / np.sqrt(a) for a, b in zip(sizes, sizes[1:])]
    bs = [0.1 * rng.standard_normal(b) for b in sizes[1:]]
    X, Y = rng.standard_normal((16, 12)), rng.standard_normal((16, 3))
    grads = []
    for device in ("cuda", "cpu"):
        ps = [aw.tensor(p, device=device, requires_grad=True) for p in Ws + bs]
        h = aw.tensor(X, device=device)
        for i in range(3):
            h = h @ ps[i] + ps[3 + i]
            h = h.tanh() if i < 2 else h
        aw.nn.functional.mse_loss(h, aw.tensor(Y, device=device)).backward()
        grads.append([p.grad.cpu().numpy() for p in ps])
    for g, want in zip(*grads):
        np.testing.assert_allclose(g, want, rtol=1e-13, atol=1e-15)
    assert cuda_with_kernels["aw_add_float64_v_row"] == 2 and cuda_with_kernels["aw_tanh_float64_v"] == 2
    assert cuda_with_kernels["aw_tanh_backward_float64_v"] == 2


def test_float16_and_mixed_dtypes_run_the_formula(cuda_with_kernels):
    t = aw.tensor(np.linspace(-1, 1, 5), device="cuda", dtype=aw.float16, requires_grad=True)
    t.tanh().sum().backward()
    assert t.grad.dtype == aw.float16 and cuda_with_kernels == {}
    y = aw.tensor(np.linspace(-1, 1, 5), device="cuda", dtype=aw.float32)
    g = aw.ones(5, device="cuda", dtype=aw.float64)
    out = aw.ops.pointwise.TanhBackwardBackward0.apply(g, y)
    assert out.dtype == aw.float64 and cuda_with_kernels == {}
    np.testing.assert_allclose(out.cpu().numpy(), 1 - np.linspace(-1, 1, 5, dtype=np.float32) ** 2, rtol=1e-7)


def test_double_backward_through_a_fused_backward(cuda_with_kernels):
    """create_graph=True: the fused kernel computes the node's value; its own derivative is still recorded."""
    x = np.linspace(-1.5, 1.5, 7)
    t, g = _grads(aw.tanh, x, "cuda", create_graph=True)
    assert g.grad_fn.name() == "TanhBackwardBackward0"
    gg, = aw.autograd.grad(g.sum(), t)
    y = np.tanh(x)
    np.testing.assert_allclose(gg.cpu().numpy(), -2 * y * (1 - y * y), rtol=1e-12)


def test_below_raw_min_the_librarys_kernels_run(cuda_with_kernels):
    B.fused(aw.ones(1, device="cuda")._data).raw_min = 13
    a = aw.tensor(np.arange(12.0), device="cuda")
    np.testing.assert_array_equal((a + a * a).tanh().cpu().numpy(), np.tanh(np.arange(12.0) + np.arange(12.0) ** 2))
    assert not cuda_with_kernels
    big = aw.tensor(np.arange(13.0), device="cuda")
    np.testing.assert_array_equal((big * big).cpu().numpy(), np.arange(13.0) ** 2)
    assert cuda_with_kernels == {"aw_mul_float64": 1}  # 13 doubles: no 16-byte vectors


def test_lgamma_second_derivative_is_pytorchs_trigamma(cuda_with_kernels):
    x = np.array([0.3, 1.7, 4.2, -0.6])
    t = aw.tensor(x, device="cuda", requires_grad=True)
    g, = aw.autograd.grad(aw.lgamma(t).sum(), t, create_graph=True)
    h, = aw.autograd.grad(g.sum(), t)
    assert cuda_with_kernels["aw_trigamma"] == 1
    np.testing.assert_array_equal(h.cpu().numpy(), [SM.trigamma(v) for v in x])


def test_host_arrays_have_no_kernels():
    assert B.fused(np.ones(2)) is None


def test_bias_gradients_of_several_batch_sizes_reuse_no_wrong_ones_vector():
    """sum_to's GPU path keeps a ones vector per length: each batch size still gets its own sum."""
    with C.installed_as("cuda"):
        for n in (3, 5, 3, 7):
            b = aw.zeros(4, device="cuda", requires_grad=True)
            x = aw.tensor(np.arange(n * 4.0).reshape(n, 4), device="cuda")
            (x + b).backward(x)
            np.testing.assert_array_equal(b.grad.cpu().numpy(), np.arange(n * 4.0).reshape(n, 4).sum(0))
