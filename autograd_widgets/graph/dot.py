"""The graph model as DOT (the `graphviz` package) and as SVG (needs Graphviz's `dot` program)."""
from .model import values

STYLE = {  # kind -> node attributes: leaves, non-leaf tensors, backward functions, AccumulateGrad
    "leaf": dict(shape="box", style="filled", fillcolor="#cfe8ff", color="#3b82c4"),
    "tensor": dict(shape="box", style="filled", fillcolor="#fff8d6", color="#b59b2a"),
    "fn": dict(shape="box", style="rounded,filled", fillcolor="#eeeeee", color="#777777"),
    "accumulate": dict(shape="box", style="rounded,filled", fillcolor="#ffe2c6", color="#d07a2a"),
    "fold": dict(shape="box", style="dashed", color="#999999"),
}
WIDTH = 22  # value lines are padded to this many characters so in-place updates fit the box


def label_lines(node):
    """The lines drawn in a node; GraphView patches them in place when values change."""
    if node.kind in ("leaf", "tensor"):
        t = node.ref
        lines = [node.title, "data " + values(t)]
        if node.kind == "leaf" or getattr(t, "retains_grad", False):
            lines.append("grad " + values(t.grad))
        return [lines[0]] + [ln.ljust(WIDTH) for ln in lines[1:]]
    return [node.title]


GHOST_FAN_IN = 3     # a leaf reached by more edges than this, in a graph of more than
GHOST_MIN_NODES = 60  # this many nodes, is drawn once per edge ("n5~1", "n5~2", ...)


def ghosts(graph):
    """{accumulate id: [(copy id, edge)]} for leaves used all over a large graph.

    One shared AccumulateGrad fed from every depth makes Graphviz route hundreds of long edges
    (minutes of layout); a copy beside each use lays out in well under a second. Small graphs,
    where seeing the one shared node is the point, are drawn as they are.
    """
    if len(graph.nodes) <= GHOST_MIN_NODES:
        return {}
    fan_in = {}
    for e in graph.edges:
        if e.kind == "next" and graph.nodes[e.dst].kind == "accumulate":
            fan_in.setdefault(e.dst, []).append(e)
    return {acc: [(f"{acc}~{k}", e) for k, e in enumerate(es)] for acc, es in fan_in.items()
            if len(es) > GHOST_FAN_IN}


def base_id(node_id):
    """The graph node a drawn (possibly copied) node stands for."""
    return node_id.split("~")[0]


def _leaf_of(graph, acc):
    return next(e.dst for e in graph.edges if e.src == acc and e.kind == "variable")


def labels(graph):
    out = {n.id: label_lines(n) for n in graph.nodes.values()}
    for acc, copies in ghosts(graph).items():
        leaf = _leaf_of(graph, acc)
        for copy, _ in copies:
            out[copy] = out[acc]
            out[copy.replace(acc, leaf, 1)] = out[leaf]
    return out


def to_dot(graph):
    """A graphviz.Digraph of the graph: gradients flow from the outputs (top) to the leaves (bottom)."""
    import graphviz
    g = graphviz.Digraph(graph_attr=dict(rankdir="TB", nodesep="0.25", ranksep="0.35"),
                         node_attr=dict(fontname="Courier", fontsize="11", margin="0.08,0.04", height="0.3"))
    copied = ghosts(graph)
    hidden = set(copied) | {_leaf_of(graph, acc) for acc in copied}
    for node in graph.nodes.values():
        if node.id not in hidden:
            g.node(node.id, "\n".join(label_lines(node)), id=f"aw-{node.id}", **STYLE[node.kind])
    for e in graph.edges:
        if e.dst in hidden or e.src in hidden:
            continue
        attrs = {"style": "dashed"} if e.kind in ("output", "variable") else {}
        g.edge(e.src, e.dst, **attrs)
    for acc, copies in copied.items():
        leaf = graph.nodes[_leaf_of(graph, acc)]
        for copy, e in copies:
            leaf_copy = copy.replace(acc, leaf.id, 1)
            g.node(copy, "\n".join(label_lines(graph.nodes[acc])), **STYLE["accumulate"])
            g.node(leaf_copy, "\n".join(label_lines(leaf)), **STYLE["leaf"])
            g.edge(e.src, copy)
            g.edge(copy, leaf_copy, style="dashed")
    return g


def to_svg(graph):
    """SVG text, laid out by the `dot` program (GraphView needs none: it lays out in the browser)."""
    import graphviz
    try:
        return to_dot(graph).pipe(format="svg").decode()
    except graphviz.ExecutableNotFound:
        raise RuntimeError(
            "to_svg() needs Graphviz's `dot` program, which is not installed. Install it (Debian/Ubuntu: "
            "`apt-get install graphviz`; conda: `conda install graphviz`; macOS: `brew install graphviz`), or "
            "use autograd_widgets.show(...), which lays the graph out in the browser without it.") from None
