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
    """a*b + c for float32 arrays (scalars broadcast), rounded once to float32.

    The product of two float32 values is exact in double; the double sum s is rounded once more, which can
    only mislead the final rounding when s lands exactly on a float32 midpoint (the 29 bits float64 keeps
    below float32's mantissa are 1000...0) or below float32's normal range. Only those few elements are
    redone exactly: summed rounding to odd, which double rounding cannot mislead (53 > 2 * 24 + 1 bits).
    """
    a, b, c = (H.asarray(v, dtype=H.float32) for v in (a, b, c))
    s = H.asarray(H.multiply(a, b, dtype=H.float64))
    s = H.asarray(H.add(s, c, out=s) if s.shape == H.broadcast_shapes(s.shape, c.shape) else s + c)
    bits = s.view(H.int64)
    doubtful = ((bits & _BELOW_FLOAT32) == _FLOAT32_HALF_ULP) | ((H.abs(s) < _FLOAT32_TINY) & (s != 0))
    if doubtful.any():
        p, c = H.broadcast_arrays(H.multiply(a, b, dtype=H.float64), c.astype(H.float64))
        s = H.broadcast_to(s, p.shape).copy()
        s[doubtful] = _sum_to_odd(p[doubtful], c[doubtful])
    return s.astype(H.float32)


_BELOW_FLOAT32 = (1 << 29) - 1      # the float64 mantissa bits float32 has no room for
_FLOAT32_HALF_ULP = 1 << 28         # ... holding exactly half a float32 unit: a midpoint
_FLOAT32_TINY = 2.0 ** -126         # float32's smallest normal number; below it midpoints sit elsewhere


def fma64(a, b, c):
    """a*b + c for float64 arrays (scalars broadcast)."""
    a, b, c = H.broadcast_arrays(*(H.asarray(v, dtype=H.float64) for v in (a, b, c)))
    uh, ul = _two_product(a, b)
    th, tl = _two_sum(c, uh)
    return th + _sum_to_odd(tl, ul)


def one_minus_square(y):
    """1 − y·y rounded once, as ATen's tanh_backward computes it (a fused multiply-add), for float32 host
    arrays; other arrays as their library computes it (two roundings: float64 keeps its last bit).

    y·y is exact in float64, and 1 − y·y too where |y| >= 2**-3, so one rounding to float32 is the fused
    result. Below that the double's rounding can only mislead the float32 one onto a float32 midpoint;
    those few elements (where 1 − y·y lies in (1 − 2**-6, 1], spaced 2**-24) are rounded from y·y directly."""
    if type(y) is not H.ndarray or y.dtype != H.float32:  # (CuPy's kernels round as they do)
        return B.one(y) - y * y
    t = H.square(y, dtype=H.float64)
    H.subtract(1.0, t, out=t)
    out = t.astype(H.float32)
    bits = t.view(H.int64)
    H.bitwise_and(bits, _BELOW_FLOAT32, out=bits)
    doubtful = H.flatnonzero(bits == _FLOAT32_HALF_ULP)
    if doubtful.size:  # (a true tie, where 1 − y·y was exact, is rounded right already)
        q = H.square(y.reshape(-1)[doubtful], dtype=H.float64)
        doubtful, q = doubtful[q < 2.0 ** -6], q[q < 2.0 ** -6]
        out.reshape(-1)[doubtful] = 1.0 - H.rint(q * 2.0 ** 24) * 2.0 ** -24  # ties to even, as the FMA's
    return out
