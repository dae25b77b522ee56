"""Ops that keep or overwrite elements by a boolean mask, a triangle or an index list: masked_fill,
masked_select, tril/triu, index_select, index_fill, repeat. Each class is one row of PyTorch's derivatives.yaml."""
from .. import backend as B
from .. import dtypes, errors, scalars
from ..node import Op
from ..tensor import Tensor
from ..size_args import described, sizes
from .pointwise import _NUMBERS
from .shape import sum_to


def _mask_array(mask, message):
    m = mask._data
    if m.dtype.kind != "b":
        raise errors.runtime(message.format(dtypes.CPP_NAMES.get(m.dtype.name, m.dtype.name)),
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
        ctx.dim, ctx.index, ctx.alpha = dim, index, 1  # alpha: as PyTorch's node saves it (explain reads it)
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


def _index_filled(a, dim, index, value):
    """A copy of array `a` with the slices at `index` along `dim` set to `value` (a 0-d array is one slice)."""
    out = a.copy()
    flat = out.reshape(1) if out.ndim == 0 else out  # a view: writing it writes out
    where = [slice(None)] * flat.ndim
    where[dim] = index
    flat[tuple(where)] = value
    return out


class IndexFillBackward0(Op):
    """index_fill(self, dim, index, value), value a number: the filled slices get no gradient."""
    args = ("self",)
    def forward(ctx, a, dim, index, value):
        ctx.dim, ctx.index = dim, index
        return _index_filled(a, dim, index, value)
    def backward(ctx, g):
        return (IndexFillBackward0.apply(g, dim=ctx.dim, index=ctx.index, value=0),)


class IndexFillBackward1(Op):
    """index_fill(self, dim, index, value), value a 0-d tensor: it gets the gradient of each filled place, once
    for an index given twice."""
    args = ("self", "value")
    def forward(ctx, a, value, dim, index):
        ctx.dim, ctx.index = dim, index
        return _index_filled(a, dim, index, value.astype(a.dtype))
    def backward(ctx, g):
        need = ctx.needs_input_grad
        once = B.ns(ctx.index).unique(ctx.index)
        filled = g.reshape(1) if g.ndim == 0 else g
        return ((IndexFillBackward0.apply(g, dim=ctx.dim, index=ctx.index, value=0) if need[0] else None),
                (IndexSelectBackward0.apply(filled, dim=ctx.dim, index=once).sum() if need[1] else None))


def index_fill(input, dim, index, value):
    """input with the slices at `index` (an int64 tensor, at most 1-D) along `dim` set to `value`: a number, or a
    0-d tensor that then gets a gradient. The value is range-checked as PyTorch checks a Scalar."""
    return _index_fill(input, dim, index, value, "index_fill", "Tensor")


def index_fill_method(self, dim, index, value):
    """x.index_fill(dim, index, value): torch.index_fill, with the method's words when the arguments are wrong."""
    return _index_fill(self, dim, index, value, "index_fill", "")


def index_fill_in_place(self, dim, index, value):
    """x.index_fill_(dim, index, value), for methods_forms.in_place."""
    return _index_fill(self, dim, index, value, "index_fill_", "")


def _index_fill(input, dim, index, value, name, leading):
    if not isinstance(index, Tensor) or not (isinstance(value, Tensor) or type(value) in _NUMBERS or
                                             isinstance(value, B.generic_scalar)):
        raise _no_overload(name, leading, dim, index, value)
    if isinstance(value, Tensor) and value.ndim:
        raise errors.runtime(f"index_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                             f"{value.ndim} dimension(s).", "Give one number, or a 0-d tensor (t.sum(), t[0]).")
    if index._data.dtype != B.host_dtype(B.int64):
        raise errors.index("index_fill_(): Expected dtype int64 for index.",
                           "index holds positions along dim: make it with torch.tensor([0, 2]) (int64).")
    if index.ndim > 1:
        raise errors.runtime("Index has to be a vector/scalar", "index is a 1-D list of positions along dim.")
    dim = errors.wrap_dim(dim, input.ndim)
    number = scalars.scalar_argument(value.item() if isinstance(value, Tensor) else value, input._data.dtype)
    positions, size = index._data.reshape(-1), (input.shape[dim] if input.ndim else 1)
    bad = positions[(positions >= size) | (positions < -size)]
    if bad.size:
        raise errors.index(f"index {int(bad[0])} is out of bounds for dimension {dim} with size {size}",
                           f"Positions along dim {dim} run from {-size} to {size - 1}.")
    if isinstance(value, Tensor):
        return IndexFillBackward1.apply(input, value, dim=dim, index=positions)
    return IndexFillBackward0.apply(input, dim=dim, index=positions, value=number)




def _no_overload(name, leading, dim, index, value):
    """PyTorch's TypeError when index_fill's index is no tensor or its value neither a tensor nor a number: each
    overload with the arguments it could not take between '!'. `leading` is 'Tensor' for torch.index_fill's input."""
    def marked(v, fits):
        return described(v) if fits else f"!{described(v)}!"
    first = f"{leading} input, " if leading else ""
    given = f"{leading}, " if leading else ""
    got = given + ", ".join(errors.type_name(v) for v in (dim, index, value))
    why = "\n      didn't match because some of the arguments have invalid types: "
    seen = f"{given}{errors.type_name(dim)}, {marked(index, isinstance(index, Tensor))}, "
    return errors.type_error(
        f"{name}() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        f" * ({first}int dim, Tensor index, Tensor value){why}({seen}{marked(value, isinstance(value, Tensor))})\n"
        f" * ({first}int dim, Tensor index, Number value){why}({seen}{marked(value, False)})\n",
        f"{name}(dim, index, value): index is an int64 tensor of positions, e.g. torch.tensor([0, 2]), and value "
        "one number (or a 0-d tensor).")


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
