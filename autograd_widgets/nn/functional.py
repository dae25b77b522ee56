"""torch.nn.functional: activations, layers (linear, conv, pooling, normalization, embedding, dropout), losses."""
import warnings

from .. import errors, scalars
from ..ops.pointwise import ReluBackward0, SigmoidBackward0, TanhBackward0


def relu(input, inplace=False):
    return input.relu_() if inplace else ReluBackward0.apply(input)


def sigmoid(input):
    return SigmoidBackward0.apply(input)


def tanh(input):
    return TanhBackward0.apply(input)


# --- layers and activations (ops/nn.py, ops/conv.py, ops/normalization.py, ops/activation.py) ----------
from ..ops import activation as _act, conv as _conv, nn as _nn, pooling as _pool, reduce as _reduce  # noqa: E402
from ..ops.nn import dropout, embedding, linear, one_hot, pad  # noqa: E402,F401
from ..ops.normalization import batch_norm, layer_norm  # noqa: E402,F401
from ..ops.upsample import interpolate  # noqa: E402,F401


def _softmax_dim(name, ndim, stacklevel):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include dim=X as an "
                  "argument.", UserWarning, stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


# F's softmax family: PyTorch's signature, with _stacklevel, and a
# missing dim warns naming the function called
def softmax(input, dim=None, _stacklevel=3, dtype=None):
    dim = _softmax_dim("softmax", input.ndim, _stacklevel) if dim is None else dim
    return _reduce.softmax(input, dim, dtype)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    dim = _softmax_dim("log_softmax", input.ndim, _stacklevel) if dim is None else dim
    return _reduce.log_softmax(input, dim, dtype)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    dim = _softmax_dim("softmin", input.ndim, _stacklevel) if dim is None else dim
    return _reduce.softmax(-input if dtype is None else -input.to(dtype), dim)


def _activation(node, input, inplace, **params):
    """node applied to input; inplace=True writes the result into input (its node then the in-place variant)."""
    if not inplace:
        return node.apply(input, **params)
    return input._inplace(lambda t: node.apply(t, **params))  # t is PyTorch's original_self: a clone it may save


def dropout1d(input, p=0.5, training=True, inplace=False):
    if input.ndim not in (2, 3):
        raise errors.runtime(f"dropout1d: Expected 2D or 3D input, but received a {input.ndim}D input. Note that "
                             "dropout1d exists to provide channel-wise dropout on inputs with 1 spatial dimension, a "
                             "channel dimension, and an optional batch dimension (i.e. 2D or 3D inputs).",
                             "dropout1d zeroes whole channels of (batch, channels, length) inputs.")
    if input.ndim == 2:
        return _nn.feature_dropout(input.unsqueeze(0), p, training, inplace).squeeze(0)
    return _nn.feature_dropout(input, p, training, inplace)


def dropout2d(input, p=0.5, training=True, inplace=False):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if input.ndim not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.ndim}-D input to dropout2d, which is deprecated and will result "
                      "in an error in a future release. To retain the behavior and silence this warning, please use "
                      "dropout instead. Note that dropout2d exists to provide channel-wise dropout on inputs with 2 "
                      "spatial dimensions, a channel dimension, and an optional batch dimension (i.e. 3D or 4D "
                      "inputs).", stacklevel=2)
    if input.ndim == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior "
                      "is desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
                      "will change in a future release to interpret the input as one without a batch dimension, i.e. "
                      "shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to using "
                      "dropout1d instead.", stacklevel=2)
    return _nn.feature_dropout(input, p, training, inplace)


def gelu(input, approximate="none"):
    if approximate not in ("none", "tanh"):
        raise errors.runtime("approximate argument must be either none or tanh.", "gelu's approximate is 'none' "
                             "(the exact erf form) or 'tanh'.")
    return _act.GeluBackward0.apply(input, approximate=approximate)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    node = _act.LeakyReluBackward1 if inplace else _act.LeakyReluBackward0
    return _activation(node, input, inplace, negative_slope=negative_slope)


def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input, alpha=1.0, inplace=False):
    return _activation(_act.EluBackward1 if inplace else _act.EluBackward0, input, inplace, alpha=alpha)


def selu(input, inplace=False):
    return _activation(_act.EluBackward1 if inplace else _act.EluBackward0, input, inplace, alpha=_SELU_ALPHA,
                       scale=_SELU_SCALE)


_SELU_ALPHA, _SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946


def silu(input, inplace=False):
    return _activation(_act.SiluBackward0, input, inplace)


def celu(input, alpha=1.0, inplace=False):
    node = _act.CeluBackward1 if inplace else _act.CeluBackward0
    return _activation(node, input, inplace, alpha=alpha, input_scale=1 / alpha)


def hardswish(input, inplace=False):
    return _activation(_act.HardswishBackward0, input, inplace)


def logsigmoid(input):
    return _act.LogSigmoidBackward0.apply(input)


def softshrink(input, lambd=0.5):
    return _act.SoftshrinkBackward0.apply(input, lambd=lambd)


def hardshrink(input, lambd=0.5):
    return _act.HardshrinkBackward0.apply(input, lambd=lambd)


def prelu(input, weight):
    """max(0, x) + weight·min(0, x), one weight per channel (dimension 1) or one for all."""
    channels = input.shape[1] if input.ndim >= 2 else 1
    if weight.numel() != 1 and weight.numel() != channels:
        raise errors.runtime(f"Mismatch of parameter numbers and input channel size. Found parameter numbers = "
                             f"{weight.numel()} and channel size = {channels}.",
                             "PReLU has one weight per channel (dimension 1 of the input), or one for all.")
    if input.ndim >= 2:  # as aten: the weight viewed as (1, C, 1, ...) to broadcast over the channel dim
        weight = weight.view(1, weight.numel(), *([1] * (input.ndim - 2)))
    return _act.PreluKernelBackward0.apply(input, weight)


def softplus(input, beta=1.0, threshold=20.0):
    return _act.SoftplusBackward0.apply(input, beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    max_val, min_val = scalars.scalar_arguments((max_val, min_val), input._data.dtype)  # in PyTorch's order
    return _activation(_act.HardtanhBackward0, input, inplace, min_val=min_val, max_val=max_val)


def relu6(input, inplace=False):
    return hardtanh(input, 0.0, 6.0, inplace)


def relu_(input):
    return input.relu_()


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(‖input‖_p along dim, eps), composed as PyTorch composes it (norm, clamp_min, expand_as, div)."""
    if out is not None:
        raise errors.not_supported("torch.nn.functional.normalize with out=")
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv.convolution(input, weight, bias, stride, padding, dilation, groups, dims=1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    return _conv.convolution(input, weight, bias, stride, padding, dilation, groups, dims=2)


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv.convolution(input, weight, bias, stride, padding, dilation, groups, dims=1, transposed=True,
                             output_padding=output_padding)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0, groups=1, dilation=1):
    return _conv.convolution(input, weight, bias, stride, padding, dilation, groups, dims=2, transposed=True,
                             output_padding=output_padding)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _pool.max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, return_indices)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False):
    return _pool1d(_pool.max_pool2d, input, _one(kernel_size), _one(stride, kernel_size), (0, _one(padding)[1]),
                   _one(dilation), ceil_mode, return_indices)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True,
               divisor_override=None):
    return _pool.avg_pool2d(input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override)


def adaptive_avg_pool2d(input, output_size):
    return _pool.adaptive_avg_pool2d(input, output_size)


def adaptive_max_pool2d(input, output_size, return_indices=False):
    return _pool.adaptive_max_pool2d(input, output_size, return_indices)


# the 1-d pools run their 2-d twins over a height of 1, as PyTorch does
def _pool1d(pool2d, input, *args, **kwargs):
    out = pool2d(input.unsqueeze(-2), *args, **kwargs)
    return (out[0].squeeze(-2), out[1].squeeze(-2)) if isinstance(out, tuple) else out.squeeze(-2)


def _one(v, default=None):
    """A 1-d pooling argument as its 2-d form over a height of 1."""
    v = default if v is None else v
    return (1, v[0] if isinstance(v, (tuple, list)) else v)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True):
    return _pool1d(_pool.avg_pool2d, input, _one(kernel_size), _one(stride, kernel_size), (0, _one(padding)[1]),
                   ceil_mode, count_include_pad)


def adaptive_avg_pool1d(input, output_size):
    return _pool1d(_pool.adaptive_avg_pool2d, input, _one(output_size))


def adaptive_max_pool1d(input, output_size, return_indices=False):
    return _pool1d(_pool.adaptive_max_pool2d, input, _one(output_size), return_indices)
# --- end of layers and activations --------------------------------------------------------------------


# --- losses (helper `losses`; the functions and their checks are in loss_functions.py) --------------------
from .loss_functions import (binary_cross_entropy, binary_cross_entropy_with_logits, cosine_similarity,  # noqa: E402,F401
                             cross_entropy, huber_loss, kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss,
                             soft_margin_loss)
# --- end of losses -------------------------------------------------------------------------------------------


def __getattr__(name):
    raise errors.not_supported(f"torch.nn.functional.{name}")
