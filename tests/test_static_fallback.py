"""Graphs that survive export (issue 11 §6): where widgets do not run (GitHub, nbviewer, an HTML
export without widget state), each widget's output still says what it is and shows its graph."""
import shutil

import nbformat
import pytest
from nbconvert import HTMLExporter

import autograd_widgets as aw

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def data_of(widget):
    bundle = widget._repr_mimebundle_()
    return bundle[0] if isinstance(bundle, tuple) else bundle


def small():
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    return x, (x * x).sum()


def widgets():
    x, y = small()
    a = aw.tensor([1.0, 2.0], requires_grad=True)
    return {"GraphView": aw.show(y, names={"x": x, "y": y}),
            "BackwardPlayground": aw.BackwardPlayground(y, names={"x": x}),
            "BackwardStepper": aw.BackwardStepper((a * 3).sum(), names={"a": a}, retain_graph=True),
            "JacobianExplorer": aw.JacobianExplorer(a * 2, a)}


def test_every_widget_output_says_what_it_is_beside_the_model_id():
    for name, w in widgets().items():
        data = data_of(w)
        assert WIDGET_VIEW in data                                  # the live widget, as before
        assert data["text/plain"].startswith(name + "(")            # not a bare model id
        assert f"<b>{name}(" in data["text/html"] and "run the notebook" in data["text/html"]
        w.close()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program draws the static graph")
def test_the_html_fallback_draws_the_graph_with_its_current_values():
    x, y = small()
    view = aw.show(y, names={"x": x, "y": y}, gradients=True)
    y.backward()
    html = data_of(view)["text/html"]
    assert html.count("<svg") == 1 and "<?xml" not in html
    assert "grad [2., 4.]" in html.replace("&#160;", " ")             # the leaf's label as drawn now
    assert "[2., 4.]" in html and "MulBackward0" in html
    view.close()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program draws the static graph")
def test_the_fallback_keeps_a_quiz_secret():
    a = aw.tensor([1.0, 2.0], requires_grad=True)
    p = aw.BackwardPlayground((a * 3).sum(), names={"a": a}, quiz=True)
    data = data_of(p)
    assert "a.grad=?" in data["text/plain"] and "[3, 3]" not in data["text/plain"]
    assert "grad ?" in data["text/html"] and "[3., 3.]" not in data["text/html"]
    p.close()


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot program draws the static graph")
def test_an_html_export_without_widget_state_shows_the_static_graph():
    x, y = small()
    view = aw.show(y, names={"x": x})
    data = data_of(view)
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("aw.show(y)")
    cell.outputs = [nbformat.v4.new_output("display_data", data=data)]
    nb.cells = [cell]
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert "<svg" in body and "MulBackward0" in body                 # text/html chosen: no state for the model id
    view.close()


def test_a_large_graph_is_described_not_laid_out_on_every_display():
    x = aw.ones(3, requires_grad=True)
    y = x
    for _ in range(60):                                          # ~120 nodes: past SVG_MAX_NODES
        y = (y * 1.01).sin()
    view = aw.show(y.sum())
    html = data_of(view)["text/html"]
    assert "<svg" not in html and f"graph of {len(view.drawn.nodes)} nodes not drawn here" in html
    view.close()
