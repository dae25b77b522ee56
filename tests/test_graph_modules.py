"""Graphs grouped by module: which module's forward made each node (this core as it runs, PyTorch
under `watch`), the clusters DOT draws for them, and GraphView collapsing a module on a click."""
import gc
import re
import shutil

import pytest

import autograd_widgets as aw
from autograd_widgets.graph import collapse, to_dot, to_svg, walk

MODULES = ["autograd_widgets", "torch"]


def net(T):
    """A custom model: a Linear, a nested block called twice, a ModuleList, functional ops in forward."""
    nn = T.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 4)
            self.act = nn.Tanh()

        def forward(self, x):
            return self.act(self.fc(x)) * 2          # MulBackward0: made by the block itself

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(3, 4)
            self.block = Block()
            self.layers = nn.ModuleList([nn.Linear(4, 4), nn.Linear(4, 2)])

        def forward(self, x):
            h = T.relu(self.fc1(x))                  # ReluBackward0: the model's own forward, path ""
            h = self.block(self.block(h))            # one module, called twice
            for layer in self.layers:
                h = layer(h)
            return h

    T.manual_seed(0)
    return Net()


def placed(graph):
    """(title, module) of every node, sorted: where each node landed, without ids."""
    return sorted((n.title, n.module) for n in graph.nodes.values())


def run_watched(model, *inputs):
    with aw.watch(model):
        return model(*inputs)


NET_PLACES = sorted(
    [("AccumulateGrad", p) for p in ("fc1", "fc1", "block.fc", "block.fc", "layers.0", "layers.0", "layers.1",
                                     "layers.1")]
    + [("AddmmBackward0", p) for p in ("fc1", "block.fc", "block.fc", "layers.0", "layers.1")]
    + [("TBackward0", p) for p in ("fc1", "block.fc", "block.fc", "layers.0", "layers.1")]
    + [("TanhBackward0", "block.act")] * 2 + [("MulBackward0", "block")] * 2
    + [("ReluBackward0", ""), ("PowBackward0", ""), ("SumBackward0", ""), ("output", "")]
    + [(f"{p}.{k}", p) for p in ("fc1", "block.fc", "layers.0", "layers.1") for k in ("weight", "bias")])


@pytest.mark.parametrize("module", MODULES)
def test_nodes_of_a_custom_model_carry_the_path_of_the_innermost_module(module):
    T = pytest.importorskip(module)
    model = net(T)
    out = run_watched(model, T.randn(2, 3))
    g = walk((out ** 2).sum(), names=model)       # pow and sum ran outside every module: ""
    assert placed(g) == NET_PLACES
    assert sorted((n["title"], n["module"]) for n in g.to_data()["nodes"]) == NET_PLACES
    assert g.modules == {"fc1": "Linear(in_features=3, out_features=4, bias=True)", "block": "Block",
                         "block.fc": "Linear(in_features=4, out_features=4, bias=True)", "block.act": "Tanh()",
                         "layers": "ModuleList", "layers.0": "Linear(in_features=4, out_features=4, bias=True)",
                         "layers.1": "Linear(in_features=4, out_features=2, bias=True)"}


@pytest.mark.parametrize("module", MODULES)
def test_sequential_layers_are_named_by_index_and_a_loss_module_is_its_own_root(module):
    T = pytest.importorskip(module)
    T.manual_seed(0)
    model = T.nn.Sequential(T.nn.Linear(2, 3), T.nn.ReLU(), T.nn.Sequential(T.nn.Linear(3, 1), T.nn.Sigmoid()))
    x = T.randn(4, 2) * 3                          # made before the model ran: outside every module
    out = run_watched(model, x)
    loss = T.nn.MSELoss()(out, T.zeros(4, 1))
    by_title = {}
    for n in walk(loss, names=model).nodes.values():
        by_title.setdefault(n.title, set()).add(n.module)
    assert by_title["AddmmBackward0"] == {"0", "2.0"}
    assert by_title["ReluBackward0"] == {"1"} and by_title["SigmoidBackward0"] == {"2.1"}
    assert by_title["MseLossBackward0"] == {""}   # the loss module was called on its own: its root, ""
    assert by_title["0.weight"] == {"0"} and by_title["2.0.bias"] == {"2.0"}


def test_this_core_and_pytorch_place_a_conv_net_alike():
    torch = pytest.importorskip("torch")

    def convnet(T):
        nn = T.nn
        T.manual_seed(0)
        return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Sequential(nn.Linear(8, 3), nn.Dropout(0.0)), nn.LogSoftmax(dim=1))

    places = []
    for T in (aw, torch):
        model = convnet(T)
        out = run_watched(model, T.ones(2, 1, 6, 6))
        places.append(placed(walk(out.sum(), names=model)))
    assert places[0] == places[1]
    assert ("ConvolutionBackward0", "0") in places[0] and ("NativeBatchNormBackward0", "1") in places[0]
    assert ("LogSoftmaxBackward0", "6") in places[0] and ("AddmmBackward0", "5.0") in places[0]


def test_pytorch_without_watch_names_parameters_but_places_no_node():
    torch = pytest.importorskip("torch")
    model = net(torch)
    g = walk(model(torch.randn(2, 3)).sum(), names=model)
    assert {n.module for n in g.nodes.values()} == {""} and g.modules == {}
    assert "block.fc.weight" in {n.title for n in g.leaves()}


def test_watch_leaves_no_hook_behind_and_recovers_from_a_forward_that_raises():
    torch = pytest.importorskip("torch")
    model = net(torch)
    with pytest.raises(RuntimeError):
        with aw.watch(model):
            model(torch.randn(2, 5))                 # fc1 refuses the shape: its hooks must pop anyway
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    out = run_watched(model, torch.randn(2, 3))
    assert placed(walk((out ** 2).sum(), names=model)) == NET_PLACES
    after = model(torch.randn(2, 3)).sum()          # outside watch: nothing tagged
    assert {n.module for n in walk(after).nodes.values() if n.kind == "fn"} == {""}
    with pytest.raises(TypeError, match="watch\\(\\) takes a model"):
        with aw.watch(torch.ones(2)):
            pass


def test_this_cores_models_need_no_watch_and_ops_outside_modules_stay_untagged():
    model = net(aw)
    out = model(aw.randn(2, 3))                      # no watch
    assert placed(walk((out ** 2).sum(), names=model)) == NET_PLACES
    x = aw.ones(2, requires_grad=True)
    y = (x * 3).exp().sum()                          # no module ran: the ops write no tag at all
    assert all("_module" not in fn.__dict__ for fn in (y.grad_fn, y.grad_fn.next_functions[0][0]))


def test_a_node_of_a_deleted_model_reads_no_module():
    model = net(aw)
    out = model(aw.randn(2, 3)).sum()
    del model
    gc.collect()                                     # the tags hold their modules weakly
    assert {n.module for n in walk(out).nodes.values()} == {""}


def cluster_lines(source):
    """{module path: (indent depth, label)} of every cluster in DOT text."""
    found = {}
    lines = source.split("\n")
    for i, line in enumerate(lines):
        m = re.match(r'(\t+)subgraph "?cluster_([^" ]+)"? \{', line)
        if m:
            label = re.search(r'label="([^"]*)"', lines[i + 1]).group(1)
            found[m.group(2)] = (len(m.group(1)), label)
    return found


def test_dot_draws_each_module_as_a_cluster_nested_as_the_modules_are():
    torch = pytest.importorskip("torch")

    class MNIST(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc1 = torch.nn.Linear(784, 256)
            self.head = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(256, 10))

        def forward(self, x):
            return self.head(self.fc1(x))

    model = MNIST()
    out = run_watched(model, torch.randn(1, 784))
    source = to_dot(walk(out.sum(), names=model)).source
    assert cluster_lines(source) == {
        "fc1": (1, "fc1: Linear(in_features=784, out_features=256, bias=True)"),
        "head": (1, "head: Sequential"), "head.0": (2, "head.0: ReLU()"),
        "head.1": (2, "head.1: Linear(in_features=256, out_features=10, bias=True)")}
    if shutil.which("dot"):                          # Graphviz accepts it and draws the clusters
        svg = to_svg(walk(out.sum(), names=model))
        assert svg.count('class="cluster"') == 4 and "fc1: Linear(in_features=784" in svg


def test_collapse_draws_a_module_as_one_node_and_keeps_its_edges():
    model = net(aw)
    g = walk((model(aw.randn(2, 3)) ** 2).sum(), names=model)
    c = collapse(g, ["block", "block.fc"])           # the outer one wins: block.fc is inside it
    inside = [n for n in g.nodes.values() if n.module.startswith("block")]
    node = c.nodes["m-block"]
    assert len(inside) == 12 and sorted(m.id for m in node.ref) == sorted(n.id for n in inside)
    assert node.title == "[+] block: Block  (12 nodes)" and node.module == ""
    assert len(c.nodes) == len(g.nodes) - 11
    titles = {n.id: n.title for n in c.nodes.values()}
    into = sorted(titles[e.src] for e in c.edges if e.dst == "m-block")
    out_of = sorted(titles[e.dst] for e in c.edges if e.src == "m-block")
    assert into == ["AddmmBackward0"] and out_of == ["ReluBackward0"]   # layers.0 feeds it; it feeds relu
    assert not any(e.src == e.dst for e in c.edges)
    assert 'subgraph cluster_block' not in to_dot(c).source and '"m-block"' in to_dot(c).source
    assert collapse(g, ["nothing.here"]) is g


def test_a_collapsed_module_keeps_the_output_drawn_beside_it():
    T = aw
    model = T.nn.Sequential(T.nn.Linear(2, 2))
    out = model(T.ones(1, 2))
    g = walk(out, names=model)                       # the output tensor was made by module "0"
    c = collapse(g, ["0"])
    assert g.nodes[g.outputs[0]].module == "0" and g.outputs[0] in c.nodes
    assert [e.dst for e in c.edges if e.src == g.outputs[0]] == ["m-0"]


def test_a_click_on_a_module_label_collapses_it_and_a_second_expands_it():
    model = net(aw)
    view = aw.GraphView((model(aw.randn(2, 3)) ** 2).sum(), names=model)
    assert view.collapsed == [] and "subgraph cluster_block " in view.dot
    inner = next(n.id for n in view.drawn.nodes.values() if n.module == "block.act")
    view.selected = inner
    assert dict(view.details["rows"])["module"] == "block.act: Tanh()"
    view._on_front_end(view, {"type": "module", "path": "block"}, [])    # what a click on the label sends
    assert view.collapsed == ["block"] and "m-block" in view.drawn.nodes
    assert "[+] block: Block" in view.dot and "cluster_block " not in view.dot
    assert view.selected == "" and view.details == {}                     # the selected node went inside
    view._on_front_end(view, {"type": "module", "path": "layers.1"}, [])
    assert view.collapsed == ["block", "layers.1"]
    view._on_front_end(view, {"type": "module", "path": "block"}, [])     # a click on the collapsed node
    assert view.collapsed == ["layers.1"] and "m-block" not in view.drawn.nodes and "cluster_block " in view.dot
    view._on_front_end(view, {"type": "module", "path": "no.such"}, [])   # a stale click changes nothing
    assert view.collapsed == ["layers.1"]
    with pytest.raises(ValueError, match="path of a module in this graph"):
        view.toggle("fc9")
    view.close()


def deep_sequential(T, layers):
    T.manual_seed(0)
    blocks = [m for _ in range(layers) for m in (T.nn.Linear(3, 3), T.nn.Tanh())]
    return T.nn.Sequential(*blocks)


@pytest.mark.parametrize("module", MODULES)
def test_a_model_of_more_than_300_nodes_starts_with_its_modules_collapsed(module):
    T = pytest.importorskip(module)
    model = deep_sequential(T, 50)                   # 50 x (Addmm, T, 2 AccumulateGrad, 2 leaves, Tanh) = 350
    out = run_watched(model, T.ones(1, 3)).sum()
    view = aw.GraphView(out, names=model)
    assert len(view.graph.nodes) > 300
    assert sorted(view.collapsed) == sorted(str(i) for i in range(100))
    drawn = sorted(n.title for n in view.drawn.nodes.values())
    assert len(drawn) == 102 and drawn[:2] == ["SumBackward0", "[+] 0: Linear(in_features=3, out_features=3, "
                                                                "bias=True)  (6 nodes)"]
    assert "[+] 99: Tanh()  (1 node)" in drawn and drawn[-1] == "output"
    view._on_front_end(view, {"type": "module", "path": "0"}, [])
    assert "0" not in view.collapsed and "0.weight" in {n.title for n in view.drawn.nodes.values()}
    view.close()
    small = deep_sequential(T, 5)
    out = run_watched(small, T.ones(1, 3)).sum()
    view = aw.GraphView(out, names=small)
    assert view.collapsed == [] and not any(n.id.startswith("m-") for n in view.drawn.nodes.values())
    view.close()


def test_show_takes_the_modules_to_start_collapsed():
    model = net(aw)
    loss = model(aw.randn(2, 3)).sum()
    view = aw.show(loss, collapsed=["fc1"])
    assert view.collapsed == ["fc1"] and "m-fc1" in view.drawn.nodes and "cluster_block " in view.dot
    view.close()
    view = aw.show(loss, collapsed=True)
    assert sorted(view.collapsed) == sorted(["fc1", "block", "block.fc", "block.act", "layers", "layers.0",
                                             "layers.1"])
    assert {n.id for n in view.drawn.nodes.values() if n.id.startswith("m-")} == {"m-fc1", "m-block", "m-layers"}
    view.close()
    for bad in ("fc1", ["fc7"]):
        with pytest.raises(ValueError, match=r"collapsed takes True, False or a list of module paths .*fc1"):
            aw.show(loss, collapsed=bad)


LAYER_BY_LAYER_CELL = """
import {module} as torch
from autograd_widgets.graph import walk
from autograd_widgets import watch
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ModuleList([torch.nn.Tanh()]))
with watch(model):
    h = model[0](torch.ones(1, 3))      # the layers called one by one, not the model
    out = model[1][0](h).sum()
"""


@pytest.mark.parametrize("module", MODULES)
def test_layers_called_one_by_one_are_placed_at_their_path_in_the_model(module):
    T = pytest.importorskip(module)
    pytest.importorskip("IPython")
    from IPython.core.interactiveshell import InteractiveShell
    shell = InteractiveShell.instance()
    try:
        shell.run_cell(LAYER_BY_LAYER_CELL.format(module=module), store_history=False)
        ns = shell.user_ns
        assert "model" in ns, "the cell did not run"
        in_notebook = walk(ns["out"])                # the model found in the notebook's names
    finally:
        InteractiveShell.clear_instance()
    expected = {"AddmmBackward0": "0", "TanhBackward0": "1.0", "0.weight": "0", "SumBackward0": ""}
    for g in (in_notebook, walk(ns["out"], names=ns["model"])):     # outside IPython: the model as names=
        where = {n.title: n.module for n in g.nodes.values()}
        assert {k: where[k] for k in expected} == expected
        assert g.modules == {"0": "Linear(in_features=3, out_features=4, bias=True)", "1": "ModuleList",
                             "1.0": "Tanh()"}
    alone = walk(ns["out"])                          # no model names them: each layer is its own root
    assert {n.module for n in alone.nodes.values()} == {""}
    layer = T.nn.Linear(2, 2)                        # no model names it: a layer alone is its own root
    assert {n.module for n in walk(run_watched(layer, T.ones(1, 2)).sum()).nodes.values()} == {""}


def test_a_core_module_returning_a_pytorch_tensor_still_runs():
    torch = pytest.importorskip("torch")

    class Bridge(aw.nn.Module):
        def forward(self, x):
            return torch.ones(2, requires_grad=True) * 2   # another library's node: not this core's to tag

    out = Bridge()(aw.ones(2))
    assert out.grad_fn.name() == "MulBackward0" and not hasattr(out.grad_fn, "__dict__")
