"""layer_norm and batch_norm: x̂ = (x − mean)·rstd over some axes, then x̂·weight + bias.

Both differentiate through one fused op (native_*_backward) giving (grad_input, grad_weight,
grad_bias). Over the normalized axes R, with a = grad·weight and P(v) = v − mean(v) − x̂·mean(v·x̂):
    grad_input = rstd·P(a),  grad_weight = Σ grad·x̂,  grad_bias = Σ grad   (Σ over the other axes).
P is self-adjoint, which makes the double backward short (see `_double_backward`).
"""
from .. import backend as B
from .. import errors
from ..node import MultiOp, Op
from ..tensor import Tensor
from .pointwise import _float
from .shape import sum_to


class _Norm:
    """Where the statistics are taken (axes R) and how weight (w_shape) lines up with the input."""
    def __init__(self, axes, w_shape, eps):
        self.axes, self.w_shape, self.eps = axes, w_shape, eps  # w_shape: weight's shape broadcast against input

    def grads(self, g, x, mean, rstd, w, mask):
        """grad_input, grad_weight, grad_bias on arrays (None where mask says not needed)."""
        R = self.axes
        xhat = (x - mean) * rstd
        a = g if w is None else g * w.reshape(self.w_shape)
        gi = gw = gb = None
        if mask[0]:
            gi = rstd * (a - a.mean(axis=R, keepdims=True) - xhat * (a * xhat).mean(axis=R, keepdims=True))
        if mask[1]:
            gw = _sum_to_array(g * xhat, self.w_shape).reshape(w.shape)
        if mask[2]:
            gb = _sum_to_array(g, self.w_shape).reshape(w.shape if w is not None else (-1,))
        return gi, gw, gb

    def stats(self, x):
        """mean and rstd = 1/√(var + eps) as tensor ops of x (so every derivative order sees them depend on x)."""
        mean = x.mean(self.axes, keepdim=True)
        xc = x - mean
        return xc, ((xc * xc).mean(self.axes, keepdim=True) + self.eps) ** -0.5


def _sum_to_array(a, shape):
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    return a.sum(axis=axes, keepdims=True).reshape(shape)


def _mean(t, axes):
    return t.mean(axes, keepdim=True)


def _double_backward(norm, g, x, w, gg_input, gg_weight, gg_bias, need, eval_stats=None):
    """VJP of (grad_input, grad_weight, grad_bias) with respect to (grad_out, input, weight), in tensor ops.

    `eval_stats` (mean, rstd): batch_norm in eval mode, whose statistics are constants, so that
    grad_input = grad·weight·rstd and P is the identity."""
    R, training = norm.axes, eval_stats is None
    if training:
        xc, r = norm.stats(x)
    else:
        mean, r = eval_stats
        xc = x - mean
    xhat = xc * r
    wb = w.reshape(norm.w_shape) if w is not None else None
    a = g * wb if wb is not None else g
    d_g = d_x = d_w = None

    def P(v):
        return v - _mean(v, R) - xhat * _mean(v * xhat, R) if training else v

    if need[0]:
        terms = []
        if gg_input is not None:
            terms.append(P(gg_input) * r * wb if wb is not None else P(gg_input) * r)
        if gg_weight is not None:
            terms.append(xhat * gg_weight.reshape(norm.w_shape))
        if gg_bias is not None:
            terms.append(gg_bias.reshape(norm.w_shape).expand(*g.shape))
        d_g = _total(terms)
    if need[1]:
        terms = []
        if gg_input is not None and training:
            u = gg_input
            c, mu_ux = _mean(a * xhat, R), _mean(u * xhat, R)
            ma, mu = _mean(a, R), _mean(u, R)
            terms.append(-(r * r) * (xhat * (_mean(u * a, R) - ma * mu - 3 * c * mu_ux) + mu_ux * (a - ma)
                                     + c * (u - mu)))
        if gg_weight is not None:  # d⟨gg_weight, Σ grad·x̂⟩/dx: the first backward again, for grad·gg_weight
            terms.append(P(g * gg_weight.reshape(norm.w_shape)) * r)
        d_x = _total(terms)
    if need[2] and w is not None and gg_input is not None:
        d_w = sum_to(g * r * P(gg_input), norm.w_shape).reshape(w.shape)
    return d_g, d_x, d_w


def _total(terms):
    out = None
    for t in terms:
        out = t if out is None else out + t
    return out


# --- layer_norm -----------------------------------------------------------------------------
class NativeLayerNormBackward0(Op):
    args = saves = ("input", "weight", "bias")
    def forward(ctx, x, w, b, norm):
        x = _float(x)
        xp = B.ns(x)
        mean = x.mean(axis=norm.axes, keepdims=True)
        xc = x - mean
        rstd = 1 / xp.sqrt((xc * xc).mean(axis=norm.axes, keepdims=True) + norm.eps)
        ctx.norm, ctx.result1, ctx.result2 = norm, mean, rstd
        y = xc * rstd
        if w is not None:
            y = y * w
        return y if b is None else y + b
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        return NativeLayerNormBackwardBackward0.apply(g, x, Tensor._make(ctx.result1), Tensor._make(ctx.result2), w,
                                                      b, norm=ctx.norm, output_mask=ctx.needs_input_grad)


class NativeLayerNormBackwardBackward0(MultiOp):
    """native_layer_norm_backward(grad_out, input, mean, rstd, weight, bias)."""
    args = ("grad_out", "input", "mean", "rstd", "weight", "bias")
    saves = ("grad_out", "input", "weight")
    def forward(ctx, g, x, mean, rstd, w, b, norm, output_mask):
        ctx.norm = norm
        return norm.grads(g, x, mean, rstd, w, output_mask)
    def backward(ctx, gi, gw, gb):
        g, x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        d_g, d_x, d_w = _double_backward(ctx.norm, g, x, w, gi, gw, gb, (need[0], need[1], need[4]))
        return d_g, d_x, None, None, d_w, None


def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5) -> Tensor:
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.ndim - k:]) != shape or input.ndim < k:
        raise errors.runtime(f"Given normalized_shape={list(shape)}, expected input with shape [*, "
                             f"{', '.join(map(str, shape))}], but got input of size{list(input.shape)}",
                             "normalized_shape must equal the input's last dimensions.")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t.shape) != shape:
            raise errors.runtime(f"Expected {name} to be of same shape as normalized_shape, but got {name} of "
                                 f"shape {list(t.shape)} and normalized_shape = {list(shape)}",
                                 f"{name} holds one number per normalized element.")
    norm = _Norm(tuple(range(input.ndim - k, input.ndim)), shape, eps)
    return NativeLayerNormBackward0.apply(input, weight, bias, norm=norm)


# --- batch_norm -----------------------------------------------------------------------------
class NativeBatchNormBackward0(Op):
    """native_batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps)."""
    args = saves = ("input", "weight", "bias")
    def forward(ctx, x, w, b, running_mean, running_var, training, momentum, norm):
        x = _float(x)
        xp = B.ns(x)
        if training:
            x64 = x.astype(B.float64)  # PyTorch accumulates the statistics in double on the CPU
            mean = x64.mean(axis=norm.axes, keepdims=True)
            var = ((x64 - mean) ** 2).mean(axis=norm.axes, keepdims=True)
            if running_mean is not None:
                n = x.size // x.shape[1]
                running_mean[...] = momentum * mean.reshape(-1) + (1 - momentum) * running_mean
                running_var[...] = momentum * var.reshape(-1) * n / (n - 1) + (1 - momentum) * running_var
            mean, rstd = mean.astype(x.dtype), (1 / xp.sqrt(var + norm.eps)).astype(x.dtype)
        else:
            mean = running_mean.reshape(norm.w_shape).astype(x.dtype)
            rstd = (1 / xp.sqrt(running_var.reshape(norm.w_shape).astype(B.float64) + norm.eps)).astype(x.dtype)
        ctx.norm, ctx.training, ctx.result1, ctx.result2 = norm, training, mean, rstd
        y = (x - mean) * rstd
        if w is not None:
            y = y * w.reshape(norm.w_shape)
        return y if b is None else y + b.reshape(norm.w_shape)
    def backward(ctx, g):
        x, w, b = ctx.saved_tensors
        return NativeBatchNormBackwardBackward0.apply(g, x, w, Tensor._make(ctx.result1), Tensor._make(ctx.result2),
                                                      norm=ctx.norm, training=ctx.training,
                                                      output_mask=ctx.needs_input_grad)


class NativeBatchNormBackwardBackward0(MultiOp):
    """native_batch_norm_backward(grad_out, input, weight, save_mean, save_invstd) (running stats are no inputs)."""
    args = ("grad_out", "input", "weight", "save_mean", "save_invstd")
    saves = ("grad_out", "input", "weight", "save_mean", "save_invstd")
    def forward(ctx, g, x, w, mean, rstd, norm, training, output_mask):
        ctx.norm, ctx.training = norm, training
        if training:
            return norm.grads(g, x, mean, rstd, w, output_mask)
        _, gw, gb = norm.grads(g, x, mean, rstd, w, (False,) + tuple(output_mask[1:]))
        gi = (g if w is None else g * w.reshape(norm.w_shape)) * rstd if output_mask[0] else None
        return gi, gw, gb
    def backward(ctx, gi, gw, gb):
        g, x, w, mean, rstd = ctx.saved_tensors
        stats = None if ctx.training else (mean, rstd)
        d_g, d_x, d_w = _double_backward(ctx.norm, g, x, w, gi, gw, gb, ctx.needs_input_grad[:3], stats)
        return d_g, d_x, d_w, None, None


def batch_norm(input: Tensor, running_mean, running_var, weight=None, bias=None, training: bool = False,
               momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Per channel (dimension 1) over the batch and spatial dims; in training the running statistics are updated
    in place with momentum (the variance unbiased), as PyTorch does."""
    if training:
        n = input.numel() // input.shape[1] if input.ndim > 1 else input.numel()
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size "
                             f"torch.Size({list(input.shape)})")
    elif running_mean is None or running_var is None:
        raise errors.runtime("running_mean must be defined in evaluation mode",
                             "Outside training, batch_norm normalizes with the running statistics; pass them.")
    c = input.shape[1] if input.ndim > 1 else 0
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean), ("running_var", running_var)):
        if t is not None and t.numel() != c:
            raise errors.runtime(f"{name} should contain {c} elements not {t.numel()}",
                                 f"batch_norm keeps one {name} value per channel (dimension 1 of the input).")
    axes = (0,) + tuple(range(2, input.ndim))
    norm = _Norm(axes, (c,) + (1,) * (input.ndim - 2), eps)
    rm = running_mean._data if running_mean is not None else None
    rv = running_var._data if running_var is not None else None
    # the running statistics change in place without a version bump, as in PyTorch
    return NativeBatchNormBackward0.apply(input, weight, bias, running_mean=rm, running_var=rv, training=training,
                                          momentum=momentum, norm=norm)
