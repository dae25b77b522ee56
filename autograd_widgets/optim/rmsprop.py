"""torch.optim.RMSprop: steps scaled by a running root-mean-square of the gradient (centered, momentum)."""
from ..creation import zeros_like
from . import _ops
from .optimizer import (_UpdateByGroup, _check, _check_lr, _count_step, _grad, _lazy_states,
                        _step_tensor, _to_scalar)


class RMSprop(_UpdateByGroup):
    """Divides each gradient by the root of a running average of its square."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0, centered=False,
                 capturable=False, foreach=None, maximize=False, differentiable=False):
        _check_lr(lr)
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= momentum, f"Invalid momentum value: {momentum}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(0.0 <= alpha, f"Invalid alpha value: {alpha}")
        defaults = {"lr": lr, "momentum": momentum, "alpha": alpha, "eps": eps, "centered": centered,
                    "weight_decay": weight_decay, "capturable": capturable, "foreach": foreach,
                    "maximize": maximize, "differentiable": differentiable}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(momentum=0, centered=False, foreach=None, maximize=False, differentiable=False,
                                 capturable=False)

    @staticmethod
    def _init_state(group, state, p):
        state["step"] = _step_tensor()
        state["square_avg"] = zeros_like(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = zeros_like(p)
        if group["centered"]:
            state["grad_avg"] = zeros_like(p)


    def _update(self, group, params):
        _single_tensor_rmsprop(params, _lazy_states(self, group, params, self._init_state),
                               lr=_to_scalar(group["lr"]), alpha=group["alpha"], eps=group["eps"],
                               weight_decay=group["weight_decay"], momentum=group["momentum"],
                               centered=group["centered"], maximize=group["maximize"])


def _single_tensor_rmsprop(params, states, *, lr, alpha, eps, weight_decay, momentum, centered, maximize):
    """PyTorch's _single_tensor_rmsprop, op for op, on the arrays."""
    for param, state in zip(params, states):
        p, grad = param._data, _grad(param, maximize)
        square_avg = state["square_avg"]._data
        _count_step(state["step"])
        if weight_decay != 0:
            grad = _ops.add(grad, p, alpha=weight_decay)
        _ops.addcmul_(_ops.mul_(square_avg, alpha), grad, grad, value=1 - alpha)
        if centered:  # the variance instead of the raw second moment
            grad_avg = _ops.lerp_(state["grad_avg"]._data, grad, 1 - alpha)
            avg = _ops.sqrt(_ops.addcmul_(square_avg.copy(), grad_avg, grad_avg, value=-1))
        else:
            avg = _ops.sqrt(square_avg)
        _ops.add_scalar_(avg, eps)
        if momentum > 0:
            buf = _ops.addcdiv_(_ops.mul_(state["momentum_buffer"]._data, momentum), grad, avg)
            _ops.add_(p, buf, alpha=-lr)
        else:
            _ops.addcdiv_(p, grad, avg, value=-lr)
        param._bump()
