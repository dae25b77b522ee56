"""Tensor methods and torch functions for the forms tutorials write (issue 9): new ops, the in-place
form of every one-variable op, comparisons, clamp, statistics, `Tensor.type()`.

Kept apart from methods.py so each list reads as one family; `bind()` puts them on Tensor.
"""
from . import creation, errors
from . import dtypes
from .node import Op, _OutputRef
from .size_args import keyword_size, sizes
from .ops import (clamp as C, compare as Q, division as D, masks as M, order as O, pointwise as P, products as X,
                  scatter as SC, shape as SH, statistics as S, unary as U)
from .tensor import Tensor

# One-variable ops: name -> function of the tensor (each also gets its in-place form `name_`).
UNARY = {
    "sin": P.SinBackward0.apply, "cos": P.CosBackward0.apply, "exp": P.ExpBackward0.apply,
    "log": P.LogBackward0.apply, "sqrt": P.SqrtBackward0.apply, "tanh": P.TanhBackward0.apply,
    "sigmoid": P.SigmoidBackward0.apply, "relu": P.ReluBackward0.apply, "abs": P.AbsBackward0.apply,
    "neg": P.NegBackward0.apply, "reciprocal": P.ReciprocalBackward0.apply, "sign": P.SignBackward0.apply,
    "sgn": P.SgnBackward0.apply, "square": U.square, "log1p": U.Log1PBackward0.apply,
    "expm1": U.Expm1Backward0.apply, "exp2": U.Exp2Backward0.apply, "log2": U.Log2Backward0.apply,
    "log10": U.Log10Backward0.apply, "erf": U.ErfBackward0.apply, "floor": U.FloorBackward0.apply,
    "ceil": U.CeilBackward0.apply, "trunc": U.TruncBackward0.apply, "frac": U.FracBackward0.apply,
    "tan": U.TanBackward0.apply, "rsqrt": U.RsqrtBackward0.apply, "asin": U.AsinBackward0.apply,
    "acos": U.AcosBackward0.apply, "atan": U.AtanBackward0.apply, "sinh": U.SinhBackward0.apply,
    "cosh": U.CoshBackward0.apply,
}
ALIASES = {"arcsin": "asin", "arccos": "acos", "arctan": "atan", "negative": "neg", "absolute": "abs", "fix": "trunc"}

# Ops with more arguments: name -> function(input, ...), also a method.
FUNCTIONS = {
    "round": U.round, "clamp": C.clamp, "clip": C.clip, "clamp_min": C.clamp_min, "clamp_max": C.clamp_max,
    "maximum": Q.maximum, "minimum": Q.minimum, "var": S.var, "std": S.std, "prod": S.prod,
    "logsumexp": S.logsumexp, "cumsum": S.cumsum, "flip": S.flip, "sort": O.sort, "argsort": O.argsort,
    "topk": O.topk, "gather": O.gather, "outer": X.outer, "ger": X.ger,
    "eq": Q.eq, "ne": Q.ne, "gt": Q.gt, "ge": Q.ge, "lt": Q.lt, "le": Q.le, "greater": Q.greater,
    "greater_equal": Q.greater_equal, "less": Q.less, "less_equal": Q.less_equal, "not_equal": Q.not_equal,
    "logical_and": Q.logical_and, "logical_or": Q.logical_or, "logical_xor": Q.logical_xor,
    "logical_not": Q.logical_not, "isclose": Q.isclose, "allclose": Q.allclose, "equal": Q.equal,
    "div": D.div, "divide": D.div, "floor_divide": D.floor_divide, "remainder": D.remainder, "fmod": D.fmod,
    "scatter": SC.scatter, "masked_fill": M.masked_fill, "masked_select": M.masked_select, "tril": M.tril,
    "triu": M.triu, "index_select": M.index_select, "index_fill": M.index_fill, "any": Q.any, "all": Q.all,
    "count_nonzero": Q.count_nonzero, "nonzero": Q.nonzero, "argwhere": Q.argwhere, "isnan": Q.isnan,
    "isinf": Q.isinf, "isfinite": Q.isfinite, "unique": Q.unique,
}
# torch-level functions only (no Tensor method)
TORCH_ONLY = {"concat": SH.cat, "concatenate": SH.cat, "hstack": SH.hstack, "vstack": SH.vstack}
IN_PLACE = ("round", "clamp", "clip", "clamp_min", "clamp_max", "floor_divide", "remainder", "fmod",
            "scatter", "masked_fill", "index_fill", "tril", "triu")
IN_PLACE_FORMS = {**C.IN_PLACE_FORMS, "index_fill": M.index_fill_in_place}  # with their own checks or words
COMPARISONS = ("eq", "ne", "gt", "ge", "lt", "le", "greater", "greater_equal", "less", "less_equal", "not_equal")


def _rebind_saved(t, node):
    """Save what PyTorch saves for `t.op_()`: the result is `t` itself (so changing `t` in place again is
    detected). The old self is already `original_self`, the clone Tensor._inplace hands the op."""
    saved, versions = list(node._saved), list(node._versions)
    for i, s in enumerate(saved):
        if type(s) is _OutputRef:
            saved[i], versions[i] = _OutputRef(t), t._version
    node._saved, node._versions = tuple(saved), tuple(versions)


def in_place(fn):
    """The in-place form `t.fn_(...)`: the value and the graph (fn's node over t's old history) as PyTorch."""
    def method(self, *args, **kwargs):
        before = self.grad_fn
        self._inplace(lambda t, *a: fn(t, *a, **kwargs), *args)
        node = self.grad_fn
        if node is not None and node is not before and node._saved:
            _rebind_saved(self, node)
        return self
    return method


def _zero_grad_node(name, args):
    """What a comparison done in place leaves on a tensor that requires grad: a node with zero gradient."""

    def forward(ctx, a, *other, compare):
        return compare(Tensor._make(a), Tensor._make(other[0]) if other else None)._data.astype(a.dtype)

    def backward(ctx, g):
        return (P.zeros_like(g),) + (None,) * (len(args) - 1)
    return type(name, (Op,), {"args": args, "forward": forward, "backward": backward, "__module__": __name__})


_COMPARISON_NODES = {}


def _comparison_in_place(name):
    compare = FUNCTIONS[name]
    base = {"greater": "gt", "greater_equal": "ge", "less": "lt", "less_equal": "le", "not_equal": "ne"}.get(name, name)

    def op(t, other):
        kind = 1 if isinstance(other, Tensor) else 0  # GtBackward0: a number; GtBackward1: a tensor
        key = f"{base.capitalize()}Backward{kind}"
        node = _COMPARISON_NODES.get(key)
        if node is None:
            node = _COMPARISON_NODES[key] = _zero_grad_node(key, ("self", "other") if kind else ("self",))
        if kind:
            return node.apply(t, other, compare=compare)
        return node.apply(t, compare=lambda a, _: compare(a, other))
    return in_place(op)


def type_(self, dtype=None, non_blocking=False, **kwargs):
    """Without an argument, the legacy type name ('torch.FloatTensor'); with a dtype or type name, a conversion."""
    if dtype is None:
        return f"torch.{self.dtype._legacy}"
    if isinstance(dtype, str) or callable(dtype) and not isinstance(dtype, dtypes.dtype):
        name = dtype if isinstance(dtype, str) else f"torch.{dtype.__name__}"
        target = next((d for d in dtypes.ALL if f"torch.{d._legacy}" == name), None)
        if target is None:
            raise ValueError(f"invalid type: '{name}'")
        dtype = target
    return self.to(dtype)


def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False, layout=None, pin_memory=False,
             name="new_full"):
    """A new leaf filled with fill_value, of self's dtype and device unless told otherwise (Tensor.new_full)."""
    return creation.full(sizes(name, (size,), varargs=False), fill_value, dtype=dtype or self.dtype,
                         device=device or self.device, requires_grad=requires_grad)


def _new(fill, name):
    """Tensor.new_zeros / new_ones / new_empty: new_full with a fixed value; the size as numbers or a tuple."""
    def method(self, *size, **kwargs):
        size = keyword_size(name, kwargs.pop("size")) if "size" in kwargs else sizes(name, size)
        return new_full(self, size, fill, name=name, **kwargs)
    return method


def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
    return creation.tensor(data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad)


def bind():
    for name, fn in UNARY.items():
        if not hasattr(Tensor, name):
            setattr(Tensor, name, _method_of(fn, name))
        setattr(Tensor, name + "_", in_place(fn))
    for alias, name in ALIASES.items():
        setattr(Tensor, alias, getattr(Tensor, name))
        setattr(Tensor, alias + "_", getattr(Tensor, name + "_"))
    for name, fn in FUNCTIONS.items():
        setattr(Tensor, name, fn)
    for name in IN_PLACE:
        setattr(Tensor, name + "_", in_place(IN_PLACE_FORMS.get(name, FUNCTIONS[name])))
    Tensor.index_fill = M.index_fill_method  # its TypeError words differ from torch.index_fill's
    for name in COMPARISONS:
        setattr(Tensor, name + "_", _comparison_in_place(name))
    for name in ("logical_and", "logical_or", "logical_xor"):
        setattr(Tensor, name + "_", _logical_in_place(FUNCTIONS[name]))
    Tensor.logical_not_ = _logical_in_place(lambda t, *a: Q.logical_not(t))
    Tensor.type = type_
    Tensor.new_zeros, Tensor.new_ones, Tensor.new_empty, Tensor.new_full = _new(0, "new_zeros"), _new(1, "new_ones"), \
        _new(0, "new_empty"), new_full
    Tensor.new_tensor = new_tensor
    Tensor.pow_ = in_place(P.pow)
    Tensor.__floordiv__, Tensor.__mod__ = D.floor_divide, D.remainder
    Tensor.__rfloordiv__ = lambda self, other: D.floor_divide(other, self)
    Tensor.__rmod__ = lambda self, other: D.remainder(other, self)
    Tensor.__ifloordiv__, Tensor.__imod__ = Tensor.floor_divide_, Tensor.remainder_
    Tensor.repeat = M.repeat
    # div_ keeps methods.py's in-place form (Tensor._inplace hands the op a clone of self already), now with
    # rounding_mode=; in_place's re-saving would add a second CloneBackward0 PyTorch lacks
    Tensor.div_ = Tensor.divide_ = lambda self, other, **kw: self._inplace(lambda t, o: D.div(t, o, **kw), other)
    Tensor.contiguous, Tensor.is_contiguous = contiguous, lambda self, memory_format=None: self._data.flags.c_contiguous
    for name, dtype in (("half", dtypes.float16), ("short", dtypes.int16), ("char", dtypes.int8), ("byte", dtypes.uint8)):
        setattr(Tensor, name, lambda self, memory_format=None, _dtype=dtype: self.to(_dtype))


def contiguous(self, memory_format=None):
    """self when its elements lie in row-major order already, else a row-major copy (CloneBackward0)."""
    return self if self._data.flags.c_contiguous else P.CloneBackward0.apply(self)


def _logical_in_place(fn):
    def method(self, *args):
        self._check_inplace()
        self._data[...] = fn(self, *args)._data
        self._bump()
        return self
    return method


def _method_of(fn, name):
    def method(self, *args, **kwargs):  # PyTorch's words for x.sin(out=y), not Python's
        if args or kwargs:
            raise errors.no_arguments(name, args, kwargs)
        return fn(self)
    method.__name__ = name
    return method


def _function(method, name):
    """torch.<name>(input, ...) running Tensor.<name>, as PyTorch's functions take `input` first."""
    def function(input, *args, **kwargs):
        return method(input, *args, **kwargs)
    function.__name__ = function.__qualname__ = name
    return function


def torch_functions():
    """The torch-level names: every function above, the aliases and the in-place `torch.sin_` forms."""
    names = dict(FUNCTIONS, **TORCH_ONLY)
    for name in list(UNARY) + list(ALIASES):
        names[name] = _function(getattr(Tensor, name), name)
        names[name + "_"] = _function(getattr(Tensor, name + "_"), name + "_")
    for name in IN_PLACE:
        names[name + "_"] = _function(getattr(Tensor, name + "_"), name + "_")
    return names
