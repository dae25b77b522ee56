"""Every op's backward against finite differences (float64), its double backward, and PyTorch
(values, gradients, and the whole graph of the result and of its gradient under create_graph)."""
import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.autograd import gradcheck, gradgradcheck
from op_cases import CASES, arrays, make, to_numpy

IDS = [c[0] for c in CASES]
# Ops whose derivative is piecewise constant in the input: the second derivative is zero almost
# everywhere, and finite differences see exactly that, so they are still checked.


def graph(fn):
    """A node's class name, name() and next_functions edges, recursively (None for no edge)."""
    if fn is None:
        return None
    return type(fn).__name__, fn.name(), tuple((graph(n), i) for n, i in fn.next_functions)


def numeric_vjp(fn, xs, v, eps=1e-6):
    """vᵀ·J by central differences, computed on plain NumPy copies of the inputs."""
    grads = []
    for i, x in enumerate(xs):
        g = np.zeros_like(x)
        for k in np.ndindex(x.shape):
            plus = [a.copy() for a in xs]
            minus = [a.copy() for a in xs]
            plus[i][k] += eps
            minus[i][k] -= eps
            fp = to_numpy(fn(aw, *[make(aw, a, False) for a in plus]))
            fm = to_numpy(fn(aw, *[make(aw, a, False) for a in minus]))
            g[k] = np.sum(v * (fp - fm)) / (2 * eps)
        grads.append(g)
    return grads


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_backward_matches_finite_differences(case):
    _, fn, _, _ = case
    xs = arrays(case)
    leaves = [make(aw, a) for a in xs]
    out = fn(aw, *leaves)
    v = np.random.default_rng(1).standard_normal(tuple(out.shape))
    out.backward(make(aw, v, requires_grad=False))
    expected = numeric_vjp(fn, xs, v)
    for leaf, e in zip(leaves, expected):
        got = to_numpy(leaf.grad) if leaf.grad is not None else np.zeros_like(e)
        np.testing.assert_allclose(got, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradcheck(case):
    """Every op's backward matches finite differences in float64 (autograd.gradcheck)."""
    _, fn, _, _ = case
    leaves = [make(aw, a) for a in arrays(case)]
    assert gradcheck(lambda *xs: fn(aw, *xs), leaves)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradgradcheck(case):
    """Every op's double backward matches finite differences of its backward (autograd.gradgradcheck)."""
    _, fn, _, _ = case
    leaves = [make(aw, a) for a in arrays(case)]
    assert gradgradcheck(lambda *xs: fn(aw, *xs), leaves)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_same_values_grads_and_node_as_pytorch(case):
    compare_with_pytorch(case)


def _older_than_2_13(torch):
    return tuple(int(p) for p in torch.__version__.split("+")[0].split(".")[:2]) < (2, 13)


def compare_with_pytorch(case, gradient_graph=True):
    """Values, the result's graph, the gradient (and, with gradient_graph, its graph under create_graph) and
    the second gradients of `case`, against PyTorch's."""
    torch = pytest.importorskip("torch")
    _, fn, _, _ = case
    xs = arrays(case)
    results = []
    for T in (aw, torch):
        leaves = [make(T, a) for a in xs]
        out = fn(T, *leaves)
        v = np.random.default_rng(2).standard_normal(tuple(out.shape))
        try:
            g, = T.autograd.grad(out, leaves[0], make(T, v, requires_grad=False), create_graph=True)
        except RuntimeError as e:  # the GPU machine's PyTorch can be older than the 2.13 this package follows
            if T is torch and "is not implemented" in str(e) and _older_than_2_13(torch):
                pytest.skip(f"PyTorch {torch.__version__} lacks it (2.13 has it): {e}")
            raise
        gg = T.autograd.grad(g.sum(), leaves, allow_unused=True) if g.requires_grad else [None] * len(leaves)
        results.append((to_numpy(out), graph(out.grad_fn), to_numpy(g), graph(g.grad_fn),  # the whole graphs
                        [None if h is None else to_numpy(h) for h in gg]))
    (o1, n1, g1, gn1, h1), (o2, n2, g2, gn2, h2) = results
    np.testing.assert_allclose(o1, o2, rtol=1e-12, atol=1e-12)
    assert n1 == n2
    np.testing.assert_allclose(g1, g2, rtol=1e-10, atol=1e-12)
    assert gn1 == gn2 or not gradient_graph
    for a, b in zip(h1, h2):
        if a is None and b is None:
            continue
        if a is None or b is None:  # one side may leave an unused input as None, the other as zeros
            assert np.all((a if a is not None else b) == 0)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
