"""torch.nn.Parameter and torch.nn.Buffer: the tensors a Module registers when they are assigned to it."""
from .. import errors
from ..creation import empty
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad by default and shares `data`'s memory; ops on it give plain tensors.

    Printed as "Parameter containing:\\ntensor(...)" (printing.py)."""
    _torch_path = "torch.nn.parameter.Parameter"

    def __new__(cls, data=None, requires_grad=True):
        data = empty(0) if data is None else data
        t = cls._make(data.detach()._data)
        if requires_grad:
            if not t.is_floating_point():
                raise errors.integer_requires_grad()  # _make_subclass's words, as for a factory function
            t.requires_grad_(True)
        return t

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        t = type(self)(Tensor._make(self._data.copy()), self._rg)
        memo[id(self)] = t
        return t

    def __reduce_ex__(self, proto):
        return (Parameter, (Tensor._make(self._data), self._rg))


class Buffer(Tensor):
    """A tensor that Module registers as a buffer when assigned to it (`persistent`: kept in state_dict)."""
    _torch_path = "torch.nn.parameter.Buffer"

    def __new__(cls, data=None, *, persistent=True):
        data = empty(0) if data is None else data
        t = cls._make(data.detach()._data)
        t._rg = data.requires_grad
        t.persistent = persistent
        return t
