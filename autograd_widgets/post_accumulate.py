"""Tensor.register_post_accumulate_grad_hook: hook(leaf) runs each time backward has added into leaf.grad.

PyTorch keeps these hooks on the tensor, so they run in every later backward. Here they run as one post-hook
of the leaf's AccumulateGrad node (the engine calls it right after the node accumulated), and the tensor holds
that node, so every graph built later reaches this same node rather than a new one without the hook.
"""
from . import errors
from .node import _add_hook, edge_to
from .tensor import Tensor

_RETURNS_NONE = "A post-accumulate-grad hook reads or uses leaf.grad (an optimizer step, say) and returns nothing."


def register_post_accumulate_grad_hook(self, hook):
    """hook(self) runs after backward accumulated into self.grad (a leaf only); returns a handle with remove()."""
    if not self._rg:
        raise errors.runtime("cannot register a hook on a tensor that doesn't require gradient",
                             "Hooks see gradients, and only tensors that require grad get one.")
    if self.grad_fn is not None:
        raise errors.runtime("post accumulate grad hooks cannot be registered on non-leaf tensors",
                             "Only a leaf accumulates into .grad; on a computed tensor use register_hook, or "
                             "retain_grad() to keep its gradient.")
    if self._post_accumulate_grad_hooks is None:
        self._post_accumulate_grad_hooks = {}
        accumulator, _ = edge_to(self)
        self._post_accumulate_node = accumulator  # strong: edge_to finds it again while the tensor lives
        accumulator.register_hook(_runner(self))
    return _add_hook(self._post_accumulate_grad_hooks, hook)


def _runner(leaf):
    """The AccumulateGrad post-hook that calls the leaf's hooks, each with the leaf; they must return None."""
    def run_post_accumulate_grad_hooks(grad_inputs, grad_outputs):
        for hook in list(leaf._post_accumulate_grad_hooks.values()):
            result = hook(leaf)
            if isinstance(result, Tensor):  # PyTorch's two refusals: a tensor, then anything else
                raise errors.runtime("Tensor post accumulate grad hooks should return None.", _RETURNS_NONE)
            if result is not None:
                raise errors.type_error(f"expected Variable, but hook returned '{type(result).__name__}'",
                                        _RETURNS_NONE)
    return run_post_accumulate_grad_hooks
