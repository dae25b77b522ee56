"""Widgets driven through their traits and buttons, as a user's clicks would drive them."""
import numpy as np
import pytest

import autograd_widgets as aw
from test_graph import seed000


def playground(T):
    a, b, out = seed000(T)
    return a, aw.BackwardPlayground(out, names={"a": a, "b": b, "out": out})


@pytest.mark.parametrize("module", ["autograd_widgets", "torch"])
def test_playground_shows_vjp_live_and_accumulates(module):
    T = pytest.importorskip(module)
    a, p = playground(T)
    assert p.grads == {"a": [[10.0, 98.0]]}                 # v = [1, 1]
    p.sliders[1].value = 2.0
    assert p.grads == {"a": [[12.0, 194.0]]}                # v = [1, 2], no click
    p.sliders[0].value, p.sliders[1].value = 0.0, 1.0
    assert p.grads == {"a": [[2.0, 96.0]]}                  # one-hot: a row of J
    for _ in range(5):                                       # however often it fires, no accumulation
        p.sliders[1].value = 1.0
    assert p.grads == {"a": [[2.0, 96.0]]}
    p.sliders[0].value = 1.0
    p.mode = "accumulate"
    p.backward_button.click()
    p.backward_button.click()
    assert p.grads == {"a": [[20.0, 196.0]]}
    assert [h["grads"]["a"] for h in p.history] == [[[10.0, 98.0]], [[20.0, 196.0]]]
    assert "20" in p.grad_table.value and "196" in p.grad_table.value
    p.zero_button.click()
    assert p.grads == {"a": None} and p.history == []


def test_playground_without_retain_graph_shows_pytorchs_error():
    a, p = playground(aw)
    p.mode = "accumulate"
    p.retain_graph = False
    p.backward()
    assert p.error == ""
    p.backward()
    assert "Trying to backward through the graph a second time" in p.error
    assert "[autograd_widgets]" in p.error and "Traceback" not in p.error
    assert "backward through the graph" in p.error_html.value
    assert p.view.freed, "freed saved tensors are marked in the graph"
    np.testing.assert_array_equal(a.grad.numpy(), [[10., 98.]])  # the failed call added nothing


def test_playground_inputs_and_create_graph():
    x = aw.tensor(2.0, requires_grad=True)
    z = aw.tensor(3.0, requires_grad=True)
    y = x ** 2 + z ** 3
    p = aw.BackwardPlayground(y, inputs=[x], names={"x": x, "z": z})
    assert p.grads == {"x": 4.0} and z.grad is None
    p.mode = "accumulate"
    p.create_graph = True
    p.backward()
    assert x.grad.grad_fn is not None  # the gradient is itself part of a graph now
    assert x.grad.item() == 4.0


def test_graph_view_updates_labels_and_details():
    a, b, out = seed000(aw)
    view = aw.show(out, names={"a": a, "out": out})
    leaf = next(n for n in view.graph.nodes.values() if n.kind == "leaf")
    assert view.labels[leaf.id][-1].strip() == "grad None"
    out.backward(aw.ones(1, 2), retain_graph=True)
    view.refresh()
    assert view.labels == {leaf.id: ["a", "data [[2., 4.]]".ljust(22), "grad [[10., 98.]]".ljust(22)]}
    view.selected = leaf.id
    assert ["grad", "[[10., 98.]]"] in view.details["rows"]
    assert repr(view).startswith("GraphView(") and "0x" not in repr(view)


def test_jacobian_explorer_rows_and_vjp():
    a, b, out = seed000(aw)
    j = aw.JacobianExplorer(out, a)
    assert j.jacobian == [[8.0, 2.0], [2.0, 96.0]]          # d b_i / d a_j times 2
    j.one_hot.value = 1
    assert j.v() == [0.0, 1.0] and j.vjp() == [2.0, 96.0]
    j.sliders[0].value = 1.0
    assert j.vjp() == [10.0, 98.0]                            # what out.backward([[1, 1]]) gives
    assert "96" in j.matrix.value


def test_stepper_order_is_the_engines_order():
    a = aw.tensor([1., 2.], requires_grad=True)
    c = (a * 2 + a.exp()).sum()
    s = aw.BackwardStepper(c)
    with aw.engine.observe() as trace:
        c.backward(retain_graph=True)
    assert [st["name"] for st in s.steps] == [type(t.node).__name__ for t in trace.steps]
    s.next()
    assert s.view.highlight == s.steps[0]["node"] and "SumBackward0" in s.panel.value
    s.run_to_end()
    assert "AccumulateGrad adds" in s.panel.value
    s.previous()
    assert s.position == len(s.steps) - 1
