"""torch.autograd.graph beyond Node and saved-tensor hooks: a hook over several tensors' gradients, gradient
edges as autograd.grad's inputs, increment_version, disable_saved_tensors_hooks (PyTorch's behaviour is
compared in tests/programs_more/docs_autograd_graph_api.py; these need no PyTorch)."""
import numpy as np
import pytest

import autograd_widgets as aw

G = aw.autograd.graph


def test_multi_grad_hook_waits_for_every_gradient_this_backward_computes():
    a, b = aw.rand(2, 3, requires_grad=True), aw.rand(2, 3, requires_grad=True)
    c, d = a * b, a * b
    calls = []
    handle = G.register_multi_grad_hook((a, b, c, d), lambda gs: calls.append([g is not None for g in gs]))
    c.sum().backward(retain_graph=True)
    c.sum().backward(inputs=(a,), retain_graph=True)
    (c + d).sum().backward(retain_graph=True)
    assert calls == [[True, True, True, False], [True, False, True, False], [True, True, True, True]]
    handle.remove()
    c.sum().backward(retain_graph=True)
    assert len(calls) == 3


def test_multi_grad_hook_any_mode_sees_the_first_gradient_once_per_backward():
    a, b = aw.rand(3, requires_grad=True), aw.rand(3, requires_grad=True)
    got = []
    G.register_multi_grad_hook((a, b), lambda g: got.append(g.numpy().copy()), mode="any")
    (a * 2 + b * 3).sum().backward()
    (a * 5).sum().backward()
    assert len(got) == 2 and np.allclose(got[1], 5.0)
    with pytest.raises(ValueError, match="Expects mode to be one of"):
        G.register_multi_grad_hook((a,), print, mode="some")


def test_each_backward_is_a_new_graph_task_for_the_any_hook():
    """Run after run (a freed run's object address comes back at once), "any" fires once per backward, and
    an id is never handed out twice."""
    a = aw.rand(3, requires_grad=True)
    got, ids = [], []
    a.register_hook(lambda g: ids.append(aw.autograd.graph.engine.current_graph_task_id()))
    G.register_multi_grad_hook((a,), lambda g: got.append(1), mode="any")
    for _ in range(50):
        (a * 2).sum().backward()
    assert len(got) == 50 and len(set(ids)) == 50


def test_a_gradient_edge_stands_for_its_tensor_in_autograd_grad():
    x = aw.randn(4, requires_grad=True)
    y = (x * x).exp()
    loss = (y * aw.arange(4.0)).sum()
    edge = G.get_gradient_edge(x)
    assert edge.node.name() == "torch::autograd::AccumulateGrad" and edge.output_nr == 0
    by_tensor = aw.autograd.grad(loss, x, retain_graph=True)[0]
    by_edge = aw.autograd.grad(loss, edge, retain_graph=True)[0]
    assert np.array_equal(by_tensor.numpy(), by_edge.numpy())
    at_y = aw.autograd.grad(loss, G.get_gradient_edge(y), retain_graph=True)[0]
    assert np.array_equal(at_y.numpy(), np.arange(4.0, dtype=np.float32))
    assert list(aw.autograd.grad(loss, {"x": x})) == ["x"]
    with pytest.raises(RuntimeError, match="not possible to get the gradient edge"):
        G.get_gradient_edge(aw.ones(2))


def test_increment_version_makes_a_hidden_in_place_change_an_error():
    w = aw.randn(3, requires_grad=True)
    z = w.exp()
    z.data.mul_(2)
    z.sum().backward(retain_graph=True)  # unseen: the engine used the changed values
    G.increment_version(z)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_disable_saved_tensors_hooks_raises_the_given_message_and_restores():
    with G.disable_saved_tensors_hooks("not here"):
        with pytest.raises(RuntimeError, match="^not here$"):
            with G.save_on_cpu():
                pass
    with G.save_on_cpu():
        pass


def test_allow_mutation_on_saved_tensors_keeps_the_saved_values():
    x = aw.tensor([0.5, 1.0, 2.0], requires_grad=True)
    with G.allow_mutation_on_saved_tensors() as ctx:
        y = x.exp()
        z = (y * y).sum()
        y.mul_(10)  # y is saved twice by mul and once by exp (its result)
        z.backward()
        assert ctx.cloned >= 2
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(2 * np.array([0.5, 1.0, 2.0])), rtol=1e-6)
    with pytest.raises(RuntimeError, match="cannot be nested"):
        with G.allow_mutation_on_saved_tensors():
            with G.allow_mutation_on_saved_tensors():
                pass
    w = aw.ones(3, requires_grad=True)
    v = w.clone()
    out = (v ** 2).sum()
    v.sin_()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):  # outside: the usual error
        out.backward()
