"""torch.optim.Adam: adaptive moment estimation (amsgrad, maximize, L2 or decoupled weight decay)."""
from ..creation import zeros_like
from ..tensor import Tensor
from . import _ops
from .optimizer import (_UpdateByGroup, _check, _check_lr, _count_step, _grad, _lazy_states,
                        _step_tensor, _to_scalar)


class Adam(_UpdateByGroup):
    """Keeps running averages of the gradient and its square; steps by their bias-corrected ratio."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0, amsgrad=False, *,
                 foreach=None, maximize=False, capturable=False, differentiable=False, fused=None,
                 decoupled_weight_decay=False):
        _check_lr(lr)
        _check(0.0 <= eps, f"Invalid epsilon value: {eps}")
        _check(0.0 <= betas[0] < 1.0, f"Invalid beta parameter at index 0: {betas[0]}")
        _check(0.0 <= betas[1] < 1.0, f"Invalid beta parameter at index 1: {betas[1]}")
        _check(0.0 <= weight_decay, f"Invalid weight_decay value: {weight_decay}")
        _check(all(isinstance(b, float) for b in betas) or all(isinstance(b, Tensor) for b in betas),
               "betas must be either both floats or both Tensors")
        defaults = {"lr": lr, "betas": tuple(_to_scalar(b) for b in betas), "eps": eps,
                    "weight_decay": weight_decay, "amsgrad": amsgrad, "maximize": maximize, "foreach": foreach,
                    "capturable": capturable, "differentiable": differentiable, "fused": fused,
                    "decoupled_weight_decay": decoupled_weight_decay}
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(amsgrad=False, maximize=False, foreach=None, capturable=False,
                                 differentiable=False, decoupled_weight_decay=False, fused=None)

    @staticmethod
    def _init_state(group, state, p):
        state["step"] = _step_tensor()
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)


    def _update(self, group, params):
        beta1, beta2 = group["betas"]
        _single_tensor_adam(params, _lazy_states(self, group, params, self._init_state), amsgrad=group["amsgrad"],
                            beta1=beta1, beta2=beta2, lr=_to_scalar(group["lr"]), weight_decay=group["weight_decay"],
                            eps=group["eps"], maximize=group["maximize"],
                            decoupled_weight_decay=group["decoupled_weight_decay"])


def _single_tensor_adam(params, states, *, amsgrad, beta1, beta2, lr, weight_decay, eps, maximize,
                        decoupled_weight_decay):
    """PyTorch's _single_tensor_adam (its path without capturable/differentiable), op for op, on the arrays."""
    for param, state in zip(params, states):
        p, grad = param._data, _grad(param, maximize)
        exp_avg, exp_avg_sq = state["exp_avg"]._data, state["exp_avg_sq"]._data
        step = _count_step(state["step"])
        if weight_decay != 0:
            if decoupled_weight_decay:
                _ops.mul_(p, 1 - lr * weight_decay)
                param._bump()
            else:
                grad = _ops.add(grad, p, alpha=weight_decay)
        _ops.lerp_(exp_avg, grad, 1 - beta1)
        _ops.addcmul_(_ops.mul_(exp_avg_sq, beta2), grad, grad, value=1 - beta2)
        bias_correction1 = 1 - beta1 ** step
        bias_correction2 = 1 - beta2 ** step
        step_size = lr / bias_correction1
        bias_correction2_sqrt = bias_correction2 ** 0.5
        if amsgrad:  # the largest second moment so far normalizes the step
            second_moment = _ops.maximum_(state["max_exp_avg_sq"]._data, exp_avg_sq)
        else:
            second_moment = exp_avg_sq
        denom = _ops.add_scalar_(_ops.div(_ops.sqrt(second_moment), bias_correction2_sqrt), eps)
        _ops.addcdiv_(p, exp_avg, denom, value=-step_size)
        param._bump()
