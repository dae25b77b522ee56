"""var_mean / std_mean (one node with two outputs, as PyTorch's) and the NaN-ignoring nansum / nanmean."""
from .. import backend as B
from .. import errors
from ..node import MultiOp, Op
from ..tensor import Tensor
from .reduce import _dims, _numel, _unreduce
from .pointwise import _float, DivBackward1, MaskedFillBackward0, MulBackward1
from .statistics import _correction, _moment_forward, _var_backward


def _mean_backward(g, x, dims, keepdim):
    """mean_backward: grad spread evenly over the reduced elements."""
    dims = tuple(range(x.dim())) if dims is None else dims
    n = _numel([x.shape[d] for d in dims]) if x.dim() else 1
    return DivBackward1.apply(_unreduce(g, tuple(x.shape), dims, keepdim), other=max(n, 1))


def _moments(name, root):
    """(var or std, mean) of self over dim: one forward, one node; each output's gradient as var's (std's)
    and mean's, summed."""
    def forward(ctx, a, dim, correction, keepdim):
        spread = _moment_forward(ctx, a, dim, correction, keepdim)
        if root:
            spread = B.ns(spread).sqrt(spread)
            ctx.result0 = spread
        axis = ctx.dim if ctx.dim is not None else None
        return spread, _float(a).mean(axis=axis, keepdims=keepdim)  # run quietly: an empty mean is NaN

    def backward(ctx, g_spread, g_mean):
        x, = ctx.saved_tensors
        grad = None
        if g_spread is not None:
            if root:  # std_backward: grad / (2·result), 0 where the result is 0
                r = _output(ctx, ctx.result0)
                g_spread = MaskedFillBackward0.apply(g_spread / MulBackward1.apply(r, other=2), mask=(r == 0)._data,
                                                     value=0.0)
            grad = _var_backward(g_spread, x, ctx.dim, ctx.correction, ctx.keepdim)
        if g_mean is not None:
            aux = _mean_backward(g_mean, x, ctx.dim, ctx.keepdim)
            grad = aux if grad is None else grad + aux
        return (grad,)
    return type(name, (MultiOp,), {"args": ("self",), "saves": ("self",), "forward": forward,
                                   "backward": backward, "__module__": __name__})


def _output(node, data):
    """The node's first output again (what PyTorch's formula reads as `result`): a tensor whose grad_fn is it."""
    t = Tensor._make(data)
    t._rg, t.grad_fn = True, node
    return t


VarMeanBackward0 = _moments("VarMeanBackward0", root=False)
StdMeanBackward0 = _moments("StdMeanBackward0", root=True)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, correction = _correction(dim, unbiased, correction)
    return VarMeanBackward0.apply(input, dim=dim, correction=correction, keepdim=keepdim)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, correction = _correction(dim, unbiased, correction)
    return StdMeanBackward0.apply(input, dim=dim, correction=correction, keepdim=keepdim)


class NansumBackward0(Op):
    """nansum(self, dim, keepdim): the sum with NaN taken as 0; NaN places get no gradient."""
    args, saves = ("self",), ("self",)
    def forward(ctx, a, dim, keepdim):
        ctx.dim, ctx.keepdim = _dims(dim, a.ndim), keepdim
        dt = a.dtype if a.dtype.kind == "f" else B.int64
        return B.ns(a).nansum(a, axis=ctx.dim if a.ndim else None, keepdims=keepdim, dtype=dt)
    def backward(ctx, g):
        x, = ctx.saved_tensors
        if not ctx.keepdim and x.dim():
            for d in ctx.dim:
                g = g.unsqueeze(d)
        return (g * Tensor._make(~B.ns(x._data).isnan(x._data)),)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return NansumBackward0.apply(input, dim=dim, keepdim=keepdim)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if not input.dtype.is_floating_point:
        raise errors.runtime(f"nanmean(): expected input to have floating point or complex dtype but got "
                             f"{input.dtype._legacy[:-6]}", "The mean of integers is a fraction: convert first.")
    a = input._data
    counts = Tensor._make(B.ns(a).logical_not(B.ns(a).isnan(a)).sum(axis=_dims(dim, a.ndim) if a.ndim else None,
                                                                   keepdims=keepdim))
    return nansum(input, dim, keepdim) / counts
