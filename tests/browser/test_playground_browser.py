"""Seed 000 in a real JupyterLab: drag v, read a.grad from the page, click a node, accumulate, free the graph."""
import re

from playwright.sync_api import expect

from lab import cell_errors, open_notebook, screenshot, write_notebook

SEED000 = """import autograd_widgets as torch
from autograd_widgets.autograd import Variable
a = Variable(torch.Tensor([[2., 4.]]), requires_grad=True)
b = torch.zeros(1, 2)
b[0, 0] = a[0, 0] ** 2 + a[0, 1]
b[0, 1] = a[0, 1] ** 3 + a[0, 0]
out = 2 * b
p = torch.BackwardPlayground(out)
p"""

GRAD = "td.aw-grad[data-leaf='a']"


def wait_grad(page, text):
    page.wait_for_function(f"document.querySelector(\"{GRAD}\")?.innerText === {text!r}", timeout=15_000)


def readout(page, i):
    return float(page.locator(".aw-playground .widget-readout").nth(i).inner_text().replace("\u2212", "-"))


def leaf_grad_line(page):
    """The `grad ...` line drawn in the leaf's node of the graph (numbers patched in place)."""
    return page.locator(".aw-canvas g.node text", has_text=re.compile("^grad ")).text_content().strip()


def test_seed000_playground(lab, page):
    nb = write_notebook(lab.root / "seed000.ipynb", [SEED000])
    open_notebook(page, lab, nb)
    page.wait_for_selector(".aw-canvas svg g.node", timeout=30_000)
    assert cell_errors(page) == []
    assert page.locator(GRAD).inner_text() == "[[10, 98]]"
    assert leaf_grad_line(page) == "grad [[10., 98.]]"

    # Drag the second slider's handle with the mouse: a.grad follows without a click, and is vᵀ·J for the
    # value the slider shows (J = [[8, 2], [2, 96]] for a = [[2, 4]]).
    handle = page.locator(".aw-playground .noUi-handle").nth(1)
    box = handle.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] / 2, y)
    page.mouse.down()
    for dx in range(4, 41, 4):                                 # ten small moves, like a hand
        page.mouse.move(box["x"] + box["width"] / 2 + dx, y)
    page.mouse.up()
    page.wait_for_function(f"document.querySelector(\"{GRAD}\").innerText !== '[[10, 98]]'", timeout=15_000)
    v1 = readout(page, 1)
    assert v1 > 1.0
    expected = f"[[{8 + 2 * v1:g}, {2 + 96 * v1:g}]]"
    wait_grad(page, expected)

    # Keys move the handle by one step (0.1) each, like a slow drag: from the dragged value to exactly 2.
    handle.focus()
    key = "ArrowRight" if v1 < 2 else "ArrowLeft"
    for _ in range(round(abs(2 - v1) / 0.1)):
        page.keyboard.press(key)
    assert readout(page, 1) == 2.0
    wait_grad(page, "[[12, 194]]")
    page.wait_for_function("[...document.querySelectorAll('.aw-canvas g.node text')].some("
                           "t => t.textContent.replace(/\\u00a0/g, ' ').trim() === 'grad [[12., 194.]]')",
                           timeout=15_000)
    screenshot(page, "playground_fresh", page.locator(".aw-playground"))

    # v = [0, 1]: one row of J.
    page.locator(".aw-playground .noUi-handle").nth(0).focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    handle.focus()
    for _ in range(10):
        page.keyboard.press("ArrowLeft")
    wait_grad(page, "[[2, 96]]")

    # Click the leaf in the graph: its details arrive in the side panel from Python.
    page.locator(".aw-canvas g.node", has_text="grad [[2., 96.]]").click()
    page.wait_for_selector(".aw-panel .aw-row[data-key='grad']", timeout=15_000)
    assert page.locator(".aw-panel h4").inner_text() == "a (leaf tensor)"
    assert page.locator(".aw-panel .aw-row[data-key='grad']").inner_text() == "grad: [[2., 96.]]"
    assert page.locator(".aw-panel .aw-row[data-key='version']").inner_text() == "version: 0"
    assert page.locator(".aw-canvas g.node.aw-selected").count() == 1

    # Accumulate mode with v = [1, 1]: two presses add up to [[20, 196]].
    page.locator(".aw-playground .noUi-handle").nth(0).focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    wait_grad(page, "[[10, 98]]")
    page.locator(".aw-playground .widget-toggle-button", has_text="accumulate").click()
    wait_grad(page, "None")
    backward = page.locator(".aw-playground button", has_text=re.compile("^backward$"))
    backward.click()
    wait_grad(page, "[[10, 98]]")
    backward.click()
    wait_grad(page, "[[20, 196]]")
    expect(page.locator("table.aw-history tr")).to_have_count(3)     # header + two calls
    screenshot(page, "playground_accumulate", page.locator(".aw-playground"))

    # retain_graph off: the second press shows PyTorch's error and its explanation, no traceback;
    # the nodes whose saved tensors were freed turn grey.
    page.locator(".aw-playground button", has_text="zero_grad").click()
    wait_grad(page, "None")
    page.locator(".aw-playground .widget-checkbox", has_text="retain_graph").locator("input").uncheck()
    backward.click()
    wait_grad(page, "[[10, 98]]")
    page.wait_for_selector(".aw-canvas g.node.aw-freed", timeout=15_000)
    backward.click()
    error = page.locator("pre.aw-error")
    error.wait_for(timeout=15_000)
    text = error.inner_text()
    assert "Trying to backward through the graph a second time" in text
    assert "[autograd_widgets]" in text and "Traceback" not in text
    expect(page.locator(".aw-canvas g.node.aw-freed")).to_have_count(3)
    assert page.locator(GRAD).inner_text() == "[[10, 98]]"
    page.locator(".aw-canvas g.node.aw-freed", has_text="MulBackward0").click()
    page.wait_for_selector(".aw-panel .aw-freed-row", timeout=15_000)
    screenshot(page, "playground_freed", page.locator(".aw-playground"))
    assert cell_errors(page) == []
