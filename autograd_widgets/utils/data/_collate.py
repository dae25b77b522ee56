"""default_collate: a list of examples into one batch (tensors stacked, numbers made tensors), as PyTorch does."""
import collections.abc
import copy
import re

from ... import backend as B
from ...creation import as_tensor, tensor
from ...dtypes import float64
from ...ops.shape import stack
from ...tensor import Tensor

_STRING_OR_OBJECT_ARRAY = re.compile(r"[SaUO]")
_ERROR = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; found {}"


def _stack(batch):
    return stack(batch, 0)


def _host_array(batch):
    elem = batch[0]
    if _STRING_OR_OBJECT_ARRAY.search(elem.dtype.str) is not None:
        raise TypeError(_ERROR.format(elem.dtype))
    return collate([as_tensor(b) for b in batch])


def _float64(batch):
    return tensor(batch, dtype=float64)


# first the exact type, then the first isinstance match, as PyTorch's default_collate_fn_map is searched
_BY_TYPE = {Tensor: _stack, B.host_array_type: _host_array, B.host_scalar_types: as_tensor,
            float: _float64, int: tensor, str: list, bytes: list}


def collate(batch):
    """Merge a list of examples of one structure into a batch of the same structure."""
    elem = batch[0]
    elem_type = type(elem)
    if elem_type in _BY_TYPE:
        return _BY_TYPE[elem_type](batch)
    for kind, fn in _BY_TYPE.items():
        if isinstance(elem, kind):
            return fn(batch)
    if isinstance(elem, collections.abc.Mapping):
        merged = {key: collate([d[key] for d in batch]) for key in elem}
        try:
            if isinstance(elem, collections.abc.MutableMapping):
                clone = copy.copy(elem)
                clone.update(merged)
                return clone
            return elem_type(merged)
        except TypeError:
            return merged
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
        return elem_type(*(collate(samples) for samples in zip(*batch)))
    if isinstance(elem, collections.abc.Sequence):
        size = len(elem)
        if not all(len(e) == size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        merged = [collate(samples) for samples in zip(*batch)]
        if isinstance(elem, tuple):
            return merged  # PyTorch gives a list for tuples (backwards compatibility)
        try:
            if isinstance(elem, collections.abc.MutableSequence):
                clone = copy.copy(elem)
                clone[:] = merged
                return clone
            return elem_type(merged)
        except TypeError:
            return merged
    raise TypeError(_ERROR.format(elem_type))


def default_collate(batch):
    """A batch from a list of examples: tensors stacked on a new first dim, Python floats → float64, ints → int64,
    NumPy arrays and scalars → tensors, and dicts, tuples (as lists), lists and namedtuples element by element."""
    return collate(batch)


def default_convert(data):
    """Without batching: NumPy arrays and scalars become tensors, inside dicts and sequences too."""
    if isinstance(data, Tensor):
        return data
    if isinstance(data, (B.host_array_type,) + B.host_scalar_types) and not isinstance(data, (str, bytes)):
        if isinstance(data, B.host_array_type) and _STRING_OR_OBJECT_ARRAY.search(data.dtype.str) is not None:
            return data
        return as_tensor(data)
    if isinstance(data, collections.abc.Mapping):
        return {key: default_convert(data[key]) for key in data}
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, collections.abc.Sequence) and not isinstance(data, (str, bytes)):
        return [default_convert(d) for d in data]
    return data
