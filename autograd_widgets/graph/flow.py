"""The gradient that flowed along each edge of a graph in its last backward, and derivative orders.

    flow = Flow()
    flow.watch(graph)                  # a hook on every backward function (this core and PyTorch alike)
    loss.backward()                    # ... whoever runs it: the learner, a widget
    label_edges(graph, flow)           # each GraphEdge's `grad`: "[1., 2.]", or "3×4" for a larger tensor
    flow.close()                       # the hooks go

`flow.record(fn, grad_inputs, grad_outputs)` takes the same from elsewhere, e.g. the steps of
this core's `engine.observe()`; `Replay(records)` is the flow after any number of recorded steps
(BackwardStepper). A backward with create_graph=True builds new nodes: each gets
`metadata["derivative_order"]`, one more than the node whose backward built it (the nodes of the
graph a Flow watches are order 1 unless already marked higher).
"""
import weakref

from .details import is_tensor, values

ORDER = "derivative_order"  # the key in a node's `metadata` dict (this core and PyTorch both have one)
SMALL = 4  # gradients with at most this many numbers are written out; larger ones by their shape


def describe(g) -> str:
    """An edge's label: the gradient's values when small ('[1., 2.]'), else its shape ('3×4')."""
    if g is None:
        return "None"
    if g.numel() <= SMALL:
        return values(g, SMALL)
    return "×".join(str(s) for s in g.shape)


def room(shape) -> int:
    """Characters an edge label needs for a gradient of `shape` (8 per number, as node labels reserve)."""
    if shape is None:
        return 8
    n = 1
    for s in shape:
        n *= s
    return 2 * len(shape) + 8 * n if n <= SMALL else len("×".join(str(s) for s in shape))


def order_of(fn) -> int:
    """The derivative order of the backward pass that built `fn` (1: an ordinary forward)."""
    meta = getattr(fn, "metadata", None)
    return meta.get(ORDER, 1) if isinstance(meta, dict) else 1


class Flow:
    """The gradients of the last backward through some backward functions, as label texts.

    `sent[id(fn)]`: what fn sent along each of its next_functions; `arrived[id(fn)]`: what arrived
    at each of its outputs. `on_record(fn)` is called after each record (a view redraws labels).
    """

    def __init__(self, on_record=None):
        self.sent, self.arrived = {}, {}
        self.on_record = on_record
        self._handles = []

    def record(self, fn, grad_inputs, grad_outputs):
        self.sent[id(fn)], self.arrived[id(fn)] = texts(grad_inputs, grad_outputs)
        mark_orders(fn, grad_inputs or ())
        if self.on_record is not None:
            self.on_record(fn)

    def watch(self, graph):
        """Hook every backward function of `graph`, AccumulateGrad too (replacing the hooks of an earlier watch).
        The hooks hold the Flow weakly: a node may outlive the view, and must not keep it alive."""
        self.close()
        me = weakref.ref(self)

        def record(fn, grad_inputs, grad_outputs):
            flow = me()
            if flow is not None:
                flow.record(fn, grad_inputs, grad_outputs)

        for n in graph.functions():
            fn = n.ref
            meta = getattr(fn, "metadata", None)
            if isinstance(meta, dict):
                meta.setdefault(ORDER, 1)
            self._handles.append(fn.register_hook(lambda gi, go, fn=fn: record(fn, gi, go)))

    def close(self):
        for h in self._handles:
            h.remove()
        self._handles = []


class Replay:
    """The Flow after the first `position` of one backward's recorded steps [(id(fn), sent texts,
    arrived texts)], as if those steps were recorded from the start: moving costs the steps moved
    over, never the ones before them (stepping through n steps is linear in n). A backward runs each
    function once, so undoing a step removes its function's texts."""

    def __init__(self, records: list):
        self.records, self.flow, self.position = records, Flow(), 0

    def move_to(self, position: int) -> set:
        """Replay forward or undo back to `position`; returns the ids of the functions whose texts changed."""
        flow, changed = self.flow, set()
        while self.position < position:
            key, flow.sent[key], flow.arrived[key] = self.records[self.position]
            changed.add(key)
            self.position += 1
        while self.position > position:
            self.position -= 1
            key = self.records[self.position][0]
            del flow.sent[key], flow.arrived[key]
            changed.add(key)
        return changed


def edges_by_function(graph) -> dict:
    """id(backward function) -> indices of the edges whose gradient text its backward gives (edge_text)."""
    at = {}
    for i, e in enumerate(graph.edges):
        end = graph.nodes[e.dst if e.kind == "output" else e.src]
        if end.kind in ("fn", "accumulate"):
            at.setdefault(id(end.ref), []).append(i)
    return at


def texts(grad_inputs, grad_outputs):
    """What fn sent along each next_functions edge and what arrived at each of its outputs, as label texts.
    (Both engines hand a node's hooks its grad_inputs already summed to the shape the next node takes.)"""
    return [describe(g) for g in grad_inputs or ()], [describe(g) for g in grad_outputs or ()]


def mark_orders(fn, grad_inputs):
    """Gradients that carry a grad_fn were built by fn's backward under create_graph: every node
    behind them not yet marked is one derivative order above fn."""
    order = order_of(fn) + 1
    stack = [g.grad_fn for g in grad_inputs if is_tensor(g) and g.grad_fn is not None]
    while stack:
        node = stack.pop()
        meta = getattr(node, "metadata", None)
        if not isinstance(meta, dict) or ORDER in meta:
            continue
        meta[ORDER] = order
        stack.extend(nxt for nxt, _ in node.next_functions if nxt is not None)


def edge_text(graph, edge, flow) -> str:
    """What flowed along `edge` in the flow's backward ("" when nothing was recorded for it)."""
    src, dst = graph.nodes[edge.src], graph.nodes[edge.dst]
    if edge.kind == "output":  # tensor -> its grad_fn: the gradient that arrived at that output
        texts, k = flow.arrived.get(id(dst.ref)) if dst.kind == "fn" else None, edge.input_nr
    elif edge.kind == "variable":  # AccumulateGrad -> its leaf
        texts, k = flow.arrived.get(id(src.ref)) if src.kind == "accumulate" else None, 0
    else:
        texts, k = flow.sent.get(id(src.ref)) if src.kind in ("fn", "accumulate") else None, edge.slot
    return texts[k] if texts is not None and k < len(texts) else ""


def label_edges(graph, flow, edges=None):
    """Set `grad` on the graph's edges (or those at the indices `edges`); returns {index: text} of
    the ones that changed."""
    changed = {}
    for i in range(len(graph.edges)) if edges is None else edges:
        e = graph.edges[i]
        text = edge_text(graph, e, flow)
        if text != e.grad:
            e.grad = changed[i] = text
    return changed


def edge_shape(graph, edge):
    """The shape of the gradient `edge` carries, where the nodes tell it (None otherwise)."""
    src, dst = graph.nodes[edge.src], graph.nodes[edge.dst]
    if edge.kind == "output" and src.kind in ("leaf", "tensor"):
        return tuple(src.ref.shape)
    if edge.kind == "variable" and dst.kind == "leaf":
        return tuple(dst.ref.shape)
    if dst.kind in ("fn", "accumulate"):
        return input_shape(dst.ref, edge.input_nr)
    return None


def input_shape(fn, nr):
    """The shape of the gradient backward function `fn` takes at its output `nr` (None if unknown)."""
    variable = getattr(fn, "variable", None)
    if variable is not None:
        return tuple(variable.shape)
    try:  # this core's _meta, PyTorch's _input_metadata
        meta = getattr(fn, "_meta", None)
        return tuple(meta[nr][0]) if meta is not None else tuple(fn._input_metadata[nr].shape)
    except (AttributeError, IndexError, TypeError):
        return None

