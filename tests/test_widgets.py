"""Widgets driven through their traits and buttons, as a user's drags and clicks drive them."""
import json
import re

import numpy as np
import pytest

import autograd_widgets as aw
from test_graph import seed000

MODULES = ["autograd_widgets", "torch"]


def seed_playground(T):
    a, b, out = seed000(T)
    return a, aw.BackwardPlayground(out, names={"a": a, "b": b, "out": out})


@pytest.mark.parametrize("module", MODULES)
def test_playground_fresh_mode_shows_vjp_while_dragging(module):
    T = pytest.importorskip(module)
    a, p = seed_playground(T)
    assert [s.description for s in p.sliders] == ["v[0,0]", "v[0,1]"]
    assert p.grads == {"a": [[10.0, 98.0]]}                 # v = [1, 1]
    for value in np.linspace(1.0, 2.0, 11):                 # a drag from 1 to 2: many events, no click
        p.sliders[1].value = float(value)
    assert p.grads == {"a": [[12.0, 194.0]]}
    assert "[[12, 194]]" in p.grad_table.value
    p.sliders[0].value, p.sliders[1].value = 0.0, 1.0
    assert p.grads == {"a": [[2.0, 96.0]]}                  # one-hot v: a row of J
    np.testing.assert_array_equal(a.grad.detach().numpy(), [[2.0, 96.0]])   # the real .grad, not a copy
    assert p.history == [] and p.error == ""


@pytest.mark.parametrize("module", MODULES)
def test_playground_accumulates_only_on_the_button(module):
    T = pytest.importorskip(module)
    a, p = seed_playground(T)
    p.mode = "accumulate"
    assert p.grads == {"a": None}
    p.sliders[1].value = 1.5
    p.sliders[1].value = 1.0                                 # dragging adds nothing in this mode
    assert p.grads == {"a": None}
    p.backward_button.click()
    p.backward_button.click()
    assert p.grads == {"a": [[20.0, 196.0]]}
    assert [h["grads"]["a"] for h in p.history] == [[[10.0, 98.0]], [[20.0, 196.0]]]
    assert p.history[0]["v"] == [[[1.0, 1.0]]] and p.history[0]["call"] == "backward"
    assert "196" in p.history_html.value
    p.zero_button.click()
    assert p.grads == {"a": None} and p.history[-1] == {"call": "zero_grad", "v": None, "grads": {"a": None},
                                                        "error": ""}
    assert a.grad is None


@pytest.mark.parametrize("module", MODULES)
def test_playground_without_retain_graph_shows_pytorchs_error_in_the_widget(module):
    T = pytest.importorskip(module)
    a, p = seed_playground(T)
    p.mode = "accumulate"
    p.retain_graph = False
    p.backward()
    assert p.error == ""
    p.backward()
    assert "Trying to backward through the graph a second time" in p.error
    assert "[autograd_widgets]" in p.error and "retain_graph=True" in p.error and "Traceback" not in p.error
    assert "backward through the graph a second time" in p.error_html.value
    assert p.history[-1]["error"] == p.error and p.history[-1]["grads"] == {"a": [[10.0, 98.0]]}
    np.testing.assert_array_equal(a.grad.detach().numpy(), [[10., 98.]])  # the failed call added nothing
    freed = {p.view.drawn.nodes[i].title for i in p.view.freed}
    assert {"MulBackward0", "PowBackward0"} <= freed           # the buffers the first backward released


def test_playground_freed_marks_appear_after_the_first_backward():
    a, p = seed_playground(aw)
    p.mode = "accumulate"
    p.retain_graph = False
    assert p.view.freed == []
    p.backward()
    assert len(p.view.freed) == 3                            # MulBackward0 and the two PowBackward0


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")   # PyTorch's (and our) warning
@pytest.mark.parametrize("module", MODULES)
def test_playground_inputs_pick_the_leaves_and_create_graph_draws_the_grads_graph(module):
    T = pytest.importorskip(module)
    x = T.tensor(2.0, requires_grad=True)
    z = T.tensor(3.0, requires_grad=True)
    y = x ** 2 * z
    p = aw.BackwardPlayground(y, inputs=[x], names={"x": x, "z": z})
    assert [s.description for s in p.sliders] == ["v"]
    assert p.grads == {"x": 12.0} and z.grad is None
    p.sliders[0].value = 0.5
    assert p.grads == {"x": 6.0}
    assert p.grad_view is None
    p.create_graph = True                                    # fresh mode: recomputed with the graph kept
    assert x.grad.grad_fn is not None and p.grad_view is not None
    assert "x.grad" in {n.title for n in p.grad_view.graph.nodes.values()}
    gx, = T.autograd.grad(x.grad, z)                         # the gradient can be differentiated again
    assert float(gx) == pytest.approx(2 * 2.0 * 0.5)
    p.create_graph = False
    assert p.grad_view is None


def test_playground_matches_finite_differences():
    rng = np.random.default_rng(0)
    x0, w0 = rng.normal(size=(3,)), rng.normal(size=(2, 3))
    x = aw.tensor(x0, dtype=aw.float64, requires_grad=True)
    w = aw.tensor(w0, dtype=aw.float64, requires_grad=True)
    y = (w @ x.sin()).tanh()
    p = aw.BackwardPlayground(y, names={"x": x, "w": w})
    v = [0.7, -1.3]
    for s, value in zip(p.sliders, v):
        s.value = value

    def f(x_, w_):
        return np.tanh(w_ @ np.sin(x_)) @ np.array(v)

    eps = 1e-6
    fd_x = [(f(x0 + eps * e, w0) - f(x0 - eps * e, w0)) / (2 * eps) for e in np.eye(3)]
    fd_w = [[(f(x0, w0 + eps * E) - f(x0, w0 - eps * E)) / (2 * eps)
             for E in np.eye(6)[k].reshape(-1, 2, 3)] for k in range(6)]
    np.testing.assert_allclose(p.grads["x"], fd_x, rtol=1e-6)
    np.testing.assert_allclose(np.ravel(p.grads["w"]), np.ravel(fd_w), rtol=1e-6)


def test_playground_with_several_outputs_has_a_slider_per_element_of_each():
    torch = pytest.importorskip("torch")
    for T in (aw, torch):
        a = T.tensor([1., 2.], requires_grad=True)
        y1, y2 = a * 3, (a * a).sum()
        p = aw.BackwardPlayground([y1, y2], names={"a": a, "y1": y1, "y2": y2})
        assert len(p.sliders) == 3
        p.sliders[2].value = 2.0                              # v for y2
        assert p.grads == {"a": [3.0 + 2 * 2 * 1.0, 3.0 + 2 * 2 * 2.0]}


def test_playground_shows_bad_input_as_a_plain_message():
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        aw.BackwardPlayground(aw.ones(2))
    a, p = seed_playground(aw)
    with pytest.raises(ValueError, match="'fresh' or 'accumulate'"):
        p.mode = "sum"


def test_graph_view_patches_labels_and_fills_the_panel():
    a, b, out = seed000(aw)
    view = aw.show(out, names={"a": a, "out": out})
    sent = []
    view.send = sent.append                                  # what would travel to the browser
    leaf = view.graph.leaves()[0]
    assert view.labels[leaf.id][2].strip() == "grad None"
    out.backward(aw.ones(1, 2), retain_graph=True)
    view.refresh()
    assert sent == [{"type": "labels", "labels": {leaf.id: ["a", view.labels[leaf.id][1],
                                                            "grad [[10., 98.]]".ljust(len(view.labels[leaf.id][2]))]}}]
    view.refresh()
    assert len(sent) == 1                                    # nothing changed, nothing sent
    view._on_front_end(view, {"type": "labels?"}, [])        # a view drawn anew asks for every label
    assert sent[-1] == {"type": "labels", "labels": view.labels}
    view.selected = leaf.id                                  # what a click does
    rows = dict(view.details["rows"])
    assert view.details["title"] == "a (leaf tensor)" and rows["grad"] == "[[10., 98.]]" and rows["version"] == "0"
    fn = next(n for n in view.drawn.nodes.values() if n.title == "PowBackward0")
    view.selected = fn.id
    assert dict(view.details["rows"])["saved exponent"] in ("2", "3")


def test_graph_view_payload_is_small_and_the_bundle_rides_once():
    a, b, out = seed000(aw)
    v1, v2 = aw.show(out), aw.show(out * 3)
    state = v1.get_state()
    assert len(json.dumps(state)) < 8_000                     # DOT and a loader, not the ~800 KB bundle
    assert len(state["_esm"]) < 1_000
    assert v1.runtime is v2.runtime and len(v1.runtime.get_state()["_esm"]) > 100_000


def test_graph_view_update_keeps_the_layout_when_the_structure_is_the_same():
    x = aw.tensor([1., 2.], requires_grad=True)
    view = aw.show(x * 2, names={"x": x})
    dot = view.dot
    view.update([x * 5], names={"x": x})
    assert view.dot == dot and view.labels["n0"][1].startswith("data [5., 10.]")
    view.update([x.exp()], names={"x": x})
    assert "ExpBackward0" in view.dot


def test_reprs_are_stable_text():
    a, b, out = seed000(aw)
    p = aw.BackwardPlayground(out, names={"a": a})
    texts = [repr(aw.show(out, names={"a": a})), repr(p), repr(aw.JacobianExplorer(out, a)),
             repr(aw.BackwardStepper(out, aw.ones(1, 2), names={"a": a}))]
    assert texts == ["GraphView(18 nodes: 1 tensor, 1 leaf, 15 fn, 1 accumulate)",
                     "BackwardPlayground(2 sliders, mode='fresh', a.grad=[[10, 98]])",
                     "JacobianExplorer(2x2 Jacobian, v=[1.0, 0.0])",
                     "BackwardStepper(16 steps, at step 0)"]
    for widget in (p, p.view):
        bundle = widget._repr_mimebundle_()
        text = (bundle[0] if isinstance(bundle, tuple) else bundle)["text/plain"]
        assert not re.search(r"0x[0-9a-f]+|[0-9a-f]{32}", text)


def _fd_jacobian(f, x0, eps=1e-6):
    cols = []
    for e in np.eye(x0.size):
        cols.append((f(x0 + eps * e.reshape(x0.shape)) - f(x0 - eps * e.reshape(x0.shape))).ravel() / (2 * eps))
    return np.array(cols).T


def test_jacobian_explorer_rows_one_hot_and_vjp():
    a, b, out = seed000(aw)
    j = aw.JacobianExplorer(out, a)
    a0 = np.array([[2., 4.]])
    expected = _fd_jacobian(lambda x: 2 * np.array([x[0, 0] ** 2 + x[0, 1], x[0, 1] ** 3 + x[0, 0]]), a0)
    np.testing.assert_allclose(j.jacobian, expected, rtol=1e-5)
    j.one_hot.value = 1
    assert j.v() == [0.0, 1.0] and j.vjp() == pytest.approx([2.0, 96.0])
    assert "aw-selected" in j.matrix.value and "96" in j.on_input.value
    j.sliders[0].value = 1.0
    assert j.vjp() == pytest.approx([10.0, 98.0])            # what out.backward([[1, 1]]) puts into a.grad
    assert a.grad is None                                    # exploring touches no .grad


def test_jacobian_explorer_agrees_with_pytorch():
    torch = pytest.importorskip("torch")
    x0 = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]], dtype=torch.float64)
    f = lambda T, x: (x.sin() * x.sum(0)).tanh()             # noqa: E731
    theirs = torch.autograd.functional.jacobian(lambda x: f(torch, x), x0).reshape(6, 6).tolist()
    for T in (aw, torch):
        x = T.tensor(x0.tolist(), dtype=T.float64, requires_grad=True)
        np.testing.assert_allclose(aw.JacobianExplorer(f(T, x), x).jacobian, theirs, rtol=1e-12)


@pytest.mark.parametrize("module", MODULES)
def test_stepper_replays_the_engines_order_and_frees_as_it_goes(module):
    T = pytest.importorskip(module)
    a = T.tensor([1., 2.], requires_grad=True)
    c = (a * 2 + a.exp()).sum()
    s = aw.BackwardStepper(c, names={"a": a})
    twin = aw.tensor([1., 2.], requires_grad=True)
    with aw.engine.observe() as trace:                       # the same program, run by this core's engine
        (twin * 2 + twin.exp()).sum().backward()
    assert [st["name"] for st in s.steps] == [type(t.node).__name__ for t in trace.steps]
    assert [st["name"] for st in s.steps] == ["SumBackward0", "AddBackward0", "ExpBackward0", "MulBackward0",
                                              "AccumulateGrad"]
    np.testing.assert_allclose(a.grad.detach().numpy(), 2 + np.exp([1., 2.]), rtol=1e-6)   # a real backward
    leaf = s.view.graph.leaves()[0].id
    assert s.view.labels[leaf][2].strip() == "grad None"     # before any step
    s.next()
    assert s.view.marks[s.steps[0]["node"]] == "current" and "SumBackward0" in s.panel.value
    assert s.view.freed == []
    s.next(), s.next()                                       # AddBackward0, ExpBackward0
    exp_id = s.steps[2]["node"]
    assert s.view.freed == [exp_id]                          # ExpBackward0's saved result is gone
    assert s.steps[1]["edges"][0]["grad"] == "[1., 1.]"
    s.run_to_end()
    assert s.view.labels[leaf][2].strip() == "grad [4.718, 9.389]" and "AccumulateGrad adds" in s.panel.value
    s.previous()
    assert s.position == 4 and s.view.labels[leaf][2].strip() == "grad None"
    if module == "autograd_widgets":
        assert [r["name"] for r in s.steps[0]["ready"]] == ["AddBackward0"]
        assert {w["name"]: w["count"] for w in s.steps[1]["waiting"]} == {"AccumulateGrad": 2}
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        c.backward()                                         # retain_graph defaults to False, as in PyTorch


def test_stepper_can_keep_the_graph():
    a = aw.tensor([1., 2.], requires_grad=True)
    c = (a * a).sum()
    s = aw.BackwardStepper(c, retain_graph=True)
    s.run_to_end()
    assert s.view.freed == []
    c.backward()
    np.testing.assert_array_equal(a.grad.numpy(), [4., 8.])


def test_stepper_marks_every_copy_of_a_shared_weight():
    from test_graph import rnn
    y, w, u = rnn(aw, 12)
    s = aw.BackwardStepper(y, names={"w": w, "u": u})
    s.run_to_end()
    last_acc = max(i for i, st in enumerate(s.steps) if st["name"] == "AccumulateGrad")
    s.position = last_acc
    s.next()
    copies = [n.id for n in s.view.drawn.nodes.values() if n.copy_of == s.steps[last_acc]["node"]]
    assert copies and all(s.view.marks[c] == "current" for c in copies)
    w_lines = [s.view.labels[n.id] for n in s.view.drawn.leaves() if n.ref is w]
    assert len(w_lines) > 1 and all(lines == w_lines[0] for lines in w_lines)
    assert w_lines[0][2].strip() == "grad " + aw.graph.values(w.grad)


@pytest.mark.parametrize("module", MODULES)
def test_playground_names_a_models_parameters_by_their_path(module):
    T = pytest.importorskip(module)
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(2, 2), T.nn.Tanh(), T.nn.Linear(2, 1))
    loss = model(T.ones(3, 2)).sum()
    p = aw.BackwardPlayground(loss, names=model)
    assert sorted(p.input_names) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    assert set(p.grads) == {"0.weight", "0.bias", "2.weight", "2.bias"}
