"""Tensor methods and operators: each is one line that calls the op that defines it."""
import warnings

from . import backend as B
from . import dtypes, errors
from .post_accumulate import register_post_accumulate_grad_hook
from .size_args import sizes
from .ops import compare as Q, indexing, linalg, pointwise as P, reduce as R, shape as S, split
from .ops import shape_inplace as SI
from .ops.diagonal import fill_diagonal_
from .ops.unfold import unfold
from .node import entry_point
from .tensor import Tensor
from .transfer import target_device


def _operator(fn, op=None):
    """`tensor <op> other`: a list or tuple is no operand (as PyTorch, Python then raises its own TypeError).
    With `op`, the node class `fn` runs: the operator is op's recorder itself for a tensor or a Python int
    or float (the hot path of arithmetic: no call between), which hands any other operand to `fn`'s checks."""
    def method(self, other):
        if isinstance(other, (list, tuple)):
            return NotImplemented
        return fn(self, other)
    return entry_point(op, method) if op is not None else method


def _matmul_operator(reflected):
    """`tensor @ other` (or `other @ tensor`): anything but a tensor is no operand, so Python raises its TypeError
    (PyTorch's operator turns matmul's TypeError into NotImplemented)."""
    def method(self, other):
        if not isinstance(other, Tensor):
            return NotImplemented
        return linalg.matmul(other, self) if reflected else linalg.matmul(self, other)
    return method


def _product(fn, name, second):
    """Tensor.<name>(other): the product `fn`, with PyTorch's TypeError when `other` (named `second`) is no tensor."""
    def method(self, other):
        if not isinstance(other, Tensor):
            raise errors.not_tensor(name, second, other, 1)
        return fn(self, other)
    method.__name__ = name
    return method


def _rsub(self, other):
    return P.rsub(self, other)


def _rtruediv(self, other):
    if isinstance(other, Tensor):
        return P.div(other, self)
    return P.rdiv(self, other)


def _rpow(self, base):
    return P.pow(base, self)


def _compare(fn):
    """`tensor <cmp> other` as _operator, and None or a string is no operand either: PyTorch's == then gives
    False, its < Python's TypeError."""
    operator = _operator(fn)

    def method(self, other):
        return NotImplemented if other is None or isinstance(other, str) else operator(self, other)
    return method


def to_args(args, dtype=None, device=None):
    """(dtype, device) from `.to(...)`'s positional forms: to(dtype), to(device), to(tensor), to(device, dtype)."""
    for a in args:
        if isinstance(a, dtypes.dtype):
            dtype = a
        elif isinstance(a, Tensor):
            dtype, device = a.dtype, a.device
        else:
            device = a
    return dtype, device


def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
    """A tensor of another dtype or on another device (one ToCopyBackward0 keeps the graph), else self."""
    dtype, device = to_args(args, dtype, device)
    if device is not None:
        device = target_device(self, device)
    if dtype is self.dtype:
        dtype = None
    if dtype is not None or device is not None:
        return P.ToCopyBackward0.apply(self, dtype=dtype, device=device)
    return P.ToCopyBackward0.apply(self) if copy else self


def _max(self, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return P.MaximumBackward0.apply(self, dim)
    return R.extreme(self, "max", dim, keepdim)


def _min(self, dim=None, keepdim=False):
    if isinstance(dim, Tensor):
        return P.MinimumBackward0.apply(self, dim)
    return R.extreme(self, "min", dim, keepdim)


def _m(op):
    """A method running the one-input op class `op` on self: its recorder itself (it takes no keywords: none to
    translate), which hands any call with arguments to `checked`."""
    def checked(self, *args, **kwargs):  # not def method(self): Python's TypeError would not be PyTorch's
        if args or kwargs:
            raise errors.no_arguments(method.__name__, args, kwargs)
        return op.apply(self)
    method = entry_point(op, checked, 1)
    method.op, method.pytorch_keywords = op, ("self",)
    return method


def _inplace(op):
    def method(self, *args, **kwargs):
        return self._inplace(lambda t, *a: op(t, *a, **kwargs), *args)
    return method


def _argmax(which):
    def method(self, dim=None, keepdim=False):
        a = self._data
        xp = B.ns(a)
        if not a.size and (dim is None or a.ndim):
            d = "" if dim is None else f" {errors.wrap_dim(dim, a.ndim)}"
            raise errors.index(f"{which}(): Expected reduction dim{d} to "
                               + ("be specified for input.numel() == 0." if dim is None else "have non-zero size."),
                               "An empty tensor has no largest or smallest element.")
        if dim is None:
            return Tensor._make(xp.asarray(getattr(xp, which)(a)))
        return Tensor._make(xp.asarray(getattr(xp, which)(a, axis=dim, keepdims=keepdim)))
    return method


_METHODS = {
    # arithmetic
    "__add__": _operator(P.add, P.AddBackward0), "__radd__": _operator(P.add, P.AddBackward0), "add": P.add,
    "__sub__": _operator(P.sub, P.SubBackward0),
    "sub": P.sub, "__rsub__": _operator(_rsub), "__mul__": _operator(P.mul, P.MulBackward0),
    "__rmul__": _operator(P.mul, P.MulBackward0),
    "mul": P.mul, "__truediv__": _operator(P.div, P.DivBackward0), "__rtruediv__": _operator(_rtruediv),
    "__pow__": _operator(P.pow), "pow": P.pow, "__rpow__": _operator(_rpow), "__neg__": _m(P.NegBackward0),
    "neg": _m(P.NegBackward0), "__abs__": _m(P.AbsBackward0), "abs": _m(P.AbsBackward0),
    "__matmul__": _matmul_operator(False), "matmul": _product(linalg.matmul, "matmul", "other"),
    "__rmatmul__": _matmul_operator(True), "mm": _product(linalg.mm, "mm", "mat2"),
    "mv": _product(linalg.mv, "mv", "vec"), "dot": _product(linalg.dot, "dot", "tensor"),
    "bmm": _product(linalg.bmm, "bmm", "mat2"), "reciprocal": _m(P.ReciprocalBackward0),
    "multiply": P.mul, "subtract": P.sub, "true_divide": P.div,
    "where": lambda s, condition, other: P.where(condition, s, other),
    # functions of one variable
    "exp": _m(P.ExpBackward0), "log": _m(P.LogBackward0), "sin": _m(P.SinBackward0),
    "cos": _m(P.CosBackward0), "tanh": _m(P.TanhBackward0), "sigmoid": _m(P.SigmoidBackward0),
    "relu": _m(P.ReluBackward0), "sqrt": _m(P.SqrtBackward0), "clone": lambda s, memory_format=None:
    P.CloneBackward0.apply(s), "sign": _m(P.SignBackward0), "sgn": _m(P.SgnBackward0),
    # reductions
    "sum": R.sum, "mean": R.mean, "max": _max, "min": _min, "norm": R.norm, "softmax": R.softmax,
    "log_softmax": R.log_softmax, "argmax": _argmax("argmax"), "argmin": _argmax("argmin"),
    # shape
    "view": S.view, "reshape": S.reshape, "squeeze": S.squeeze, "unsqueeze": S.unsqueeze, "flatten": S.flatten,
    "t": S.t_, "transpose": S.transpose, "permute": S.permute, "expand": S.expand, "sum_to_size": lambda s, *sh:
    S.sum_to(s, sizes("sum_to_size", sh)), "view_as": lambda s, o: S.view(s, *o.shape),
    "reshape_as": lambda s, o: S.reshape(s, *o.shape), "expand_as": lambda s, o: S.expand(s, *o.shape),
    "select": indexing.select, "narrow": indexing.narrow, "__getitem__": indexing.getitem, "unfold": unfold,
    "fill_diagonal_": fill_diagonal_,
    # dtype
    "to": to, "float": lambda s: to(s, dtypes.float32), "double": lambda s: to(s, dtypes.float64),
    "long": lambda s: to(s, dtypes.int64), "bool": lambda s: to(s, dtypes.bool),
    "int": lambda s: to(s, dtypes.int32), "type_as": lambda s, o: to(s, o.dtype),
    # comparisons (no gradient; the named forms and their in-place forms are in methods_forms.py)
    "__lt__": _compare(Q.lt), "__le__": _compare(Q.le), "__gt__": _compare(Q.gt),
    "__ge__": _compare(Q.ge), "__eq__": _compare(Q.eq), "__ne__": _compare(Q.ne),
    # in place (div_, pow_ and the one-variable forms such as exp_ are bound by methods_forms.py)
    "add_": _inplace(P.add), "sub_": _inplace(P.sub), "mul_": _inplace(P.mul),
    "__iadd__": _inplace(P.add), "__isub__": _inplace(P.sub), "__imul__": _inplace(P.mul),
    "__itruediv__": _inplace(P.div), "__ipow__": _inplace(P.pow),
}

for _name, _fn in _METHODS.items():
    if hasattr(_fn, "op"):  # a one-input op's method, named as PyTorch names it in errors (__neg__ -> neg)
        _fn.__name__ = _name.strip("_")
        _fn.__qualname__ = f"Tensor.{_fn.__name__}"
    elif getattr(_fn, "recorder", False):  # an operator that is its op's recorder: named as the operator
        _fn.__name__, _fn.__qualname__ = _name, f"Tensor.{_name}"
    setattr(Tensor, _name, _fn)
Tensor.unbind, Tensor.split, Tensor.chunk = split.unbind, split.split, split.chunk
Tensor.register_post_accumulate_grad_hook = register_post_accumulate_grad_hook
Tensor._post_accumulate_grad_hooks = None  # {key: hook}, as PyTorch names the table
Tensor.T = property(S.T)
def _matrix_transpose(name):
    """tensor.mT / tensor.mH (the conjugate transpose: the same for real tensors) of the last two dims."""
    def get(s):
        if s.ndim == 1:
            raise errors.runtime(f"tensor.{name} is only supported on matrices or batches of matrices. Got 1-D tensor.",
                                 "A vector has no rows and columns to swap; use x.unsqueeze(0) for a row matrix.")
        if not s.ndim:
            return _zero_d_identity(s, name)
        return S.transpose(s, -2, -1)
    return property(get)


def _zero_d_identity(s, name):
    """A 0-d tensor's mT, mH or H is the tensor itself, with PyTorch's deprecation warning."""
    hint = "This function is the identity in these cases." if name == "mT" else "Consider using x.conj()."
    warnings.warn(f"Tensor.{name} is deprecated on 0-D tensors. {hint}", UserWarning, stacklevel=3)
    return s


def _H(s):
    """tensor.H: the conjugate transpose of a matrix (its transpose for real tensors)."""
    if s.ndim not in (0, 2):
        raise errors.runtime(f"tensor.H is only supported on matrices (2-D tensors). Got {s.ndim}-D tensor."
                             + (" For batches of matrices, consider using tensor.mH" if s.ndim > 2 else ""),
                             "H swaps rows and columns of one matrix; x.mH does it for each matrix of a batch.")
    return S.transpose(s, 0, 1) if s.ndim else _zero_d_identity(s, "H")


Tensor.mT, Tensor.mH, Tensor.H = _matrix_transpose("mT"), _matrix_transpose("mH"), property(_H)
Tensor.unsqueeze_, Tensor.squeeze_, Tensor.t_, Tensor.transpose_ = SI.unsqueeze_, SI.squeeze_, SI.t_, SI.transpose_
Tensor.swapaxes_ = Tensor.swapdims_ = SI.transpose_
Tensor.__hash__ = lambda self: id(self)
