"""The one module that names an array library.

Every array the core touches is made or transformed through here, so another array
namespace (CuPy on a GPU) plugs in at this seam alone. `ns(a)` gives the namespace of an
array; the rest are the few operations that differ between libraries or need care.
"""
import numpy

_NAMESPACES = {numpy.ndarray: numpy}
_DEVICES = {"cpu": numpy}
generic_scalar = numpy.generic


def ns(a):
    """The array namespace (module) that owns array `a`."""
    try:
        return _NAMESPACES[type(a)]
    except KeyError:
        return _register(a)


def _register(a):
    if isinstance(a, numpy.ndarray):
        _NAMESPACES[type(a)] = numpy
        return numpy
    if hasattr(a, "__array_namespace__"):
        xp = a.__array_namespace__()
        _NAMESPACES[type(a)] = xp
        return xp
    raise TypeError(f"autograd_widgets cannot compute with arrays of type {type(a).__name__}")


def namespace(device="cpu"):
    """The array namespace for a device name ('cpu', or 'cuda' where CuPy is installed)."""
    try:
        return _DEVICES[device]
    except KeyError:
        raise RuntimeError(f"Expected one of cpu, cuda device type at start of device string: {device}\n"
                           "autograd_widgets only knows the 'cpu' device in this build.") from None


def device_of(a):
    """The device name of array `a`."""
    return "cpu" if ns(a) is numpy else "cuda"


def asarray(data, dtype=None, device="cpu", copy=None):
    """An array on `device` from nested lists, scalars or arrays."""
    xp = namespace(device)
    if copy:
        return xp.array(data, dtype=dtype, copy=True)
    return xp.asarray(data, dtype=dtype)


def to_host(a):
    """A NumPy array with the values of `a` (for printing and display only)."""
    return a if isinstance(a, numpy.ndarray) else a.get() if hasattr(a, "get") else numpy.asarray(a)


def is_array(a):
    return isinstance(a, numpy.ndarray) or hasattr(a, "__array_namespace__")


def scatter_add(target, index, values):
    """target[index] += values, summing where `index` repeats (index_put_ with accumulate)."""
    xp = ns(target)
    if xp is numpy:
        numpy.add.at(target, index, values)
    else:
        xp.add.at(target, index, values)
    return target


def random_state(seed=None):
    return numpy.random.default_rng(seed)


# dtype handles of the host library; dtypes.py maps them to torch-like dtype objects
float32, float64, int64, int32, bool_, float16 = (numpy.float32, numpy.float64, numpy.int64,
                                                    numpy.int32, numpy.bool_, numpy.float16)
host_dtype = numpy.dtype
promote_types = numpy.promote_types
finfo = numpy.finfo
