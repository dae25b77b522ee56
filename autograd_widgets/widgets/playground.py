"""BackwardPlayground: drag the `gradient` v of backward() and watch vᵀ·J land in every leaf's .grad.

    p = BackwardPlayground(out)             # or (outputs=[y1, y2], inputs=[a], names={"a": a})
    p.sliders[1].value = 2.0                # fresh mode: a.grad is recomputed from scratch
    p.gradient = torch.tensor([[1., 5.]])   # all sliders at once, as backward's gradient; ranges widen to fit
    p.mode = "accumulate"; p.backward(); p.backward()
    p.grads, p.history, p.error

Attributes: `sliders` (one FloatSlider per element of each output, in order), `editors` (per output:
its list of sliders, or for more than 64 elements one GradientGrid, see heatmap.py), `mode` ("fresh" |
"accumulate"), `retain_graph`, `create_graph`, `backward()` (the button), `zero_grad()`,
`history` (one dict per call: "call" ("backward" | "zero_grad"), "v" (one nested list per
output), "grads" ({name: nested list or None} after the call), "error" ("" when none)), `grads`
({name: nested list or None} now), `error` (the message shown, "" when none), `view` (the
GraphView), `grad_view` (a GraphView of the gradients' own graph after create_graph, else None).
`gradients=True` labels the graph's edges with the gradients of the last backward (graph/flow.py);
`quiz=True` hides each .grad until the learner predicted it: `predict(name, value)`, `reveal()`,
`score` (widgets/quiz.py).
Bad arguments (`inputs=[1]`, an output that does not require grad, a gradient of the wrong shape)
raise PyTorch's error for the same backward() call; `close()` closes every widget inside.
"""
import html
import re

import ipywidgets as W
import traitlets

from .. import errors
from ..graph import is_tensor
from ._autograd import as_list, fmt as _fmt, index_text as _index, module_of
from ._parts import ClosesParts, Slider, close_with_parts
from .graph_view import GraphView
from .heatmap import GRID_ABOVE, GradientGrid
from .quiz import PredictThenReveal
from .static import StaticFallback

MODES = ("fresh", "accumulate")


class BackwardPlayground(PredictThenReveal, ClosesParts, StaticFallback, W.VBox):
    """One slider per element of each output's `gradient`, the graph, and every leaf's .grad.

    mode "fresh": every slider change sets the inputs' grads to None and runs backward(v) again on
    the retained graph, so the table shows vᵀ·J however fast the slider moves.
    mode "accumulate": the backward button calls backward(v) once, adding into .grad as PyTorch does,
    and records the call in `history`; zero_grad resets. With retain_graph off, the second backward
    shows PyTorch's error and its explanation in the widget. `inputs` picks the tensors that
    receive grads (default: every leaf of the graph).
    """

    def __init__(self, outputs, inputs=None, names=None, low=-3.0, high=3.0, step=0.1, quiz=False, gradients=False):
        outputs = _outputs(outputs)
        inputs = _inputs(inputs) if inputs is not None else None  # refused before any widget is made
        self.outputs = outputs
        self.torch = module_of(outputs[0])
        self.view = GraphView(outputs, names=names, gradients=gradients)
        graph = self.view.graph
        self.inputs = inputs if inputs is not None else [n.ref for n in graph.leaves()]
        self.input_names = _names(self.inputs, graph)
        self.output_names = [graph.nodes[i].title for i in graph.outputs]
        self.sliders, self.editors, rows = [], [], []
        for name, out in zip(self.output_names, outputs):
            head = W.HTML(f"<b>v</b> for <b>{html.escape(name)}</b> {list(out.shape)}:")
            editor = self._editor(tuple(out.shape), out.numel(), low, high, step)
            self.editors.append(editor)
            if isinstance(editor, GradientGrid):
                rows.append(W.VBox([head, editor]))
            else:
                self.sliders += editor
                rows.append(W.HBox([head, W.HBox(editor, layout=W.Layout(flex_flow="row wrap"))]))
        self.mode_buttons = W.ToggleButtons(options=list(MODES), value="fresh", description="mode",
                                            tooltips=["recompute vᵀ·J from scratch while dragging",
                                                      "each backward press adds into .grad"])
        self.mode_buttons.observe(self._on_mode, "value")
        self.retain_box = W.Checkbox(value=True, description="retain_graph", indent=False,
                                     layout=W.Layout(width="auto", margin="0 12px"))
        self.create_box = W.Checkbox(value=False, description="create_graph", indent=False,
                                     layout=W.Layout(width="auto", margin="0 12px"))
        self.create_box.observe(self._on_create_graph, "value")
        self.backward_button = W.Button(description="backward", button_style="primary", disabled=True)
        self.backward_button.on_click(lambda _: self.backward())
        self.zero_button = W.Button(description="zero_grad", disabled=True)
        self.zero_button.on_click(lambda _: self.zero_grad())
        self.grad_table = W.HTML(layout=W.Layout(margin="0 32px 0 0", flex="none"))
        self.error_html = W.HTML()
        self.history_html = W.HTML()
        self.grad_box = W.VBox()
        self.grad_view = None
        self.history, self.grads, self.error = [], {}, ""
        self._history_rows, self._history_done = [], [None, 0]  # last rows written; [history, rows written]
        controls = W.HBox([self.mode_buttons, self.retain_box, self.create_box, self.backward_button,
                           self.zero_button], layout=W.Layout(flex_flow="row wrap", align_items="center"))
        results = W.HBox([self.grad_table, self.history_html], layout=W.Layout(align_items="flex-start"))
        quiz_box = self._make_quiz(quiz)
        super().__init__([*rows, controls, results, *quiz_box, self.error_html, self.view, self.grad_box])
        self.add_class("aw-playground")
        self._recompute()

    def _editor(self, shape, numel, low, high, step):
        """v for one output: a slider per element, or one GradientGrid above GRID_ABOVE elements."""
        if numel > GRID_ABOVE:
            grid = GradientGrid(shape)
            grid.observe(self._on_slider, "values")
            return grid
        return [self._slider(f"v[{_index(i, shape)}]" if shape else "v", low, high, step) for i in range(numel)]

    def _slider(self, description, low, high, step):
        s = Slider(value=1.0, min=low, max=high, step=step, continuous_update=True, description=description,
                   readout_format=".2f", layout=W.Layout(width="300px"))
        s.observe(self._on_slider, "value")
        return s

    # --- the API the controls drive ---------------------------------------------------------------
    @property
    def mode(self):
        return self.mode_buttons.value

    @mode.setter
    def mode(self, value):
        if value not in MODES:
            raise ValueError(f"mode is 'fresh' or 'accumulate', not {value!r}.")
        self.mode_buttons.value = value

    @property
    def retain_graph(self):
        return self.retain_box.value

    @retain_graph.setter
    def retain_graph(self, value):
        self.retain_box.value = bool(value)

    @property
    def create_graph(self):
        return self.create_box.value

    @create_graph.setter
    def create_graph(self, value):
        self.create_box.value = bool(value)

    def v(self):
        """The gradient tensors the sliders hold now, one per output, shaped like it."""
        return [self.torch.tensor(_values(e), dtype=out.dtype, device=out.device).reshape(tuple(out.shape))
                for out, e in zip(self.outputs, self.editors)]

    @property
    def gradient(self):
        """The `gradient` of backward() the sliders hold: one tensor per output (what `v()` returns).

        Set it as backward's `gradient` is given: a tensor for one output, or a list with a tensor (or
        None, for a one-element output) per output. A value outside a slider's range widens the range;
        a wrong shape raises PyTorch's error, and nothing changes."""
        return self.v()

    @gradient.setter
    def gradient(self, gradient):
        values = [[1.0] * out.numel() if g is None else [float(x) for x in g.detach().cpu().reshape(-1).tolist()]
                  for out, g in zip(self.outputs, _gradients(gradient, self.outputs))]
        before = [_values(e) for e in self.editors]
        self._batch = True  # one backward for the whole gradient, not one per slider
        try:
            try:
                for e, x in zip(self.editors, values):
                    _set_values(e, x)
            except traitlets.TraitError:  # a value no slider can hold (inf, nan): all or nothing
                for e, x in zip(self.editors, before):
                    _set_values(e, x)
                raise
        finally:
            self._batch = False
        if self.mode == "fresh":
            self._recompute()

    def backward(self):
        """What the backward button does: one backward(v) that adds into .grad, recorded in `history`."""
        vs = self.v()
        ok = self._run(vs, self.retain_graph)
        self.history.append({"call": "backward", "v": [as_list(v) for v in vs], "grads": dict(self.grads),
                             "error": "" if ok else self.error})
        self._show_history()

    def zero_grad(self):
        """Set every input's .grad to None (what optimizer.zero_grad() does by default)."""
        for t in self.inputs:
            t.grad = None
        self._set_error("")
        self._show()
        self.history.append({"call": "zero_grad", "v": None, "grads": dict(self.grads), "error": ""})
        self._show_history()

    # --- reactions -------------------------------------------------------------------------------
    _batch = False

    def _on_slider(self, _change):
        if self.mode == "fresh" and not self._batch:
            self._recompute()

    def _on_mode(self, change):
        accumulate = change["new"] == "accumulate"
        self.backward_button.disabled = self.zero_button.disabled = not accumulate
        self.history = []
        if accumulate:  # count from zero, so the history adds up from the first press
            for t in self.inputs:
                t.grad = None
            self._set_error("")
            self._show()
            self._show_history()
        else:
            self._show_history()
            self._recompute()

    def _on_create_graph(self, _change):
        if self.mode == "fresh":
            self._recompute()

    def _recompute(self):
        for t in self.inputs:
            t.grad = None
        self._run(self.v(), True)

    def _run(self, vs, retain_graph):
        """backward(v) into the inputs' .grad; an error is shown in the widget, never raised."""
        try:
            self.torch.autograd.backward(self.outputs, vs, retain_graph=retain_graph, create_graph=self.create_graph,
                                         inputs=self.inputs)
            self._set_error("")
            ok = True
        except (RuntimeError, ValueError, TypeError) as e:
            self._set_error(errors.explain(e) if isinstance(e, RuntimeError) else f"{type(e).__name__}: {e}")
            ok = False
        self._show(freed=not (ok and retain_graph), data=False)  # a retained backward freed nothing, changed no data
        return ok

    def _set_error(self, text):
        self.error = text
        self.error_html.value = "" if not text else (
            "<pre class='aw-error' style='color:#a00;background:#fff4f4;border:1px solid #f3c2c2;padding:6px;"
            "white-space:pre-wrap;margin:4px 0'>" + html.escape(text) + "</pre>")

    def _show(self, freed=True, data=True):
        self.grads = {name: (None if t.grad is None else as_list(t.grad))
                      for name, t in zip(self.input_names, self.inputs)}
        self._quiz_check()
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b>.grad</td><td class='aw-grad' data-leaf='{html.escape(k)}' "
                       f"style='font-family:monospace;padding-left:8px'>{html.escape(self._grad_text(k, v))}</td></tr>"
                       for k, v in self.grads.items())
        what = "vᵀ·J, from scratch" if self.mode == "fresh" else "sum of every backward since zero_grad"
        self.grad_table.value = (f"<div style='color:#666'>{what}</div><table class='aw-grads'>{rows}</table>")
        self.view.refresh(freed=freed, data=data)
        self._show_grad_graph()

    def _show_grad_graph(self):
        """With create_graph, the gradients are outputs of a graph of their own: draw it."""
        grads = [t.grad for t in self.inputs if t.grad is not None and t.grad.grad_fn is not None]
        if not grads:
            if self.grad_view is not None:  # the title and the view go for good: close them
                gone, self.grad_view, self.grad_box.children = self.grad_box.children, None, ()
                for w in gone:
                    close_with_parts(w)
            return
        names = {f"{name}.grad": t.grad for name, t in zip(self.input_names, self.inputs) if t.grad is not None}
        if self.grad_view is None:
            self.grad_view = GraphView(grads, names=names)
            title = W.HTML("<b>create_graph=True</b>: each .grad is itself computed by a graph, so it can be "
                           "differentiated again:")
            self.grad_box.children = (title, self.grad_view)
        else:
            self.grad_view.update(grads, names=names)

    def _show_history(self, rewrite=False):
        """The last HISTORY_ROWS calls (each row written once, when its call is made): a press costs the
        same at the 1,000th as at the first. `history` keeps every call."""
        rows, done = self._history_rows, self._history_done
        if rewrite or done[0] is not self.history:  # a new history (a mode change) starts a new table
            rows.clear()
            done[:] = [self.history, 0]
        for i in range(max(done[1], len(self.history) - HISTORY_ROWS), len(self.history)):
            rows.append(_history_row(i, self.history[i], self._grad_text))
        done[1] = len(self.history)
        del rows[:-HISTORY_ROWS]
        earlier = len(self.history) - len(rows)
        note = f"<tr><td colspan='3' style='color:#666'>… {earlier} earlier calls (all in .history)</td></tr>" \
            if earlier else ""
        self.history_html.value = (f"<div style='color:#666'>history</div><table class='aw-history'>"
                                   f"<tr><th>#</th><th>call</th><th>after it</th></tr>{note}"
                                   f"{''.join(rows)}</table>") if rows else ""

    def __repr__(self):
        grads = ", ".join(f"{k}.grad={self._grad_text(k, v)}" for k, v in self.grads.items())
        grids = "".join(f", a {e.rows}x{e.cols} grid" for e in self.editors if isinstance(e, GradientGrid))
        return f"BackwardPlayground({len(self.sliders)} sliders{grids}, mode={self.mode!r}, {grads})"


def _values(editor) -> list:
    """The numbers an output's v editor holds (sliders or a GradientGrid), flattened."""
    return editor.values if isinstance(editor, GradientGrid) else [s.value for s in editor]


def _set_values(editor, values):
    if isinstance(editor, GradientGrid):
        editor.values = values
    else:
        for s, x in zip(editor, values):
            s.value = x


HISTORY_ROWS = 50  # calls shown in the history table; older ones stay in .history


def _history_row(i, h, grad_text):
    """Row `i` of the history table: the call, and the grads (or the error) after it."""
    if h["call"] == "zero_grad":
        call = "zero_grad()"
    else:
        v = h["v"][0] if len(h["v"]) == 1 else h["v"]
        call = f"backward(v = {_fmt(v)})"
    after = f"<span style='color:#a00'>error: {html.escape(_headline(h['error']))}</span>" if h["error"] else "; ".join(
        f"{html.escape(k)}.grad = {html.escape(grad_text(k, g))}" for k, g in h["grads"].items())
    return (f"<tr><td>{i + 1}</td><td style='font-family:monospace;white-space:nowrap'>"
            f"{html.escape(call)}</td><td style='font-family:monospace'>{after}</td></tr>")


def _headline(error):
    """PyTorch's first words of an error: 'Trying to backward through the graph a second time'."""
    return re.split(r" \(|\. |\n", error, maxsplit=1)[0]


def _outputs(outputs):
    """The outputs as a list, refused (PyTorch's error where backward() has one) unless each is a tensor
    that requires grad."""
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if not outputs:
        raise TypeError("BackwardPlayground takes an output tensor (or a list of them), e.g. BackwardPlayground(loss).")
    for i, o in enumerate(outputs):
        if not is_tensor(o):
            raise TypeError(f"BackwardPlayground takes an output tensor (or a list of them), e.g. "
                            f"BackwardPlayground(loss); output {i} is of type {type(o).__name__}.")
        if not o.requires_grad:
            raise errors.runtime(f"element {i} of tensors does not require grad and does not have a grad_fn",
                                 f"Output {i} of the playground was not computed from anything that requires "
                                 "grad, so backward() has no graph to run. Build it from tensors created with "
                                 "requires_grad=True (and not inside torch.no_grad()).")
    return outputs


def _inputs(inputs):
    """`inputs=` as backward() takes it (a tensor or a sequence of them), checked with PyTorch's words
    before the first backward rather than on every slider move."""
    if is_tensor(inputs):
        return [inputs]
    try:
        inputs = list(inputs)
    except TypeError as e:
        raise errors.type_error(str(e), "inputs= takes a tensor or a list of tensors, e.g. inputs=[a, b].") from None
    if not inputs:
        raise errors.runtime("`inputs` argument to `backward()` cannot be empty.",
                             "Pass the leaves whose .grad you want, or leave inputs=None for all of them.")
    for t in inputs:
        if not is_tensor(t):
            raise errors.runtime(f"all inputs have to be Tensors or GradientEdges, but got {type(t).__name__}",
                                 "Each of inputs= must be a tensor of the graph (a leaf created with "
                                 "requires_grad=True, or an intermediate result) whose .grad you want to see.")
        if not t.requires_grad:
            raise errors.runtime("can't retain_grad on Tensor that has requires_grad=False",
                                 "An input of the playground must require grad: backward() fills .grad only "
                                 "for tensors autograd tracks. Create it with requires_grad=True.")
    return inputs


def _gradients(gradient, outputs):
    """backward()'s `gradient` for `outputs` as one tensor (or None) per output, checked in PyTorch's
    order and words: each one's type and shape, then the count (extra ones are ignored, as there)."""
    if gradient is None or is_tensor(gradient):
        grads = [gradient] * (len(outputs) if gradient is None else 1)
    else:
        try:
            grads = list(gradient)
        except TypeError as e:
            raise errors.type_error(str(e), "The gradient is a tensor, or a list with one per output.") from None
    for i, (out, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if out.numel() != 1:
                raise errors.not_scalar()
        elif not is_tensor(g):
            raise errors.type_error(f"gradients can be either Tensors or None, but got {type(g).__name__}",
                                    "Make the gradient a tensor of the output's shape, e.g. torch.tensor([1., 2.]).")
        elif tuple(g.shape) != tuple(out.shape):
            raise errors.gradient_shape(i, tuple(g.shape), tuple(out.shape))
    if len(grads) < len(outputs):
        raise errors.runtime(f"got {len(outputs)} tensors and {len(grads)} gradients",
                             "backward() takes one gradient per output: a list as long as the outputs.")
    return grads[:len(outputs)]


def _names(inputs, graph):
    """A name per input: its variable name, else input0, input1, ..."""
    by_id = {id(n.ref): n.name for n in graph.nodes.values() if n.kind in ("leaf", "tensor") and n.name}
    names = []
    for i, t in enumerate(inputs):
        name = by_id.get(id(t)) or f"input{i}"
        names.append(name if name not in names else f"{name}_{i}")
    return names

