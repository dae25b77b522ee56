"""Reading and writing parts of a tensor: select, slice, advanced indexing, CopySlices."""
import re

from .. import backend as B
from .. import errors, scalars
from ..grad_mode import GradMode
from ..node import Op
from ..tensor import Tensor
from .pointwise import CopyBackwards, FillBackward3
from .shape import AliasBackward0, _view, expandable, unsqueeze, view


class SelectBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    args = ("self",)
    def forward(ctx, a, dim, index):
        ctx.self_sym_sizes, ctx.dim, ctx.index = a.shape, dim, index
        return a[(slice(None),) * dim + (index, Ellipsis)]
    def backward(ctx, g):
        return (SelectBackwardBackward0.apply(g, shape=ctx.self_sym_sizes, dim=ctx.dim, index=ctx.index),)


class SliceBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
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
        return B.ns(a).ascontiguousarray(a[index])  # a new tensor, contiguous as PyTorch's (so view() works)
    def backward(ctx, g):
        zeros = Tensor._make(B.ns(g._data).zeros(ctx.self_sym_sizes, dtype=g._data.dtype))
        return (IndexPutImplBackward0.apply(zeros, g, index=ctx.index, accumulate=True),)


class IndexPutBackward0(Op):
    """index_put: self with `values` written (accumulate: added, repeats adding up) at an advanced index."""
    args = ("self", "values")
    def forward(ctx, a, v, index, accumulate):
        ctx.index, ctx.accumulate = index, accumulate
        out = a.copy()
        if accumulate:
            return B.scatter_add(out, index, v)
        out[index] = v
        return out
    def backward(ctx, g):
        need = ctx.needs_input_grad
        gs = None
        if need[0]:  # written places lose their old value's gradient
            gs = g if ctx.accumulate else IndexPutBackward0.apply(g, 0.0, index=ctx.index, accumulate=False)
        return gs, (IndexBackward0.apply(g, index=ctx.index) if need[1] else None)


class IndexPutImplBackward0(IndexPutBackward0):
    """The accumulating index_put that the gradient of indexing is made of."""


# --- index parsing ------------------------------------------------------------------------
def _is_advanced(i):
    return isinstance(i, (list, Tensor)) or B.is_array(i)


def _to_array_index(i, device):
    if isinstance(i, Tensor):
        return i._data
    if isinstance(i, list):  # an index array lives with the data it indexes
        return B.asarray([x.item() if isinstance(x, Tensor) else x for x in i], device=device)
    return i


def _type_name(x):
    """A value's type as PyTorch's argument errors print it: 'float', 'numpy.float64'."""
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__name__}"


def _normalize(index):
    """The index as a tuple, each part checked as PyTorch checks it (no floats, no steps below one)."""
    index = index if isinstance(index, tuple) else (index,)
    for i in index:
        if isinstance(i, slice):
            if i.step == 0:
                raise errors.value("slice step cannot be zero", "A slice's step says how far each next element is.")
            if i.step is not None and i.step < 0:
                raise errors.value("step must be greater than zero",
                                   "Slices of a tensor go forward only; use torch.flip(t, dims) to reverse one.")
        elif isinstance(i, float) or isinstance(i, B.generic_scalar) and i.dtype.kind not in "iub":
            raise errors.index(f"only integers, slices (`:`), ellipsis (`...`), None and long or byte Variables are "
                               f"valid indices (got {_type_name(i)})",
                               "A position is a whole number: write x[1], or x[int(i)] for a computed float.")
    return index


def _check_bounds(shape, dim, i, named_dim=None):
    """`i` as a position along `dim`; `named_dim` is the dim PyTorch's message names (it counts the index items)."""
    n = shape[dim]
    if not -n <= i < n:
        raise _out_of_bounds(i, dim if named_dim is None else named_dim, n)
    return i % n


def _in_pytorch_words(e: IndexError) -> IndexError:
    """NumPy's IndexError for a position past the end, worded as PyTorch's ("dimension", not "axis")."""
    m = re.fullmatch(r"index (-?\d+) is out of bounds for axis (\d+) with size (\d+)", str(e))
    return _out_of_bounds(int(m[1]), int(m[2]), int(m[3])) if m else IndexError(str(e).replace("axis", "dimension"))


def _out_of_bounds(i, dim, n) -> IndexError:
    return IndexError(errors._explain(f"index {i} is out of bounds for dimension {dim} with size {n}",
                                      f"Valid positions are 0 to {n - 1} (or -{n} to -1 from the end)." if n else
                                      f"Dimension {dim} is empty: it has no position to index."))


def _covers(sl, n):
    """Whether PyTorch skips slice `sl` over a dim of `n` elements: as written it starts at 0, steps by 1 and
    stops at or past `n` (`x[..., 1:]` of an empty dim is still a slice; `x[..., -3:]` of three elements too)."""
    start = 0 if sl.start is None else int(sl.start)
    stop = n if sl.stop is None else int(sl.stop)
    return start == 0 and stop >= n and (sl.step is None or int(sl.step) == 1)


def _check_masks(shape, idx):
    """PyTorch's words for a boolean mask whose shape differs from the dims it covers; plain positions are
    applied first (they remove their dim), as PyTorch applies them."""
    left, dim = list(shape), 0
    for i in idx:
        if isinstance(i, int) and not isinstance(i, bool):
            del left[dim]
        elif B.is_array(i) and i.dtype.kind == "b":
            for k, (m, n) in enumerate(zip(i.shape, left[dim:dim + i.ndim])):
                if m != n:
                    raise IndexError(errors._explain(
                        f"The shape of the mask {list(i.shape)} at index {k} does not match the shape of the indexed "
                        f"tensor {left} at index {dim + k}",
                        "A boolean mask needs the shape of the dims it selects from."))
            dim += i.ndim
        elif i is not None:
            dim += 1


def _refuse_0d_index(t, index) -> None:
    """PyTorch's refusal of an int or a slice as the index of a 0-d tensor, reading or writing."""
    if not t.ndim and isinstance(index, (int, slice)) and not isinstance(index, bool):
        raise IndexError(errors._explain(
            "slice() cannot be applied to a 0-dim tensor." if isinstance(index, slice) else
            "invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` in C++ to convert "
            "a 0-dim tensor to a number", "A 0-d tensor holds one number and has no positions: read it with .item()."))


def getitem(t, index, region=False):
    """t[index]; with `region`, the part t[index] = value writes to (t itself when it covers t)."""
    _refuse_0d_index(t, index)
    # a slice covering its dim is skipped in a tuple index or an assignment, not alone (x[:] is a SliceBackward0)
    whole = region or isinstance(index, tuple)
    if isinstance(index, Tensor) and not index.ndim and index._data.dtype.kind == "b":
        # PyTorch: a 0-d mask indexes t.unsqueeze(0) with a 1-element mask (one copy of t, or none)
        return IndexBackward0.apply(unsqueeze(t, 0), index=(index._data.reshape(1),))
    index = _normalize(index)
    if any(_is_advanced(i) and not (isinstance(i, Tensor) and i.ndim == 0 and i.dtype.is_floating_point is False
                                    and i._data.dtype.kind != "b") for i in index):
        idx = tuple(_to_array_index(i, B.device_of(t._data)) for i in index)
        if any(B.is_array(i) and i.dtype.kind not in "iub" for i in idx):
            raise IndexError(errors._explain("tensors used as indices must be long, int, byte or bool tensors",
                                             "Index with integer positions (or a boolean mask), not floats."))
        _check_masks(t.shape, idx)
        try:
            return IndexBackward0.apply(t, index=idx)
        except IndexError as e:
            raise _in_pytorch_words(e) from None
    out, dim = t, 0
    n_real = sum(1 for i in index if i is not None and i is not Ellipsis)
    if n_real > t.ndim:
        raise IndexError(errors._explain(f"too many indices for tensor of dimension {t.ndim}",
                                         "Give at most one index per dimension of the tensor."))
    named = 0  # the dim PyTorch's messages name: one per index item, an ellipsis counting the dims it spans
    for i in index:
        if isinstance(i, Tensor):
            i = int(i.item())
        if i is None:
            out = unsqueeze(out, dim)
            dim += 1
            named += 1
        elif i is Ellipsis:
            dim += t.ndim - n_real
            named += t.ndim - n_real
        elif isinstance(i, slice):
            if not (whole and _covers(i, out.shape[dim])):
                out = _view(SliceBackward0, out, dim=dim, sl=i)
            dim += 1
            named += 1
        else:
            i = _check_bounds(out.shape, dim, int(i), named)
            named += 1
            out = _view(SelectBackward0, out, dim=dim, index=i)
    if out is t and not region:
        out = _view(AliasBackward0, t)
    return out


def setitem(t, index, value):
    """t[index] = value as PyTorch runs it: a copy_ into the view t[index] (CopySlices when a graph is
    involved), or index_put_ for an index of tensors and lists alone. A number is range-checked first."""
    value = scalars.assigned(value, t._data.dtype)
    try:
        if t._fw_grad is not None or getattr(value, "_fw_grad", None) is not None:
            from ..autograd.forward_ad import setitem_tangent
            setitem_tangent(t, index, value)
        return _setitem(t, index, value)
    except IndexError as e:
        if "axis" not in str(e):  # ours, in PyTorch's words already
            raise
        raise _in_pytorch_words(e) from None


def _setitem(t, index, value):
    _refuse_0d_index(t, index)
    raw = index
    index = tuple(_to_array_index(i, B.device_of(t._data)) for i in _normalize(index))
    if len(index) == 1:
        index = index[0]
    value_rg = isinstance(value, Tensor) and value._rg
    t._check_inplace(indexed=True, computed=False)
    if GradMode.enabled:
        if t._rg or value_rg:
            value_0d = not isinstance(value, Tensor) or not value.ndim  # PyTorch's copy_to fills from a 0-d value
            if _all_advanced(index):
                if value_rg:
                    value = _strip_leading_ones(value, always=False)
                return t._assign(IndexPutBackward0.apply(t._shallow_copy(), value, index=index, accumulate=False))
            if value_rg and value.ndim and tuple(value.shape) != t._data[index].shape:
                value = _strip_leading_ones(value, always=True)
                _check_fits(value.shape, t._data[index].shape)
            if any(B.is_array(i) for i in _normalize(index)):
                from .view_inplace import CopySlices, Index
                return t._assign(CopySlices.apply(t._shallow_copy(), value, region=Index(index)))
            region = getitem(t, raw, region=True)
            if region is t and value_0d and (not isinstance(value, Tensor) or value.dtype == t.dtype):
                return t._assign(FillBackward3.apply(t._shallow_copy(), value))  # PyTorch fills the whole tensor
            if value_rg and not value_0d and tuple(value.shape) != tuple(region.shape):
                value = value.expand(region.shape)  # as PyTorch's copy_to: view (above), then expand
            region._assign(CopyBackwards.apply(region._shallow_copy(), value))
            return t
    if isinstance(value, Tensor):
        _check_fits(value.shape, t._data[index].shape)
    t._data[index] = value._data if isinstance(value, Tensor) else value
    t._bump()
    return t


def _check_fits(shape, target):
    """PyTorch expands the value to the region it is written into; say so when it cannot."""
    if not expandable(tuple(s for s in shape), tuple(target)) and not _prefix_ones_fit(shape, target):
        raise errors.runtime(
            f"The expanded size of the tensor ({target[-1] if target else 1}) must match the existing size "
            f"({shape[-1]}) at non-singleton dimension {len(target) - 1}.  Target sizes: {list(target)}.  "
            f"Tensor sizes: {list(shape)}",
            "The value you assign must have the shape of the region you write into, or broadcast to it.")


def _prefix_ones_fit(shape, target):
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    return expandable(tuple(shape[k:]), tuple(target))


def _all_advanced(index):
    """Whether PyTorch writes with index_put on the tensor itself (no int or slice part makes a view first)."""
    parts = index if isinstance(index, tuple) else (index,)
    return any(B.is_array(i) for i in parts) and all(
        i is Ellipsis or (B.is_array(i) and (i.ndim > 0 or i.dtype.kind == "b")) for i in parts)


def _strip_leading_ones(value, always):
    """The value viewed without leading size-1 dims, as PyTorch's setitem views it (slicePrefix1sDims)."""
    shape = tuple(value.shape)
    k = 0
    while k < len(shape) and shape[k] == 1:
        k += 1
    if k == 0 and not always:
        return value
    return view(value, *shape[k:])


def select(t, dim, index):
    dim = errors.wrap_dim(dim, t.ndim)
    index = _check_bounds(t.shape, dim, index)
    return _view(SelectBackward0, t, dim=dim, index=index)


def narrow(t, dim, start, length):
    dim = errors.wrap_dim(dim, t.ndim)
    return _view(SliceBackward0, t, dim=dim, sl=slice(start, start + length))
