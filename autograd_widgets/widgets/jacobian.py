"""JacobianExplorer: the Jacobian of one output w.r.t. one input, row by row and all at once.

    j = JacobianExplorer(out, a)
    j.jacobian            # rows: J[i][k] = d out.flatten()[i] / d a.flatten()[k]
    j.one_hot.value = 1   # v = e_1: row 1 of J lights up on the input
    j.sliders[0].value = 0.5; j.vjp()   # vᵀ·J, what out.backward(v) adds into a.grad

Rows come from one backward per output element with a one-hot gradient, as PyTorch's
autograd.functional.jacobian computes them; the graph is retained and no .grad is touched.
"""
import html

import ipywidgets as W

from .. import errors
from ..graph import is_tensor
from ._autograd import as_list, index_text as _index, module_of
from ._parts import ClosesParts, Slider
from .static import StaticFallback


class JacobianExplorer(ClosesParts, StaticFallback, W.VBox):
    """J as a heat map; v (sliders, or a one-hot row) selects rows; vᵀ·J shown on the input's shape."""

    def _static_views(self):
        return []  # no graph: the text says what it is

    def __init__(self, output, input, low=-3.0, high=3.0, step=0.1):  # noqa: A002 - PyTorch's word
        _check(output, input)
        self.torch = module_of(output)
        self.output, self.input = output, input
        self.out_shape, self.in_shape = tuple(output.shape), tuple(input.shape)
        self.columns = input.numel()
        self.jacobian = self._rows()
        n = len(self.jacobian)
        self.sliders = [Slider(value=1.0 if i == 0 else 0.0, min=low, max=high, step=step,
                               description=f"v[{_index(i, self.out_shape)}]" if self.out_shape else "v",
                               continuous_update=True, layout=W.Layout(width="260px")) for i in range(n)]
        for s in self.sliders:
            s.observe(self._on_slider, "value")
        self.one_hot = W.Dropdown(options=[("choose a row", -1)] + [(f"v = e{i}: row {i} of J", i) for i in range(n)],
                                  value=-1, description="one-hot v")
        self.one_hot.observe(self._pick_row, "value")
        # Side by side while they fit, one above the other when the output is narrow; each keeps the
        # width of its text (a flex item that shrinks would wrap its text one word per line).
        side = dict(flex="0 1 auto", max_width="100%", overflow="auto")
        self.matrix = W.HTML(layout=W.Layout(margin="0 24px 8px 0", **side))
        self.on_input = W.HTML(layout=W.Layout(**side))
        super().__init__([self.one_hot, W.HBox(self.sliders, layout=W.Layout(flex_flow="row wrap")),
                          W.HBox([self.matrix, self.on_input],
                                 layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))])
        self.add_class("aw-jacobian-explorer")
        self._draw()

    def _rows(self):
        flat = self.output.reshape(-1)
        rows = []
        for i in range(flat.numel()):
            v = self.torch.zeros_like(flat)
            v[i] = 1
            g, = self.torch.autograd.grad(flat, self.input, v, retain_graph=True, allow_unused=True)
            rows.append([0.0] * self.input.numel() if g is None else as_list(g.reshape(-1)))
        return rows

    _batch = False

    def _on_slider(self, _change):
        if not self._batch:
            self._draw()

    def _pick_row(self, change):
        if change["new"] >= 0:
            self._batch = True  # one redraw, not one per slider
            try:
                for i, s in enumerate(self.sliders):
                    s.value = 1.0 if i == change["new"] else 0.0
            finally:
                self._batch = False
            self._draw()

    def v(self):
        return [s.value for s in self.sliders]

    def vjp(self):
        """vᵀ·J for the sliders' v (flattened like the input)."""
        v = self.v()
        return [sum(v[i] * self.jacobian[i][k] for i in range(len(v))) for k in range(self.columns)]

    def _draw(self):
        v, J = self.v(), self.jacobian
        top = max([abs(x) for row in J for x in row] + [1e-12])
        head = "".join(f"<th>{html.escape(_label('in', k, self.in_shape))}</th>" for k in range(self.columns))
        body = []
        for i, row in enumerate(J):
            w = v[i]
            tds = "".join(f"<td class='aw-j' style='background:{_color(x / top)}'>{x:.4g}</td>" for x in row)
            weight = f"<td class='aw-weight'>× {w:g}</td>" if w else "<td></td>"
            style = " style='outline:2px solid #d33'" if w else ""
            body.append(f"<tr class='aw-row{' aw-selected' if w else ''}' data-row='{i}'{style}>"
                        f"<th>{html.escape(_label('out', i, self.out_shape))}</th>{tds}{weight}</tr>")
        vjp = self.vjp()
        result = "".join(f"<td class='aw-vjp'><b>{x:.4g}</b></td>" for x in vjp)
        self.matrix.value = (
            f"<div style='color:#555'>J = d out / d in, one row per output element{self._why_empty()}</div>"
            "<table class='aw-jacobian' style='border-collapse:collapse;font-family:monospace'>"
            f"<tr><th>J</th>{head}<th></th></tr>{''.join(body)}<tr><th>vᵀ·J</th>{result}<td></td></tr></table>"
            "<style>.aw-jacobian td,.aw-jacobian th{padding:3px 6px;text-align:right}</style>")
        self.on_input.value = self._input_grid(vjp, max([abs(x) for x in vjp] + [1e-12]))

    def _input_grid(self, vjp, top):
        """vᵀ·J laid out like the input: what out.backward(v) adds into input.grad, element by element."""
        width = self.in_shape[-1] if self.in_shape else 1
        rows = [vjp[r:r + width] for r in range(0, len(vjp), width)] if vjp else []
        cells = "".join("<tr>" + "".join(f"<td class='aw-in' style='background:{_color(x / top)};padding:6px 10px'>"
                                         f"{x:.4g}</td>" for x in row) + "</tr>" for row in rows)
        return (f"<div style='color:#555'>vᵀ·J on the input {list(self.in_shape)}: what "
                f"backward(v) adds into .grad</div><table class='aw-input-grid' style='border-collapse:collapse;"
                f"font-family:monospace'>{cells}</table>")

    def _why_empty(self):
        """Why the table is empty, for an output or an input with no elements."""
        if not self.jacobian:
            return f" (out {list(self.out_shape)} has no elements: J has no rows, and vᵀ·J is all zeros)"
        if not self.columns:
            return f" (in {list(self.in_shape)} has no elements: J has no columns)"
        return ""

    def __repr__(self):
        return f"JacobianExplorer({len(self.jacobian)}x{self.columns} Jacobian, v={[round(x, 6) for x in self.v()]})"


def _check(output, input):  # noqa: A002 - PyTorch's word
    """PyTorch's error for what autograd.grad(output, input) would refuse, before any widget is made."""
    for what, t in (("output", output), ("input", input)):
        if not is_tensor(t):
            raise TypeError(f"JacobianExplorer(output, input) takes two tensors; the {what} is a "
                            f"{type(t).__name__}.")
    if not output.requires_grad:
        raise errors.runtime("element 0 of tensors does not require grad and does not have a grad_fn",
                             "JacobianExplorer(output, input) needs an output computed from `input`; this one "
                             "was not computed from anything that requires grad.")
    if not input.requires_grad:
        raise errors.runtime("One of the differentiated Tensors does not require grad",
                             "The input of JacobianExplorer(output, input) must require grad: create it with "
                             "requires_grad=True.")


def _label(prefix, flat, shape):
    return f"{prefix}[{_index(flat, shape)}]" if shape else prefix


def _color(x):
    """Red for positive, blue for negative, white for zero."""
    a = min(1.0, abs(x))
    c = int(255 * (1 - 0.75 * a))
    return f"rgb(255,{c},{c})" if x > 0 else f"rgb({c},{c},255)" if x < 0 else "#fff"
