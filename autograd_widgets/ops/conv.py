"""Convolution and pooling over 1 or 2 spatial dims, as windows of the padded input (im2col) and a matmul.

A window array has shape (N, C, *kernel, *out): for each kernel offset, a strided slice of the
padded input. `_fold` is its adjoint (adds each offset's slice back), which gives the input
gradients of convolution and pooling.
"""
import itertools

from .. import backend as B
from .. import errors
from ..node import MultiOp, Op
from ..tensor import Tensor
from .pointwise import promote, zeros_like


def _tuple(v, n):
    return tuple(v) if isinstance(v, (tuple, list)) else (v,) * n


def _offset_slices(offset, stride, dilation, out):
    return tuple(slice(k * d, k * d + s * (o - 1) + 1, s) for k, s, d, o in zip(offset, stride, dilation, out))


def _pad(x, pads, value=0.0):
    """x (N, C, *spatial) padded by (lo, hi) per spatial dim."""
    if not any(lo or hi for lo, hi in pads):
        return x
    xp = B.ns(x)
    out = xp.full(x.shape[:2] + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], pads)), value, dtype=x.dtype)
    out[(slice(None), slice(None)) + tuple(slice(lo, lo + s) for s, (lo, _) in zip(x.shape[2:], pads))] = x
    return out


def _windows(xpad, kernel, stride, dilation, out):
    cols = B.ns(xpad).empty(xpad.shape[:2] + tuple(kernel) + tuple(out), dtype=xpad.dtype)
    lead = (slice(None), slice(None))
    for k in itertools.product(*[range(n) for n in kernel]):
        cols[lead + k] = xpad[lead + _offset_slices(k, stride, dilation, out)]
    return cols


def _fold(cols, padded_shape, pads, kernel, stride, dilation, out):
    """The adjoint of `_windows` followed by cropping the padding: window values added to where they came from."""
    xpad = B.ns(cols).zeros(padded_shape, dtype=cols.dtype)
    lead = (slice(None), slice(None))
    for k in itertools.product(*[range(n) for n in kernel]):
        xpad[lead + _offset_slices(k, stride, dilation, out)] += cols[lead + k]
    return xpad[lead + tuple(slice(lo, s - hi) for s, (lo, hi) in zip(padded_shape[2:], pads))]


def _out_size(size, pads, kernel, stride, dilation, ceil_mode=False):
    out = []
    for n, (lo, hi), k, s, d in zip(size, pads, kernel, stride, dilation):
        span = n + lo + hi - d * (k - 1) - 1
        o = (-(-span // s) if ceil_mode else span // s) + 1
        if ceil_mode and (o - 1) * s >= n + lo:  # the last window must start inside the input or left padding
            o -= 1
        out.append(o)
    return tuple(out)


# --- convolution ----------------------------------------------------------------------------
class _ConvParams:
    """stride, (lo, hi) padding per dim, dilation, groups: what every convolution node keeps."""
    def __init__(self, stride, pads, dilation, groups):
        self.stride, self.pads, self.dilation, self.groups = stride, pads, dilation, groups


def _conv_arrays(x, w, p):
    """(N, C, *S) ⋆ (O, C/G, *K) → (N, O, *out), and the window array (N, G, C/G·K, L) it used."""
    kernel, g = w.shape[2:], p.groups
    out = _out_size(x.shape[2:], p.pads, kernel, p.stride, p.dilation)
    cols = _windows(_pad(x, p.pads), kernel, p.stride, p.dilation, out)
    n, c = x.shape[:2]
    cols = cols.reshape(n, g, -1, _prod(out))
    y = B.ns(x).matmul(w.reshape(g, w.shape[0] // g, -1)[None], cols)
    return y.reshape((n, w.shape[0]) + out), cols, out


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


class ConvolutionBackward0(Op):
    """convolution(input, weight, bias, stride, padding, dilation, transposed=False, output_padding, groups)."""
    args, saves = ("input", "weight", "bias"), ("input", "weight")
    def forward(ctx, x, w, b, params):
        x, w = promote(x, w)
        ctx.params = params
        y = _conv_arrays(x, w, params)[0]
        return y if b is None else y + b.reshape((-1,) + (1,) * (x.ndim - 2))
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return ConvolutionBackwardBackward0.apply(g, x, w, params=ctx.params, output_mask=ctx.needs_input_grad)


class ConvolutionBackwardBackward0(MultiOp):
    """convolution_backward(grad_output, input, weight) → (grad_input, grad_weight, grad_bias), as output_mask asks."""
    args = saves = ("grad_output", "input", "weight")
    def forward(ctx, g, x, w, params, output_mask):
        ctx.params = params
        xp, p = B.ns(g), params
        n, groups, kernel = x.shape[0], p.groups, w.shape[2:]
        gi = gw = gb = None
        gm = g.reshape(n, groups, w.shape[0] // groups, -1)  # (N, G, O/G, L)
        if output_mask[0]:
            cols = xp.matmul(xp.swapaxes(w.reshape(groups, w.shape[0] // groups, -1), -1, -2)[None], gm)
            cols = cols.reshape(x.shape[:2] + tuple(kernel) + tuple(g.shape[2:]))
            padded = x.shape[:2] + tuple(s + lo + hi for s, (lo, hi) in zip(x.shape[2:], p.pads))
            gi = _fold(cols, padded, p.pads, kernel, p.stride, p.dilation, g.shape[2:])
        if output_mask[1]:
            cols = _conv_arrays(x, w, p)[1]
            gw = xp.matmul(gm, xp.swapaxes(cols, -1, -2)).sum(axis=0).reshape(w.shape)
        if len(output_mask) > 2 and output_mask[2]:
            gb = g.sum(axis=(0,) + tuple(range(2, g.ndim)))
        return gi, gw, gb
    def backward(ctx, ggi, ggw, ggb):
        """_convolution_double_backward: each output is bilinear in (grad_output, input or weight)."""
        g, x, w = ctx.saved_tensors
        need, p = ctx.needs_input_grad, ctx.params
        gg_out = gx = gw = None
        if need[0]:
            if ggi is not None:
                gg_out = ConvolutionBackward0.apply(ggi, w, ggb, params=p)
            elif ggb is not None:
                gg_out = zeros_like(g) + ggb.reshape((-1,) + (1,) * (g.ndim - 2))
            if ggw is not None:
                term = ConvolutionBackward0.apply(x, ggw, None, params=p)
                gg_out = term if gg_out is None else gg_out + term
        if need[1] and ggw is not None:
            gx = ConvolutionBackwardBackward0.apply(g, x, ggw, params=p, output_mask=(True, False))[0]
        if need[2] and ggi is not None:
            gw = ConvolutionBackwardBackward0.apply(g, ggi, w, params=p, output_mask=(False, True))[1]
        return gg_out, gx, gw


def convolution(input: Tensor, weight: Tensor, bias, stride, padding, dilation, groups, dims: int) -> Tensor:
    """conv1d (dims=1) / conv2d (dims=2) with PyTorch's checks; an unbatched input is unsqueezed and squeezed back."""
    name = f"conv{dims}d"
    if input.ndim not in (dims + 1, dims + 2):
        raise errors.runtime(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                             f"input of size: {list(input.shape)}",
                             f"{name} takes (batch, channels, {'length' if dims == 1 else 'height, width'}), or the "
                             "same without the batch dimension.")
    if input.ndim == dims + 1:
        out = convolution(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, dims)
        return out.squeeze(0)
    for label, v in (("stride", stride), ("dilation", dilation)) + ((("padding", padding),)
                                                                    if not isinstance(padding, str) else ()):
        if isinstance(v, (tuple, list)) and len(v) != weight.ndim - 2:
            raise errors.runtime(f"expected {label} to be a single integer value or a list of {weight.ndim - 2} "
                                 f"values to match the convolution dimensions, but got {label}={list(v)}",
                                 f"Give {label} as one number or one per spatial dimension.")
    stride, dilation = _tuple(stride, dims), _tuple(dilation, dims)
    kernel = tuple(weight.shape[2:])
    if isinstance(padding, str):
        if padding == "valid":
            pads = ((0, 0),) * dims
        elif padding == "same":
            if any(s != 1 for s in stride):
                raise errors.runtime("padding='same' is not supported for strided convolutions",
                                     "'same' keeps the size only with stride 1; give the padding as numbers.")
            total = [d * (k - 1) for d, k in zip(dilation, kernel)]
            pads = tuple((t // 2, t // 2) for t in total)
            extra = [t - 2 * (t // 2) for t in total]
            if any(extra):  # as aten: the odd element of padding goes on the right, in a padded copy of the input
                import warnings
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                              "copy of the input be created", UserWarning, stacklevel=3)
                from .nn import pad
                input = pad(input, [p for e in reversed(extra) for p in (0, e)])
        else:
            raise errors.runtime(f"Invalid padding string: '{padding}'", "padding is a number, a tuple, 'same' or "
                                 "'valid'.")
    else:
        pads = tuple((p, p) for p in _tuple(padding, dims))
    c = input.shape[1]
    if weight.shape[1] * groups != c:
        raise errors.runtime(f"Given groups={groups}, weight of size {list(weight.shape)}, expected "
                             f"input{list(input.shape)} to have {weight.shape[1] * groups} channels, but got {c} "
                             "channels instead",
                             f"The weight expects {weight.shape[1] * groups} input channels (dimension 1 of the "
                             "input); check the previous layer's out_channels.")
    if bias is not None and tuple(bias.shape) != (weight.shape[0],):
        raise errors.runtime(f"Given weight of size {list(weight.shape)}, expected bias to be 1-dimensional with "
                             f"{weight.shape[0]} elements, but got bias of size {list(bias.shape)} instead",
                             "The bias holds one number per output channel.")
    padded = [s + lo + hi for s, (lo, hi) in zip(input.shape[2:], pads)]
    if any(n < d * (k - 1) + 1 for n, k, d in zip(padded, kernel, dilation)):
        raise errors.runtime(f"Calculated padded input size per channel: ({' x '.join(map(str, padded))}). Kernel "
                             f"size: ({' x '.join(str(d * (k - 1) + 1) for k, d in zip(kernel, dilation))}). Kernel "
                             "size can't be greater than actual input size",
                             "The input (with its padding) is smaller than the kernel; pad it or use a smaller kernel.")
    return ConvolutionBackward0.apply(input, weight, bias, params=_ConvParams(stride, pads, dilation, groups))


# --- pooling --------------------------------------------------------------------------------
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
        return (MaxPool2DWithIndicesBackwardBackward0.apply(g, x, indices=ctx.result1),)


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


def adaptive_avg_pool2d(input, output_size):
    shape = _pool_input(input, "adaptive_avg_pool2d")
    size = _tuple(output_size, 2)
    size = tuple(shape[2 + i] if s is None else s for i, s in enumerate(size))
    if size == (1, 1):  # PyTorch takes the mean
        return input.mean((-1, -2), keepdim=True)
    return AdaptiveAvgPool2DBackward0.apply(input, output_size=size)
