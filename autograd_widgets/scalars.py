"""A Python number written into a tensor, refused where PyTorch refuses it.

PyTorch converts a number given as a Scalar argument (torch.full, fill_, masked_fill, a clamp bound) or
assigned (t[i] = v) with c10's checked_convert: a number outside the dtype's range raises "value cannot be
converted to type float without overflow" instead of becoming inf or wrapping around. Arithmetic
(x + 1e308) does not check, so only those entry points call this module, never the operators.
Each function takes the array dtype the number is written into (`t._data.dtype`).
"""
import math

from . import backend as B
from . import dtypes, errors

# c10's names of the element types in its message; torch.tensor(...) names the dtype instead ('int8')
_C_NAME = {"float64": "double", "float32": "float", "float16": "c10::Half", "bool": "bool", "int8": "int8_t",
           "uint8": "uint8_t", "int16": "int16_t", "int32": "int", "int64": "int64_t"}
_LIMITS = {}  # array dtype -> (lowest, highest): floats for a float dtype, ints for an integer one
_PLAIN = {float, int, bool}  # Python's numbers: taken as they are, before the checks for NumPy scalars
_FLOAT_RANGES = {}  # float array dtype -> (lowest, highest), for the common case: a number that fits as it is


def _limits(dt) -> tuple:
    got = _LIMITS.get(dt)
    if got is None:
        if dt.kind == "f":
            info = B.finfo(dt)
            got = _FLOAT_RANGES[dt] = float(info.min), float(info.max)
        else:
            info = B.iinfo(dt)
            got = int(info.min), int(info.max)
        _LIMITS[dt] = got
    return got


def overflows(value, dt) -> bool:
    """c10's overflows<T>(value): the Python int or float `value` lies outside what array dtype `dt` holds.

    Infinity and NaN fit a float dtype and no integer one. A float compares in double precision (so
    float(2**63) fits int64, as in PyTorch). A negative int fits an unsigned dtype when its two's complement
    does: uint8 takes -1 (as 255) but not -256. Anything fits bool."""
    if dt.kind == "b" or value is True or value is False:
        return False
    lo, hi = _limits(dt)
    if isinstance(value, float):
        if value != value or math.isinf(value):
            return dt.kind != "f"
        return value < float(lo) or value > float(hi)  # in double, as C++ compares: int64's top is 2.0**63
    if dt.kind == "u" and value < 0:
        return -value > hi
    return value < lo or value > hi


def _fitted(value, dt):
    """`value` (in range) as the number C++ writes into `dt`: a float truncated toward zero, a negative int
    wrapped into an unsigned dtype, anything into bool as True or False."""
    if dt.kind == "b":
        return bool(value)
    if dt.kind in "iu" and value is not True and value is not False:
        v = int(value)
        lo, hi = _limits(dt)
        if v < 0 and dt.kind == "u":
            return v + hi + 1
        return lo if v > hi else v  # only float(2**63) into int64: x86 converts it to -2**63, as PyTorch shows
    return value


def _checked(number, dt, c_names=True):
    if overflows(number, dt):
        raise _refuse(number, dt, _C_NAME[dt.name] if c_names else dt.name)  # dt.name is slow: only here
    return _fitted(number, dt)


def parsed(value):
    """A NumPy scalar as PyTorch's argument parser reads a Scalar: an integer as an int, anything else (even a
    numpy.bool_) as a float. Other values are returned as given."""
    if isinstance(value, B.generic_scalar):
        return value.item() if value.dtype.kind in "iu" else float(value)
    return value


def _number(value):
    """A NumPy scalar as the Python number it holds; None for values that are not numbers (tensors, lists)."""
    if isinstance(value, B.generic_scalar):
        value = value.item()
    return value if isinstance(value, (int, float)) else None


def _refuse(value, dt, name):
    if dt.kind == "f":
        hi = _limits(dt)[1]
        why = (f"torch.{dt.name} holds numbers up to ±{hi:.6g}, and {value!r} is beyond that. PyTorch refuses to "
               f"write it rather than store inf (arithmetic such as x * 1e39 does give inf). Use a wider dtype "
               f"(torch.float64), or float('inf') if you mean infinity.")
    else:
        lo, hi = _limits(dt)
        wrap = f" (an int from -{hi} to -1 wraps around: -1 is {hi})" if dt.kind == "u" else ""
        special = " (an integer has no inf or nan)" if isinstance(value, float) and not math.isfinite(value) else ""
        why = (f"torch.{dt.name} holds whole numbers from {lo} to {hi}{wrap}, and {value!r} is outside that{special}. "
               f"PyTorch refuses to write it rather than wrap it around. Use a value in that range or a wider dtype "
               f"(torch.int64, or a float dtype).")
    return errors.runtime(f"value cannot be converted to type {name} without overflow", why)


def beyond_int64():
    """PyTorch's ValueError for a Python int outside int64 where it reads one as a C++ long long."""
    return errors.value("Overflow when unpacking long long",
                        "A Python int here becomes an int64, which holds -2**63 to 2**63 - 1. Give a float "
                        "(2.0**63) or dtype=torch.float64 for larger numbers.")


def _long_long(number):
    """`number`, unless it is an int outside int64 (where PyTorch reads a C++ long long)."""
    if isinstance(number, int) and not -2 ** 63 <= number < 2 ** 63:
        raise beyond_int64()
    return number


def fit_as_given(values, dt) -> bool:
    """Whether each of `values` is None, or a Python float or int64 that float dtype `dt` holds as it is: the
    common case (x.clamp(min=0), torch.full(s, 0.5), t[i] = 1.5), answered before any other check."""
    bounds = _FLOAT_RANGES.get(dt)
    if bounds is None:  # an integer dtype, or a float one not seen yet
        return False
    lo, hi = bounds
    for v in values:
        kind = type(v)
        if v is not None and not (kind is float and lo <= v <= hi or
                                  kind is int and lo <= v <= hi and -2 ** 63 <= v < 2 ** 63):
            return False
    return True


def scalar_argument(value, dt):
    """`value`, given as a Scalar argument (torch.full, full_like, new_full, masked_fill, a clamp bound), ready
    to write into array dtype `dt`; PyTorch's error if it does not fit. Values that are no numbers pass as given."""
    if fit_as_given((value,), dt):
        return value
    number = value if type(value) in _PLAIN else _number(parsed(value))
    if number is None:
        return value
    return _checked(_argument_int(number), dt)


def scalar_arguments(values, dt) -> list:
    """Several Scalar arguments of one call (clamp's min and max, ...) in the order PyTorch's parser reads them:
    all parsed first (an int past 64 bits raises Python's OverflowError), then each range-checked."""
    if fit_as_given(values, dt):
        return list(values)
    numbers = [value if type(value) in _PLAIN else _number(parsed(value)) for value in values]
    for number in numbers:
        if number is not None:
            _argument_int(number)
    return [value if number is None else _checked(number, dt) for value, number in zip(values, numbers)]


def filling(value, dt, numel: int):
    """`value` for fill_ / torch.full of a tensor of `numel` elements: as scalar_argument, except that PyTorch's
    fill of a single float16 element (its one-element fast path) does not check (1e39 becomes inf)."""
    if numel != 1 or not _is_half(dt):
        return scalar_argument(value, dt)
    number = _number(parsed(value))
    return value if number is None else _half(_argument_int(number), dt)


def copied(array, dt):
    """A 0-d tensor's value (`array`) as PyTorch's fill_ copies it into array dtype `dt`: cast unchecked, as
    NumPy casts (300 wraps to 44 in int8, 1e39 becomes inf in float16), without NumPy's warning."""
    return B.quietly(array.astype, dt)


def _argument_int(number):
    """`number`, unless it is an int PyTorch cannot read as an argument: it reads int64, or uint64 past that,
    and beyond both Python itself refuses it."""
    if isinstance(number, int) and not -2 ** 63 <= number < 2 ** 64:
        negative = number < 0
        raise errors.overflow("can't convert negative int to unsigned" if negative else "int too big to convert",
                              f"PyTorch reads an integer argument as a 64-bit number, so it must lie between "
                              f"-2**63 and 2**64 - 1; {number} {'is below' if negative else 'is above'} that. "
                              f"Give it as a float ({float(number):g}) if you mean a large number.")
    return number


def wide_operand(number: int, other):
    """A Python int outside int64 as an operand of arithmetic or a comparison with `other` (an array or a number):
    PyTorch reads it as a uint64 up to 2**64 - 1, which it cannot promote with a bool tensor, and refuses any
    larger one as it refuses such an argument."""
    _argument_int(number)
    if getattr(getattr(other, "dtype", None), "kind", "") == "b":
        raise no_uint64_promotion("Bool")
    return number


def no_uint64_promotion(other: str):
    """PyTorch's error for a uint64 number (a Python int in [2**63, 2**64)) promoted with a bool or int (`other`:
    'Bool', 'Long')."""
    return errors.runtime(f"Promotion for uint16, uint32, uint64 types is not supported, attempted to promote {other} "
                          "and UInt64",
                          "A Python int past 2**63 - 1 is taken as a uint64, which PyTorch does not combine with a "
                          "bool or another integer type. Give it as a float (2.0**63), or convert the tensor first "
                          "(x.double()).")


def _is_half(dt) -> bool:
    return dt.kind == "f" and dt.itemsize == 2


def _half(number, dt):
    """NumPy's float16 of `number`: inf without a warning when out of range, as PyTorch's unchecked writes."""
    return B.quietly(dt.type, number)


def _not_python_number(value) -> bool:
    """A NumPy scalar that PyTorch's parser takes for no int or float: neither an integer (it has __index__) nor
    a float64 (a subclass of Python's float). numpy.float32 and numpy.bool_ are such."""
    return isinstance(value, B.generic_scalar) and not isinstance(value, float) and value.dtype.kind not in "iu"


def assigned(value, dt):
    """`value` for `t[index] = value` into array dtype `dt`, or PyTorch's error. PyTorch reads a Python int as
    int64 there and does not check a float16 tensor (1e39 becomes inf)."""
    if fit_as_given((value,), dt):
        return value
    if type(value) in _PLAIN:
        number = value
    elif _not_python_number(value):
        raise errors.type_error(f"can't assign a {errors.type_name(value)} to a torch.{dtypes.scalar_name(dt)}Tensor",
                                "Assign a Python number (float(v), int(v)) or a tensor (torch.tensor(v)).")
    else:
        number = _number(value)
    if number is None:
        return value
    if _is_half(dt):
        return _half(_long_long(number), dt)
    return _checked(_long_long(number), dt)


def listed(data, dt, one_by_one=False):
    """Nested data for torch.tensor(data, dtype=<an integer or bool dtype>), each number checked and fitted as
    PyTorch's tensor() does (its message names the dtype, 'int8'): an array of it, or the nested lists.
    An array given as `data` itself passes unchecked (PyTorch casts it: 300 becomes 44 in int8). `one_by_one`:
    the data holds a numpy.bool_, which NumPy's array of it would take for 1."""
    if B.is_array(data):
        return data
    if one_by_one:
        return _walked(data, dt)
    try:
        ints = B.asarray(data)
    except (OverflowError, ValueError, TypeError):  # ints past int64, ragged rows: each number in turn
        ints = None
    if ints is not None and ints.dtype.kind in "ib":  # all ints (or bools): one range check over the array
        return _checked_ints(ints, dt)
    return _walked(data, dt)


def _checked_ints(ints, dt):
    if dt.kind == "b" or ints.dtype.kind == "b" or not ints.size:
        return ints
    lo, hi = _limits(dt)
    low = -hi if dt.kind == "u" else lo  # an unsigned dtype takes a negative int wrapped (NumPy's cast wraps it)
    if ints.min() < low or ints.max() > hi:
        first = ints[(ints < low) | (ints > hi)].reshape(-1)[0]
        raise _refuse(int(first), dt, dt.name)
    return ints


def not_an_integer(value):
    """PyTorch's TypeError for a NumPy scalar that is no integer (numpy.float32, numpy.bool_) in an integer tensor."""
    return errors.type_error(f"'{errors.type_name(value)}' object cannot be interpreted as an integer",
                             "An integer tensor is made from Python ints (or NumPy integers): convert with int(v), "
                             "or make the tensor without dtype and call .long() on it.")


def _walked(data, dt):
    """`listed` one number at a time: floats, NumPy scalars (numpy.float32 is refused, as PyTorch refuses it),
    ints past int64."""
    if isinstance(data, (list, tuple)) or B.is_array(data) and data.ndim:
        return [_walked(x, dt) for x in data]
    if _not_python_number(data) and not (dt.kind == "b" and data.dtype.kind == "b"):
        raise not_an_integer(data)
    number = _number(data.item() if B.is_array(data) else data)
    if number is None or dt.kind == "b":  # a bool tensor takes any number, as True or False
        return data
    return _checked(_long_long(number), dt, c_names=False)
