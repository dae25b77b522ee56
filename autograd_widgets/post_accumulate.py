"""Tensor.register_post_accumulate_grad_hook: hook(leaf) runs each time backward has added into leaf.grad.

As in PyTorch the hooks live on the tensor (`_post_accumulate_grad_hooks`), so they run in every later
backward; the engine calls them right after the leaf's AccumulateGrad accumulated, before that node's
post-hooks (engine._Backward._accumulate_leaf).
"""
from . import errors
from .node import _add_hook
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
    return _add_hook(self._post_accumulate_grad_hooks, hook)


def run_post_accumulate_grad_hooks(leaf: Tensor) -> None:
    """Call the leaf's hooks, each with the leaf; they must return None."""
    for hook in list(leaf._post_accumulate_grad_hooks.values()):
        result = hook(leaf)
        if isinstance(result, Tensor):  # PyTorch's two refusals: a tensor, then anything else
            raise errors.runtime("Tensor post accumulate grad hooks should return None.", _RETURNS_NONE)
        if result is not None:
            raise errors.type_error(f"expected Variable, but hook returned '{type(result).__name__}'",
                                    _RETURNS_NONE)
