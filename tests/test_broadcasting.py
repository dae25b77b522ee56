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


# --- the same programs under PyTorch ------------------------------------------------------------
SCALAR_OPS = {"+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b, "/": lambda a, b: a / b,
              "**": lambda a, b: a ** b}


def _run(T, op, a_np, b_np, v):
    """op(a, b) with leaves a, b of module T (a NumPy scalar b stays a Python number); values and grads."""
    a = T.tensor(a_np, dtype=T.float64, requires_grad=True)
    b = T.tensor(b_np, dtype=T.float64, requires_grad=True) if isinstance(b_np, np.ndarray) else b_np
    out = op(a, b)
    out.backward(T.tensor(v, dtype=T.float64))
    grads = [a.grad] + ([b.grad] if isinstance(b_np, np.ndarray) else [])
    return tuple(out.shape), np.asarray(out.detach()), [np.asarray(g) for g in grads], type(out.grad_fn).__name__


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3),
       op=st.sampled_from(sorted(OPS)), seed=st.integers(0, 2**16))
@settings(max_examples=25)
def test_binary_op_matches_pytorch(shapes, op, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    (sa, sb), out_shape = shapes.input_shapes, shapes.result_shape
    a_np, b_np, v = values(sa, rng), values(sb, rng), rng.standard_normal(out_shape)
    fn = {**OPS, "where": lambda a, b: (torch if isinstance(a, torch.Tensor) else aw).where(a > b, a, b)}[op]
    ours, theirs = _run(aw, fn, a_np, b_np, v), _run(torch, fn, a_np, b_np, v)
    assert ours[0] == theirs[0] and ours[3] == theirs[3]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12)
    for g1, g2 in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-14)


@given(shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=3), op=st.sampled_from(sorted(SCALAR_OPS)),
       scalar=st.one_of(st.integers(1, 3), st.floats(0.5, 2.0)), left=st.booleans(), seed=st.integers(0, 2**16))
@settings(max_examples=25)
def test_python_scalar_on_either_side(shape, op, scalar, left, seed):
    """tensor op number and number op tensor: values as NumPy, gradient by finite differences (and PyTorch)."""
    rng = np.random.default_rng(seed)
    x_np, v = values(shape, rng), rng.standard_normal(shape)
    fn = (lambda x, s: SCALAR_OPS[op](s, x)) if left else SCALAR_OPS[op]
    shape_out, out, (grad,), node = _run(aw, fn, x_np, scalar, v)
    assert shape_out == shape
    np.testing.assert_allclose(out, fn(x_np, scalar), rtol=1e-12)
    eps = 1e-6
    num = np.zeros_like(x_np)
    for k in np.ndindex(shape):
        p, m = x_np.copy(), x_np.copy()
        p[k] += eps
        m[k] -= eps
        num[k] = np.sum(v * (fn(p, scalar) - fn(m, scalar))) / (2 * eps)
    np.testing.assert_allclose(grad, num, rtol=1e-5, atol=1e-6)
    try:
        import torch
    except ImportError:
        return
    theirs = _run(torch, fn, x_np, scalar, v)
    assert node == theirs[3]  # e.g. RsubBackward1, PowBackward2: the number is an attribute, not an input
    np.testing.assert_allclose(grad, theirs[2][0], rtol=1e-10)


@given(a=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4), b=hnp.array_shapes(min_dims=0, max_dims=3, max_side=4))
def test_incompatible_shapes_raise_pytorchs_exact_message(a, b):
    torch = pytest.importorskip("torch")
    outcomes = []
    for T in (aw, torch):
        try:
            T.ones(a) * T.ones(b)
            outcomes.append(None)
        except RuntimeError as e:
            outcomes.append(str(e).split("\n")[0])
    assert outcomes[0] == outcomes[1]


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=3), data=st.data(),
       op=st.sampled_from(["sum", "mean", "softmax", "log_softmax", "norm", "max", "min"]), keepdim=st.booleans())
@settings(max_examples=30)
def test_reductions_match_pytorch(shape, data, op, keepdim):
    torch = pytest.importorskip("torch")
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    x_np = np.random.default_rng(len(shape)).permutation(int(np.prod(shape))).reshape(shape) / 7.0 + 0.1
    results = []
    for T in (aw, torch):
        x = T.tensor(x_np, dtype=T.float64, requires_grad=True)
        if op in ("softmax", "log_softmax"):
            out = getattr(x, op)(dim)
        elif op in ("max", "min"):
            out = getattr(x, op)(dim, keepdim=keepdim)[0]
        else:
            out = getattr(x, op)(dim=dim, keepdim=keepdim)
        (out * T.tensor(np.arange(out.numel(), dtype=np.float64).reshape(tuple(out.shape)))).sum().backward()
        results.append((tuple(out.shape), np.asarray(out.detach()), np.asarray(x.grad), type(out.grad_fn).__name__))
    (s1, o1, g1, n1), (s2, o2, g2, n2) = results
    assert (s1, n1) == (s2, n2)
    np.testing.assert_allclose(o1, o2, rtol=1e-12)
    np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-12)


@given(shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, min_dims=0, max_dims=3, max_side=3),
       seed=st.integers(0, 2**16))
def test_where_broadcasts_condition_and_both_branches(shapes, seed):
    rng = np.random.default_rng(seed)
    sc, sa, sb = shapes.input_shapes
    c_np = rng.random(sc) > 0.5
    a_np, b_np = values(sa, rng), values(sb, rng)
    v = rng.standard_normal(shapes.result_shape)
    a = aw.tensor(a_np, dtype=aw.float64, requires_grad=True)
    b = aw.tensor(b_np, dtype=aw.float64, requires_grad=True)
    out = aw.where(aw.tensor(c_np), a, b)
    np.testing.assert_array_equal(out.detach().numpy(), np.where(c_np, a_np, b_np))
    out.backward(aw.tensor(v, dtype=aw.float64))
    # each branch gets v where it was chosen, summed over the dims it was broadcast along
    full_c = np.broadcast_to(c_np, v.shape)
    for leaf, chosen, shape in ((a, full_c, sa), (b, ~full_c, sb)):
        expected = np.where(chosen, v, 0.0)
        lead = expected.ndim - len(shape)
        expected = expected.sum(axis=tuple(range(lead))) if lead else expected
        expected = expected.sum(axis=tuple(i for i, s in enumerate(shape) if s == 1), keepdims=True) \
            if expected.ndim else expected
        np.testing.assert_allclose(leaf.grad.numpy(), expected.reshape(shape), rtol=1e-12, atol=1e-15)
