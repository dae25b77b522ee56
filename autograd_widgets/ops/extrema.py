"""amax / amin / aminmax, median / nanmedian, mode, kthvalue: reductions that pick elements, rows of derivatives.yaml.

amax and amin share the gradient among ties (scale_grad_by_count); the others send it to the index they picked
(value_selecting_reduction_backward, order.py). Among equal values the index picked is PyTorch's for median and
mode; for kthvalue PyTorch's index among ties is its selection algorithm's, here the first in stable order.
"""
from .. import backend as B
from .. import errors
from ..node import MultiOp, Op
from ..tensor import Tensor
from . import order as O
from .pointwise import MaskedFillBackward1, zeros_like
from .reduce import _dims, return_types

_Median, _Nanmedian, _Mode, _Kthvalue = (O._result_type(n) for n in ("median", "nanmedian", "mode", "kthvalue"))


class _Aminmax(tuple):
    """torch.return_types.aminmax(min=..., max=...)."""
    min = property(lambda self: self[0])
    max = property(lambda self: self[1])

    def __repr__(self):
        return f"torch.return_types.aminmax(\nmin={self[0]!r},\nmax={self[1]!r})"


_Aminmax.__module__ = "torch.return_types"
return_types.aminmax = _Aminmax


def _restore(t, shape, dims, keepdim):
    """restore_reduced_dims: the reduced dims put back as size 1 (a reshape, as PyTorch's)."""
    if keepdim:
        return t
    full = [1 if d in dims else 0 for d in range(len(shape))]
    sizes = iter(t.shape)
    return t.reshape([s if s else next(sizes) for s in full])


def _dim_list(dim):
    return (dim,) if isinstance(dim, int) else tuple(dim)


def _shared(ctx, g, x, r):
    """scale_grad_by_count(restore_reduced_dims(grad), restore_reduced_dims(result) == self, dim)."""
    mask = _restore(r, ctx.self_sym_sizes, ctx.dim, ctx.keepdim) == x
    count = mask.sum(ctx.dim, keepdim=True) if x.dim() else mask.sum()
    return (_restore(g, ctx.self_sym_sizes, ctx.dim, ctx.keepdim) / count) * mask


def _reduced_extreme(name, pick):
    """amax(self, dim, keepdim) / amin: NaN propagates; the gradient is shared evenly among the picked places."""
    def forward(ctx, a, dim, keepdim):
        ctx.dim, ctx.keepdim, ctx.self_sym_sizes = _dims(dim, a.ndim), keepdim, a.shape
        if not a.size and (dim is None or not _dim_list(dim)):
            raise errors.runtime(f"{name[:4].lower()}(): Expected reduction dim to be specified for input.numel() "
                                 "== 0. Specify the reduction dim with the 'dim' argument.",
                                 "An empty tensor has no largest or smallest element; reduce along a dim.")
        for d in ctx.dim:
            if not a.shape[d]:
                raise errors.index(f"{name[:4].lower()}(): Expected reduction dim {d} to have non-zero size.",
                                   "There is no largest or smallest element along a dim of size 0.")
        return getattr(B.ns(a), pick)(a, axis=ctx.dim if a.ndim else None, keepdims=keepdim)

    def backward(ctx, g):
        x, r = ctx.saved_tensors
        return (_shared(ctx, g, x, r),)
    return type(name, (Op,), {"args": ("self",), "saves": ("self", "result"), "forward": forward,
                              "backward": backward, "__module__": __name__})


AmaxBackward0 = _reduced_extreme("AmaxBackward0", "max")
AminBackward0 = _reduced_extreme("AminBackward0", "min")


def amax(input, dim=(), keepdim=False):
    return AmaxBackward0.apply(input, dim=dim, keepdim=keepdim)


def amin(input, dim=(), keepdim=False):
    return AminBackward0.apply(input, dim=dim, keepdim=keepdim)


class AminmaxBackward0(MultiOp):
    """aminmax(self, dim, keepdim) -> (min, max): one node for both; each gradient as amin's and amax's."""
    args, saves = ("self",), ("self",)
    def forward(ctx, a, dim, keepdim):
        if not a.size or (dim is not None and a.ndim and not a.shape[errors.wrap_dim(dim, a.ndim)]):
            raise errors.runtime("aminmax(): cannot compute aminmax over an empty dimension as the operation has "
                                 "no identity.", "There is no smallest or largest element of nothing.")
        ctx.dim, ctx.keepdim, ctx.self_sym_sizes = _dims(dim, a.ndim), keepdim, a.shape
        xp, axis = B.ns(a), (None if dim is None or not a.ndim else ctx.dim)
        ctx.min, ctx.max = xp.min(a, axis=axis, keepdims=keepdim), xp.max(a, axis=axis, keepdims=keepdim)
        return ctx.min, ctx.max
    def backward(ctx, g_min, g_max):
        x, = ctx.saved_tensors
        grads = [_shared(ctx, g, x, Tensor._make(r)) for g, r in ((g_min, ctx.min), (g_max, ctx.max)) if g is not None]
        return (grads[0] + grads[1] if len(grads) == 2 else grads[0],)


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over all elements or along `dim`, as torch.return_types.aminmax."""
    return _Aminmax(AminmaxBackward0.apply(input, dim=dim, keepdim=keepdim))


def _median_index(xp, a, d, ignore_nan=False):
    """Index along `d` (kept, size 1) of the lower median; NaN sorts last: with a NaN the median is the first
    NaN, unless `ignore_nan`."""
    n = a.shape[d]
    order = xp.argsort(a, axis=d, kind="stable")
    nans = (a != a).sum(axis=d, keepdims=True)
    pos = xp.maximum((n - nans - 1) // 2, 0) if ignore_nan else xp.where(nans > 0, n - nans, (n - 1) // 2)
    return xp.take_along_axis(order, pos.astype(B.int64), axis=d)


def _kth_index(xp, a, d, k):
    order = xp.argsort(a, axis=d, kind="stable")
    return xp.take(order, [k - 1], axis=d)


def _mode_index(xp, a, d):
    """The most frequent value (the smallest among equally frequent ones), at its last place along d."""
    moved = xp.moveaxis(a, d, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    picks = []
    for row in flat:
        values, counts = xp.unique(row, return_counts=True)
        best = values[int(xp.argmax(counts))]
        picks.append(int(xp.nonzero(row == best)[0][-1]))
    idx = xp.asarray(picks, dtype=B.int64).reshape(moved.shape[:-1] + (1,))
    return xp.moveaxis(idx, -1, d)


def _picked(ctx, a, dim, keepdim, choose, name):
    """Forward of a values-and-indices reduction along dim: `choose(xp, a, d)` gives the index (dim kept)."""
    xp = B.ns(a)
    ctx.dim, ctx.keepdim, ctx.self_sym_sizes = errors.wrap_dim(dim, a.ndim) if a.ndim else 0, keepdim, a.shape
    if not a.ndim:
        ctx.indices = xp.asarray(0)
        return a.copy()
    if not a.shape[ctx.dim]:
        raise errors.index(f"{name}(): Expected reduction dim {ctx.dim} to have non-zero size.",
                           "There is nothing to pick along a dim of size 0.")
    idx = choose(xp, a, ctx.dim)
    out = xp.take_along_axis(a, idx, axis=ctx.dim)
    ctx.indices = idx
    if not keepdim:
        ctx.indices, out = xp.squeeze(idx, axis=ctx.dim), xp.squeeze(out, axis=ctx.dim)
    return out


def _picked_backward(ctx, g):
    """value_selecting_reduction_backward: the gradient put at the picked places, zeros elsewhere."""
    if not ctx.self_sym_sizes:
        return (g,)
    index = ctx.indices
    if not ctx.keepdim:
        g, index = g.unsqueeze(ctx.dim), B.ns(index).expand_dims(index, ctx.dim)
    return (O.ScatterAddBackward0.apply(g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=index),)


def _pick(name, choose):
    def forward(ctx, a, dim, keepdim):
        return _picked(ctx, a, dim, keepdim, choose, name.split("Backward")[0].lower())
    return type(name, (Op,), {"args": ("self",), "forward": forward, "backward": _picked_backward,
                              "__module__": __name__})


MedianBackward1 = _pick("MedianBackward1", _median_index)
NanmedianBackward1 = _pick("NanmedianBackward1", lambda xp, a, d: _median_index(xp, a, d, ignore_nan=True))
ModeBackward0 = _pick("ModeBackward0", _mode_index)


class KthvalueBackward0(Op):
    args = ("self",)
    def forward(ctx, a, k, dim, keepdim):
        n = a.shape[errors.wrap_dim(dim, a.ndim)] if a.ndim else 1
        if not 1 <= k <= n:
            raise errors.runtime(f"kthvalue(): selected number k out of range for dimension {dim}",
                                 f"k counts from 1 (the smallest) to {n}, the size of that dimension.")
        ctx.k = k
        return _picked(ctx, a, dim, keepdim, lambda xp, x, d: _kth_index(xp, x, d, k), "kthvalue")
    backward = _picked_backward


def _whole(name, ignore_nan):
    """median() / nanmedian() of all elements: the lower median; the gradient goes to its places evenly."""
    def forward(ctx, a):
        xp = B.ns(a)
        flat = a.reshape(-1)
        if not flat.size:
            return xp.asarray(xp.nan, dtype=a.dtype)
        return flat[_median_index(xp, flat, 0, ignore_nan)][0]

    def backward(ctx, g):  # evenly_distribute_backward
        a, r = ctx.saved_tensors
        mask = a != a if r._data != r._data else a == r
        return (MaskedFillBackward1.apply(zeros_like(a), g / mask.sum(), mask=mask._data),)
    return type(name, (Op,), {"args": ("self",), "saves": ("self", "result"), "forward": forward,
                              "backward": backward, "__module__": __name__})


MedianBackward0 = _whole("MedianBackward0", False)
NanmedianBackward0 = _whole("NanmedianBackward0", True)


def _with_indices(result_type, node, input, **params):
    values = node.apply(input, **params)
    return O._with_indices(result_type, values, lambda c: node.forward(c, input._data, **params))


def _no_bool(input, kernel):
    if input._data.dtype.kind == "b":
        raise errors.not_implemented(f'"{kernel}" not implemented for \'Bool\'',
                                     "Order statistics of truth values: convert first, e.g. mask.long().")


def median(input, dim=None, keepdim=False):
    _no_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return MedianBackward0.apply(input)
    return _with_indices(_Median, MedianBackward1, input, dim=dim, keepdim=keepdim)


def nanmedian(input, dim=None, keepdim=False):
    _no_bool(input, "median_cpu" if dim is None else "median_out")
    if dim is None:
        return NanmedianBackward0.apply(input)
    return _with_indices(_Nanmedian, NanmedianBackward1, input, dim=dim, keepdim=keepdim)


def mode(input, dim=-1, keepdim=False):
    return _with_indices(_Mode, ModeBackward0, input, dim=dim, keepdim=keepdim)


def kthvalue(input, k, dim=-1, keepdim=False):
    _no_bool(input, "kthvalue_cpu")
    return _with_indices(_Kthvalue, KthvalueBackward0, input, k=k, dim=dim, keepdim=keepdim)
