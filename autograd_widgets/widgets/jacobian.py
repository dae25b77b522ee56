"""JacobianExplorer: the Jacobian of one output w.r.t. one input, row by row and all at once.

    j = JacobianExplorer(out, a)
    j.jacobian            # rows: J[i][k] = d out.flatten()[i] / d a.flatten()[k]
    j.one_hot.value = 1   # v = e_1: row 1 of J lights up on the input
    j.sliders[0].value = 0.5; j.vjp()   # vᵀ·J, what out.backward(v) adds into a.grad
    j.value_at(i, k)      # J[i][k]

Above 64 output or input elements (`j.large`) J and vᵀ·J are drawn as canvas heat maps with values
on hover (`matrix`, `on_input`: HeatMap, see heatmap.py), a click on a row of J makes v that one-hot,
and above 64 outputs v is edited on a GradientGrid (`j.grid`; `sliders` is then empty).

Rows come from batched backward passes of one-hot gradients (`is_grads_batched=True`), as PyTorch's
autograd.functional.jacobian(vectorize=True) computes them; the graph is retained and no .grad is touched.
"""
import html

import ipywidgets as W

from .. import errors
from ..graph import is_tensor
from ._autograd import index_text as _index, module_of
from ._parts import ClosesParts, Slider
from .heatmap import GRID_ABOVE, GradientGrid, HeatMap, matrix_shape
from .static import StaticFallback

ROWS_PER_PASS = 1024  # one-hot rows per batched backward: bounds its memory (rows x the largest tensor)


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
        self._J = self._rows()
        self.jacobian = self._J.tolist()  # nested lists: J[i][k]
        n = len(self.jacobian)
        # Large Jacobians are drawn on canvases (values on hover) and a large v is edited on a grid.
        self.large = n > GRID_ABOVE or self.columns > GRID_ABOVE
        self.grid = GradientGrid(self.out_shape, value=0.0, title="v: one weight per output element (click one "
                                 "to edit it)") if n > GRID_ABOVE else None
        if self.grid is not None:
            self.grid.values = [1.0] + [0.0] * (n - 1)
            self.grid.observe(self._on_slider, "values")
        self.sliders = [] if self.grid is not None else [
            Slider(value=1.0 if i == 0 else 0.0, min=low, max=high, step=step,
                   description=f"v[{_index(i, self.out_shape)}]" if self.out_shape else "v",
                   continuous_update=True, layout=W.Layout(width="260px")) for i in range(n)]
        for s in self.sliders:
            s.observe(self._on_slider, "value")
        self.one_hot = W.Dropdown(options=[("choose a row", -1)] + [(f"v = e{i}: row {i} of J", i) for i in range(n)],
                                  value=-1, description="one-hot v")
        self.one_hot.observe(self._pick_row, "value")
        if self.large:
            self.matrix = HeatMap.of_matrix(self._J, "out", self.out_shape, "in", self.in_shape,
                                            title=f"J = d out / d in: {n} rows (one per output element) x "
                                                  f"{self.columns} columns; hover for values, click a row "
                                                  "for v = that one-hot", rows_list=self.jacobian)
            self.matrix.on_click(lambda row, _col: setattr(self.one_hot, "value", row))
            self.on_input = HeatMap.of_tensor([], self.in_shape, "vᵀ·J", title="vᵀ·J on the input "
                                              f"{list(self.in_shape)}: what backward(v) adds into .grad")
            editor = self.grid if self.grid is not None else W.HBox(self.sliders, layout=W.Layout(flex_flow="row wrap"))
            super().__init__([self.one_hot, editor, W.HBox([self.matrix, self.on_input],
                                                           layout=W.Layout(flex_flow="row wrap", grid_gap="24px"))])
        else:
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
        """J as a float64 tensor (outputs x inputs): the rows of one-hot gradients in batched backward passes
        (autograd.grad(..., is_grads_batched=True), as autograd.functional.jacobian(vectorize=True) and
        PyTorch's vmap compute them), ROWS_PER_PASS rows a pass; the graph is retained."""
        flat = self.output.reshape(-1)
        T = self.torch
        n = flat.numel()
        if n == 0:
            return T.zeros(0, self.columns, dtype=T.float64)
        eye = T.eye(n, dtype=flat.dtype)
        blocks = []
        for start in range(0, n, ROWS_PER_PASS):
            basis = eye[start:start + ROWS_PER_PASS]
            g, = T.autograd.grad(flat, self.input, basis, retain_graph=True, allow_unused=True,
                                 is_grads_batched=True)
            blocks.append(T.zeros(len(basis), self.columns, dtype=T.float64) if g is None
                          else g.detach().reshape(len(basis), -1).double())
        return T.cat(blocks)

    def value_at(self, row: int, col: int) -> float:
        """J[row][col] = d out.flatten()[row] / d input.flatten()[col] (what hovering the map shows)."""
        return self.jacobian[row][col]

    _batch = False

    def _on_slider(self, _change):
        if not self._batch:
            self._draw()

    def _pick_row(self, change):
        if change["new"] >= 0:
            if self.grid is not None:
                self.grid.one_hot(change["new"])  # one redraw, through the grid's observer
                return
            self._batch = True  # one redraw, not one per slider
            try:
                for i, s in enumerate(self.sliders):
                    s.value = 1.0 if i == change["new"] else 0.0
            finally:
                self._batch = False
            self._draw()

    def v(self):
        return list(self.grid.values) if self.grid is not None else [s.value for s in self.sliders]

    def vjp(self):
        """vᵀ·J for the sliders' v (flattened like the input)."""
        if not self.jacobian:
            return [0.0] * self.columns
        return (self.torch.tensor(self.v(), dtype=self.torch.float64) @ self._J).tolist()

    def _draw(self):
        if self.large:
            v = self.v()
            ones = [i for i, w in enumerate(v) if w]
            self.matrix.selected_row = ones[0] if len(ones) == 1 else -1
            self.on_input.draw(self.vjp(), *matrix_shape(self.in_shape))
            return
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
