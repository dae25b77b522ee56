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


def labels(graph):
    return {n.id: label_lines(n) for n in graph.nodes.values()}


def to_dot(graph):
    """A graphviz.Digraph of the graph: gradients flow from the outputs (top) to the leaves (bottom)."""
    import graphviz
    g = graphviz.Digraph(graph_attr=dict(rankdir="TB", nodesep="0.25", ranksep="0.35"),
                         node_attr=dict(fontname="Courier", fontsize="11", margin="0.08,0.04", height="0.3"))
    for node in graph.nodes.values():
        g.node(node.id, "\n".join(label_lines(node)), id=f"aw-{node.id}", **STYLE[node.kind])
    for e in graph.edges:
        attrs = {"style": "dashed"} if e.kind in ("output", "variable") else {}
        g.edge(e.src, e.dst, **attrs)
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
