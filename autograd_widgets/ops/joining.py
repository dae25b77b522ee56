"""Joining and splitting beyond cat/stack/split: dstack, column_stack, cartesian_prod, tensor_split, hsplit,
vsplit, dsplit, unflatten, take, msort. Composites, as in PyTorch: they record the nodes of their parts
(tensor_split's pieces are SliceBackward0 views, dstack a CatBackward0 over UnsqueezeBackward0s); take has
a node of its own."""
import math

from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from . import indexing as I, order as O, shape as S
from .rearrange import atleast_3d, meshgrid


def dstack(tensors):
    """Along dim 2, each tensor first made at least 3-d."""
    return S.cat([atleast_3d(t) for t in tensors], 2)


def column_stack(tensors):
    """Side by side as columns: a 0-d or 1-d tensor becomes one column."""
    return S.hstack([S.reshape(t, t.numel(), 1) if t.ndim <= 1 else t for t in tensors])


def cartesian_prod(*tensors):
    """Every combination of the inputs' elements, one per row (a lone input is returned as it is)."""
    if len(tensors) == 1:
        return tensors[0]
    return S.stack([S.flatten(g) for g in meshgrid(*tensors, indexing="ij")], 1)


def _split_points(n, sections):
    """Where tensor_split(…, k) cuts a dim of size n: the first n % k pieces one longer."""
    if sections <= 0:
        raise errors.runtime(f"number of sections must be larger than 0, got {sections}",
                             "Ask for at least one piece.")
    size, extra = divmod(n, sections)
    points, at = [], 0
    for i in range(sections - 1):
        at += size + (1 if i < extra else 0)
        points.append(at)
    return points


def tensor_split(input, indices_or_sections, dim=0):
    """Views of input cut along dim: into k nearly equal pieces, or at the given indices."""
    dim = errors.wrap_dim(dim, input.ndim)
    n = input.shape[dim]
    cut = indices_or_sections
    if isinstance(cut, Tensor):
        cut = cut.tolist() if cut.ndim else int(cut.item())
    points = _split_points(n, cut) if isinstance(cut, int) else list(cut)
    bounds = [0] + [min(max(p, 0), n) for p in points] + [n]
    return tuple(I.narrow(input, dim, start, max(end - start, 0)) for start, end in zip(bounds, bounds[1:]))


def _directional_split(name, dim, least):
    def split(input, indices_or_sections):
        if input.ndim < least:
            raise errors.runtime(f"torch.{name} requires a tensor with at least {least} dimension, but got a tensor "
                                 f"with {input.ndim} dimensions!", f"{name} splits along dim {dim}.")
        d = 0 if name == "hsplit" and input.ndim == 1 else dim
        if isinstance(indices_or_sections, int) and input.shape[d] % indices_or_sections:
            raise errors.runtime(f"torch.{name} attempted to split along dimension {d}, but the size of the "
                                 f"dimension {input.shape[d]} is not divisible by the split_size "
                                 f"{indices_or_sections}!", "Pick a number of pieces that divides that size, or "
                                 "give the split indices; torch.tensor_split allows uneven pieces.")
        return tensor_split(input, indices_or_sections, d)
    split.__name__ = split.__qualname__ = name
    return split


hsplit = _directional_split("hsplit", 1, 1)
vsplit = _directional_split("vsplit", 0, 2)
dsplit = _directional_split("dsplit", 2, 3)


def unflatten(input, dim, sizes):
    """dim split into the dims `sizes` (one may be -1): a view."""
    dim = errors.wrap_dim(dim, input.ndim)
    shape = list(input.shape)
    return S.view(input, *(shape[:dim] + list(sizes) + shape[dim + 1:]))


class TakeBackward0(Op):
    """take(self, index): self's elements at the flat positions `index`, in index's shape."""
    args, saves = ("self",), ("self",)  # self: kept as PyTorch keeps it (explain reads its shape)
    def forward(ctx, a, index):
        n = a.size
        bad = index[(index >= n) | (index < -n)]
        if bad.size:
            raise errors.index(f"out of range: tried to access index {int(bad.reshape(-1)[0])} on a tensor of {n} "
                               "elements.", "take reads the tensor as if flattened: positions run from "
                               f"{-n} to {n - 1}.")
        ctx.index, ctx.self_sym_sizes = index % max(n, 1), a.shape
        return a.reshape(-1)[ctx.index]
    def backward(ctx, g):
        return (PutBackward0.apply(None, g, shape=ctx.self_sym_sizes, index=ctx.index),)


class PutBackward0(Op):
    """zeros(shape).put_(index, source, accumulate=True): take's backward (repeated places add up; self, the
    zeros, is made here: no edge, as PyTorch's node shows it)."""
    args = ("self", "source")
    def forward(ctx, _zeros, src, shape, index):
        ctx.index = index
        xp = B.ns(src)
        flat = xp.zeros(math.prod(shape), dtype=src.dtype)
        return B.scatter_add(flat, (index.reshape(-1),), src.reshape(-1)).reshape(shape)
    def backward(ctx, g):
        return None, TakeBackward0.apply(g, index=ctx.index)


def take(input, index):
    if index._data.dtype.kind not in "iu":
        raise errors.runtime(f"take(): Expected a long tensor for index, but got {index.dtype._legacy[:-6]}",
                             "index holds flat positions: integers.")
    return TakeBackward0.apply(input, index=index._data)


def msort(input):
    """input sorted along dim 0."""
    return O.sort(input, 0).values
