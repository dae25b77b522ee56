"""torch.nn: Parameter and the functional ops this project supports."""
from ..tensor import Tensor
from . import functional  # noqa: F401


class Parameter(Tensor):
    """A leaf tensor that requires grad by default; ops on it give plain tensors."""

    def __new__(cls, data=None, requires_grad=True):
        from ..creation import empty
        data = empty(0) if data is None else data
        t = cls._make(data.detach()._data)
        if requires_grad:
            t.requires_grad_(True)
        return t

    def __deepcopy__(self, memo):
        t = Parameter(Tensor._make(self._data.copy()), self._rg)
        memo[id(self)] = t
        return t


def __getattr__(name):
    from .. import errors
    raise errors.not_supported(f"torch.nn.{name}")
