"""torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov, weight decay, maximize."""
from ..tensor import Tensor
from . import _ops
from .optimizer import _UpdateByGroup, _check, _check_lr, _grad, _to_scalar


class SGD(_UpdateByGroup):
    """p -= lr * g, where g is the gradient (plus weight_decay * p), or its momentum buffer."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, *,
                 maximize=False, foreach=None, differentiable=False, fused=None):
        _check_lr(lr)
        _check(momentum >= 0.0, f"Invalid momentum value: {momentum}")
        _check(weight_decay >= 0.0, f"Invalid weight_decay value: {weight_decay}")
        defaults = {"lr": lr, "momentum": momentum, "dampening": dampening, "weight_decay": weight_decay,
                    "nesterov": nesterov, "maximize": maximize, "foreach": foreach,
                    "differentiable": differentiable, "fused": fused}
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        self._set_group_defaults(nesterov=False, maximize=False, foreach=None, differentiable=False, fused=False)


    def _update(self, group, params):
        momentum = group["momentum"]
        buffers = [self.state[p].get("momentum_buffer") for p in params] if momentum != 0 else None
        _single_tensor_sgd(params, buffers, lr=_to_scalar(group["lr"]), momentum=momentum,
                           dampening=group["dampening"], weight_decay=group["weight_decay"],
                           nesterov=group["nesterov"], maximize=group["maximize"])
        if momentum != 0:  # without momentum SGD keeps no state at all
            for p, buf in zip(params, buffers):
                self.state[p]["momentum_buffer"] = buf


def _single_tensor_sgd(params, buffers, *, lr, momentum, dampening, weight_decay, nesterov, maximize):
    """PyTorch's _single_tensor_sgd, op for op, on the arrays (`buffers` gains the new momentum buffers)."""
    for i, param in enumerate(params):
        p, grad = param._data, _grad(param, maximize)
        if weight_decay != 0:
            grad = _ops.add(grad, p, alpha=weight_decay)
        if momentum != 0:
            buf = buffers[i]
            if buf is None:
                buf = buffers[i] = Tensor._make(grad.copy())
            else:
                _ops.add_(_ops.mul_(buf._data, momentum), grad, alpha=1 - dampening)
                buf._bump()
            grad = _ops.add(grad, buf._data, alpha=momentum) if nesterov else buf._data
        _ops.add_(p, grad, alpha=-lr)
        param._bump()
