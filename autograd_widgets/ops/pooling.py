"""Max, average and adaptive pooling over 2 spatial dims (1-d pooling runs them over a height of 1).

Windows come from conv.py's `_windows` (fill -inf for max), gradients go back through its adjoint `_fold`.
"""
from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from .conv import _fold, _out_size, _pad, _prod, _tuple, _windows
from .pointwise import zeros_like


def _pool_geometry(x_shape, kernel_size, stride, padding, dilation, ceil_mode):
    dims = 2
    kernel = _tuple(kernel_size, dims)
    stride = _tuple(stride, dims) if stride is not None and stride != [] and stride != () else kernel
    pad, dilation = _tuple(padding, dims), _tuple(dilation, dims)
    for p, k, d in zip(pad, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise errors.runtime(f"pad should be at most half of effective kernel size, but got pad={p}, "
                                 f"kernel_size={k} and dilation={d}",
                                 "Padding wider than half the window would make windows of padding only.")
    out = _out_size(x_shape[-2:], [(p, p) for p in pad], kernel, stride, dilation, ceil_mode)
    if any(o <= 0 for o in out):
        c = x_shape[-3]
        raise errors.runtime(f"Given input size: ({c}x{x_shape[-2]}x{x_shape[-1]}). Calculated output size: "
                             f"({c}x{out[0]}x{out[1]}). Output size is too small",
                             "The window does not fit into the input; use a smaller kernel or pad the input.")
    # windows may run past the right edge in ceil_mode: pad the right side far enough
    pads = tuple((p, max(p, (o - 1) * s + d * (k - 1) + 1 - n - p))
                 for n, p, k, s, d, o in zip(x_shape[-2:], pad, kernel, stride, dilation, out))
    return kernel, stride, pads, dilation, out


class _Pool:
    """The geometry a pooling node keeps: kernel, stride, (lo, hi) pads, dilation, output size."""
    def __init__(self, x_shape, kernel_size, stride, padding, dilation, ceil_mode):
        self.kernel, self.stride, self.pads, self.dilation, self.out = _pool_geometry(
            x_shape, kernel_size, stride, padding, dilation, ceil_mode)
        self.padded = tuple(x_shape[:2]) + tuple(n + lo + hi for n, (lo, hi) in zip(x_shape[2:], self.pads))

    def windows(self, x, fill=0.0):
        cols = _windows(_pad(x, self.pads, fill), self.kernel, self.stride, self.dilation, self.out)
        return cols.reshape(x.shape[:2] + (-1,) + self.out)  # (N, C, kh·kw, oh, ow)

    def fold(self, cols):
        return _fold(cols.reshape(cols.shape[:2] + self.kernel + self.out), self.padded, self.pads, self.kernel,
                     self.stride, self.dilation, self.out)


def _batched(x):
    return x if x.ndim == 4 else x[None]


def max_pool_arrays(x, pool):
    """Maxima over each window, and their flat positions in the (unpadded) input plane, as PyTorch returns them."""
    xp = B.ns(x)
    x4 = _batched(x)
    cols = pool.windows(x4, -float("inf"))
    k = cols.argmax(axis=2)[:, :, None]
    out = xp.take_along_axis(cols, k, axis=2)[:, :, 0]
    kh, kw = k[:, :, 0] // pool.kernel[1], k[:, :, 0] % pool.kernel[1]
    (sh, sw), (dh, dw), (ph, pw) = pool.stride, pool.dilation, [lo for lo, _ in pool.pads]
    rows = xp.arange(pool.out[0])[:, None] * sh - ph + kh * dh
    cols_ = xp.arange(pool.out[1])[None, :] * sw - pw + kw * dw
    idx = (rows * x.shape[-1] + cols_).astype(B.int64)
    return out.reshape(x.shape[:-2] + pool.out), idx.reshape(x.shape[:-2] + pool.out)


class MaxPool2DWithIndicesBackward0(Op):
    args = saves = ("self",)
    def forward(ctx, x, pool):
        out, ctx.result1 = max_pool_arrays(x, pool)
        return out
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (ctx.grad_node.apply(g, x, indices=ctx.result1),)


class MaxPool2DWithIndicesBackwardBackward0(Op):
    """max_pool2d_with_indices_backward(grad_output, self, indices): each gradient added at its maximum's place."""
    args = ("grad_output", "self")
    def forward(ctx, g, x, indices):
        ctx.indices, ctx.self_sym_sizes = indices, x.shape
        xp = B.ns(g)
        n = _prod(x.shape[:-2])
        out = xp.zeros((n, x.shape[-2] * x.shape[-1]), dtype=g.dtype)
        B.scatter_add(out, (xp.arange(n)[:, None], indices.reshape(n, -1)), g.reshape(n, -1))
        return out.reshape(x.shape)
    def backward(ctx, gg):
        need = ctx.needs_input_grad
        xp, shape = B.ns(gg._data), ctx.self_sym_sizes
        n = _prod(shape[:-2])
        picked = None
        if need[0]:  # the second-order gradient reads gg at each maximum's place
            index = (xp.arange(n)[:, None], ctx.indices.reshape(n, -1))
            picked = gg.reshape(n, -1)[tuple(Tensor._make(i) for i in index)].reshape(ctx.indices.shape)
        return picked, (zeros_like(gg) if need[1] else None)


MaxPool2DWithIndicesBackward0.grad_node = MaxPool2DWithIndicesBackwardBackward0


def _avg_divisor(x_shape, pool, count_include_pad, divisor_override):
    """What each window's sum is divided by, per output position (aten's avg_pool2d rules)."""
    xp = B.namespace("cpu")
    if divisor_override:
        return float(divisor_override)
    counts = []
    for n, (lo, _), k, s, o in zip(x_shape[-2:], pool.pads, pool.kernel, pool.stride, pool.out):
        start = xp.arange(o) * s - lo
        end = xp.minimum(start + k, n + lo)
        size = end - start
        clipped = xp.minimum(end, n) - xp.maximum(start, 0)
        counts.append(size if count_include_pad else clipped)
    return (counts[0][:, None] * counts[1][None, :]).astype("float64")


class AvgPool2DBackward0(Op):
    args = saves = ("self",)
    def forward(ctx, x, pool, divisor):
        ctx.pool, ctx.divisor = pool, divisor
        div = divisor if isinstance(divisor, float) else B.asarray(divisor, dtype=x.dtype, device=B.device_of(x))
        return (pool.windows(_batched(x)).sum(axis=2) / div).reshape(x.shape[:-2] + pool.out).astype(x.dtype)
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (AvgPool2DBackwardBackward0.apply(g, x, pool=ctx.pool, divisor=ctx.divisor),)


class AvgPool2DBackwardBackward0(Op):
    """avg_pool2d_backward(grad_output, self): each gradient spread evenly over its window."""
    args = ("grad_output", "self")
    def forward(ctx, g, x, pool, divisor):
        ctx.pool, ctx.divisor = pool, divisor
        div = divisor if isinstance(divisor, float) else B.asarray(divisor, dtype=g.dtype, device=B.device_of(g))
        g4 = _batched(g) / div
        cols = B.ns(g).broadcast_to(g4[:, :, None], g4.shape[:2] + (_prod(pool.kernel),) + pool.out)
        return pool.fold(cols).reshape(x.shape)
    def backward(ctx, gg):
        need = ctx.needs_input_grad
        return (AvgPool2DBackward0.apply(gg, pool=ctx.pool, divisor=ctx.divisor) if need[0] else None), \
            (zeros_like(gg) if need[1] else None)


def _pool_input(input, name):
    if input.ndim not in (3, 4) or input.numel() == 0:
        raise errors.runtime("non-empty 3D or 4D (batch mode) tensor expected for input",
                             f"{name} takes (batch, channels, height, width) or (channels, height, width).")
    return (1,) + tuple(input.shape) if input.ndim == 3 else tuple(input.shape)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    pool = _Pool(_pool_input(input, "max_pool2d"), kernel_size, stride, padding, dilation, ceil_mode)
    out = MaxPool2DWithIndicesBackward0.apply(input, pool=pool)
    if not return_indices:
        return out
    idx = out.grad_fn.result1 if out.grad_fn is not None else max_pool_arrays(input._data, pool)[1]
    return out, Tensor._make(idx)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    shape = _pool_input(input, "avg_pool2d")
    pool = _Pool(shape, kernel_size, stride, padding, 1, ceil_mode)
    if divisor_override is not None and divisor_override == 0:
        raise errors.runtime("divisor must be not zero", "divisor_override divides each window's sum.")
    return AvgPool2DBackward0.apply(input, pool=pool,
                                    divisor=_avg_divisor(shape, pool, count_include_pad, divisor_override))


# --- adaptive average pooling ---------------------------------------------------------------
def _adaptive_regions(size, out):
    """aten's windows: output i averages input [⌊i·n/o⌋, ⌈(i+1)·n/o⌉)."""
    return [(i * size // out, -(-(i + 1) * size // out)) for i in range(out)]


class AdaptiveAvgPool2DBackward0(Op):
    args = saves = ("self",)
    def forward(ctx, x, output_size):
        ctx.output_size = output_size
        rows, cols = (_adaptive_regions(n, o) for n, o in zip(x.shape[-2:], output_size))
        out = B.ns(x).empty(x.shape[:-2] + tuple(output_size), dtype=x.dtype)
        for i, (r0, r1) in enumerate(rows):
            for j, (c0, c1) in enumerate(cols):
                out[..., i, j] = x[..., r0:r1, c0:c1].mean(axis=(-2, -1))
        return out
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (AdaptiveAvgPool2DBackwardBackward0.apply(g, x),)


class AdaptiveAvgPool2DBackwardBackward0(Op):
    """_adaptive_avg_pool2d_backward(grad_output, self): each gradient spread evenly over its region."""
    args = ("grad_output", "self")
    def forward(ctx, g, x):
        rows, cols = (_adaptive_regions(n, o) for n, o in zip(x.shape[-2:], g.shape[-2:]))
        ctx.output_size = g.shape[-2:]
        out = B.ns(g).zeros(x.shape, dtype=g.dtype)
        for i, (r0, r1) in enumerate(rows):
            for j, (c0, c1) in enumerate(cols):
                out[..., r0:r1, c0:c1] += (g[..., i, j] / ((r1 - r0) * (c1 - c0)))[..., None, None]
        return out
    def backward(ctx, gg):
        need = ctx.needs_input_grad
        return (AdaptiveAvgPool2DBackward0.apply(gg, output_size=ctx.output_size) if need[0] else None), \
            (zeros_like(gg) if need[1] else None)


class AdaptiveMaxPool2DBackwardBackward0(MaxPool2DWithIndicesBackwardBackward0):
    """adaptive_max_pool2d_backward(grad_output, self, indices)."""


def adaptive_max_arrays(x, output_size):
    """Maxima over aten's adaptive regions, and their flat positions in the input plane."""
    xp = B.ns(x)
    rows, cols = (_adaptive_regions(n, o) for n, o in zip(x.shape[-2:], output_size))
    out = xp.empty(x.shape[:-2] + tuple(output_size), dtype=x.dtype)
    idx = xp.empty(out.shape, dtype=B.int64)
    for i, (r0, r1) in enumerate(rows):
        for j, (c0, c1) in enumerate(cols):
            region = x[..., r0:r1, c0:c1].reshape(x.shape[:-2] + (-1,))
            k = region.argmax(axis=-1)
            out[..., i, j] = xp.take_along_axis(region, k[..., None], axis=-1)[..., 0]
            idx[..., i, j] = (r0 + k // (c1 - c0)) * x.shape[-1] + c0 + k % (c1 - c0)
    return out, idx


class AdaptiveMaxPool2DBackward0(MaxPool2DWithIndicesBackward0):
    grad_node = AdaptiveMaxPool2DBackwardBackward0
    def forward(ctx, x, output_size):
        out, ctx.result1 = adaptive_max_arrays(x, output_size)
        return out


def _adaptive_size(shape, output_size):
    size = _tuple(output_size, 2)
    return tuple(shape[2 + i] if s is None else s for i, s in enumerate(size))


def adaptive_max_pool2d(input, output_size, return_indices=False):
    size = _adaptive_size(_pool_input(input, "adaptive_max_pool2d"), output_size)
    out = AdaptiveMaxPool2DBackward0.apply(input, output_size=size)
    if not return_indices:
        return out
    idx = out.grad_fn.result1 if out.grad_fn is not None else adaptive_max_arrays(input._data, size)[1]
    return out, Tensor._make(idx)


def adaptive_avg_pool2d(input, output_size):
    size = _adaptive_size(_pool_input(input, "adaptive_avg_pool2d"), output_size)
    if size == (1, 1):  # PyTorch takes the mean
        return input.mean((-1, -2), keepdim=True)
    return AdaptiveAvgPool2DBackward0.apply(input, output_size=size)
