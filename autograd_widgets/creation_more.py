"""torch.logspace: base ** linspace(start, end, steps)."""
from . import backend as B
from . import dtypes
from .creation import _finish
from .device import type_of as _device


def logspace(start, end, steps, base=10.0, *, dtype=None, layout=None, device=None, requires_grad=False):
    d = dtype or dtypes.default_float()
    xp = B.namespace(_device(device))
    exponents = xp.linspace(float(start), float(end), steps, dtype=B.float64)
    values = B.quietly(lambda: float(base) ** exponents)  # as PyTorch: overflow gives inf, silently
    if d.is_floating_point:
        return _finish(values.astype(d.array_dtype), requires_grad)
    return _finish(xp.trunc(values).astype(d.array_dtype), requires_grad)
