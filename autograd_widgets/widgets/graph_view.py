"""GraphView: the backward graph drawn live in the notebook (Graphviz as WebAssembly, in the browser).

    view = autograd_widgets.show(loss)      # or GraphView(loss, names={"x": x}, max_nodes=300)
    view.selected                           # id of the node clicked last ("" for none)
    view.refresh()                          # values and grads changed: patch the drawn labels in place

Every view carries only a small loader (`_esm`, widgets/loader.js) and the DOT text; the bundle
with Graphviz's WebAssembly lives in one hidden runtime widget per kernel (`shared_runtime()`).
Additions beyond show()/selected: `graph` (the full graph model), `drawn` (what is drawn, large
graphs folded, see graph/fold.py), `labels` (node id -> label lines now), `freed` (ids of
functions whose saved tensors a backward freed), `marks` (node id -> "current" | "ready" | "done"
| "waiting", used by BackwardStepper), `details` (the side panel's content).
"""
from pathlib import Path

import anywidget
import traitlets

from ..graph import fold, is_freed, labels, to_dot, walk
from ..graph.dot import grad_line, has_grad_line, label_lines
from ._parts import ClosesParts

_HERE = Path(__file__).resolve().parent
BUNDLE = _HERE.parent / "static" / "graph.js"
MAX_NODES = 300  # larger graphs are folded to about this many nodes (a layout of 300 takes ~50 ms)


class _Runtime(anywidget.AnyWidget):
    """Never displayed: carries the front-end bundle once; GraphViews reach it through anywidget's host."""
    _esm = BUNDLE
    _shared = True  # every GraphView uses it: closing a view leaves it open (widgets/_parts.py)

    def __repr__(self):
        return "GraphView runtime"


_runtime = None


def shared_runtime():
    """The kernel's one runtime widget (created on first use)."""
    global _runtime
    if _runtime is None or _runtime.comm is None:
        if not BUNDLE.exists():
            raise RuntimeError(
                f"GraphView's front end ({BUNDLE}) has not been built. Install the package with "
                "`pip install -e .` (its build runs npm), or run `npm ci && npm run build` in js/.")
        _runtime = _Runtime()
    return _runtime


class GraphView(ClosesParts, anywidget.AnyWidget):
    """The graph behind `outputs`, drawn with pan and zoom; values and grads update in place.

    Click a node: its id lands in `selected` and its details (data, grad, saved tensors, version)
    in the side panel. Saved tensors freed by a backward without retain_graph are drawn greyed.
    """
    # The loader's text, not its path: anywidget ties every widget made from a path to that file's
    # change signal for good, which would keep each view (and its graph) alive after close().
    _esm = (_HERE / "loader.js").read_text(encoding="utf-8")
    runtime = anywidget.WidgetTrait().tag(sync=True)
    dot = traitlets.Unicode("").tag(sync=True)
    freed = traitlets.List().tag(sync=True)
    marks = traitlets.Dict().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    details = traitlets.Dict().tag(sync=True)

    def __init__(self, outputs, names=None, max_nodes=MAX_NODES, **kwargs):
        graph = walk(outputs, names=names)
        super().__init__(runtime=shared_runtime(), **kwargs)
        self.max_nodes = max_nodes
        self._draw(graph, fold(graph, max_nodes))
        self.on_msg(self._on_front_end)

    def _draw(self, graph, drawn):
        self._use(graph, drawn)
        self.labels = labels(drawn)
        self.dot = to_dot(drawn).source
        self.freed = self._freed()

    def _use(self, graph, drawn):
        self.graph, self.drawn = graph, drawn
        self._functions = [n for n in drawn.functions() if n.kind == "fn"]
        self._tensors = [n for n in drawn.nodes.values() if n.kind in ("leaf", "tensor")]

    def update(self, outputs, names=None):
        """Draw the graph behind `outputs` instead. If it has the same structure as the one drawn (the
        same program run again), the layout stays and only the changed labels are sent."""
        graph = walk(outputs, names=names)
        drawn = fold(graph, self.max_nodes)
        if _structure(drawn) != _structure(self.drawn):
            self.selected = ""
            self._draw(graph, drawn)
        else:
            self._use(graph, drawn)
            self.refresh()

    def refresh(self, freed=True, data=True):
        """Send the label lines that changed (values, grads), the panel, and, with `freed`, which
        functions' saved tensors a backward freed. Without `data` only the grad lines are read
        again (a backward changes nothing else)."""
        if data:
            self.set_labels({n.id: label_lines(n) for n in self._tensors})  # functions' labels never change
        else:
            self.set_labels({n.id: self.labels[n.id][:2] + [grad_line(n)] for n in self._tensors if has_grad_line(n)})
        if freed:
            now = self._freed()
            if now != self.freed:
                self.freed = now
        if self.selected:
            self._show(self.selected)

    def set_labels(self, lines):
        """Draw these label lines ({node id: lines}) instead of the live values (BackwardStepper replays)."""
        changed = {k: v for k, v in lines.items() if self.labels.get(k) != v}
        self.labels = {**self.labels, **changed}
        if changed:
            self.send({"type": "labels", "labels": changed})

    def _freed(self):
        return [n.id for n in self._functions if is_freed(n.ref)]

    def _on_front_end(self, _widget, content, _buffers):
        if isinstance(content, dict) and content.get("type") == "labels?":  # a view was drawn (again)
            self.send({"type": "labels", "labels": self.labels})

    @traitlets.observe("selected")
    def _on_select(self, change):
        self._show(change["new"])

    def _show(self, node_id):
        node = self.drawn.nodes.get(node_id)
        if node is None:
            self.details = {}
            return
        kind = {"leaf": "leaf tensor", "tensor": "non-leaf tensor", "fn": "backward function",
                "accumulate": "AccumulateGrad", "fold": "folded nodes"}[node.kind]
        details = node.details()
        derivative = details.pop("derivative", None)  # drawn as formulas, not as a row
        self.details = {"id": node.id, "title": f"{node.title} ({kind})",
                        "rows": [[k, str(v)] for k, v in details.items()], "derivative": derivative}

    def __repr__(self):
        kinds = {}
        for n in self.graph.nodes.values():
            kinds[n.kind] = kinds.get(n.kind, 0) + 1
        parts = ", ".join(f"{kinds[k]} {k}" for k in ("tensor", "leaf", "fn", "accumulate") if k in kinds)
        folded = f", drawn as {len(self.drawn.nodes)}" if self.drawn is not self.graph else ""
        return f"GraphView({len(self.graph.nodes)} nodes: {parts}{folded})"


def _structure(graph):
    return ([(n.id, n.kind, n.title) for n in graph.nodes.values()],
            [(e.src, e.dst, e.kind) for e in graph.edges])


def show(*outputs, names=None, max_nodes=MAX_NODES):
    """The graph behind `outputs`, drawn live: `show(loss)`, `show(y1, y2, names={"x": x})` or
    `show(loss, names=model)` (its parameters named `fc1.weight`, ...)."""
    if not outputs:
        raise TypeError("show() needs at least one tensor, e.g. show(loss).")
    return GraphView(list(outputs), names=names, max_nodes=max_nodes)
