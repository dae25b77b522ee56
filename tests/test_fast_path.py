"""A backward without create_graph runs its arithmetic with grad mode off, recording nothing (the
fast path); with create_graph=True every vector-Jacobian product is recorded. Over the whole op
table both must give the very same gradients, bit for bit, by autograd.grad and by .backward()."""
import numpy as np
import pytest

import autograd_widgets as aw
from op_cases import CASES, arrays, make, to_numpy


def _gradients(case, create_graph, by):
    """The gradients of every input of `case` for one fixed random v, by autograd.grad or by .backward()."""
    _, fn, _, _ = case
    leaves = [make(aw, a) for a in arrays(case)]
    out = fn(aw, *leaves)
    v = make(aw, np.random.default_rng(4).standard_normal(tuple(out.shape)), requires_grad=False)
    if by == "grad":
        grads = aw.autograd.grad(out, leaves, v, create_graph=create_graph, allow_unused=True)
    else:
        out.backward(v, create_graph=create_graph)
        grads = [leaf.grad for leaf in leaves]
    for g in grads:  # the fast path records no graph; create_graph records one wherever the gradient depends on x
        assert g is None or create_graph or not g.requires_grad
    return [None if g is None else to_numpy(g) for g in grads]


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
@pytest.mark.parametrize("by", ["grad", "backward"])
@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_fast_path_and_create_graph_give_identical_gradients(case, by):
    fast, recorded = _gradients(case, False, by), _gradients(case, True, by)
    assert [g is None for g in fast] == [g is None for g in recorded]
    for f, r in zip(fast, recorded):
        if f is not None:
            np.testing.assert_array_equal(f, r)
