"""The backward engine: counts dependencies, then runs each node once all its gradients arrived.

Iterative throughout (no recursion), so a graph of millions of nodes works. Ready nodes run
in PyTorch's order: the most recently created first, AccumulateGrad as soon as it is ready.
`observe()` records each step for teaching tools (the backward stepper) without changing it.
"""
import heapq
from dataclasses import dataclass, field

from . import errors
from .grad_mode import GradMode
from .node import AccumulateGrad
from .ops.shape import expandable, sum_to
from .tensor import Tensor

_observers = []


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
    stack = [fn for fn in roots]
    seen = set(stack)
    while stack:
        fn = stack.pop()
        for nxt, _ in fn.next_functions:
            if nxt is None:
                continue
            deps[nxt] = deps.get(nxt, 0) + 1
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return deps, seen


def _needed(roots, deps, targets):
    """Nodes with a path to a target node: the only ones worth running when `inputs` is given."""
    order, remaining = [], dict(deps)
    stack = [fn for fn in roots if remaining.get(fn, 0) == 0]
    while stack:  # Kahn's topological order
        fn = stack.pop()
        order.append(fn)
        for nxt, _ in fn.next_functions:
            if nxt is not None:
                remaining[nxt] -= 1
                if remaining[nxt] == 0:
                    stack.append(nxt)
    needed = set(targets)
    for fn in reversed(order):
        if fn not in needed and any(n in needed for n, _ in fn.next_functions):
            needed.add(fn)
    return needed


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


def _run_node(fn, grads, create_graph):
    """fn.backward with its pre- and post-hooks around it."""
    if fn._pre_hooks:
        for hook in list(fn._pre_hooks.values()):
            grads = list(_checked_all(hook, grads, hook(tuple(grads))))
    result = fn.backward(*grads)
    if not isinstance(result, tuple):
        result = (result,)
    if fn._post_hooks:
        for hook in list(fn._post_hooks.values()):
            result = _checked_all(hook, result, hook(result, tuple(grads)))
    return result


def _checked(hook, old, new):
    """What a hook returned in place of gradient `old`: None keeps `old`; PyTorch refuses another type or size."""
    if new is None:
        return old
    if not isinstance(new, Tensor):
        raise errors.hook_not_tensor(type(new).__name__)
    if old is None:
        raise errors.hook_fills_none()
    name = getattr(hook, "__name__", "<unknown>")
    if new._data.dtype != old._data.dtype or new.device != old.device:
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
        g = Tensor._make(g._data.astype(dt)) if not g._rg else g.to(_dtype_of(dt))
    return g


def _dtype_of(array_dtype):
    from . import dtypes
    return dtypes._FROM_ARRAY[array_dtype]


def run_backward(roots, root_grads, keep_graph, create_graph, inputs=None, accumulate=True):
    """Run backward from `roots` (edges) seeded with `root_grads`.

    With `accumulate`, leaves (or `inputs`) get `.grad` added; otherwise the gradients that reach
    `inputs` are returned (autograd.grad), None where none arrived.
    """
    root_fns = [fn for fn, _ in roots]
    deps, _ = _dependencies(root_fns)
    captures = {}  # node -> [(input position, output_nr)]
    if inputs is not None:
        for pos, t in enumerate(inputs):
            fn, nr = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._ag() if t._ag else None, 0)
            if fn is not None:
                captures.setdefault(fn, []).append((pos, nr))
        needed = _needed(root_fns, deps, captures)
    else:
        needed = None
    results = [None] * (len(inputs) if inputs is not None else 0)
    trace = _observers[-1] if _observers else None
    if trace is not None:
        trace.dependencies = dict(deps)

    buffers = {}
    for (fn, nr), g in zip(roots, root_grads):
        buf = buffers.get(fn)
        if buf is None:
            buf = buffers[fn] = [None] * len(fn._meta)
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    ready = []
    for fn in buffers:
        if deps.get(fn, 0) == 0:
            heapq.heappush(ready, (-fn._seq, id(fn), fn))

    prev_mode = GradMode.enabled
    GradMode.enabled = create_graph
    step_index = 0
    try:
        while ready:
            _, _, fn = heapq.heappop(ready)
            grads = buffers.pop(fn)
            if (fn._tensor_hooks or fn._retains) and any(g is not None for g in grads):
                grads = _call_tensor_hooks(fn, grads)
            if fn in captures:
                for pos, nr in captures[fn]:
                    results[pos] = grads[nr]
                    t = inputs[pos]  # backward(inputs=[non-leaf]) fills its .grad, once even if it retains grad
                    if accumulate and not isinstance(fn, AccumulateGrad) and grads[nr] is not None \
                            and not t._retains_grad:
                        g = grads[nr]
                        t._grad = Tensor._make(g._data.copy()) if t._grad is None else t._grad + g
            if needed is not None:
                if fn not in needed:
                    continue
                if fn in captures and not _runs_past(fn, needed) and not (accumulate and type(fn) is AccumulateGrad):
                    continue
            if (not grads or grads[0] is None) and type(fn) is not AccumulateGrad and all(g is None for g in grads):
                sent = (None,) * len(fn.next_functions)  # nothing arrived: pass "no gradient" on, fn not run
            elif type(fn) is AccumulateGrad:
                var = fn.variable
                g = grads[0]
                if var._hooks and g is not None:
                    for hook in list(var._hooks.values()):
                        g = _checked(hook, g, hook(g))
                if accumulate and g is not None:
                    fn.accumulate(g, create_graph)
                sent = ()
            elif fn._pre_hooks or fn._post_hooks:
                sent = _run_node(fn, grads, create_graph)
            else:
                sent = fn.backward(*grads)
                if type(sent) is not tuple:
                    sent = (sent,)
            for i, (nxt, nr) in enumerate(fn.next_functions):
                if nxt is None or (needed is not None and nxt not in needed):
                    continue
                g = sent[i]
                buf = buffers.get(nxt)
                if buf is None:
                    buf = buffers[nxt] = [None] * len(nxt._meta)
                if g is not None:  # None (no gradient) still counts as arrived, so nxt runs once all have
                    shape, dt = nxt._meta[nr]
                    if g._data.shape != shape or g._data.dtype != dt:
                        g = _validate(fn, i, g, shape, dt)
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                left = deps[nxt] - 1
                deps[nxt] = left
                if left == 0:
                    heapq.heappush(ready, (-nxt._seq, id(nxt), nxt))
            if not keep_graph:
                fn._release()
            if trace is not None:
                trace.steps.append(Step(step_index, fn, tuple(grads), tuple(sent),
                                        tuple(n for _, _, n in sorted(ready)),
                                        {n: deps[n] for n, _ in fn.next_functions if n in deps}, not keep_graph))
            step_index += 1
    finally:
        GradMode.enabled = prev_mode
    return results


def _runs_past(fn, needed):
    return any(n in needed for n, _ in fn.next_functions)
