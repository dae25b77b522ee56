"""torch.save / torch.load: objects holding tensors (a model's state_dict) to a file and back, by pickle.

The file format is this package's own (pickle of NumPy arrays), not PyTorch's zip archive. As in
PyTorch 2.6+, `load` reads only data by default (`weights_only=True`): tensors, containers, numbers.
"""
import io
import os
import pickle

from . import errors
from .tensor import Tensor

# modules whose classes a weights-only load may rebuild: this package's tensors, NumPy arrays, containers
_DATA_MODULES = ("autograd_widgets", "numpy", "collections", "builtins", "copyreg", "_codecs")
_BUILTINS = {"dict", "list", "tuple", "set", "frozenset", "int", "float", "bool", "str", "bytes", "complex",
             "slice", "object"}


class _WeightsOnly(pickle.Unpickler):
    def find_class(self, module, name):
        root = module.split(".")[0]
        if root in _DATA_MODULES and (root != "builtins" or name in _BUILTINS):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(
            f"Weights only load failed. ... Unsupported global: GLOBAL {module}.{name} was not an allowed global "
            "by default. Please use `torch.serialization.add_safe_globals` or set weights_only=False if you "
            "trust the file.")


def _open(f, mode):
    return open(f, mode) if isinstance(f, (str, os.PathLike)) else None


def save(obj, f, pickle_module=pickle, pickle_protocol=2, _use_new_zipfile_serialization=True):
    """Write `obj` (tensors, a state_dict, ...) to a path or a binary file object."""
    own = _open(f, "wb")
    try:
        pickle_module.dump(obj, own or f, protocol=max(pickle_protocol, 2))
    finally:
        if own is not None:
            own.close()


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None, **pickle_load_args):
    """Read what `save` wrote; `map_location` moves the tensors (e.g. 'cpu')."""
    own = _open(f, "rb")
    source = own or f
    try:
        if weights_only is False or pickle_module is not None:
            obj = (pickle_module or pickle).load(source, **pickle_load_args)
        else:
            obj = _WeightsOnly(source if hasattr(source, "read") else io.BytesIO(source)).load()
    finally:
        if own is not None:
            own.close()
    if map_location is not None:
        obj = _moved(obj, map_location)
    return obj


def _moved(obj, device):
    if isinstance(obj, Tensor):
        return obj.to(device)
    if isinstance(obj, dict):
        out = type(obj)()
        for k, v in obj.items():
            out[k] = _moved(v, device)
        return out
    if isinstance(obj, (list, tuple)):
        return type(obj)(_moved(v, device) for v in obj)
    if callable(device):
        raise errors.not_supported("torch.load(map_location=<function>)")
    return obj
