"""Property tests: broadcasting shapes of binary ops and reductions, against NumPy's rules."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import autograd_widgets as aw
from op_cases import make, to_numpy

OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
       "**": lambda a, b: a ** b, "where": lambda a, b: aw.where(a > b, a, b)}
NP = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide, "**": np.power,
      "where": lambda a, b: np.where(a > b, a, b)}
settings.register_profile("ci", max_examples=40, deadline=None)
settings.load_profile("ci")

shape_pairs = hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3)


def values(shape, rng):
    return rng.uniform(0.5, 1.5, shape)  # positive: ** and / stay defined


@given(shapes=shape_pairs, op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
def test_binary_op_broadcasts_values_and_gradients(shapes, op, seed):
    rng = np.random.default_rng(seed)
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a_np, b_np = values(sa, rng), values(sb, rng)
    a, b = make(aw, a_np), make(aw, b_np)
    out = OPS[op](a, b)
    assert tuple(out.shape) == out_shape
    np.testing.assert_allclose(to_numpy(out), NP[op](a_np, b_np), rtol=1e-12)
    v = rng.standard_normal(out_shape)
    out.backward(make(aw, v, requires_grad=False))
    eps = 1e-6
    for leaf, arr, other, first in ((a, a_np, b_np, True), (b, b_np, a_np, False)):
        num = np.zeros_like(arr)
        for k in np.ndindex(arr.shape):
            p, m = arr.copy(), arr.copy()
            p[k] += eps
            m[k] -= eps
            fp = NP[op](p, other) if first else NP[op](other, p)
            fm = NP[op](m, other) if first else NP[op](other, m)
            num[k] = np.sum(v * (fp - fm)) / (2 * eps)
        assert leaf.grad.shape == arr.shape
        np.testing.assert_allclose(to_numpy(leaf.grad), num, rtol=1e-5, atol=1e-6)


@given(a=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4), b=hnp.array_shapes(min_dims=1, max_dims=3, max_side=4))
def test_incompatible_shapes_raise_pytorchs_error(a, b):
    try:
        np.broadcast_shapes(a, b)
    except ValueError:
        with pytest.raises(RuntimeError, match=r"The size of tensor a \(\d+\) must match the size of tensor b"):
            make(aw, np.ones(a)) + make(aw, np.ones(b))


@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3), data=st.data(),
       reduction=st.sampled_from(["sum", "mean", "max", "min"]), keepdim=st.booleans())
def test_reductions_over_any_dims(shape, data, reduction, keepdim):
    rng = np.random.default_rng(0)
    x_np = rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64)  # distinct: no ties for max/min
    x = make(aw, x_np)
    if reduction in ("sum", "mean"):
        dims = data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True).map(tuple))
        out = getattr(x, reduction)(dims, keepdim=keepdim)
        expected = getattr(np, reduction)(x_np, axis=dims, keepdims=keepdim)
        v = rng.standard_normal(expected.shape)
        out.backward(make(aw, v, requires_grad=False))
        vk = v if keepdim else np.expand_dims(v, tuple(sorted(dims)))
        grad = np.broadcast_to(vk, shape) / (np.prod([shape[d] for d in dims]) if reduction == "mean" else 1)
    else:
        dim = data.draw(st.integers(-len(shape), len(shape) - 1))
        out, idx = getattr(x, reduction)(dim, keepdim=keepdim)
        expected = getattr(np, reduction)(x_np, axis=dim, keepdims=keepdim)
        np.testing.assert_array_equal(idx.cpu().numpy(), getattr(np, "arg" + reduction)(x_np, axis=dim).reshape(
            expected.shape))
        v = rng.standard_normal(expected.shape)
        out.backward(make(aw, v, requires_grad=False))
        vk = v if keepdim else np.expand_dims(v, dim)
        hit = x_np == getattr(np, reduction)(x_np, axis=dim, keepdims=True)
        grad = np.where(hit, vk, 0.0)
    assert tuple(out.shape) == expected.shape
    np.testing.assert_allclose(to_numpy(out), expected)
    np.testing.assert_allclose(to_numpy(x.grad), grad, rtol=1e-12)
