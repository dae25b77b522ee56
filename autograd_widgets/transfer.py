"""Moving tensors between devices (`.to(device)`, `.cuda()`, `.cpu()`), and PyTorch's rule for mixing them.

A copy to another device is the op ToCopyBackward0 (ops/pointwise.py), so its gradient flows
back to the source device. An op whose inputs live on two devices raises PyTorch's error,
except that a 0-dim CPU tensor may join an elementwise op on the GPU, as in PyTorch.
"""
from . import backend as B
from . import errors
from .device import of_type, type_of
from .ops.pointwise import ToCopyBackward0
from .tensor import Tensor


def target_device(t, spec):
    """The device type `spec` names, or None if `t` already lives there; loads the device (or raises)."""
    target = type_of(spec)
    if B.device_of(t._data) == target:
        return None
    B.namespace(target)  # PyTorch's error when the device is not available
    return target


def to_device(t, spec):
    target = target_device(t, spec)
    return t if target is None else ToCopyBackward0.apply(t, device=target)


def cuda(self, device=None, non_blocking=False, memory_format=None):
    """A copy of this tensor on the GPU (self if it is there already)."""
    return to_device(self, "cuda" if device is None or isinstance(device, int) else device)


Tensor.cpu = lambda self, memory_format=None: to_device(self, "cpu")
Tensor.cuda = cuda

# PyTorch's ops that check their arguments one by one (codegen'd device checks) name the argument;
# elementwise ops (TensorIterator) name the two devices.
_ARGUMENT_CHECKED = {"MmBackward0": "mm", "BmmBackward0": "bmm", "MvBackward0": "mv", "DotBackward0": "dot"}


def retry_or_raise(op, inputs, params):
    """Called when `op`'s forward raised TypeError: the result if moving 0-dim CPU tensors fixes it, else
    PyTorch's device-mismatch error, or None if the inputs all live on one device (a different TypeError)."""
    tensors = [(i, x) for i, x in enumerate(inputs) if isinstance(x, Tensor)]
    devices = [B.device_of(x._data) for _, x in tensors]
    common = next((d for d in devices if d != "cpu"), "cpu")
    if all(d == common for d in devices):
        return None
    names = _ARGUMENT_CHECKED.get(op.__name__)
    if names is None and all(d == common or x.ndim == 0 for d, (_, x) in zip(devices, tensors)):
        moved = list(inputs)
        for (i, x), d in zip(tensors, devices):
            if d != common:
                moved[i] = to_device(x, common)
        return op.apply(*moved, **params)
    if names is None:
        other = next(d for d in devices if d != common)
        raise errors.runtime(
            f"Expected all tensors to be on the same device, but found at least two devices, {of_type(common)} "
            f"and {of_type(other)}!", _MIXED)
    first = devices[0]
    k = next(k for k, d in enumerate(devices) if d != first)
    arg = op.args[k] if op.args and k < len(op.args) else f"tensor{k}"
    raise errors.runtime(
        f"Expected all tensors to be on the same device, but got {arg} is on {of_type(devices[k])}, different from "
        f"other tensors on {of_type(first)} (when checking argument in method wrapper_CUDA_{names})", _MIXED)


_MIXED = ("One op cannot read tensors from two devices. Move one of them first, e.g. `x.to(y.device)` or "
          "`x.cuda()`; a GPU result comes back with `.cpu()`.")
