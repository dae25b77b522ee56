"""Ops that pick elements by order or by index: sort, topk, argsort, gather.

The picked values' gradient goes back to the places they came from (PyTorch's
value_selecting_reduction_backward: zeros scattered with the gradient at the indices).
"""
from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from . import reduce as R


def _result_type(name):
    t = type(name, (R._ReturnType,), {"_name": name, "__module__": "torch.return_types"})
    setattr(R.return_types, name, t)
    return t


_Sort, _Topk = _result_type("sort"), _result_type("topk")


def _full_index(xp, index, dim):
    """The index tuple that addresses, along `dim`, the places `index` names (the others by position)."""
    grids = list(xp.indices(index.shape))
    grids[dim] = index
    return tuple(grids)


class GatherBackward0(Op):
    """gather(self, dim, index): out[i][j] = self[i][index[i][j]] (dim=1)."""
    args = ("self",)
    def forward(ctx, a, dim, index):
        ctx.dim, ctx.index, ctx.self_sym_sizes = dim, index, a.shape
        # index may be shorter than self in the other dimensions: gather reads only that corner
        corner = tuple(slice(None) if d == dim else slice(0, n) for d, n in enumerate(index.shape))
        return B.ns(a).take_along_axis(a[corner], index, axis=dim)
    def backward(ctx, g):
        return (ScatterAddBackward0.apply(g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=ctx.index),)


class ScatterAddBackward0(Op):
    """zeros(shape).scatter_add_(dim, index, src): the inverse of gather, summing repeated places."""
    args = ("src",)
    def forward(ctx, src, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        xp = B.ns(src)
        out = xp.zeros(shape, dtype=src.dtype)
        return B.scatter_add(out, _full_index(xp, index, dim), src)
    def backward(ctx, g):
        return (GatherBackward0.apply(g, dim=ctx.dim, index=ctx.index),)


def _select_backward(ctx, g):
    if not ctx.keepdim:
        g = g.unsqueeze(ctx.dim)
    return (ScatterAddBackward0.apply(g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=ctx.indices),)


def _order(a, dim, descending):
    xp = B.ns(a)
    if a.ndim == 0:
        return xp.asarray(0)
    order = xp.argsort(-a if descending else a, axis=dim, kind="stable")
    if descending and a.dtype.kind == "f":  # PyTorch orders NaN above everything: first when descending
        picked = xp.take_along_axis(a, order, axis=dim)
        order = xp.take_along_axis(order, xp.argsort(picked == picked, axis=dim, kind="stable"), axis=dim)
    return order


class SortBackward0(Op):
    args = ("self",)
    keepdim = True
    def forward(ctx, a, dim, descending):
        ctx.dim, ctx.self_sym_sizes = errors.wrap_dim(dim, a.ndim), a.shape
        ctx.indices = _order(a, ctx.dim, descending)
        return B.ns(a).take_along_axis(a, ctx.indices, axis=ctx.dim) if a.ndim else a.copy()
    backward = _select_backward


class SortBackward1(SortBackward0):
    """sort(stable=True)."""


class TopkBackward0(Op):
    args = ("self",)
    keepdim = True
    def forward(ctx, a, k, dim, largest):
        ctx.dim, ctx.self_sym_sizes = errors.wrap_dim(dim, a.ndim), a.shape
        if a.ndim and not 0 <= k <= a.shape[ctx.dim]:
            raise errors.runtime("selected index k out of range", f"k must be between 0 and {a.shape[ctx.dim]}.")
        order = _order(a, ctx.dim, largest)
        ctx.indices = B.ns(a).take(order, B.ns(a).arange(k), axis=ctx.dim) if a.ndim else order
        return B.ns(a).take_along_axis(a, ctx.indices, axis=ctx.dim) if a.ndim else a.copy()
    backward = _select_backward


def _with_indices(result_type, values, fn):
    ctx = values.grad_fn
    if ctx is None:  # no graph: compute the indices again on a scratch ctx
        class _Ctx:
            pass
        ctx = _Ctx()
        fn(ctx)
    return result_type(values, Tensor._make(B.asarray(ctx.indices, dtype=B.int64)))


def sort(input, dim=-1, descending=False, stable=False):
    node = SortBackward1 if stable else SortBackward0
    values = node.apply(input, dim=dim, descending=descending)
    return _with_indices(_Sort, values, lambda c: node.forward(c, input._data, dim, descending))


def argsort(input, dim=-1, descending=False, stable=False):
    return sort(input, dim, descending, stable).indices


def topk(input, k, dim=-1, largest=True, sorted=True):  # noqa: A002 - PyTorch's name
    values = TopkBackward0.apply(input, k=k, dim=dim, largest=largest)
    return _with_indices(_Topk, values, lambda c: TopkBackward0.forward(c, input._data, k, dim, largest))


def gather(input, dim, index, *, sparse_grad=False):
    return GatherBackward0.apply(input, dim=errors.wrap_dim(dim, input.ndim), index=index._data)
