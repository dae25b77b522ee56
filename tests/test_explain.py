"""explain(node): every node of the op table has a formula, and evaluating it gives what the node returns.

The formulas are Python expressions over the node's saved values (derivatives.py); each test runs them
(Explanation.evaluate) and compares with calling the node itself on the same gradient, so a formula
cannot be silently wrong. PyTorch's nodes of the same names are checked against PyTorch the same way.
"""
import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import explain
from autograd_widgets.graph.derivatives import DERIVATIVES, DESCRIBED, DOUBLE
from op_cases import CASES, arrays, make, to_numpy

IDS = [c[0] for c in CASES]


def functions(*roots):
    """Every backward function reachable from `roots`, once each."""
    seen, stack, out = set(), list(roots), []
    while stack:
        f = stack.pop()
        if f is None or id(f) in seen:
            continue
        seen.add(id(f))
        out.append(f)
        stack.extend(n for n, _ in f.next_functions)
    return out


def graph_of_case(T, case):
    """The forward graph of an op-table case and the graph of its gradient (create_graph=True)."""
    _, fn, _, _ = case
    leaves = [make(T, a) for a in arrays(case)]
    out = fn(T, *leaves)
    v = make(T, np.random.default_rng(3).standard_normal(tuple(out.shape)), requires_grad=False)
    grads = T.autograd.grad(out, leaves, v, create_graph=True, allow_unused=True)
    return functions(out.grad_fn, *[g.grad_fn for g in grads if g is not None])


def random_grads(node, seed=0):
    """One random gradient per output of a node of this core, shaped as that output."""
    rng = np.random.default_rng(seed)
    return tuple(None if dtype is None or dtype.kind not in "fc" else
                 make(aw, rng.standard_normal(shape), requires_grad=False) for shape, dtype in node._meta)


def assert_same(name, key, got, want):
    """The formula's value equals the node's output, once the larger is summed to the other's shape
    (a node returns an input's gradient unreduced, the engine sums it to the input's shape; a formula
    may already have)."""
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want), f"{name}: {key}"
        for g, w in zip(got, want):
            assert_same(name, key, g, w)
        return
    g, w = to_numpy(got), to_numpy(want)
    if g.size < w.size:
        w = _sum_to(w, g.shape)
    elif g.size > w.size:
        g = _sum_to(g, w.shape)
    np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8, err_msg=f"{name}: {key}")


def _sum_to(a, shape):
    a = a.sum(tuple(range(a.ndim - len(shape))))
    return a.sum(tuple(i for i, n in enumerate(shape) if n == 1 and a.shape[i] != 1), keepdims=True).reshape(shape)


NOT_FORMULAS = {"AccumulateGrad", "CopySlices", "AsStridedBackward0", "BackwardHookFunctionBackward",
                "BackwardCFunction"}


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_formula_evaluates_to_what_the_node_returns(case):
    for node in graph_of_case(aw, case):
        ex = explain(node)
        assert ex.status in ("known", "described"), f"{ex.name}: {ex.note}"
        if ex.status == "described":
            assert ex.name in NOT_FORMULAS
            continue
        grads = random_grads(node)
        want = node(*grads)
        got = ex.evaluate(*grads)
        want = want if isinstance(want, tuple) else (want,)
        if "tensors" in got:  # stack, cat: one formula gives every input's gradient
            assert_same(ex.name, "tensors", got["tensors"], want)
            continue
        for key, w, (fn, _) in zip(type(node).args, want, node.next_functions):
            if w is not None and fn is not None:  # the engine drops a gradient no input asked for
                assert_same(ex.name, key, got[key], w)
