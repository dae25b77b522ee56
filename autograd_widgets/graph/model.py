"""walk(outputs) -> Graph: the backward graph behind `outputs` as plain nodes and edges.

Read through the public autograd attributes this core and PyTorch share (`grad_fn`,
`next_functions`, `variable`, `_saved_*`), so a learner's own PyTorch code draws too. Edges
follow the gradient: output tensor -> its grad_fn -> next_functions ... -> AccumulateGrad -> leaf.
The walk is iterative, so graphs of any depth work.
"""
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from .details import function_details, is_module, is_tensor, parameter_names, tensor_details
from .names import notebook_tensors

if TYPE_CHECKING:  # for annotations only; walk() takes PyTorch's tensors and modules as well
    from ..nn import Module
    from ..tensor import Tensor

KINDS = ("leaf", "tensor", "fn", "accumulate", "fold")


@dataclass
class GraphNode:
    """One drawn node.

    kind: "leaf", "tensor" (non-leaf), "fn" (a backward function), "accumulate" (AccumulateGrad) or
    "fold" (many nodes drawn as one; `ref` is then the list of their GraphNodes).
    """
    id: str
    kind: str
    title: str                      # the variable name, or the PyTorch class name of a function
    name: str = ""                  # the tensor's variable name in the notebook, if any
    ref: object = field(default=None, repr=False, compare=False)   # the tensor or backward function itself
    copy_of: str = ""               # drawn again beside another use: the id of the node it repeats

    def details(self) -> dict:
        """What the node holds now, as plain data (see details.py)."""
        if self.kind in ("leaf", "tensor"):
            return tensor_details(self.ref)
        if self.kind == "fold":
            return fold_details(self.ref)
        return function_details(self.ref)


@dataclass
class GraphEdge:
    src: str
    dst: str
    input_nr: int = 0               # which output of dst the gradient feeds (next_functions' second item)
    kind: str = "next"              # "next" (next_functions), "output" (tensor -> grad_fn), "variable"


@dataclass
class Graph:
    nodes: dict[str, GraphNode]     # id -> GraphNode, in walk order (outputs first)
    edges: list[GraphEdge]
    outputs: list[str]              # ids of the output tensors
    folded: int = 0                 # nodes drawn inside "fold" nodes

    def leaves(self) -> list[GraphNode]:
        return [n for n in self.nodes.values() if n.kind == "leaf"]

    def functions(self) -> list[GraphNode]:
        return [n for n in self.nodes.values() if n.kind in ("fn", "accumulate")]

    def id_of(self, obj: object) -> "str | None":
        """The id of the node drawing `obj` (a tensor or backward function), or None."""
        for n in self.nodes.values():
            if n.ref is obj:
                return n.id
        return None

    def to_data(self) -> dict:
        """The whole graph as JSON-able data: nodes with their details, and edges."""
        return {"nodes": [dict(id=n.id, kind=n.kind, title=n.title, name=n.name, details=n.details())
                          for n in self.nodes.values()],
                "edges": [dict(src=e.src, dst=e.dst, input_nr=e.input_nr, kind=e.kind) for e in self.edges],
                "outputs": list(self.outputs)}


def fold_details(members: list[GraphNode]) -> dict:
    counts = {}
    for m in members:
        key = "leaf tensors" if m.kind == "leaf" else "tensors" if m.kind == "tensor" else m.title
        counts[key] = counts.get(key, 0) + 1
    return {"nodes": len(members), **{k: counts[k] for k in sorted(counts, key=lambda k: -counts[k])}}


def walk(outputs: "Tensor | Sequence[Tensor]", names: "Mapping[str, Tensor] | Module | None" = None) -> Graph:
    """The graph behind `outputs` (a tensor or a list of them).

    `names`: {name: tensor} labels tensors (`dict(model.named_parameters())`, or the model itself);
    tensors it leaves out take their variable names in the notebook (IPython's user namespace), and
    the parameters of models there their paths (`fc1.weight`). Named non-leaf tensors (`b = ...`)
    are drawn beside the function that made them.
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if not outputs or not all(is_tensor(o) for o in outputs):
        got = ", ".join(sorted({type(o).__name__ for o in outputs})) or "nothing"
        raise TypeError(f"walk() takes a tensor or a list of tensors (got {got}), e.g. walk(loss) or "
                        "walk([y1, y2]).")
    known = notebook_tensors()
    if is_module(names):
        known.update(parameter_names(names))
        names = None
    if names:
        bad = [k for k, v in names.items() if not is_tensor(v)]
        if bad:
            raise TypeError(f"names maps a name to a tensor, e.g. names={{'x': x}}; {bad[0]!r} is not a tensor.")
        known.update({id(t): (n, t) for n, t in names.items()})
    nodes, edges, ids = {}, [], {}

    def add(obj, kind, title):
        key = id(obj)
        nid = ids.get(key)
        if nid is None:
            nid = ids[key] = f"n{len(ids)}"
            name = known[key][0] if kind in ("leaf", "tensor") and key in known else ""
            nodes[nid] = GraphNode(nid, kind, name or title, name, obj)
        return nid

    out_ids, stack = [], []
    for t in outputs:
        fn = t.grad_fn
        tid = add(t, "tensor" if fn is not None else "leaf", "output")
        out_ids.append(tid)
        if fn is not None:
            edges.append(GraphEdge(tid, add(fn, "fn", type(fn).__name__), t.output_nr, "output"))
            stack.append(fn)
    seen = set()
    while stack:
        fn = stack.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        src = ids[id(fn)]
        variable = getattr(fn, "variable", None)
        if variable is not None:  # AccumulateGrad: the gradient lands in this leaf's .grad
            edges.append(GraphEdge(src, add(variable, "leaf", "leaf"), 0, "variable"))
        for nxt, nr in fn.next_functions:
            if nxt is None:
                continue
            kind = "accumulate" if hasattr(nxt, "variable") else "fn"
            edges.append(GraphEdge(src, add(nxt, kind, type(nxt).__name__), nr))
            if id(nxt) not in seen:
                stack.append(nxt)
    # Named intermediate tensors (b = ..., out = ...) hang off the function that made them.
    extra = []
    for key, (name, t) in known.items():
        fn = t.grad_fn
        if key not in ids and fn is not None and id(fn) in ids:
            extra.append(GraphEdge(add(t, "tensor", "tensor"), ids[id(fn)], t.output_nr, "output"))
    return Graph(nodes, extra + edges, out_ids)
