"""A second array namespace for tests: NumPy behind a wall, standing in for CuPy.

`CheckedArray` wraps a NumPy array and offers what CuPy's ndarray offers (operators,
methods, `.get()` to copy to the host), while NumPy refuses it (no `__array__`, ufuncs and
array functions raise) and it refuses NumPy arrays as operands, as CuPy does. So when the
core keeps tensor data in CheckedArrays, any module that calls NumPy on tensor data, or
mixes a host array into device data, raises TypeError and fails the test.

`installed_as(device_type)` makes it the namespace of a device through the backend's seam.
"""
import contextlib
import operator
import types

import numpy as _np

from autograd_widgets import backend


class BypassError(TypeError):
    """NumPy was handed device data, or device data a NumPy array: the backend was bypassed."""


def _unwrap(x):
    t = type(x)
    if t is CheckedArray:
        return x._a
    if t is list or t is tuple:
        return t(_unwrap(i) for i in x)
    if isinstance(x, _np.ndarray):
        raise BypassError(f"a NumPy array (shape {x.shape}) met device data; move it with the backend first")
    return x


def _wrap(r):
    if isinstance(r, (_np.ndarray, _np.generic)):
        return CheckedArray(_np.asarray(r))
    if isinstance(r, tuple):  # also NumPy's named results (linalg.svd's SVDResult)
        return tuple(_wrap(i) for i in r)
    return r


def _call(fn, args, kwargs):
    return _wrap(fn(*_unwrap(args), **{k: _unwrap(v) for k, v in kwargs.items()}))


def _binary(name):
    op = getattr(operator, name)

    def method(self, other):
        if not isinstance(other, (CheckedArray, int, float, bool, _np.generic)):
            if isinstance(other, _np.ndarray):
                _unwrap(other)  # raises: CuPy refuses host arrays too
            return NotImplemented  # a Tensor: let its reflected operator run, as CuPy does
        return _wrap(op(self._a, _unwrap(other)))

    def reflected(self, other):
        if not isinstance(other, (int, float, bool, _np.generic)):
            _unwrap(other)  # raises for a NumPy array
            return NotImplemented
        return _wrap(op(other, self._a))
    return method, reflected


class _Flags:
    """An array's layout flags as CuPy offers them: no `writeable` (CuPy's arrays are always writable)."""
    __slots__ = ("c_contiguous", "f_contiguous", "owndata")

    def __init__(self, flags):
        self.c_contiguous, self.f_contiguous, self.owndata = flags.c_contiguous, flags.f_contiguous, flags.owndata


class _Pointer:
    """Where an array's first element is, as CuPy's MemoryPointer says it (`.ptr`)."""
    __slots__ = ("ptr",)

    def __init__(self, ptr):
        self.ptr = ptr


def _refuse_initial(kwargs):
    if "initial" in kwargs:
        raise TypeError("max() got an unexpected keyword argument 'initial'")  # CuPy's reductions lack it


class CheckedArray:
    """A NumPy array only the checking namespace may touch."""
    __slots__ = ("_a",)
    __array_ufunc__ = None  # NumPy ufuncs and binary operators on a CheckedArray raise TypeError

    def __init__(self, a):
        self._a = a

    def __array__(self, *args, **kwargs):
        raise BypassError("NumPy tried to read device data: a module bypassed autograd_widgets.backend")

    def __array_function__(self, func, types, args, kwargs):
        raise BypassError(f"numpy.{func.__name__} was called on device data: a module bypassed "
                          "autograd_widgets.backend")

    # what it is
    shape = property(lambda s: s._a.shape)
    ndim = property(lambda s: s._a.ndim)
    size = property(lambda s: s._a.size)
    dtype = property(lambda s: s._a.dtype)
    itemsize = property(lambda s: s._a.itemsize)
    flags = property(lambda s: _Flags(s._a.flags))
    strides = property(lambda s: s._a.strides)  # layout, as CuPy arrays offer it too
    base = property(lambda s: None if s._a.base is None else CheckedArray(s._a.base))
    T = property(lambda s: CheckedArray(s._a.T))
    data = property(lambda s: _Pointer(s._a.ctypes.data))  # as cupy.ndarray.data, a MemoryPointer

    def max(self, *args, **kwargs):
        _refuse_initial(kwargs)
        return _call(self._a.max, args, kwargs)

    def min(self, *args, **kwargs):
        _refuse_initial(kwargs)
        return _call(self._a.min, args, kwargs)

    def get(self):
        """A host copy, like cupy.ndarray.get()."""
        return self._a.copy()

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        attr = getattr(self._a, name)
        if not callable(attr):
            return _wrap(attr)  # strides, nbytes, real, ...: as CuPy offers them
        return lambda *args, **kwargs: _call(attr, args, kwargs)

    def __repr__(self):
        return f"CheckedArray({self._a!r})"

    def __len__(self):
        return len(self._a)

    def __bool__(self):
        return bool(self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        return operator.index(self._a)

    def __iter__(self):
        return (CheckedArray(_np.asarray(x)) for x in self._a)

    def __getitem__(self, index):
        return _wrap(self._a[_unwrap(index)])

    def __setitem__(self, index, value):
        self._a[_unwrap(index)] = _unwrap(value)

    def __neg__(self):
        return CheckedArray(-self._a)

    def __pos__(self):
        return CheckedArray(+self._a)

    def __abs__(self):
        return CheckedArray(abs(self._a))

    def __invert__(self):
        return CheckedArray(~self._a)


def _iop(name):
    op = getattr(operator, name)

    def method(self, other):
        self._a = op(self._a, _unwrap(other))  # NumPy's in-place operators mutate and return the same array
        return self
    return method


for _name in ("iadd", "isub", "imul", "itruediv", "ipow"):
    setattr(CheckedArray, f"__{_name}__", _iop(_name))
for _name in ("add", "sub", "mul", "truediv", "floordiv", "pow", "matmul", "mod", "and_", "or_", "xor"):
    _m, _r = _binary(_name)
    _dunder = _name.rstrip("_")
    setattr(CheckedArray, f"__{_dunder}__", _m)
    setattr(CheckedArray, f"__r{_dunder}__", _r)
for _name in ("lt", "le", "gt", "ge", "eq", "ne"):
    setattr(CheckedArray, f"__{_name}__", _binary(_name)[0])
CheckedArray.__hash__ = None


class _Function:
    """A NumPy function (or ufunc, with its `.at`) taking and giving CheckedArrays."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, *args, **kwargs):
        return _call(self._fn, args, kwargs)

    def __getattr__(self, name):
        if name == "accumulate" and getattr(self._fn, "__name__", "") not in ("add", "multiply"):
            raise NotImplementedError(f"`{self._fn.__name__}.accumulate` is not supported yet")  # as CuPy's
        attr = getattr(self._fn, name)
        return attr if isinstance(attr, type) else _Function(attr)  # xp.linalg.LinAlgError stays a class


class _Namespace:
    """The module-like namespace of CheckedArrays (`xp.exp`, `xp.where`, `xp.float32`, ...)."""

    def __getattr__(self, name):
        attr = getattr(_np, name)
        if isinstance(attr, types.ModuleType):
            return _Function(attr)  # xp.linalg.inv, as cupy.linalg
        if isinstance(attr, type) or not callable(attr):
            return attr  # dtypes and constants are shared with NumPy, as CuPy shares them
        return _Function(attr)

    @staticmethod
    def diagonal(a, offset=0, axis1=0, axis2=1):
        """A view that can be written through, as CuPy's (NumPy's is read-only)."""
        d = _np.diagonal(a._a, offset, axis1, axis2)
        d.flags.writeable = a._a.flags.writeable
        return CheckedArray(d)

    @staticmethod
    def amax(a, *args, **kwargs):
        _refuse_initial(kwargs)
        return _call(_np.amax, (a,) + args, kwargs)

    @staticmethod
    def amin(a, *args, **kwargs):
        _refuse_initial(kwargs)
        return _call(_np.amin, (a,) + args, kwargs)

    max, min = amax, amin

    @staticmethod
    def asarray(data, dtype=None):
        """Host data (lists, scalars, NumPy arrays) moved onto the device, as cupy.asarray does."""
        if isinstance(data, CheckedArray):
            return data if dtype is None or data.dtype == dtype else data.astype(dtype)
        return CheckedArray(_np.asarray(_host(data), dtype=dtype))

    @staticmethod
    def array(data, dtype=None, copy=True):
        if isinstance(data, CheckedArray):
            return CheckedArray(_np.array(data._a, dtype=dtype, copy=copy))
        return CheckedArray(_np.array(_host(data), dtype=dtype, copy=copy))


def _host(data):
    if isinstance(data, (list, tuple)):
        return [_host(x) for x in data]
    if isinstance(data, CheckedArray):
        raise BypassError("nested device arrays in host data")
    return data


xp = _Namespace()


@contextlib.contextmanager
def installed_as(device_type):
    """While inside, tensors on `device_type` hold CheckedArrays."""
    old = backend.use_device(device_type, xp, CheckedArray)
    try:
        yield xp
    finally:
        backend.restore_device(device_type, old)
