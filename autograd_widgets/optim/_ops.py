"""The in-place tensor arithmetic of PyTorch's optimizer formulas, on arrays, rounded as ATen's CPU kernels round.

Each function writes into its first array (the tensor PyTorch's method would change) and takes Python
numbers as PyTorch takes Scalars: converted to the array's dtype first. Where ATen's kernels compute a
fused multiply-add (`add_` with alpha, `addcmul_`, `lerp_`), so do these: the product and sum are formed
in float64 (exact for a float32 product) and rounded to float32 once. Square roots differ from PyTorch's
CPU build by at most one unit in the last place (it calls MKL's vsSqrt, which is not correctly rounded).
"""
from .. import backend as B


def _scalar(a, value):
    return a.dtype.type(value)


def _fma_into(a, x, y, z):
    """a[...] = x * y + z rounded once to `a`'s dtype (float32); float64 arrays round twice.

    The float32 path widens as it multiplies and writes the rounded sum straight into `a`: one wide
    temporary, no extra copies (this is most of an SGD step on large layers).
    """
    if a.dtype.itemsize >= 8:
        a[...] = x * y + z
        return a
    xp = B.ns(a)
    wide = xp.asarray(xp.multiply(x, y, dtype=B.float64))  # a 0-d product comes back as a scalar
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
