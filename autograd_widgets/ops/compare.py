"""Comparisons and logical ops: boolean results, no graph (PyTorch records none for them)."""
from .. import backend as B
from ..node import as_array
from ..tensor import Tensor
from .pointwise import MaximumBackward0, MinimumBackward0, promote


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def _comparison(name, op):
    def compare(input, other):
        a, b = promote(input._data, _data(other))
        return Tensor._make(as_array(op(a, b)))
    compare.__name__ = compare.__qualname__ = name
    compare.__doc__ = f"torch.{name}(input, other): elementwise, a bool tensor."
    return compare


eq = _comparison("eq", lambda a, b: a == b)
ne = _comparison("ne", lambda a, b: a != b)
gt = _comparison("gt", lambda a, b: a > b)
ge = _comparison("ge", lambda a, b: a >= b)
lt = _comparison("lt", lambda a, b: a < b)
le = _comparison("le", lambda a, b: a <= b)
not_equal, greater, greater_equal, less, less_equal = ne, gt, ge, lt, le


def _bool(x, like):
    return x._data.astype(bool) if isinstance(x, Tensor) else B.asarray(x, device=B.device_of(like)).astype(bool)


def _logical(name, fn):
    def logical(input, other):
        return Tensor._make(as_array(getattr(B.ns(input._data), fn)(_bool(input, input._data),
                                                                      _bool(other, input._data))))
    logical.__name__ = logical.__qualname__ = name
    return logical


logical_and = _logical("logical_and", "logical_and")
logical_or = _logical("logical_or", "logical_or")
logical_xor = _logical("logical_xor", "logical_xor")


def logical_not(input):
    return Tensor._make(as_array(B.ns(input._data).logical_not(input._data)))


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input − other| ≤ atol + rtol·|other|, elementwise (as PyTorch: both of one dtype)."""
    if input.dtype != other.dtype:
        from .. import errors
        raise errors.runtime(f"{other.dtype._legacy[:-6]} did not match {input.dtype._legacy[:-6]}",
                             "isclose compares tensors of one dtype; convert one with .to(other.dtype).")
    a, b = input._data, other._data
    return Tensor._make(as_array(B.ns(a).isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """Whether every element of input is close to other's (isclose), a Python bool."""
    if not isinstance(other, Tensor):
        raise TypeError(f"allclose(): argument 'other' (position 2) must be Tensor, not {type(other).__name__}")
    return bool(isclose(input, other, rtol, atol, equal_nan).all().item())


def equal(input, other):
    """Same shape and same values (dtypes may differ), a Python bool."""
    return tuple(input.shape) == tuple(other.shape) and bool((input == other).all().item())


def maximum(input, other):
    return MaximumBackward0.apply(input, other)


def minimum(input, other):
    return MinimumBackward0.apply(input, other)
