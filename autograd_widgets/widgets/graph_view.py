"""GraphView: the backward graph drawn live in the notebook (Graphviz as WebAssembly, in the browser)."""
from pathlib import Path

import anywidget
import traitlets

from ..graph import walk
from ..graph.dot import base_id, labels, to_dot
from ..graph.model import is_freed

_BUNDLE = Path(__file__).resolve().parent.parent / "static" / "graph.js"


def _esm():
    if not _BUNDLE.exists():
        raise RuntimeError(
            f"The widget's front end ({_BUNDLE}) has not been built. Install the package with "
            "`pip install -e .` (it runs the npm build), or run `npm install && npm run build` in js/.")
    return _BUNDLE


class GraphView(anywidget.AnyWidget):
    """The graph behind `outputs`; values and grads on the nodes update in place via `refresh()`.

    Click a node: its id lands in `selected` and its details (data, grad, saved tensors, version) in
    the side panel. Saved tensors freed by a backward without retain_graph are drawn greyed.
    """
    _esm = _esm()
    dot = traitlets.Unicode("").tag(sync=True)
    labels = traitlets.Dict().tag(sync=True)
    labels_version = traitlets.Int(0).tag(sync=True)
    freed = traitlets.List().tag(sync=True)
    selected = traitlets.Unicode("").tag(sync=True)
    highlight = traitlets.Unicode("").tag(sync=True)
    details = traitlets.Dict().tag(sync=True)

    def __init__(self, outputs, names=None, max_nodes=250, **kwargs):
        super().__init__(**kwargs)
        self.graph = walk(outputs, names=names, max_nodes=max_nodes)
        self._sent = {}
        self.dot = to_dot(self.graph).source
        self.refresh()

    def refresh(self, freed=True):
        """Send the labels that changed (values, grads) and, with `freed`, which nodes' saved tensors
        a backward released (skip it when the graph is known to be retained: it reads every node)."""
        now = labels(self.graph)
        changed = {k: v for k, v in now.items() if self._sent.get(k) != v}
        if changed:
            self._sent = now
            self.labels = changed
            self.labels_version += 1
        if freed:
            self.freed = [n.id for n in self.graph.functions() if n.kind == "fn" and is_freed(n.ref)]
        if self.selected:
            self._show(self.selected)

    @traitlets.observe("selected")
    def _on_select(self, change):
        self._show(change["new"])

    def _show(self, node_id):
        node = self.graph.nodes.get(base_id(node_id))
        self.details = {} if node is None else {"title": f"{node.title} ({node.kind})",
                                                "rows": [list(r) for r in node.info()]}

    def __repr__(self):
        kinds = {}
        for n in self.graph.nodes.values():
            kinds[n.kind] = kinds.get(n.kind, 0) + 1
        parts = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))
        return f"GraphView({len(self.graph.nodes)} nodes: {parts})"


def show(*outputs, names=None):
    """The graph behind `outputs`, drawn live: `show(loss)` or `show(y1, y2, names={'x': x})`."""
    return GraphView(list(outputs), names=names)
