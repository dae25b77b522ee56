"""TrainingLoop in JupyterLab: `step` draws the loss curve and fills the grad table; with zero_grad
unticked the next step's grads are the sum of the last grads and that step's own gradient.

The expected gradients are computed here, by the same loop written out by hand (and, for the sum,
by autograd.grad at the parameters the step started from), not read from the widget.
"""
import re

import numpy as np
from playwright.sync_api import expect

import autograd_widgets as aw
from lab import cell_errors, open_notebook, screenshot, write_notebook

SETUP = """import autograd_widgets as torch
def data():
    model = torch.nn.Linear(1, 1)
    with torch.no_grad():
        model.weight.fill_(0.5)
        model.bias.fill_(0.0)
    x = torch.tensor([[-1.], [0.], [1.], [2.]])
    return model, x, 2 * x + 1
"""
CELLS = [SETUP + """model, x, y = data()
loop = torch.TrainingLoop(model, torch.nn.MSELoss(), torch.optim.SGD(model.parameters(), lr=0.1),
                          [(x[:2], y[:2]), (x[2:], y[2:])])
loop"""]


def by_hand(zero_grad_schedule):
    """weight.grad and bias.grad after each step's backward, from the loop written out by hand."""
    scope = {}
    exec(SETUP, scope)
    model, x, y = scope["data"]()
    opt = aw.optim.SGD(model.parameters(), lr=0.1)
    batches, grads, own = [(x[:2], y[:2]), (x[2:], y[2:])], [], []
    for k, zero in enumerate(zero_grad_schedule):
        bx, by = batches[k % 2]
        if zero:
            opt.zero_grad()
        loss = aw.nn.functional.mse_loss(model(bx), by)
        own.append([g.item() for g in aw.autograd.grad(loss, [model.weight, model.bias], retain_graph=True)])
        loss.backward()
        grads.append([model.weight.grad.item(), model.bias.grad.item()])
        opt.step()
    return np.array(grads), np.array(own)


def shown_grads(loop):
    """The numbers in the table's .grad column: weight, then bias."""
    texts = loop.locator("td.aw-grad").all_inner_texts()
    return np.array([float(re.sub(r"[\[\]]", "", t)) for t in texts])


def test_step_draws_the_curve_and_without_zero_grad_the_grads_add_up(lab, page):
    nb = write_notebook(lab.root / "training.ipynb", CELLS)
    open_notebook(page, lab, nb)
    loop = page.locator(".aw-training")
    loop.locator(".aw-canvas svg g.node").first.wait_for(timeout=30_000)
    assert cell_errors(page) == []
    curve = loop.locator("svg.aw-loss-curve")
    expect(curve).to_have_attribute("data-steps", "0")
    step = loop.get_by_role("button", name="step", exact=True)

    grads, own = by_hand([True, True, False])
    step.click()
    expect(curve).to_have_attribute("data-steps", "1")
    expect(loop.locator(".aw-train-head")).to_contain_text("step 1 (epoch 1, batch 1 of 2)")
    np.testing.assert_allclose(shown_grads(loop), grads[0], rtol=1e-5)
    step.click()
    expect(curve).to_have_attribute("data-steps", "2")
    assert len(curve.locator("polyline.aw-loss-line").get_attribute("points").split()) == 2   # a line, drawn
    np.testing.assert_allclose(shown_grads(loop), grads[1], rtol=1e-5)   # zero_grad ran: this step's alone
    np.testing.assert_allclose(grads[1], own[1], rtol=1e-6)
    screenshot(page, "training_loop_two_steps", loop)

    # Untick zero_grad: the next .grad is the one shown now plus the new step's own gradient.
    shown_before = shown_grads(loop)
    loop.get_by_role("checkbox", name="zero_grad").uncheck()
    step.click()
    expect(curve).to_have_attribute("data-steps", "3")
    expect(loop.locator(".aw-train-head")).to_contain_text("sum of the last 2 backwards")
    np.testing.assert_allclose(shown_grads(loop), shown_before + own[2], rtol=1e-5)
    np.testing.assert_allclose(shown_grads(loop), grads[2], rtol=1e-5)
    expect(curve.locator("circle.aw-no-zero-grad")).to_have_count(1)      # the step without zero_grad, ringed
    weight_label = loop.locator(".aw-canvas g.node text", has_text=re.compile("^grad "))
    expect(weight_label.first).to_have_text(re.compile(r"^grad \[\[?-?\d"))
    screenshot(page, "training_loop_grads_add_up", loop)

    # run N: several steps, one drawing.
    n = loop.locator("input[type='number']")
    n.fill("4")
    n.press("Enter")
    loop.get_by_role("button", name="run", exact=True).click()
    expect(curve).to_have_attribute("data-steps", "7")
    expect(loop.locator(".aw-train-head")).to_contain_text("sum of the last 6 backwards")
    assert page.locator(".jp-RenderedText[data-mime-type='application/vnd.jupyter.error']").count() == 0
