"""Moving tensors between devices (`.to(device)`, `.cpu()`)."""
from . import backend as B
from .device import device as Device
from .node import Op
from .tensor import Tensor


class ToCopyBackward0(Op):
    """A copy to another device; its gradient goes back to the source device."""
    args = ("self",)
    def forward(ctx, a, target):
        ctx.source = B.device_of(a)
        return B.asarray(B.to_host(a) if target == "cpu" else a, device=target, copy=True)
    def backward(ctx, g):
        return (to_device(g, ctx.source),)


def to_device(t, device):
    target = Device(device).type
    if B.device_of(t._data) == target:
        return t
    B.namespace(target)  # raises a clear error when the device is not available
    return ToCopyBackward0.apply(t, target=target)


Tensor.cpu = lambda self: to_device(self, "cpu")
