"""TrainingLoop: a training loop run one step at a time, showing what each step does to every parameter.

    loop = TrainingLoop(model, loss_fn, optimizer, batches)   # batches: [(x, y), ...] or a DataLoader
    loop.step(); loop.run(20)
    loop.zero_grad_each_step = False      # from now on the gradients add up, step after step
    loop.lr = 0.01                        # optimizer.param_groups[0]["lr"], as the slider sets it
    loop.history[-1]["loss"], loop.history[-1]["grads"]["fc1.weight"]

One step is the loop of PyTorch's "Neural Networks" tutorial, on the next batch (a list goes round
and round; a DataLoader is iterated again at the end of each epoch):

    optimizer.zero_grad()        # only while zero_grad_each_step (the checkbox) is on
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()

`history`: one dict per step: "loss" (float), "grads" ({parameter path: nested list, None where no
gradient arrived} after the backward), "params" ({parameter path: nested list} after optimizer.step()),
"zero_grad" (whether zero_grad ran before that backward). `view` is the GraphView of the last loss
(of the bare parameters before the first step). Models and optimizers of this core and of PyTorch
both work: the loop only calls named_parameters(), zero_grad(), step() and param_groups.
"""
import html
import math
import numbers
from collections.abc import Callable, Iterable, Iterator

import ipywidgets as W

from .. import errors
from ..graph import is_tensor
from ..graph.details import is_module
from ..graph.modules import watch
from ._autograd import fmt
from ._parts import ClosesParts
from .graph_view import GraphView
from .loss_curve import loss_curve_svg

SHOWN = 6  # a tensor with more elements is summarized in the table: norm and its first values
# Inline, so the table keeps its look in a notebook exported to HTML; JupyterLab's widget line height
# (28 px, one control's height) would space the lines of text far apart.
_TABLE_STYLE = ("<style>.aw-train-head{line-height:1.4;max-width:520px;margin:0 0 4px}"
                ".aw-train-grads{font-family:monospace;line-height:1.4;border-collapse:collapse}"
                ".aw-train-grads td,.aw-train-grads th{padding:1px 12px 1px 0;text-align:left}</style>")


class TrainingLoop(ClosesParts, W.VBox):
    """Buttons `step` and `run` (N steps), the `zero_grad` checkbox, an `lr` slider; below them the loss
    curve, a table of every parameter (value before optimizer.step(), .grad, value after), and the graph."""

    def __init__(self, model, loss_fn: Callable, optimizer, batches, steps: int = 10):
        """`steps`: the N that the `run` button starts with."""
        self.named = _parameters(model)
        if not callable(loss_fn):
            raise TypeError(f"loss_fn is called as loss_fn(model(x), y) and must return the loss, e.g. "
                            f"nn.MSELoss() or F.cross_entropy; got {type(loss_fn).__name__}, which is not callable.")
        _check_optimizer(optimizer)
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.batches = _Batches(batches)
        self.history, self.loss = [], None
        # How many backwards .grad sums (shown when they add up); None: it also holds what was there before.
        self._summed = 0 if _empty(self.named) else None
        # The last step's values, copied to host arrays: the table is written from them (summing a large
        # tensor's nested lists in Python, or one small tensor op per summary, would cost more than the step).
        self._before = self._after = _copies(self.named)
        self._grads = {}

        self.step_button = W.Button(description="step", button_style="primary",
                                    tooltip="one batch: zero_grad (if ticked), forward, backward, optimizer.step()")
        self.run_button = W.Button(description="run", tooltip="run N steps, then draw")
        self.steps_box = W.BoundedIntText(value=steps, min=1, max=100_000, description="N",
                                          layout=W.Layout(width="130px"))
        self.zero_box = W.Checkbox(value=True, description="zero_grad", indent=False,
                                   layout=W.Layout(width="auto", margin="0 12px"))
        self.lr_slider = W.FloatLogSlider(value=0.01, min=-4, max=1, description="lr", readout_format=".3g",
                                          continuous_update=False, layout=W.Layout(width="340px"))
        self._show_lr(optimizer.param_groups[0]["lr"])
        self.lr_slider.observe(self._on_lr, "value")
        self.step_button.on_click(lambda _: self._click(self.step))
        self.run_button.on_click(lambda _: self._click(lambda: self.run(self.steps_box.value)))
        self.curve = W.HTML(layout=W.Layout(flex="none", margin="0 24px 0 0"))
        self.table = W.HTML(layout=W.Layout(flex="0 1 auto", overflow="auto"))
        self.error_html = W.HTML()
        self.view = GraphView([p for _, p in self.named], names=model)
        controls = W.HBox([self.step_button, self.run_button, self.steps_box, self.zero_box, self.lr_slider],
                          layout=W.Layout(flex_flow="row wrap", align_items="center"))
        results = W.HBox([self.curve, self.table], layout=W.Layout(flex_flow="row wrap", align_items="flex-start"))
        super().__init__([controls, results, self.error_html, self.view])
        self.add_class("aw-training")
        self._draw()

    # --- the API the controls drive ---------------------------------------------------------------
    @property
    def zero_grad_each_step(self) -> bool:
        """Whether optimizer.zero_grad() runs before each backward (the `zero_grad` checkbox)."""
        return self.zero_box.value

    @zero_grad_each_step.setter
    def zero_grad_each_step(self, value):
        self.zero_box.value = bool(value)

    @property
    def lr(self) -> float:
        """optimizer.param_groups[0]["lr"]; setting it moves the slider, whose range widens to fit."""
        return self.optimizer.param_groups[0]["lr"]

    @lr.setter
    def lr(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not value > 0 or not math.isfinite(value):
            raise ValueError(f"lr is a positive learning rate, e.g. 0.01, not {value!r}: the slider is on a log "
                             "scale. To freeze the parameters, set optimizer.param_groups[0]['lr'] = 0 directly.")
        self._show_lr(value)
        self.optimizer.param_groups[0]["lr"] = float(value)

    def step(self) -> float:
        """One training step on the next batch; returns the loss (a float)."""
        self._step()
        self._draw()
        return self.history[-1]["loss"]

    def run(self, n: int) -> float:
        """`n` steps, drawn once at the end (the graph and table would only flicker in between); returns the
        last loss."""
        if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
            raise ValueError(f"run(n) takes a whole number of steps, at least 1, e.g. run(10); got {n!r}.")
        try:
            for _ in range(int(n)):
                self._step()
        finally:
            self._draw()
        return self.history[-1]["loss"]

    def close(self):
        """Close every widget inside, and let go of the batches' iterator (a DataLoader's workers) and the graph."""
        super().close()
        if hasattr(self, "batches"):  # ipywidgets closes a widget whose __init__ refused its input, too
            self.batches.close()
        self.loss = None

    # --- one step ----------------------------------------------------------------------------------
    def _step(self):
        x, y = self.batches.next()
        before = _copies(self.named)
        zero = self.zero_grad_each_step
        if zero:
            self.optimizer.zero_grad()
        with watch(self.model):  # a PyTorch model's nodes are grouped by module too (this core's always are)
            loss = self.loss_fn(self.model(x), y)
        if not is_tensor(loss):
            raise TypeError(f"loss_fn returned {type(loss).__name__}; it must return the loss as a tensor "
                            "(computed from model(x)), so that backward() can run through it.")
        summed = 0 if zero or _empty(self.named) else self._summed
        try:
            loss.backward()
        except RuntimeError as e:  # PyTorch's words, then the explanation (a loss that is not a scalar, ...)
            raise RuntimeError(errors.explain(e)) from None
        self._summed = None if summed is None else summed + 1
        grads = _copies((name, p.grad) for name, p in self.named)
        self.optimizer.step()
        after = _copies(self.named)
        self.loss, self._before, self._grads, self._after = loss, before, grads, after
        self.history.append({"loss": float(loss.item()), "grads": _lists(grads), "params": _lists(after),
                             "zero_grad": zero})

    # --- drawing -----------------------------------------------------------------------------------
    def _draw(self):
        self.curve.value = loss_curve_svg([h["loss"] for h in self.history], [h["zero_grad"] for h in self.history])
        self.table.value = self._table()
        if self.loss is not None:
            first = not self.view.graph.functions()  # till now the view drew the bare parameters
            self.view.update(self.loss, names=self.model)
            if first and len(self.view.graph.nodes) > self.view.max_nodes:  # as show() starts a large model
                self.view.collapsed = list(self.view.graph.modules)
        self._show_lr(self.lr)  # a scheduler, or the learner, may have changed it behind the slider

    def _table(self):
        esc = html.escape
        if not self.history:
            head = "before the first step: the parameters as they start"
            rows = "".join(f"<tr><td><b>{esc(name)}</b></td><td>{_shape(p)}</td>"
                           f"<td class='aw-before' data-param='{esc(name)}'>{esc(_summary(self._before[name]))}</td>"
                           f"<td>–</td><td>–</td></tr>" for name, p in self.named)
        else:
            last = self.history[-1]
            head = f"step {len(self.history)} ({self.batches.where()}): loss {last['loss']:.6g}. " + _what_grad_holds(
                last["zero_grad"], self._summed)
            rows = "".join(f"<tr><td><b>{esc(name)}</b></td><td>{_shape(p)}</td>"
                           f"<td class='aw-before' data-param='{esc(name)}'>{esc(_summary(self._before[name]))}</td>"
                           f"<td class='aw-grad' data-param='{esc(name)}'>{esc(_summary(self._grads[name]))}</td>"
                           f"<td class='aw-after' data-param='{esc(name)}'>{esc(_summary(self._after[name]))}</td>"
                           f"</tr>" for name, p in self.named)
        return (_TABLE_STYLE + f"<div class='aw-train-head'>{head}</div><table class='aw-train-grads'><tr>"
                "<th>parameter</th><th>shape</th><th>before step()</th><th>.grad</th><th>after step()</th></tr>"
                + rows + "</table>")

    # --- reactions -------------------------------------------------------------------------------
    _quiet = False

    def _show_lr(self, lr):
        """Put `lr` on the slider (widening its range) without writing it back to the optimizer."""
        lr = float(lr)
        s, self._quiet = self.lr_slider, True
        try:
            if lr > 0 and math.isfinite(lr):
                exponent = math.log10(lr)
                s.min, s.max = min(s.min, math.floor(exponent) - 3), max(s.max, math.ceil(exponent) + 1)
            if s.value != lr:
                s.value = lr  # 0 (or a negative lr) cannot sit on a log scale: the slider shows its lowest value
        finally:
            self._quiet = False

    def _on_lr(self, change):
        if not self._quiet:
            self.optimizer.param_groups[0]["lr"] = float(change["new"])

    def _click(self, action):
        """A button's action: its error shown in the widget (a button has nowhere to raise to)."""
        try:
            action()
            self.error_html.value = ""
        except Exception as e:  # noqa: BLE001 - whatever the learner's model raised, shown where they clicked
            text = errors.explain(e) if isinstance(e, RuntimeError) else str(e)
            self.error_html.value = ("<pre class='aw-error' style='color:#a00;background:#fff4f4;border:1px solid "
                                     "#f3c2c2;padding:6px;white-space:pre-wrap;margin:4px 0'>"
                                     f"{html.escape(type(e).__name__)}: {html.escape(text)}</pre>")

    def __repr__(self):
        zero = "zero_grad each step" if self.zero_grad_each_step else "no zero_grad: gradients add up"
        loss = f", loss {self.history[-1]['loss']:.6g}" if self.history else ""
        return f"TrainingLoop({len(self.history)} steps{loss}, {zero})"


class _Batches:
    """The (x, y) pairs in turn, for ever: a list goes round and round; a DataLoader (or any iterable that
    can be iterated again) starts a new epoch when it runs out."""

    def __init__(self, batches):
        if isinstance(batches, (list, tuple)):
            self.items = list(batches)
            if not self.items:
                raise ValueError("batches is empty: a training loop needs at least one (x, y) pair, e.g. "
                                 "batches=[(x, y)].")
            for i, b in enumerate(self.items):
                _pair(b, i)
        else:
            if not isinstance(batches, Iterable):  # not iter(batches): a DataLoader's iter() draws from the RNG
                raise TypeError(f"batches is a list of (x, y) pairs or a DataLoader; got {type(batches).__name__}, "
                                "which cannot be iterated. For one batch write batches=[(x, y)].")
            if isinstance(batches, Iterator):
                raise TypeError(f"batches is an iterator ({type(batches).__name__}): it runs out after one pass, and "
                                "a training loop goes round again. Pass a list (batches=list(...)) or a DataLoader.")
            if getattr(batches, "__len__", None) is not None and len(batches) == 0:
                raise ValueError("batches (a DataLoader) holds no batch: its dataset is empty, or smaller than "
                                 "batch_size with drop_last=True. Give it at least one (x, y) sample.")
            self.items = None
        self.source, self.taken, self.epoch, self.index = batches, 0, 0, -1
        self._it = None

    def next(self):
        if self.items is not None:
            self.epoch, self.index = divmod(self.taken, len(self.items))
            self.taken += 1
            return self.items[self.index]
        if self._it is None:
            self._it = iter(self.source)
        try:
            batch = next(self._it)
            self.index += 1
        except StopIteration:
            self._it = iter(self.source)  # the next epoch (a shuffling DataLoader draws a new order)
            self.epoch, self.index = self.epoch + (self.taken > 0), 0
            try:
                batch = next(self._it)
            except StopIteration:
                raise ValueError("batches (a DataLoader) gave no batch in a whole epoch: a training loop needs at "
                                 "least one (x, y) pair per epoch.") from None
        self.taken += 1
        return _pair(batch, self.index)

    def where(self):
        total = len(self.items) if self.items is not None else getattr(self.source, "__len__", lambda: None)()
        of = f" of {total}" if total is not None else ""
        return f"epoch {self.epoch + 1}, batch {self.index + 1}{of}"

    def close(self):
        self._it = None


def _pair(batch, i):
    """`batch` as (x, y), or a TypeError saying what a batch must be."""
    if isinstance(batch, (list, tuple)) and len(batch) == 2:
        return batch
    what = f"a {type(batch).__name__} of {len(batch)} items" if isinstance(batch, (list, tuple)) else \
        f"a {type(batch).__name__}"
    raise TypeError(f"batch {i} is {what}, not an (x, y) pair: each batch holds the model's input x and the "
                    "target y, e.g. batches=[(x, y)] or DataLoader(TensorDataset(x, y)). For one batch write "
                    "batches=[(x, y)], not batches=(x, y).")


def _parameters(model):
    """model.named_parameters() as a list, or a TypeError/ValueError saying what a model must be."""
    if not is_module(model) or not callable(model):
        raise TypeError(f"model is a module, e.g. nn.Linear(1, 1) or a subclass of nn.Module (of this core or of "
                        f"PyTorch), called as model(x); got {type(model).__name__}, which has no named_parameters().")
    named = [(name, p) for name, p in model.named_parameters() if is_tensor(p)]
    if not named:
        raise ValueError(f"the model ({type(model).__name__}) has no parameters, so there is nothing to train: give "
                         "it a layer with weights, e.g. nn.Linear(1, 1).")
    return named


def _check_optimizer(optimizer):
    missing = [a for a in ("zero_grad", "step") if not callable(getattr(optimizer, a, None))]
    groups = getattr(optimizer, "param_groups", None)
    if missing or not isinstance(groups, list) or not groups or "lr" not in groups[0]:
        raise TypeError(f"optimizer is an optimizer made on the model's parameters, e.g. "
                        f"torch.optim.SGD(model.parameters(), lr=0.1): it needs zero_grad(), step() and "
                        f"param_groups with an 'lr'; got {type(optimizer).__name__}.")


def _shape(p):
    return html.escape(str(list(p.shape)))


def _what_grad_holds(zero_grad, summed):
    if zero_grad:
        return "zero_grad ran before its backward, so each .grad is this step's gradient alone."
    if summed == 1:
        return ("zero_grad did not run, but .grad was empty (None), so it holds this step's gradient alone; the "
                "next backward will add to it.")
    adds = f"the sum of the last {summed} backwards" if summed else "this step's gradient plus what .grad held before"
    return (f"<b style='color:#c55a00'>zero_grad did not run: each .grad is {adds}</b>, and optimizer.step() "
            "followed that sum.")


def _empty(named):
    """No parameter holds a gradient (.grad is None everywhere): the next backward starts the sums."""
    return all(p.grad is None for _, p in named)


def _copies(named):
    """{name: a host array copy of the tensor's values (None stays None)}: what it holds now, kept."""
    return {name: None if t is None else t.detach().cpu().numpy().copy() for name, t in named}


def _lists(arrays):
    return {name: None if a is None else a.tolist() for name, a in arrays.items()}


def _summary(a):
    """An array as written in the table: all its numbers when few, else its norm and its first numbers."""
    if a is None:
        return "None"
    if a.size <= SHOWN:
        return fmt(a.tolist())
    flat = a.reshape(-1).astype("float64")
    first = ", ".join(f"{x:.4g}" for x in flat[:4].tolist())
    return f"norm {float(flat @ flat) ** 0.5:.4g}: [{first}, …]"
