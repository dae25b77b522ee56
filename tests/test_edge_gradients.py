"""Gradients on the edges (issue 11 §4): what flowed along each edge in the last backward, on this
core and on PyTorch's own graphs, and the derivative order of nodes a create_graph backward built."""
import random
import shutil
from dataclasses import replace

import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets.graph import to_dot, walk
from autograd_widgets.graph.dot import ORDER_STYLE, edge_label
from autograd_widgets.graph.flow import Flow, describe, edge_text, label_edges, texts
from test_graph import rnn

MODULES = ["autograd_widgets", "torch"]


def program(T):
    """x (2,), w (3, 2) and a broadcast bias b (scalar): y = sum(w @ x + b) * x[0]."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([[1.0, 0.5], [2.0, -1.0], [0.0, 3.0]], requires_grad=True)
    b = T.tensor(0.5, requires_grad=True)
    y = ((w @ x + b).sum()) * x[0]
    return x, w, b, y


def labelled(view):
    """(source title, destination title, gradient text) per drawn edge, in walk order."""
    g = view.drawn
    return [(g.nodes[e.src].title, g.nodes[e.dst].title, e.grad) for e in g.edges]


@pytest.mark.parametrize("module", MODULES)
def test_edges_carry_the_gradients_of_the_backward_the_learner_ran(module):
    T = pytest.importorskip(module)
    x, w, b, y = program(T)
    view = aw.show(y, names={"x": x, "w": w, "b": b}, gradients=True)
    assert all(e.grad == "" for e in view.drawn.edges)          # nothing flowed yet
    y.backward()
    edges = {(s, d): g for s, d, g in labelled(view)}
    # Into each leaf: exactly the .grad its AccumulateGrad received (x's sums two paths).
    assert edges[("AccumulateGrad", "x")] == describe(x.grad) == "[12.5, 2.5]"
    assert edges[("AccumulateGrad", "b")] == "3."               # summed over the broadcast, as received
    assert edges[("AccumulateGrad", "w")] == "3×2"              # 6 numbers: the shape, not values
    assert edges[("output", "MulBackward0")] == "1."            # the seed
    view.close()


def test_this_core_labels_every_edge_as_pytorch_does():
    torch = pytest.importorskip("torch")
    views = []
    for T in (aw, torch):
        x, w, b, y = program(T)
        views.append(aw.show(y, names={"x": x, "w": w, "b": b}, gradients=True))
        y.backward(retain_graph=True)
    assert labelled(views[0]) == labelled(views[1])
    assert all(e.grad for e in views[0].drawn.edges)
    for v in views:
        v.close()


@pytest.mark.parametrize("module", MODULES)
def test_labels_follow_the_last_backward_and_reach_the_front_end(module):
    T = pytest.importorskip(module)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = x * x
    p = aw.BackwardPlayground(y, names={"x": x, "y": y}, gradients=True)
    leaf_edge = next(i for i, e in enumerate(p.view.drawn.edges) if e.kind == "variable")
    assert p.view.drawn.edges[leaf_edge].grad == "[2., 4.]"     # v = [1, 1]: 2x
    p.sliders[1].value = 3.0
    assert p.view.drawn.edges[leaf_edge].grad == "[2., 12.]"    # the latest backward replaces it
    assert "[2., 12.]" in p.view.labels[f"e{leaf_edge}"][0]     # what the browser patches in
    p.close()


@pytest.mark.parametrize("module", MODULES)
def test_closing_the_view_removes_its_hooks(module):
    T = pytest.importorskip(module)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).sum()
    view = aw.show(y, gradients=True)
    y.backward(retain_graph=True)
    before = [e.grad for e in view.drawn.edges]
    view.close()
    (y * 2).backward()                                          # through the same nodes, other gradients
    assert [e.grad for e in view.drawn.edges] == before
    np.testing.assert_allclose(x.grad.detach().numpy(), [9.0, 9.0])


def test_dot_gives_each_edge_a_patchable_label():
    x, w, b, y = program(aw)
    g = walk(y, names={"x": x, "w": w, "b": b})
    flow = Flow()
    flow.watch(g)
    y.backward()
    flow.close()
    changed = label_edges(g, flow)
    assert set(changed) == set(range(len(g.edges)))
    src = to_dot(g, gradients=True).source
    for i, e in enumerate(g.edges):
        assert f'id="aw-e{i}"' in src and e.grad in src
    assert "aw-e0" not in to_dot(g).source                      # off by default: the old drawing
    if shutil.which("dot"):
        svg = to_dot(g, gradients=True).pipe(format="svg").decode()
        assert svg.count('class="edge"') == len(g.edges) and "[12.5, 2.5]" in svg


@pytest.mark.parametrize("module", MODULES)
def test_nodes_built_by_create_graph_backwards_carry_their_derivative_order(module):
    T = pytest.importorskip(module)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    view = aw.show(y, gradients=True)
    (gx,) = T.autograd.grad(y, x, create_graph=True)            # 3x², built by order-1 nodes' backward
    np.testing.assert_allclose(gx.detach().numpy(), [3.0, 12.0])
    first = aw.show(gx, gradients=True)
    orders = {n.title: n.order for n in first.graph.nodes.values()}
    assert orders["PowBackward0"] == 2 and orders["AccumulateGrad"] == 1 and orders["leaf"] == 1
    (ggx,) = T.autograd.grad(gx.sum(), x, create_graph=True)     # 6x: nodes of order 3
    np.testing.assert_allclose(ggx.detach().numpy(), [6.0, 12.0])
    second = walk(ggx)
    assert {n.order for n in second.nodes.values() if n.kind == "fn"} >= {3}
    assert max(n.order for n in second.nodes.values()) == 3
    src = to_dot(first.graph).source
    assert ORDER_STYLE[0]["fillcolor"] in src                   # order 2 drawn in its own colour
    for v in (view, first):
        v.close()


@pytest.mark.parametrize("module", MODULES)
def test_stepper_replays_the_edges_step_by_step_and_ends_where_hooks_do(module):
    T = pytest.importorskip(module)
    x, w, b, y = program(T)
    stepper = aw.BackwardStepper(y, names={"x": x, "w": w, "b": b}, retain_graph=True, gradients=True)
    assert all(e.grad == "" for e in stepper.view.drawn.edges)
    stepper.next()                                              # MulBackward0: y = s * x[0], s = 9.5
    assert {(s, d): g for s, d, g in labelled(stepper.view) if g} == {
        ("output", "MulBackward0"): "1.", ("MulBackward0", "SumBackward0"): "1.",
        ("MulBackward0", "SelectBackward0"): "9.5"}
    stepper.run_to_end()
    replayed = labelled(stepper.view)
    x.grad = w.grad = b.grad = None
    view = aw.show(y, names={"x": x, "w": w, "b": b}, gradients=True)
    y.backward()
    assert replayed == labelled(view)                           # observe()/recorded steps == node hooks
    stepper.close()
    view.close()


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
@pytest.mark.parametrize("module", MODULES)
def test_playground_with_create_graph_draws_the_grads_graph_in_order_two_colours(module):
    T = pytest.importorskip(module)
    x = T.tensor([1.0, 2.0], requires_grad=True)
    y = (x ** 3).sum()
    p = aw.BackwardPlayground(y, names={"x": x}, gradients=True)
    p.create_graph = True                                       # x.grad = 3x² now has a graph of its own
    np.testing.assert_allclose(x.grad.detach().numpy(), [3.0, 12.0])
    orders = {n.title: n.order for n in p.grad_view.graph.nodes.values()}
    assert orders["PowBackward0"] == 2 and orders["AccumulateGrad"] == 1   # built by the backward / the forward's
    assert ORDER_STYLE[0]["fillcolor"] in p.grad_view.dot
    p.grad_view.selected = next(n.id for n in p.grad_view.graph.nodes.values() if n.title == "PowBackward0")
    assert dict(p.grad_view.details["rows"])["derivative order"].startswith("2")
    p.close()


def branching(T):
    """Several branches, a leaf used four times (x), one used twice (w), and a broadcast."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    w = T.tensor([[1.0, 0.5], [2.0, -1.0]], requires_grad=True)
    h = (w @ x).tanh() * x
    y = (h.sum() + (x.exp() * w).sum()) * x[1]
    return y, {"x": x, "w": w}


def second_order(T):
    """A graph a create_graph=True backward built: gx = 3x² + 2x, then out = sum(gx * x)."""
    x = T.tensor([1.0, 2.0], requires_grad=True)
    (gx,) = T.autograd.grad((x ** 3 + x ** 2).sum(), x, create_graph=True)
    return (gx * x).sum(), {"x": x}


def rnn8(T):
    y, w, u = rnn(T, 8)
    return y, {"w": w, "u": u}


def hooked_steps(view, output):
    """(fn, grad_inputs, grad_outputs) per node, in the order a second backward through the same graph
    runs them, from hooks on every node (both engines fire them as each node runs)."""
    steps = []
    handles = [n.ref.register_hook(lambda gi, go, fn=n.ref: steps.append((fn, gi, go))) for n in view.graph.functions()]
    output.backward(retain_graph=True)
    for h in handles:
        h.remove()
    return steps


@pytest.mark.parametrize("make", [branching, second_order, rnn8])
@pytest.mark.parametrize("module", MODULES)
def test_stepper_edges_at_every_position_are_a_flow_rebuilt_from_step_zero(module, make):
    """The stepper moves its edge labels a step at a time (graph/flow.py Replay); at every position,
    forward, backward and after random jumps, they are what the old from-scratch way gives: a Flow of
    the first `position` steps (recorded here again, by hooks) and every drawn edge labelled from it."""
    T = pytest.importorskip(module)
    output, names = make(T)
    stepper = aw.BackwardStepper(output, names=names, retain_graph=True, gradients=True)
    view, drawn = stepper.view, stepper.view.drawn
    steps = hooked_steps(view, output)
    assert [type(fn).__name__ for fn, _, _ in steps] == [s["name"] for s in stepper.steps]

    def from_scratch(position):
        flow = Flow()
        for fn, grad_inputs, grad_outputs in steps[:position]:
            flow.sent[id(fn)], flow.arrived[id(fn)] = texts(grad_inputs, grad_outputs)
        return [edge_text(drawn, e, flow) for e in drawn.edges]

    n = len(stepper.steps)
    jumps = random.Random(0).choices(range(n + 1), k=2 * n)
    for position in [*range(n + 1), *range(n, -1, -1), *jumps, n, 0]:
        stepper.position = position
        want = from_scratch(position)
        assert [e.grad for e in drawn.edges] == want, position
        assert [view.labels[f"e{i}"][0] for i in range(len(drawn.edges))] == [
            edge_label(drawn, replace(e, grad=g)) for e, g in zip(drawn.edges, want)], position  # what the page has
    assert sum(bool(g) for g in from_scratch(n)) > len(drawn.edges) // 2  # the graph's gradients did flow
    stepper.close()
