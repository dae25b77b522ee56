"""Widgets under bad input: empty tensors, wrong arguments, values set from Python, and close().

Where PyTorch's backward() refuses the same argument, the widget raises PyTorch's exception type
with PyTorch's words (taken from the installed torch here, not copied), then the explanation.
"""
import inspect
import pickle
import warnings

import numpy as np
import pytest
from leaks import bytes_left_after_closing
import traitlets
from ipywidgets.widgets.widget import _instances  # ipywidgets 8's registry of open widgets

import autograd_widgets as aw
from test_graph import seed000

MODULES = ["autograd_widgets", "torch"]


def pytorch_error(call):
    """The exception type and text PyTorch itself raises for `call(torch)`."""
    torch = pytest.importorskip("torch")
    with pytest.raises(Exception) as e:
        call(torch)
    return type(e.value), str(e.value)


def assert_pytorch_words(excinfo, expected):
    kind, words = expected
    assert excinfo.type is kind
    assert str(excinfo.value).startswith(words + "\n\n[autograd_widgets] ")


# --- JacobianExplorer on tensors with no elements ------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("in_shape, make_out, rows, cols", [
    ((0,), lambda x: x.sum() * 2, 1, 0),                 # empty input, one output: J is 1 x 0
    ((2,), lambda x: x[:0] * 2, 0, 2),                   # empty output: J is 0 x 2
    ((0, 3), lambda x: x * 2, 0, 0),                     # both empty
])
def test_jacobian_explorer_on_empty_tensors_shows_an_empty_jacobian(module, in_shape, make_out, rows, cols):
    T = pytest.importorskip(module)
    x = T.ones(*in_shape, requires_grad=True)
    out = make_out(x)
    j = aw.JacobianExplorer(out, x)
    assert (len(j.jacobian), j.columns) == (rows, cols) and all(r == [] for r in j.jacobian)
    assert repr(j) == f"JacobianExplorer({rows}x{cols} Jacobian, v={[1.0] * rows})"
    assert len(j.sliders) == rows and [o[1] for o in j.one_hot.options] == [-1] + list(range(rows))
    assert j.vjp() == [0.0] * cols                       # no rows: vᵀ·J is all zeros, one per input element
    assert ("has no elements: J has no rows" in j.matrix.value) == (rows == 0)
    assert ("has no elements: J has no columns" in j.matrix.value) == (rows > 0 and cols == 0)
    assert x.grad is None                                # (PyTorch's functional.jacobian fails on an empty output)


def test_jacobian_explorer_refuses_what_autograd_grad_refuses():
    x = aw.ones(2, requires_grad=True)
    with pytest.raises(TypeError, match="takes two tensors; the input is a list"):
        aw.JacobianExplorer(x * 2, [1.0, 2.0])
    with pytest.raises(RuntimeError) as e:
        aw.JacobianExplorer(aw.ones(2), x)
    assert_pytorch_words(e, pytorch_error(lambda T: T.autograd.grad(T.ones(2), T.ones(2, requires_grad=True),
                                                                    T.ones(2))))
    with pytest.raises(RuntimeError) as e:
        aw.JacobianExplorer(x * 2, aw.ones(2))
    assert_pytorch_words(e, pytorch_error(lambda T: T.autograd.grad(T.ones(2, requires_grad=True) * 2, T.ones(2),
                                                                    T.ones(2))))


# --- BackwardPlayground's arguments ----------------------------------------------------------------
def _graph(T):
    x = T.tensor([1., 2.], requires_grad=True)
    return x, x * 3


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("bad, expected", [
    ([1], lambda T, x, y: y.sum().backward(inputs=[1])),
    ([None], lambda T, x, y: y.sum().backward(inputs=[None])),
    (1, lambda T, x, y: y.sum().backward(inputs=1)),
    ([], lambda T, x, y: y.sum().backward(inputs=[])),
    ("x and a tensor without grad", lambda T, x, y: y.sum().backward(inputs=[x, T.ones(2)])),
])
def test_playground_refuses_bad_inputs_with_pytorchs_words(module, bad, expected):
    T = pytest.importorskip(module)
    x, y = _graph(T)
    if bad == "x and a tensor without grad":
        bad = [x, T.ones(2)]
    with pytest.raises(Exception) as e:
        aw.BackwardPlayground(y, inputs=bad)
    assert_pytorch_words(e, pytorch_error(lambda torch: expected(torch, *_graph(torch))))
    assert x.grad is None                                 # refused before any backward ran


@pytest.mark.parametrize("module", MODULES)
def test_playground_takes_one_tensor_as_inputs_as_backward_does(module):
    T = pytest.importorskip(module)
    x, y = _graph(T)
    z = T.tensor(5., requires_grad=True)
    p = aw.BackwardPlayground(y * z, inputs=x, names={"x": x})   # not iterated element by element
    assert p.inputs == [x] and p.grads == {"x": [5.0 * 3, 5.0 * 3]} and z.grad is None


@pytest.mark.parametrize("module", MODULES)
def test_playground_refuses_bad_outputs(module):
    T = pytest.importorskip(module)
    x, y = _graph(T)
    with pytest.raises(TypeError, match="output 1 is of type float"):
        aw.BackwardPlayground([y, 2.0])
    with pytest.raises(RuntimeError) as e:
        aw.BackwardPlayground([y, T.ones(2)])
    assert_pytorch_words(e, pytorch_error(lambda torch: torch.autograd.backward(
        [torch.ones(2, requires_grad=True) * 3, torch.ones(2)], [torch.ones(2), torch.ones(2)])))
    assert "element 1 of tensors" in str(e.value)


@pytest.mark.parametrize("module", MODULES)
def test_playground_gradient_set_from_python(module):
    T = pytest.importorskip(module)
    x, y = _graph(T)
    p = aw.BackwardPlayground(y, names={"x": x})
    p.gradient = T.tensor([0.5, 4.0])                     # 4 is outside the sliders' -3..3: the range grows
    assert [s.value for s in p.sliders] == [0.5, 4.0] and p.sliders[1].max == 4.0
    assert p.grads == {"x": [1.5, 12.0]}
    assert [g.tolist() for g in p.gradient] == [[0.5, 4.0]]
    before = ([s.value for s in p.sliders], dict(p.grads))
    expected = pytorch_error(lambda torch: torch.autograd.backward([_graph(torch)[1]], [torch.ones(3)]))
    with pytest.raises(RuntimeError) as e:
        p.gradient = T.ones(3)
    assert_pytorch_words(e, expected)
    assert "Mismatch in shape: grad_output[0] has a shape of torch.Size([3])" in str(e.value)
    with pytest.raises(TypeError) as e:
        p.gradient = [[1.0, 1.0]]
    assert_pytorch_words(e, pytorch_error(lambda torch: torch.autograd.backward([_graph(torch)[1]], [[1.0, 1.0]])))
    with pytest.raises(RuntimeError) as e:
        p.gradient = None                                 # implicit only for a one-element output
    assert_pytorch_words(e, pytorch_error(lambda torch: torch.autograd.backward([_graph(torch)[1]], None)))
    with pytest.raises(traitlets.TraitError, match="holds a finite number, not inf"):
        p.gradient = T.tensor([2.0, float("inf")])        # no slider can hold it: none moves
    assert ([s.value for s in p.sliders], p.grads) == before   # a refused gradient changes nothing


def test_playground_gradient_for_several_outputs():
    torch = pytest.importorskip("torch")
    x = aw.tensor([1., 2.], requires_grad=True)
    y1, y2 = x * 3, (x * x).sum()
    p = aw.BackwardPlayground([y1, y2], names={"x": x})
    p.gradient = [aw.tensor([1., 0.]), None]              # None: the scalar's implicit 1
    assert [s.value for s in p.sliders] == [1.0, 0.0, 1.0] and p.grads == {"x": [3.0 + 2.0, 4.0]}
    with pytest.raises(RuntimeError) as e:
        p.gradient = [aw.tensor([1., 0.])]
    xt = torch.tensor([1., 2.], requires_grad=True)
    assert_pytorch_words(e, pytorch_error(lambda T: T.autograd.backward([xt * 3, (xt * xt).sum()],
                                                                        [T.tensor([1., 0.])])))


# --- sliders set from Python ------------------------------------------------------------------------
@pytest.mark.parametrize("module", MODULES)
def test_a_slider_set_from_python_is_never_clipped(module):
    T = pytest.importorskip(module)
    x, y = _graph(T)
    p = aw.BackwardPlayground(y, names={"x": x})
    assert (p.sliders[0].min, p.sliders[0].max) == (-3.0, 3.0)
    p.sliders[0].value = 5.0
    p.sliders[1].value = -7.5
    assert [s.value for s in p.sliders] == [5.0, -7.5]
    assert (p.sliders[0].max, p.sliders[1].min) == (5.0, -7.5) and p.grads == {"x": [15.0, -22.5]}
    with pytest.raises(traitlets.TraitError, match="holds a finite number, not inf"):
        p.sliders[0].value = float("inf")
    assert p.sliders[0].value == 5.0 and p.grads == {"x": [15.0, -22.5]}


def test_notebook_6s_weights_fit_without_widening_the_sliders_by_hand():
    a = aw.nn.Parameter(aw.FloatTensor([[0, 0], [2, 2]]))
    b = aw.nn.Parameter(aw.FloatTensor([[1, 2], [1, 2]]))
    c = aw.matmul(a, b)
    explorer = aw.JacobianExplorer(c, a)                  # the notebook passes high=5.0; not needed now
    for slider, value in zip(explorer.sliders, [1.0, 2.0, 3.0, 4.0]):
        slider.value = value
    assert explorer.v() == [1.0, 2.0, 3.0, 4.0] and explorer.vjp() == [5.0, 5.0, 11.0, 11.0]
    playground = aw.BackwardPlayground(c, names={"a": a, "b": b})
    playground.gradient = aw.tensor([[1., 2.], [3., 4.]])
    assert playground.grads == {"a": [[5.0, 5.0], [11.0, 11.0]], "b": [[6.0, 8.0], [6.0, 8.0]]}


# --- the stepper's position -----------------------------------------------------------------------
def test_stepper_refuses_a_position_outside_its_steps():
    a = aw.tensor([1., 2.], requires_grad=True)
    s = aw.BackwardStepper((a * a).sum())
    n = len(s.steps)
    s.position = 2
    assert "step 2 of" in s.counter.value and s.view.marks[s.steps[1]["node"]] == "current"
    for bad in (999, n + 1, -1):
        with pytest.raises(IndexError, match=f"position {bad} is outside the steps.*from 0 .* to {n}"):
            s.position = bad
    for bad in (1.5, "1", True):
        with pytest.raises(TypeError, match="whole number of steps"):
            s.position = bad
    assert s.position == 2 and "step 2 of" in s.counter.value
    s.position = np.int64(n)                              # NumPy's integers are whole numbers too
    s.next()
    assert s.position == n
    s.position = 0
    s.previous()
    assert s.position == 0 and "about to start" in s.panel.value


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("make, expected", [
    (lambda T, x, y: aw.BackwardStepper(y, T.ones(3)), lambda T, x, y: y.backward(T.ones(3))),
    (lambda T, x, y: aw.BackwardStepper(y), lambda T, x, y: y.backward()),
    (lambda T, x, y: aw.BackwardStepper(T.ones(2)), lambda T, x, y: T.ones(2).backward(T.ones(2))),
    (lambda T, x, y: aw.BackwardPlayground(y, inputs=[x, 1]), lambda T, x, y: y.sum().backward(inputs=[x, 1])),
])
def test_a_refused_widget_leaves_no_widget_open(module, make, expected):
    T = pytest.importorskip(module)
    x, y = _graph(T)
    aw.show(y).close()
    start = len(_instances)
    with pytest.raises(RuntimeError) as e:
        make(T, x, y)
    assert_pytorch_words(e, pytorch_error(lambda torch: expected(torch, *_graph(torch))))
    assert len(_instances) == start and x.grad is None


# --- close() -------------------------------------------------------------------------------------------
def _composites(T):
    a, b, out = seed000(T)
    return {
        "BackwardPlayground": lambda: aw.BackwardPlayground(out, names={"a": a}),
        "JacobianExplorer": lambda: aw.JacobianExplorer(out, a),
        "BackwardStepper": lambda: aw.BackwardStepper(out, T.ones(1, 2), retain_graph=True),
        "GraphView": lambda: aw.show(out),
    }


@pytest.mark.parametrize("name", ["BackwardPlayground", "JacobianExplorer", "BackwardStepper", "GraphView"])
def test_close_closes_every_widget_a_composite_is_made_of(name):
    make = _composites(aw)[name]
    make().close()                                        # the kernel's shared runtime exists from here on
    start = len(_instances)
    for _ in range(100):
        make().close()
    assert len(_instances) == start


@pytest.mark.filterwarnings("ignore:Using backward\\(\\) with create_graph=True")
def test_close_also_closes_the_gradients_graph_view():
    x = aw.tensor(2.0, requires_grad=True)
    p = aw.BackwardPlayground(x ** 3)
    start = len(_instances)
    p.create_graph = True
    assert p.grad_view is not None and len(_instances) > start
    p.create_graph = False                                # the gradients' view goes: closed, not just hidden
    assert p.grad_view is None and len(_instances) == start
    p.create_graph = True
    p.close()
    assert p.grad_view.comm is None and p.view.comm is None and p.sliders[0].comm is None
    assert p.view.runtime.comm is not None                # shared by every view: stays open


def test_closed_playgrounds_free_their_memory():
    make = _composites(aw)["BackwardPlayground"]
    grown = bytes_left_after_closing(make)
    assert grown < 1_000_000                              # 100 leaked playgrounds held ~14 MB


# --- how a backward function's class prints -----------------------------------------------------------
def test_node_classes_print_as_pytorchs():
    torch = pytest.importorskip("torch")
    for T in (aw, torch):
        x = T.ones(2, requires_grad=True)
        y = (x.add(1) * 2).sum()
        assert str(type(y.grad_fn)) == "<class 'SumBackward0'>"
        assert repr(type(y.grad_fn.next_functions[0][0])) == "<class 'MulBackward0'>"
        acc = x.add(1).grad_fn.next_functions[0][0]
        assert str(type(acc)) == "<class 'AccumulateGrad'>"
    cls = type(aw.ones(1, requires_grad=True).mul(2).grad_fn)
    assert pickle.loads(pickle.dumps(cls)) is cls          # the real module path stays: importable, readable
    assert "class MulBackward0" in inspect.getsource(cls)


def test_a_custom_functions_node_prints_with_its_module_as_in_pytorch():
    torch = pytest.importorskip("torch")
    texts = []
    for T in (aw, torch):
        class Double(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 2

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            texts.append(str(type(Double.apply(T.ones(1, requires_grad=True)).grad_fn)))
    assert texts == ["<class 'torch.autograd.function.DoubleBackward'>"] * 2  # as PyTorch names it


# --- layout and the notebooks' citations ---------------------------------------------------------------
def test_jacobian_side_text_keeps_its_width_and_moves_below_when_narrow():
    a, b, out = seed000(aw)
    j = aw.JacobianExplorer(out, a)
    row = j.children[-1]
    assert list(row.children) == [j.matrix, j.on_input] and row.layout.flex_flow == "row wrap"
    for part in (j.matrix, j.on_input):                   # no shrinking to one word per line
        assert part.layout.flex == "0 1 auto" and part.layout.max_width == "100%"
    assert "nowrap" not in j.matrix.value + j.on_input.value


def test_notebook_1_cites_the_article_not_a_path_of_this_workspace():
    import json
    from pathlib import Path
    nb = json.loads((Path(__file__).parent.parent / "notebooks" / "01_backward_gradient.ipynb").read_text("utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"])
    assert "shared/" not in text and "正常来说backward( )函数是要传入参数的" in text
