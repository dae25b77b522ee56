"""Module full backward hooks: hook(module, grad_input, grad_output) once the gradients of a call's inputs exist.

As in PyTorch (torch/utils/hooks.py), a module call with backward hooks passes its tensor inputs
and outputs through an identity Function, so the graph shows BackwardHookFunctionBackward nodes:
the one over the outputs records grad_output (and runs the pre-hooks), the one over the inputs
hands grad_input to the hooks, which may return replacements.
"""
import warnings

from ..autograd.function import Function
from ..grad_mode import GradMode
from ..tensor import Tensor


class BackwardHookFunction(Function):
    """Identity; its backward node is where module backward hooks attach."""

    @staticmethod
    def forward(ctx, *args):
        ctx.mark_non_differentiable(*[a for a in args if not a.requires_grad])
        return args

    @staticmethod
    def backward(ctx, *grads):
        return grads


def _pack(indices, values, size):
    out = [None] * size
    for i, v in zip(indices, values):
        out[i] = v
    return tuple(out)


class BackwardHook:
    """The hooks of one module call: wraps its inputs (setup_input_hook) and outputs (setup_output_hook)."""

    def __init__(self, module, user_hooks, user_pre_hooks):
        self.module, self.user_hooks, self.user_pre_hooks = module, user_hooks, user_pre_hooks
        self.grad_outputs, self.n_outputs, self.output_index = None, -1, None
        self.n_inputs, self.input_index = -1, None

    def _apply_on_tensors(self, on_node, args):
        """args with its tensors passed through BackwardHookFunction (on_node gets its node); also their positions."""
        index = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        if not (GradMode.enabled and any(args[i].requires_grad for i in index)):
            return args, None
        new = BackwardHookFunction.apply(*[args[i] for i in index])
        on_node(next(t.grad_fn for t in new if isinstance(t.grad_fn, BackwardHookFunction._backward_cls)))
        out = list(args)
        for i, t in zip(index, new):
            out[i] = t
        return tuple(out), index

    def setup_input_hook(self, args):
        def on_node(node):
            def hook(grad_input, _):
                if self.grad_outputs is None:
                    return None
                res = _pack(self.input_index, grad_input, self.n_inputs)
                for user_hook in self.user_hooks:
                    out = user_hook(self.module, res, self.grad_outputs)
                    if out is None:
                        continue
                    if len(out) != len(res):
                        raise RuntimeError("Backward hook returned an invalid number of grad_input, "
                                           f"got {len(out)}, but expected {len(res)}")
                    res = out
                self.grad_outputs = None
                return tuple(res[i] for i in self.input_index)
            node.register_hook(hook)
        res, self.input_index = self._apply_on_tensors(on_node, args)
        self.n_inputs = len(args)
        return res

    def setup_output_hook(self, result):
        def on_node(node):
            def hook(_, grad_output):
                self.grad_outputs = _pack(self.output_index, grad_output, self.n_outputs)
                for pre_hook in self.user_pre_hooks:
                    new = pre_hook(self.module, self.grad_outputs)
                    if new is None:
                        continue
                    if len(new) != len(self.grad_outputs):
                        raise RuntimeError("Backward pre hook returned an invalid number of grad_output, "
                                           f"got {len(new)}, but expected {len(self.grad_outputs)}")
                    self.grad_outputs = new
                grads = self.grad_outputs
                if self.input_index is None:  # no input requires grad: the hooks run now, with grad_input None
                    warnings.warn("Full backward hook is firing when gradients are computed with respect to module "
                                  "outputs since no inputs require gradients. See https://docs.pytorch.org/docs/main/"
                                  "generated/torch.nn.Module.html#torch.nn.Module.register_full_backward_hook for "
                                  "more details.", stacklevel=5)
                    for user_hook in self.user_hooks:
                        res = user_hook(self.module, (None,) * self.n_inputs, self.grad_outputs)
                        if res is not None and not (isinstance(res, tuple) and all(r is None for r in res)):
                            raise RuntimeError("Backward hook for Modules where no input requires gradient should "
                                               "always return None or None for all gradients.")
                    self.grad_outputs = None
                return tuple(grads[i] for i in self.output_index)
            node.register_hook(hook)
        is_tuple = isinstance(result, tuple)
        if not (is_tuple or isinstance(result, Tensor)):
            warnings.warn("For backward hooks to be called, module output should be a Tensor or a tuple of Tensors "
                          f"but received {type(result)}", stacklevel=3)
        args = result if is_tuple else (result,)
        res, self.output_index = self._apply_on_tensors(on_node, args)
        self.n_outputs = len(args)
        return res if is_tuple else res[0]
