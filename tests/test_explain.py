"""explain(node): every node of the op table has a formula, and evaluating it gives what the node returns.

The formulas are Python expressions over the node's saved values (derivatives.py); each test runs them
(Explanation.evaluate) and compares with calling the node itself on the same gradient, so a formula
cannot be silently wrong. PyTorch's nodes of the same names are checked against PyTorch the same way.
"""
import numpy as np
import pytest
from op_cases import CASES, arrays, make, to_numpy
from op_cases import _function as op_function

import autograd_widgets as aw
from autograd_widgets import explain
from autograd_widgets.graph.derivatives import DERIVATIVES, DESCRIBED, DOUBLE

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


def test_every_node_class_of_this_core_has_a_formula():
    """Each backward-function class the core defines (bases aside) is in the table, a double-backward entry,
    or described in words; the words are kept for nodes that are not one formula."""
    from autograd_widgets.node import Node

    def subclasses(c):
        for s in c.__subclasses__():
            yield s
            yield from subclasses(s)
    bases = {"Op", "MultiOp", "_Activation"}
    for cls in set(subclasses(Node)):
        name = cls.__name__
        if name in bases:
            continue
        known = name in DERIVATIVES or name in DOUBLE or name in DESCRIBED or \
            any(c.__name__ == "BackwardCFunction" for c in cls.__mro__)
        assert known, name
    assert set(DESCRIBED) - NOT_FORMULAS <= {"NotImplemented", "Error"}


def torch_grads(node, torch, seed=0):
    """One random float64 gradient per output of a PyTorch node, shaped by its input metadata."""
    rng = np.random.default_rng(seed)
    meta = node._input_metadata
    # a later output of a multi-output node with shape [] or [0] is one nothing computes (a conv's missing bias)
    return tuple(None if i and list(m.shape) in ([], [0]) else
                 torch.tensor(rng.standard_normal(tuple(m.shape)), dtype=torch.float64) for i, m in enumerate(meta))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_pytorch_nodes_by_name_against_pytorch(case):
    """PyTorch's nodes of the same names: the formulas, run on PyTorch's saved tensors, give what PyTorch's
    node returns."""
    torch = pytest.importorskip("torch")
    for node in graph_of_case(torch, case):
        ex = explain(node)
        assert ex.status in ("known", "described"), f"{ex.name}: {ex.note}"
        if ex.status == "described":
            continue
        grads = torch_grads(node, torch)
        if ex.name == "NativeLayerNormBackwardBackward0" and node._saved_weight is None:
            grads = grads[:1] + (None, None)  # no weight: PyTorch's node refuses gradients of grad_weight, grad_bias
        want = node(*grads)
        want = want if isinstance(want, tuple) else (want,)
        got = ex.evaluate(*grads)
        if "tensors" in got:
            assert_same(ex.name, "tensors", got["tensors"], want)
            continue
        keys = [k for k in (DERIVATIVES.get(ex.name) or {}) if k != "where"] or list(got)
        for key, w, (fn, _) in zip(keys, want, node.next_functions):
            if w is not None and fn is not None:
                assert_same(ex.name, key, got[key], w)


def test_mul_reads_its_saved_factors_with_the_numbers_in():
    x = aw.tensor([[1.0, 2.0]], requires_grad=True)
    y = aw.tensor([[3.0, 4.0]], requires_grad=True)
    ex = explain(x * y)
    assert ex.name == "MulBackward0" and ex.status == "known"
    assert ex.lines == [("self", "grad * other", "grad * [[3., 4.]]"), ("other", "grad * self", "grad * [[1., 2.]]")]
    ex = explain((x * y).grad_fn, grad=aw.ones(1, 2))
    assert ex.lines[0][2] == "[[1., 1.]] * [[3., 4.]]"
    assert "self: grad * other" in str(ex) and "= [[1., 1.]] * [[3., 4.]]" in str(ex)
    assert "<code>grad * other</code>" in ex._repr_html_()


def test_large_tensors_show_their_shape():
    w = aw.ones(3, 4, requires_grad=True)
    ex = explain(w.sum(1).grad_fn)
    assert ex.lines[0][2] == "restore_dims(grad, (1,), False, (3, 4)).expand((3, 4))"
    ex = explain((w * w).grad_fn)
    assert ex.lines[0][2] == "grad * (3×4 tensor)"


def test_freed_saved_tensors_keep_the_formula_and_say_so():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.sum().backward()
    ex = explain(y.grad_fn)
    assert ex.status == "freed"
    assert ex.lines == [("self", "grad * result", None)]
    assert "freed" in ex.note and "retain_graph" in ex.note
    with pytest.raises(ValueError, match="freed"):
        ex.evaluate(aw.ones(2))


def test_freed_pytorch_node_says_so_too():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.sin()
    y.sum().backward()
    ex = explain(y.grad_fn)
    assert ex.status == "freed" and ex.lines == [("self", "grad * self.cos()", None)]


def test_unknown_pytorch_node_says_so_plainly():
    torch = pytest.importorskip("torch")
    x = torch.tensor([[2.0, 1.0], [1.0, 3.0]], requires_grad=True)
    ex = explain(torch.linalg.matrix_exp(x).grad_fn)
    assert ex.name == "LinalgMatrixExpBackward0" and ex.status == "unknown" and ex.lines == []
    assert "no formula for LinalgMatrixExpBackward0" in str(ex)
    with pytest.raises(ValueError, match="no formula"):
        ex.evaluate(torch.ones(2, 2))


def test_custom_function_and_accumulate_grad_are_described():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    out = op_function(aw, x)
    ex = explain(out.grad_fn)
    assert ex.status == "described" and "Cube" in ex.note
    acc = explain(out.grad_fn.next_functions[0][0])
    assert acc.name == "AccumulateGrad" and acc.lines[0][0] == "variable"


def test_explain_refuses_what_is_not_a_backward_function():
    with pytest.raises(ValueError, match="leaf"):
        explain(aw.ones(2, requires_grad=True))
    with pytest.raises(TypeError, match="backward function"):
        explain(3)


def test_the_graph_panel_details_carry_the_formula():
    from autograd_widgets.graph import walk
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    fn = next(n for n in walk(y).nodes.values() if n.kind == "fn")
    d = fn.details()
    assert d["derivative"]["name"] == "MulBackward0"
    assert d["derivative"]["lines"] == [{"input": "self", "formula": "grad * other", "numeric": "grad * 3."},
                                        {"input": "other", "formula": "grad * self", "numeric": None}]


def test_graph_view_sends_the_formula_to_the_panel():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    view = aw.show(y)
    fn_id = next(n.id for n in view.drawn.nodes.values() if n.kind == "fn")
    view.selected = fn_id
    assert view.details["derivative"]["lines"] == [
        {"input": "self", "formula": "grad * result", "numeric": "grad * [2.718, 7.389]"}]
    assert all(k != "derivative" for k, _ in view.details["rows"])
    view.close()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_every_value_a_node_keeps_reads_as_saved_name(case):
    """What forward kept on a node (dim, delta, min, ...) reads back as `_saved_<name>`, as the explainer and
    PyTorch's attribute names need; this core makes those attributes per name, not with __getattr__."""
    for node in graph_of_case(aw, case):
        for key, value in vars(node).items():
            if key.startswith("_") or key in ("next_functions", "variable", "metadata"):
                continue
            got = getattr(node, "_saved_" + key)
            if isinstance(value, np.ndarray):
                np.testing.assert_array_equal(got.numpy(), value)
            else:
                assert got is value, f"{type(node).__name__}._saved_{key}"


def test_custom_function_ctx_values_read_as_saved_names():
    """A learner's Function keeps what its forward sets on ctx; its node reads it back as `_saved_<name>`."""
    class Scale(aw.autograd.Function):
        @staticmethod
        def forward(ctx, x, factor_zq):
            ctx.factor_zq = factor_zq
            return x * factor_zq

        @staticmethod
        def backward(ctx, g):
            return g * ctx.factor_zq, None

    y = Scale.apply(aw.ones(2, requires_grad=True), 3.0)
    assert y.grad_fn._saved_factor_zq == 3.0
    with pytest.raises(AttributeError, match="no attribute '_saved_not_kept'"):
        y.grad_fn._saved_not_kept  # noqa: B018
