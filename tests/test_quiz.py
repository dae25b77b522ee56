"""Predict, then reveal (issue 11 §5): BackwardPlayground(quiz=True) hides each .grad until predicted,
scores the predictions element by element against the real .grad (PyTorch's, where it runs)."""
import math

import pytest
from ipywidgets.widgets.widget import _instances  # ipywidgets 8's registry of open widgets

import autograd_widgets as aw
from autograd_widgets.widgets.quiz import GradQuiz

MODULES = ["autograd_widgets", "torch"]


def quiz(T, **kwargs):
    """out = sum(a * b) with a = [1, 2], b = 3: a.grad = [3, 3], b.grad = 3."""
    a = T.tensor([1.0, 2.0], requires_grad=True)
    b = T.tensor(3.0, requires_grad=True)
    out = (a * b).sum()
    return a, b, aw.BackwardPlayground(out, names={"a": a, "b": b}, quiz=True, **kwargs)


@pytest.mark.parametrize("module", MODULES)
def test_grads_are_hidden_everywhere_until_predicted_and_revealed(module):
    T = pytest.importorskip(module)
    a, b, p = quiz(T, gradients=True)
    assert sorted(p.quiz.hidden) == ["a", "b"] and p.grads == {"a": [3.0, 3.0], "b": 3.0}
    assert "[3, 3]" not in p.grad_table.value and p.grad_table.value.count(">?<") == 2
    leaf_lines = [p.view.labels[n.id][2] for n in p.view.drawn.leaves()]
    assert all(line.split() == ["grad", "?"] for line in leaf_lines)
    assert all(p.view.labels[f"e{i}"][0].strip("\u00a0") == "?" for i in range(len(p.view.drawn.edges)))
    p.view.selected = p.view.graph.id_of(a)
    assert dict(p.view.details["rows"])["grad"].startswith("?")
    p.predict("a", [3, 2])
    assert sorted(p.quiz.hidden) == ["a", "b"]                  # predicting is not revealing
    p.reveal()
    assert p.quiz.hidden == ["b"]                               # b was not predicted: still hidden
    assert "b.grad first" in p.quiz.message
    assert "[3, 3]" in p.grad_table.value and p.grad_table.value.count(">?<") == 1
    assert p.view.labels[p.view.graph.id_of(a)][2].split() == ["grad", "[3.,", "3.]"]
    assert p.quiz.marks["a"] == [True, False] and p.score == (1, 3)
    p.predict("b", T.tensor(3.0))
    p.reveal()
    assert p.quiz.hidden == [] and p.score == (2, 3) and p.quiz.message == ""
    assert "3." in p.view.labels[f"e{len(p.view.drawn.edges) - 1}"][0]   # edges shown again
    assert p.quiz.result_html.value.count("✓") == 2 and p.quiz.result_html.value.count("✗") == 1
    p.close()


@pytest.mark.parametrize("module", MODULES)
def test_a_new_backward_hides_the_changed_grads_again(module):
    T = pytest.importorskip(module)
    a, b, p = quiz(T)
    p.predict("a", [3, 3])
    p.predict("b", 3)
    p.reveal()
    assert p.score == (3, 3)
    p.sliders[0].value = 2.0                                    # v = 2: a.grad and b.grad double
    assert sorted(p.quiz.hidden) == ["a", "b"] and p.score == (0, 3)
    p.predict("a", [6, 6])
    p.predict("b", 6)
    p.reveal()
    assert p.score == (3, 3)
    p.close()


def test_accumulate_history_hides_grads_too():
    a, b, p = quiz(aw)
    p.mode = "accumulate"
    p.backward()
    p.backward()
    assert "?" in p.history_html.value and "[6, 6]" not in p.history_html.value
    p.predict("a", "[6., 6.]")
    p.predict("b", "6")
    p.reveal()
    assert "[6, 6]" in p.history_html.value and p.score == (3, 3)   # grads add up: 3 + 3
    p.close()


def test_predictions_are_scored_against_pytorchs_grads_with_allclose_tolerance():
    torch = pytest.importorskip("torch")
    a, b, p = quiz(torch)
    truth = a.grad.tolist()                                     # PyTorch's own backward filled it
    p.predict("a", [truth[0] * (1 + 0.9e-5), truth[1] * (1 + 3e-5)])
    p.predict("b", float("nan"))
    p.reveal()
    assert p.quiz.marks == {"a": [True, False], "b": False}     # rtol 1e-5; nan is never right
    assert torch.allclose(torch.tensor(truth[0] * (1 + 0.9e-5)), a.grad[0])
    assert not torch.allclose(torch.tensor(truth[1] * (1 + 3e-5)), a.grad[1])
    p.close()


def test_bad_predictions_say_what_to_type():
    a, b, p = quiz(aw)
    with pytest.raises(ValueError, match=r"a.grad has shape \[2\].*prediction has shape \[3\].*e.g. \[0, 0\]"):
        p.predict("a", [1, 2, 3])
    with pytest.raises(ValueError, match=r"b.grad: 'three' is not a number"):
        p.predict("b", "three")
    with pytest.raises(ValueError, match=r"not a number or a rectangular nested list"):
        p.predict("a", [1, [2]])
    with pytest.raises(ValueError, match=r"no leaf named 'c'.*a, b|no leaf named 'c'.*b, a"):
        p.predict("c", 1)
    with pytest.raises(ValueError, match="not a number"):
        p.predict("b", True)
    assert p.quiz.predictions == {}
    p.quiz.boxes["a"].value = "[1, 2"                           # typed in the browser: shown, not raised
    assert "is not a number or a nested list" in p.quiz.message and "a" not in p.quiz.predictions
    assert "aw-quiz-message" in p.quiz.message_html.value
    p.quiz.boxes["a"].value = "tensor([3., 3.])"                # as PyTorch prints it
    assert p.quiz.predictions["a"] == [3.0, 3.0] and p.quiz.message == ""
    p.predict("b", "None")                                      # predicts "no gradient": wrong here
    p.reveal()
    assert p.quiz.marks["b"] is False and p.score == (2, 3)
    p.close()


def test_python_predictions_show_in_the_text_boxes():
    a, b, p = quiz(aw)
    p.predict("a", aw.tensor([3.0, 3.0]))
    assert p.quiz.boxes["a"].value == "[3.0, 3.0]"
    p.close()


def test_quiz_api_without_a_quiz_explains_itself():
    x = aw.tensor([1.0], requires_grad=True)
    p = aw.BackwardPlayground(x * 2)
    with pytest.raises(RuntimeError, match="quiz=True"):
        p.predict("x", [2])
    with pytest.raises(RuntimeError, match="quiz=True"):
        p.score
    p.close()


def test_no_gradient_predicted_as_none_is_right():
    q = GradQuiz(["c"], [(2, 2)], truth=lambda: {"c": None})
    q.predict("c", None)
    q.reveal()
    assert q.marks == {"c": [[True, True], [True, True]]} and q.score == (4, 4)
    q.predict("c", [[0, 0], [0, 0]])                            # zeros are not "no gradient"
    q.reveal()
    assert q.score == (0, 4)
    q.close()


def test_close_frees_the_quiz_widgets():
    start = len(_instances)
    a, b, p = quiz(aw)
    assert len(_instances) > start
    p.close()
    assert len(_instances) == start


def test_score_total_counts_every_element_of_every_leaf():
    q = GradQuiz(["w", "s"], [(2, 3), ()], truth=lambda: {"w": [[1.0] * 3] * 2, "s": 0.5})
    assert q.score == (0, math.prod((2, 3)) + 1)
    q.predict("w", [[1, 1, 1], [1, 1, 2]])
    q.reveal()
    assert q.score == (5, 7) and q.hidden == ["s"]
    q.close()
