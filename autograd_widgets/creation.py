"""Making tensors: tensor(), zeros(), arange(), ... (random ones: random_ops.py)"""
import math

from . import backend as B
from . import dtypes, errors, ranges, scalars, threads
from .device import type_of as _device
from .size_args import sizes
from .tensor import Tensor


_NUMBERS = {int, float, bool}


def _plain(data, numpy_bools: list):
    """Nested data with any tensors replaced by their values; each numpy.bool_ met is added to `numpy_bools`
    (NumPy takes it as 1 among ints, where PyTorch refuses it)."""
    if isinstance(data, Tensor):
        return B.to_host(data._data)
    if isinstance(data, (list, tuple)):
        return [x if type(x) in _NUMBERS else _plain(x, numpy_bools) for x in data]  # numbers: no call each
    if type(data) is B.bool_:
        numpy_bools.append(data)
    return data


def _nested_error(data, dim=0):
    """PyTorch's words for nested data that is not a rectangular block of numbers, or None."""
    if isinstance(data, str):
        return errors.value("too many dimensions 'str'", "A tensor holds numbers, not text.")
    if not isinstance(data, (list, tuple)) or not data:
        return None
    first = data[0]
    n = len(first) if isinstance(first, (list, tuple)) else None
    for x in data:
        if n is not None and isinstance(x, (list, tuple)) and len(x) != n:
            return errors.value(f"expected sequence of length {n} at dim {dim + 1} (got {len(x)})",
                                "Every row of a tensor has the same length; pad the short ones.")
        err = _nested_error(x, dim + 1)
        if err is not None:
            return err
    return None


def to_array(data, dtype=None, device=None):
    """An array of `data` with PyTorch's dtype inference (Python floats give the default float).

    Without `device`, an array stays where it lives (a CuPy array gives a 'cuda' tensor, as in PyTorch)."""
    numpy_bools = []
    if dtype is not None:
        data = _plain(data, numpy_bools)
        if dtype.array_dtype.kind in "iub":  # PyTorch checks each number against an integer dtype's range
            data = scalars.listed(data, dtype.array_dtype, one_by_one=bool(numpy_bools))
        return B.asarray(data, dtype=dtype.array_dtype, device=device, copy=True)
    if B.is_array(data):
        return dtypes.coerce_array(B.asarray(data, device=device, copy=True))
    data = _plain(data, numpy_bools)
    try:
        a = B.asarray(data, device=device)
    except OverflowError:
        a = None
    if numpy_bools and a is not None and a.dtype.kind in "iu":  # ints and a numpy.bool_: an int64 tensor
        raise scalars.not_an_integer(numpy_bools[0])
    if a is None or a.dtype.kind in "uO" or a.dtype.kind == "f" and a.size and abs(a).max() >= 2 ** 63:
        _check_int64(data)  # NumPy takes Python ints past int64 as uint64, object or float; PyTorch refuses them
    if a.dtype.kind == "f" and not _has_array_leaf(data):
        return B.quietly(a.astype, dtypes.default_float().array_dtype)  # 1e308 becomes inf silently, as in PyTorch
    return dtypes.coerce_array(a)


def _check_int64(data):
    """PyTorch's ValueError when data, all Python ints (no float to make it a float tensor), holds one past int64."""
    flat, stack = [], [data]
    while stack:
        x = stack.pop()
        if isinstance(x, (list, tuple)):
            stack.extend(x)
        else:
            flat.append(x)
    if all(isinstance(x, int) for x in flat) and any(not -2 ** 63 <= x < 2 ** 63 for x in flat):
        raise scalars.beyond_int64()


def _has_array_leaf(data):
    while isinstance(data, (list, tuple)) and data:
        data = data[0]
    return isinstance(data, Tensor) or B.is_array(data) or isinstance(data, B.generic_scalar)


def _finish(data, requires_grad):
    t = Tensor._make(data)
    if requires_grad:
        if data.dtype.kind != "f":
            raise errors.integer_requires_grad(factory=True)
        t._rg = True
    return t


def tensor(data, dtype=None, device=None, requires_grad=False):
    """A new leaf tensor holding a copy of `data`."""
    if isinstance(data, Tensor):  # a copy where it lives, unless `device` says otherwise
        arr = B.asarray(data._data, dtype=dtype.array_dtype if dtype else None,
                        device=None if device is None else _device(device), copy=True)
        return _finish(arr, requires_grad)
    if isinstance(data, str):
        raise errors.type_error("new(): invalid data type 'str'", "A tensor holds numbers, not text.")
    try:
        arr = to_array(data, dtype, _explicit(device))
    except (ValueError, TypeError) as e:
        raise _nested_error(data) or e
    return _finish(arr, requires_grad)


def _explicit(device):
    """`device`, or the default set by torch.set_default_device; None (where the data lives) for cpu."""
    if device is None and _device(None) == "cpu":
        return None
    return _device(device)


def as_tensor(data, dtype=None, device=None):
    if isinstance(data, Tensor) and (dtype is None or data.dtype is dtype) and \
            (device is None or _device(device) == B.device_of(data._data)):
        return data
    return tensor(data, dtype=dtype, device=device)


def from_numpy(array):
    """A tensor sharing memory with NumPy `array`."""
    return Tensor._make(dtypes.coerce_array(array))


def _shape(size):
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        return tuple(size[0])
    return tuple(size)


def checked_size(name: str, size: tuple) -> tuple:
    """The shape a factory `name(*size)` was given (sizes, or one tuple/list/Size), refused as PyTorch refuses it."""
    if not size:
        raise errors.type_error(f'{name}() missing 1 required positional arguments: "size"',
                                f"torch.{name} needs the shape of the tensor to make, e.g. torch.{name}(2, 3) or "
                                f"torch.{name}(()) for a 0-d tensor.")
    return sizes(name, size)


def refuse_negative(shape: tuple, name: str | None = None) -> tuple:
    """`shape`, unless a size in it is negative: then PyTorch's RuntimeError for factory `name`."""
    negative = next((n for n in shape if n < 0), None)
    if negative is not None:  # zeros words it its own way in PyTorch 2.13
        raise errors.runtime("zeros: Dimension size must be non-negative." if name == "zeros" else
                             f"Trying to create tensor with negative dimension {negative}: {list(shape)}",
                             "A size counts elements along a dimension: 0 or more.")
    return shape


def _filled(fill, size, dtype, device, requires_grad, name=None):
    d = dtype or dtypes.default_float()
    xp = B.namespace(_device(device))
    shape = refuse_negative(_shape(size) if name is None else checked_size(name, size), name)
    arr = xp.full(shape, fill, dtype=d.array_dtype)
    return _finish(arr, requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad, "zeros")


def ones(*size, dtype=None, device=None, requires_grad=False):
    return _filled(1, size, dtype, device, requires_grad, "ones")


def empty(*size, dtype=None, device=None, requires_grad=False):
    return _filled(0, size, dtype, device, requires_grad, "empty")


_MISSING = object()


def full(size=_MISSING, fill_value=_MISSING, dtype=None, device=None, requires_grad=False):
    if size is _MISSING or fill_value is _MISSING:  # PyTorch's words, as odd as they are
        missing = '2 required positional argument: "size", "fill_value"' if size is _MISSING else \
            '1 required positional arguments: "fill_value"'
        raise errors.type_error(f"full() missing {missing}", "torch.full(size, fill_value): a shape and the value "
                                "every element takes, e.g. torch.full((2, 3), 7.0).")
    size = sizes("full", (size,), varargs=False)
    fill_value = scalars.parsed(fill_value)  # a NumPy integer gives an int64 tensor, numpy.bool_ a float one
    if dtype is None:
        dtype = (dtypes.bool if isinstance(fill_value, bool) else dtypes.int64 if isinstance(fill_value, int)
                 else dtypes.default_float())
    fill_value = scalars.filling(fill_value, dtype.array_dtype, math.prod(size))
    return _filled(fill_value, (tuple(size),), dtype, device, requires_grad)


def _like(fill, t, dtype, device, requires_grad):
    return _filled(fill, (tuple(t.shape),), dtype or t.dtype, device or t.device, requires_grad)


def zeros_like(t, dtype=None, device=None, requires_grad=False):
    return _like(0, t, dtype, device, requires_grad)


def ones_like(t, dtype=None, device=None, requires_grad=False):
    return _like(1, t, dtype, device, requires_grad)


def full_like(t, fill_value, dtype=None, device=None, requires_grad=False):
    return _like(scalars.filling(fill_value, (dtype or t.dtype).array_dtype, t.numel()), t, dtype, device,
                 requires_grad)


def empty_like(t, dtype=None, device=None, requires_grad=False):
    return _like(0, t, dtype, device, requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad=False):
    if end is None:
        start, end = 0, start
    vals = [x.item() if isinstance(x, Tensor) else x for x in (start, end, step)]
    if not vals[2]:
        raise errors.runtime("step must be nonzero", "arange counts from start by step; a step of 0 never ends.")
    if dtype is None:
        dtype = dtypes.int64 if all(isinstance(v, int) for v in vals) else dtypes.default_float()
    xp = B.namespace(_device(device))
    values = xp.arange(*vals, dtype=B.float64 if dtype.is_floating_point else None)
    if values.dtype.kind == "f" and dtype.array_dtype.itemsize >= 4:  # PyTorch's rounding (ranges.py)
        values = xp.asarray(B.quietly(ranges.arange_values, *map(float, vals[::2]), values.size, dtype.array_dtype,
                                      threads.get_num_threads()))
    return _finish(B.quietly(values.astype, dtype.array_dtype), requires_grad)  # past float32's range: inf, silently


def linspace(start, end, steps, dtype=None, device=None, requires_grad=False):
    d = dtype or dtypes.default_float()
    start, end = scalars.scalar_arguments((start, end), d.array_dtype)  # as PyTorch: linspace(0, 1e39) raises
    xp = B.namespace(_device(device))
    if d.array_dtype.kind == "c":
        return _finish(B.quietly(xp.linspace(start, end, steps, dtype=d.array_dtype).astype, d.array_dtype),
                       requires_grad)
    start, end = (x.item() if isinstance(x, Tensor) else x for x in (start, end))
    return _finish(xp.asarray(ranges.linspace_values(start, end, steps, B.host_dtype(d.array_dtype))), requires_grad)


def eye(n, m=None, dtype=None, device=None, requires_grad=False):
    d = dtype or dtypes.default_float()
    xp = B.namespace(_device(device))
    return _finish(xp.eye(n, m, dtype=d.array_dtype), requires_grad)


def FloatTensor(*args):
    return Tensor(*args)


def DoubleTensor(*args):
    t = Tensor(*args)
    return Tensor._make(t._data.astype(dtypes.float64.array_dtype))


def LongTensor(*args):
    if len(args) == 1 and not isinstance(args[0], int):
        return tensor(args[0], dtype=dtypes.int64)
    return zeros(*args, dtype=dtypes.int64)


def BoolTensor(*args):
    if len(args) == 1 and not isinstance(args[0], int):
        return tensor(args[0], dtype=dtypes.bool)
    return zeros(*args, dtype=dtypes.bool)
