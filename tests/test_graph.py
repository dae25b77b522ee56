"""The graph model: one walk for this core's and PyTorch's graphs, names, details, folding, DOT and SVG."""
import json
import shutil

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import fold, labels, to_dot, to_svg, walk


def seed000(T):
    a = T.tensor([[2., 4.]], requires_grad=True)
    b = T.zeros(1, 2)
    b[0, 0] = a[0, 0] ** 2 + a[0, 1]
    b[0, 1] = a[0, 1] ** 3 + a[0, 0]
    out = 2 * b
    return a, b, out


def mlp(T, layers, width=3):
    """A deep network: layers x (mm, add, tanh), two parameters per layer."""
    h = T.ones(2, width)
    params = []
    for i in range(layers):
        w = T.full((width, width), 0.1 * (i % 3 + 1), requires_grad=True)
        b = T.zeros(width, requires_grad=True)
        params += [w, b]
        h = (h @ w + b).tanh()
    return h.sum(), params


def shape_of(graph):
    """Kinds and titles of nodes, and edges as title pairs: what a learner sees, without ids."""
    title = {n.id: (n.kind, n.title) for n in graph.nodes.values()}
    return (sorted(title.values()), sorted((title[e.src], title[e.dst], e.kind) for e in graph.edges))


def test_walk_finds_every_function_leaf_and_named_tensor():
    a, b, out = seed000(aw)
    g = walk(out, names={"a": a, "b": b, "out": out})
    kinds = [(n.kind, n.title) for n in g.nodes.values()]
    assert ("tensor", "out") in kinds and ("tensor", "b") in kinds and ("leaf", "a") in kinds
    assert sum(1 for _, t in kinds if t == "CopySlices") == 2
    acc = next(n for n in g.nodes.values() if n.kind == "accumulate")
    leaf = g.leaves()[0]
    assert acc.ref.variable is a and leaf.ref is a and len(g.leaves()) == 1
    assert any(e.src == acc.id and e.dst == leaf.id and e.kind == "variable" for e in g.edges)
    b_node = next(n for n in g.nodes.values() if n.title == "b")
    assert any(e.src == b_node.id and g.nodes[e.dst].ref is b.grad_fn for e in g.edges)


@pytest.mark.parametrize("program", [lambda T: seed000(T)[2], lambda T: mlp(T, 3)[0]])
def test_walk_reads_pytorch_graphs_as_it_reads_ours(program):
    torch = pytest.importorskip("torch")
    assert shape_of(walk(program(aw))) == shape_of(walk(program(torch)))


def test_saved_tensors_have_pytorchs_names_and_read_freed_after_backward():
    torch = pytest.importorskip("torch")

    def program(T):
        x = T.tensor([1., 2.], requires_grad=True)
        w = T.tensor([[1., 0.], [2., 1.]], requires_grad=True)
        return (x.exp() * x).pow(2).sum() + (w @ x).sum(), x

    for T in (aw, torch):
        y, x = program(T)
        g = walk(y)
        saved = {n.title: {k for k in n.details() if k.startswith("saved ")} for n in g.functions()}
        assert saved["ExpBackward0"] == {"saved result"}
        assert saved["MulBackward0"] == {"saved self", "saved other"}
        assert saved["PowBackward0"] >= {"saved self", "saved exponent"}
        exp = next(n for n in g.functions() if n.title == "ExpBackward0")
        assert exp.details()["saved result"] == "[2.718, 7.389]"
        y.backward()
        assert exp.details()["saved result"] == "freed"
        leaf = next(n for n in g.leaves() if n.ref is x)
        assert leaf.details()["grad"] == aw.graph.values(x.grad, 12)


def test_tensor_details_say_leaf_version_and_retained_grad():
    for T in (aw, pytest.importorskip("torch")):
        x = T.tensor([1., 2.], requires_grad=True)
        h = x * 3
        h.retain_grad()
        y = (h * h).sum()
        y.backward()
        g = walk(y, names={"x": x, "h": h})
        d = {n.title: n.details() for n in g.nodes.values() if n.kind in ("leaf", "tensor")}
        assert d["x"]["is_leaf"] and d["x"]["grad"] == "[18., 36.]" and d["x"]["version"] == 0
        assert not d["h"]["is_leaf"] and d["h"]["retains_grad"] and d["h"]["grad"] == "[6., 12.]"
        assert d["h"]["grad_fn"] == "MulBackward0" and d["h"]["shape"] == [2]
        with T.no_grad():
            x.add_(1)
        assert walk(y, names={"x": x}).leaves()[0].details()["version"] == 1


def test_names_come_from_the_notebook_unless_given():
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        shell.run_cell("import autograd_widgets as torch\n"
                       "weights = torch.tensor([1., 2.], requires_grad=True)\n"
                       "hidden = weights * 2\n"
                       "loss = hidden.sum()\n", store_history=False)
        ns = shell.user_ns
        g = walk(ns["loss"])
        titles = {n.title for n in g.nodes.values() if n.kind in ("leaf", "tensor")}
        assert titles == {"loss", "hidden", "weights"}
        g = walk(ns["loss"], names={"w": ns["weights"]})
        assert g.leaves()[0].title == "w"
    finally:
        InteractiveShell.clear_instance()
    assert {n.title for n in walk(ns["loss"]).nodes.values() if n.kind in ("leaf", "tensor")} == {"output", "leaf"}


MODEL_CELL = """
import {module} as torch
nn = torch.nn

class Affine(nn.Module):
    def __init__(self):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(2, 2))
        self.bias = nn.Parameter(torch.zeros(2))

    def forward(self, x):
        return x @ self.weight + self.bias

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = Affine()
        self.layers = nn.Sequential(Affine(), nn.Tanh())

    def forward(self, x):
        return self.layers(self.fc1(x))

model = Net()
x = torch.ones(1, 2)
loss = model(x).sum()
"""


@pytest.mark.parametrize("module", ["autograd_widgets", "torch"])
def test_a_models_parameters_are_named_by_their_path_in_it(module):
    pytest.importorskip(module)
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        shell.run_cell(MODEL_CELL.format(module=module), store_history=False)
        ns = shell.user_ns
        leaves = {n.title for n in walk(ns["loss"]).leaves()}
        assert leaves == {"fc1.weight", "fc1.bias", "layers.0.weight", "layers.0.bias"}
        shell.run_cell("w = model.fc1.weight", store_history=False)  # a name of its own wins over the path
        assert {n.title for n in walk(ns["loss"]).leaves()} == leaves - {"fc1.weight"} | {"w"}
    finally:
        InteractiveShell.clear_instance()
    from autograd_widgets.graph import details
    assert not details.is_module(ns["Net"]) and not details.is_module(ns["torch"])  # a class, a package

    class Proxy:  # an object whose __getattr__ raises something other than AttributeError is no model
        def __getattr__(self, name):
            raise KeyError(name)
    assert not details.is_module(Proxy())
    g = walk(ns["loss"], names=ns["model"])  # outside IPython: the model passed as names
    assert {n.title for n in g.leaves()} == leaves
    g = walk(ns["loss"], names=dict(ns["model"].layers.named_parameters()))
    assert {n.title for n in g.leaves()} == {"0.weight", "0.bias", "leaf"}


def test_a_10000_node_chain_walks_and_folds_to_a_handful():
    x = aw.tensor([1.], requires_grad=True)
    y = x
    for _ in range(10_000):
        y = y * 1.0
    g = walk(y)
    assert len(g.functions()) == 10_001 and len(g.nodes) == 10_003
    small = fold(g, 100)
    assert len(small.nodes) == 5 and small.folded == 9_999   # out, Mul, fold(9,999 Mul), AccumulateGrad, x
    assert [n.kind for n in small.nodes.values()] == ["tensor", "fn", "fold", "accumulate", "leaf"]


def _check_folded(g, small):
    members = [m for n in small.nodes.values() for m in (n.ref if n.kind == "fold" else [n])]
    originals = [m.id for m in members if not m.copy_of]
    assert sorted(originals) == sorted(g.nodes)                  # every node drawn once, folded or not
    assert {m.copy_of for m in members if m.copy_of} <= set(originals)   # plus copies beside other uses
    assert all(e.src in small.nodes and e.dst in small.nodes for e in small.edges)
    assert set(small.outputs) <= set(small.nodes)


def test_a_deep_network_folds_its_middle_and_keeps_both_ends():
    y, params = mlp(aw, 300)
    g = walk(y)
    assert len(g.nodes) > 2000
    small = fold(g, 300)
    assert len(small.nodes) <= 300
    _check_folded(g, small)
    kept = {id(n.ref) for n in small.nodes.values() if n.kind == "leaf"}
    assert id(params[-1]) in kept and id(params[0]) in kept      # the last and the first layer stay readable
    folds = [n for n in small.nodes.values() if n.kind == "fold"]
    assert len(folds) == 1 and "MmBackward0" in folds[0].title
    d = folds[0].details()   # the panel counts what the fold stands for
    assert d["nodes"] == len(folds[0].ref) and d["TanhBackward0"] > 250 and d["leaf tensors"] > 500


def test_a_wide_graph_folds_too():
    x = aw.tensor([1.], requires_grad=True)
    y = sum((x * (i / 700)).exp() for i in range(700))
    g = walk(y)
    small = fold(g, 300)
    assert len(small.nodes) <= 300
    _check_folded(g, small)


def rnn(T, steps):
    """An RNN: the same two weights used at every step."""
    w, u = T.full((3, 3), 0.1, requires_grad=True), T.full((3, 3), 0.2, requires_grad=True)
    h = T.zeros(1, 3)
    for t in range(steps):
        h = (h @ w + T.ones(1, 3) * t @ u).tanh()
    return h.sum(), w, u


def test_a_weight_used_at_every_depth_is_drawn_beside_each_use():
    from autograd_widgets.graph.fold import SPAN, _ranks
    y, w, u = rnn(aw, 40)
    g = walk(y, names={"w": w, "u": u})
    drawn = fold(g, 10_000)
    copies = [n for n in drawn.nodes.values() if n.copy_of]
    assert copies and all(drawn.nodes[n.copy_of].ref is n.ref and n.title == drawn.nodes[n.copy_of].title
                          for n in copies)
    assert {n.title for n in copies} == {"AccumulateGrad", "w", "u"}
    rank = _ranks(drawn)
    for n in drawn.nodes.values():
        sources = [rank[e.src] for e in drawn.edges if e.dst == n.id]
        if n.kind == "accumulate":
            assert max(sources) - min(sources) <= SPAN           # no edge crosses the whole picture
    assert len(walk(y).functions()) == len([n for n in drawn.nodes.values() if n.kind in ("fn", "accumulate")
                                            and not n.copy_of])
    a, b, out = seed000(aw)                                       # four paths into one AccumulateGrad stay one
    assert not any(n.copy_of for n in fold(walk(out), 300).nodes.values())


def test_dot_styles_kinds_apart_and_pads_value_lines():
    a, b, out = seed000(aw)
    dot = to_dot(walk(out, names={"a": a}))
    src = dot.source
    assert "CopySlices" in src and 'fillcolor="#cfe8ff"' in src and 'fillcolor="#ffe2c6"' in src
    g = walk(out, names={"a": a})
    lines = labels(g)[g.leaves()[0].id]
    assert lines[0] == "a" and lines[2].strip() == "grad None"
    assert len(lines[2]) >= len("grad [[12., 194.]]")             # room for the numbers to come
    assert "\\l".join(lines) in src                              # left-aligned: patched numbers stay put


def test_svg_needs_dot_and_says_what_to_install(monkeypatch):
    a, b, out = seed000(aw)
    g = walk(out)
    if shutil.which("dot"):
        svg = to_svg(g)
        assert svg.lstrip().startswith("<?xml") and '<title>n0</title>' in svg and "CopySlices" in svg
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(RuntimeError, match="apt-get install graphviz"):
        to_svg(g)


def test_to_data_is_plain_json():
    a, b, out = seed000(aw)
    out.backward(aw.ones(1, 2), retain_graph=True)
    data = json.loads(json.dumps(walk(out, names={"a": a}).to_data()))
    a_node = next(n for n in data["nodes"] if n["title"] == "a")
    assert a_node["details"]["grad"] == "[[10., 98.]]" and a_node["kind"] == "leaf"
    assert len(data["edges"]) == len(walk(out).edges) and data["outputs"] == ["n0"]


def test_to_data_explains_derivatives_only_when_asked():
    """to_data() leaves out explain()'s derivatives (the panel asks for one node's on a click); with
    derivatives=True each backward function carries the panel's, and every other detail is the same."""
    x = aw.tensor([1.0, 2.0], requires_grad=True)
    g = walk((x.exp() * 3.0).sum())
    lean, full = g.to_data(), g.to_data(derivatives=True)
    functions = [i for i, n in enumerate(full["nodes"]) if n["kind"] in ("fn", "accumulate")]
    assert len(functions) == 4 and not any("derivative" in n["details"] for n in lean["nodes"])
    exp = next(n for n in full["nodes"] if n["title"] == "ExpBackward0")
    assert exp["details"]["derivative"]["lines"] == [
        {"input": "self", "formula": "grad * result", "numeric": "grad * [2.718, 7.389]"}]
    for i in functions:
        full["nodes"][i]["details"].pop("derivative")
    assert lean == full


def test_walk_rejects_what_is_not_a_tensor():
    with pytest.raises(TypeError, match="takes a tensor or a list of tensors"):
        walk([1, 2])
    with pytest.raises(TypeError, match="names maps a name to a tensor"):
        walk(seed000(aw)[2], names={"a": 3})
