"""torch.logspace (base ** linspace(start, end, steps)) and torch.empty_strided."""
from . import backend as B
from . import dtypes, errors
from .creation import _finish, empty
from .device import type_of as _device


def logspace(start, end, steps, base=10.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    d = dtype or dtypes.default_float()
    xp = B.namespace(_device(device))
    exponents = xp.linspace(float(start), float(end), steps, dtype=B.float64)
    values = B.quietly(lambda: float(base) ** exponents)  # as PyTorch: overflow gives inf, silently
    if d.is_floating_point:
        return _finish(values.astype(d.array_dtype), requires_grad)
    return _finish(xp.trunc(values).astype(d.array_dtype), requires_grad)


def empty_strided(size, stride, *, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """An uninitialised tensor of `size` (here zeros, laid out row-major: `stride` is checked, not kept)."""
    if len(size) != len(stride):
        raise errors.runtime(f"dimensionality of sizes ({len(size)}) must match dimensionality of strides "
                             f"({len(stride)})", "Give one stride per dimension.")
    return empty(tuple(size), dtype=dtype, device=device, requires_grad=requires_grad)
