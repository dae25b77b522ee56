"""walk(outputs) -> Graph: the backward graph behind `outputs` as plain nodes and edges.

Read through the public autograd attributes this core and PyTorch share (`grad_fn`,
`next_functions`, `variable`, `_saved_*`), so a learner's own PyTorch code draws too. Edges
follow the gradient: output tensor -> its grad_fn -> next_functions ... -> AccumulateGrad -> leaf.
The walk is iterative, so graphs of any depth work.
"""
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Mapping, Sequence

from .details import function_details, is_module, is_tensor, parameter_names, tensor_details
from .explain import explain
from .flow import order_of
from .modules import Paths, tag_of
from .names import notebook_models, notebook_tensors

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
    module: str = ""                # the dotted path of the module whose forward made it ("" for none, see modules.py)
    order: int = 1                  # derivative order of the backward that built it (graph/flow.py)

    def details(self, derivative: bool = True) -> dict:
        """What the node holds now, as plain data (see details.py); a backward function's with its
        `derivative` (explain.py's data: the panel shows it on a click) unless `derivative=False`."""
        if self.kind in ("leaf", "tensor"):
            return tensor_details(self.ref)
        if self.kind == "fold":
            return fold_details(self.ref)
        details = function_details(self.ref)
        return dict(details, derivative=explain(self.ref).to_data()) if derivative else details


@dataclass
class GraphEdge:
    src: str
    dst: str
    input_nr: int = 0               # which output of dst the gradient feeds (next_functions' second item)
    kind: str = "next"              # "next" (next_functions), "output" (tensor -> grad_fn), "variable"
    slot: int = 0                   # for "next": the position of dst in src's next_functions
    grad: str = ""                  # the gradient that flowed along it in the last backward recorded (flow.py)


@dataclass
class Graph:
    nodes: dict[str, GraphNode]     # id -> GraphNode, in walk order (outputs first)
    edges: list[GraphEdge]
    outputs: list[str]              # ids of the output tensors
    folded: int = 0                 # nodes drawn inside "fold" nodes
    modules: dict = field(default_factory=dict)  # module path -> `Linear(in_features=2, ...)`, for the paths used

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

    def to_data(self, derivatives: bool = False) -> dict:
        """The whole graph as JSON-able data: nodes with their details, and edges. Backward functions'
        derivatives (explain.py) only with `derivatives=True`: explaining every node is half the time
        of a 2,000-node graph's data, and a view explains a node only when it is clicked."""
        return {"nodes": [dict(id=n.id, kind=n.kind, title=n.title, name=n.name, module=n.module, order=n.order,
                               details=n.details(derivatives)) for n in self.nodes.values()],
                "edges": [dict(src=e.src, dst=e.dst, input_nr=e.input_nr, kind=e.kind, grad=e.grad) for e in self.edges],
                "outputs": list(self.outputs), "modules": dict(self.modules)}


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
    known, model = notebook_tensors(), None
    if is_module(names):
        known.update(parameter_names(names))
        model, names = names, None
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
            nodes[nid] = GraphNode(nid, kind, name or title, name, obj,
                                   order=order_of(obj.grad_fn if kind == "tensor" else obj) if kind != "leaf" else 1)
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
        for slot, (nxt, nr) in enumerate(fn.next_functions):
            if nxt is None:
                continue
            kind = "accumulate" if hasattr(nxt, "variable") else "fn"
            edges.append(GraphEdge(src, add(nxt, kind, type(nxt).__name__), nr, slot=slot))
            if id(nxt) not in seen:
                stack.append(nxt)
    # Named intermediate tensors (b = ..., out = ...) hang off the function that made them.
    extra = []
    for key, (name, t) in known.items():
        fn = t.grad_fn
        if key not in ids and fn is not None and id(fn) in ids:
            extra.append(GraphEdge(add(t, "tensor", "tensor"), ids[id(fn)], t.output_nr, "output"))
    paths = Paths(lambda: ([model] if model is not None else []) + notebook_models())
    _place(nodes, ids, paths)
    return Graph(nodes, extra + edges, out_ids, modules=paths.modules)


def _place(nodes, ids, paths):
    """Each node's module: a function's from its tag; a parameter's from its path (`fc1.weight` is fc1's)
    when that module made nodes here; an AccumulateGrad's from its parameter; a tensor's from its grad_fn."""
    for n in nodes.values():
        if n.kind == "fn":
            n.module = paths.path(tag_of(n.ref))
    for n in nodes.values():
        if n.kind == "leaf" and n.name.rpartition(".")[0] in paths.modules:
            n.module = n.name.rpartition(".")[0]
    for n in nodes.values():
        if n.kind == "accumulate":
            n.module = _module_of(nodes, ids, n.ref.variable)
        elif n.kind == "tensor":
            n.module = _module_of(nodes, ids, n.ref.grad_fn)


def _module_of(nodes, ids, obj):
    nid = ids.get(id(obj))
    return nodes[nid].module if nid is not None else ""
