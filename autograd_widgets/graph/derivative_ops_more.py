"""Formula helpers for the nodes of methods_more.py's ops (amax, aminmax, var_mean, take, ...), read by
derivatives_more.py's formulas; they work on autograd_widgets' and PyTorch's tensors alike."""
import math

from .. import backend as B
from .derivative_ops import _dims, _host, _tensor, _zeros, centered, count, lib, restore_dims, where


def _all_if_empty(dim, ndim):
    return tuple(_dims(dim, ndim))


def shared_backward(grad, self, result, dim, keepdim):
    """amax/amin: grad shared evenly among the places equal to the result."""
    dims = _all_if_empty(dim, self.dim())
    mask = restore_dims(result, dims, keepdim, self.shape) == self
    total = mask.sum(dims, keepdim=True) if dims else mask
    return where(mask, restore_dims(grad, dims, keepdim, self.shape) / total, 0.0)


def aminmax_backward(grads, self, min, max, dim, keepdim):  # noqa: A002 - PyTorch's saved names
    """aminmax: amin's gradient plus amax's."""
    parts = [shared_backward(g, self, r, dim, keepdim) for g, r in zip(grads, (min, max)) if g is not None]
    return parts[0] if len(parts) == 1 else parts[0] + parts[1]


def moments_backward(grads, self, dim, correction, keepdim, std=None):
    """var_mean / std_mean: the spread's gradient (var's, or std's with `std`) plus mean's."""
    dims = _all_if_empty(dim, self.dim())
    out = None
    if grads[0] is not None:
        g = grads[0] / std if std is not None else grads[0] * 2
        out = restore_dims(g, dims, keepdim, self.shape) * centered(self, dims) / (count(self.shape, dims) - correction)
    if len(grads) > 1 and grads[1] is not None:
        mean = restore_dims(grads[1], dims, keepdim, self.shape) / count(self.shape, dims)
        out = mean if out is None else out + mean.expand(out.shape)
    return out


def take_backward(grad, sizes, index):
    """take: zeros(sizes) with grad added at the flat positions `index` (repeated ones add up)."""
    flat = _zeros(grad, (math.prod(sizes),))
    xp = B.ns(flat)
    idx = _host(index).reshape(-1) % max(flat.size, 1)
    xp.add.at(flat, idx, _host(grad).reshape(-1))
    return _tensor(grad, flat.reshape(tuple(sizes)))


def logcumsumexp_backward(grad, self, result, dim):
    """logcumsumexp: self_i gets Σ_{j≥i} grad_j·exp(self_i − result_j), computed as PyTorch does, in log space
    with grad's positive and negative parts apart (so it agrees with the node wherever that is finite)."""
    if not grad.dim() or not grad.numel():
        return grad
    lowest = lib(grad).finfo(grad.dtype).min
    log_abs = grad.abs().log()

    def reversed_logcumsumexp(t):
        return t.flip(dim).logcumsumexp(dim).flip(dim)
    positive = (reversed_logcumsumexp(where(grad > 0, log_abs, lowest) - result) + self).exp()
    negative = (reversed_logcumsumexp(where(grad < 0, log_abs, lowest) - result) + self).exp()
    return positive - negative
