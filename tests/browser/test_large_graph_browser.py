"""A large graph in JupyterLab: its SVG goes into the page in parts and only the groups near the view are
shown, yet a click still selects a node and a pan shows the groups it brings into view."""
from playwright.sync_api import expect

from lab import cell_errors, open_notebook, screenshot, write_notebook

CELLS = ["""import autograd_widgets as torch
h = torch.ones(2, 3, dtype=torch.float64)
for i in range(150):   # 150 x (mm, add, tanh, 2 AccumulateGrad, 2 leaves): ~1,050 nodes
    w = torch.full((3, 3), 0.1, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    h = (h @ w + b).tanh()
view = torch.show(h, max_nodes=10_000)
view"""]

SHOWN = """root => [...root.querySelectorAll('g.node, g.edge')].filter(g => g.style.display !== 'none').map(g => g.id)"""


def test_large_graph_drawn_in_parts_shows_groups_near_the_view_and_stays_clickable(lab, page):
    open_notebook(page, lab, write_notebook(lab.root / "large_graph.ipynb", CELLS), timeout=180_000)
    assert cell_errors(page) == []
    view = page.locator(".aw-graph[data-layout-ms]")
    expect(view).to_have_count(1, timeout=120_000)
    root = view.element_handle()
    assert int(root.get_attribute("data-parts")) > 1            # the SVG came in parts
    total = root.evaluate("r => r.querySelectorAll('g.node, g.edge').length")
    assert int(root.get_attribute("data-nodes")) == root.evaluate("r => r.querySelectorAll('g.node').length") > 1000
    shown = set(root.evaluate(SHOWN))
    assert 0 < len(shown) < total / 4                           # only what is near the view is drawn
    assert "aw-n0" in shown                                      # the view starts at the output

    # A click on a drawn node selects it (the panel shows it), as on a small graph.
    view.locator("g.node", has_text="TanhBackward0").first.click()
    expect(view.locator(".aw-panel h4")).to_have_text("TanhBackward0 (backward function)")
    expect(view.locator("g.node.aw-selected")).to_have_count(1)
    screenshot(page, "large_graph", view)

    # A backward changes every leaf's grad line, most of them in groups culling hides: their new lines
    # wait until the group is shown (text changed under display:none still costs the page layout).
    patches = int(root.get_attribute("data-patches"))
    page.evaluate("code => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                  ".requestExecute({ code })", "h.sum().backward()\nview.refresh()")
    page.wait_for_function("([r, n]) => Number(r.dataset.patches) > n", arg=[root, patches])

    # A drag brings another part of the graph into view: groups hidden before are drawn now.
    box = view.locator(".aw-canvas").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 20
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 500, y - 250, steps=8)
    page.mouse.up()
    after = set(root.evaluate(SHOWN))
    assert after - shown and len(after) < total / 4
    on_canvas = root.evaluate("""r => { const c = r.querySelector('.aw-canvas').getBoundingClientRect();
        return [...r.querySelectorAll('g.node')].filter(g => g.style.display !== 'none').filter(g => {
            const b = g.getBoundingClientRect();
            return b.right > c.left && b.left < c.right && b.bottom > c.top && b.top < c.bottom; }).length; }""")
    assert on_canvas >= 5                                        # the newly shown part is on the canvas
    grads = root.evaluate("""(r, ids) => ids.map(id => r.querySelector(`[id="${id}"]`))
        .flatMap(g => [...g.querySelectorAll('text')].map(t => t.textContent)).filter(t => t.startsWith('grad'))""",
                          sorted(after - shown))
    assert grads and not [g for g in grads if "None" in g]       # drawn with the grads sent while hidden
    screenshot(page, "large_graph_panned", view)
