"""A model's graph grouped by module in JupyterLab: a click on a cluster's label collapses the module into
one node (Python draws it anew), a click on that node expands it; real PyTorch under watch() too."""
import re

import pytest
from playwright.sync_api import expect

from lab import cell_errors, open_notebook, screenshot, write_notebook

CELLS = [
    """import autograd_widgets as torch
from autograd_widgets import nn

class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.act = nn.Tanh()

    def forward(self, x):
        return self.act(self.fc(x))

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(784, 16)
        self.block = Block()
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        return self.fc2(self.block(torch.relu(self.fc1(x))))

torch.manual_seed(0)
model = Net()
loss = model(torch.randn(1, 784)).sum()
view = torch.show(loss)
view""",
    """import torch as real_torch
import autograd_widgets
real_torch.manual_seed(0)
twin = real_torch.nn.Sequential(real_torch.nn.Linear(4, 3), real_torch.nn.ReLU(), real_torch.nn.Linear(3, 1))
with autograd_widgets.watch(twin):
    twin_out = twin(real_torch.randn(2, 4)).sum()
autograd_widgets.show(twin_out)""",
]


def cluster(view, path):
    return view.locator(f".aw-canvas g.cluster[data-aw-module='{path}']")


def test_a_click_on_a_module_label_collapses_and_expands_it(lab, page):
    pytest.importorskip("torch")  # the second cell draws a real PyTorch model (the optional oracle)
    nb = write_notebook(lab.root / "modules.ipynb", CELLS)
    open_notebook(page, lab, nb)
    outputs = page.locator(".jp-OutputArea-output")
    view = outputs.nth(0)
    view.locator(".aw-canvas svg g.cluster").first.wait_for(timeout=30_000)
    assert cell_errors(page) == []

    # Four clusters, block.fc nested inside block; labels say the path and the layer.
    expect(view.locator(".aw-canvas g.cluster")).to_have_count(5)   # fc1, block, block.fc, block.act, fc2
    expect(cluster(view, "fc1").locator("text")).to_have_text("fc1: Linear(in_features=784, out_features=16, "
                                                              "bias=True)")
    expect(view.locator(".aw-canvas g.node", has_text="fc1.weight")).to_have_count(1)
    nodes_before = view.locator(".aw-canvas g.node").count()
    screenshot(page, "modules_expanded", view)

    # Click block's label: block (with the two modules inside it) becomes one node.
    cluster(view, "block").locator("text").click()
    collapsed = view.locator(".aw-canvas g.node", has_text="[+] block: Block")
    expect(collapsed).to_have_count(1)
    expect(view.locator(".aw-canvas g.cluster")).to_have_count(2)   # fc1 and fc2 stay
    assert view.locator(".aw-canvas g.node").count() == nodes_before - 7 + 1   # Addmm, T, 2 Acc, 2 leaves, Tanh
    expect(view.locator(".aw-canvas g.node", has_text="block.fc.weight")).to_have_count(0)
    screenshot(page, "modules_collapsed", view)

    # Click the collapsed node: block is back, with its nested clusters.
    collapsed.click()
    expect(view.locator(".aw-canvas g.cluster")).to_have_count(5)
    expect(cluster(view, "block.fc").locator("text")).to_have_text(re.compile(r"^block\.fc: Linear\("))
    assert view.locator(".aw-canvas g.node").count() == nodes_before

    # A plain node click still selects it, and its panel names its module.
    view.locator(".aw-canvas g.node", has_text="TanhBackward0").click()
    expect(view.locator(".aw-panel .aw-row[data-key='module']")).to_have_text("module: block.act: Tanh()")

    # Real PyTorch under watch(): the same clusters, named by the Sequential's indices.
    twin = outputs.nth(1)
    twin.locator(".aw-canvas svg g.cluster").first.wait_for(timeout=30_000)
    expect(twin.locator(".aw-canvas g.cluster")).to_have_count(3)
    cluster(twin, "2").locator("text").click()
    expect(twin.locator(".aw-canvas g.node", has_text="[+] 2: Linear(in_features=3, out_features=1")).to_have_count(1)
    screenshot(page, "modules_pytorch_twin", twin)
