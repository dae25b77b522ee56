"""PyTorch's CPU sampling kernels on host arrays: the same draws from the stream, the same arithmetic.

Each function takes a `random.Generator` and returns a flat host array of `n` values, consuming the
stream as ATen's kernel does (DistributionsHelper.h, TransformationHelper.h, cpu/DistributionTemplates.h):
one 32-bit draw per float32 element, a 64-bit draw (two words) per float64 element, and so on.
"""
import math
from fractions import Fraction

from . import backend as B
from .avx_mathfun import box_muller_16, fma32

H = B.namespace("cpu")
_DIGITS = {"float16": 11, "float32": 24, "float64": 53}   # std::numeric_limits<T>::digits
_INT_MAX = {"int64": (1 << 63) - 1, "int32": (1 << 31) - 1, "int16": (1 << 15) - 1, "int8": 127, "uint8": 255,
            "bool": 1}


def _uniform01(gen, n, dtype):
    """uniform_real_distribution<T>(0, 1): the top `digits` bits of a draw scaled into [0, 1)."""
    digits = _DIGITS[H.dtype(dtype).name]
    bits = gen._random64(n) if digits == 53 else gen._random(n)
    acc = H.float64 if digits == 53 else H.float32        # dist_acctype: float for half and float
    return (bits & H.uint64((1 << digits) - 1)).astype(acc) * acc(2.0 ** -digits)


def uniform(gen, n, dtype, low=0.0, high=1.0):
    """Tensor.uniform_(low, high): x * (to - from) + from, fused as the AVX2 build compiles it."""
    x = _uniform01(gen, n, dtype)
    acc = x.dtype.type
    lo, hi = H.dtype(dtype).type(low), H.dtype(dtype).type(high)
    span, lo = acc(acc(hi) - acc(lo)), acc(lo)
    if low == 0 and high == 1:
        return x.astype(dtype)
    if acc is H.float32:
        return fma32(x, H.full_like(x, span), lo).astype(dtype)
    return _fma64(x, span, lo)


def _fma64(a, b, c):
    """a*b + c rounded once, for float64 (exact rational arithmetic, element by element)."""
    fb, fc = Fraction(float(b)), Fraction(float(c))
    return H.array([float(Fraction(v) * fb + fc) for v in a.tolist()], dtype=H.float64)


def normal(gen, n, dtype, mean=0.0, std=1.0, contiguous=True):
    """Tensor.normal_(mean, std): the 16-wide Box-Muller fill for 16 or more contiguous elements, else
    one Box-Muller pair per two elements in double, the second kept in the generator for the next call."""
    name = H.dtype(dtype).name
    if n >= 16 and contiguous:
        if name == "float32":
            return _fill16(gen, n, H.float32, lambda u: box_muller_16(u, mean, std))
        return _fill16(gen, n, dtype, lambda u: _box_muller_16_libm(u, mean, std)).astype(dtype)
    out = H.empty(n, dtype=H.float64)
    for i in range(n):
        out[i] = _normal_double(gen, mean, std)
    return out.astype(dtype)


def _fill16(gen, n, dtype, convert):
    """normal_fill: uniforms for all n first, converted 16 at a time; a ragged end redraws the last 16."""
    u = _uniform01(gen, n, dtype).astype(dtype)
    k = n // 16 * 16
    out = H.empty(n, dtype=dtype)
    out[:k] = convert(u[:k].reshape(-1, 16)).reshape(-1)
    if n % 16:  # every element past k lies in the last 16
        out[n - 16:] = convert(_uniform01(gen, 16, dtype).astype(dtype).reshape(1, 16)).reshape(-1)
    return out


def _box_muller_16_libm(u, mean, std):
    """normal_fill_16 in double with the C library's log, cos and sin."""
    u1, u2 = 1 - u[:, :8], u[:, 8:]
    radius = H.sqrt(-2 * H.log(u1))
    theta = 2.0 * math.pi * u2
    n = H.concatenate([radius * H.cos(theta), radius * H.sin(theta)], axis=1).reshape(-1)
    if std == 1 and mean == 0:
        return n.reshape(u.shape)
    return _fma64(n, std, mean).reshape(u.shape)


def _normal_double(gen, mean, std):
    """at::normal_distribution<double>: Box-Muller on two 53-bit uniforms; the sine half is cached."""
    if gen._normal is not None:
        ret, gen._normal = gen._normal, None
    else:
        u1, u2 = (float(v) for v in _uniform01(gen, 2, H.float64))
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = 2.0 * math.pi * u1
        gen._normal = r * math.sin(theta)
        ret = r * math.cos(theta)
    if std == 1 and mean == 0:
        return ret
    return float(Fraction(ret) * Fraction(float(std)) + Fraction(float(mean)))


def random_from_to(gen, n, dtype, low, high):
    """Tensor.random_(low, high): draw % (high - low) + low; a 64-bit draw when the range is 2**28 or more."""
    span = int(high) - int(low)
    bits = gen._random64(n) if span >= 1 << 28 else gen._random(n)
    vals = (bits % H.uint64(span)).astype(H.int64) + H.int64(low) if span < (1 << 63) else \
        ((bits % H.uint64(span)) + H.uint64(int(low) & 0xFFFF_FFFF_FFFF_FFFF)).view(H.int64)
    return vals.astype(dtype)


def random_full(gen, n, dtype):
    """Tensor.random_(int64 min, None): every 64-bit pattern."""
    return gen._random64(n).view(H.int64).astype(dtype)


def random_default(gen, n, dtype):
    """Tensor.random_(): [0, max] for integers, [0, 2**digits] for floats, draw & 1 for bool."""
    name = H.dtype(dtype).name
    if name == "bool":
        return (gen._random(n) & H.uint64(1)).astype(dtype)
    if name in _DIGITS:
        modulus = (1 << _DIGITS[name]) + 1
    else:
        modulus = _INT_MAX[name] + 1
    bits = gen._random64(n) if name in ("float64", "int64") else gen._random(n)
    return (bits % H.uint64(modulus)).astype(dtype)


def bernoulli_scalar(gen, n, dtype, p):
    """Tensor.bernoulli_(p) with a float p: a 53-bit uniform per element, 1 where it is below p."""
    return (_uniform01(gen, n, H.float64) < p).astype(dtype)


def bernoulli_tensor(gen, p, dtype):
    """Tensor.bernoulli_(p_tensor): per element, a uniform of p's precision (double p: 53 bits, else 24)."""
    flat = p.reshape(-1)
    if flat.dtype == H.float64:
        u = _uniform01(gen, flat.size, H.float64)
    else:
        u = _uniform01(gen, flat.size, H.float32)
        flat = flat.astype(H.float32)
    return (u < flat).astype(dtype)


def exponential(gen, n, dtype, lambd=1.0):
    """Tensor.exponential_(lambd): -1/lambd * log1p(-u) in double, u a 53-bit uniform."""
    u = _uniform01(gen, n, H.float64)
    return ((-1.0 / lambd) * H.log1p(-u)).astype(dtype)


def randperm(gen, n):
    """torch.randperm(n): Fisher-Yates from the front, swapping i with i + draw % (n - i)."""
    perm = list(range(n))
    if n > 1:
        draws = gen._random(n - 1).tolist()
        for i, d in enumerate(draws):
            z = i + d % (n - i)
            perm[i], perm[z] = perm[z], perm[i]
    return H.array(perm, dtype=H.int64)


def multinomial(gen, probs, num_samples, replacement):
    """torch.multinomial on a (rows, categories) host array; returns (rows, num_samples) int64."""
    if not replacement or num_samples == 1:
        # ATen's fast path: argmax / top-k of p / q with q ~ Exp(1), drawn for every entry in order
        q = exponential(gen, probs.size, probs.dtype, 1.0).reshape(probs.shape)
        keys = probs / q
        order = H.argsort(-keys, axis=-1, kind="stable")
        return order[:, :num_samples].astype(H.int64)
    acc = H.float32 if probs.dtype != H.float64 else H.float64
    out = H.empty((probs.shape[0], num_samples), dtype=H.int64)
    for row, p in enumerate(probs.astype(acc)):
        cum = H.cumsum(p, dtype=acc)
        cum = cum / cum[-1]
        cum[-1] = 1
        u = _uniform01(gen, num_samples, H.float64)
        out[row] = H.searchsorted(cum.astype(H.float64), u, side="left")
    return out
