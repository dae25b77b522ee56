"""scatter_add, index_add, index_copy as functions of self (PyTorch's nodes with edges to self and the
source; the zeros-based ScatterAddBackward0 of order.py and IndexAddBackward0 of masks.py are other ops'
backwards). Rows of derivatives.yaml: self gets grad (index_copy: with the copied slices zeroed), the source
the gradient gathered (index_select-ed) from the places it went."""
from .. import backend as B
from .. import errors
from ..node import Op
from .masks import IndexFillBackward0, IndexSelectBackward0
from .order import GatherBackward0, _full_index
from .pointwise import MulBackward1
from . import shape as S


def _integer_index(message, index):
    """index's array; PyTorch's `message` (with the dtype's name for a {}) for any other than integers."""
    if index._data.dtype.kind not in "iu":
        raise errors.runtime(message.format(index.dtype._legacy[:-6]),
                             "index holds positions: make it with torch.tensor([...]) of integers.")
    return index._data


class ScatterAddBackward0(Op):
    """scatter_add(self, dim, index, src): self with src's elements added at the places index names."""
    args = ("self", "src")
    def forward(ctx, a, src, dim, index):
        ctx.dim, ctx.index = dim, index
        xp = B.ns(a)
        corner = tuple(slice(0, n) for n in index.shape)  # src may be larger than index: its corner is used
        return B.scatter_add(a.copy(), _full_index(xp, index, dim), src[corner].astype(a.dtype))
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (g if need[0] else None), (GatherBackward0.apply(g, dim=ctx.dim, index=ctx.index) if need[1] else None)


def scatter_add(input, dim, index, src):
    index = _integer_index("scatter(): Expected dtype int32/int64 for index", index)
    return ScatterAddBackward0.apply(input, src, dim=errors.wrap_dim(dim, input.ndim), index=index)


def _slices(a, dim, index):
    where = [slice(None)] * a.ndim
    where[dim] = index
    return tuple(where)


class IndexAddBackward0(Op):
    """index_add(self, dim, index, source, alpha): source's slices (times alpha) added at index along dim."""
    args = ("self", "source")
    def forward(ctx, a, source, dim, index, alpha):
        ctx.dim, ctx.index, ctx.alpha, ctx.source_shape = dim, index, alpha, source.shape
        added = source * alpha if alpha != 1 else source
        return B.scatter_add(a.copy(), _slices(a, dim, index), added.astype(a.dtype))
    def backward(ctx, g):
        need = ctx.needs_input_grad
        picked = S.expand(IndexSelectBackward0.apply(g, dim=ctx.dim, index=ctx.index), *ctx.source_shape) \
            if need[1] else None
        if picked is not None and ctx.alpha != 1:  # maybe_multiply
            picked = MulBackward1.apply(picked, other=ctx.alpha)
        return (g if need[0] else None), picked


def index_add(input, dim, index, source, *, alpha=1):
    index = _integer_index("index_add_(): Expected dtype int32/int64 for index but got: {}", index).reshape(-1)
    return IndexAddBackward0.apply(input, source, dim=errors.wrap_dim(dim, input.ndim), index=index, alpha=alpha)


class IndexCopyBackward0(Op):
    """index_copy(self, dim, index, source): the slices at index along dim replaced by source's."""
    args = ("self", "source")
    def forward(ctx, a, source, dim, index):
        ctx.dim, ctx.index = dim, index
        out = a.copy()
        out[_slices(a, dim, index)] = source.astype(a.dtype)
        return out
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (IndexFillBackward0.apply(g, dim=ctx.dim, index=ctx.index, value=0) if need[0] else None), \
            (IndexSelectBackward0.apply(g, dim=ctx.dim, index=ctx.index) if need[1] else None)


def index_copy(input, dim, index, source):
    index = _integer_index("index_copy_(): Expected a long tensor for index, but got {}", index).reshape(-1)
    return IndexCopyBackward0.apply(input, source, dim=errors.wrap_dim(dim, input.ndim), index=index)
