"""The values of torch.arange and torch.linspace, bit for bit as PyTorch's CPU kernels compute them
(aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp).

GCC compiles their `start + step * i` to one fused multiply-add, and arange writes whole SIMD vectors
(8 float32 or 4 float64 lanes) from a base value rounded to the tensor's dtype, so NumPy's own arange and
linspace differ from PyTorch's in the last bit for most inputs (and a learner sees it: cos of linspace's
pi/2 prints -3.5763e-07 in PyTorch). Arrays here are host arrays; creation.py moves them to a device.
"""
import math

from . import backend as B
from . import errors
from .fused import fma32, fma64

H = B.namespace("cpu")
_GRAIN = 32768  # at::internal::GRAIN_SIZE: parallel_for splits a longer range among the threads


def _significant_bits(x: float) -> int:
    """How many bits of x's mantissa are in use (0 for zero): a product with an integer below 2**k is
    exact in a p-bit mantissa when this plus k is at most p."""
    if not math.isfinite(x) or x == 0:
        return 0 if x == 0 else 64
    m = int(abs(math.frexp(x)[0]) * 2 ** 53)
    return 53 - ((m & -m).bit_length() - 1)


def _fma(a, b, c, dtype, exact_products=False):
    """a*b + c rounded once, in float32 or float64 (`dtype`); inf, nan and signed zeros as plain arithmetic
    gives them (a zero sum means a*b was exact, so the plain result is the fused one there). With
    `exact_products` (a*b known to be exact: a short step times small integers), the plain sum is that."""
    if exact_products:
        return H.asarray(H.add(H.multiply(a, b, dtype=dtype), H.asarray(c, dtype=dtype)), dtype=dtype)
    fused = fma32(a, b, c) if dtype == H.float32 else fma64(a, b, c)
    bad = ~H.isfinite(fused) | (fused == 0)
    if bad.any():  # the exact method's splitting overflows near inf and loses the sign of a zero
        plain = H.asarray(H.add(H.multiply(a, b, dtype=dtype), H.asarray(c, dtype=dtype)), dtype=dtype)
        fused = H.where(bad, H.broadcast_to(plain, fused.shape), fused)
    return H.asarray(fused, dtype=dtype)


def _chunks(n: int, threads: int) -> "list[tuple[int, int]]":
    """The [begin, end) pieces at::parallel_for gives each thread (OpenMP build)."""
    if n < _GRAIN or threads <= 1:
        return [(0, n)]
    parts = min(threads, -(-n // _GRAIN))
    size = -(-n // parts)
    return [(b, min(n, b + size)) for b in range(0, n, size)]


def arange_values(start: float, step: float, n: int, dtype, threads: int):
    """torch.arange's n float values: accumulated in double (ATen's acc_type), each vector of `lanes`
    values counted from its first value rounded to `dtype`, the leftover values each from start."""
    lanes = 32 // H.dtype(dtype).itemsize  # AVX2 vectors
    exact = _significant_bits(step) + max(n, lanes).bit_length() <= 53  # step * i exact: no fusing to do
    out = H.empty(n, dtype)
    for begin, end in _chunks(n, threads):
        vec = (end - begin) // (2 * lanes) * (2 * lanes)  # cpu_serial_kernel_vec: two vectors per turn
        if vec:
            firsts = begin + H.arange(0, vec, lanes, dtype=H.float64)
            base = _fma(step, firsts, start, H.float64, exact).astype(dtype).astype(H.float64)
            k = H.arange(lanes, dtype=H.float64)
            block = _fma(k[None, :], step, base[:, None], H.float64, exact)
            block[:, 0] = base           # base + 0 * step and base + step are no multiply-adds
            block[:, 1] = base + step
            out[begin:begin + vec] = block.astype(dtype).ravel()
        rest = H.arange(begin + vec, end, dtype=H.float64)
        out[begin + vec:end] = _fma(step, rest, start, H.float64, exact).astype(dtype)
    return out


def linspace_values(start, end, steps: int, dtype):
    """torch.linspace's values: the first half counted up from start, the rest down from end, in `dtype`'s
    own arithmetic for float32/float64 (each float16 operation rounding on its own, as c10::Half's), in double
    (then truncated) for integer dtypes. Between infinities that gives PyTorch's nan."""
    if steps < 0:
        raise errors.runtime("number of steps must be non-negative",
                             "steps is how many numbers linspace gives, from start to end: 0 or more.")
    dt = H.dtype(dtype)
    if steps <= 1:  # PyTorch fills start, without its kernel
        return H.full(steps, start, dtype=dt)
    if dt.kind == "b":
        raise errors.not_implemented("\"linspace_cpu\" not implemented for 'Bool'",
                                     "linspace makes numbers between start and end; make them in a number dtype "
                                     "and compare (torch.linspace(0, 1, 5) > 0.5) for a mask.")
    return B.quietly(_linspace, start, end, steps, dt)  # inf - inf is nan silently, as in C++


def _linspace(start, end, steps, dt):
    i = H.arange(steps)
    up = i < steps // 2
    if dt.kind == "f" and dt.itemsize == 2:  # float16: every operation rounds to float16
        h = dt.type
        step = (h(end) - h(start)) / h(steps - 1)
        return H.where(up, h(start) + step * i.astype(dt), h(end) - step * (steps - 1 - i).astype(dt))
    work = dt if dt.kind == "f" else H.dtype(H.float64)
    first, last = work.type(start), work.type(end)
    step = work.type(work.type(last - first) / work.type(steps - 1))
    k = H.where(up, i, steps - 1 - i).astype(work)
    exact = _significant_bits(float(step)) + steps.bit_length() <= (24 if work == H.float32 else 53)
    values = H.where(up, _fma(step, k, first, work, exact), _fma(-step, k, last, work, exact))
    return values.astype(dt)

