"""torch.linspace's numbers as PyTorch's CPU kernel computes them, to the last bit.

The kernel (RangeFactoriesKernel.cpp) takes step = (end - start) / (steps - 1) in the dtype (double for
integer dtypes), then start + step·i for the first half and end - step·(steps - 1 - i) for the rest. Built for
AVX2 with FMA, the compiler fuses each multiply-add into one rounding, so float32 and float64 are computed
here as fused too; float16 rounds after each operation (c10::Half's operators). Between infinities the same
formula gives PyTorch's nan where NumPy's linspace would give inf.
"""
from . import backend as B
from . import errors


def linspace_values(xp, start, end, steps: int, dt):
    """The `steps` numbers of torch.linspace(start, end) in array dtype `dt`, on namespace `xp` (numpy or cupy).
    `start` and `end` are already converted to dt's range (an int for an integer dtype)."""
    if steps < 0:
        raise errors.runtime("number of steps must be non-negative",
                             "steps is how many numbers linspace gives, from start to end: 0 or more.")
    if steps <= 1:  # PyTorch fills start, without its kernel
        return xp.full(steps, start, dtype=dt)
    if dt.kind == "b":
        raise errors.not_implemented("\"linspace_cpu\" not implemented for 'Bool'",
                                     "linspace makes numbers between start and end; make them in a number dtype "
                                     "and compare (torch.linspace(0, 1, 5) > 0.5) for a mask.")
    return B.quietly(_values, xp, start, end, steps, dt)  # inf - inf is nan silently, as in C++


def _values(xp, start, end, steps, dt):
    i = xp.arange(steps)
    first = i < steps // 2
    back = (steps - 1 - i).astype(B.float64)
    if dt.kind == "f" and dt.itemsize == 2:  # each Half operation rounds to float16
        h = dt.type
        step = (h(end) - h(start)) / h(steps - 1)
        return xp.where(first, h(start) + step * i.astype(dt), h(end) - step * back.astype(dt))
    if dt.kind == "f" and dt.itemsize == 4:  # a float32 product is exact in double: one rounding of the sum
        f = dt.type
        step = B.float64((f(end) - f(start)) / f(steps - 1))
        values = xp.where(first, B.float64(f(start)) + step * i, B.float64(f(end)) - step * back)
        return values.astype(dt)
    step = (float(end) - float(start)) / (steps - 1)  # double: for float64 and for integer dtypes (then truncated)
    values = xp.where(first, _fma(xp, step, i.astype(B.float64), float(start)),
                      _fma(xp, -step, back, float(end)))
    return values.astype(dt)


def _fma(xp, a: float, b, c: float):
    """a·b + c with one rounding, for double `a`, `c` and a double array `b` of whole numbers: the product's
    rounding error found exactly (Dekker's split), then added with the sum's (Knuth's two-sum)."""
    p = a * b
    s = p + c
    a_hi = a * 134217729.0
    a_hi -= a_hi - a
    b_hi = b * 134217729.0
    b_hi = b_hi - (b_hi - b)
    product_error = ((a_hi * b_hi - p) + a_hi * (b - b_hi) + (a - a_hi) * b_hi) + (a - a_hi) * (b - b_hi)
    z = s - p
    sum_error = (p - (s - z)) + (c - z)
    correction = product_error + sum_error
    exact = (correction == 0) | ~xp.isfinite(correction)  # then the plain sum is the fused one (and keeps -0.0)
    return xp.where(exact, s, s + correction)
