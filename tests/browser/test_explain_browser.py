"""A click on a backward function shows, in the node panel, its derivative with the saved numbers in."""
from lab import cell_errors, open_notebook, screenshot, write_notebook
from playwright.sync_api import expect

CELLS = [
    """import autograd_widgets as torch
x = torch.tensor([1., 2.], requires_grad=True)
y = torch.tensor([3., 4.], requires_grad=True)
z = (x * y).exp().sum()
view = torch.show(z)
view""",
]


def test_node_click_shows_the_formula_with_numbers(lab, page):
    nb = write_notebook(lab.root / "explain.ipynb", CELLS)
    open_notebook(page, lab, nb)
    view = page.locator(".jp-OutputArea-output").nth(0)
    view.locator(".aw-canvas svg g.node").first.wait_for(timeout=30_000)
    assert cell_errors(page) == []

    view.locator(".aw-canvas g.node", has_text="MulBackward0").click()
    block = view.locator(".aw-panel .aw-derivative")
    expect(block.locator(".aw-formula[data-input='self']")).to_have_text("self: grad * other")
    expect(block.locator(".aw-formula[data-input='other']")).to_have_text("other: grad * self")
    expect(block.locator(".aw-numeric")).to_have_text(["= grad * [3., 4.]", "= grad * [1., 2.]"])
    screenshot(page, "explain_panel", view)

    # ExpBackward0 saved its result: e^(x·y) = [e³, e⁸]
    view.locator(".aw-canvas g.node", has_text="ExpBackward0").click()
    expect(block.locator(".aw-formula")).to_have_text(["self: grad * result"])
    expect(block.locator(".aw-numeric")).to_have_text(["= grad * [20.09, 2981]"])
