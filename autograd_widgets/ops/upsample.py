"""F.interpolate's nearest, nearest-exact and (bi)linear modes.

Each is linear and separable: along every spatial dim the output is a small matrix M (out × in)
applied to the input, so forward is x·M per dim and the gradient is g·Mᵀ per dim (the
`...BackwardBackward0` op, whose own gradient is the forward again). M follows aten's index
and weight rules (area_pixel_compute_source_index, nearest_idx), including float32 scales.
"""
import math

from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor

_HOST = B.namespace("cpu")


def _matrix(n_in, n_out, scale, mode, align_corners):
    """M (n_out × n_in) of one dim; `scale` is the user's scale_factor for it, or None."""
    m = _HOST.zeros((n_out, n_in))
    dst = _HOST.arange(n_out)
    if mode in ("nearest", "nearest-exact"):
        s = _HOST.float32(1.0 / scale) if scale else _HOST.float32(n_in) / _HOST.float32(n_out)  # aten: a float
        offset = _HOST.float32(0.5) if mode == "nearest-exact" else _HOST.float32(0.0)
        src = _HOST.minimum(_HOST.floor((dst.astype(_HOST.float32) + offset) * s).astype(int), n_in - 1)
        m[dst, src] = 1.0
        return m
    if align_corners:
        s = (n_in - 1) / (n_out - 1) if n_out > 1 else 0.0
        src = dst * s
    else:
        s = 1.0 / scale if scale else n_in / n_out
        src = _HOST.maximum(s * (dst + 0.5) - 0.5, 0.0)
    lo = src.astype(int)
    hi = lo + (lo < n_in - 1)
    w_hi = src - lo
    _HOST.add.at(m, (dst, lo), 1.0 - w_hi)
    _HOST.add.at(m, (dst, hi), w_hi)
    return m


def _apply(a, matrices, transpose):
    """a with M (or Mᵀ) applied along each of its trailing spatial dims."""
    xp = B.ns(a)
    k = len(matrices)
    for i, m in enumerate(matrices):
        m = B.asarray(m.T if transpose else m, dtype=a.dtype, device=B.device_of(a))
        axis = a.ndim - k + i
        a = xp.moveaxis(xp.matmul(m, xp.moveaxis(a, axis, -2)), -2, axis)
    return a


def _upsample_nodes(name):
    def forward(ctx, a, matrices):
        ctx.matrices = matrices
        return _apply(a, matrices, False)

    def backward(ctx, g):
        return (grad_cls.apply(g, matrices=ctx.matrices),)

    def grad_forward(ctx, g, matrices):
        ctx.matrices = matrices
        return _apply(g, [m.T for m in matrices], False)

    def grad_backward(ctx, gg):
        return (cls.apply(gg, matrices=ctx.matrices),)

    cls = type(name, (Op,), {"args": ("self",), "forward": forward, "backward": backward, "__module__": __name__})
    grad_cls = type(name.replace("Backward0", "BackwardBackward0"), (Op,),
                    {"args": ("grad_output",), "forward": grad_forward, "backward": grad_backward,
                     "__module__": __name__})
    return cls


_NODES = {(mode, d): _upsample_nodes(f"Upsample{kind}{d}DBackward0")
          for mode, kind in (("nearest", "Nearest"), ("nearest-exact", "NearestExact"), ("linear", "Linear"),
                             ("bilinear", "Bilinear")) for d in (1, 2)}
_LINEAR_RANK = {"linear": 3, "bilinear": 4}


def interpolate(input: Tensor, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False) -> Tensor:
    if mode not in ("nearest", "nearest-exact", "linear", "bilinear") or antialias:
        raise errors.not_supported(f"torch.nn.functional.interpolate with mode='{mode}'"
                                   + (" and antialias=True" if antialias else ""))
    if align_corners is not None and mode not in _LINEAR_RANK:
        raise ValueError("align_corners option can only be set with the interpolating modes: "
                         "linear | bilinear | bicubic | trilinear")
    dims = input.ndim - 2
    if mode in _LINEAR_RANK and input.ndim != _LINEAR_RANK[mode] or dims not in (1, 2):
        raise errors.not_supported(f"torch.nn.functional.interpolate of a {input.ndim}-D input with mode='{mode}'")
    if (size is None) == (scale_factor is None):
        raise ValueError("either size or scale_factor should be defined" if size is None else
                         "only one of size or scale_factor should be defined")
    in_sizes = tuple(input.shape[2:])
    if size is not None:
        sizes = tuple(size) if isinstance(size, (tuple, list)) else (size,) * dims
        scales = (None,) * dims
    else:
        scales = tuple(scale_factor) if isinstance(scale_factor, (tuple, list)) else (scale_factor,) * dims
        sizes = tuple(math.floor(float(n * s)) for n, s in zip(in_sizes, scales))
        if recompute_scale_factor:
            scales = (None,) * dims
    matrices = [_matrix(n, o, s, mode, bool(align_corners)) for n, o, s in zip(in_sizes, sizes, scales)]
    return _NODES[mode, dims].apply(input, matrices=matrices)
