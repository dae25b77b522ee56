"""Variance, standard deviation, products, logsumexp and running sums: rows of derivatives.yaml."""
from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from .pointwise import MaskedFillBackward0, MulBackward1, _float
from .reduce import _dims, _numel


def _unsqueeze_multiple(t, dims, ndim):
    for d in dims:  # ascending, as PyTorch's unsqueeze_multiple
        t = t.unsqueeze(d)
    return t


def _var_backward(g, x, dims, correction, keepdim):
    """var_backward(grad, self, dim, correction, keepdim): 2/(N − correction) · grad · (self − mean)."""
    if x.dim() == 0 or dims is None:
        return MulBackward1.apply(g, other=2.0 / (x.numel() - correction)) * (x - x.mean())
    if not keepdim and x.dim() > 1:
        g = _unsqueeze_multiple(g, dims, x.dim())
    n = _numel([x.shape[d] for d in dims])
    return MulBackward1.apply(g, other=2.0 / (n - correction)) * (x - x.mean(dims, keepdim=True))


def _moment_forward(ctx, a, dim, correction, keepdim):
    a = _float(a)
    ctx.dim = None if dim is None else _dims(dim, a.ndim)
    ctx.correction, ctx.keepdim = correction, keepdim
    axis = ctx.dim if ctx.dim is not None else None
    n = a.size if axis is None else _numel([a.shape[d] for d in axis])
    xp = B.ns(a)
    mean = a.mean(axis=axis, keepdims=True)
    dof = max(n - correction, 0)
    squares = ((a - mean) ** 2).sum(axis=axis, keepdims=keepdim)
    return squares / dof if dof else squares * xp.nan


class VarBackward0(Op):
    args, saves = ("self",), ("self",)
    forward = _moment_forward
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (_var_backward(g, x, ctx.dim, ctx.correction, ctx.keepdim),)


class StdBackward0(Op):
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, dim, correction, keepdim):
        return B.ns(a).sqrt(_moment_forward(ctx, a, dim, correction, keepdim))
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        # std_backward: grad / (2·result), 0 where result is 0, then var_backward
        grad_var = MaskedFillBackward0.apply(g / MulBackward1.apply(r, other=2), mask=(r == 0)._data, value=0.0)
        return (_var_backward(grad_var, x, ctx.dim, ctx.correction, ctx.keepdim),)


def _correction(dim, unbiased, correction):
    """PyTorch's overloads: var(dim, unbiased, keepdim) and var(dim, *, correction); var(True) is unbiased."""
    if isinstance(dim, bool):
        dim, unbiased = None, dim
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, correction = _correction(dim, unbiased, correction)
    return VarBackward0.apply(input, dim=dim, correction=correction, keepdim=keepdim)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    dim, correction = _correction(dim, unbiased, correction)
    return StdBackward0.apply(input, dim=dim, correction=correction, keepdim=keepdim)


def _prod_backward(g, x, r, dim=None):
    """prod_backward: grad · result / self where no input is zero; else grad · (product of the others)."""
    if not bool((x == 0).any()):
        return g * (r / x)
    if dim is None:
        return g * _others_along(x.reshape(-1), 0).reshape(x.shape)
    return g * _others_along(x, dim)  # a constant: the zero case is not twice differentiable here


def _others_along(x, dim):
    """For each element, the product of the other elements along `dim` (prefix times suffix products)."""
    a = x._data
    xp = B.ns(a)
    moved = xp.moveaxis(a, dim, -1)
    ones = xp.ones(moved.shape[:-1] + (1,), dtype=a.dtype)
    before = xp.concatenate([ones, xp.cumprod(moved[..., :-1], axis=-1)], axis=-1)
    after = xp.flip(xp.concatenate([ones, xp.cumprod(xp.flip(moved, axis=-1)[..., :-1], axis=-1)], axis=-1), axis=-1)
    return Tensor._make(xp.moveaxis(before * after, -1, dim))


class ProdBackward0(Op):
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a):
        return a.prod(dtype=a.dtype if a.dtype.kind == "f" else B.int64)
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        return (g if x.dim() == 0 else _prod_backward(g, x, r),)


class ProdBackward1(Op):
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, dim, keepdim):
        ctx.dim, ctx.keepdim = errors.wrap_dim(dim, a.ndim), keepdim
        return a.prod(axis=ctx.dim if a.ndim else None, keepdims=keepdim,
                      dtype=a.dtype if a.dtype.kind == "f" else B.int64)
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        if x.dim() == 0:
            return (g,)
        if not ctx.keepdim:
            g, r = g.unsqueeze(ctx.dim), r.unsqueeze(ctx.dim)
        return (_prod_backward(g, x, r, ctx.dim),)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    if dim is None:
        return ProdBackward0.apply(input)
    return ProdBackward1.apply(input, dim=dim, keepdim=keepdim)


class LogsumexpBackward0(Op):
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, dim, keepdim):
        a = _float(a)
        ctx.dim, ctx.keepdim = _dims(dim, a.ndim), keepdim
        xp = B.ns(a)
        axis = ctx.dim if a.ndim else None
        m = a.max(axis=axis, keepdims=True)
        m = xp.where(xp.isfinite(m), m, 0)
        out = xp.log(xp.exp(a - m).sum(axis=axis, keepdims=True)) + m
        return out if keepdim or not a.ndim else out.squeeze(axis=axis)
    def backward(ctx, g):
        x, r = ctx.saved_tensors
        if not ctx.keepdim and x.dim():
            g, r = _unsqueeze_multiple(g, ctx.dim, x.dim()), _unsqueeze_multiple(r, ctx.dim, x.dim())
        return (g * (x - r).exp(),)


def logsumexp(input, dim, keepdim=False):
    return LogsumexpBackward0.apply(input, dim=dim, keepdim=keepdim)


class FlipBackward0(Op):
    args = ("self",)
    def forward(ctx, a, dims):
        ctx.dims = tuple(errors.wrap_dim(d, a.ndim) for d in dims)
        return B.ns(a).flip(a, axis=ctx.dims) if a.ndim else a.copy()
    def backward(ctx, g):
        return (FlipBackward0.apply(g, dims=ctx.dims),)


def flip(input, dims):
    return FlipBackward0.apply(input, dims=(dims,) if isinstance(dims, int) else tuple(dims))


class CumsumBackward0(Op):
    args = ("self",)
    def forward(ctx, a, dim):
        ctx.dim = errors.wrap_dim(dim, a.ndim)
        dt = a.dtype if a.dtype.kind == "f" else B.int64
        return a.cumsum(axis=ctx.dim, dtype=dt) if a.ndim else a.astype(dt)
    def backward(ctx, g):
        d = ctx.dim
        if g.numel() <= 1 or g.dim() == 0 or g.shape[d] == 1:
            return (g,)
        return (flip(cumsum(flip(g, d), d), d),)  # cumsum_backward: the reversed cumulative sum


def cumsum(input, dim, *, dtype=None):
    if dtype is not None:
        input = input.to(dtype)
    return CumsumBackward0.apply(input, dim=dim)
