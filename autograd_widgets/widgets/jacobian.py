"""JacobianExplorer: the Jacobian of one output w.r.t. one input, row by row and all at once."""
import html

import ipywidgets as W

from ._autograd import as_list, module_of


class JacobianExplorer(W.VBox):
    """J[i, j] = d output[i] / d input[j] (flattened), as a heat map.

    Each slider is one element of v; a one-hot v selects one row of J. The row below the matrix
    is vᵀ·J, what `output.backward(v)` would put into `input.grad`, and the rows v selects are
    highlighted with their weights.
    """

    def __init__(self, output, input, low=-3.0, high=3.0):  # noqa: A002 - PyTorch's word
        self.torch = module_of(output)
        self.output, self.input = output, input
        self.jacobian = self._rows()
        n = len(self.jacobian)
        self.sliders = [W.FloatSlider(value=1.0 if i == 0 else 0.0, min=low, max=high, step=0.1,
                                      description=f"v[{i}]", layout=W.Layout(width="240px")) for i in range(n)]
        for s in self.sliders:
            s.observe(lambda _: self._draw(), "value")
        self.one_hot = W.Dropdown(options=[("—", -1)] + [(f"row {i}", i) for i in range(n)], value=-1,
                                  description="one-hot")
        self.one_hot.observe(self._pick_row, "value")
        self.matrix = W.HTML()
        super().__init__([W.HBox([self.one_hot]), W.HBox(self.sliders, layout=W.Layout(flex_flow="row wrap")),
                          self.matrix])
        self._draw()

    def _rows(self):
        """One backward per output element with a one-hot gradient (PyTorch's jacobian does the same)."""
        flat = self.output.reshape(-1)
        rows = []
        for i in range(flat.numel()):
            v = self.torch.zeros_like(flat)
            v[i] = 1
            g, = self.torch.autograd.grad(flat, self.input, v, retain_graph=True, allow_unused=True)
            rows.append([0.0] * self.input.numel() if g is None else as_list(g.reshape(-1)))
        return rows

    def _pick_row(self, change):
        if change["new"] >= 0:
            for i, s in enumerate(self.sliders):
                s.value = 1.0 if i == change["new"] else 0.0

    def v(self):
        return [s.value for s in self.sliders]

    def vjp(self):
        """vᵀ·J for the sliders' v."""
        v = self.v()
        cols = len(self.jacobian[0]) if self.jacobian else 0
        return [sum(v[i] * self.jacobian[i][j] for i in range(len(v))) for j in range(cols)]

    def _draw(self):
        v, J = self.v(), self.jacobian
        top = max([abs(x) for row in J for x in row] + [1e-12])
        cells = []
        for i, row in enumerate(J):
            w = v[i]
            tds = "".join(f"<td class='aw-j' style='background:{_color(x / top)};padding:3px 6px'>{x:.4g}</td>"
                          for x in row)
            mark = f"<td style='color:#555'>× {w:g}</td>" if w else "<td></td>"
            style = "outline:2px solid #d33" if w else ""
            cells.append(f"<tr style='{style}' data-row='{i}'><th>out[{i}]</th>{tds}{mark}</tr>")
        result = "".join(f"<td class='aw-vjp' style='padding:3px 6px'><b>{x:.4g}</b></td>" for x in self.vjp())
        head = "".join(f"<th>in[{j}]</th>" for j in range(len(J[0]) if J else 0))
        self.matrix.value = (f"<table class='aw-jacobian' style='border-collapse:collapse;font-family:monospace'>"
                             f"<tr><th>J</th>{head}</tr>{''.join(cells)}"
                             f"<tr><th>vᵀ·J</th>{result}</tr></table>")

    def __repr__(self):
        return f"JacobianExplorer({len(self.jacobian)}x{len(self.jacobian[0]) if self.jacobian else 0} Jacobian)"


def _color(x):
    """Blue for negative, red for positive, white for zero."""
    a = min(1.0, abs(x))
    r, g, b = (255, int(255 * (1 - a)), int(255 * (1 - a))) if x > 0 else (int(255 * (1 - a)), int(255 * (1 - a)), 255)
    return f"rgb({r},{g},{b})"
