"""autograd.grad(..., is_grads_batched=True) and autograd.functional.jacobian/hessian (vectorize, strategy,
strict, create_graph) against PyTorch: the same values, shapes and errors."""
import numpy as np
import pytest

import autograd_widgets as aw
from raised import raised

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(7)
W = RNG.standard_normal((5, 4))
X = RNG.standard_normal(4)
BIAS = RNG.standard_normal(5)
M = RNG.standard_normal((4, 3))
G = RNG.standard_normal((6, 5, 3))  # a batch of 6 grad_outputs for the (5, 3) output below


def _host(r):
    if r is None:
        return None
    if isinstance(r, (tuple, list)):
        return [_host(e) for e in r]
    return r if isinstance(r, np.ndarray) else r.detach().numpy()


def _same(ours, theirs, tol=1e-12):
    ours, theirs = _host(ours), _host(theirs)
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b, tol)
        return
    if theirs is None:
        assert ours is None
        return
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=tol, atol=tol)


def _leaves(T):
    return [T.tensor(a, requires_grad=True) for a in (W, X, BIAS, M)]


def _many_nodes(T, w, x, b, m):
    """A (5, 3) output through every kind of node the batched pass treats: rules, broadcasting, and loops."""
    h = T.tanh(w @ x + b) * 2 - x.sum() ** 2 / x.numel()          # mv, add, sum, pow, div, broadcasting
    h = h.reshape(5, 1).expand(5, 4).t().transpose(0, 1) * x      # views, expand, broadcast mul
    y = (h @ m).sigmoid() + w.mean() + (x.dot(x)).exp()           # mm, sigmoid, mean, dot, exp
    y = y.permute(1, 0).unsqueeze(0).squeeze(0).permute(1, 0)     # permute, unsqueeze, squeeze
    return T.cat([y[:, :2].relu(), y[:, 2:].softmax(0)], dim=1)  # indexing, cat, softmax: per-element loops


def test_batched_grad_equals_pytorchs_for_every_node_kind():
    got = {}
    for T in (torch, aw):
        leaves = _leaves(T)
        got[T] = T.autograd.grad(_many_nodes(T, *leaves), leaves, T.tensor(G), is_grads_batched=True)
    _same(got[aw], got[torch])
    assert [tuple(g.shape) for g in got[aw]] == [(6, 5, 4), (6, 4), (6, 5), (6, 4, 3)]


def test_batched_grad_equals_one_backward_per_row():
    leaves = _leaves(aw)
    out = _many_nodes(aw, *leaves)
    batched = aw.autograd.grad(out, leaves, aw.tensor(G), is_grads_batched=True, retain_graph=True)
    for r in range(len(G)):
        row = aw.autograd.grad(out, leaves, aw.tensor(G[r]), retain_graph=True)
        for b, g in zip(batched, row):
            np.testing.assert_allclose(b[r].numpy(), g.numpy(), rtol=1e-13, atol=1e-13)


def test_batched_grad_with_create_graph_differentiates_again_as_pytorch():
    got = {}
    for T in (torch, aw):
        w, x, b, m = _leaves(T)
        gw, gx = T.autograd.grad(_many_nodes(T, w, x, b, m), (w, x), T.tensor(G), is_grads_batched=True,
                                 create_graph=True)
        assert gw.requires_grad and gx.requires_grad
        got[T] = T.autograd.grad((gw * gw).sum() + gx.sum(), (w, x, m))
    _same(got[aw], got[torch], 1e-10)


def test_batched_grad_through_hooks_as_pytorch():
    got = {}
    for T in (torch, aw):
        x = T.tensor(X, requires_grad=True)
        h = x * 3
        h.register_hook(lambda g: g * 2)
        got[T] = T.autograd.grad(h.tanh(), x, T.tensor(G[:, 0, :]).repeat(1, 2)[:, :4], is_grads_batched=True)
    _same(got[aw], got[torch])


def test_batched_grad_unused_inputs_and_materialize_as_pytorch():
    for T in (torch, aw):
        x, y = T.tensor(X, requires_grad=True), T.tensor(X, requires_grad=True)
        v = T.ones(3, 4, dtype=T.float64)
        got = T.autograd.grad(x * 2, (x, y), v, is_grads_batched=True, allow_unused=True)
        assert got[1] is None and tuple(got[0].shape) == (3, 4)
        filled = T.autograd.grad(x * 2, (x, y), v, is_grads_batched=True, materialize_grads=True)
        assert tuple(filled[1].shape) == (4,)  # PyTorch fills zeros_like(input), without the batch dimension
    assert raised(lambda: aw.autograd.grad(aw.tensor(X, requires_grad=True) * 2, aw.tensor(X, requires_grad=True),
                                           aw.ones(3, 4, dtype=aw.float64), is_grads_batched=True)) == \
        raised(lambda: torch.autograd.grad(torch.tensor(X, requires_grad=True) * 2,
                                           torch.tensor(X, requires_grad=True),
                                           torch.ones(3, 4, dtype=torch.float64), is_grads_batched=True))


@pytest.mark.parametrize("shape", [(3, 5), (3,), (3, 4, 1), (0, 4), ()])
def test_batched_grad_of_a_wrong_shape_raises_pytorchs_error(shape):
    def call(T):
        x = T.tensor(X, requires_grad=True)
        return lambda: T.autograd.grad(x * 2, x, T.ones(shape, dtype=T.float64), is_grads_batched=True)
    theirs = raised(call(torch))
    assert theirs is not None and raised(call(aw)) == theirs


# --- jacobian and hessian ----------------------------------------------------------------------
def two_in_two_out(T):
    return lambda a, b: (T.tanh(T.tensor(W) @ a) * b.sum(), (a.reshape(2, 2) @ a.reshape(2, 2)).exp())


@pytest.mark.parametrize("vectorize", [False, True])
@pytest.mark.parametrize("create_graph", [False, True])
def test_jacobian_of_tuples_as_pytorch(vectorize, create_graph):
    got = {}
    for T in (torch, aw):
        a, b = T.tensor(X, requires_grad=create_graph), T.tensor(BIAS, requires_grad=create_graph)
        J = T.autograd.functional.jacobian(two_in_two_out(T), (a, b), create_graph=create_graph, vectorize=vectorize)
        got[T] = [list(row) for row in J]
        got[T, "requires_grad"] = [[j.requires_grad for j in row] for row in J]
        if create_graph:  # the Jacobian is differentiable, as PyTorch's
            got[T].append(list(T.autograd.grad(sum((j * j).sum() for row in J for j in row), (a, b))))
    _same(got[aw], got[torch], 1e-10)
    assert got[aw, "requires_grad"] == got[torch, "requires_grad"]


@pytest.mark.parametrize("vectorize", [False, True])
def test_jacobian_64x64_as_pytorch_and_the_formula(vectorize):
    w = RNG.standard_normal((64, 64)) / 8
    x = RNG.standard_normal(64)
    J = {T: T.autograd.functional.jacobian(lambda v: T.tanh(T.tensor(w) @ v), T.tensor(x), vectorize=vectorize)
         for T in (torch, aw)}
    _same(J[aw], J[torch])
    np.testing.assert_allclose(J[aw].numpy(), (1 - np.tanh(w @ x) ** 2)[:, None] * w, rtol=1e-12)


def test_jacobian_forward_mode_vectorized_gives_pytorchs_values():
    got = {T: T.autograd.functional.jacobian(two_in_two_out(T), (T.tensor(X), T.tensor(BIAS)), vectorize=True,
                                             strategy="forward-mode") for T in (torch, aw)}
    _same([list(r) for r in got[aw]], [list(r) for r in got[torch]])


def test_jacobian_of_an_input_nothing_depends_on_is_zeros_as_pytorch():
    for vectorize in (False, True):
        got = {T: T.autograd.functional.jacobian(lambda a, b: a * 2, (T.tensor(X), T.tensor(BIAS)),
                                                 vectorize=vectorize) for T in (torch, aw)}
        _same(list(got[aw]), list(got[torch]))


def _jac_call(T, **kw):
    func = kw.pop("func", lambda a, b: a * 2)
    inputs = kw.pop("inputs", (T.tensor(X), T.tensor(BIAS)))
    return lambda: T.autograd.functional.jacobian(func, inputs, **kw)


@pytest.mark.parametrize("kw", [
    dict(strategy="sideways"),
    dict(strategy="forward-mode", create_graph=True),
    dict(strategy="forward-mode", strict=True),
    dict(strategy="forward-mode"),
    dict(vectorize=True, strict=True),
    dict(strict=True),
    dict(strict=True, create_graph=True),
    dict(strict=True, func=lambda a, b: a.detach() * 2),
    dict(inputs="list"),
    dict(inputs="tuple with a list"),
    dict(func=lambda a, b: [a * 2]),
    dict(func=lambda a, b: a[:0] * 2),
    dict(func=lambda a, b: a[:0] * 2, vectorize=True),
    dict(func=lambda a, b: a[:0] * 2, create_graph=True),
], ids=repr)
def test_jacobian_argument_errors_as_pytorch(kw):
    def call(T):
        k = dict(kw)
        if k.get("inputs") == "list":
            k["inputs"] = [T.tensor(X)]
        elif k.get("inputs") == "tuple with a list":
            k["inputs"] = (T.tensor(X), [1.0])
        return _jac_call(T, **k)
    theirs = raised(call(torch))
    assert theirs is not None, "PyTorch raises here"
    assert raised(call(aw)) == theirs


@pytest.mark.parametrize("vectorize", [False, True])
def test_hessian_as_pytorch(vectorize):
    def scalar(T):
        return lambda a, b: (a ** 2 * b[:4]).sum() + (T.tanh(T.tensor(W) @ a) * b).sum()
    got = {T: T.autograd.functional.hessian(scalar(T), (T.tensor(X), T.tensor(BIAS)), vectorize=vectorize)
           for T in (torch, aw)}
    _same([list(r) for r in got[aw]], [list(r) for r in got[torch]], 1e-12)


@pytest.mark.parametrize("kw", [dict(outer_jacobian_strategy="sideways"), dict(strict=True),
                                dict(func="two elements"), dict(func="a tuple")], ids=repr)
def test_hessian_errors_as_pytorch(kw):
    def call(T):
        k = dict(kw)
        func = {"two elements": lambda a: a[:2] * 3, "a tuple": lambda a: (a.sum(),)}.get(k.pop("func", None),
                                                                                        lambda a: (a * 3).sum())
        return lambda: T.autograd.functional.hessian(func, T.tensor(X), **k)
    theirs = raised(call(torch))
    assert theirs is not None, "PyTorch raises here"
    assert raised(call(aw)) == theirs


UNARY = ["log1p", "expm1", "exp2", "log2", "log10", "erf", "tan", "rsqrt", "asin", "acos", "atan", "sinh", "cosh",
         "frac", "sqrt", "sin", "cos", "log", "exp", "abs", "neg", "reciprocal", "tanh", "sigmoid", "relu"]
BINARY = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "rsub": lambda a, b: 2 - a + (b - a),
          "mul": lambda a, b: a * b * 3, "div": lambda a, b: a / b / 2, "pow0": lambda a, b: a ** 0 + b,
          "pow3": lambda a, b: a ** 3 * b, "sub_alpha": lambda a, b: a.sub(b, alpha=2).add(b, alpha=3)}


@pytest.mark.parametrize("name", UNARY + list(BINARY))
def test_batched_grad_of_each_elementwise_node_as_pytorch(name):
    """Each node whose own backward runs on the whole batch (broadcasting under the batch dimension)."""
    a0 = RNG.uniform(0.1, 0.9, (3, 4))
    b0 = RNG.uniform(0.5, 1.5, (1, 4))  # broadcast against a: its gradient is summed over rows, not the batch
    v = RNG.standard_normal((5, 3, 4))
    got = {}
    for T in (torch, aw):
        a, b = T.tensor(a0, requires_grad=True), T.tensor(b0, requires_grad=True)
        out = BINARY[name](a, b) if name in BINARY else getattr(T, name)(a) * b
        got[T] = T.autograd.grad(out, (a, b), T.tensor(v), is_grads_batched=True, allow_unused=True)
    _same(got[aw], got[torch])


def test_batched_grad_frees_the_graph_unless_retained_as_pytorch():
    def call(T, retain):
        x = T.tensor(X, requires_grad=True)
        y = (x * x).tanh()
        T.autograd.grad(y, x, T.ones(2, 4, dtype=T.float64), is_grads_batched=True, retain_graph=retain)
        return lambda: T.autograd.grad(y, x, T.ones(4, dtype=T.float64))
    assert raised(call(aw, False)) == raised(call(torch, False)) is not None
    assert raised(call(aw, True)) is None and raised(call(torch, True)) is None
