"""walk(outputs) -> Graph: the backward graph behind `outputs`, read through the public autograd
attributes both this core and PyTorch have (`grad_fn`, `next_functions`, `variable`, `_saved_*`).

Nodes are tensors (outputs, named intermediates, leaves) and backward functions; edges follow
the gradient: output tensor -> its grad_fn -> next_functions ... -> AccumulateGrad -> leaf.
The walk is iterative, so graphs of any depth work.
"""
from dataclasses import dataclass, field


@dataclass
class GraphNode:
    """One drawn node. `kind`: "leaf", "tensor" (non-leaf), "fn" (a backward function) or "accumulate"."""
    id: str
    kind: str
    title: str                      # PyTorch class name, or the tensor's variable name
    name: str = ""                  # the variable name in the notebook, if any
    ref: object = field(default=None, repr=False, compare=False)   # the tensor or node itself

    def info(self):
        """Details of the node as it is now: data, grad, version, saved tensors (freed or not)."""
        return tensor_info(self.ref) if self.kind in ("leaf", "tensor") else function_info(self.ref)


@dataclass
class GraphEdge:
    src: str
    dst: str
    input_nr: int = 0
    kind: str = "next"             # "next" (next_functions), "output" (tensor -> grad_fn), "variable"


@dataclass
class Graph:
    nodes: dict                     # id -> GraphNode, in walk order (outputs first)
    edges: list
    outputs: list                   # ids of the output tensors
    collapsed: int = 0              # backward functions folded into "... n ops ..." nodes

    def leaves(self):
        return [n for n in self.nodes.values() if n.kind == "leaf"]

    def functions(self):
        return [n for n in self.nodes.values() if n.kind in ("fn", "accumulate")]

    def id_of(self, obj):
        for n in self.nodes.values():
            if n.ref is obj:
                return n.id
        return None


def is_tensor(x):
    """A tensor of this core or of PyTorch (duck-typed: the graph model never imports torch)."""
    return hasattr(x, "grad_fn") and hasattr(x, "requires_grad") and hasattr(x, "shape")


def notebook_names():
    """Variable names of tensors in the IPython user namespace ({id(tensor): name}), if running in IPython."""
    try:
        from IPython import get_ipython
    except ImportError:
        return {}
    ip = get_ipython()
    if ip is None:
        return {}
    found = {}
    for name, value in list(ip.user_ns.items()):
        if not name.startswith("_") and is_tensor(value):
            found.setdefault(id(value), name)
    return found


def walk(outputs, names=None, max_nodes=None):
    """The graph behind `outputs` (a tensor or a list of them).

    `names`: {name: tensor} to label tensors; by default the notebook's variable names are used.
    `max_nodes`: fold backward functions into bands of depths so the drawing stays about that size.
    """
    outputs = [outputs] if is_tensor(outputs) else list(outputs)
    if not outputs or not all(is_tensor(o) for o in outputs):
        raise TypeError("walk() takes a tensor or a list of tensors, e.g. walk(loss) or walk([y1, y2]).")
    by_id = notebook_names()
    if names:
        by_id.update({id(t): n for n, t in names.items()})
    nodes, edges, ids = {}, [], {}

    def add(obj, kind, title):
        key = id(obj)
        if key not in ids:
            ids[key] = f"n{len(ids)}"
            name = by_id.get(key, "") if kind in ("leaf", "tensor") else ""
            nodes[ids[key]] = GraphNode(ids[key], kind, name or title, name, obj)
        return ids[key]

    out_ids = []
    stack = []
    for t in outputs:
        tid = add(t, "tensor" if t.grad_fn is not None else "leaf", "output")
        out_ids.append(tid)
        if t.grad_fn is not None:
            stack.append(t.grad_fn)
            edges.append(GraphEdge(tid, add(t.grad_fn, "fn", type(t.grad_fn).__name__), 0, "output"))
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
            stack.append(nxt)
    # Named intermediate tensors (b = ..., out = ...) hang off the function that made them.
    named = {}
    if names:
        named.update({id(t): t for t in names.values() if is_tensor(t)})
    try:
        from IPython import get_ipython
        ip = get_ipython()
        if ip is not None:
            named.update({id(v): v for k, v in ip.user_ns.items() if not k.startswith("_") and is_tensor(v)})
    except ImportError:
        pass
    for key, t in named.items():
        fn = t.grad_fn
        if key not in ids and fn is not None and id(fn) in ids:
            edges.insert(0, GraphEdge(add(t, "tensor", "tensor"), ids[id(fn)], 0, "output"))
    graph = Graph(nodes, edges, out_ids)
    if max_nodes is not None and len(nodes) > max_nodes:
        _collapse(graph, max_nodes)
    return graph


def _collapse(graph, max_nodes):
    """Fold backward functions into bands of consecutive depths ("... 30 ops (10x MulBackward0, ...) ...")
    so that about `max_nodes` nodes are drawn; tensors, leaves and AccumulateGrad stay as they are."""
    depth, order = {}, []
    children = {}
    for e in graph.edges:
        children.setdefault(e.src, []).append(e.dst)
    frontier = [i for i in graph.outputs]
    for i in frontier:
        depth[i] = 0
    while frontier:  # breadth first from the outputs: a node's depth is its distance from them
        nxt = []
        for i in frontier:
            order.append(i)
            for j in children.get(i, ()):
                if j not in depth:
                    depth[j] = depth[i] + 1
                    nxt.append(j)
        frontier = nxt
    fns = [i for i in order if graph.nodes[i].kind == "fn"]
    budget = max(1, max_nodes - (len(graph.nodes) - len(fns)))
    span = max(depth[i] for i in fns) + 1 if fns else 1
    width = -(-span // budget)  # depths per band
    if width <= 1:
        return
    band_of, members = {}, {}
    for i in fns:
        band = f"band{depth[i] // width}"
        band_of[i] = band
        members.setdefault(band, []).append(i)
    for band, ids in members.items():
        if len(ids) == 1:  # a band of one stays the node it is
            band_of[ids[0]] = ids[0]
            continue
        titles = [graph.nodes[i].title for i in ids]
        graph.nodes[band] = GraphNode(band, "fold", f"... {len(ids)} ops ({_summary(titles)}) ...", "",
                                      [graph.nodes[i].ref for i in ids])
    edges, seen = [], set()
    for e in graph.edges:
        src, dst = band_of.get(e.src, e.src), band_of.get(e.dst, e.dst)
        if src == dst or (src, dst) in seen:
            continue
        seen.add((src, dst))
        edges.append(GraphEdge(src, dst, e.input_nr, e.kind))
    for band, ids in members.items():
        if len(ids) > 1:
            for i in ids:
                del graph.nodes[i]
    graph.edges = edges
    graph.collapsed = sum(len(ids) for ids in members.values() if len(ids) > 1)


def _summary(names):
    counts = {}
    for n in names:
        counts[n] = counts.get(n, 0) + 1
    return ", ".join(f"{c}x {n}" for n, c in sorted(counts.items(), key=lambda kv: -kv[1])[:3])


# --- what a node holds, read through the public attributes ------------------------------------------
def values(t, limit=6):
    """A tensor's values as a short string, nested as printed ('[[10., 98.]]'), at most `limit` numbers."""
    if t is None:
        return "None"
    try:
        data = t.detach().cpu().numpy()
    except Exception:  # noqa: BLE001 - exotic tensors: show what str() gives
        return str(t)
    if data.size <= limit:
        return _nested(data.tolist())
    flat = data.reshape(-1)
    return "[" + ", ".join(_num(float(x)) for x in flat[:limit]) + ", ...]"


def _nested(x):
    if isinstance(x, list):
        return "[" + ", ".join(_nested(v) for v in x) + "]"
    return _num(float(x))


def _num(x):
    if x == int(x) and abs(x) < 1e6:
        return f"{int(x)}."
    return f"{x:.4g}"


def tensor_info(t):
    rows = [("shape", str(list(t.shape))), ("dtype", str(t.dtype)), ("data", values(t, 12)),
            ("requires_grad", str(t.requires_grad)), ("is_leaf", str(t.grad_fn is None)),
            ("retains_grad", str(bool(getattr(t, "retains_grad", False)))), ("version", str(_version(t)))]
    if t.grad_fn is None or getattr(t, "retains_grad", False):
        rows.insert(3, ("grad", values(t.grad, 12)))
    if t.grad_fn is not None:
        rows.append(("grad_fn", type(t.grad_fn).__name__))
    return rows


def _version(t):
    return getattr(t, "_version", 0)


def saved_names(fn):
    """The `_saved_*` attributes of a backward function (PyTorch lists them in dir(); so does this core)."""
    names = [n for n in dir(fn) if n.startswith("_saved_")]
    if not names:
        names = ["_saved_" + s for s in getattr(type(fn), "saves", ())]
    return names


def saved(fn):
    """{name: summary} of the tensors a backward function saved, or 'freed' after a backward."""
    out = {}
    for n in saved_names(fn):
        try:
            v = getattr(fn, n)
        except RuntimeError:  # freed by a backward without retain_graph
            out[n[7:]] = "freed"
            continue
        except AttributeError:
            continue
        out[n[7:]] = values(v) if is_tensor(v) else repr(v)
    return out


def is_freed(fn):
    return any(v == "freed" for v in saved(fn).values())


def function_info(fn):
    if isinstance(fn, list):  # a folded chain
        return [("ops", str(len(fn)))]
    rows = [("name", fn.name() if hasattr(fn, "name") else type(fn).__name__),
            ("next_functions", ", ".join(f"({type(n).__name__ if n is not None else None}, {i})"
                                         for n, i in fn.next_functions) or "()")]
    variable = getattr(fn, "variable", None)
    if variable is not None:
        rows.append(("variable", values(variable)))
    for k, v in saved(fn).items():
        rows.append((f"saved {k}", v))
    return rows
