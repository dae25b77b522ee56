"""The graph model: the same walk for this core and for PyTorch, DOT and SVG output."""
import shutil

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import to_dot, to_svg, walk


def seed000(T):
    a = T.tensor([[2., 4.]], requires_grad=True)
    b = T.zeros(1, 2)
    b[0, 0] = a[0, 0] ** 2 + a[0, 1]
    b[0, 1] = a[0, 1] ** 3 + a[0, 0]
    out = 2 * b
    return a, b, out


def shape_of(graph):
    """Kinds and titles of nodes, and edges as title pairs: what a learner sees, without ids."""
    title = {n.id: (n.kind, n.title) for n in graph.nodes.values()}
    return (sorted(title.values()), sorted((title[e.src], title[e.dst], e.kind) for e in graph.edges))


def test_walk_finds_every_function_leaf_and_named_tensor():
    a, b, out = seed000(aw)
    g = walk(out, names={"a": a, "b": b, "out": out})
    kinds = [(n.kind, n.title) for n in g.nodes.values()]
    assert ("tensor", "out") in kinds and ("tensor", "b") in kinds and ("leaf", "a") in kinds
    assert sum(1 for k, t in kinds if t == "CopySlices") == 2
    assert sum(1 for k, t in kinds if k == "accumulate") == 1
    acc = next(n for n in g.nodes.values() if n.kind == "accumulate")
    leaf = next(n for n in g.nodes.values() if n.kind == "leaf")
    assert acc.ref.variable is a and leaf.ref is a
    assert any(e.src == acc.id and e.dst == leaf.id and e.kind == "variable" for e in g.edges)


def test_walk_reads_pytorch_graphs_the_same_way():
    torch = pytest.importorskip("torch")
    ours = walk(seed000(aw)[2], names={})
    theirs = walk(seed000(torch)[2], names={})
    assert shape_of(ours) == shape_of(theirs)


def test_details_show_saved_tensors_and_their_release():
    x = aw.tensor([1., 2.], requires_grad=True)
    y = x.exp()
    g = walk(y.sum(), names={"x": x})
    exp = next(n for n in g.nodes.values() if n.title == "ExpBackward0")
    assert dict(exp.info())["saved result"] == "[2.718, 7.389]"
    y.sum().backward()
    assert dict(exp.info())["saved result"] == "freed"
    leaf = next(n for n in g.nodes.values() if n.kind == "leaf")
    assert dict(leaf.info())["grad"] == "[2.718, 7.389]"


def test_a_10000_node_graph_walks_iteratively():
    x = aw.tensor([1.], requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    g = walk(y)
    assert len(g.functions()) == 10_001
    folded = walk(y, max_nodes=100)
    assert len(folded.nodes) <= 100 and folded.collapsed > 9_000
    fns = [n for n in folded.nodes.values() if n.kind == "fold"]
    assert sum(len(n.ref) for n in fns) == folded.collapsed
    assert all(n.title.startswith("... ") and "MulBackward0" in n.title for n in fns)


def test_dot_source_styles_kinds_apart_and_svg_needs_dot():
    a, b, out = seed000(aw)
    src = to_dot(walk(out, names={"a": a})).source
    assert "CopySlices" in src and "#cfe8ff" in src and "#ffe2c6" in src
    if shutil.which("dot"):
        assert to_svg(walk(out)).lstrip().startswith("<?xml")


def test_walk_rejects_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="takes a tensor"):
        walk([1, 2])
