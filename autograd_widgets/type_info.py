"""torch.finfo / torch.iinfo (the limits of a dtype) and the type-promotion queries result_type, promote_types,
can_cast: PyTorch's values, attributes and repr."""
import math

from . import dtypes, errors
from .tensor import Tensor

# float dtype -> (bits, mantissa bits, largest exponent)
_FLOATS = {"float16": (16, 10, 15), "float32": (32, 23, 127), "float64": (64, 52, 1023)}


class _Info:
    """Read-only attributes, equal when of one dtype."""
    __slots__ = ()

    def __setattr__(self, name, value):
        raise AttributeError(f"attribute '{name}' of 'torch.{type(self).__name__}' objects is not writable")

    def __eq__(self, other):
        return type(other) is type(self) and other.dtype == self.dtype

    def __hash__(self):
        return hash((type(self).__name__, self.dtype))


class finfo(_Info):  # noqa: N801 - PyTorch's name
    """Machine limits of a float dtype (the default dtype without an argument)."""
    __slots__ = ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype")

    def __init__(self, type=None):  # noqa: A002 - PyTorch's parameter name
        type = dtypes.get_default_dtype() if type is None else type
        if not (isinstance(type, dtypes.dtype) and type.is_floating_point):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to handle "
                            "'torch.finfo'")
        bits, mantissa, top = _FLOATS[type.name]
        set_ = object.__setattr__
        set_(self, "bits", bits)
        set_(self, "eps", 2.0 ** -mantissa)
        set_(self, "max", (2.0 - 2.0 ** -mantissa) * 2.0 ** top)
        set_(self, "min", -self.max)
        set_(self, "tiny", 2.0 ** (1 - top))
        set_(self, "smallest_normal", self.tiny)
        set_(self, "resolution", float(f"1e-{int(-math.log10(self.eps))}"))  # NumPy's: 10^-(decimal digits)
        set_(self, "dtype", type.name)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, eps={self.eps:g}, "
                f"smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, dtype={self.dtype})")


class iinfo(_Info):  # noqa: N801 - PyTorch's name
    """Limits of an integer dtype."""
    __slots__ = ("bits", "max", "min", "dtype")

    def __init__(self, type):  # noqa: A002 - PyTorch's parameter name
        if type is dtypes.bool:
            raise TypeError("torch.bool is not supported by torch.iinfo")
        if not isinstance(type, dtypes.dtype) or type.is_floating_point:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to handle 'torch.iinfo'")
        bits = 8 * type.itemsize
        set_ = object.__setattr__
        set_(self, "bits", bits)
        set_(self, "min", -(1 << (bits - 1)) if type.is_signed else 0)
        set_(self, "max", (1 << (bits - 1)) - 1 if type.is_signed else (1 << bits) - 1)
        set_(self, "dtype", type.name)

    def __repr__(self):
        return f"iinfo(min={float(self.min):g}, max={float(self.max):g}, dtype={self.dtype})"


finfo.__module__ = iinfo.__module__ = "torch"


def _array_like(x):
    """A tensor's array, or a Python number as it is (result_type ranks the two apart)."""
    if isinstance(x, Tensor):
        return x._data
    if isinstance(x, (bool, int, float)):
        return x
    raise errors.not_tensor("result_type", "tensor", x, 1)


def result_type(tensor, other):
    """The dtype `tensor op other` has (PyTorch's promotion: dimensioned tensors, then 0-d ones, then numbers)."""
    a, b = _array_like(tensor), _array_like(other)
    if not (hasattr(a, "dtype") or hasattr(b, "dtype")):  # two numbers: as two 0-d tensors of their types
        return max((dtypes.bool if type(x) is bool else dtypes.int64 if type(x) is int else dtypes.get_default_dtype()
                    for x in (a, b)), key=lambda d: (d.is_floating_point, d is not dtypes.bool))
    return _named(dtypes.result_type(a, b))


def _named(array_dtype):
    """The torch dtype of an array dtype."""
    return next(d for d in dtypes.ALL if d.array_dtype == array_dtype)


def promote_types(type1, type2):
    """The smallest dtype both promote to (torch.promote_types(torch.int32, torch.float16) is float16)."""
    return _named(dtypes.promote_types(type1.array_dtype, type2.array_dtype))


def can_cast(from_, to):
    """Whether PyTorch's type promotion allows `from_` -> `to`: never to a lower category (float -> int,
    int -> bool); within one, any size."""
    rank = {"b": 0, "u": 1, "i": 1, "f": 2}
    return rank[from_.array_dtype.kind] <= rank[to.array_dtype.kind]
