"""Seed 000 in a real JupyterLab: drag v, read a.grad from the page, click a node, accumulate."""
import re

from conftest import open_and_run, screenshot, write_notebook

SEED000 = """import autograd_widgets as torch
from autograd_widgets.autograd import Variable
a = Variable(torch.Tensor([[2., 4.]]), requires_grad=True)
b = torch.zeros(1, 2)
b[0, 0] = a[0, 0] ** 2 + a[0, 1]
b[0, 1] = a[0, 1] ** 3 + a[0, 0]
out = 2 * b
p = torch.BackwardPlayground(out)
p"""


def grad_text(page):
    return page.locator("td.aw-grad[data-leaf='a']").inner_text()


def set_slider(page, index, value):
    """Type a value into slider `index`'s readout (ipywidgets 8 readouts are editable), as a user can."""
    readout = page.locator(".aw-playground .widget-hslider .widget-readout").nth(index)
    readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(str(value))
    page.keyboard.press("Enter")


def test_seed000_playground_in_jupyterlab(lab, browser):
    url, workdir = lab
    write_notebook(workdir / "seed000.ipynb", [SEED000])
    page = browser.new_page(viewport={"width": 1300, "height": 1100})
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_and_run(page, url, "seed000.ipynb")
    try:
        page.wait_for_selector("td.aw-grad[data-leaf='a']", timeout=60_000)
    finally:
        screenshot(page, "playground_opened")
    assert grad_text(page) == "[[10, 98]]"
    page.wait_for_selector(".aw-canvas svg g.node", timeout=30_000)

    # Drag the second slider's handle to the right with the mouse: the grad follows without a click.
    handle = page.locator(".aw-playground .widget-hslider .noUi-handle").nth(1)
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + box["height"] / 2, steps=8)
    page.mouse.up()
    page.wait_for_function("document.querySelector(\"td.aw-grad[data-leaf='a']\").innerText !== '[[10, 98]]'",
                           timeout=10_000)
    set_slider(page, 1, 2)
    page.wait_for_function("document.querySelector(\"td.aw-grad[data-leaf='a']\").innerText === '[[12, 194]]'",
                           timeout=10_000)
    # The graph's leaf node shows the same grad, patched into the SVG in place.
    leaf = page.locator(".aw-canvas g.node", has_text="grad [[12., 194.]]")
    leaf.wait_for(timeout=10_000)
    leaf.click()
    page.wait_for_selector(".aw-panel .aw-row[data-key='grad']", timeout=10_000)
    assert page.locator(".aw-panel .aw-row[data-key='grad']").inner_text() == "grad: [[12., 194.]]"
    screenshot(page, "playground_fresh")

    # Accumulate mode: v = [1, 1], backward twice adds up to [[20, 196]].
    set_slider(page, 1, 1)
    page.locator(".aw-playground .widget-toggle-button", has_text="accumulate").click()
    page.wait_for_function("document.querySelector(\"td.aw-grad[data-leaf='a']\").innerText === 'None'",
                           timeout=10_000)
    backward = page.locator(".aw-playground button", has_text=re.compile("^backward$"))
    backward.click()
    page.wait_for_function("document.querySelector(\"td.aw-grad[data-leaf='a']\").innerText === '[[10, 98]]'",
                           timeout=10_000)
    backward.click()
    page.wait_for_function("document.querySelector(\"td.aw-grad[data-leaf='a']\").innerText === '[[20, 196]]'",
                           timeout=10_000)
    assert page.locator("table.aw-history tr").count() == 2

    # Without retain_graph the second press shows PyTorch's error, explained, in the widget.
    page.locator(".aw-playground button", has_text="zero_grad").click()
    page.locator(".aw-playground .widget-checkbox", has_text="retain_graph").locator("input").uncheck()
    backward.click()
    page.wait_for_function("document.querySelector(\"td.aw-grad[data-leaf='a']\").innerText === '[[10, 98]]'",
                           timeout=10_000)
    backward.click()
    error = page.locator("pre.aw-error")
    error.wait_for(timeout=10_000)
    assert "backward through the graph a second time" in error.inner_text()
    assert "[autograd_widgets]" in error.inner_text()
    page.wait_for_selector(".aw-canvas g.node.aw-freed", timeout=10_000)
    screenshot(page, "playground_error")
    assert not errors, errors
    page.close()
