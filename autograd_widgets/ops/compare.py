"""Comparisons and logical ops: boolean results, no graph (PyTorch records none for them)."""
from .. import backend as B
from .. import errors
from ..dtypes import scalar_name
from ..node import as_array
from ..tensor import Tensor
from .pointwise import _NUMBERS, MaximumBackward0, MinimumBackward0, promote


def _data(x):
    """A tensor's array; a NumPy scalar as the Python number PyTorch reads it as (weak: int8 == np.int64(300)
    wraps 300 into int8, as int8 == 300 does); anything else as given."""
    if isinstance(x, Tensor):
        return x._data
    return x.item() if isinstance(x, B.generic_scalar) else x




def _comparison(name, op):
    def compare(input, other):
        a, b = promote(input._data, other if type(other) in _NUMBERS else _data(other))
        if type(b) in _NUMBERS and not -65504.0 <= b <= 65504.0:  # a number float16 may not hold: NumPy
            return Tensor._make(as_array(B.quietly(op, a, b)))  # warns when it becomes inf; PyTorch is silent
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
        raise errors.runtime(f"{scalar_name(other.dtype)} did not match {scalar_name(input.dtype)}",
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


# --- tests over elements: bool or index results, no graph ------------------------------------------
def _reduction(fn):
    def reduce(input, dim=None, keepdim=False):
        a = input._data
        xp = B.ns(a)
        if dim is None:
            return Tensor._make(as_array(getattr(xp, fn)(a)))
        return Tensor._make(as_array(getattr(xp, fn)(a, axis=dim, keepdims=keepdim)))
    reduce.__name__ = reduce.__qualname__ = fn
    reduce.__doc__ = f"torch.{fn}(input, dim=None, keepdim=False): a bool tensor."
    return reduce


any, all = _reduction("any"), _reduction("all")  # noqa: A001 - PyTorch's names


def count_nonzero(input, dim=None):
    a = input._data
    return Tensor._make(as_array(B.ns(a).count_nonzero(a, axis=dim)).astype(B.int64))


def nonzero(input, *, as_tuple=False):
    """The indices of the nonzero elements: one row per element (or, as_tuple, one tensor per dimension)."""
    a = input._data
    xp = B.ns(a)
    found = xp.nonzero(a) if a.ndim else xp.nonzero(a.reshape(1))[:a.ndim or 1]
    if as_tuple:
        return tuple(Tensor._make(i.astype(B.int64)) for i in found)
    return Tensor._make(xp.stack(found, axis=1).astype(B.int64) if a.ndim else xp.zeros((len(found[0]), 0), B.int64))


def argwhere(input):
    return nonzero(input)


def _test(fn):
    def test(input):
        a = input._data
        return Tensor._make(as_array(getattr(B.ns(a), fn)(a)))
    test.__name__ = test.__qualname__ = fn
    return test


isnan, isinf, isfinite = _test("isnan"), _test("isinf"), _test("isfinite")


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):  # noqa: A002
    """The distinct values, sorted; with return_inverse each element's position among them, with
    return_counts how often each occurs."""
    if dim is not None:
        raise errors.not_supported("torch.unique(..., dim=...)")
    a = input._data
    values, inverse, counts = B.ns(a).unique(a, return_inverse=True, return_counts=True)
    out = (Tensor._make(values),)
    if return_inverse:
        out += (Tensor._make(inverse.reshape(a.shape).astype(B.int64)),)
    if return_counts:
        out += (Tensor._make(counts.astype(B.int64)),)
    return out[0] if len(out) == 1 else out
