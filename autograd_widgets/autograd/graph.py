"""torch.autograd.graph: the `Node` every grad_fn is, hooks on the tensors a graph saves (and changing them
in place), gradient edges, and a hook over several tensors' gradients."""
import contextlib
import threading
from typing import Callable, NamedTuple, Sequence

from .. import engine, errors
from ..node import Node, RemovableHandle, edge_to, saved_tensors_hooks_stack  # noqa: F401  (Node: isinstance)
from ..tensor import Tensor

_hooks_disabled_message = None  # set inside disable_saved_tensors_hooks


class saved_tensors_hooks:
    """`with saved_tensors_hooks(pack, unpack):` ops save `pack(tensor)`; backward uses `unpack(packed)`."""

    def __init__(self, pack_hook, unpack_hook):
        self.pack_hook, self.unpack_hook = pack_hook, unpack_hook

    def __enter__(self):
        if _hooks_disabled_message is not None:  # the caller's own words, as they gave them
            raise RuntimeError(_hooks_disabled_message)
        saved_tensors_hooks_stack.append((self.pack_hook, self.unpack_hook))
        return self

    def __exit__(self, *exc):
        saved_tensors_hooks_stack.pop()
        return False


class save_on_cpu(saved_tensors_hooks):
    """Saved tensors go to the CPU and come back to their device when backward needs them."""

    def __init__(self, pin_memory=False, device_type="cuda"):
        super().__init__(lambda t: (t.device, t.detach().cpu()), lambda packed: packed[1].to(packed[0]))


@contextlib.contextmanager
def disable_saved_tensors_hooks(error_message: str):
    """Inside it, entering saved_tensors_hooks (or save_on_cpu) raises RuntimeError(error_message)."""
    global _hooks_disabled_message
    previous, _hooks_disabled_message = _hooks_disabled_message, error_message
    try:
        yield
    finally:
        _hooks_disabled_message = previous


class _AllowMutationOnSavedContext:
    """What allow_mutation_on_saved_tensors yields: here it holds only the clones' count, for debugging."""

    def __init__(self):
        self.cloned = 0

    def clear(self):
        self.cloned = 0


_mutation_allowed = False


@contextlib.contextmanager
def allow_mutation_on_saved_tensors():
    """Inside it, a tensor saved for backward may be changed in place afterwards: backward uses the value it
    had when saved. PyTorch clones a saved tensor when it is about to change; this engine clones each saved
    tensor when it is saved (the same gradients, more memory). Run forward and backward inside it."""
    global _mutation_allowed
    if _mutation_allowed:
        raise errors.runtime("allow_mutation_on_saved_tensors contexts cannot be nested",
                             "One allow_mutation_on_saved_tensors() around forward and backward is enough.")
    ctx = _AllowMutationOnSavedContext()

    def pack(t):
        ctx.cloned += 1
        return t.detach().clone()

    with saved_tensors_hooks(pack, lambda kept: kept):
        _mutation_allowed = True
        try:
            yield ctx
        finally:
            ctx.clear()
            _mutation_allowed = False


class GradientEdge(NamedTuple):
    """Where a tensor's gradient is computed: output `output_nr` of `node` (AccumulateGrad for a leaf).
    `autograd.grad(loss, get_gradient_edge(x))` gives what `autograd.grad(loss, x)` gives."""
    node: Node
    output_nr: int
    ownership_token: "Node | None" = None


def get_gradient_edge(tensor: Tensor) -> GradientEdge:
    """The edge along which `tensor`'s gradient arrives."""
    if not tensor.requires_grad:
        raise errors.runtime("It is not possible to get the gradient edge for a Tensor that does not require "
                             "gradients", "Only a tensor that requires grad has a place in the graph.")
    node, _ = edge_to(tensor)
    return GradientEdge(node, tensor.output_nr)


def increment_version(tensor) -> None:
    """Count an in-place change PyTorch could not see (a write through .data or NumPy): a saved tensor's
    later use in backward then raises the in-place error. Takes a tensor or several."""
    for t in (tensor,) if isinstance(tensor, Tensor) else tensor:
        t._bump()


class _MultiHandle(RemovableHandle):
    """The handles of one multi-grad hook's per-tensor hooks; `remove()` removes them all."""

    def __init__(self, handles):
        self.handles = tuple(handles)

    def remove(self):
        for h in self.handles:
            h.remove()


def register_multi_grad_hook(tensors: Sequence[Tensor], fn: Callable, *, mode: str = "all") -> RemovableHandle:
    """mode="all": `fn(grads)` once per backward, after the gradient of every tensor that backward reaches
    (None for the others); mode="any": `fn(grad)` with the first of them. A hook on each tensor counts, per
    backward run, against the nodes the engine will execute (as PyTorch's)."""
    if mode not in ("all", "any"):
        raise errors.value(f"Expects mode to be one of ('all', 'any') but got {mode}", 'mode is "all" or "any".')
    lock = threading.Lock()
    if mode == "any":
        ran = {}

        def first(grad):
            task = _inside_backward()
            with lock:
                seen, ran[task] = ran.get(task, False), True
                if len(ran) > 16:  # forget the runs that have ended (ids are never reused)
                    live = engine.graph_task_ids_in_progress()
                    for old in [k for k in ran if k not in live]:
                        del ran[old]
            if not seen:
                fn(grad)
        return _MultiHandle(t.register_hook(first) for t in tensors if t.requires_grad)
    if not all(t.requires_grad for t in tensors):
        raise AssertionError("Expected gradient function to be set")  # PyTorch's words for such a tensor
    nodes = [edge_to(t)[0] for t in tensors]
    counts, buffers, expected = {}, {}, {}

    def hook_for(i):
        def hook(grad):
            task = _inside_backward()
            with lock:
                n = counts.get(task, 0)
                counts[task] = n + 1
                if n == 0:
                    expected[task] = sum(engine.will_engine_execute_node(node) for node in nodes)
                    buffers[task] = [None] * len(nodes)
            buffers[task][i] = grad
            if n == expected[task] - 1:
                grads = buffers.pop(task)
                del counts[task], expected[task]
                fn(grads)
        return hook
    return _MultiHandle(t.register_hook(hook_for(i)) for i, t in enumerate(tensors))


def _inside_backward() -> int:
    task = engine.current_graph_task_id()
    if task == -1:
        raise AssertionError("expected this hook to be called inside a backward call")
    return task


def __getattr__(name):
    raise errors.not_supported(f"torch.autograd.graph.{name}")
