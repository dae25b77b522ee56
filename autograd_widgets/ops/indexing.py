"""Reading and writing parts of a tensor: select, slice, advanced indexing, CopySlices."""
from .. import backend as B
from .. import errors
from ..grad_mode import GradMode
from ..node import Op
from ..tensor import Tensor
from .shape import _as_view, unsqueeze


class SelectBackward0(Op):
    args = ("self",)
    def forward(ctx, a, dim, index):
        ctx.self_sym_sizes, ctx.dim, ctx.index = a.shape, dim, index
        return a[(slice(None),) * dim + (index, Ellipsis)]
    def backward(ctx, g):
        return (SelectBackwardBackward0.apply(g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=ctx.index),)


class SliceBackward0(Op):
    args = ("self",)
    def forward(ctx, a, dim, sl):
        ctx.self_sym_sizes, ctx.dim, ctx.index = a.shape, dim, sl
        return a[(slice(None),) * dim + (sl,)]
    def backward(ctx, g):
        return (SliceBackwardBackward0.apply(g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=ctx.index),)


class SelectBackwardBackward0(Op):
    """The gradient of select: g placed at `index` of zeros. Its own gradient selects again."""
    args = ("grad_output",)
    def forward(ctx, g, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        out = B.ns(g).zeros(shape, dtype=g.dtype)
        out[(slice(None),) * dim + (index, Ellipsis)] = g
        return out
    def backward(ctx, gg):
        return (gg.select(ctx.dim, ctx.index),)


class SliceBackwardBackward0(SelectBackwardBackward0):
    def forward(ctx, g, shape, dim, index):
        ctx.dim, ctx.index = dim, index
        out = B.ns(g).zeros(shape, dtype=g.dtype)
        out[(slice(None),) * dim + (index,)] = g
        return out
    def backward(ctx, gg):
        return (SliceBackward0.apply(gg, dim=ctx.dim, sl=ctx.index),)


class IndexBackward0(Op):
    """Advanced indexing (lists, integer or boolean tensors): a copy, not a view."""
    args = ("self",)
    def forward(ctx, a, index):
        ctx.self_sym_sizes, ctx.index = a.shape, index
        return a[index]
    def backward(ctx, g):
        return (IndexPutBackward0.apply(g, shape=ctx.self_sym_sizes, index=ctx.index),)


class IndexPutBackward0(Op):
    """zeros(shape) with g added at `index` (repeated indices add up)."""
    args = ("values",)
    def forward(ctx, g, shape, index):
        ctx.index = index
        return B.scatter_add(B.ns(g).zeros(shape, dtype=g.dtype), index, g)
    def backward(ctx, gg):
        return (IndexBackward0.apply(gg, index=ctx.index),)


class CopySlices(Op):
    """self[index] = src: self's gradient is g outside the region; src's is g inside it."""
    args = ("self", "src")
    def forward(ctx, a, src, index):
        xp = B.ns(a)
        out = a.copy()
        out[index] = src
        keep = xp.ones(a.shape, dtype=bool)
        keep[index] = False
        ctx.index, ctx.keep = index, keep
        return out
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (g * Tensor._make(ctx.keep) if need[0] else None), (g[ctx.index] if need[1] else None)


# --- index parsing ------------------------------------------------------------------------
def _is_advanced(i):
    return isinstance(i, (list, Tensor)) or B.is_array(i)


def _to_array_index(i, device):
    if isinstance(i, Tensor):
        return i._data
    if isinstance(i, list):  # an index array lives with the data it indexes
        return B.asarray([x.item() if isinstance(x, Tensor) else x for x in i], device=device)
    return i


def _normalize(index):
    return index if isinstance(index, tuple) else (index,)


def _check_bounds(shape, dim, i):
    n = shape[dim]
    if not -n <= i < n:
        raise IndexError(f"index {i} is out of bounds for dimension {dim} with size {n}")
    return i % n


def getitem(t, index):
    index = _normalize(index)
    if any(_is_advanced(i) and not (isinstance(i, Tensor) and i.ndim == 0 and i.dtype.is_floating_point is False
                                    and i._data.dtype.kind != "b") for i in index):
        idx = tuple(_to_array_index(i, B.device_of(t._data)) for i in index)
        try:
            return IndexBackward0.apply(t, index=idx)
        except IndexError as e:
            raise IndexError(str(e).replace("axis", "dimension")) from None
    out, dim = t, 0
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > t.ndim:
        raise IndexError(f"too many indices for tensor of dimension {t.ndim}")
    for i in index:
        if isinstance(i, Tensor):
            i = int(i.item())
        if i is None:
            out = unsqueeze(out, dim)
            dim += 1
        elif i is Ellipsis:
            dim += t.ndim - n_real
        elif isinstance(i, slice):
            if i != slice(None):
                out = _as_view(SliceBackward0.apply(out, dim=dim, sl=i), out)
            dim += 1
        else:
            i = _check_bounds(out.shape, dim, int(i))
            out = _as_view(SelectBackward0.apply(out, dim=dim, index=i), out)
    if out is t:
        from .shape import AliasBackward0
        out = _as_view(AliasBackward0.apply(t), t)
    return out


def setitem(t, index, value):
    """t[index] = value, recorded as CopySlices when a graph is involved (as PyTorch does)."""
    index = tuple(_to_array_index(i, B.device_of(t._data)) for i in _normalize(index))
    if len(index) == 1:
        index = index[0]
    value_rg = isinstance(value, Tensor) and value._rg
    if GradMode.enabled:
        if t._rg and t.grad_fn is None:
            raise errors.leaf_inplace(view=True)
        base = t._base
        if base is not None and base._rg and base.grad_fn is None:
            raise errors.leaf_inplace(view=True)
        if t._rg or value_rg:
            src = value if isinstance(value, Tensor) else value
            return t._assign(CopySlices.apply(t._shallow_copy(), src, index=index))
    t._data[index] = value._data if isinstance(value, Tensor) else value
    t._bump()
    return t


def select(t, dim, index):
    dim = dim % t.ndim
    index = _check_bounds(t.shape, dim, index)
    return _as_view(SelectBackward0.apply(t, dim=dim, index=index), t)


def narrow(t, dim, start, length):
    dim = dim % t.ndim
    return _as_view(SliceBackward0.apply(t, dim=dim, sl=slice(start, start + length)), t)
