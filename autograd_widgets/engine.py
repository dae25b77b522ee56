"""The backward engine: counts dependencies, then runs each node once all its gradients arrived.

Iterative throughout (no recursion), so a graph of millions of nodes works. Ready nodes run
in PyTorch's order: the most recently created first, AccumulateGrad as soon as it is ready (several
ready at once pop as from PyTorch's heap: heapq's algorithm is the same, and they compare equal).
`observe()` records each step for teaching tools (the backward stepper) without changing it.

Each ready node goes through named steps, as PyTorch's evaluate_function: its tensor hooks (for
an AccumulateGrad, the leaf's own hooks), `_capture` (autograd.grad's answers: taken before those
hooks at a node that runs on, after them at one where the backward stops), then `_accumulate_leaf`
(an AccumulateGrad) or `_call` (any other node's backward; what it returns is summed to each next
function's input shape before its post-hooks see it), and `_send` (into the next functions' buffers).

Who owns a gradient. A leaf's first `.grad` is the arriving gradient itself, not a copy, only
when the engine owns it: it was made during this backward, by a built-in op's backward (one whose
results are new tensors or its incoming gradients passed on) or by the engine adding two arrivals;
it is no incoming gradient of the node that sent it, nor a view of one (unless that node only views
its gradient, as TBackward0 does, and the engine owned what reached it: nn.Linear's weight gradient);
a view covers all of the array it views, each element once; it went along one edge only; and no hook
saw it. Everything else is copied: a gradient passed to backward, what a hook saw or returned, what a
custom Function's backward returned. So a `.grad` never shares memory with a tensor a user holds.
(PyTorch decides the same by counting references; this rule says why.)
"""
import itertools
import heapq
from dataclasses import dataclass, field

from . import backend as B
from . import dtypes, errors
from .grad_mode import GradMode
from .node import TAKERS, AccumulateGrad
from .post_accumulate import run_post_accumulate_grad_hooks
from .ops.shape import expandable, sum_to
from .tensor import Tensor

_observers = []
_fp_get, _fp_set, _fp_reset, _QUIET = B.quiet_state()
Edge = tuple  # (node, output_nr): where a gradient goes


@dataclass
class Step:
    """One node run by the engine, and the engine's state right after it."""
    index: int
    node: object
    grad_outputs: tuple      # gradients that arrived at the node, one per node output
    grad_inputs: tuple       # gradient sent along each next_functions edge (None: nothing sent)
    ready: tuple             # nodes waiting in the ready queue, in the order they will run
    dependencies: dict       # node -> gradients still to arrive, for the nodes this step sent to; with
                             # Trace.dependencies (the counts before the first step) they give every count
    released: bool           # whether the node's saved tensors were freed after it ran


@dataclass
class Trace:
    """What `observe()` recorded: initial dependency counts, then the steps in order."""
    dependencies: dict = field(default_factory=dict)
    steps: list = field(default_factory=list)


class observe:
    """`with observe() as trace: y.backward(v)` records every step of the real engine run."""

    def __enter__(self):
        self.trace = Trace()
        _observers.append(self.trace)
        return self.trace

    def __exit__(self, *exc):
        _observers.remove(self.trace)
        return False


def _dependencies(roots):
    """For every node reachable from `roots`, how many edges deliver a gradient to it."""
    deps = {}
    get = deps.get
    stack = list(dict.fromkeys(roots))  # a root given twice (backward([a, a])) is still one node to walk
    roots = set(stack)
    while stack:
        for nxt in stack.pop()._fns:
            if nxt is not None:
                n = get(nxt)
                if n is None:  # reached for the first time: walk on from it (a root is walked already)
                    deps[nxt] = 1
                    if nxt not in roots:
                        stack.append(nxt)
                else:
                    deps[nxt] = n + 1
    return deps


def _needed(roots, deps, targets):
    """Nodes with a path to a target node: the only ones worth running when `inputs` is given."""
    order, remaining = [], dict(deps)
    stack = [fn for fn in roots if remaining.get(fn, 0) == 0]
    while stack:  # Kahn's topological order
        fn = stack.pop()
        order.append(fn)
        for nxt in fn._fns:
            if nxt is not None:
                remaining[nxt] -= 1
                if remaining[nxt] == 0:
                    stack.append(nxt)
    needed = set(targets)
    for fn in reversed(order):
        if fn not in needed and _runs_past(fn, needed):
            needed.add(fn)
    return needed


def _runs_past(fn, needed):
    return any(n in needed for n in fn._fns)


def _call_tensor_hooks(fn, grads):
    """Hooks registered on the tensors this node produced, then retain_grad, as PyTorch orders them."""
    if fn._tensor_hooks:
        for nr, hooks in fn._tensor_hooks.items():
            for hook in list(hooks.values()):
                grads[nr] = _checked(hook, grads[nr], hook(grads[nr]))
    if fn._retains:
        for nr, ref in fn._retains.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr]
                t._grad = Tensor._make(g._data.copy()) if t._grad is None else t._grad + g
    return grads


def _checked(hook, old, new):
    """What a hook returned in place of gradient `old`: None keeps `old`; PyTorch refuses another type or size."""
    if new is None:
        return old
    if not isinstance(new, Tensor):
        raise errors.hook_not_tensor(type(new).__name__)
    if old is None:
        raise errors.hook_fills_none()
    name = getattr(hook, "__name__", "<unknown>")
    if new._data.dtype != old._data.dtype or B.device_of(new._data) != B.device_of(old._data):
        raise errors.hook_changed(name, f"type of value (was {old.type()} got {new.type()})")
    if new._data.shape != old._data.shape:
        raise errors.hook_changed(name, "size of value")
    return new


def _checked_all(hook, old, new):
    """A node hook's replacement for the tuple of gradients `old`, checked one by one."""
    if new is None:
        return tuple(old)
    if len(new) != len(old):
        raise errors.hook_value_count(getattr(hook, "__name__", "<unknown>"), len(new), len(old))
    return tuple(_checked(hook, o, n) if n is not None else None for o, n in zip(old, new))


def _validate(fn, i, g, shape, dt):
    """g, the gradient for input i of fn, reduced to `shape` and cast to `dt` (as PyTorch does)."""
    if g._data.shape != shape:
        if not expandable(shape, g._data.shape):
            raise errors.runtime(
                f"Function {type(fn).__name__} returned an invalid gradient at index {i} - got {list(g.shape)} but "
                f"expected shape compatible with {list(shape)}",
                "A backward function must return a gradient shaped like the input it belongs to.")
        g = sum_to(g, shape)
    if g._data.dtype != dt:
        g = Tensor._make(g._data.astype(dt)) if not g._rg else g.to(dtypes._FROM_ARRAY[dt])
    return g


def _fitted(fn, sent, needed):
    """What fn's backward returned, each gradient fitted to its next function's input (`_validate`), as
    PyTorch's validate_outputs does before post-hooks run; None where a built-in node of PyTorch's computes
    nothing: for an input that takes no gradient, or (with `inputs`, whose path nodes are `needed`) one on no
    path to them. A list input (cat, stack: `args` None) is one formula there: all its gradients or none."""
    masks = fn._cpp_class and type(fn).args is not None
    out = None
    for i, (nxt, nr) in enumerate(zip(fn._fns, fn._nrs)):
        g = sent[i]
        if g is None:
            continue
        if masks and (nxt is None or (needed is not None and nxt not in needed)):
            g = None
        elif nxt is not None:
            shape, dt = nxt._meta[nr]
            a = g._data
            if a.shape == shape and (a.dtype is dt or a.dtype == dt):
                continue
            g = _validate(fn, i, g, shape, dt)
        else:
            continue
        if out is None:
            out = list(sent)
        out[i] = g
    return sent if out is None else tuple(out)


def _in_order(ready):
    """The nodes in the ready queue in the order they will run (popped from a copy: ties pop as they will)."""
    heap = list(ready)
    return tuple(heapq.heappop(heap)[1] for _ in range(len(heap)))


def _made_here(fn, grads, sent, g, incoming_owned=False):
    """Whether the engine owns `g`, sent by `fn` whose incoming gradients were `grads` (module docstring);
    `incoming_owned`: fn only views its gradient (TBackward0, ...), which the engine owned."""
    if not fn._fresh_results or fn._pre_hooks or fn._post_hooks:
        return False
    a = g._data
    memory = _memory(a)
    if memory is not a and not _dense_view(a, memory):  # part of a larger array, or a broadcast: not its own
        return False
    for x in grads:
        if x is not None and _memory(x._data) is memory and not incoming_owned:  # an incoming gradient, or a view
            return False
    return sum(1 for s in sent if s is not None and _memory(s._data) is memory) == 1


def _memory(a):
    """The array whose memory `a` uses: `a`, or the array it is a view of (NumPy and CuPy name the owner)."""
    base = getattr(a, "base", None)
    return a if base is None else base


def _dense_view(a, memory) -> bool:
    """Whether view `a` covers all of `memory`, each element once (a transpose of a product made in this
    backward, ...): as good as the array itself."""
    flags = a.flags
    return getattr(memory, "size", -1) == a.size and (flags.c_contiguous or flags.f_contiguous)


_next_task_id = itertools.count()


class _Backward:
    """One run of the engine: the ready queue, a gradient buffer per node still to run, what was asked."""
    __slots__ = ("deps", "buffers", "ready", "owned", "captures", "needed", "inputs", "results", "accumulate",
                 "create_graph", "roots", "task_id")

    def __init__(self, roots, root_grads, create_graph, inputs, accumulate):
        self.task_id = next(_next_task_id)  # never reused (an object's id() is, once it is freed)
        root_fns = [fn for fn, _ in roots]
        self.roots = frozenset(root_fns)
        self.deps = _dependencies(root_fns)
        self.create_graph, self.accumulate, self.inputs = create_graph, accumulate, inputs
        self.captures = {}  # node -> [(position in inputs, output_nr)]: where autograd.grad's answers arrive
        self.needed = None  # with `inputs`: the nodes worth running
        if inputs is not None:
            for pos, t in enumerate(inputs):
                if isinstance(t, tuple):  # an autograd.graph.GradientEdge: (node, output_nr)
                    fn, nr = t[0], t[1]
                else:
                    fn, nr = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._ag() if t._ag else None, 0)
                if fn is not None:
                    self.captures.setdefault(fn, []).append((pos, nr))
            self.needed = _needed(root_fns, self.deps, self.captures)
        self.results = [None] * (len(inputs) if inputs is not None else 0)
        self.owned = {}  # AccumulateGrad -> whether the engine owns the gradient waiting in its buffer
        self.buffers = {}
        for (fn, nr), g in zip(roots, root_grads):  # the seeds: given by the caller, so never owned
            buf = self.buffers.get(fn)
            if buf is None:
                buf = self.buffers[fn] = [None] * len(fn._meta)
            buf[nr] = g if buf[nr] is None else buf[nr] + g
        self.ready = []
        for fn in self.buffers:
            if self.deps.get(fn, 0) == 0:
                heapq.heappush(self.ready, (-fn._seq, fn))

    def run(self, keep_graph, trace):
        """Run every node in turn; release each one's saved tensors unless `keep_graph`."""
        if trace is None and self.needed is None and not self.captures:
            return self._run_plain(keep_graph)
        ready, buffers, needed, captures = self.ready, self.buffers, self.needed, self.captures
        step_index = 0
        while ready:
            fn = heapq.heappop(ready)[1]
            grads = buffers.pop(fn)
            runs = needed is None or self._worth_running(fn)
            early = fn in captures and runs and not self.accumulate
            if early:  # as PyTorch: autograd.grad takes what arrived at a node that runs on before its hooks
                self._capture(fn, grads)
            if fn._tensor_hooks or fn._retains:  # as PyTorch, also when nothing arrived (they see None)
                grads = _call_tensor_hooks(fn, grads)
            if fn in captures and not early:
                self._capture(fn, grads)
            if not runs:
                continue
            if type(fn) is AccumulateGrad:
                self._accumulate_leaf(fn, grads[0])
                sent = ()
            else:
                sent = self._call(fn, grads)
                self._send(fn, grads, sent)
            if not keep_graph:
                fn._release()
            if trace is not None:
                trace.steps.append(Step(step_index, fn, tuple(grads), tuple(sent), _in_order(ready),
                                        {n: self.deps[n] for n in fn._fns if n in self.deps}, not keep_graph))
            step_index += 1

    def _run_plain(self, keep_graph):
        """`run` for a plain backward (no `inputs`, no observer): the same steps, with those of a node that has
        no hooks inlined (`_call`, `_fitted` and `_send` cost more as calls than as the loop's own lines)."""
        ready, buffers, deps, owned = self.ready, self.buffers, self.deps, self.owned
        pop, push = heapq.heappop, heapq.heappush
        create_graph = self.create_graph
        fn = pop(ready)[1] if ready else None
        grads = buffers.pop(fn) if fn is not None else None
        while fn is not None:
            first = None  # the node this step alone made ready (True: several): it may run without the queue
            if type(fn) is AccumulateGrad:
                var = fn.variable
                if fn._hooked or var._hooks or var._post_accumulate_grad_hooks:
                    self._run_hooked(fn, grads, keep_graph)
                elif grads[0] is not None and self.accumulate:
                    fn.accumulate(grads[0], create_graph, owned.pop(fn, False))
            elif fn._hooked:
                self._run_hooked(fn, grads, keep_graph)
            else:
                through = owned and type(fn) in TAKERS and owned.pop(fn, False)  # a view node: views what it owns
                if grads[0] is None and all(g is None for g in grads):  # nothing arrived: pass "no gradient" on
                    sent = (None,) * len(fn._fns)
                else:  # (one output, the most: a plain call costs less than one through *grads)
                    sent = fn.backward(grads[0]) if len(grads) == 1 else fn.backward(*grads)
                    if type(sent) is not tuple:
                        sent = (sent,)
                i = 0
                for nxt, nr in zip(fn._fns, fn._nrs):
                    if nxt is not None:
                        g = sent[i]
                        left = deps[nxt] - 1
                        deps[nxt] = left
                        # nxt's gradients so far; a buffer is kept in `buffers` only while nxt waits for more
                        buf = buffers.get(nxt) if left else buffers.pop(nxt, None)
                        if buf is None:
                            buf = [None] * len(nxt._meta)
                            if left:
                                buffers[nxt] = buf
                        if g is not None:
                            shape, dt = nxt._meta[nr]
                            a = g._data
                            if a.shape != shape or not (a.dtype is dt or a.dtype == dt):
                                sent = _fitted(fn, sent, None)  # summed to the input's shape, cast to its dtype
                                g = sent[i]
                            if buf[nr] is None:
                                buf[nr] = g
                                if type(nxt) in TAKERS:
                                    owned[nxt] = _made_here(fn, grads, sent, g, through)
                            else:
                                buf[nr] = buf[nr] + g
                                if type(nxt) in TAKERS:
                                    owned[nxt] = True  # the engine's own sum
                        if left == 0:
                            if first is None:
                                first, first_grads = nxt, buf
                            else:
                                if first is not True:
                                    buffers[first] = first_grads
                                    push(ready, (-first._seq, first))
                                    first = True
                                buffers[nxt] = buf
                                push(ready, (-nxt._seq, nxt))
                    i += 1
                if not keep_graph and fn._saved:
                    fn._saved = ()
                    fn._released = True
            # Next: the newest ready node, as the queue would pop it; a lone newly ready node that outranks
            # everything queued (a chain's next link) skips the queue and the buffer table (on a tie the queued
            # node still wins, as the heap would pop it).
            if first is not None and first is not True:
                if not ready or ready[0][0] > -first._seq:
                    fn, grads = first, first_grads
                    continue
                buffers[first] = first_grads
                push(ready, (-first._seq, first))
            if ready:
                fn = pop(ready)[1]
                grads = buffers.pop(fn)
            else:
                fn = None

    def _run_hooked(self, fn, grads, keep_graph):
        """One node of a plain backward that has hooks: the steps of `run`, none skipped."""
        if fn._tensor_hooks or fn._retains:  # as PyTorch, also when nothing arrived (they see None)
            grads = _call_tensor_hooks(fn, grads)
        if type(fn) is AccumulateGrad:
            self._accumulate_leaf(fn, grads[0])
        else:
            self._send(fn, grads, self._call(fn, grads))
        if not keep_graph:
            fn._release()

    def _capture(self, fn, grads):
        """Record the gradients of `inputs` that reach `fn` (backward(inputs=[non-leaf]) fills its .grad)."""
        for pos, nr in self.captures[fn]:
            g = grads[nr]
            self.results[pos] = g
            t = self.inputs[pos]  # filled once, even if it retains grad
            if self.accumulate and type(fn) is not AccumulateGrad and g is not None and not t._retains_grad:
                t._grad = Tensor._make(g._data.copy()) if t._grad is None else t._grad + g

    def _worth_running(self, fn):
        """With `inputs`: only nodes on a path to one, and not past a captured non-leaf."""
        if fn not in self.needed:
            return False
        if fn in self.captures and not _runs_past(fn, self.needed):
            return self.accumulate  # backward(inputs=[y]) runs y's grad_fn, as PyTorch; autograd.grad stops there
        return True

    def _accumulate_leaf(self, fn, g):
        """The node's pre-hooks see `g` (after the leaf's own hooks ran as its tensor hooks), then it is added
        into the leaf's .grad (taken only if the engine owns it), then the post-hooks see it. With nothing
        arrived (None) the hooks still run, as PyTorch's, and .grad stays as it is."""
        owned = self.owned.pop(fn, False)
        if fn._tensor_hooks or fn._pre_hooks or fn._post_hooks:
            owned = False  # a hook saw it, and may keep it
        if fn._pre_hooks:
            for hook in list(fn._pre_hooks.values()):
                g, = _checked_all(hook, (g,), hook((g,)))
        if self.accumulate:
            if g is not None:
                fn.accumulate(g, self.create_graph, owned)
            if fn.variable._post_accumulate_grad_hooks:  # PyTorch calls them inside the node, after accumulating
                run_post_accumulate_grad_hooks(fn.variable)
        if fn._post_hooks:
            for hook in list(fn._post_hooks.values()):
                _checked_all(hook, (), hook((), (g,)))

    def _call(self, fn, grads):
        """fn's backward (pre- and post-hooks around it): one gradient per next_functions edge, each already
        summed to the shape and cast to the dtype its next function takes (so post-hooks see that too)."""
        if fn._pre_hooks:  # as PyTorch's, they run also when nothing arrived
            for hook in list(fn._pre_hooks.values()):
                grads = list(_checked_all(hook, grads, hook(tuple(grads))))
        if all(g is None for g in grads):  # nothing arrived: pass "no gradient" on
            sent = (None,) * len(fn._fns)
        else:
            sent = fn.backward(*grads)
            if type(sent) is not tuple:
                sent = (sent,)
            sent = _fitted(fn, sent, self.needed)
        if fn._post_hooks:
            for hook in list(fn._post_hooks.values()):
                sent = _checked_all(hook, sent, hook(sent, tuple(grads)))
        return sent

    def _send(self, fn, grads, sent):
        """Add each gradient fn sent into its next function's buffer; queue the functions now complete."""
        buffers, deps, needed = self.buffers, self.deps, self.needed
        for i, (nxt, nr) in enumerate(zip(fn._fns, fn._nrs)):
            if nxt is None or (needed is not None and nxt not in needed):
                continue
            g = sent[i]
            buf = buffers.get(nxt)
            if buf is None:
                buf = buffers[nxt] = [None] * len(nxt._meta)
            if g is not None:  # None (no gradient) still counts as arrived, so nxt runs once all have
                if buf[nr] is None:
                    buf[nr] = g
                    if type(nxt) is AccumulateGrad:
                        self.owned[nxt] = _made_here(fn, grads, sent, g)
                else:
                    buf[nr] = buf[nr] + g
                    if type(nxt) is AccumulateGrad:
                        self.owned[nxt] = True  # the engine's own sum
            left = deps[nxt] - 1
            deps[nxt] = left
            if left == 0:
                heapq.heappush(self.ready, (-nxt._seq, nxt))


def run_backward(roots: "list[Edge]", root_grads: "list[Tensor]", keep_graph: bool, create_graph: bool,
                 inputs: "tuple[Tensor, ...] | None" = None, accumulate: bool = True) -> "list[Tensor | None]":
    """Run backward from `roots` (edges) seeded with `root_grads`.

    With `accumulate`, leaves (or `inputs`) get `.grad` added; otherwise the gradients that reach
    `inputs` are returned (autograd.grad), None where none arrived. Without `create_graph` the
    backward's own arithmetic records nothing (grad mode off), so it builds no graph at all.
    """
    run = _Backward(roots, root_grads, create_graph, inputs, accumulate)
    _tasks.append(run)
    trace = _observers[-1] if _observers else None
    if trace is not None:
        trace.dependencies = dict(run.deps)
    prev_mode = GradMode.enabled
    GradMode.enabled = create_graph
    token = _fp_set(_QUIET)  # NumPy's floating-point warnings off once for every op of the backward
    try:
        run.run(keep_graph, trace)
    finally:
        _fp_reset(token)
        GradMode.enabled = prev_mode
        _tasks.pop()
    return run.results


_tasks: "list[_Backward]" = []  # the runs in progress, innermost last (a hook may call backward again)


def current_graph_task_id() -> int:
    """The id of the innermost backward run in progress, -1 outside any (autograd.graph's multi-grad hook);
    each run gets a new one, as PyTorch's graph tasks do."""
    return _tasks[-1].task_id if _tasks else -1


def graph_task_ids_in_progress() -> "frozenset[int]":
    """The ids of every backward run in progress (a hook may start one inside another)."""
    return frozenset(run.task_id for run in _tasks)


def will_engine_execute_node(node) -> bool:
    """Whether the backward run in progress runs `node`: reachable from its roots and, with `inputs=`,
    on a path to one of them."""
    if not _tasks:
        raise errors.runtime("_will_engine_execute_node should only be called during the backward pass",
                             "Ask from inside a hook that backward() or autograd.grad() is running.")
    run = _tasks[-1]
    if node not in run.deps and node not in run.roots:
        return False
    return run.needed is None or node in run.needed

