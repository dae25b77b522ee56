"""Convolution (and transposed convolution) over 1 or 2 spatial dims: windows of the padded input (im2col) and a matmul.

A window array has shape (N, C, *kernel, *out): for each kernel offset, a strided slice of the
padded input. `_fold` is its adjoint (adds each offset's slice back), which gives the input
gradients of convolution and of pooling (pooling.py).
"""
import itertools
import warnings
from collections import abc

from .. import backend as B
from .. import errors
from ..dtypes import scalar_name
from ..node import MultiOp, Op
from ..tensor import Tensor
from .linalg import _CPP_NAME
from .nn import pad
from .pointwise import promote, zeros_like


def _tuple(v, n):
    """v's items, or v repeated n times (torch/nn/modules/utils.py's _ntuple(n)(v))."""
    return tuple(v) if isinstance(v, abc.Iterable) else (v,) * n


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
    """stride, (lo, hi) padding per dim, dilation, groups, transposed: what every convolution node keeps."""
    def __init__(self, stride, pads, dilation, groups, transposed=False, output_padding=None):
        self.stride, self.pads, self.dilation, self.groups = stride, pads, dilation, groups
        self.transposed, self.output_padding = transposed, output_padding


def _cols(x, kernel, groups, p, out):
    """The windows of x as (N, G, C/G·K, L) for a kernel that gives spatial size `out`."""
    cols = _windows(_pad(x, p.pads), kernel, p.stride, p.dilation, out)
    return cols.reshape(x.shape[0], groups, -1, _prod(out))


def _conv(x, w, p):
    """(N, C, *S) ⋆ (O, C/G, *K) → (N, O, *out): windows times the weight, a batched matmul per group."""
    g, out = p.groups, _out_size(x.shape[2:], p.pads, w.shape[2:], p.stride, p.dilation)
    y = B.ns(x).matmul(w.reshape(g, w.shape[0] // g, -1)[None], _cols(x, w.shape[2:], g, p, out))
    return y.reshape((x.shape[0], w.shape[0]) + out)


def _conv_input_grad(g, w, x_shape, p):
    """The adjoint of `_conv` in its input: weightᵀ times g, folded back onto an input of `x_shape`."""
    xp, groups, kernel = B.ns(g), p.groups, w.shape[2:]
    gm = g.reshape(g.shape[0], groups, w.shape[0] // groups, -1)
    cols = xp.matmul(xp.swapaxes(w.reshape(groups, w.shape[0] // groups, -1), -1, -2)[None], gm)
    cols = cols.reshape(tuple(x_shape[:2]) + tuple(kernel) + tuple(g.shape[2:]))
    padded = tuple(x_shape[:2]) + tuple(s + lo + hi for s, (lo, hi) in zip(x_shape[2:], p.pads))
    return _fold(cols, padded, p.pads, kernel, p.stride, p.dilation, g.shape[2:])


def _conv_weight_grad(g, x, w_shape, p):
    """The adjoint of `_conv` in its weight: g times the input's windows, summed over the batch."""
    xp, groups = B.ns(g), p.groups
    gm = g.reshape(g.shape[0], groups, w_shape[0] // groups, -1)
    cols = _cols(x, w_shape[2:], groups, p, g.shape[2:])
    return xp.matmul(gm, xp.swapaxes(cols, -1, -2)).sum(axis=0).reshape(w_shape)


def _transposed_shape(x, w, p):
    """conv_transpose's output: the input shape whose convolution has x's shape, widened by output_padding."""
    size = tuple((n - 1) * s - lo - hi + d * (k - 1) + op + 1 for n, s, (lo, hi), d, k, op in
                 zip(x.shape[2:], p.stride, p.pads, p.dilation, w.shape[2:], p.output_padding))
    return (x.shape[0], w.shape[1] * p.groups) + size


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
        # a transposed convolution is the adjoint of the convolution with the same weight and geometry
        y = _conv_input_grad(x, w, _transposed_shape(x, w, params), params) if params.transposed else _conv(x, w, params)
        return y if b is None else y + b.reshape((-1,) + (1,) * (x.ndim - 2))
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return ConvolutionBackwardBackward0.apply(g, x, w, params=ctx.params, output_mask=ctx.needs_input_grad)


class ConvolutionBackwardBackward0(MultiOp):
    """convolution_backward(grad_output, input, weight) → (grad_input, grad_weight, grad_bias), as output_mask asks."""
    args = saves = ("grad_output", "input", "weight")
    def forward(ctx, g, x, w, params, output_mask):
        ctx.params = p = params
        gi = gw = gb = None
        if output_mask[0]:
            gi = _conv(g, w, p) if p.transposed else _conv_input_grad(g, w, x.shape, p)
        if output_mask[1]:
            gw = _conv_weight_grad(x, g, w.shape, p) if p.transposed else _conv_weight_grad(g, x, w.shape, p)
        if len(output_mask) > 2 and output_mask[2]:
            gb = g.sum(axis=(0,) + tuple(range(2, g.ndim)))
        return gi, gw, gb
    def backward(ctx, ggi, ggw, ggb):
        """_convolution_double_backward: each output is bilinear in (grad_output, input or weight), so each
        term is a convolution (or its backward) again; the same holds, term for term, for a transposed one."""
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


def convolution(input: Tensor, weight: Tensor, bias, stride, padding, dilation, groups, dims: int,
                transposed: bool = False, output_padding=0) -> Tensor:
    """conv1d/conv2d (dims 1, 2) and conv_transpose1d/2d with PyTorch's checks; an unbatched input is unsqueezed
    and squeezed back."""
    name = f"conv_transpose{dims}d" if transposed else f"conv{dims}d"
    if transposed and isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    if input.ndim not in (dims + 1, dims + 2):
        raise errors.runtime(f"Expected {dims + 1}D (unbatched) or {dims + 2}D (batched) input to {name}, but got "
                             f"input of size: {list(input.shape)}",
                             f"{name} takes (batch, channels, {'length' if dims == 1 else 'height, width'}), or the "
                             "same without the batch dimension.")
    if input.ndim == dims + 1:
        out = convolution(input.unsqueeze(0), weight, bias, stride, padding, dilation, groups, dims, transposed,
                          output_padding)
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
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may require a zero-padded "
                              "copy of the input be created", UserWarning, stacklevel=3)
                input = pad(input, [p for e in reversed(extra) for p in (0, e)])
        else:
            raise errors.runtime(f"Invalid padding string: '{padding}'", "padding is a number, a tuple, 'same' or "
                                 "'valid'.")
    else:
        pads = tuple((p, p) for p in _tuple(padding, dims))
    _check_dtypes(input, weight, bias)
    if transposed:
        return _transposed(input, weight, bias, stride, pads, dilation, groups, _tuple(output_padding, dims))
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


def _transposed(input, weight, bias, stride, pads, dilation, groups, output_padding):
    c, out_channels = input.shape[1], weight.shape[1] * groups
    if weight.shape[0] != c:
        raise errors.runtime(f"Given transposed=1, weight of size {list(weight.shape)}, expected input"
                             f"{list(input.shape)} to have {weight.shape[0]} channels, but got {c} channels instead",
                             "A transposed convolution's weight is (in_channels, out_channels/groups, *kernel): its "
                             "first dimension must match the input's channels.")
    if bias is not None and tuple(bias.shape) != (out_channels,):
        raise errors.runtime(f"Given transposed=1, weight of size {list(weight.shape)}, expected bias to be "
                             f"1-dimensional with {out_channels} elements, but got bias of size {list(bias.shape)} "
                             "instead", "The bias holds one number per output channel.")
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        hw = ("height", "width") if len(stride) == 2 else ("width",)
        raise errors.runtime("output padding must be smaller than either stride or dilation, but got " + " ".join(
            f"{label}_{k}: {v}" for label, vals in (("output_padding", output_padding), ("stride", stride),
                                                    ("dilation", dilation)) for k, v in zip(hw, vals)),
            "output_padding only picks among the output sizes a stride allows, so it must be below the stride.")
    params = _ConvParams(stride, pads, dilation, groups, transposed=True, output_padding=output_padding)
    return ConvolutionBackward0.apply(input, weight, bias, params=params)


def _check_dtypes(input, weight, bias):
    why = "The input must have the weight's dtype: convert it with .float() (or the layer with .double())."
    a = input._data.dtype.name
    if bias is not None and bias._data.dtype.name != a:
        raise errors.runtime(f"Input type ({_CPP_NAME[a]}) and bias type ({_CPP_NAME[bias._data.dtype.name]}) should "
                             "be the same", why)
    if weight._data.dtype.name != a:
        raise errors.runtime(f"expected scalar type {scalar_name(input.dtype)} but found {scalar_name(weight.dtype)}",
                             why)
