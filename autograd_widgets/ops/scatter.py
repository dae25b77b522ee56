"""scatter: self with the places `index` names along `dim` overwritten by `src` (or by one value).

Rows of derivatives.yaml: self gets the gradient with those places zeroed (grad.scatter(dim, index, 0)),
src the gradient gathered from them (grad.gather(dim, index)).
"""
from .. import backend as B
from .. import errors, scalars
from ..node import Op
from ..tensor import Tensor
from .order import GatherBackward0, _full_index


def _places(xp, a, index, dim):
    index = index.reshape((1,) * a.ndim) if index.ndim == 0 else index  # a 0-dim index names one place
    return index, _full_index(xp, index, dim)


class ScatterBackward0(Op):
    """scatter(self, dim, index, src)."""
    args = ("self", "src")
    def forward(ctx, a, src, dim, index):
        xp = B.ns(a)
        ctx.dim, (ctx.index, places) = dim, _places(xp, a, index, dim)
        out = a.copy()
        out[places] = src[tuple(slice(0, n) for n in ctx.index.shape)].astype(a.dtype)
        ctx.src_shape = src.shape
        return out
    def backward(ctx, g):
        need = ctx.needs_input_grad
        if need[1] and tuple(ctx.index.shape) != tuple(ctx.src_shape):  # as PyTorch's engine refuses it
            raise errors.runtime(f"Function ScatterBackward0 returned an invalid gradient at index 1 - got "
                                 f"{list(ctx.index.shape)} but expected shape compatible with {list(ctx.src_shape)}",
                                 "src's gradient has index's shape: give src exactly index's shape.")
        return (ScatterBackward1.apply(g, dim=ctx.dim, index=ctx.index, value=0) if need[0] else None), \
            (GatherBackward0.apply(g, dim=ctx.dim, index=ctx.index) if need[1] else None)


class ScatterBackward1(Op):
    """scatter(self, dim, index, value)."""
    args = ("self",)
    def forward(ctx, a, dim, index, value):
        xp = B.ns(a)
        ctx.dim, (ctx.index, places) = dim, _places(xp, a, index, dim)
        out = a.copy()
        out[places] = value
        return out
    def backward(ctx, g):
        return (ScatterBackward1.apply(g, dim=ctx.dim, index=ctx.index, value=0),)


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """torch.scatter / Tensor.scatter: src a tensor, or value (also given as `src`) a number."""
    if reduce is not None:
        raise errors.not_supported("scatter(..., reduce=...)")
    if index._data.dtype.kind not in "iu" or index._data.dtype.itemsize < 4:
        raise errors.runtime("scatter(): Expected dtype int32/int64 for index",
                             "index holds positions: make it with torch.tensor([...]) of integers or .long().")
    dim = errors.wrap_dim(dim, input.ndim)
    if isinstance(src, Tensor):
        return ScatterBackward0.apply(input, src, dim=dim, index=index._data)
    value = scalars.scalar_argument(value if src is None else src, input._data.dtype)
    return ScatterBackward1.apply(input, dim=dim, index=index._data, value=value)
