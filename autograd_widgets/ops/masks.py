"""Ops that keep or overwrite elements by a boolean mask, a triangle or an index list: masked_fill,
masked_select, tril/triu, index_select, repeat. Each class is one row of PyTorch's derivatives.yaml."""
from .. import backend as B
from .. import errors, scalars
from ..node import Op
from ..tensor import Tensor
from ..size_args import sizes
from .shape import sum_to


_C_TYPE = {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
           "uint8": "unsigned char", "float32": "float", "float64": "double", "float16": "c10::Half"}


def _mask_array(mask, message):
    m = mask._data
    if m.dtype.kind != "b":
        raise errors.runtime(message.format(_C_TYPE.get(m.dtype.name, m.dtype.name)),
                             "Build the mask with a comparison (x > 0) or .bool().")
    return m


class MaskedFillBackward0(Op):
    """masked_fill(self, mask, value): self where mask is False, value where it is True."""
    args = ("self",)
    def forward(ctx, a, mask, value):
        ctx.mask = mask
        return B.ns(a).where(mask, B.ns(a).asarray(value).astype(a.dtype), a)
    def backward(ctx, g):
        return (MaskedFillBackward0.apply(g, mask=ctx.mask, value=0),)


def masked_fill(input, mask, value):
    if isinstance(value, Tensor):  # a 0-dim tensor of a number (its own gradient is not supported)
        value = value.item()
    mask = _mask_array(mask, "masked_fill_ only supports boolean masks, but got mask with dtype {}")
    return MaskedFillBackward0.apply(input, mask=mask, value=scalars.scalar_argument(value, input._data.dtype))


class MaskedScatterBackward0(Op):
    """zeros(shape) with `source`'s values put, in order, where mask is True (masked_select's backward)."""
    args = ("source",)
    def forward(ctx, source, mask):
        ctx.mask = mask
        out = B.ns(source).zeros(mask.shape, dtype=source.dtype)
        out[mask] = source
        return out
    def backward(ctx, g):
        return (MaskedSelectBackward0.apply(g, mask=ctx.mask),)


class MaskedSelectBackward0(Op):
    """masked_select(self, mask): the elements where mask (broadcast with self) is True, as a 1-D tensor."""
    args = ("self",)
    def forward(ctx, a, mask):
        xp = B.ns(a)
        shape = xp.broadcast_shapes(a.shape, mask.shape)
        ctx.self_shape, ctx.mask = a.shape, xp.broadcast_to(mask, shape)
        return xp.broadcast_to(a, shape)[ctx.mask]
    def backward(ctx, g):
        return (sum_to(MaskedScatterBackward0.apply(g, mask=ctx.mask), ctx.self_shape),)


def masked_select(input, mask):
    return MaskedSelectBackward0.apply(input, mask=_mask_array(mask, "masked_select: expected BoolTensor for mask"))


def _triangle(name, fn):
    def forward(ctx, a, diagonal=0):
        ctx.diagonal = diagonal
        return getattr(B.ns(a), fn)(a, diagonal)

    def backward(ctx, g):
        return (OPS[name].apply(g, diagonal=ctx.diagonal),)
    return type(name, (Op,), {"args": ("self",), "forward": forward, "backward": backward, "__module__": __name__,
                              "__doc__": f"{fn}(self, diagonal): the gradient keeps the same triangle"})


OPS = {"TrilBackward0": _triangle("TrilBackward0", "tril"), "TriuBackward0": _triangle("TriuBackward0", "triu")}
TrilBackward0, TriuBackward0 = OPS["TrilBackward0"], OPS["TriuBackward0"]


def tril(input, diagonal=0):
    return TrilBackward0.apply(input, diagonal=diagonal)


def triu(input, diagonal=0):
    return TriuBackward0.apply(input, diagonal=diagonal)


class IndexAddBackward0(Op):
    """zeros(shape).index_add_(dim, index, source): index_select's backward, summing repeated indices
    (self, the zeros, is made here: no edge, as PyTorch's node shows it)."""
    args = ("self", "source")
    def forward(ctx, _zeros, source, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        xp = B.ns(source)
        out = xp.zeros(shape, dtype=source.dtype)
        where = [slice(None)] * len(shape)
        where[dim] = index
        return B.scatter_add(out, tuple(where), source)
    def backward(ctx, g):
        return None, IndexSelectBackward0.apply(g, dim=ctx.dim, index=ctx.index)


class IndexSelectBackward0(Op):
    """index_select(self, dim, index): the slices at `index` along dim."""
    args = ("self",)
    def forward(ctx, a, dim, index):
        ctx.dim, ctx.index, ctx.self_sym_sizes = dim, index, a.shape
        return B.ns(a).take(a, index, axis=dim)
    def backward(ctx, g):
        return (IndexAddBackward0.apply(None, g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=ctx.index),)


def index_select(input, dim, index):
    if index._data.dtype.kind not in "iu":
        raise errors.runtime("index_select(): Expected dtype int32 or int64 for index",
                             "index is a 1-D tensor of integer positions along dim.")
    if index.ndim > 1:
        raise errors.index("index_select(): Index is supposed to be a vector",
                           "index is a 1-D tensor of integer positions along dim.")
    return IndexSelectBackward0.apply(input, dim=errors.wrap_dim(dim, input.ndim), index=index._data.reshape(-1))


class RepeatBackward0(Op):
    """repeat(self, repeats): self tiled; the gradient sums the tiles."""
    args = ("self",)
    def forward(ctx, a, repeats):
        if len(repeats) < a.ndim:
            raise errors.runtime("Number of dimensions of repeat dims can not be smaller than number of "
                                 "dimensions of tensor", "Give repeat one count per dimension (or more).")
        ctx.repeats, ctx.self_sym_sizes = repeats, (1,) * (len(repeats) - a.ndim) + a.shape
        ctx.input_shape = a.shape
        return B.ns(a).tile(a, repeats)
    def backward(ctx, g):
        split = []  # each dimension as (repeats, size): sum the repeats away
        for r, n in zip(ctx.repeats, ctx.self_sym_sizes):
            split += [r, n]
        summed = g.reshape(*split).sum(dim=tuple(range(0, len(split), 2)))
        return (summed.reshape(*ctx.input_shape),)


def repeat(input, *repeats):
    return RepeatBackward0.apply(input, repeats=sizes("repeat", repeats, "repeats"))
