"""BackwardStepper: the engine's own run of backward(), replayed one node at a time.

    s = BackwardStepper(out)                 # runs out.backward() once, for real, recording it
    s.next(); s.previous(); s.run_to_end()
    s.steps[0]["name"], s.position          # s.position = 3 jumps (0 to len(s.steps), else IndexError)

The run is real: leaves' .grad receive the gradients, and, as with PyTorch's default
(`retain_graph=False`), saved tensors are freed; pass retain_graph=True to keep the graph usable.
With this core the steps come from `engine.observe()` (ready queue and dependency counts
included); with PyTorch tensors from hooks on every node, which fire in its engine's order.

Each step (a dict): "index", "node" (the drawn node's id), "name" (class name), "grad_outputs"
(gradients that arrived), "edges" ([{"to", "to_id", "grad"}] sent along next_functions),
"ready" and "waiting" ([{"id", "name"(, "count")}] after the step; None with PyTorch, whose engine
does not expose them), "freed" (its saved tensors were released), "leaf" / "leaf_grad" (for
AccumulateGrad: the leaf's id and its .grad after the step). With `gradients=True` each edge is
labelled with the gradient sent along it by the steps run so far (graph/flow.py).
"""
import html
import numbers

import ipywidgets as W

from .. import errors
from ..graph import values
from ..graph.dot import label_lines
from ..graph.flow import Flow, edge_text, texts
from ._autograd import module_of
from ._parts import ClosesParts
from .graph_view import GraphView
from .static import StaticFallback


class BackwardStepper(ClosesParts, StaticFallback, W.VBox):
    """Next / previous / run to end through the recorded steps; the graph marks the current node,
    the ready queue, the nodes still waiting for gradients, and freed saved tensors."""

    def __init__(self, output, gradient=None, names=None, retain_graph=False, gradients=False):
        self.output = output
        self.torch = module_of(output)
        self.view = GraphView(output, names=names, gradients="replay" if gradients else False)
        self._where = {}  # id(tensor or function) -> its drawn node's id (a fold's for folded nodes)
        self._copies = {}  # drawn id -> ids of the copies drawn beside other uses (graph/fold.py)
        for n in self.view.drawn.nodes.values():
            if n.copy_of:
                self._copies.setdefault(n.copy_of, []).append(n.id)
                continue
            for m in (n.ref if n.kind == "fold" else [n]):
                self._where[id(m.ref)] = n.id
        before = {id(n.ref): _array(n.ref.grad) for n in self.view.graph.leaves()}
        self._grad_before = {n.id: values(before[id(n.ref)]) for n in self.view.drawn.leaves() if not n.copy_of}
        record = self._record_engine if self.torch.__name__ == "autograd_widgets" else self._record_hooks
        try:
            raw = record(gradient, retain_graph)
        except Exception as e:
            self.view.close()  # the stepper is not made: leave no view open behind it
            if isinstance(e, RuntimeError):  # PyTorch's words, then the explanation (if one is known)
                raise RuntimeError(errors.explain(e)) from None
            raise
        self.steps = self._describe(raw, before)
        # What each step sent and received, as edge label texts (graph/flow.py), for gradients=True.
        self._flow = [(id(r["node"]), *texts(r["node"], r["grad_inputs"], r["grad_outputs"])) for r in raw
                      ] if gradients else None
        self._freed_after = set(self.view._freed())
        self._position = 0
        self.prev_button = W.Button(description="◀ previous")
        self.next_button = W.Button(description="next ▶", button_style="primary")
        self.end_button = W.Button(description="run to end ▶▶")
        self.prev_button.on_click(lambda _: self.previous())
        self.next_button.on_click(lambda _: self.next())
        self.end_button.on_click(lambda _: self.run_to_end())
        self.counter = W.HTML()
        self.panel = W.HTML()
        super().__init__([W.HBox([self.prev_button, self.next_button, self.end_button, self.counter]),
                          self.panel, self.view])
        self.add_class("aw-stepper")
        self._draw()

    # --- recording ---------------------------------------------------------------------------------
    def _record_engine(self, gradient, retain_graph):
        from ..engine import observe
        with observe() as trace:
            self.output.backward(gradient, retain_graph=retain_graph)
        return [dict(node=s.node, grad_outputs=s.grad_outputs, grad_inputs=s.grad_inputs,
                     ready=list(s.ready), waiting=dict(s.dependencies), freed=s.released) for s in trace.steps]

    def _record_hooks(self, gradient, retain_graph):
        raw, handles = [], []
        for node in self.view.graph.functions():
            def hook(grad_inputs, grad_outputs, fn=node.ref):
                raw.append(dict(node=fn, grad_outputs=tuple(grad_outputs), grad_inputs=tuple(grad_inputs),
                                ready=None, waiting=None, freed=not retain_graph))
            handles.append(node.ref.register_hook(hook))
        try:
            self.output.backward(gradient, retain_graph=retain_graph)
        finally:
            for h in handles:
                h.remove()
        return raw

    def _describe(self, raw, before):
        where = self._where
        sums = dict(before)
        steps = []
        for i, r in enumerate(raw):
            fn = r["node"]
            step = {"index": i, "node": where.get(id(fn), ""), "name": type(fn).__name__,
                    "grad_outputs": [values(g) for g in r["grad_outputs"]], "edges": [], "freed": bool(r["freed"]),
                    "ready": None, "waiting": None}
            sent = r["grad_inputs"] or ()
            for k, (nxt, _) in enumerate(fn.next_functions):
                if nxt is not None:
                    g = sent[k] if k < len(sent) else None
                    step["edges"].append({"to": type(nxt).__name__, "to_id": where.get(id(nxt), ""),
                                          "grad": values(g)})
            if r["ready"] is not None:
                step["ready"] = [{"id": where.get(id(n), ""), "name": type(n).__name__} for n in r["ready"]]
                step["waiting"] = [{"id": where.get(id(n), ""), "name": type(n).__name__, "count": c}
                                   for n, c in r["waiting"].items()]
            variable = getattr(fn, "variable", None)
            if variable is not None and r["grad_outputs"] and r["grad_outputs"][0] is not None:
                key = id(variable)
                g = _array(r["grad_outputs"][0])
                sums[key] = g if sums.get(key) is None else sums[key] + g
                step["leaf"], step["leaf_grad"] = where.get(key, ""), values(sums[key])
            steps.append(step)
        return steps

    # --- replay ------------------------------------------------------------------------------------
    @property
    def position(self):
        """How many steps have run: 0 (backward about to start) to len(steps) (done)."""
        return self._position

    @position.setter
    def position(self, value):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise TypeError(f"position is a whole number of steps (0 to {len(self.steps)}), not "
                            f"{type(value).__name__}.")
        if not 0 <= value <= len(self.steps):
            raise IndexError(f"position {value} is outside the steps of this backward: it runs {len(self.steps)} "
                             f"nodes, so position goes from 0 (before the first) to {len(self.steps)} (after the "
                             "last).")
        self._position = int(value)
        self._draw()

    def next(self):
        """Run one more node (nothing happens after the last)."""
        self.position = min(self.position + 1, len(self.steps))

    def previous(self):
        """Go back one node (nothing happens before the first)."""
        self.position = max(self.position - 1, 0)

    def run_to_end(self):
        self.position = len(self.steps)

    def _draw(self):
        done = self.steps[:self.position]
        self.counter.value = f"<span class='aw-step-counter'>step {self.position} of {len(self.steps)}</span>"
        marks = {s["node"]: "done" for s in done}
        if done:
            last = done[-1]
            for w in last["waiting"] or ():
                marks[w["id"]] = "waiting"
            for r in last["ready"] or ():
                marks[r["id"]] = "ready"
            marks[last["node"]] = "current"
        elif self.steps:
            marks[self.steps[0]["node"]] = "ready"
        marks.pop("", None)
        for nid, mark in list(marks.items()):
            for copy in self._copies.get(nid, ()):
                marks[copy] = mark
        self.view.marks = marks
        self.view.freed = sorted({s["node"] for s in done if s["freed"]} & self._freed_after)
        self._leaf_labels(done)
        if self._flow is not None:
            self._edge_grads()
        self.panel.value = self._panel(done)

    def _edge_grads(self):
        """Edges carry the gradients sent so far: those of the steps run up to `position`."""
        flow = Flow()
        for key, sent, arrived in self._flow[:self.position]:
            flow.sent[key], flow.arrived[key] = sent, arrived
        drawn = self.view.drawn
        self.view.set_edge_grads({i: edge_text(drawn, e, flow) for i, e in enumerate(drawn.edges)})

    def _leaf_labels(self, done):
        """Leaves show their .grad as it was after the steps run so far."""
        grads = {}
        for s in done:
            if "leaf" in s:
                grads[s["leaf"]] = s["leaf_grad"]
        patch = {}
        for n in self.view.drawn.leaves():
            lines = label_lines(n)
            nid = n.copy_of or n.id
            if len(lines) > 2:
                lines[2] = ("grad " + grads.get(nid, self._grad_before[nid])).ljust(len(lines[2]))
            patch[n.id] = lines
        self.view.set_labels(patch)

    def _panel(self, done):
        if not done:
            first = self.steps[0]["name"] if self.steps else "nothing"
            return (f"<div class='aw-step'>backward() is about to start: {len(self.steps)} nodes will run, "
                    f"the first is <b>{html.escape(first)}</b> (it holds the output's gradient). Press next.</div>")
        s = done[-1]
        esc = html.escape
        edges = "".join(f"<li>→ {esc(e['to'])}: <code>{esc(e['grad'])}</code></li>" for e in s["edges"]) or \
            "<li>(no next_functions)</li>"
        lines = [f"<div class='aw-step' data-index='{s['index']}'><b>step {s['index'] + 1}: {esc(s['name'])}</b>",
                 f"<div>gradient arrived: <code>{esc(', '.join(s['grad_outputs']))}</code></div>",
                 f"<div>sends along next_functions:</div><ul style='margin:2px 0'>{edges}</ul>"]
        if "leaf" in s:
            lines.append(f"<div class='aw-accumulate'>AccumulateGrad adds it into the leaf's .grad, which is now "
                         f"<code>{esc(s['leaf_grad'])}</code></div>")
        if s["ready"] is None:
            lines.append("<div>ready queue and dependency counts: PyTorch's engine does not show them.</div>")
        else:
            ready = ", ".join(r["name"] for r in s["ready"]) or "empty"
            waiting = ", ".join(f"{w['name']} ({w['count']} to come)" for w in s["waiting"]) or "none"
            lines.append(f"<div>ready queue: {esc(ready)}</div><div>waiting for gradients: {esc(waiting)}</div>")
        if s["freed"] and s["node"] in self._freed_after:
            lines.append("<div style='color:#777'>its saved tensors are freed now (retain_graph=False)</div>")
        return "".join(lines) + "</div>"

    def __repr__(self):
        return f"BackwardStepper({len(self.steps)} steps, at step {self.position})"


def _array(t):
    return None if t is None else t.detach().cpu().numpy().copy()
