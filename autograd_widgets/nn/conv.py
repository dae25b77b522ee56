"""Conv1d and Conv2d: weight (out_channels, in_channels // groups, *kernel_size), initialised as PyTorch does."""
from ..ops.conv import _tuple
from . import functional as F
from .linear import add_weight_and_bias, reset_weight_and_bias
from .module import Module


class _ConvNd(Module):
    _n, _functional = 0, ""  # spatial dims, the nn.functional op

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1, bias=True,
                 padding_mode="zeros", device=None, dtype=None):
        super().__init__()
        n = self._n
        kernel_size, stride, dilation = _tuple(kernel_size, n), _tuple(stride, n), _tuple(dilation, n)
        padding = padding if isinstance(padding, str) else _tuple(padding, n)
        if groups <= 0:
            raise ValueError("groups must be a positive integer")
        if in_channels % groups != 0:
            raise ValueError("in_channels must be divisible by groups")
        if out_channels % groups != 0:
            raise ValueError("out_channels must be divisible by groups")
        valid_padding_strings = {"same", "valid"}
        if isinstance(padding, str):
            if padding not in valid_padding_strings:
                raise ValueError(f"Invalid padding string {padding!r}, should be one of {valid_padding_strings}")
            if padding == "same" and any(s != 1 for s in stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
        valid_padding_modes = {"zeros", "reflect", "replicate", "circular"}
        if padding_mode not in valid_padding_modes:
            raise ValueError(f"padding_mode must be one of {valid_padding_modes}, but got "
                             f"padding_mode='{padding_mode}'")
        self.in_channels, self.out_channels, self.kernel_size = in_channels, out_channels, kernel_size
        self.stride, self.padding, self.dilation = stride, padding, dilation
        self.transposed, self.output_padding, self.groups = False, _tuple(0, n), groups
        self.padding_mode = padding_mode
        add_weight_and_bias(self, (out_channels, in_channels // groups, *kernel_size), out_channels, bias, device,
                            dtype)
        self.reset_parameters()

    def reset_parameters(self):
        reset_weight_and_bias(self.weight, self.bias)

    def forward(self, input):
        conv = getattr(F, self._functional)
        if self.padding_mode != "zeros":  # pad by reflection etc. first, then convolve without padding
            pads = [p for p in reversed(self.padding) for _ in range(2)]
            return conv(F.pad(input, pads, mode=self.padding_mode), self.weight, self.bias, self.stride, 0,
                        self.dilation, self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)

    def extra_repr(self):
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0,) * len(self.padding):
            s += f", padding={self.padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class Conv1d(_ConvNd):
    """Over (N, C, L) inputs."""
    _n, _functional = 1, "conv1d"


class Conv2d(_ConvNd):
    """Over (N, C, H, W) inputs."""
    _n, _functional = 2, "conv2d"
