"""torch.distributions.utils: parameters to tensors, probabilities to logits and back, lazily computed ones."""
from functools import update_wrapper

from .. import backend as B
from .. import dtypes, errors
from ..creation import empty, tensor
from ..grad_mode import enable_grad
from ..nn import functional as F
from ..size import Size
from ..tensor import Tensor

_Number = (int, float)  # torch.types._Number (bool is an int)
euler_constant = 0.57721566490153286060


def broadcast_tensors(*tensors):
    """torch.broadcast_tensors: each tensor expanded to the common shape; one already of that shape is itself,
    as ATen returns it (no ExpandBackward0 node)."""
    shape = ()
    for t in tensors:
        shape = _broadcast_shape(shape, tuple(t.shape))
    shape = Size(shape)
    return tuple(t if tuple(t.shape) == shape else t.expand(shape) for t in tensors)


def _broadcast_shape(a: tuple, b: tuple) -> tuple:
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    for dim, (x, y) in enumerate(zip(a, b)):
        if x != y and 1 not in (x, y):
            raise errors.runtime(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                                 f"non-singleton dimension {dim}",
                                 "The parameters are broadcast together, as in arithmetic: each dimension must "
                                 "be equal, or 1 in one of them.")
    return tuple(max(x, y) for x, y in zip(a, b))


def broadcast_all(*values):
    """Numbers become tensors of the first tensor's dtype and device (the default float dtype if none is a tensor),
    then all are broadcast together."""
    if not all(isinstance(v, (Tensor, *_Number)) for v in values):
        raise errors.value("Input arguments must all be instances of Number, "
                           "torch.Tensor or objects implementing __torch_function__.",
                           "A distribution's parameters are numbers or tensors (not strings, lists or arrays).")
    first = next((v for v in values if isinstance(v, Tensor)), None)
    options = dict(dtype=dtypes.default_float()) if first is None else dict(dtype=first.dtype, device=first.device)
    return broadcast_tensors(*(v if isinstance(v, Tensor) else tensor(v, **options) for v in values))


def batch_shape_of(values, param) -> Size:
    """The batch shape of a distribution built from `values`: () when all were numbers, else `param`'s shape."""
    return Size() if all(isinstance(v, _Number) for v in values) else param.size()


def one_of(probs, logits) -> None:
    """Exactly one of probs and logits must be given, in PyTorch's words."""
    if (probs is None) == (logits is None):
        raise errors.value("Either `probs` or `logits` must be specified, but not both.",
                           "Give the probabilities (probs=...) or their logarithms (logits=...), one of the two.")


def _standard_normal(shape, dtype, device):
    """N(0, 1) draws of `shape`: torch.empty(shape).normal_(), PyTorch's call (it fixes how the stream is used)."""
    return empty(tuple(shape), dtype=dtype, device=device).normal_()


def _sum_rightmost(value, dim: int):
    """Sum out the `dim` rightmost dims."""
    if dim == 0:
        return value
    return value.reshape(tuple(value.shape[:-dim]) + (-1,)).sum(-1)


def finfo(dtype):
    """torch.finfo's eps, min, max, tiny of a floating dtype (NumPy's finfo holds the same numbers)."""
    return B.namespace("cpu").finfo(dtype.array_dtype)


def logits_to_probs(logits, is_binary=False):
    return logits.sigmoid() if is_binary else F.softmax(logits, dim=-1)


def clamp_probs(probs):
    """Probabilities clamped into [eps, 1 - eps], eps the dtype's machine epsilon."""
    eps = float(finfo(probs.dtype).eps)
    return probs.clamp(min=eps, max=1 - eps)


def probs_to_logits(probs, is_binary=False):
    ps_clamped = clamp_probs(probs)
    if is_binary:
        return ps_clamped.log() - (-ps_clamped).log1p()
    return ps_clamped.log()


class lazy_property:
    """A value computed (with grad enabled) on first read, then stored on the instance under the same name, so
    it shows in `__dict__` (and so in the distribution's repr) from then on."""

    def __init__(self, wrapped):
        self.wrapped = wrapped
        update_wrapper(self, wrapped)

    def __get__(self, instance, obj_type=None):
        if instance is None:
            return self
        with enable_grad():
            value = self.wrapped(instance)
        setattr(instance, self.wrapped.__name__, value)
        return value
