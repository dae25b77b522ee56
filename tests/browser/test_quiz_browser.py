"""Predict, then reveal, and gradients on the edges, in a real JupyterLab: type a prediction, press
reveal, see ✓/✗; the graph's leaf and edge labels read `?` until then and the gradients after."""
from lab import cell_errors, open_notebook, screenshot, write_notebook

QUIZ = """import autograd_widgets as torch
a = torch.tensor([1., 2.], requires_grad=True)
b = torch.tensor(3., requires_grad=True)
out = (a * b).sum()
p = torch.BackwardPlayground(out, names={"a": a, "b": b}, quiz=True, gradients=True)
p"""


def svg_texts(page, selector):
    return [t.replace("\u00a0", " ").strip() for t in page.evaluate(
        f"[...document.querySelectorAll({selector!r})].map(t => t.textContent)")]


def test_type_a_prediction_reveal_and_see_the_edges(lab, page):
    nb = write_notebook(lab.root / "quiz.ipynb", [QUIZ])
    open_notebook(page, lab, nb)
    page.wait_for_selector(".aw-canvas svg g.node", timeout=30_000)
    assert cell_errors(page) == []
    quiz = page.locator(".aw-quiz")
    assert page.locator("td.aw-grad").all_inner_texts() == ["?", "?"]
    page.wait_for_function("[...document.querySelectorAll('.aw-canvas g.edge text')].some(t => t.textContent.includes('?'))",
                           timeout=15_000)
    assert set(svg_texts(page, ".aw-canvas g.edge text")) == {"?"}          # every edge hides its gradient
    assert [t for t in svg_texts(page, ".aw-canvas g.node text") if t.startswith("grad")] == ["grad ?", "grad ?"]

    # A bad prediction: the message says what to type.
    box_a = quiz.locator(".widget-text", has_text="a.grad").locator("input")
    box_a.fill("[1, 2, 3]")
    box_a.press("Enter")
    quiz.locator(".aw-quiz-message").wait_for(timeout=15_000)
    assert "has shape [2]" in quiz.locator(".aw-quiz-message").inner_text()

    # a right, b wrong; reveal shows the truth with a mark per element.
    box_a.fill("[3, 3]")
    box_a.press("Enter")
    box_b = quiz.locator(".widget-text", has_text="b.grad").locator("input")
    box_b.fill("2")
    box_b.press("Enter")
    page.wait_for_function("!document.querySelector('.aw-quiz-message')", timeout=15_000)
    quiz.locator("button", has_text="reveal").click()
    quiz.locator(".aw-score").wait_for(timeout=15_000)
    assert quiz.locator(".aw-score").inner_text() == "score: 2 of 3 elements right"
    assert quiz.locator(".aw-right").count() == 2 and quiz.locator(".aw-wrong").count() == 1
    page.wait_for_function("[...document.querySelectorAll('.aw-canvas g.edge text')].some(t => t.textContent.includes('[3., 3.]'))",
                           timeout=15_000)
    edges = svg_texts(page, ".aw-canvas g.edge text")
    assert "1." in edges and "[1., 1.]" in edges and "[3., 3.]" in edges and "3." in edges and "?" not in edges
    grads = sorted(t for t in svg_texts(page, ".aw-canvas g.node text") if t.startswith("grad"))
    assert grads == ["grad 3.", "grad [3., 3.]"]
    assert page.locator("td.aw-grad[data-leaf='a']").inner_text() == "[3, 3]"
    screenshot(page, "quiz_revealed", page.locator(".aw-playground"))
