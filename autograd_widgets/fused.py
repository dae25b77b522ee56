"""Fused multiply-add on host arrays: a*b + c rounded once, as the FMA instructions PyTorch's CPU kernels
are compiled to (GCC contracts `x * y + z`) round it. NumPy rounds the product first, so it is emulated:
exactly, with error-free transformations and rounding to odd (Boldo and Melquiond, 2008).
"""
from . import backend as B

H = B.namespace("cpu")


def _two_sum(a, b):
    """s = a + b rounded, and the exact error: a + b == s + err."""
    s = a + b
    bb = s - a
    return s, (a - (s - bb)) + (b - bb)


def _two_product(a, b):
    """p = a * b rounded, and the exact error (Veltkamp's split into 26-bit halves)."""
    p = a * b
    ca, cb = a * 134217729.0, b * 134217729.0
    ah, bh = ca - (ca - a), cb - (cb - b)
    al, bl = a - ah, b - bh
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _sum_to_odd(a, b):
    """a + b rounded to odd: when inexact, the neighbour whose last mantissa bit is 1."""
    s, err = _two_sum(a, b)
    bits = s.view(H.int64)
    step = H.where((err > 0) == (s > 0), 1, -1).astype(H.int64)
    return H.where((err != 0) & ((bits & 1) == 0), bits + step, bits).view(H.float64)


def fma32(a, b, c):
    """a*b + c for float32 arrays (scalars broadcast): the product is exact in double, the sum rounded to
    odd in double then to float32, which rounds correctly since double carries more than 2 * 24 + 1 bits."""
    a, b, c = (H.asarray(v, dtype=H.float32).astype(H.float64) for v in (a, b, c))
    return _sum_to_odd(*H.broadcast_arrays(a * b, c)).astype(H.float32)


def fma64(a, b, c):
    """a*b + c for float64 arrays (scalars broadcast)."""
    a, b, c = H.broadcast_arrays(*(H.asarray(v, dtype=H.float64) for v in (a, b, c)))
    uh, ul = _two_product(a, b)
    th, tl = _two_sum(c, uh)
    return th + _sum_to_odd(tl, ul)
