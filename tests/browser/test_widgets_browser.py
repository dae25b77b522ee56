"""show() with pan, zoom and notebook names; the stepper's replay; the Jacobian's one-hot rows: in JupyterLab."""
import re

from playwright.sync_api import expect

from lab import cell_errors, open_notebook, screenshot, write_notebook

CELLS = [
    """import autograd_widgets as torch
a = torch.tensor([[2., 4.]], requires_grad=True)
b = torch.zeros(1, 2)
b[0, 0] = a[0, 0] ** 2 + a[0, 1]
b[0, 1] = a[0, 1] ** 3 + a[0, 0]
out = 2 * b
view = torch.show(out)
view""",
    """x = torch.tensor([1., 2.], requires_grad=True)
c = (x * 2 + x.exp()).sum()
stepper = torch.BackwardStepper(c)
stepper""",
    """torch.JacobianExplorer(out, a)""",
]


def transform(canvas):
    return canvas.locator("svg").evaluate("s => s.style.transform")


def scale_of(canvas):
    return float(re.search(r"scale\(([-\d.e]+)\)", transform(canvas)).group(1))


def test_graph_view_stepper_and_jacobian(lab, page):
    nb = write_notebook(lab.root / "widgets.ipynb", CELLS)
    open_notebook(page, lab, nb)
    outputs = page.locator(".jp-OutputArea-output")
    view = outputs.nth(0)
    view.locator(".aw-canvas svg g.node").first.wait_for(timeout=30_000)
    assert cell_errors(page) == []
    assert page.locator(".jp-OutputArea-output").filter(has_text="Traceback").count() == 0

    # The names come from the notebook: a, b and out label their nodes.
    titles = view.locator(".aw-canvas g.node text").all_text_contents()
    assert {"a", "b", "out"} <= {t.strip() for t in titles}
    assert view.locator(".aw-canvas g.node").count() == 19

    # Pan with a drag on the background, zoom with the wheel, double-click to fit again.
    canvas = view.locator(".aw-canvas")
    fitted = transform(canvas)
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 8, box["y"] + 8)
    page.mouse.down()
    page.mouse.move(box["x"] + 60, box["y"] + 40, steps=5)
    page.mouse.up()
    assert transform(canvas) != fitted
    before = scale_of(canvas)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function("([el, s]) => !el.style.transform.includes(`scale(${s})`)",
                           arg=[canvas.locator("svg").element_handle(), before])
    assert scale_of(canvas) > before
    canvas.dblclick(position={"x": 5, "y": 5})
    assert transform(canvas) == fitted

    # Click a backward function: its saved tensors in the panel.
    view.locator(".aw-canvas g.node", has_text="MulBackward0").click()
    expect(view.locator(".aw-panel h4")).to_have_text("MulBackward0 (backward function)")
    expect(view.locator(".aw-panel .aw-row[data-key='saved other']")).to_have_text("saved other: 2")
    screenshot(page, "graph_view", view)

    # The stepper: one node at a time, in the engine's order; the leaf's grad appears at AccumulateGrad.
    stepper = outputs.nth(1)
    stepper.locator(".aw-canvas svg g.node").first.wait_for(timeout=30_000)
    stepper.locator("button", has_text="next").click()
    expect(stepper.locator(".aw-step b")).to_have_text("step 1: SumBackward0")
    expect(stepper.locator(".aw-canvas g.node.aw-current")).to_have_text("SumBackward0")
    expect(stepper.locator(".aw-canvas g.node.aw-ready")).to_have_text("AddBackward0")
    stepper.locator("button", has_text="next").click()
    stepper.locator("button", has_text="next").click()
    expect(stepper.locator(".aw-step b")).to_have_text("step 3: ExpBackward0")
    expect(stepper.locator(".aw-canvas g.node.aw-freed")).to_have_count(1)   # ExpBackward0's saved result
    stepper.locator("button", has_text="run to end").click()
    expect(stepper.locator(".aw-step b")).to_have_text("step 5: AccumulateGrad")
    leaf_grad = stepper.locator(".aw-canvas g.node text", has_text=re.compile("^grad "))
    expect(leaf_grad).to_have_text(re.compile(r"^grad \[4\.718, 9\.389\]\s*$"))
    expect(stepper.locator(".aw-canvas g.node.aw-freed")).to_have_count(2)
    screenshot(page, "stepper", stepper)
    stepper.locator("button", has_text="previous").click()
    expect(leaf_grad).to_have_text(re.compile(r"^grad None\s*$"))

    # The Jacobian: a one-hot v selects a row; vᵀ·J is that row, laid out on the input.
    jac = outputs.nth(2)
    jac.locator("select").select_option(label="v = e1: row 1 of J")
    expect(jac.locator("td.aw-vjp")).to_have_text(["2", "96"])
    expect(jac.locator("tr.aw-selected th")).to_have_text("out[0,1]")
    expect(jac.locator("td.aw-in")).to_have_text(["2", "96"])
    screenshot(page, "jacobian", jac)
