"""Reductions and the ops built on them (softmax, norms); the losses are in loss.py."""
import warnings

from .. import backend as B
from .. import errors
from ..cascade_sum import sum_as_pytorch
from ..dtypes import scalar_name
from ..node import Op
from ..tensor import Tensor
from .pointwise import DivBackward1, MaskedFillBackward0, MaskedFillBackward1, SgnBackward0, _float, zeros_like


def _dims(dim, ndim):
    """`dim` (None, int or sequence) as a sorted tuple of non-negative axes; a 0-d tensor's dim 0 / -1 is no axis."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, int) else tuple(dim)
    if not dims:
        return tuple(range(ndim))
    axes = [errors.wrap_dim(d, ndim) for d in dims]
    for i, d in enumerate(axes):
        if d in axes[:i]:
            raise errors.runtime(f"dim {d} appears multiple times in the list of dims",
                                 "Each dimension can be reduced once; list it once.")
    return tuple(sorted(axes)) if ndim else ()


def _unreduce(g, shape, dims, keepdim):
    """g, the gradient of a reduction over `dims`, broadcast back to the input's `shape`."""
    if not keepdim and len(shape):
        for d in dims:  # ascending, as PyTorch's unsqueeze_multiple
            g = g.unsqueeze(d)
    return g.expand(shape)


def _sum_dtype(a):
    return a.dtype if a.dtype.kind == "f" else B.int64


class SumBackward0(Op):
    args = ("self",)
    def forward(ctx, a):
        ctx.self_sym_sizes = a.shape
        return sum_as_pytorch(a, None, dtype=_sum_dtype(a))
    def backward(ctx, g):
        return (g.expand(ctx.self_sym_sizes),)


class SumBackward1(Op):
    args = ("self",)
    def forward(ctx, a, dim, keepdim):
        ctx.self_sym_sizes, ctx.dim, ctx.keepdim = a.shape, _dims(dim, a.ndim), keepdim
        return sum_as_pytorch(a, ctx.dim, keepdim, _sum_dtype(a))
    def backward(ctx, g):
        return (_unreduce(g, ctx.self_sym_sizes, ctx.dim, ctx.keepdim),)


class MeanBackward0(Op):
    args = ("self",)
    def forward(ctx, a):
        ctx.self_sym_sizes = a.shape
        return sum_as_pytorch(a, None) / a.size  # not a.mean(): NumPy warns on an empty tensor, PyTorch gives nan
    def backward(ctx, g):
        n = max(1, _numel(ctx.self_sym_sizes))
        return (DivBackward1.apply(g.expand(ctx.self_sym_sizes), other=n),)  # by a number, as PyTorch's formula


class MeanBackward1(Op):
    args = ("self",)
    def forward(ctx, a, dim, keepdim):
        ctx.self_sym_sizes, ctx.dim, ctx.keepdim = a.shape, _dims(dim, a.ndim), keepdim
        n = _numel([a.shape[d] for d in ctx.dim])
        return sum_as_pytorch(a, ctx.dim, keepdim) / n  # as MeanBackward0: no warning when n == 0
    def backward(ctx, g):
        n = 1
        for d in ctx.dim:
            n *= ctx.self_sym_sizes[d] if ctx.self_sym_sizes else 1
        return (DivBackward1.apply(_unreduce(g, ctx.self_sym_sizes, ctx.dim, ctx.keepdim), other=max(n, 1)),)


def _numel(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _extreme_all(name, pick):
    """max()/min() of all elements: the gradient is shared evenly among ties, as in PyTorch."""
    def forward(ctx, a):
        if a.size == 0:
            raise errors.runtime(f"{pick}(): Expected reduction dim to be specified for input.numel() == 0. "
                                 "Specify the reduction dim with the 'dim' argument.",
                                 f"An empty tensor has no {pick}imum; reduce along a dim, or check the tensor.")
        return getattr(a, pick)()

    def backward(ctx, g):
        a, r = ctx.saved_tensors
        mask = a != a if r._data != r._data else a == r  # evenly_distribute_backward: a NaN result came from the NaNs
        # PyTorch (CPU): zeros.masked_fill_(mask, grad / mask.sum()), so create_graph shows MaskedFillBackward1
        return (MaskedFillBackward1.apply(zeros_like(a), g / mask.sum(), mask=mask._data),)
    return type(name, (Op,), {"args": ("self",), "saves": ("self", "result"), "forward": forward,
                              "backward": backward, "__module__": __name__})


MaxBackward1 = _extreme_all("MaxBackward1", "max")
MinBackward1 = _extreme_all("MinBackward1", "min")


def _extreme_dim(name, arg):
    """max(dim)/min(dim): the gradient goes to the element each index picked."""
    def forward(ctx, a, dim, keepdim):
        xp = B.ns(a)
        d = dim % a.ndim if a.ndim else 0
        idx = getattr(xp, arg)(a, axis=d) if a.ndim else xp.asarray(0)
        idx_k = xp.expand_dims(idx, d) if a.ndim else idx
        ctx.indices = idx
        ctx.mask = xp.arange(a.shape[d] if a.ndim else 1).reshape((-1,) + (1,) * (a.ndim - d - 1)) == idx_k \
            if a.ndim else xp.asarray(True)
        ctx.dim, ctx.keepdim, ctx.self_sym_sizes = d, keepdim, a.shape
        vals = xp.take_along_axis(a, idx_k, axis=d) if a.ndim else a
        return vals if keepdim or not a.ndim else xp.squeeze(vals, axis=d)

    def backward(ctx, g):
        if not ctx.keepdim and ctx.self_sym_sizes:
            g = g.unsqueeze(ctx.dim)
        return (g * Tensor._make(ctx.mask),)
    return type(name, (Op,), {"args": ("self",), "forward": forward, "backward": backward,
                              "__module__": __name__})


MaxBackward0 = _extreme_dim("MaxBackward0", "argmax")
MinBackward0 = _extreme_dim("MinBackward0", "argmin")


class _ReturnType(tuple):
    _name = ""

    def __new__(cls, values, indices):
        return tuple.__new__(cls, (values, indices))

    values = property(lambda self: self[0])
    indices = property(lambda self: self[1])

    def __repr__(self):
        return f"torch.return_types.{self._name}(\nvalues={self[0]!r},\nindices={self[1]!r})"


class _ReturnTypes:
    max = type("max", (_ReturnType,), {"_name": "max", "__module__": "torch.return_types"})
    min = type("min", (_ReturnType,), {"_name": "min", "__module__": "torch.return_types"})


return_types = _ReturnTypes()


class NamedResult(tuple):
    """A torch.return_types tuple: its fields by name, printed one per line as PyTorch prints them."""
    _fields = ()

    def __new__(cls, *values):
        return tuple.__new__(cls, values)

    def __repr__(self):
        body = ",\n".join(f"{f}={v!r}" for f, v in zip(self._fields, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"


def result_type(name, fields):
    """A new torch.return_types.<name> with these fields (also set as an attribute of `return_types`)."""
    t = type(name, (NamedResult,), {"_fields": fields, "__module__": "torch.return_types",
                                    **{f: property(lambda self, i=i: self[i]) for i, f in enumerate(fields)}})
    setattr(return_types, name, t)
    return t


result_type("histogram", ("hist", "bin_edges"))


def extreme(t, which, dim=None, keepdim=False):
    if dim is None:
        return (MaxBackward1 if which == "max" else MinBackward1).apply(t)
    d = errors.wrap_dim(dim, t.ndim)
    if t.ndim and not t.shape[d]:
        raise errors.index(f"{which}(): Expected reduction dim {d} to have non-zero size.",
                           f"There is no {which}imum along a dim of size 0.")
    node = MaxBackward0 if which == "max" else MinBackward0
    values = node.apply(t, dim=dim, keepdim=keepdim)
    idx = values.grad_fn.indices if values.grad_fn is not None else _indices(t, which, dim, keepdim)
    if keepdim and t.ndim:
        idx = B.ns(idx).expand_dims(idx, dim % t.ndim)
    return getattr(return_types, which)(values, Tensor._make(B.asarray(idx, dtype=B.int64)))


def _indices(t, which, dim, keepdim):
    a = t._data
    xp = B.ns(a)
    return getattr(xp, "argmax" if which == "max" else "argmin")(a, axis=dim % a.ndim) if a.ndim else xp.asarray(0)


class LinalgVectorNormBackward0(Op):
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, ord, dim, keepdim):
        if a.dtype.kind not in "fc":
            raise errors.runtime("linalg.vector_norm: Expected a floating point or complex tensor as input. "
                                 f"Got {scalar_name(a.dtype)}", "A norm is taken of floats: `x.float().norm()`.")
        ctx.ord, ctx.dim, ctx.keepdim = ord, _dims(dim, a.ndim), keepdim
        xp = B.ns(a)
        absa = abs(a)
        if ord == float("inf"):
            return absa.max(axis=ctx.dim, keepdims=keepdim)
        if ord == -float("inf"):
            return absa.min(axis=ctx.dim, keepdims=keepdim)
        if ord == 2:
            return xp.sqrt((a * a).sum(axis=ctx.dim, keepdims=keepdim))
        if ord == 1:
            return absa.sum(axis=ctx.dim, keepdims=keepdim)
        if ord == 0:  # the number of nonzero elements
            return (a != 0).sum(axis=ctx.dim, keepdims=keepdim).astype(a.dtype)
        return (absa ** ord).sum(axis=ctx.dim, keepdims=keepdim) ** (1.0 / ord)
    def backward(ctx, g):
        a, r = ctx.saved_tensors
        if not ctx.keepdim and r.dim():  # as PyTorch: unsqueeze, and let broadcasting do the rest
            for d in sorted(ctx.dim):
                g, r = g.unsqueeze(d), r.unsqueeze(d)
        p = ctx.ord
        if p == 0:  # a count: PyTorch gives no gradient at all (x.grad stays None)
            return (None,)
        if p == 1:
            return (SgnBackward0.apply(a) * g,)
        if p == 2:  # a zero norm has a zero subgradient
            return (g * MaskedFillBackward0.apply(a / r, mask=(r == 0)._data, value=0.0),)
        if p in (float("inf"), -float("inf")):  # the places that gave the norm, or NaN
            absa = abs(a)
            mask = (absa == r).logical_or(absa != absa)
            return (SgnBackward0.apply(a) * ((g / mask.sum(ctx.dim, keepdim=True)) * mask),)
        # PyTorch's norm_backward for other p
        if p < 1:  # |x|^(p-1) is infinite at 0: those elements get no gradient
            absa = abs(a)
            return (SgnBackward0.apply(a) * MaskedFillBackward0.apply(absa ** (p - 1), mask=(a == 0)._data, value=0.0)
                    * g * r ** (1 - p),)
        scale = MaskedFillBackward0.apply(g / r ** (p - 1), mask=(r == 0)._data, value=0.0)
        scaled = a * abs(a) ** (p - 2) if p >= 2 else SgnBackward0.apply(a) * abs(a) ** (p - 1)
        return (scaled * scale,)


class SoftmaxBackward0(Op):
    args, saves = ("self",), ("result",)
    def forward(ctx, a, dim):
        a = _float(a)
        ctx.dim = dim = dim % a.ndim if a.ndim else None  # a 0-d tensor's dim 0 is the whole tensor
        if not a.size:  # nothing to normalise (NumPy's max refuses an empty axis)
            return a.copy()
        e = B.ns(a).exp(a - a.max(axis=dim, keepdims=True))
        return e / e.sum(axis=dim, keepdims=True)
    def backward(ctx, g):
        s, = ctx.saved_tensors
        return (SoftmaxBackwardDataBackward0.apply(g, s, dim=ctx.dim),)


class SoftmaxBackwardDataBackward0(Op):
    """_softmax_backward_data(grad_output, output, dim) = output·(grad_output − Σ grad_output·output)"""
    args = saves = ("grad_output", "output")
    def forward(ctx, g, y, dim):
        ctx.dim = dim
        return y * (g - (g * y).sum(axis=dim, keepdims=True))
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        d, need = ctx.dim, ctx.needs_input_grad
        gg_g = (SoftmaxBackwardDataBackward0.apply(gg, y, dim=d) if need[0] else None)
        gg_y = (gg * (g - (g * y).sum(d, keepdim=True)) - g * (gg * y).sum(d, keepdim=True) if need[1] else None)
        return gg_g, gg_y


class LogSoftmaxBackward0(Op):
    args, saves = ("self",), ("result",)
    def forward(ctx, a, dim):
        a = _float(a)
        ctx.dim = dim
        xp = B.ns(a)
        shifted = a - a.max(axis=dim, keepdims=True)
        return shifted - xp.log(xp.exp(shifted).sum(axis=dim, keepdims=True))
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return (LogSoftmaxBackwardDataBackward0.apply(g, r, dim=ctx.dim),)


class LogSoftmaxBackwardDataBackward0(Op):
    """_log_softmax_backward_data(grad_output, output, dim) = grad_output − exp(output)·Σ grad_output"""
    args = saves = ("grad_output", "output")
    def forward(ctx, g, y, dim):
        ctx.dim = dim
        return g - B.ns(y).exp(y) * g.sum(axis=dim, keepdims=True)
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        d, need = ctx.dim, ctx.needs_input_grad
        gg_g = (gg - (gg * y.exp()).sum(d, keepdim=True) if need[0] else None)
        gg_y = (-g.sum(d, keepdim=True) * y.exp() * gg if need[1] else None)
        return gg_g, gg_y


def sum(t, dim=None, keepdim=False, dtype=None):  # noqa: A001
    if dtype is not None:
        t = t.to(dtype)
    if dim is None:
        return SumBackward0.apply(t)
    return SumBackward1.apply(t, dim=dim, keepdim=keepdim)


def mean(t, dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        t = t.to(dtype)
    if t._data.dtype.kind != "f":
        raise errors.runtime(f"mean(): could not infer output dtype. Input dtype must be either a floating point "
                             f"or complex dtype. Got: {scalar_name(t.dtype)}",
                             "The mean of integers is a fraction: convert first, e.g. t.float().mean().")
    if dim is None:
        return MeanBackward0.apply(t)
    return MeanBackward1.apply(t, dim=dim, keepdim=keepdim)


def norm(t, p="fro", dim=None, keepdim=False, dtype=None):
    if dtype is not None:
        t = t.to(dtype)
    ord = 2 if p in ("fro", None) else p
    return LinalgVectorNormBackward0.apply(t, ord=ord, dim=dim, keepdim=keepdim)


def softmax(t, dim=None, dtype=None):
    if dtype is not None:
        t = t.to(dtype)
    return SoftmaxBackward0.apply(t, dim=_implicit_dim(t, dim))


def log_softmax(t, dim=None, dtype=None):
    if dtype is not None:
        t = t.to(dtype)
    return LogSoftmaxBackward0.apply(t, dim=_implicit_dim(t, dim))


def _implicit_dim(t, dim):
    if dim is not None:
        return errors.wrap_dim(dim, t.ndim)
    warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call to include dim=X as "
                  "an argument.", UserWarning, stacklevel=3)
    return 0 if t.ndim in (0, 1, 3) else 1
