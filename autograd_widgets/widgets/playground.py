"""BackwardPlayground: drag the `gradient` v of backward() and watch vᵀ·J land in every leaf's .grad."""
import html

import ipywidgets as W

from .. import errors
from ..graph.model import is_tensor
from ._autograd import as_list, module_of
from .graph_view import GraphView


class BackwardPlayground(W.VBox):
    """One slider per element of each output's gradient, the graph, and every leaf's .grad.

    mode "fresh": each slider change zeroes the leaves' grads and runs backward(v) again on the
    retained graph, so the table always shows vᵀ·J however fast the slider moves.
    mode "accumulate": `backward()` (the button) adds into .grad as PyTorch does and records the
    call in `history`; `zero_grad()` resets. With `retain_graph` off, a second backward shows
    PyTorch's error in `error`. `inputs` picks the leaves that receive grads.
    """

    def __init__(self, outputs, inputs=None, names=None, low=-3.0, high=3.0):
        outputs = [outputs] if is_tensor(outputs) else list(outputs)
        self.outputs = outputs
        self.torch = module_of(outputs[0])
        self.view = GraphView(outputs, names=names)
        leaves = [n.ref for n in self.view.graph.leaves()]
        self.inputs = list(inputs) if inputs is not None else leaves
        self.names = {id(n.ref): n.title for n in self.view.graph.leaves()}
        self.sliders = []
        boxes = []
        for k, out in enumerate(outputs):
            n = out.numel()
            row = []
            for i in range(n):
                s = W.FloatSlider(value=1.0, min=low, max=high, step=0.1, continuous_update=True,
                                  description=f"v{k}[{i}]" if len(outputs) > 1 else f"v[{i}]",
                                  layout=W.Layout(width="260px"))
                s.observe(self._on_slider, "value")
                row.append(s)
            self.sliders += row
            boxes.append(W.HBox(row, layout=W.Layout(flex_flow="row wrap")))
        self.mode_buttons = W.ToggleButtons(options=["fresh", "accumulate"], value="fresh",
                                            description="mode")
        self.mode_buttons.observe(self._on_mode, "value")
        self.retain_box = W.Checkbox(value=True, description="retain_graph")
        self.create_box = W.Checkbox(value=False, description="create_graph")
        self.backward_button = W.Button(description="backward", button_style="primary", disabled=True)
        self.backward_button.on_click(lambda _: self.backward())
        self.zero_button = W.Button(description="zero_grad")
        self.zero_button.on_click(lambda _: self.zero_grad())
        self.grad_table = W.HTML()
        self.history_html = W.HTML()
        self.error_html = W.HTML()
        self.history = []
        self.error = ""
        self.grads = {}
        controls = W.HBox([self.mode_buttons, self.retain_box, self.create_box, self.backward_button,
                           self.zero_button])
        super().__init__([*boxes, controls, self.view, self.grad_table, self.error_html, self.history_html])
        self.add_class("aw-playground")
        self._recompute()

    # --- the trait-level API (what the buttons do) ---------------------------------------------
    @property
    def mode(self):
        return self.mode_buttons.value

    @mode.setter
    def mode(self, value):
        self.mode_buttons.value = value

    @property
    def retain_graph(self):
        return self.retain_box.value

    @retain_graph.setter
    def retain_graph(self, value):
        self.retain_box.value = value

    @property
    def create_graph(self):
        return self.create_box.value

    @create_graph.setter
    def create_graph(self, value):
        self.create_box.value = value

    def v(self):
        """The current gradient tensors, one per output, from the sliders."""
        vs, i = [], 0
        for out in self.outputs:
            n = out.numel()
            vals = [s.value for s in self.sliders[i:i + n]]
            i += n
            vs.append(self.torch.tensor(vals, dtype=out.dtype, device=out.device).reshape(tuple(out.shape)))
        return vs

    def backward(self):
        """What the backward button does: one backward(v) that adds into .grad."""
        vs = self.v()
        try:
            self.torch.autograd.backward(self.outputs, vs, retain_graph=self.retain_graph,
                                         create_graph=self.create_graph, inputs=self.inputs)
            self._set_error("")
        except RuntimeError as e:
            self._set_error(errors.explain(e))
            self._show()
            return
        self._show()
        self.history.append({"v": [as_list(v) for v in vs], "grads": dict(self.grads)})
        self._show_history()

    def zero_grad(self):
        for t in self.inputs:
            t.grad = None
        self.history = []
        self._set_error("")
        self._show()
        self._show_history()

    # --- reactions -------------------------------------------------------------------------------
    def _on_slider(self, change):
        if self.mode == "fresh":
            self._recompute()

    def _on_mode(self, change):
        self.backward_button.disabled = change["new"] != "accumulate"
        if change["new"] == "accumulate":
            self.zero_grad()  # start counting from zero, so the history adds up
        else:
            self._recompute()

    def _recompute(self):
        for t in self.inputs:
            t.grad = None
        try:
            self.torch.autograd.backward(self.outputs, self.v(), retain_graph=True, inputs=self.inputs)
            self._set_error("")
        except RuntimeError as e:
            self._set_error(errors.explain(e))
        self._show(freed=False)  # fresh mode always retains the graph

    def _set_error(self, text):
        self.error = text
        self.error_html.value = "" if not text else (
            "<pre class='aw-error' style='color:#b00;white-space:pre-wrap'>" + html.escape(text) + "</pre>")

    def _show(self, freed=True):
        self.grads = {self.names.get(id(t), f"input{i}"): (None if t.grad is None else as_list(t.grad))
                      for i, t in enumerate(self.inputs)}
        rows = "".join(f"<tr><td><b>{html.escape(k)}</b>.grad</td><td class='aw-grad' data-leaf='{html.escape(k)}'>"
                       f"{html.escape(_fmt(v))}</td></tr>" for k, v in self.grads.items())
        self.grad_table.value = f"<table class='aw-grads'>{rows}</table>"
        self.view.refresh(freed=freed)

    def _show_history(self):
        rows = "".join(f"<tr><td>{i + 1}</td><td>v = {html.escape(_fmt(h['v']))}</td><td>"
                       + "; ".join(f"{html.escape(k)}.grad = {html.escape(_fmt(g))}" for k, g in h["grads"].items())
                       + "</td></tr>" for i, h in enumerate(self.history))
        self.history_html.value = f"<table class='aw-history'>{rows}</table>" if rows else ""

    def __repr__(self):
        return (f"BackwardPlayground({len(self.sliders)} sliders, mode={self.mode!r}, "
                f"grads={ {k: v for k, v in self.grads.items()} })")


def _fmt(v):
    if v is None:
        return "None"
    if isinstance(v, list):
        return "[" + ", ".join(_fmt(x) for x in v) + "]"
    return f"{v:g}"
