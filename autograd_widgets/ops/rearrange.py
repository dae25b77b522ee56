"""Ops that move elements around: roll, rot90, flipud/fliplr, movedim, swapaxes, broadcast_to, meshgrid, tile,
repeat_interleave, take_along_dim, atleast_Nd, diff.

Most are composites in PyTorch too, and record the nodes of the ops they are made of (movedim a
PermuteBackward0, tile a RepeatBackward0, meshgrid a ViewBackward0 then an ExpandBackward0); roll and rot90
have nodes of their own.
"""
import warnings

from .. import backend as B
from .. import errors
from ..node import Op
from ..size_args import sizes
from ..tensor import Tensor
from . import compare as Q, indexing as I, masks as M, order as O, shape as S, statistics as ST
from .pointwise import CloneBackward0


def _dim_list(x):
    return (x,) if isinstance(x, int) else tuple(x)


class RollBackward0(Op):
    """roll(self, shifts, dims): elements shifted cyclically (without dims, over the flattened tensor)."""
    args = ("self",)
    def forward(ctx, a, shifts, dims):
        ctx.shifts, ctx.dims = shifts, dims
        if dims and len(shifts) != len(dims):
            raise errors.runtime(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:{len(dims)}",
                                 "Give one shift per dimension.")
        xp = B.ns(a)
        if not dims:
            return xp.roll(a.reshape(-1), shifts[0]).reshape(a.shape)
        return xp.roll(a, shifts, axis=tuple(errors.wrap_dim(d, a.ndim) for d in dims))
    def backward(ctx, g):
        return (RollBackward0.apply(g, shifts=tuple(-s for s in ctx.shifts), dims=ctx.dims),)


def roll(input, shifts, dims=()):
    return RollBackward0.apply(input, shifts=_dim_list(shifts), dims=_dim_list(dims))


class Rot90Backward0(Op):
    """rot90(self, k, dims): turned k quarter turns from the first dim towards the second."""
    args = ("self",)
    def forward(ctx, a, k, dims):
        ctx.k, ctx.dims = k, dims
        return B.ns(a).rot90(a, k, axes=dims).copy()
    def backward(ctx, g):
        return (Rot90Backward0.apply(g, k=-ctx.k, dims=ctx.dims),)


def rot90(input, k=1, dims=(0, 1)):
    dims = tuple(dims)
    if len(dims) != 2:
        raise errors.runtime(f"expected total rotation dims == 2, but got dims = {len(dims)}",
                             "rot90 turns in a plane: name its two dims.")
    if input.ndim < 2:
        raise errors.runtime(f"expected total dims >= 2, but got total dims = {input.ndim}",
                             "rot90 needs a tensor of at least 2 dimensions.")
    d0, d1 = (errors.wrap_dim(d, input.ndim) for d in dims)
    if d0 == d1:
        raise errors.runtime(f"expected rotation dims to be different, but got dim0 = {d0} and dim1 = {d1}",
                             "Turning needs two different dims.")
    return Rot90Backward0.apply(input, k=k % 4, dims=(d0, d1))


def flipud(input):
    if input.ndim < 1:
        raise errors.runtime("Input must be >= 1-d.", "flipud reverses dim 0; a 0-d tensor has none.")
    return ST.flip(input, (0,))


def fliplr(input):
    if input.ndim < 2:
        raise errors.runtime("Input must be >= 2-d.", "fliplr reverses dim 1 (the columns).")
    return ST.flip(input, (1,))


def movedim(input, source, destination):
    """The dims `source` moved to the places `destination`, the others in their order: a permute."""
    src, dst = _dim_list(source), _dim_list(destination)
    if len(src) != len(dst):
        raise errors.runtime(f"movedim: Invalid source or destination dims: source ({list(src)} dims) should "
                             f"contain the same number of dims as destination ({list(dst)} dims)",
                             "Give one destination per dim you move.")
    n = input.ndim
    src = [errors.wrap_dim(d, n) for d in src]
    dst = [errors.wrap_dim(d, n) for d in dst]
    for name, dims, given in (("source", src, source), ("destination", dst, destination)):
        if len(set(dims)) != len(dims):
            raise errors.runtime(f"movedim: repeated dim in `{name}` ({list(_dim_list(given))})", "Name each dim once.")
    order = [None] * n
    for s, d in zip(src, dst):
        order[d] = s
    rest = iter(d for d in range(n) if d not in src)
    order = [next(rest) if o is None else o for o in order]
    return S.permute(input, *order)


def swapaxes(input, axis0, axis1):
    return S.transpose(input, axis0, axis1)


def broadcast_to(input, size):
    return S.expand(input, *sizes("broadcast_to", (size,), varargs=False))


def meshgrid(*tensors, indexing=None):
    """Coordinate grids: tensor i viewed along dim i and expanded ('xy' swaps the first two dims)."""
    if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tuple(tensors[0])
    if indexing is None:
        warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass the indexing argument.",
                      UserWarning, stacklevel=2)
        indexing = "ij"
    if indexing not in ("ij", "xy"):
        raise errors.runtime(f"torch.meshgrid: indexing must be one of \"xy\" or \"ij\", but received: {indexing}",
                             "'ij' gives matrix indexing (the default), 'xy' Cartesian (as NumPy's default).")
    for t in tensors:
        if t.ndim > 1:
            raise errors.runtime(f"torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: {t}",
                                 "Each input is one axis's coordinates: a 1-D tensor (or a 0-D one).")
    counts = [t.numel() for t in tensors]
    axes = list(range(len(tensors)))
    if indexing == "xy" and len(tensors) >= 2:
        axes[0], axes[1] = 1, 0
    shape = [0] * len(tensors)
    for ax, c in zip(axes, counts):
        shape[ax] = c
    grids = []
    for t, ax in zip(tensors, axes):
        view = [1] * len(tensors)
        view[ax] = -1
        grids.append(S.expand(S.view(t, *view), *shape))
    return tuple(grids)


def tile(input, *dims):
    dims = sizes("tile", dims, "dims")
    full = (1,) * (len(dims) - input.ndim) + tuple(input.shape)
    reps = (1,) * (input.ndim - len(dims)) + tuple(dims)
    shape = [n * r for n, r in zip(full, reps)]
    bad = [n for n in shape if n < 0]
    if bad:
        raise errors.runtime(f"Trying to create tensor with negative dimension {bad[0]}: {shape}",
                             "Each repeat count must be 0 or more.")
    return M.repeat(input, *((1,) * (input.ndim - len(dims)) + tuple(dims)))


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along dim) repeated: an int count by unsqueeze-expand-clone-view, a tensor of
    counts by index_select; torch.repeat_interleave(counts) alone gives the indices."""
    if repeats is None:  # repeat_interleave(repeats): positions, each repeated its count
        counts = input._data
        xp = B.ns(counts)
        return Tensor._make(xp.repeat(xp.arange(counts.shape[0], dtype=B.int64), counts))
    if dim is None:
        input, dim = S.flatten(input), 0
    dim = errors.wrap_dim(dim, input.ndim)
    if isinstance(repeats, Tensor):
        counts = repeats._data
        xp = B.ns(counts)
        if counts.ndim == 0 or counts.shape[0] == 1:
            counts = xp.full(input.shape[dim], int(counts.reshape(-1)[0]), dtype=B.int64)
        index = Tensor._make(xp.repeat(xp.arange(counts.shape[0], dtype=B.int64), counts))
        return M.index_select(input, dim, index)
    if repeats < 0:
        raise errors.runtime("Repeats must be non-negative", "Each element is repeated 0 or more times.")
    if input.ndim == 0:
        input = S.reshape(input, 1)
    shape = list(input.shape)
    big = shape[:dim + 1] + [repeats] + shape[dim + 1:]
    out = CloneBackward0.apply(S.expand(S.unsqueeze(input, dim + 1), *big))
    shape[dim] *= repeats
    return S.view(out, *shape)


def take_along_dim(input, indices, dim=None):
    """input's values at `indices` along dim (both broadcast, except along dim); without dim, of the flat input."""
    if indices._data.dtype.kind not in "iu":
        raise errors.runtime(f"torch.take_along_dim(): dtype of indices should be Long but got "
                             f"{indices.dtype._legacy[:-6]}", "indices are positions: integers.")
    if dim is None:
        return O.gather(S.view(input, -1), 0, S.view(indices, -1))
    dim = errors.wrap_dim(dim, input.ndim)
    n = max(input.ndim, indices.ndim)
    a = (1,) * (n - input.ndim) + tuple(input.shape)
    i = (1,) * (n - indices.ndim) + tuple(indices.shape)
    shape = [max(p, q) if p == 1 or q == 1 else p for p, q in zip(a, i)]
    index_shape, input_shape = list(shape), list(shape)
    index_shape[dim], input_shape[dim] = i[dim], a[dim]
    xp = B.ns(indices._data)
    index = Tensor._make(xp.broadcast_to(indices._data, index_shape))
    return O.gather(S.expand(input, *input_shape), dim, index)


def _at_least(n, fn):
    def at_least(*tensors):
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            return tuple(fn(t) if t.ndim < n else t for t in tensors[0])
        out = tuple(fn(t) if t.ndim < n else t for t in tensors)
        return out[0] if len(out) == 1 else out
    at_least.__name__ = at_least.__qualname__ = f"atleast_{n}d"
    at_least.__doc__ = f"Each tensor with at least {n} dims (a tuple for several)."
    return at_least


atleast_1d = _at_least(1, lambda t: S.reshape(t, 1))
atleast_2d = _at_least(2, lambda t: S.reshape(t, 1, 1) if t.ndim == 0 else S.unsqueeze(t, 0))
atleast_3d = _at_least(3, lambda t: S.reshape(t, 1, 1, 1) if t.ndim == 0 else
                       S.unsqueeze(S.unsqueeze(t, 0), -1) if t.ndim == 1 else S.unsqueeze(t, -1))


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference along dim: narrow(1, L-1) − narrow(0, L-1), n times (xor for bools)."""
    if input.ndim == 0:
        raise errors.runtime("diff expects input to be at least one-dimensional",
                             "A difference needs neighbours along a dim.")
    if n < 0:
        raise errors.runtime(f"order must be non-negative but got {n}", "n counts how often to take differences.")
    dim = errors.wrap_dim(dim, input.ndim)
    if prepend is not None or append is not None:
        input = S.cat([t for t in (prepend, input, append) if t is not None], dim)
    for _ in range(n):
        length = max(input.shape[dim] - 1, 0)
        later, earlier = I.narrow(input, dim, 1 if length else 0, length), I.narrow(input, dim, 0, length)
        input = Q.logical_xor(later, earlier) if input._data.dtype.kind == "b" else later - earlier
    return input
