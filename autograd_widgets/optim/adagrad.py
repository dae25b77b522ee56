"""torch.optim.Adagrad: steps scaled by the root of each parameter's summed squared gradients."""
from ..creation import full_like
from . import _ops
from .optimizer import (_UpdateByGroup, _check, _check_lr, _count_step, _grad, _lazy_states,
                        _step_tensor, _to_scalar)


class Adagrad(_UpdateByGroup):
    """Divides each gradient by the root of the sum of all its squares so far (plus eps)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0, eps=1e-10,
                 foreach=None, *, maximize=False, differentiable=False, fused=None):
        _check_lr(lr)
        _check(0.0 <= lr_decay, f"Invalid lr_decay value: {lr_decay}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= initial_accumulator_value,
               f"Invalid initial_accumulator_value value: {initial_accumulator_value}")
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        defaults = {"lr": lr, "lr_decay": lr_decay, "eps": eps, "weight_decay": weight_decay,
                    "initial_accumulator_value": initial_accumulator_value, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable, "fused": fused}
        super().__init__(params, defaults)
        for group in self.param_groups:  # Adagrad makes every parameter's state at once, as PyTorch does
            for p in group["params"]:
                self._init_state(group, self.state[p], p)

    def _init_state(self, group, state, p):
        state["step"] = _step_tensor()
        state["sum"] = full_like(p, self.defaults["initial_accumulator_value"])

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(foreach=None, maximize=False, differentiable=False, fused=None)


    def _update(self, group, params):
        _single_tensor_adagrad(params, _lazy_states(self, group, params, self._init_state),
                               lr=_to_scalar(group["lr"]), weight_decay=group["weight_decay"],
                               lr_decay=group["lr_decay"], eps=group["eps"], maximize=group["maximize"])


def _single_tensor_adagrad(params, states, *, lr, weight_decay, lr_decay, eps, maximize):
    """PyTorch's _single_tensor_adagrad (dense gradients), op for op, on the arrays."""
    for param, state in zip(params, states):
        p, state_sum = param._data, state["sum"]._data
        step = _count_step(state["step"])
        grad = _grad(param, maximize)
        if weight_decay != 0:
            grad = _ops.add(grad, p, alpha=weight_decay)
        clr = lr / (1 + (step - 1) * lr_decay)
        _ops.addcmul_(state_sum, grad, grad, value=1)
        std = _ops.add_scalar_(_ops.sqrt(state_sum), eps)
        _ops.addcdiv_(p, grad, std, value=-clr)
        param._bump()
