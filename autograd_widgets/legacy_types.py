"""torch.FloatTensor & co. as PyTorch has them: classes of type `torch.tensortype` that make a tensor of
their dtype when called, and that `isinstance(t, torch.FloatTensor)` checks by dtype."""
from . import creation, dtypes
from .tensor import Tensor


class tensortype(type):
    """The type of the legacy tensor types: calling one makes a tensor; isinstance compares dtypes."""

    def __call__(cls, *args, **kwargs):
        return cls._factory(*args, **kwargs)

    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype and obj.device.type == "cpu"


tensortype.__module__ = "torch"


def _legacy(factory, dtype):
    return tensortype(f"{dtype._legacy}", (), {"dtype": dtype, "is_cuda": False, "is_sparse": False,
                                               "_factory": staticmethod(factory), "__module__": "torch"})


FloatTensor = _legacy(creation.FloatTensor, dtypes.float32)
DoubleTensor = _legacy(creation.DoubleTensor, dtypes.float64)
LongTensor = _legacy(creation.LongTensor, dtypes.int64)
BoolTensor = _legacy(creation.BoolTensor, dtypes.bool)
