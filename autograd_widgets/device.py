"""torch.device: where a tensor's array lives ('cpu', or 'cuda' through CuPy)."""
import re

from . import backend as B
from . import errors

# PyTorch 2.13 accepts these device types at the start of a device string
_TYPES = ("cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, maia, xla, lazy, vulkan, mps, meta, "
          "hpu, mtia, privateuseone")
_KNOWN = frozenset(_TYPES.split(", "))
_SPEC = re.compile(r"([a-zA-Z_]+)(?::([1-9]\d*|0))?\Z")


class device:
    """A device type and optional index; `device('cuda') != device('cuda:0')`, as in PyTorch."""
    __slots__ = ("type", "index")

    def __init__(self, type, index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        else:
            match = _SPEC.match(str(type))
            if match is None:
                raise errors.runtime(f"Invalid device string: '{type}'", "Name a device like 'cpu' or 'cuda:0'.")
            type, spec_index = match.groups()
            if type not in _KNOWN:
                raise errors.runtime(f"Expected one of {_TYPES} device type at start of device string: {type}",
                                     "Name a device like 'cpu', 'cuda' or 'cuda:0' (lower case).")
            if spec_index is not None:
                if index is not None:
                    raise errors.runtime("type (string) must not include an index because index was passed "
                                         "explicitly: " + str(type) + ":" + spec_index,
                                         "Give the index once, in the string or as the second argument.")
                index = int(spec_index)
        self.type, self.index = type, index

    def __repr__(self):
        return f"device(type='{self.type}'" + (f", index={self.index})" if self.index is not None else ")")

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))


_default = ["cpu"]  # torch.set_default_device


def type_of(spec):
    """The device type named by a device, a device string, or None (the default device, cpu unless set)."""
    if spec is None:
        return _default[0]
    if isinstance(spec, device):
        return spec.type
    if isinstance(spec, int) and not isinstance(spec, bool):
        return "cuda"  # PyTorch reads a bare integer as a CUDA device index
    d = device(spec)
    if d.index not in (None, 0) and d.type == "cuda":
        raise errors.runtime(f"CUDA error: invalid device ordinal (asked for {d})",
                             "autograd_widgets uses one GPU, 'cuda:0'.")
    return d.type


_OBJECTS = {}


def of_type(type_name):
    """The device a tensor on `type_name` reports: 'cpu', or index 0 of an accelerator ('cuda:0')."""
    d = _OBJECTS.get(type_name)
    if d is None:
        d = _OBJECTS[type_name] = device(type_name, None if type_name == "cpu" else 0)
    return d


def set_default_device(device):
    """Where factory functions put tensors without device=... (None: back to cpu)."""
    _default[0] = "cpu" if device is None else type_of(device)
    if _default[0] != "cpu":
        B.namespace(_default[0])  # raises PyTorch's error now, on a machine without that device


def get_default_device():
    return of_type(_default[0])
