"""The float32 arithmetic of PyTorch's AVX2 `randn` kernel, lane for lane, on host arrays.

`normal_fill_16_AVX2` (aten/src/ATen/native/cpu/DistributionTemplates.h) turns 16 uniforms into 16
normals by Box-Muller with `log256_ps` and `sincos256_ps` from avx_mathfun.h: Cephes float32
polynomials, compiled with GCC's FMA contraction. Each step below is one correctly rounded float32
operation or one fused multiply-add, in the order that code performs them, so the results are its bits.
"""
from . import backend as B

H = B.namespace("cpu")
f32, f64 = H.float32, H.float64


def fma32(a, b, c):
    """a*b + c rounded once to float32 (what `vfmadd` does), from float32 arrays."""
    p = a.astype(f64) * b.astype(f64)         # exact: 24 + 24 bits fit in a double
    c = H.broadcast_to(H.asarray(c, dtype=f32), p.shape).astype(f64)
    s = p + c                                   # rounded to double; err keeps what was lost
    bb = s - p
    err = (p - (s - bb)) + (c - bb)
    r = s.astype(f32)
    # Double rounding errs only when s lands exactly halfway between two floats: let err break the tie.
    up = H.nextafter(r, H.asarray(H.inf, dtype=f32))
    down = H.nextafter(r, H.asarray(-H.inf, dtype=f32))
    r64 = r.astype(f64)
    other = H.where(s > r64, up, down)
    tie = (s != r64) & (s == (r64 + other.astype(f64)) / 2) & (err != 0)
    toward = H.where(err > 0, H.maximum(r, other), H.minimum(r, other))
    return H.where(tie, toward, r).astype(f32)


def _c(x):
    return f32(x)


_LOG_P = [_c(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
                          -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1)]


def log_ps(x):
    """log256_ps: natural log of float32 lanes (NaN for x <= 0)."""
    x = x.astype(f32)
    invalid = x <= 0
    x = H.maximum(x, _c(1.17549435e-38))       # cut off denormals
    bits = x.view(H.uint32)
    e = ((bits >> H.uint32(23)).astype(H.int32) - 0x7F).astype(f32) + _c(1)
    x = ((bits & H.uint32(0x807FFFFF)) | H.uint32(0x3F000000)).view(f32)   # mantissa in [0.5, 1)
    mask = x < _c(0.707106781186547524)
    tmp = H.where(mask, x, _c(0))
    x = x - _c(1)
    e = e - H.where(mask, _c(1), _c(0))
    x = x + tmp
    z = x * x
    y = fma32(H.full_like(x, _LOG_P[0]), x, _LOG_P[1])
    for p in _LOG_P[2:]:
        y = fma32(y, x, p)
    y = y * x
    y = fma32(y, z, e * _c(-2.12194440e-4))
    y = fma32(-z, H.full_like(z, _c(0.5)), y)
    x = x + y
    x = fma32(e, H.full_like(e, _c(0.693359375)), x)
    return H.where(invalid, f32(H.nan), x)


def sincos_ps(x):
    """sincos256_ps: (sin, cos) of float32 lanes."""
    x = x.astype(f32)
    sign_in = x.view(H.uint32) & H.uint32(0x80000000)
    x = H.abs(x)
    j = (x * _c(1.27323954473516)).astype(H.int32)             # 4/pi, truncated toward zero
    j = (j + 1) & ~1
    y = j.astype(f32)
    swap_sign_sin = ((j & 4) << 29).astype(H.uint32)
    poly_mask = (j & 2) == 0
    x = fma32(y, H.full_like(y, _c(-0.78515625)), x)
    x = fma32(y, H.full_like(y, _c(-2.4187564849853515625e-4)), x)
    x = fma32(y, H.full_like(y, _c(-3.77489497744594108e-8)), x)
    sign_cos = ((~(j - 2) & 4) << 29).astype(H.uint32)
    sign_sin = sign_in ^ swap_sign_sin
    z = x * x
    yc = fma32(H.full_like(z, _c(2.443315711809948E-005)), z, _c(-1.388731625493765E-003))
    yc = fma32(yc, z, _c(4.166664568298827E-002))
    yc = yc * z
    yc = fma32(yc, z, -(z * _c(0.5)))
    yc = yc + _c(1)
    ys = fma32(H.full_like(z, _c(-1.9515295891E-4)), z, _c(8.3321608736E-3))
    ys = fma32(ys, z, _c(-1.6666654611E-1))
    ys = ys * z
    ys = fma32(ys, x, x)
    zero = _c(0)
    sin = H.where(poly_mask, ys, zero) + H.where(poly_mask, zero, yc)
    cos = H.where(poly_mask, yc, zero) + H.where(poly_mask, zero, ys)
    return (sin.view(H.uint32) ^ sign_sin).view(f32), (cos.view(H.uint32) ^ sign_cos).view(f32)


def box_muller_16(blocks, mean, std):
    """normal_fill_16_AVX2 over rows of 16 uniforms (an (m, 16) float32 array): lanes j and j+8 pair up."""
    u1 = _c(1) - blocks[:, :8]
    u2 = blocks[:, 8:]
    radius = H.sqrt(_c(-2) * log_ps(u1))
    theta = f32(2.0 * 3.141592653589793) * u2
    sin, cos = sincos_ps(theta)
    n = H.concatenate([radius * cos, radius * sin], axis=1)
    return fma32(n, H.full_like(n, f32(std)), f32(mean))
