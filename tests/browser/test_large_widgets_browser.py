"""Large outputs in JupyterLab: the v grid edits backward's gradient from the page, and the Jacobian's heat
map shows J's values under the pointer (and a click on a row makes v that one-hot)."""
import re

import numpy as np
from playwright.sync_api import expect

from lab import cell_errors, open_notebook, screenshot, write_notebook

CELLS = [
    """import numpy as np
import autograd_widgets as torch
x = torch.tensor([0.5], requires_grad=True)
out = (torch.arange(120.).reshape(12, 10) / 120 * x).tanh()
p = torch.BackwardPlayground(out, names={"x": x})
p""",
    """W = torch.tensor(np.linspace(-1, 1, 90 * 70).reshape(90, 70) / 40)
xx = torch.tensor(np.linspace(0, 1, 70), requires_grad=True)
j = torch.JacobianExplorer((W @ xx).tanh(), xx)
j""",
]

GRAD = "td.aw-grad[data-leaf='x']"
K = np.arange(120.0).reshape(12, 10) / 120
DOUT = K * (1 - np.tanh(K * 0.5) ** 2)                       # d out[i, j] / dx
W0 = np.linspace(-1, 1, 90 * 70).reshape(90, 70) / 40
X0 = np.linspace(0, 1, 70)
J = (1 - np.tanh(W0 @ X0) ** 2)[:, None] * W0                 # d tanh(W x)_i / d x_k


def grad_shown(page):
    return float(page.locator(GRAD).inner_text().strip("[]"))


def wait_grad(page, expected):
    expected = float(expected)
    page.wait_for_function(f"""() => {{
        const t = document.querySelector("{GRAD}")?.innerText;
        return t && Math.abs(parseFloat(t.replace(/[\\[\\]]/g, '')) - {expected!r}) <= 1e-5 * Math.max(1, {abs(expected)!r});
    }}""", timeout=15_000)


def point(canvas, row, col):
    """Where element (row, col) of a heat map is on the page (scrolled into view)."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    rows, cols = int(canvas.evaluate("c => c.parentNode.dataset.rows")), int(canvas.evaluate("c => c.parentNode.dataset.cols"))
    return box["x"] + (col + 0.5) * box["width"] / cols, box["y"] + (row + 0.5) * box["height"] / rows


def readout_number(heatmap):
    return float(heatmap.locator(".aw-hm-readout").inner_text().rsplit("=", 1)[1])


def test_v_grid_drives_backward_and_jacobian_heat_map_shows_values(lab, page):
    nb = write_notebook(lab.root / "large.ipynb", CELLS)
    open_notebook(page, lab, nb)
    play = page.locator(".aw-playground")
    play.locator(".aw-canvas svg g.node").first.wait_for(timeout=60_000)   # the graph, laid out in the worker
    assert cell_errors(page) == []
    grid = play.locator(".aw-heatmap")
    canvas = grid.locator("canvas")
    expect(grid).to_have_attribute("data-rows", "12")
    expect(grid).to_have_attribute("data-cols", "10")
    assert play.locator(".widget-slider").count() == 0        # one grid, not 120 sliders
    wait_grad(page, DOUT.sum())                               # v = all ones

    # Hover: the element's name and value; click: pick it, then make v one-hot on it.
    page.mouse.move(*point(canvas, 3, 4))
    expect(grid.locator(".aw-hm-readout")).to_have_text("v[3,4] = 1")
    page.mouse.click(*point(canvas, 5, 7))
    expect(grid).to_have_attribute("data-picked", "57")
    grid.locator("button.aw-hm-onehot").click()
    wait_grad(page, DOUT[5, 7])
    page.mouse.move(*point(canvas, 3, 4))
    expect(grid.locator(".aw-hm-readout")).to_have_text("v[3,4] = 0")

    # Type a value for the picked element: v = 2.5 e_57.
    field = grid.locator(".aw-hm-tools input")
    field.fill("2.5")
    field.press("Enter")
    wait_grad(page, 2.5 * DOUT[5, 7])

    # A whole row, a whole column, then all ones again.
    grid.locator("button.aw-hm-row").click()
    wait_grad(page, DOUT[5].sum())
    screenshot(page, "large_v_grid_row", play.locator(".aw-heatmap"))
    grid.locator("button.aw-hm-col").click()
    wait_grad(page, DOUT[:, 7].sum())
    grid.locator("button.aw-hm-ones").click()
    wait_grad(page, DOUT.sum())
    screenshot(page, "large_playground", play)

    # The Jacobian: 90 x 70, drawn on a canvas; hovering an element shows J's value there.
    jac = page.locator(".aw-jacobian-explorer")
    maps = jac.locator(".aw-heatmap")
    expect(maps).to_have_count(3)                             # v (90 outputs: a grid), J, vᵀ·J
    jmap = maps.nth(1)
    expect(jmap).to_have_attribute("data-rows", "90")
    expect(jmap).to_have_attribute("data-cols", "70")
    assert jac.locator("table").count() == 0                  # no HTML table of 6,300 cells
    page.mouse.move(*point(jmap.locator("canvas"), 41, 5))
    expect(jmap.locator(".aw-hm-readout")).to_have_text(re.compile(r"^out\[41\] / in\[5\] = "))
    assert abs(readout_number(jmap) / J[41, 5] - 1) < 1e-4   # 5 significant digits of J's float32 copy

    # A click on row 17 of J: v = e17, and vᵀ·J on the input is that row.
    page.mouse.click(*point(jmap.locator("canvas"), 17, 30))
    expect(jac.locator("select")).to_have_value("v = e17: row 17 of J")
    vjp = maps.nth(2)
    expect(vjp).to_have_attribute("data-cols", "9")
    page.mouse.move(*point(vjp.locator("canvas"), 2, 3))     # 70 inputs drawn 8 x 9: element 2 * 9 + 3
    expect(vjp.locator(".aw-hm-readout")).to_have_text(re.compile(r"^vᵀ·J\[21\] = "))
    assert abs(readout_number(vjp) / J[17, 21] - 1) < 1e-4
    page.mouse.move(*point(jmap.locator("canvas"), 17, 21))
    screenshot(page, "large_jacobian", jac)
    assert cell_errors(page) == []
