"""Identity and Linear (y = x W^T + b)."""
import math

from ..creation import empty
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def add_weight_and_bias(module, weight_shape, bias_shape, bias=True, device=None, dtype=None):
    """Register uninitialised Parameters `weight` and `bias` (or bias None) on `module`, in that order."""
    module.weight = Parameter(empty(weight_shape, device=device, dtype=dtype))
    if bias:
        module.bias = Parameter(empty(bias_shape, device=device, dtype=dtype))
    else:
        module.register_parameter("bias", None)


def reset_weight_and_bias(weight, bias):
    """PyTorch's default for Linear and Conv: W by kaiming_uniform_(a=sqrt(5)), which is U(-1/sqrt(fan_in),
    1/sqrt(fan_in)), then b ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)); drawn in that order."""
    init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias is not None:
        fan_in, _ = init._calculate_fan_in_and_fan_out(weight)
        bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
        init.uniform_(bias, -bound, bound)


class Identity(Module):
    """Returns its input; takes and ignores any arguments."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """y = x W^T + b, W of shape (out_features, in_features), initialised as PyTorch does."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        add_weight_and_bias(self, (out_features, in_features), out_features, bias, device, dtype)
        self.reset_parameters()

    def reset_parameters(self):
        reset_weight_and_bias(self.weight, self.bias)

    def forward(self, input):
        return F.linear(input, self.weight, self.bias)

    def extra_repr(self):
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"
