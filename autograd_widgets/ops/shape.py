"""Ops that change the shape, not the values: views, concatenation, broadcasting."""
from .. import backend as B
from .. import dtypes
from .. import errors
from ..cascade_sum import sum_as_pytorch
from ..grad_mode import GradMode
from ..node import Op
from ..size_args import sizes, view_sizes
from ..tensor import Tensor
from .pointwise import CloneBackward0
from .reduce import SumBackward1


def _view(op, base, **params):
    """`op` (a view op's node class) applied to `base`, its result marked as a view of `base`'s root.

    A view shares data and one version counter with its root and remembers the steps that
    made it from the root, so that an in-place write through it can be recorded (CopySlices).
    """
    out = op.apply(base, **params)
    if out._data.base is not None or out._data is base._data:
        mark_view(out, base, (op, params), nograd=not GradMode.enabled)
    return out


def mark_view(out, base, step, nograd):
    """Make `out` a view of `base`'s root, one `step` (view op class, params) further along the chain.

    A view made without a graph (`nograd`) can never be regenerated, so its root does not keep it
    in its list of views (PyTorch forbids in-place ops through it where a graph is involved)."""
    root = base if base._base is None else base._base
    out._base = root
    out._vsrc = root if root._vsrc is None else root._vsrc
    out._chain = base._chain + (step,)
    if nograd:
        out._nograd_view = True
    elif not root._rg or root.grad_fn is not None:  # a leaf that requires grad never changes history
        root._add_view(out)


def _reshape_array(a, shape):
    if -1 in shape:
        if shape.count(-1) > 1:
            raise errors.runtime("only one dimension can be inferred",
                                 "At most one size may be -1 (meaning 'whatever makes the element count fit').")
        if not a.size and 0 in shape:
            raise errors.runtime(f"cannot reshape tensor of 0 elements into shape {list(shape)} because the "
                                 "unspecified dimension size -1 can be any value and is ambiguous",
                                 "With 0 elements any size fits the -1; give every size explicitly.")
    try:
        return a.reshape(shape)
    except ValueError:
        raise errors.runtime(f"shape '{list(shape)}' is invalid for input of size {a.size}",
                             "The new shape must hold exactly as many elements as the tensor has.") from None


class ViewBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    _views_gradient = True  # so a gradient the engine owns stays owned through it (engine.py)
    args = ("self",)
    def forward(ctx, a, shape):
        ctx.self_sym_sizes = a.shape
        return _reshape_array(a, shape)
    def backward(ctx, g):
        return (g.reshape(ctx.self_sym_sizes),)


class UnsafeViewBackward0(ViewBackward0):
    pass


class SqueezeBackward0(Op):
    """squeeze(): every dimension of size 1 removed; the gradient gets them back by unsqueeze."""
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    args = ("self",)
    def forward(ctx, a, dims):
        ctx.dims = tuple(sorted(d for d in dims if a.shape[d] == 1))
        return a.reshape(tuple(n for i, n in enumerate(a.shape) if i not in ctx.dims))
    def backward(ctx, g):
        for d in ctx.dims:
            g = g.unsqueeze(d)
        return (g,)


class SqueezeBackward1(SqueezeBackward0):
    """squeeze(dim)."""


class SqueezeBackward2(SqueezeBackward0):
    """squeeze(dims) with a tuple of dims."""


class SqueezeBackward4(SqueezeBackward0):
    """squeeze_(dim) in place, as matmul uses it on its own result."""


class ReshapeAliasBackward0(ViewBackward0):
    """reshape() of a non-contiguous tensor that can still be a view (no copy)."""


class UnsqueezeBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    args = ("self",)
    def forward(ctx, a, dim):
        ctx.dim = dim
        return B.ns(a).expand_dims(a, dim)
    def backward(ctx, g):
        return (g.squeeze(ctx.dim),)


class TBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    _views_gradient = True  # so a gradient the engine owns stays owned through it (engine.py)
    args = ("self",)
    def forward(ctx, a):
        return a.T
    def backward(ctx, g):
        return (g.t(),)


class TransposeBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    _views_gradient = True  # so a gradient the engine owns stays owned through it (engine.py)
    args = ("self",)
    def forward(ctx, a, dim0, dim1):
        ctx.dim0, ctx.dim1 = dim0, dim1
        return B.ns(a).swapaxes(a, dim0, dim1) if a.ndim else a[...]  # a 0-d tensor's dims 0 and -1: itself
    def backward(ctx, g):
        return (g.transpose(ctx.dim0, ctx.dim1),)


class PermuteBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    _views_gradient = True  # so a gradient the engine owns stays owned through it (engine.py)
    args = ("self",)
    def forward(ctx, a, dims):
        ctx.dims = tuple(d % a.ndim for d in dims)
        return a.transpose(ctx.dims)
    def backward(ctx, g):
        inverse = [0] * len(ctx.dims)
        for i, d in enumerate(ctx.dims):
            inverse[d] = i
        return (g.permute(*inverse),)


class ExpandBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    args = ("self",)
    def forward(ctx, a, shape):
        ctx.self_sym_sizes = a.shape
        if len(shape) < a.ndim:
            raise errors.runtime(
                f"expand(torch.{dtypes.of_array(a)._legacy}{{{list(a.shape)}}}, size={list(shape)}): the number of "
                f"sizes provided ({len(shape)}) must be greater or equal to the number of dimensions in the tensor "
                f"({a.ndim})", "expand can add leading dimensions, never remove them.")
        shape = tuple(a.shape[i - (len(shape) - a.ndim)] if s == -1 else s for i, s in enumerate(shape))
        lead = len(shape) - a.ndim
        for d in reversed(range(a.ndim)):  # PyTorch checks from the last dim
            if a.shape[d] != 1 and a.shape[d] != shape[lead + d]:
                raise errors.runtime(
                    f"The expanded size of the tensor ({shape[lead + d]}) must match the existing size ({a.shape[d]}) "
                    f"at non-singleton dimension {lead + d}.  Target sizes: {list(shape)}.  Tensor sizes: "
                    f"{list(a.shape)}", "Only dimensions of size 1 can be expanded.")
        return B.expand(a, shape)
    def backward(ctx, g):
        return (sum_to(g, ctx.self_sym_sizes),)


class AliasBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    args = ("self",)
    def forward(ctx, a):
        return a[...]
    def backward(ctx, g):
        return (g,)


class Identity(AliasBackward0):
    """The primal of `forward_ad.unpack_dual`: an alias (PyTorch's node prints as <Identity>)."""


def _promoted(ctx, arrays):
    """The inputs of cat/stack in their common dtype; each input's own dtype is kept for its gradient."""
    dt = dtypes.result_type(*arrays)
    ctx.dtypes = [None if a.dtype == dt else dtypes.of_array(a) for a in arrays]
    return [a if a.dtype == dt else a.astype(dt) for a in arrays]


def _as_inputs(ctx, grads):
    """Each input's gradient in that input's dtype (PyTorch's cat/stack_tensors_backward: a .to() where needed)."""
    return tuple(g if d is None else g.to(d) for g, d in zip(grads, ctx.dtypes))


class StackBackward0(Op):
    args = None  # one edge per stacked tensor
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        return B.ns(arrays[0]).stack(_promoted(ctx, arrays), axis=dim)
    def backward(ctx, g):
        return _as_inputs(ctx, [g.select(ctx.dim, i) for i in range(len(ctx.next_functions))])


class CatBackward0(Op):
    args = None  # one edge per concatenated tensor
    def forward(ctx, *arrays, dim):
        ctx.dim = dim
        # None: a 1-D empty input, skipped as PyTorch skips it
        ctx.sizes = [None if a.ndim == 1 and not a.size else a.shape[dim] for a in arrays]
        arrays = _promoted(ctx, arrays)
        kept = [a for a, n in zip(arrays, ctx.sizes) if n is not None]
        return B.ns(arrays[0]).concatenate(kept or arrays, axis=dim)
    def backward(ctx, g):
        out, start = [], 0
        for n in ctx.sizes:
            if n is None:
                out.append(g.new_zeros(0))
                continue
            out.append(g.narrow(ctx.dim, start, n))
            start += n
        return _as_inputs(ctx, out)


_LEADING = tuple(tuple(range(k)) for k in range(8))


def sum_to(g, shape):
    """g summed over the dimensions along which `shape` was broadcast to g's shape: at::sum_to, adding in
    PyTorch's order (a hand-written bias gradient `dh.sum(0)` equals `b.grad` bit for bit, as there)."""
    shape = tuple(shape)
    a = g._data
    if a.shape == shape:
        return g
    if not shape:  # as PyTorch's sum_to: one SumBackward0 for a 0-d target
        return g.sum()
    lead = a.ndim - len(shape)
    dims = _LEADING[lead] if lead < 8 else tuple(range(lead))
    if a.shape[lead:] != shape:  # (a bias's gradient: only leading dims to sum)
        dims += tuple(lead + i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    if dims:
        if GradMode.enabled or a.dtype.kind != "f":
            g = SumBackward1.apply(g, dim=dims, keepdim=True)
        else:  # no graph to record (a backward without create_graph): the same arithmetic, without the op
            g = Tensor._make(sum_as_pytorch(a, dims, True, a.dtype))
    return _view(ViewBackward0, g, shape=shape) if lead else g  # g.view(shape): g is contiguous, shape fits


def expandable(shape, to):
    """Whether `shape` broadcasts to `to` (PyTorch's is_expandable_to)."""
    if len(shape) > len(to):
        return False
    return all(s == t or s == 1 for s, t in zip(reversed(shape), reversed(to)))


# --- public functions -------------------------------------------------------------------
def _contiguous(a):
    return getattr(a, "flags", None) is None or a.flags.c_contiguous or a.size <= 1


def _viewable(a, shape):
    """Whether `a` can take `shape` without copying (NumPy's reshape copies only when it must)."""
    return B.ns(a).may_share_memory(_reshape_array(a, shape), a)


def view(t, *shape):
    shape = view_sizes(shape)
    a = t._data
    if not _contiguous(a) and not _viewable(a, shape):
        raise errors.runtime(
            "view size is not compatible with input tensor's size and stride (at least one dimension spans "
            "across two contiguous subspaces). Use .reshape(...) instead.",
            "view() never copies, and this tensor's elements are not laid out in the order the new shape "
            "needs; reshape() copies when it must.")
    return _view(ViewBackward0, t, shape=shape)


def reshape(t, *shape):
    """A view when the layout allows (ViewBackward0, or ReshapeAliasBackward0 if not contiguous), else a copy."""
    shape = sizes("reshape", shape, "shape")
    a = t._data
    if _contiguous(a):
        return _view(ViewBackward0, t, shape=shape)
    if _viewable(a, shape):
        return _view(ReshapeAliasBackward0, t, shape=shape)
    return UnsafeViewBackward0.apply(CloneBackward0_apply(t), shape=shape)


def torch_reshape(input, shape):
    """torch.reshape(input, shape): unlike the method, the shape is one argument, PyTorch's argument 2."""
    return reshape(input, *sizes("reshape", (shape,), "shape", position=2, varargs=False))


def torch_permute(input, dims):
    """torch.permute(input, dims): unlike the method, the dims are one argument, PyTorch's argument 2."""
    return permute(input, *sizes("permute", (dims,), "dims", position=2, varargs=False))


torch_reshape.__name__ = torch_reshape.__qualname__ = "reshape"  # Python's TypeError for a wrong call names it
torch_permute.__name__ = torch_permute.__qualname__ = "permute"


def CloneBackward0_apply(t):
    return CloneBackward0.apply(t)


def flatten(t, start_dim=0, end_dim=-1):
    if t.ndim <= 1:
        return t if t.ndim == 1 else reshape(t, 1)
    s, e = errors.wrap_dim(start_dim, t.ndim), errors.wrap_dim(end_dim, t.ndim)
    if s == e:
        return t
    shape = t.shape[:s] + (-1,) + t.shape[e + 1:]
    return reshape(t, *shape)


def squeeze(t, dim=None):
    nd = t.ndim
    if dim is None:
        return _view(SqueezeBackward0, t, dims=tuple(range(nd)))
    dims = {errors.wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, int) else dim)}
    dims = dims if nd else set()
    node = SqueezeBackward1 if isinstance(dim, int) else SqueezeBackward2
    return _view(node, t, dims=tuple(dims))


def unsqueeze(t, dim):
    return _view(UnsqueezeBackward0, t, dim=errors.wrap_dim(dim, t.ndim + 1))


def t_(t):
    return transposed(t, TBackward0, "t", _view)


def transpose(t, dim0, dim1):
    return swapped(t, dim0, dim1, TransposeBackward0, _view)


def transposed(t, op, name, make):
    """t.t() made by `make(op, t)` (`_view`, or t_'s in place: ops/shape_inplace.py), refused past 2 dims."""
    if t.ndim > 2:
        raise errors.runtime(f"{name}() expects a tensor with <= 2 dimensions, but self is {t.ndim}D",
                             f"Use transpose{name[1:]}(dim0, dim1) or permute(...) for tensors with more dimensions.")
    return make(op, t)


def swapped(t, dim0, dim1, op, make):
    """t.transpose(dim0, dim1) made by `make` (as `transposed`)."""
    dim0, dim1 = errors.wrap_dim(dim0, t.ndim), errors.wrap_dim(dim1, t.ndim)
    return make(op, t, dim0=dim0, dim1=dim1)


def permute(t, *dims):
    dims = sizes("permute", dims, "dims")
    if len(dims) != t.ndim:
        raise errors.runtime(f"permute(sparse_coo): number of dimensions in the tensor input does not match the "
                             f"length of the desired ordering of dimensions i.e. input.dim() = {t.ndim} is not "
                             f"equal to len(dims) = {len(dims)}", "Give one position for every dimension.")
    dims = tuple(errors.wrap_dim(d, t.ndim) for d in dims)
    if len(set(dims)) != len(dims):
        raise errors.runtime("permute(): duplicate dims are not allowed.", "Name each dimension exactly once.")
    return _view(PermuteBackward0, t, dims=dims)


def T(t):
    return _view(PermuteBackward0, t, dims=tuple(reversed(range(t.ndim))))


def expand(t, *shape):
    shape = sizes("expand", shape)
    for i in range(len(shape) - t.ndim):
        if shape[i] == -1:
            raise errors.runtime(f"The expanded size of the tensor (-1) isn't allowed in a leading, non-existing "
                                 f"dimension {i}", "-1 means 'keep this dimension's size', and a new leading "
                                 "dimension has no size to keep: give its size.")
    return _view(ExpandBackward0, t, shape=shape)


def stack(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise errors.runtime("stack expects a non-empty TensorList", "Pass at least one tensor.")
    shapes = {tuple(x.shape) for x in tensors}
    if len(shapes) > 1:
        raise errors.runtime(f"stack expects each tensor to be equal size, but got {list(tensors[0].shape)} at entry 0 "
                             f"and {list(next(x.shape for x in tensors if tuple(x.shape) != tuple(tensors[0].shape)))}"
                             f" at entry {next(i for i, x in enumerate(tensors) if tuple(x.shape) != tuple(tensors[0].shape))}",
                             "All tensors you stack must have the same shape.")
    dim = errors.wrap_dim(dim, tensors[0].ndim + 1)
    return StackBackward0.apply(*tensors, dim=dim)


def cat(tensors, dim=0):
    tensors = list(tensors)
    if not tensors:
        raise errors.value("torch.cat(): expected a non-empty list of Tensors", "Pass at least one tensor.")
    # PyTorch skips 1-D empty tensors whatever the others' rank (they still get a gradient, of size 0)
    for i, x in enumerate(tensors):
        if not x.ndim:
            raise errors.runtime(f"zero-dimensional tensor (at position {i}) cannot be concatenated",
                                 "cat joins along an existing dim; use torch.stack for single numbers.")
    shaped = [x for x in tensors if not (x.ndim == 1 and x.numel() == 0)] or tensors
    dim = errors.wrap_dim(dim, shaped[0].ndim)
    first = shaped[0].shape
    for i, x in enumerate(tensors):
        if x.ndim == 1 and not x.numel():
            continue
        if x.ndim != len(first):
            raise errors.runtime(f"Tensors must have same number of dimensions: got {len(first)} and {x.ndim}",
                                 "cat joins tensors along one existing dimension; give them all the same rank.")
        for d, (m, n) in enumerate(zip(first, x.shape)):
            if d != dim and m != n:
                raise errors.runtime(f"Sizes of tensors must match except in dimension {dim}. Expected size {m} but "
                                     f"got size {n} for tensor number {i} in the list.",
                                     "Every dimension except the one you concatenate along must agree.")
    return CatBackward0.apply(*tensors, dim=dim)


def hstack(tensors):
    """Along dim 1, or dim 0 for 1-D tensors (a 0-dim one taken as 1-D)."""
    tensors = [x.reshape(1) if x.ndim == 0 else x for x in tensors]
    return cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Along dim 0, 1-D tensors first made rows (atleast_2d: unsqueeze(0))."""
    return cat([x.reshape(1, -1) if x.ndim == 0 else x.unsqueeze(0) if x.ndim == 1 else x for x in tensors], 0)
