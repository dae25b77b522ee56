"""The graph model as DOT text (the `graphviz` package) and as SVG (needs Graphviz's `dot` program).

Nodes sit in nested clusters, one per module (`fc1: Linear(in_features=784, out_features=256, bias=True)`);
a collapsed module is one node. Node labels are lines: the title, then `data ...` and `grad ...` for
tensors. GraphView patches those lines in place when values change, so each line is padded to the
width its numbers need.
"""
from .details import grad_of, values
from .flow import edge_shape, room
from .fold import MODULE

STYLE = {  # kind -> node attributes: leaves, non-leaf tensors, backward functions, AccumulateGrad, folds
    "leaf": dict(shape="box", style="filled", fillcolor="#cfe8ff", color="#3b82c4"),
    "tensor": dict(shape="box", style="filled", fillcolor="#fff8d6", color="#b59b2a"),
    "fn": dict(shape="box", style="rounded,filled", fillcolor="#eeeeee", color="#777777"),
    "accumulate": dict(shape="box", style="rounded,filled", fillcolor="#ffe2c6", color="#d07a2a"),
    "fold": dict(shape="box3d", style="dashed", color="#888888"),
    "module": dict(shape="box3d", style="filled", fillcolor="#ece6fb", color="#7a68b3"),  # a collapsed module
}
CLUSTER = dict(style="rounded,filled", color="#9d8fd0", fontname="Courier", fontsize="11", labeljust="l",
               fontcolor="#4b3d8f")
SHADES = ("#f7f5fd", "#efebfa")  # cluster fills, alternating with depth so nested modules stand apart
SHOWN = 6  # numbers shown per line
# Nodes built by a create_graph backward, by derivative order 2, 3, ...: purple, green, then again.
ORDER_STYLE = [dict(fillcolor="#eadcff", color="#7b4fc4"), dict(fillcolor="#d8f5df", color="#2f9a4a")]
EDGE_LABEL = dict(fontname="Courier", fontsize="9", fontcolor="#8a4b00")
NBSP = "\u00a0"  # pads edge labels: Graphviz keeps the width, the browser shows nothing


def _reserve(t):
    """Characters a `data`/`grad` line of `t` may need: 8 per number, brackets and the prefix."""
    n = 1
    for s in t.shape:
        n *= s
    return 5 + 2 * len(t.shape) + 8 * min(n, SHOWN) + (5 if n > SHOWN else 0)


def label_lines(node, hidden=False):
    """The lines drawn in a node: its title, then for tensors `data ...` and (where PyTorch fills
    .grad) `grad ...` (`grad ?` while `hidden`: a quiz asks for it)."""
    if node.kind not in ("leaf", "tensor"):
        return [node.title]
    t = node.ref
    lines = [node.title, ("data " + values(t, SHOWN)).ljust(_reserve(t))]
    if has_grad_line(node):
        lines.append(grad_line(node, hidden))
    return lines


def has_grad_line(node):
    return node.kind == "leaf" or (node.kind == "tensor" and getattr(node.ref, "retains_grad", False))


def grad_line(node, hidden=False):
    """The `grad ...` line of a tensor's label alone (what a backward changes)."""
    return ("grad " + ("?" if hidden else values(grad_of(node.ref), SHOWN))).ljust(_reserve(node.ref))


def labels(graph, hidden=frozenset()):
    """{node id: label lines} for every node; the grads of the nodes in `hidden` read `?`."""
    return {n.id: label_lines(n, (n.copy_of or n.id) in hidden) for n in graph.nodes.values()}


LARGE = 100  # above this many nodes, Graphviz's crossing and placement passes iterate less
# Fewer crossing-reduction and placement iterations, straight edge segments: 2-4x faster layouts,
# a few more crossings.
LARGE_ATTRS = dict(mclimit="0.3", nslimit="0.5", nslimit1="0.5", splines="polyline")


def node_style(node):
    """A node's attributes: by its kind, recoloured when a create_graph backward built it."""
    if node.id.startswith(MODULE):
        return STYLE["module"]
    if node.order <= 1 or node.kind == "fold":
        return STYLE[node.kind]
    return {**STYLE[node.kind], **ORDER_STYLE[(node.order - 2) % len(ORDER_STYLE)]}


def edge_label(graph, edge, hidden=False):
    """An edge's gradient text (`?` while `hidden`) padded on the right to the width its gradient's shape
    needs, so that later gradients patch in place and the text stays next to its edge."""
    text = "?" if hidden and edge.grad else edge.grad
    return text + NBSP * (max(room(edge_shape(graph, edge)), len(text)) - len(text))


def to_dot(graph, gradients=False, hidden=frozenset()):
    """A graphviz.Digraph of the graph: gradients flow from the outputs (top) to the leaves (bottom).
    With `gradients`, every edge has a label (id `aw-e<index>`) holding its `grad` (graph/flow.py).
    `hidden`: ids of nodes whose grad a quiz hides (then every edge's gradient is hidden too)."""
    import graphviz
    attrs = dict(rankdir="TB", nodesep="0.25", ranksep="0.35", **(LARGE_ATTRS if len(graph.nodes) > LARGE else {}))
    g = graphviz.Digraph(graph_attr=attrs,
                         # Graphviz sizes boxes for Courier's 0.6 em per character, as wide as the
                         # browser's monospace fonts, so labels fit in every renderer.
                         node_attr=dict(fontname="Courier", fontsize="11", margin="0.08,0.04", height="0.3"),
                         edge_attr=dict(color="#555555", arrowsize="0.7"))
    _add_nodes(g, graph, hidden)
    for i, e in enumerate(graph.edges):
        attrs = {"style": "dashed"} if e.kind in ("output", "variable") else {}
        if gradients:
            attrs.update(label=edge_label(graph, e, bool(hidden)), id=f"aw-e{i}", **EDGE_LABEL)
        g.edge(e.src, e.dst, **attrs)
    return g


def _add_node(g, node, hidden):
    lines = label_lines(node, (node.copy_of or node.id) in hidden)
    # Tensor labels are left-aligned ("\l"), so numbers patched in later do not shift sideways.
    label = "\\l".join(lines) + "\\l" if len(lines) > 1 else lines[0]
    g.node(node.id, label, id=f"aw-{node.id}", **node_style(node))


def _add_nodes(g, graph, hidden):
    """Every node, inside the clusters of its module and the modules around it (innermost drawn one)."""
    collapsed = {nid[len(MODULE):] for nid in graph.nodes if nid.startswith(MODULE)}
    homes = {}  # cluster path -> its nodes, "" for outside every module
    for node in graph.nodes.values():
        homes.setdefault(_home(node.module, collapsed), []).append(node)
    children = {}  # cluster path -> the paths of the clusters directly inside it, in order of first use
    for path in homes:
        parts = path.split(".") if path else []
        for k in range(len(parts)):
            children.setdefault(".".join(parts[:k]), {})[".".join(parts[:k + 1])] = None

    def add(sub, path, depth):
        for node in homes.get(path, ()):
            _add_node(sub, node, hidden)
        for child in children.get(path, ()):
            with sub.subgraph(name=f"cluster_{child}") as c:
                desc = graph.modules.get(child)
                c.attr(label=f"{child}: {desc}" if desc else child, id=f"awc-{child}", fillcolor=SHADES[depth % 2],
                       **CLUSTER)
                add(c, child, depth + 1)

    add(g, "", 0)


def _home(module, collapsed):
    """The innermost module around `module` still drawn as a cluster (none inside a collapsed one)."""
    parts = module.split(".") if module else []
    k = 0
    while k < len(parts) and ".".join(parts[:k + 1]) not in collapsed:
        k += 1
    return ".".join(parts[:k])


def to_svg(graph):
    """SVG text, laid out by Graphviz's `dot` program (GraphView needs none: it lays out in the browser)."""
    import graphviz
    try:
        return to_dot(graph).pipe(format="svg").decode()
    except graphviz.ExecutableNotFound:
        raise RuntimeError(
            "to_svg() needs Graphviz's `dot` program, which is not installed. Install it (Debian/Ubuntu: "
            "`apt-get install graphviz`; conda: `conda install graphviz`; macOS: `brew install graphviz`), or "
            "use autograd_widgets.show(...), which lays the graph out in the browser without it.") from None
