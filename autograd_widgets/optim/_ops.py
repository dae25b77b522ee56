"""The in-place tensor arithmetic of PyTorch's optimizer formulas, on arrays, rounded as ATen's CPU kernels round.

Each function writes into its first array (the tensor PyTorch's method would change) and takes Python
numbers as PyTorch takes Scalars: converted to the array's dtype first. Where ATen's kernels compute a
fused multiply-add (`add_` with alpha, `addcmul_`, `lerp_`), so do these on the host (fused.fma32: the
float32 result rounded once). Square roots differ from PyTorch's CPU build by at most one unit in the
last place (it calls MKL's vsSqrt, which is not correctly rounded).
"""
from .. import backend as B
from ..fused import fma32


def _scalar(a, value):
    return a.dtype.type(value)


def _fma_into(a, x, y, z):
    """a[...] = x * y + z rounded once to `a`'s dtype (float32), as ATen's CPU kernels (compiled to FMA
    instructions) round it. float64 arrays round the product and the sum apart; float32 ones on a GPU round
    the exact double sum to float32, twice in all (wrong in the last place in about one case in 2**29)."""
    if a.dtype.itemsize >= 8:
        a[...] = x * y + z
        return a
    if B.device_of(a) == "cpu":
        a[...] = fma32(x, y, z)
        return a
    xp = B.ns(a)
    wide = xp.asarray(xp.multiply(x, y, dtype=B.float64))  # exact; a 0-d product comes back as a scalar
    xp.add(wide, z, out=wide)
    xp.copyto(a, wide, casting="same_kind")
    return a


def add_(a, b, alpha=1):
    """a.add_(b, alpha=alpha): a + alpha * b."""
    if alpha != 1:
        return _fma_into(a, _scalar(a, alpha), b, a)
    a += b
    return a


def add(a, b, alpha=1):
    """a.add(b, alpha=alpha), a new array."""
    return add_(a.copy(), b, alpha)


def mul_(a, value):
    a *= _scalar(a, value)
    return a


def addcmul_(a, t1, t2, value=1):
    """a.addcmul_(t1, t2, value=value): a + (value * t1) * t2, the last product fused with the sum."""
    return _fma_into(a, _scalar(a, value) * t1, t2, a)


def addcdiv_(a, t1, t2, value=1):
    """a.addcdiv_(t1, t2, value=value): a + (value * t1) / t2."""
    a += (_scalar(a, value) * t1) / t2
    return a


def lerp_(a, end, weight):
    """a.lerp_(end, weight) as ATen computes it: from the nearer end, with one fused multiply-add."""
    w = _scalar(a, weight)
    if abs(w) < 0.5:
        return _fma_into(a, w, end - a, a)
    return _fma_into(a, w - _scalar(a, 1), end - a, end)


def sqrt(a):
    return B.ns(a).sqrt(a)


def div(a, value):
    """a / value for a Python number."""
    return a / _scalar(a, value)


def add_scalar_(a, value):
    a += _scalar(a, value)
    return a


def maximum_(a, b):
    """torch.maximum(a, b, out=a)."""
    B.ns(a).maximum(a, b, out=a)
    return a
