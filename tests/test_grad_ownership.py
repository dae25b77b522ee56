"""A leaf's `.grad` never shares memory with a tensor a user holds (engine.py's ownership rule).

The engine takes a gradient as `.grad` without copying only when it made that gradient itself and
holds it alone; a gradient passed to backward, one a hook saw or returned, or one a custom
Function's backward returned is copied. Each program below mutates the user's tensor after the
backward and reads `.grad`, under PyTorch and under autograd_widgets: both must see the same.
"""
import numpy as np
import pytest

import autograd_widgets as aw
from op_cases import CASES, arrays, make

torch = pytest.importorskip("torch")


def _values(t):
    return t.detach().numpy().tolist()


def seed_into_leaf(T):
    """x.backward(g) on a leaf: the seed lands in x's AccumulateGrad as it is."""
    x = T.ones(3, requires_grad=True)
    g = T.tensor([1.0, 2.0, 3.0])
    x.backward(g)
    return x.grad is g, g.add_(100) is g and _values(x.grad)


def seed_through_clone(T):
    """CloneBackward0 passes the user's seed on unchanged."""
    x = T.ones(3, requires_grad=True)
    g = T.tensor([1.0, 2.0, 3.0])
    x.clone().backward(g)
    return x.grad is g, g.mul_(0) is g and _values(x.grad)


def grad_tensors_of_autograd_backward(T):
    """torch.autograd.backward(tensors, grad_tensors): the same seeds, by the other door."""
    a, b = T.ones(2, requires_grad=True), T.ones(2, requires_grad=True)
    ga, gb = T.tensor([1.0, 2.0]), T.tensor([3.0, 4.0])
    T.autograd.backward([a * 1, b.clone()], grad_tensors=[ga, gb])
    ga.zero_(), gb.zero_()
    return _values(a.grad), _values(b.grad), b.grad is gb


def one_gradient_to_two_leaves(T):
    """AddBackward0 sends one (engine-made) gradient along both edges: the leaves must not share it."""
    a, b = T.ones(3, requires_grad=True), T.ones(3, requires_grad=True)
    ((a + b) * 2).backward(T.ones(3))
    a.grad.add_(1)
    return _values(a.grad), _values(b.grad), a.grad is b.grad


def seed_to_two_leaves(T):
    """The user's seed passed on along two edges."""
    a, b = T.ones(3, requires_grad=True), T.ones(3, requires_grad=True)
    g = T.tensor([1.0, 2.0, 3.0])
    (a + b).backward(g)
    g.fill_(7)
    return _values(a.grad), _values(b.grad), a.grad is g or b.grad is g


def leaf_hook_returns_users_tensor(T):
    """A leaf's hook replaces the gradient with a tensor the user keeps."""
    x = T.ones(3, requires_grad=True)
    mine = T.tensor([5.0, 6.0, 7.0])
    x.register_hook(lambda g: mine)
    (x * 2).sum().backward()
    mine.zero_()
    return x.grad is mine, _values(x.grad)


def leaf_hook_keeps_the_gradient(T):
    """A leaf's hook stashes the engine's gradient and returns None."""
    x = T.ones(3, requires_grad=True)
    kept = []
    x.register_hook(lambda g: kept.append(g))
    (x * 2).sum().backward()
    kept[0].fill_(-1)
    return x.grad is kept[0], _values(x.grad)


def node_post_hook_keeps_the_gradients(T):
    """A hook on a node sees the gradients it sends to the leaves."""
    x = T.ones(3, requires_grad=True)
    kept = []
    y = x * 3
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: kept.append(grad_inputs[0]))
    y.sum().backward()
    kept[0].fill_(-1)
    return x.grad is kept[0], _values(x.grad)


def custom_function_returns_its_grad(T):
    """A custom Function's backward returns the gradient it was given, which is the user's seed."""
    class Identity(T.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.clone()

        @staticmethod
        def backward(ctx, g):
            return g

    x = T.ones(3, requires_grad=True)
    g = T.tensor([1.0, 2.0, 3.0])
    Identity.apply(x).backward(g)
    g.zero_()
    return x.grad is g, _values(x.grad)


def custom_function_returns_a_saved_tensor(T):
    """A custom Function's backward returns a tensor it saved (the user holds it too)."""
    w = T.tensor([4.0, 5.0, 6.0])

    class TimesW(T.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(w)
            return a * w

        @staticmethod
        def backward(ctx, g):
            saved, = ctx.saved_tensors
            return saved

    x = T.ones(3, requires_grad=True)
    TimesW.apply(x).sum().backward()
    w.zero_()
    return x.grad is w, _values(x.grad)


def grad_then_accumulate(T):
    """A second backward adds into the .grad the first one left (in place, as PyTorch)."""
    x = T.ones(3, requires_grad=True)
    g = T.tensor([1.0, 2.0, 3.0])
    x.clone().backward(g)
    first = x.grad
    x.clone().backward(g)
    g.zero_()
    return x.grad is first, _values(x.grad)


PROGRAMS = [seed_into_leaf, seed_through_clone, grad_tensors_of_autograd_backward,
            one_gradient_to_two_leaves, seed_to_two_leaves, leaf_hook_returns_users_tensor,
            leaf_hook_keeps_the_gradient, node_post_hook_keeps_the_gradients, custom_function_returns_its_grad,
            custom_function_returns_a_saved_tensor, grad_then_accumulate]


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.__name__ for p in PROGRAMS])
def test_grad_is_never_a_users_tensor_as_in_pytorch(program):
    ours, theirs = program(aw), program(torch)
    assert ours == theirs


def test_a_view_of_the_seed_is_copied_where_pytorch_shares_it():
    """ViewBackward0 sends a new tensor viewing the user's seed. PyTorch counts references, finds one, and
    takes it: its x.grad then changes with the seed. Ours copies it (it is no gradient the engine made)."""
    def program(T):
        x = T.ones(2, 2, requires_grad=True)
        g = T.tensor([1.0, 2.0, 3.0, 4.0])
        x.view(4).backward(g)
        g.mul_(0)
        return _values(x.grad)
    assert program(aw) == [[1.0, 2.0], [3.0, 4.0]]
    assert program(torch) == [[0.0, 0.0], [0.0, 0.0]]  # the difference this test documents


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_no_grad_shares_memory_with_the_seed_the_inputs_or_another_grad(case):
    """Over the whole op table: after out.backward(v), every leaf's .grad owns memory that neither v,
    nor any input, nor any other leaf's .grad sees (a built-in backward returns new tensors or its
    incoming gradients, and the engine copies what it does not own)."""
    _, fn, _, _ = case
    leaves = [make(aw, a) for a in arrays(case)]
    out = fn(aw, *leaves)
    v = make(aw, np.random.default_rng(3).standard_normal(tuple(out.shape)), requires_grad=False)
    out.backward(v)
    grads = [leaf.grad._data for leaf in leaves if leaf.grad is not None]
    users = [v._data] + [leaf._data for leaf in leaves]
    for i, g in enumerate(grads):
        assert not any(np.shares_memory(g, u) for u in users)
        assert not any(np.shares_memory(g, h) for h in grads[i + 1:])


def test_linear_gradients_are_taken_without_a_copy_and_share_nothing(monkeypatch):
    """nn.Linear's weight gradient arrives as a view (the transpose, through TBackward0, of the product
    made in this backward) and its bias gradient as a reshaped sum: the engine owns both, so the leaves
    take them as they are (PyTorch's use count is 1 there too); what a user holds is still never shared."""
    from autograd_widgets.node import AccumulateGrad
    taken = {}
    accumulate = AccumulateGrad.accumulate

    def spy(self, grad, create_graph, owned=False):
        taken[id(self.variable)] = owned
        return accumulate(self, grad, create_graph, owned)
    monkeypatch.setattr(AccumulateGrad, "accumulate", spy)
    aw.manual_seed(0)
    lin = aw.nn.Linear(4, 3)
    x = aw.randn(5, 4)
    v = aw.randn(5, 3)
    out = lin(x)
    out.backward(v)
    assert taken == {id(lin.weight): True, id(lin.bias): True}
    users = [x._data, v._data, out._data, lin.weight._data, lin.bias._data]
    for g in (lin.weight.grad._data, lin.bias.grad._data):
        assert not any(np.shares_memory(g, u) for u in users)
    assert not np.shares_memory(lin.weight.grad._data, lin.bias.grad._data)
    tx, tv = torch.tensor(x.tolist()), torch.tensor(v.tolist())
    tl = torch.nn.Linear(4, 3)
    with torch.no_grad():
        tl.weight.copy_(torch.tensor(lin.weight.tolist()))
        tl.bias.copy_(torch.tensor(lin.bias.tolist()))
    tl(tx).backward(tv)
    np.testing.assert_allclose(lin.weight.grad.tolist(), tl.weight.grad.tolist(), rtol=1e-6)
    np.testing.assert_allclose(lin.bias.grad.tolist(), tl.bias.grad.tolist(), rtol=1e-6)


def through_transpose(T):
    """TBackward0 sends a view of the user's seed: it is copied, whatever owns what further up."""
    x = T.ones(2, 3, requires_grad=True)
    g = T.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    x.t().backward(g)
    g.mul_(0)
    return _values(x.grad)


def transpose_hook_keeps_it(T):
    """A hook on the TBackward0 node sees the gradient it passes on: the leaf's .grad is a copy."""
    x = T.ones(3, 2, requires_grad=True)
    w = T.ones(2, 2, requires_grad=True)
    y = x.t()
    kept = []
    y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: kept.append(grad_inputs[0]))
    (w @ y).sum().backward()
    kept[0].mul_(0)
    return _values(x.grad)


def transpose_used_twice(T):
    """x.t() feeding two products: the engine's own sum reaches x, owned; x.grad is right."""
    x = T.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.t()
    (y @ T.ones(2, 2) + (y * 2)).sum().backward()
    return _values(x.grad)


@pytest.mark.parametrize("program", [through_transpose, transpose_hook_keeps_it, transpose_used_twice],
                         ids=lambda p: p.__name__)
def test_a_view_node_passes_ownership_on_only_as_pytorch_would_share(program):
    assert program(aw) == program(torch)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_leafs_grad_is_never_a_view_as_in_pytorch(case):
    """PyTorch's AccumulateGrad keeps `grad.detach()`, so `.grad` is no view even where the gradient arrived as
    one (a broadcast bias's reshaped sum, a transposed product); autograd.grad returns what arrived."""
    _, fn, _, _ = case
    views = {}
    for T in (aw, torch):
        leaves = [make(T, a) for a in arrays(case)]
        out = fn(T, *leaves)
        v = make(T, np.random.default_rng(3).standard_normal(tuple(out.shape)), requires_grad=False)
        out.backward(v)
        views[T.__name__] = [leaf.grad._is_view() for leaf in leaves if leaf.grad is not None]
    assert views["autograd_widgets"] == views["torch"]
    assert not any(views["torch"])


def test_linear_and_bias_grads_are_no_views_but_autograd_grad_keeps_the_view():
    def program(T):
        T.manual_seed(0)
        lin = T.nn.Linear(4, 3)
        lin(T.randn(5, 4)).tanh().sum().backward()
        b = T.randn(3, requires_grad=True)
        g, = T.autograd.grad((T.randn(2, 3) * b).sum(), b)
        return lin.weight.grad._is_view(), lin.bias.grad._is_view(), lin.weight.grad.stride(), g._is_view()
    assert program(aw) == program(torch) == (False, False, (4, 1), True)
