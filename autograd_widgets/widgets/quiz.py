"""Predict, then reveal: the learner types each leaf's .grad before seeing it (BackwardPlayground(quiz=True)).

    q = GradQuiz(["a", "b"], [(2,), ()], truth=lambda: {"a": [2., 4.], "b": None})
    q.predict("a", [2, 4]); q.predict("b", "None")
    q.reveal()                    # a.grad shown with ✓/✗ per element; a leaf not predicted stays hidden
    q.score                       # (correct elements, total elements of every leaf)
    q.hidden                      # names whose .grad is still hidden

A prediction is a number, a nested list of numbers (text as Python writes it, or `tensor([...])`
as PyTorch prints it), a tensor, or None (no gradient). It must have the leaf's shape. An element
is right when |prediction - truth| <= 1e-8 + 1e-5 * |truth| (torch.allclose's defaults).
When a gradient changes after it was revealed (another backward), it is hidden again.
"""
import ast
import html
import math
import re

import ipywidgets as W

from ._autograd import fmt as _fmt

RTOL, ATOL = 1e-5, 1e-8  # torch.allclose's defaults


class GradQuiz(W.VBox):
    """A text box per leaf for the predicted .grad, a reveal button, and the marks after it."""

    def __init__(self, names, shapes, truth, on_change=None):
        self.shapes = dict(zip(names, (tuple(s) for s in shapes)))
        self._truth, self._on_change = truth, on_change
        self.predictions = {}   # name -> nested list, a float, or None (predicted: no gradient)
        self.revealed = {}      # name -> the .grad revealed (nested list or None)
        self.marks = {}         # name -> right/wrong per element (nested like the grad), once revealed
        self.message = ""       # what is wrong with the last prediction or reveal ("" when nothing)
        self.boxes, rows = {}, []
        for name, shape in self.shapes.items():
            box = W.Text(description=f"{name}.grad", placeholder=f"e.g. {_example(shape)}", continuous_update=False,
                         style={"description_width": "initial"}, layout=W.Layout(width="340px"))
            box.observe(lambda change, name=name: self._on_text(name, change["new"]), "value")
            self.boxes[name] = box
            rows.append(box)
        self.reveal_button = W.Button(description="reveal", button_style="warning", icon="eye")
        self.reveal_button.on_click(lambda _: self.reveal())
        self.message_html = W.HTML()
        self.result_html = W.HTML()
        head = W.HTML("<b>Predict</b> each .grad (a number, or a nested list like the leaf), then press reveal:")
        super().__init__([head, W.HBox(rows, layout=W.Layout(flex_flow="row wrap")), self.reveal_button,
                          self.message_html, self.result_html])
        self.add_class("aw-quiz")
        self._render()

    # --- the Python API ---------------------------------------------------------------------------
    def predict(self, name, value):
        """Record the learner's prediction of `name`.grad; a wrong shape or something that is not a
        number raises ValueError saying what to type instead."""
        if name not in self.shapes:
            raise ValueError(f"there is no leaf named {name!r} in this quiz; predict one of: "
                             f"{', '.join(self.shapes)}.")
        guess = _parse(name, value, self.shapes[name])
        self.predictions[name] = guess
        text = _text(value)
        if self.boxes[name].value != text:
            self._typing = True  # the box shows what was predicted, without parsing it again
            try:
                self.boxes[name].value = text
            finally:
                self._typing = False
        self._set_message("")

    def reveal(self):
        """Show the true .grad of every predicted leaf with ✓/✗ per element; leaves not predicted yet
        stay hidden (the message names them)."""
        truth = self._truth()
        missing = [n for n in self.shapes if n not in self.predictions]
        for name in self.shapes:
            if name in self.predictions:
                self.revealed[name] = truth.get(name)
                self.marks[name] = _marks(self.predictions[name], truth.get(name), self.shapes[name])
        self._set_message("" if not missing else "Type a prediction for " + ", ".join(f"{n}.grad" for n in missing)
                          + " first: it stays hidden until then.")
        self._changed()

    @property
    def hidden(self):
        """Names whose .grad the learner may not see yet."""
        return [n for n in self.shapes if n not in self.revealed]

    @property
    def score(self):
        """(elements predicted right among the revealed leaves, elements of every leaf)."""
        right = sum(_count(m) for m in self.marks.values())
        total = sum(math.prod(s) for s in self.shapes.values())
        return right, total

    def grads_changed(self, grads):
        """Hide again every revealed .grad that is no longer the one revealed (another backward ran)."""
        stale = [n for n, g in self.revealed.items() if grads.get(n) != g]
        for n in stale:
            del self.revealed[n], self.marks[n]
        if stale:
            self._changed()

    # --- reactions -------------------------------------------------------------------------------
    _typing = False

    def _on_text(self, name, text):
        if self._typing:
            return
        if not text.strip():
            self.predictions.pop(name, None)
            self._set_message("")
            return
        try:
            self.predict(name, text)
        except ValueError as e:
            self.predictions.pop(name, None)
            self._set_message(str(e))

    def _set_message(self, text):
        self.message = text
        self.message_html.value = "" if not text else (
            f"<div class='aw-quiz-message' style='color:#a00'>{html.escape(text)}</div>")

    def _changed(self):
        self._render()
        if self._on_change is not None:
            self._on_change()

    def _render(self):
        rows = []
        for name in self.shapes:
            if name not in self.revealed:
                continue
            truth, guess, marks = self.revealed[name], self.predictions[name], self.marks[name]
            rows.append(f"<tr data-leaf='{html.escape(name)}'><td><b>{html.escape(name)}</b>.grad</td>"
                        f"<td>{html.escape(_fmt(guess))}</td><td>{html.escape(_fmt(truth))}</td>"
                        f"<td class='aw-marks'>{_marks_html(marks)}</td></tr>")
        right, total = self.score
        self.result_html.value = "" if not rows else (
            "<table class='aw-quiz-result'><tr><th></th><th>you said</th><th>the real .grad</th><th></th></tr>"
            f"{''.join(rows)}</table><div class='aw-score'>score: {right} of {total} elements right</div>")


def _parse(name, value, shape):
    """The prediction as nested lists of floats (a float for a 0-d leaf), or None; ValueError otherwise."""
    example = _example(shape)
    if isinstance(value, str):
        text = value.strip()
        text = re.sub(r"^tensor\((.*?)(,\s*\w+=.*)?\)$", r"\1", text, flags=re.S)  # as PyTorch prints it
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            raise ValueError(f"{name}.grad: {value.strip()!r} is not a number or a nested list of numbers. "
                             f"Type it as Python writes it, e.g. {example}, or None for no gradient.") from None
    elif hasattr(value, "tolist"):  # a tensor (this core's or PyTorch's) or a NumPy array
        value = value.detach().cpu().tolist() if hasattr(value, "detach") else value.tolist()
    if value is None:
        return None
    if isinstance(value, tuple):
        value = list(value)
    got = _shape(value)
    if got is None:
        raise ValueError(f"{name}.grad: {_text(value)!r} is not a number or a rectangular nested list of numbers. "
                         f"Type e.g. {example}.")
    if got != shape:
        raise ValueError(f"{name}.grad has shape {list(shape)} (the shape of {name}), but the prediction has "
                         f"shape {list(got)}. Type {math.prod(shape)} number(s) shaped like {name}, e.g. {example}.")
    return _floats(value)


def _shape(x):
    """The shape of nested lists of numbers, or None if they are ragged or hold something else."""
    if isinstance(x, bool):
        return None
    if isinstance(x, (int, float)):
        return ()
    if not isinstance(x, list) or not x:
        return (0,) if x == [] else None
    inner = {_shape(v) for v in x}
    if len(inner) != 1 or None in inner:
        return None
    return (len(x), *inner.pop())


def _floats(x):
    return [_floats(v) for v in x] if isinstance(x, list) else float(x)


def _marks(guess, truth, shape):
    """Right/wrong per element, nested like the leaf (a bool for a 0-d leaf)."""
    if guess is None or truth is None:
        right = guess is None and truth is None
        return _fill(shape, right)
    return _zip(guess, truth)


def _zip(g, t):
    if isinstance(t, list):
        return [_zip(a, b) for a, b in zip(g, t)]
    return abs(g - t) <= ATOL + RTOL * abs(t)  # nan is never right, as in torch.allclose


def _fill(shape, value):
    return value if not shape else [_fill(shape[1:], value) for _ in range(shape[0])]


def _count(marks):
    return sum(_count(m) for m in marks) if isinstance(marks, list) else int(bool(marks))


def _flat(x):
    return [v for item in x for v in _flat(item)] if isinstance(x, list) else [x]


def _marks_html(marks):
    return " ".join("<span class='aw-right' style='color:#1a7f1a'>✓</span>" if m else
                    "<span class='aw-wrong' style='color:#c00'>✗</span>" for m in _flat(marks))


def _example(shape):
    """A zero prediction of `shape` as text: 0., [0., 0.], [[0., 0.], [0., 0.]] (long ones cut)."""
    if not shape:
        return "1.5"
    if math.prod(shape) > 12:
        return f"a nested list of {' x '.join(str(s) for s in shape)} numbers"
    return _text(_fill(shape, 0))


def _text(value):
    if isinstance(value, str):
        return value
    if hasattr(value, "tolist"):
        value = value.detach().cpu().tolist() if hasattr(value, "detach") else value.tolist()
    return repr(value)



class PredictThenReveal:
    """What BackwardPlayground(quiz=True) gains: `predict()`, `reveal()`, `score`, and every .grad
    a prediction is still due for hidden in the table, the history and the graph (`?`)."""
    quiz = None

    def _make_quiz(self, on):
        """The quiz's widgets (none when `on` is false), to place in the playground."""
        if not on:
            return []
        self.quiz = GradQuiz(self.input_names, [tuple(t.shape) for t in self.inputs], lambda: self.grads,
                             self._on_quiz)
        return [self.quiz]

    def predict(self, name, value):
        """Predict `name`.grad (a number, nested list, tensor or None) before it is revealed."""
        self._need_quiz("predict")
        self.quiz.predict(name, value)

    def reveal(self):
        """Show the true .grad of each predicted leaf, with ✓/✗ per element."""
        self._need_quiz("reveal")
        self.quiz.reveal()

    @property
    def score(self):
        """(elements predicted right, elements of every leaf); see widgets/quiz.py."""
        self._need_quiz("score")
        return self.quiz.score

    def _need_quiz(self, what):
        if self.quiz is None:
            raise RuntimeError(f"{what} belongs to a quiz: make the playground with BackwardPlayground(..., "
                               "quiz=True) to predict each .grad before it is shown.")

    def _grad_text(self, name, value):
        return "?" if self.quiz is not None and name in self.quiz.hidden else _fmt(value)

    def _quiz_check(self):
        """After the grads changed: hide again those revealed before, and hide them in the graph."""
        if self.quiz is None:
            return
        self.quiz.grads_changed(self.grads)
        hidden = set(self.quiz.hidden)
        ids = {self.view.graph.id_of(t) for name, t in zip(self.input_names, self.inputs) if name in hidden}
        if frozenset(ids - {None}) != self.view.hidden:
            self.view.hide_grads(ids - {None})
        self.grad_box.layout.display = "none" if hidden else None  # create_graph's view shows the grads too

    def _on_quiz(self):
        self._show(freed=False, data=False)
        self._show_history(rewrite=True)  # rows already written show '?' or the truth as they were
