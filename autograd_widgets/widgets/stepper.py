"""BackwardStepper: the engine's own run of backward(), one node at a time."""
import html

import ipywidgets as W

from ..graph.model import values
from ._autograd import module_of
from .graph_view import GraphView


class Step(dict):
    """One recorded step: node id and name, gradients in and out, ready queue, dependency counts."""


class BackwardStepper(W.VBox):
    """Runs `output.backward(gradient)` once, recording every step of the real engine, then replays it.

    With this core the steps come from `engine.observe()` (ready queue and dependency counts
    included); with PyTorch tensors from hooks on each node, which fire in the engine's order.
    The graph is retained, so the output can still be used afterwards.
    """

    def __init__(self, output, gradient=None, names=None):
        self.output = output
        self.torch = module_of(output)
        self.view = GraphView(output, names=names)
        self.steps = self._record(gradient)
        self.position = 0
        self.prev_button = W.Button(description="◀ previous")
        self.next_button = W.Button(description="next ▶")
        self.end_button = W.Button(description="run to end ⏭")
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.end_button.on_click(lambda _: self.run_to_end())
        self.panel = W.HTML()
        super().__init__([W.HBox([self.prev_button, self.next_button, self.end_button]), self.view, self.panel])
        self._draw()

    def _record(self, gradient):
        ids = {id(n.ref): n.id for n in self.view.graph.nodes.values()}
        name = lambda fn: type(fn).__name__ if fn is not None else "None"  # noqa: E731
        if self.torch.__name__ == "autograd_widgets":
            from ..engine import observe
            with observe() as trace:
                self.output.backward(gradient, retain_graph=True)
            return [Step(index=s.index, node=ids.get(id(s.node), ""), name=name(s.node),
                         grad_outputs=[values(g) for g in s.grad_outputs],
                         grad_inputs=[(name(n), values(g)) for (n, _), g in
                                      zip(s.node.next_functions, s.grad_inputs or [None] * len(s.node.next_functions))],
                         ready=[name(n) for n in s.ready],
                         dependencies={name(n): c for n, c in s.dependencies.items()},
                         released=False, accumulates=values(s.grad_outputs[0]) if hasattr(s.node, "variable") else "")
                    for s in trace.steps]
        steps = []
        handles = []
        for node in self.view.graph.functions():
            fn = node.ref

            def hook(grad_inputs, grad_outputs, fn=fn, nid=node.id):
                steps.append(Step(index=len(steps), node=nid, name=name(fn),
                                  grad_outputs=[values(g) for g in grad_outputs],
                                  grad_inputs=[(name(n), values(g)) for (n, _), g in zip(fn.next_functions, grad_inputs)],
                                  ready=[], dependencies={}, released=False,
                                  accumulates=values(grad_outputs[0]) if hasattr(fn, "variable") else ""))
            handles.append(fn.register_hook(hook))
        try:
            self.output.backward(gradient, retain_graph=True)
        finally:
            for h in handles:
                h.remove()
        return steps

    def next(self):
        self.position = min(self.position + 1, len(self.steps))
        self._draw()

    def previous(self):
        self.position = max(self.position - 1, 0)
        self._draw()

    def run_to_end(self):
        self.position = len(self.steps)
        self._draw()

    def _draw(self):
        done = self.steps[:self.position]
        self.view.highlight = done[-1]["node"] if done else ""
        if not done:
            self.panel.value = (f"<div class='aw-step'>Ready to run backward: {len(self.steps)} nodes will run. "
                                "Press next.</div>")
            return
        s = done[-1]
        edges = "".join(f"<li>→ {html.escape(n)}: {html.escape(g)}</li>" for n, g in s["grad_inputs"])
        acc = (f"<div>AccumulateGrad adds {html.escape(s['accumulates'])} into the leaf's .grad</div>"
               if s["accumulates"] else "")
        deps = ", ".join(f"{html.escape(k)}: {v}" for k, v in s["dependencies"].items()) or "—"
        self.panel.value = (
            f"<div class='aw-step' data-index='{s['index']}'><b>step {s['index'] + 1}/{len(self.steps)}: "
            f"{html.escape(s['name'])}</b><div>gradient in: {html.escape(', '.join(s['grad_outputs']))}</div>"
            f"<ul>{edges}</ul>{acc}<div>ready queue: {html.escape(', '.join(s['ready']) or '—')}</div>"
            f"<div>waiting (gradients still to arrive): {deps}</div></div>")

    def __repr__(self):
        return f"BackwardStepper({len(self.steps)} steps, at {self.position})"
