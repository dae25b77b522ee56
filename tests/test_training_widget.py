"""TrainingLoop driven through its Python API and its controls, checked against hand-written loops.

The reference loops below are the four lines of PyTorch's "Neural Networks" tutorial
(zero_grad, forward + loss, backward, step), written out by hand on real PyTorch; the gradients
that add up without zero_grad are checked against the regression's derivative computed in NumPy.
"""
import re

import numpy as np
import pytest
from leaks import bytes_left_after_closing
from ipywidgets.widgets.widget import _instances  # ipywidgets 8's registry of open widgets

import autograd_widgets as aw
from autograd_widgets.widgets.loss_curve import loss_curve_svg

MODULES = ["autograd_widgets", "torch"]


def regression(T, n=8):
    """y = 2x + 1 with seeded noise, in two batches; a Linear(1, 1) initialised from the same seed."""
    T.manual_seed(0)
    x = T.linspace(-1, 1, n).reshape(-1, 1)
    y = 2 * x + 1 + 0.1 * T.randn(n, 1)
    model = T.nn.Linear(1, 1)
    return model, [(x[:n // 2], y[:n // 2]), (x[n // 2:], y[n // 2:])]


def small_net(T):
    """Two inputs, a hidden tanh layer of 4, one output: every gradient is a real product of layers."""
    T.manual_seed(1)
    x = T.randn(12, 2)
    y = (x[:, :1] * 3 - x[:, 1:] ** 2).detach()
    model = T.nn.Sequential(T.nn.Linear(2, 4), T.nn.Tanh(), T.nn.Linear(4, 1))
    return model, [(x[:4], y[:4]), (x[4:8], y[4:8]), (x[8:], y[8:])]


OPTIMIZERS = {
    "SGD": lambda T, ps: T.optim.SGD(ps, lr=0.1),
    "SGD momentum": lambda T, ps: T.optim.SGD(ps, lr=0.05, momentum=0.9),
    "Adam": lambda T, ps: T.optim.Adam(ps, lr=0.05),
}


def by_hand(torch, make, optimizer, schedule):
    """The loop written out in PyTorch: one dict per step, as TrainingLoop.history keeps them."""
    model, batches = make(torch)
    opt = OPTIMIZERS[optimizer](torch, model.parameters())
    loss_fn = torch.nn.MSELoss()
    history = []
    for k, zero in enumerate(schedule):
        x, y = batches[k % len(batches)]
        if zero:
            opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        grads = {n: p.grad.detach().numpy().copy() for n, p in model.named_parameters()}
        opt.step()
        history.append({"loss": loss.item(), "grads": grads,
                        "params": {n: p.detach().numpy().copy() for n, p in model.named_parameters()}})
    return history


def widget_run(T, make, optimizer, schedule):
    model, batches = make(T)
    loop = aw.TrainingLoop(model, T.nn.MSELoss(), OPTIMIZERS[optimizer](T, model.parameters()), batches)
    for zero in schedule:
        loop.zero_grad_each_step = zero
        loop.step()
    return loop


def assert_same_steps(ours, theirs, rtol):
    assert len(ours) == len(theirs)
    for k, (a, b) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(a["loss"], b["loss"], rtol=rtol, err_msg=f"loss of step {k + 1}")
        for part in ("grads", "params"):
            assert a[part].keys() == b[part].keys()
            for name in a[part]:
                np.testing.assert_allclose(np.array(a[part][name]), b[part][name], rtol=rtol, atol=rtol,
                                           err_msg=f"{part}[{name}] after step {k + 1}")


# --- the loop is PyTorch's loop --------------------------------------------------------------------
@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("schedule", [[True] * 6, [False] * 6, [True, True, False, False, False, True]],
                         ids=["zero_grad", "no_zero_grad", "switched"])
def test_this_cores_loop_matches_the_loop_written_by_hand_in_pytorch(optimizer, schedule):
    torch = pytest.importorskip("torch")
    loop = widget_run(aw, small_net, optimizer, schedule)
    assert [h["zero_grad"] for h in loop.history] == schedule
    assert_same_steps(loop.history, by_hand(torch, small_net, optimizer, schedule), rtol=2e-5)


@pytest.mark.parametrize("schedule", [[True] * 5, [False] * 5], ids=["zero_grad", "no_zero_grad"])
def test_on_a_pytorch_model_the_widget_does_exactly_what_the_hand_written_loop_does(schedule):
    torch = pytest.importorskip("torch")
    loop = widget_run(torch, small_net, "SGD momentum", schedule)
    assert_same_steps(loop.history, by_hand(torch, small_net, "SGD momentum", schedule), rtol=0)  # bit for bit
    assert isinstance(loop.view, aw.GraphView) and "MseLossBackward0" in {n.title for n in loop.view.graph.nodes.values()}
    assert {"0.weight", "2.bias"} <= {n.name for n in loop.view.graph.leaves()}   # parameters named by path


@pytest.mark.parametrize("module", MODULES)
def test_without_zero_grad_each_grad_is_the_sum_of_every_steps_own_gradient(module):
    """Each step's own gradient is the regression's derivative at the parameters that step started from:
    d/dw mean((w x + b - y)²) = mean(2 (w x + b - y) x), d/db = mean(2 (w x + b - y))."""
    T = pytest.importorskip(module)
    model, batches = regression(T)
    w, b = model.weight.item(), model.bias.item()
    loop = aw.TrainingLoop(model, T.nn.MSELoss(), T.optim.SGD(model.parameters(), lr=0.1), batches)
    loop.zero_grad_each_step = False
    loop.run(5)
    total = np.zeros(2)
    for k, h in enumerate(loop.history):
        x, y = (t.numpy().ravel().astype(np.float64) for t in batches[k % 2])
        r = w * x + b - y
        total += [np.mean(2 * r * x), np.mean(2 * r)]        # this step's own gradient, added to the others
        np.testing.assert_allclose([np.array(h["grads"]["weight"]).item(), h["grads"]["bias"][0]], total, rtol=1e-5)
        w, b = np.array(h["params"]["weight"]).item(), h["params"]["bias"][0]
        # SGD stepped along the sum, not along this step's gradient:
        assert not h["zero_grad"]
    assert "sum of the last 5 backwards" in loop.table.value


@pytest.mark.parametrize("module", MODULES)
def test_with_zero_grad_each_grad_is_that_steps_gradient_alone(module):
    T = pytest.importorskip(module)
    model, batches = regression(T)
    w, b = model.weight.item(), model.bias.item()
    loop = aw.TrainingLoop(model, T.nn.MSELoss(), T.optim.SGD(model.parameters(), lr=0.1), batches)
    loop.run(4)
    for k, h in enumerate(loop.history):
        x, y = (t.numpy().ravel().astype(np.float64) for t in batches[k % 2])
        r = w * x + b - y
        own = [np.mean(2 * r * x), np.mean(2 * r)]
        np.testing.assert_allclose([np.array(h["grads"]["weight"]).item(), h["grads"]["bias"][0]], own, rtol=1e-5)
        np.testing.assert_allclose(h["loss"], np.mean(r ** 2), rtol=1e-5)
        w, b = w - 0.1 * own[0], b - 0.1 * own[1]                # SGD: p - lr * grad
        np.testing.assert_allclose([np.array(h["params"]["weight"]).item(), h["params"]["bias"][0]], [w, b], rtol=1e-5)


def test_the_checkbox_and_the_property_are_one_setting():
    model, batches = regression(aw)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), batches)
    assert loop.zero_grad_each_step is True and loop.zero_box.value is True
    loop.zero_box.value = False                              # the learner unticks it
    assert loop.zero_grad_each_step is False
    loop.step_button.click()
    loop.step_button.click()
    assert [h["zero_grad"] for h in loop.history] == [False, False]
    loop.zero_grad_each_step = True
    assert loop.zero_box.value is True
    loop.step()
    assert loop.history[-1]["zero_grad"] is True and "zero_grad ran before its backward" in loop.table.value


# --- learning rate -------------------------------------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
def test_the_lr_slider_sets_the_optimizers_lr_and_the_next_step_uses_it(module):
    T = pytest.importorskip(module)
    model, batches = regression(T)
    start = {name: p.detach().numpy().copy() for name, p in model.named_parameters()}
    opt = T.optim.SGD(model.parameters(), lr=0.1)
    loop = aw.TrainingLoop(model, T.nn.MSELoss(), opt, batches)
    assert loop.lr_slider.value == pytest.approx(0.1)
    loop.lr_slider.value = 0.003                             # a drag
    assert opt.param_groups[0]["lr"] == pytest.approx(0.003)
    loop.step()
    h = loop.history[-1]
    for name in ("weight", "bias"):
        np.testing.assert_allclose(np.array(h["params"][name]),
                                   start[name] - 0.003 * np.array(h["grads"][name]), rtol=1e-6)
    loop.lr = 50.0                                           # beyond the slider's range: the range widens
    assert opt.param_groups[0]["lr"] == 50.0 and loop.lr_slider.value == 50.0 and 10 ** loop.lr_slider.max >= 50
    opt.param_groups[0]["lr"] = 0.02                         # changed behind the widget's back (a scheduler)
    loop.step()
    assert loop.lr_slider.value == pytest.approx(0.02) and opt.param_groups[0]["lr"] == 0.02
    for bad in (0, -1.0, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="positive learning rate"):
            loop.lr = bad
    assert opt.param_groups[0]["lr"] == 0.02


# --- history and batches -------------------------------------------------------------------------
class Unused(aw.nn.Module):
    """A model with a parameter its forward never uses: that parameter gets no gradient."""

    def __init__(self):
        super().__init__()
        self.fc = aw.nn.Linear(3, 2)
        self.spare = aw.nn.Parameter(aw.ones(2))

    def forward(self, x):
        return self.fc(x)


def test_history_holds_a_float_loss_and_nested_lists_by_parameter_path():
    aw.manual_seed(3)
    model = Unused()
    x, y = aw.randn(5, 3), aw.randn(5, 2)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), [(x, y)])
    assert loop.history == []
    loop.run(2)
    assert len(loop.history) == 2
    for h in loop.history:
        assert set(h) == {"loss", "grads", "params", "zero_grad"}
        assert type(h["loss"]) is float and h["zero_grad"] is True
        assert list(h["params"]) == list(h["grads"]) == ["spare", "fc.weight", "fc.bias"]  # named_parameters() order
        assert np.array(h["params"]["fc.weight"]).shape == (2, 3) and np.array(h["grads"]["fc.bias"]).shape == (2,)
        assert h["grads"]["spare"] is None and h["params"]["spare"] == [1.0, 1.0]
    np.testing.assert_allclose(loop.history[-1]["params"]["fc.weight"], model.fc.weight.detach().numpy())
    p = loop.history[0]["params"]                         # step 2's loss is taken at the parameters step 1 left
    pred = x.numpy() @ np.array(p["fc.weight"]).T + np.array(p["fc.bias"])
    np.testing.assert_allclose(loop.history[1]["loss"], np.mean((pred - y.numpy()) ** 2), rtol=1e-6)
    # One step's history is a snapshot: later steps do not change it.
    first = loop.history[0]["params"]["fc.weight"]
    loop.step()
    assert first != loop.history[-1]["params"]["fc.weight"]


def test_a_list_of_batches_goes_round_and_round():
    model, batches = regression(aw)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.0), batches)
    loop.run(5)                                              # lr 0: the same loss for the same batch
    losses = [h["loss"] for h in loop.history]
    assert losses[0] == losses[2] == losses[4] and losses[1] == losses[3] and losses[0] != losses[1]
    assert "step 5 (epoch 3, batch 1 of 2)" in loop.table.value


@pytest.mark.parametrize("module", MODULES)
def test_a_dataloader_is_iterated_again_each_epoch_with_pytorchs_shuffles(module):
    T = pytest.importorskip(module)
    torch = pytest.importorskip("torch")

    def data(L):
        L.manual_seed(5)
        x = L.randn(10, 2)
        y = x.sum(1, keepdim=True)
        model = L.nn.Linear(2, 1)
        loader = L.utils.data.DataLoader(L.utils.data.TensorDataset(x, y), batch_size=4, shuffle=True)
        return model, loader

    model, loader = data(T)
    loop = aw.TrainingLoop(model, T.nn.MSELoss(), T.optim.SGD(model.parameters(), lr=0.1), loader)
    loop.run(7)                                              # 3 batches per epoch: into the third epoch
    assert "step 7 (epoch 3, batch 1 of 3)" in loop.table.value

    model_pt, loader_pt = data(torch)
    opt = torch.optim.SGD(model_pt.parameters(), lr=0.1)
    theirs = []
    while len(theirs) < 7:
        for x, y in loader_pt:
            if len(theirs) == 7:
                break
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(model_pt(x), y)
            loss.backward()
            opt.step()
            theirs.append(loss.item())
    np.testing.assert_allclose([h["loss"] for h in loop.history], theirs, rtol=2e-5)


# --- what is drawn -------------------------------------------------------------------------------
def curve_points(svg):
    points = re.search(r"class='aw-loss-line' points='([^']*)'", svg).group(1).split()
    return [tuple(map(float, p.split(","))) for p in points]


def test_the_loss_curve_is_drawn_with_a_point_per_step_and_lower_loss_lower():
    model, batches = regression(aw)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), batches)
    assert "data-steps='0'" in loop.curve.value
    loop.step()
    loop.run(5)
    points = curve_points(loop.curve.value)
    assert len(points) == 6 and "data-steps='6'" in loop.curve.value
    assert [x for x, _ in points] == sorted(x for x, _ in points)
    losses = [h["loss"] for h in loop.history]
    order = sorted(range(6), key=lambda i: losses[i])        # the smallest loss has the largest y (drawn lowest)
    assert sorted(range(6), key=lambda i: -points[i][1]) == order
    assert f"loss {losses[-1]:.4g}" in loop.curve.value


def test_the_curve_rings_steps_without_zero_grad_and_survives_inf_and_divergence():
    svg = loss_curve_svg([1.0, 0.5, 40.0, 9000.0], [True, True, False, False])
    assert svg.count("aw-no-zero-grad") == 2 and "log scale" in svg      # spans 4 decades
    ys = [y for _, y in curve_points(svg)]
    assert ys[1] - ys[0] == pytest.approx((ys[2] - ys[1]) * np.log10(2) / -np.log10(80), abs=0.15)  # drawn to 0.1 px
    svg = loss_curve_svg([1.0, float("inf"), float("nan")], [True, True, True])
    assert len(curve_points(svg)) == 1 and "2 step(s) gave inf or nan" in svg


def test_the_table_shows_each_parameter_before_grad_and_after_and_summarizes_large_ones():
    aw.manual_seed(0)
    model = aw.nn.Sequential(aw.nn.Linear(4, 8), aw.nn.Linear(8, 1))
    x, y = aw.randn(6, 4), aw.randn(6, 1)
    bias = model[1].bias.item()
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), [(x, y)])
    assert "before the first step" in loop.table.value and f">[{bias:g}]<" in loop.table.value
    loop.step()
    h = loop.history[-1]
    cell = re.search(r"class='aw-grad' data-param='0.weight'>([^<]*)<", loop.table.value).group(1)
    g = np.array(h["grads"]["0.weight"]).ravel()
    assert cell.startswith(f"norm {np.linalg.norm(g):.4g}: [{g[0]:.4g}, ") and cell.endswith("…]")
    small = re.search(r"class='aw-after' data-param='1.bias'>([^<]*)<", loop.table.value).group(1)
    assert small == f"[{h['params']['1.bias'][0]:g}]"
    before = re.search(r"class='aw-before' data-param='1.bias'>([^<]*)<", loop.table.value).group(1)
    assert before == f"[{bias:g}]"


def test_the_graph_is_the_current_losss_and_keeps_its_layout_from_step_to_step():
    model, batches = regression(aw)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), batches)
    assert {n.name for n in loop.view.graph.leaves()} == {"weight", "bias"}   # before the first step
    loop.step()
    dot = loop.view.dot
    assert loop.view.graph.nodes[loop.view.graph.outputs[0]].ref is loop.loss
    loop.run(3)
    assert loop.view.dot == dot                             # same structure: labels patched, no new layout
    weight = next(n for n in loop.view.graph.leaves() if n.name == "weight")
    assert loop.view.labels[weight.id][-1].startswith(f"grad [[{loop.history[-1]['grads']['weight'][0][0]:.4g}")


# --- bad input -----------------------------------------------------------------------------------
def _good(T=aw):
    model, batches = regression(T)
    return model, T.nn.MSELoss(), T.optim.SGD(model.parameters(), lr=0.1), batches


@pytest.mark.parametrize("change, kind, words", [
    (dict(model=lambda x: x), TypeError, "model is a module"),
    (dict(model=aw.nn.ReLU()), ValueError, "has no parameters"),
    (dict(loss_fn="mse"), TypeError, "not callable"),
    (dict(optimizer=None), TypeError, "torch.optim.SGD(model.parameters(), lr=0.1)"),
    (dict(batches=[]), ValueError, "batches is empty"),
    (dict(batches=7), TypeError, "cannot be iterated"),
    (dict(batches=iter([])), TypeError, "runs out after one pass"),
    (dict(batches=(aw.ones(2, 1), aw.ones(2, 1))), TypeError, "not batches=(x, y)"),
    (dict(batches=[(aw.ones(2, 1),)]), TypeError, "batch 0 is a tuple of 1 items, not an (x, y) pair"),
])
def test_bad_input_says_what_to_do_and_leaves_no_widget_open(change, kind, words):
    args = dict(zip(("model", "loss_fn", "optimizer", "batches"), _good()))
    aw.TrainingLoop(**args).close()
    start = len(_instances)
    with pytest.raises(kind) as e:
        aw.TrainingLoop(**{**args, **change})
    assert words in str(e.value)
    assert len(_instances) == start


def test_a_dataloader_of_single_tensors_is_refused_at_the_step_that_meets_it():
    x = aw.ones(4, 1)
    model = aw.nn.Linear(1, 1)
    loader = aw.utils.data.DataLoader(aw.utils.data.TensorDataset(x), batch_size=2)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), loader)
    with pytest.raises(TypeError, match=r"batch 0 is a list of 1 items.*DataLoader\(TensorDataset\(x, y\)\)"):
        loop.step()
    loop.step_button.click()                                 # the button shows it instead of raising
    assert "TypeError: batch 1 is a list of 1 items" in loop.error_html.value and loop.history == []
    empty = aw.utils.data.DataLoader(aw.utils.data.TensorDataset(x[:0], x[:0]), batch_size=2)
    with pytest.raises(ValueError, match="holds no batch"):
        aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), empty)


@pytest.mark.parametrize("module", MODULES)
def test_a_loss_that_is_not_a_scalar_raises_pytorchs_error_with_the_explanation(module):
    T = pytest.importorskip(module)
    torch = pytest.importorskip("torch")
    model, loss_fn, opt, batches = _good(T)
    loop = aw.TrainingLoop(model, T.nn.MSELoss(reduction="none"), opt, batches)
    with pytest.raises(Exception) as theirs:
        torch.ones(2, 1, requires_grad=True).mul(2).backward()
    with pytest.raises(RuntimeError) as e:
        loop.step()
    assert str(e.value).startswith(str(theirs.value) + "\n\n[autograd_widgets] ")
    with pytest.raises(ValueError, match="whole number of steps"):
        loop.run(0)


# --- close() -------------------------------------------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
def test_close_closes_every_widget_inside_and_lets_go_of_the_batches(module):
    T = pytest.importorskip(module)

    def make():
        loop = aw.TrainingLoop(*_good(T))
        loop.run(2)
        return loop

    make().close()                                           # the kernel's shared runtime exists from here on
    start = len(_instances)
    for _ in range(20):
        make().close()
    assert len(_instances) == start
    loop = make()
    loop.close()
    assert loop.view.comm is None and loop.step_button.comm is None and loop.lr_slider.comm is None
    assert loop.view.runtime.comm is not None                # shared by every view: stays open
    assert loop.loss is None and loop.batches._it is None and len(loop.history) == 2


def test_closed_training_loops_free_their_memory():
    def make():
        loop = aw.TrainingLoop(*_good())
        loop.run(2)
        return loop

    grown = bytes_left_after_closing(make)
    assert grown < 1_000_000                                 # each loop left open holds ~100 kB of widgets


def test_the_table_counts_the_backwards_that_grad_sums():
    model, batches = regression(aw)
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), batches)
    loop.zero_grad_each_step = False
    loop.step()                                              # .grad was None: nothing to add to yet
    assert ".grad was empty (None), so it holds this step's gradient alone" in loop.table.value
    loop.run(2)
    assert "sum of the last 3 backwards" in loop.table.value
    loop.zero_grad_each_step = True
    loop.step()
    loop.zero_grad_each_step = False
    loop.step()
    assert "sum of the last 2 backwards" in loop.table.value

    model, batches = regression(aw)
    aw.nn.functional.mse_loss(model(batches[0][0]), batches[0][1]).backward()   # a backward outside the widget
    loop = aw.TrainingLoop(model, aw.nn.MSELoss(), aw.optim.SGD(model.parameters(), lr=0.1), batches)
    loop.zero_grad_each_step = False
    loop.run(2)
    assert "this step's gradient plus what .grad held before" in loop.table.value


@pytest.mark.parametrize("module", MODULES)
def test_the_graph_groups_nodes_by_module_and_a_large_model_starts_collapsed(module):
    T = pytest.importorskip(module)
    T.manual_seed(0)
    small = T.nn.Sequential(T.nn.Linear(2, 3), T.nn.Tanh(), T.nn.Linear(3, 1))
    loop = aw.TrainingLoop(small, T.nn.MSELoss(), T.optim.SGD(small.parameters(), lr=0.1),
                           [(T.randn(4, 2), T.randn(4, 1))])
    loop.step()
    by_module = {n.title: n.module for n in loop.view.graph.nodes.values() if n.kind == "fn"}
    assert by_module["TanhBackward0"] == "1" and loop.view.collapsed == []   # a PyTorch model too: watched
    layers = []
    for _ in range(60):                                      # 60 x (Linear, Tanh): over 400 nodes
        layers += [T.nn.Linear(2, 2), T.nn.Tanh()]
    deep = T.nn.Sequential(*layers)
    loop = aw.TrainingLoop(deep, T.nn.MSELoss(), T.optim.SGD(deep.parameters(), lr=0.1),
                           [(T.randn(4, 2), T.randn(4, 2))])
    loop.step()
    assert len(loop.view.graph.nodes) > loop.view.max_nodes and set(loop.view.collapsed) == set(loop.view.graph.modules)
    dot = loop.view.dot
    loop.step()
    assert loop.view.dot == dot                             # later steps keep the collapsed layout
