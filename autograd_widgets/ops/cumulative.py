"""Running products, extremes and log-sum-exps along a dim (cumsum is in statistics.py): rows of derivatives.yaml."""
from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from ..type_info import finfo
from . import order as O
from .pointwise import _float, where
from .statistics import cumsum, flip

_Cummax, _Cummin = O._result_type("cummax"), O._result_type("cummin")


def _reversed_cumsum(t, d):
    return flip(cumsum(flip(t, d), d), d)


class CumprodBackward0(Op):
    """cumprod(self, dim): running products. Gradient: the reversed running sum of grad·result, over self
    (where no input is 0; else, each product's derivative computed directly, a constant)."""
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, dim):
        ctx.dim = errors.wrap_dim(dim, a.ndim)
        dt = a.dtype if a.dtype.kind == "f" else B.int64
        return a.cumprod(axis=ctx.dim, dtype=dt) if a.ndim else a.astype(dt)
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        d = ctx.dim
        if x.numel() <= 1 or x.dim() == 0:
            return (g,)
        if not bool((x == 0).any()):
            return (_reversed_cumsum(r * g, d) / x,)
        return (_zeros_case(g, x, d),)


def _zeros_case(g, x, d):
    """Σ_{k≥i} g_k · Π_{j≤k, j≠i} x_j along d, from arrays: the gradient where some input is 0."""
    a, ga = x._data, g._data
    xp = B.ns(a)
    moved, gm = xp.moveaxis(a, d, -1), xp.moveaxis(ga, d, -1)
    n = moved.shape[-1]
    out = xp.zeros_like(moved)
    for i in range(n):
        others = moved.copy()
        others[..., i] = 1
        out[..., i] = (gm[..., i:] * xp.cumprod(others, axis=-1)[..., i:]).sum(axis=-1)
    return Tensor._make(xp.moveaxis(out, -1, d))


def cumprod(input, dim, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return CumprodBackward0.apply(input, dim=dim)


def _running(name, pick, better):
    """cummax / cummin: the running extreme and where it was (the latest place among equals, as PyTorch)."""
    def forward(ctx, a, dim):
        xp = B.ns(a)
        ctx.dim, ctx.self_sym_sizes, ctx.keepdim = errors.wrap_dim(dim, a.ndim) if a.ndim else 0, a.shape, True
        if not a.ndim:
            ctx.indices = xp.asarray(0)
            return a.copy()
        moved = xp.moveaxis(a, ctx.dim, -1)
        values, index = moved.copy(), xp.zeros(moved.shape, dtype=B.int64)
        for i in range(1, moved.shape[-1]):
            prev, cur = values[..., i - 1], moved[..., i]
            keep = (prev != prev) | ~(better(cur, prev) | (cur != cur))  # NaN, once met, stays
            values[..., i] = xp.where(keep, prev, cur)
            index[..., i] = xp.where(keep, index[..., i - 1], i)
        ctx.indices = xp.moveaxis(index, -1, ctx.dim)
        return xp.moveaxis(values, -1, ctx.dim)

    def backward(ctx, g):  # cummaxmin_backward: zeros with grad added at the indices
        if not ctx.self_sym_sizes:
            return (g,)
        return O._select_backward(ctx, g)
    return type(name, (Op,), {"args": ("self",), "forward": forward, "backward": backward, "__module__": __name__})


CummaxBackward0 = _running("CummaxBackward0", "max", lambda cur, prev: cur >= prev)
CumminBackward0 = _running("CumminBackward0", "min", lambda cur, prev: cur <= prev)


def cummax(input, dim):
    values = CummaxBackward0.apply(input, dim=dim)
    return O._with_indices(_Cummax, values, lambda c: CummaxBackward0.forward(c, input._data, dim))


def cummin(input, dim):
    values = CumminBackward0.apply(input, dim=dim)
    return O._with_indices(_Cummin, values, lambda c: CumminBackward0.forward(c, input._data, dim))


class LogcumsumexpBackward0(Op):
    """logcumsumexp(self, dim) = log Σ_{j≤i} exp(self_j). Gradient as PyTorch's logcumsumexp_backward: the
    positive and negative parts of grad each through a reversed logcumsumexp, in log space."""
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, dim):
        a = _float(a)
        ctx.dim = errors.wrap_dim(dim, a.ndim)
        if not a.ndim:
            return a.copy()
        return B.logaddexp_accumulate(a, ctx.dim)
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        if g.dim() == 0 or g.numel() == 0:
            return (g,)
        d = ctx.dim
        lowest = finfo(g.dtype).min
        log_abs = g.abs().log()
        pos, neg = where(g > 0, log_abs, lowest), where(g < 0, log_abs, lowest)
        out_pos = (_reversed_logcumsumexp(pos - r, d) + x).exp()
        out_neg = (_reversed_logcumsumexp(neg - r, d) + x).exp()
        return (out_pos - out_neg,)


def _reversed_logcumsumexp(t, d):
    return flip(logcumsumexp(flip(t, d), d), d)


def logcumsumexp(input, dim):
    return LogcumsumexpBackward0.apply(input, dim=dim)
