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
does not expose them; "waiting" is replayed from the engine's counts when read, as keeping it for
every step would grow with the square of the graph), "freed" (its saved tensors were released), "leaf" / "leaf_grad" (for
AccumulateGrad: the leaf's id and its .grad after the step). With `gradients=True` each edge is
labelled with the gradient sent along it by the steps run so far (graph/flow.py).
"""
import bisect
import heapq
import html
import numbers
from collections.abc import Sequence

import ipywidgets as W

from .. import errors
from ..graph import values
from ..graph.dot import label_lines
from ..graph.flow import Replay, edge_text, edges_by_function, texts
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
        self._counts = None  # the engine's dependency counts, replayed (None with PyTorch's engine)
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
        self._flow = Replay([(id(r["node"]), *texts(r["grad_inputs"], r["grad_outputs"])) for r in raw
                             ]) if gradients else None
        self._freed_after = set(self.view._freed())
        self._index_steps()
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
        self._counts = _Counts(trace.dependencies, [s.dependencies for s in trace.steps])
        return [dict(node=s.node, grad_outputs=s.grad_outputs, grad_inputs=s.grad_inputs,
                     ready=list(s.ready), freed=s.released) for s in trace.steps]

    def _record_hooks(self, gradient, retain_graph):
        raw, handles = [], []
        for node in self.view.graph.functions():
            def hook(grad_inputs, grad_outputs, fn=node.ref):
                raw.append(dict(node=fn, grad_outputs=tuple(grad_outputs), grad_inputs=tuple(grad_inputs),
                                ready=None, freed=not retain_graph))
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
                step["waiting"] = _Waiting(self, i + 1)
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

    def _index_steps(self):
        """What drawing any position needs, found once: each node's first step, first freeing step and
        leaf gradients by step. A move then costs the drawn nodes and that step's edges, never the steps
        before it (stepping through a graph of n nodes is linear in n)."""
        self._first_run, self._first_freed, self._leaf_steps = {}, {}, {}
        for s in self.steps:
            self._first_run.setdefault(s["node"], s["index"])
            if s["freed"] and s["node"] in self._freed_after:
                self._first_freed.setdefault(s["node"], s["index"])
            if "leaf" in s:
                self._leaf_steps.setdefault(s["leaf"], []).append(s["index"])
        self._first_run.pop("", None)
        self._leaf_lines = {n.id: label_lines(n) for n in self.view.drawn.leaves()}
        self._edges_drawn, self._edges_at = None, {}  # the drawn graph whose edges each function's step labels
        self._waiting_drawn = {}  # drawn id -> how many of its nodes wait for gradients now
        if self._counts is not None:
            self._counts.on_change = self._count_waiting
            for node in self._counts.waiting:
                self._count_waiting(node, True)

    def _count_waiting(self, node, waiting):
        nid = self._where.get(id(node), "")
        left = self._waiting_drawn.get(nid, 0) + (1 if waiting else -1)
        if left:
            self._waiting_drawn[nid] = left
        else:
            self._waiting_drawn.pop(nid, None)

    def _draw(self):
        p = self.position
        last = self.steps[p - 1] if p else None
        if self._counts is not None:
            self._counts.move_to(p)
        self.counter.value = f"<span class='aw-step-counter'>step {p} of {len(self.steps)}</span>"
        marks = {nid: "done" for nid, i in self._first_run.items() if i < p}
        if last:
            if last["waiting"] is not None:
                for nid in self._waiting_drawn:
                    marks[nid] = "waiting"
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
        self.view.freed = sorted(nid for nid, i in self._first_freed.items() if i < p)
        self._leaf_labels(p)
        if self._flow is not None:
            self._edge_grads()
        self.panel.value = self._panel(last)

    def _edge_grads(self):
        """Edges carry the gradients sent so far: those of the steps run up to `position`. Only the edges
        of the functions the move replayed or undid are labelled again (all of them when the view has
        drawn its graph anew: the first time, or after a module was collapsed)."""
        drawn, flow = self.view.drawn, self._flow
        changed = flow.move_to(self.position)
        if drawn is not self._edges_drawn:
            self._edges_drawn, self._edges_at = drawn, edges_by_function(drawn)
            edges = range(len(drawn.edges))
        else:
            edges = {i for key in changed for i in self._edges_at.get(key, ())}
        self.view.set_edge_grads({i: edge_text(drawn, drawn.edges[i], flow.flow) for i in edges}, others_blank=False)

    def _leaf_labels(self, p):
        """Leaves show their .grad as it was after the first `p` steps."""
        patch = {}
        for n in self.view.drawn.leaves():
            lines = list(self._leaf_lines[n.id])
            nid = n.copy_of or n.id
            if len(lines) > 2:
                ran = self._leaf_steps.get(nid, ())
                k = bisect.bisect_left(ran, p)  # the steps before p that added into this leaf
                grad = self.steps[ran[k - 1]]["leaf_grad"] if k else self._grad_before[nid]
                lines[2] = ("grad " + grad).ljust(len(lines[2]))
            patch[n.id] = lines
        self.view.set_labels(patch)

    def _panel(self, s):
        if s is None:
            first = self.steps[0]["name"] if self.steps else "nothing"
            return (f"<div class='aw-step'>backward() is about to start: {len(self.steps)} nodes will run, "
                    f"the first is <b>{html.escape(first)}</b> (it holds the output's gradient). Press next.</div>")
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
            ready = _few([r["name"] for r in s["ready"][:PANEL_NAMES + 1]], len(s["ready"])) or "empty"
            waiting = self._counts.summary(PANEL_NAMES) or "none"
            lines.append(f"<div>ready queue: {esc(ready)}</div><div>waiting for gradients: {esc(waiting)}</div>")
        if s["freed"] and s["node"] in self._freed_after:
            lines.append("<div style='color:#777'>its saved tensors are freed now (retain_graph=False)</div>")
        return "".join(lines) + "</div>"

    def __repr__(self):
        return f"BackwardStepper({len(self.steps)} steps, at step {self.position})"


def _array(t):
    return None if t is None else t.detach().cpu().numpy().copy()


PANEL_NAMES = 12  # the panel names this many nodes of the ready queue or of the waiting ones, then counts


def _few(names, total):
    """At most PANEL_NAMES names, then how many more there are."""
    shown = ", ".join(names[:PANEL_NAMES])
    return shown + (f" and {total - PANEL_NAMES} more" if total > PANEL_NAMES else "")


class _Counts:
    """The engine's dependency counts at any step, from the counts before the first step and the ones
    each step changed (engine.observe()); moving one step costs that step's edges, not the graph's size.

    `waiting`: node -> gradients still to come, for every node not yet ready, now. `on_change(node,
    waiting)` is told when a node starts or stops waiting."""

    def __init__(self, initial: dict, changes: list):
        self.initial, self.changes = initial, changes
        self.rank = {n: i for i, n in enumerate(initial)}  # the engine's order, in which they are listed
        self.waiting = {n: c for n, c in initial.items() if c > 0}
        self.partial = set()  # waiting nodes that got some of their gradients already
        self.undo, counts = [], dict(initial)
        for changed in changes:
            self.undo.append({n: counts[n] for n in changed})
            counts.update(changed)
        self.position, self.on_change = 0, None

    def at(self, position: int) -> dict:
        """The waiting nodes and their counts after `position` steps, in the engine's order (replayed
        from the start: for one look, not for drawing every step)."""
        counts = dict(self.initial)
        for changed in self.changes[:position]:
            counts.update(changed)
        return {n: c for n, c in counts.items() if c > 0}

    def move_to(self, position: int):
        while self.position < position:
            self._set(self.changes[self.position])
            self.position += 1
        while self.position > position:
            self.position -= 1
            self._set(self.undo[self.position])

    def _set(self, counts):
        for n, c in counts.items():
            was = n in self.waiting
            if c > 0:
                self.waiting[n] = c
            else:
                self.waiting.pop(n, None)
            if 0 < c < self.initial[n]:
                self.partial.add(n)
            else:
                self.partial.discard(n)
            if was != (c > 0) and self.on_change:
                self.on_change(n, c > 0)

    def summary(self, most: int) -> str:
        """'MulBackward0 (1 to come), ...': every waiting node while there are few; else the ones that
        got some of their gradients already, then how many more wait."""
        if len(self.waiting) <= most:
            nodes = sorted(self.waiting, key=self.rank.get)
            more = ""
        else:
            nodes = heapq.nsmallest(most, self.partial, key=self.rank.get)
            rest = len(self.waiting) - len(nodes)
            more = f"{' and ' if nodes else ''}{rest} {'more ' if nodes else ''}node{'s' * (rest != 1)} not reached yet"
        return ", ".join(f"{type(n).__name__} ({self.waiting[n]} to come)" for n in nodes) + more


class _Waiting(Sequence):
    """A step's "waiting" list ([{"id", "name", "count"}], the engine's order), made when read: kept
    for every step it would grow with the square of the graph's size."""

    def __init__(self, stepper, position):
        self._stepper, self._position = stepper, position

    def _list(self):
        where = self._stepper._where
        return [{"id": where.get(id(n), ""), "name": type(n).__name__, "count": c}
                for n, c in self._stepper._counts.at(self._position).items()]

    def __getitem__(self, i):
        return self._list()[i]

    def __len__(self):
        return len(self._stepper._counts.at(self._position))

    def __iter__(self):
        return iter(self._list())

    def __eq__(self, other):
        return list(self) == list(other) if isinstance(other, (list, Sequence)) else NotImplemented

    def __repr__(self):
        return repr(self._list())
