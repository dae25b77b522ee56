"""GraphView: the backward graph drawn live in the notebook (Graphviz as WebAssembly, in the browser).

    view = autograd_widgets.show(loss)      # or GraphView(loss, names={"x": x}, max_nodes=300)
    view.selected                           # id of the node clicked last ("" for none)
    view.refresh()                          # values and grads changed: patch the drawn labels in place

Every view carries only a small loader (`_esm`, widgets/loader.js) and the DOT text; the bundle
with Graphviz's WebAssembly lives in one hidden runtime widget per kernel (`shared_runtime()`).
Additions beyond show()/selected: `graph` (the full graph model), `drawn` (what is drawn, large
graphs folded, see graph/fold.py), `labels` (node id -> label lines now), `freed` (ids of
functions whose saved tensors a backward freed), `marks` (node id -> "current" | "ready" | "done"
| "waiting", used by BackwardStepper), `details` (the side panel's content), `collapsed` (paths of
the modules drawn as one node; a click on a module's label toggles it, see graph/modules.py),
`gradients` and `flow` (edges labelled with the last backward's gradients, graph/flow.py), `hidden`
(nodes whose grad a quiz hides, `hide_grads()`), `saved_labels` (the labels after the last cell,
for pages with saved widget state and no kernel).
"""
import weakref
from pathlib import Path

import anywidget
import traitlets
from IPython import get_ipython

from ..graph import collapse, fold, is_freed, labels, to_dot, walk
from ..graph.dot import edge_label, grad_line, has_grad_line, label_lines
from ..graph.flow import Flow, edges_by_function, label_edges
from ._parts import ClosesParts
from .static import StaticFallback

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


class GraphView(ClosesParts, StaticFallback, anywidget.AnyWidget):
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
    collapsed = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # The labels as of the end of the last cell run (IPython's post_run_cell): what a page with saved
    # widget state (an HTML export) draws with no kernel to answer for the live ones.
    saved_labels = traitlets.Dict().tag(sync=True)
    flow = None  # set in __init__; a view whose __init__ failed is still closed by ipywidgets' __del__

    def __init__(self, outputs, names=None, max_nodes=MAX_NODES, collapsed=None, gradients=False, **kwargs):
        """`collapsed`: the module paths drawn as one node each, True for all, False for none; by default
        all when the graph has more than `max_nodes` nodes. `gradients=True`: every edge is labelled
        with what flowed along it in the last backward, from hooks on the graph's nodes (so the
        learner's own backward() calls show); "replay": labelled by whoever recorded the backward
        (BackwardStepper), no hooks."""
        graph = walk(outputs, names=names)
        collapsed = _collapsed_at_first(graph, collapsed, max_nodes)
        super().__init__(runtime=shared_runtime(), **kwargs)
        self.max_nodes, self.graph = max_nodes, graph
        self.gradients = bool(gradients)
        self.flow = Flow(self._on_flow) if gradients is True else None
        self.hidden = frozenset()  # ids of nodes whose grad reads "?" (a quiz asks for it, widgets/quiz.py)
        if collapsed:
            self.collapsed = collapsed  # draws (_on_collapse)
        else:
            self._draw(graph, self._fold(graph))
        self.on_msg(self._on_front_end)
        _save_after_each_cell(self)

    def _fold(self, graph):
        return fold(collapse(graph, self.collapsed), self.max_nodes)

    def _draw(self, graph, drawn):
        self._use(graph, drawn)
        self.labels = {**labels(drawn, self.hidden), **self._edge_labels(drawn)}
        self.dot = to_dot(drawn, gradients=self.gradients, hidden=self.hidden).source
        self.freed = self._freed()

    def _use(self, graph, drawn):
        self.graph, self.drawn = graph, drawn
        self._functions = [n for n in drawn.functions() if n.kind == "fn"]
        self._tensors = [n for n in drawn.nodes.values() if n.kind in ("leaf", "tensor")]
        if self.flow is not None:
            self._edges_at = edges_by_function(drawn)  # the drawn edges each backward function labels
            self.flow.watch(graph)

    # --- gradients on the edges (graph/flow.py) ---------------------------------------------------
    def _edge_labels(self, drawn):
        if not self.gradients:
            return {}
        if self.flow is not None:
            label_edges(drawn, self.flow)
        return {f"e{i}": [edge_label(drawn, e, bool(self.hidden))] for i, e in enumerate(drawn.edges)}

    def _on_flow(self, fn):
        changed = label_edges(self.drawn, self.flow, self._edges_at.get(id(fn), ()))
        if changed:
            self.set_labels({f"e{i}": [edge_label(self.drawn, self.drawn.edges[i], bool(self.hidden))] for i in changed})

    def set_edge_grads(self, texts, others_blank=True):
        """Label the drawn edges with these gradient texts ({edge index: text}), the others blank (or,
        with `others_blank=False`, as they are), as a recorded backward replays (BackwardStepper)."""
        lines = {}
        for i in range(len(self.drawn.edges)) if others_blank else texts:
            e = self.drawn.edges[i]
            e.grad = texts.get(i, "")
            lines[f"e{i}"] = [edge_label(self.drawn, e, bool(self.hidden))]
        self.set_labels(lines)

    def hide_grads(self, ids):
        """Draw `grad ?` in the nodes `ids` (and `?` on every edge while any is hidden), until called
        again with fewer: a quiz hides what the learner is predicting."""
        self.hidden = frozenset(ids)
        self.set_labels(self._edge_labels(self.drawn))
        self.refresh(freed=False)

    def close(self):
        if self.flow is not None:
            self.flow.close()
        super().close()

    def update(self, outputs, names=None):
        """Draw the graph behind `outputs` instead. If it has the same structure as the one drawn (the
        same program run again), the layout stays and only the changed labels are sent."""
        graph = walk(outputs, names=names)
        drawn = self._fold(graph)
        if _structure(drawn) != _structure(self.drawn):
            self.selected = ""
            self._draw(graph, drawn)
        else:
            self._use(graph, drawn)
            self.set_labels(self._edge_labels(drawn))
            self.refresh()

    def refresh(self, freed=True, data=True):
        """Send the label lines that changed (values, grads), the panel, and, with `freed`, which
        functions' saved tensors a backward freed. Without `data` only the grad lines are read
        again (a backward changes nothing else)."""
        if data:
            self.set_labels({n.id: label_lines(n, self._hides(n)) for n in self._tensors})  # functions' never change
        else:
            self.set_labels({n.id: self.labels[n.id][:2] + [grad_line(n, self._hides(n))] for n in self._tensors
                             if has_grad_line(n)})
        if freed:
            now = self._freed()
            if now != self.freed:
                self.freed = now
        if self.selected:
            self._show(self.selected)

    def _hides(self, node):
        return (node.copy_of or node.id) in self.hidden

    def set_labels(self, lines):
        """Draw these label lines ({node id: lines}) instead of the live values (BackwardStepper replays)."""
        changed = {k: v for k, v in lines.items() if self.labels.get(k) != v}
        self.labels = {**self.labels, **changed}
        if changed:
            self.send({"type": "labels", "labels": changed})

    def _freed(self):
        return [n.id for n in self._functions if is_freed(n.ref)]

    def _on_front_end(self, _widget, content, _buffers):
        if not isinstance(content, dict):
            return
        if content.get("type") == "labels?":  # a view was drawn (again)
            self.send({"type": "labels", "labels": self.labels})
        elif content.get("type") == "module" and content.get("path") in self.graph.modules:  # a click on its label
            self.toggle(content["path"])

    def toggle(self, path):
        """Collapse the module at `path` (`fc1`, `block.fc`) into one node, or expand it back."""
        if path not in self.graph.modules:
            raise ValueError(f"toggle() takes the path of a module in this graph ({_known(self.graph)}); "
                             f"got {path!r}.")
        self.collapsed = [p for p in self.collapsed if p != path] if path in self.collapsed else \
            [*self.collapsed, path]

    @traitlets.observe("collapsed")
    def _on_collapse(self, change):
        drawn = self._fold(self.graph)
        if self.selected not in drawn.nodes:
            self.selected = ""
        self._draw(self.graph, drawn)

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
        rows = [[k, "? (predict it first)" if k == "grad" and self._hides(node) else str(v)]
                for k, v in details.items()]
        if node.module:
            rows.append(["module", f"{node.module}: {self.graph.modules.get(node.module, '')}"])
        if node.order > 1:
            rows.append(["derivative order", f"{node.order} (built by a create_graph backward)"])
        self.details = {"id": node.id, "title": f"{node.title} ({kind})", "rows": rows, "derivative": derivative}

    def _static_views(self):
        return [self]

    def __repr__(self):
        kinds = {}
        for n in self.graph.nodes.values():
            kinds[n.kind] = kinds.get(n.kind, 0) + 1
        parts = ", ".join(f"{kinds[k]} {k}" for k in ("tensor", "leaf", "fn", "accumulate") if k in kinds)
        folded = f", drawn as {len(self.drawn.nodes)}" if self.drawn is not self.graph else ""
        return f"GraphView({len(self.graph.nodes)} nodes: {parts}{folded})"


def _collapsed_at_first(graph, collapsed, max_nodes):
    if collapsed is None:  # a large model starts as its modules, each one node
        collapsed = len(graph.nodes) > max_nodes
    if isinstance(collapsed, bool):
        return list(graph.modules) if collapsed else []
    if isinstance(collapsed, str) or any(p not in graph.modules for p in collapsed):
        raise ValueError(f"collapsed takes True, False or a list of module paths in this graph ({_known(graph)}); "
                         f"got {collapsed!r}.")
    return list(collapsed)


def _known(graph):
    return ", ".join(sorted(graph.modules)) or "none: no module made these nodes"


_views = weakref.WeakSet()  # open GraphViews whose labels are saved after each cell
_hooked = False


def _save_after_each_cell(view):
    """Copy each open view's labels into `saved_labels` after every cell IPython runs (one sync per
    changed view and cell, none per slider move)."""
    global _hooked
    _views.add(view)
    if _hooked:
        return
    ip = get_ipython()
    if ip is None:
        return
    ip.events.register("post_run_cell", save_labels)
    _hooked = True


def save_labels(*_):
    """Store the labels drawn now in every open view's synced state (post_run_cell calls it)."""
    for view in list(_views):
        if view.comm is not None and view.saved_labels != view.labels:
            view.saved_labels = dict(view.labels)


def _structure(graph):
    return ([(n.id, n.kind, n.title, n.order) for n in graph.nodes.values()],
            [(e.src, e.dst, e.kind) for e in graph.edges])


def show(*outputs, names=None, max_nodes=MAX_NODES, collapsed=None, gradients=False):
    """The graph behind `outputs`, drawn live: `show(loss)`, `show(y1, y2, names={"x": x})` or
    `show(loss, names=model)` (its parameters named `fc1.weight`, ...); each module a cluster,
    `collapsed=["fc1"]` (or True) draws modules as one node each. With `gradients=True` each edge
    shows the gradient that flowed along it in the last backward (values, or the shape of a large
    one), and nodes a create_graph backward built are coloured by derivative order."""
    if not outputs:
        raise TypeError("show() needs at least one tensor, e.g. show(loss).")
    return GraphView(list(outputs), names=names, max_nodes=max_nodes, collapsed=collapsed, gradients=gradients)
