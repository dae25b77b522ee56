"""HeatMap: many numbers on one canvas, each value shown under the pointer; GradientGrid: the v editor
for outputs too large for a slider per element.

    m = HeatMap.of_matrix(J, row_name="out", row_shape=(1000,), col_name="in", col_shape=(1000,))
    m.value_at(3, 7)                        # the number drawn at row 3, column 7
    grid = GradientGrid((100, 100))         # v = all ones, shaped like the output
    grid.values                             # flat list of floats: what backward's gradient gets
    grid.set(5, 2.0); grid.one_hot(7); grid.only_row(3); grid.only_column(0); grid.fill(1.0)

The front end (js/src/grid.js, in the shared runtime bundle) draws one pixel block per element and
sends a learner's edits as the same calls ({"type": "set" | "one_hot" | "row" | "column" | "fill"});
Python applies them and sends the values back, so the page always shows what backward() gets.
A tensor is drawn as a matrix of its last dimension (a 1-D one wrapped into a square).
"""
import array
import math

import anywidget
import traitlets

from ._autograd import index_text
from ._parts import ClosesParts
from .graph_view import GraphView, shared_runtime

GRID_ABOVE = 64  # outputs with more elements than this get a GradientGrid instead of a slider each


def matrix_shape(shape) -> tuple:
    """(rows, columns) a tensor of `shape` is drawn as: its last dimension across; 1-D wrapped square."""
    shape = tuple(shape)
    if len(shape) >= 2:
        return math.prod(shape[:-1]), shape[-1]
    n = shape[0] if shape else 1
    cols = max(1, math.ceil(math.sqrt(n)))
    return math.ceil(n / cols), cols


def _drawing(values, rows, cols, dtype, top, data) -> dict:
    """The synced traits that draw `values` (a flat list or a list of rows) as rows x cols."""
    if top is None:
        top = max(map(abs, values), default=0.0)
    if data is None:
        data = array.array("f" if dtype == "float32" else "d", values).tobytes()
    return dict(rows=rows, cols=cols, dtype=dtype, scale=top if top > 0 else 1.0, data=data)


class HeatMap(ClosesParts, anywidget.AnyWidget):
    """Numbers drawn as colours (red positive, blue negative, white zero), the value under the pointer
    written below; a click on a read-only map calls the `on_click` callbacks with (row, column)."""
    _esm = GraphView._esm  # the same small loader: the drawing code rides in the shared runtime
    runtime = anywidget.WidgetTrait().tag(sync=True)
    front = traitlets.Unicode("renderHeatMap").tag(sync=True)
    kind = traitlets.Unicode("tensor").tag(sync=True)  # "matrix": rows and columns name two tensors (J)
    rows = traitlets.Int(0).tag(sync=True)
    cols = traitlets.Int(0).tag(sync=True)
    data = traitlets.Bytes(b"").tag(sync=True)
    dtype = traitlets.Unicode("float64").tag(sync=True)
    scale = traitlets.Float(1.0).tag(sync=True)  # |value| drawn at full colour
    title = traitlets.Unicode("").tag(sync=True)
    row_name = traitlets.Unicode("").tag(sync=True)
    row_shape = traitlets.List().tag(sync=True)
    col_name = traitlets.Unicode("").tag(sync=True)
    col_shape = traitlets.List().tag(sync=True)
    selected_row = traitlets.Int(-1).tag(sync=True)
    editable = traitlets.Bool(False).tag(sync=True)

    def __init__(self, values=(), rows=0, cols=0, dtype="float64", top=None, data=None, **traits):
        """Drawing `values` from the start (see draw()), so the page's first state is complete."""
        super().__init__(runtime=shared_runtime(), **traits, **_drawing(values, rows, cols, dtype, top, data))
        self._values = values  # what is drawn: a flat list, or a list of rows
        self._clicks = []
        self.on_msg(self._on_front_end)

    @classmethod
    def of_matrix(cls, matrix, row_name: str, row_shape, col_name: str, col_shape, title: str = "",
                  rows_list: list = None):
        """A map of a 2-D float tensor (J: one row per output element, one column per input element),
        sent to the page as float32; `rows_list`: matrix.tolist() when the caller has it already."""
        top = float(matrix.abs().max()) if matrix.numel() else 0.0
        return cls(matrix.tolist() if rows_list is None else rows_list, *tuple(matrix.shape), "float32", top,
                   matrix.detach().cpu().float().numpy().tobytes(), kind="matrix", row_name=row_name,
                   row_shape=list(row_shape), col_name=col_name, col_shape=list(col_shape), title=title)

    @classmethod
    def of_tensor(cls, flat: list, shape, name: str, title: str = ""):
        """A map of a tensor's values (flattened), laid out as matrix_shape(shape)."""
        return cls(flat, *matrix_shape(shape), row_name=name, row_shape=list(shape), title=title)

    def draw(self, values: list, rows: int, cols: int, dtype: str = "float64", top: float = None,
             data: bytes = None):
        """Draw these numbers instead: a flat list, or a list of rows (then `top`, the largest |value|,
        and `data`, their bytes in `dtype`, come with them); colours scale to the largest |value|."""
        self._values = values
        with self.hold_sync():
            for name, value in _drawing(values, rows, cols, dtype, top, data).items():
                setattr(self, name, value)

    def value_at(self, row: int, col: int) -> float:
        """The number drawn at (row, col), exactly (the page shows it rounded)."""
        flat = row * self.cols + col
        nested = bool(self._values) and isinstance(self._values[0], list)
        if not (0 <= row < self.rows and 0 <= col < self.cols) or (not nested and flat >= len(self._values)):
            raise IndexError(f"({row}, {col}) is outside this map of {self.rows} rows and {self.cols} columns.")
        return self._values[row][col] if nested else self._values[flat]

    def label(self, row: int, col: int) -> str:
        """What the page writes for the element at (row, col): out[3] / in[0,7], or v[2,5]."""
        if self.kind == "matrix":
            return (f"{self.row_name}[{index_text(row, self.row_shape)}] / "
                    f"{self.col_name}[{index_text(col, self.col_shape)}]")
        return f"{self.row_name}[{index_text(row * self.cols + col, self.row_shape)}]" if self.row_shape \
            else self.row_name

    def on_click(self, callback):
        """Call `callback(row, col)` when an element of this (read-only) map is clicked."""
        self._clicks.append(callback)

    def _on_front_end(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("type") == "click":
            for callback in self._clicks:
                callback(int(content["row"]), int(content["col"]))

    def __repr__(self):
        return f"{type(self).__name__}({self.rows}x{self.cols}{', ' + self.title if self.title else ''})"


class GradientGrid(HeatMap):
    """The gradient v of one output, editable: an element at a time, one-hot, a whole row or column,
    all ones. `values` (flat, observable) is what a playground passes to backward()."""
    values = traitlets.List()

    def __init__(self, shape, name: str = "v", value: float = 1.0, title: str = ""):
        self.shape = tuple(shape)
        self.size = math.prod(self.shape)
        values = [float(value)] * self.size
        super().__init__(values, *matrix_shape(self.shape), row_name=name, row_shape=list(shape), editable=True,
                         title=title)
        self.values = values

    @traitlets.validate("values")
    def _check(self, proposal):
        values = [float(x) for x in proposal["value"]]
        if len(values) != self.size:
            raise traitlets.TraitError(f"v for an output of shape {list(self.shape)} holds {self.size} numbers, "
                                       f"not {len(values)}.")
        bad = next((x for x in values if not math.isfinite(x)), None)
        if bad is not None:
            raise traitlets.TraitError(f"v holds finite numbers, not {bad}: a gradient weight of {bad} cannot be "
                                       "drawn. Call backward() with that gradient yourself to see what it gives.")
        return values

    @traitlets.observe("values")
    def _redraw(self, change):
        self.draw(change["new"], *matrix_shape(self.shape))

    def set(self, index: int, value: float):
        """v[index] = value (index into the flattened output)."""
        self._in_range(index)
        values = list(self.values)
        values[index] = value
        self.values = values

    def one_hot(self, index: int):
        """v = e_index: 1 at that element, 0 elsewhere (one row of J reaches the inputs)."""
        self._in_range(index)
        self.values = [1.0 if i == index else 0.0 for i in range(self.size)]

    def only_row(self, row: int):
        """1 on every element of drawn row `row`, 0 elsewhere."""
        rows, cols = matrix_shape(self.shape)
        self._in_range(row * cols, f"row {row} (of {rows})")
        self.values = [1.0 if i // cols == row else 0.0 for i in range(self.size)]

    def only_column(self, col: int):
        """1 on every element of drawn column `col`, 0 elsewhere."""
        cols = matrix_shape(self.shape)[1]
        if not 0 <= col < cols:
            raise IndexError(f"column {col} is outside v, drawn with {cols} columns.")
        self.values = [1.0 if i % cols == col else 0.0 for i in range(self.size)]

    def fill(self, value: float):
        """Every element = value ("all ones": backward(torch.ones_like(out)))."""
        self.values = [float(value)] * self.size

    def _in_range(self, index, what=None):
        if not 0 <= index < self.size:
            raise IndexError(f"{what or f'element {index}'} is outside v, which has {self.size} elements "
                             f"(shape {list(self.shape)}).")

    def _on_front_end(self, _widget, content, _buffers):
        """The page's edits: the same calls as from Python; a value that is not a finite number is refused
        (the page keeps showing the values Python holds)."""
        if not isinstance(content, dict):
            return
        act = {"set": lambda: self.set(int(content["index"]), float(content["value"])),
               "one_hot": lambda: self.one_hot(int(content["index"])),
               "row": lambda: self.only_row(int(content["row"])),
               "column": lambda: self.only_column(int(content["col"])),
               "fill": lambda: self.fill(float(content["value"]))}.get(content.get("type"))
        if act is not None:
            try:
                act()
            except (traitlets.TraitError, IndexError, KeyError, TypeError, ValueError):
                self.send({"type": "refused"})
