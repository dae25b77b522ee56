"""Names of PyTorch this package lacks say so: `import autograd_widgets.fft` (not 'No module named'), and
`tensor.stft` (not "'Tensor' object has no attribute")."""
import importlib.abc
import sys

from . import errors
from .pytorch_tensor_names import TENSOR_NAMES


class UnsupportedSubmoduleFinder(importlib.abc.MetaPathFinder):
    """Last on sys.meta_path: reached only when no real module of this package has the name."""

    def find_spec(self, fullname, path=None, target=None):
        package, _, rest = fullname.partition(".")
        if package != __package__ or not rest:
            return None
        # ImportError, not ModuleNotFoundError: `from package import name` swallows the latter
        raise ImportError(str(errors.not_supported("torch." + rest)), name=fullname)


def install():
    if not any(isinstance(f, UnsupportedSubmoduleFinder) for f in sys.meta_path):
        sys.meta_path.append(UnsupportedSubmoduleFinder())


class _Unsupported:
    """A name of PyTorch's Tensor this one lacks: reading it on a tensor raises errors.not_supported.

    A descriptor per name rather than `Tensor.__getattr__`: Python 3.11 gives a class with `__getattr__`
    no specialised attribute lookups, and tensors' attributes are read on every op. Not a data
    descriptor, so an instance (or subclass) may still set the name itself."""
    __slots__ = ("name",)
    placeholder = True  # dir() leaves it out (naming.visible)

    def __init__(self, name):
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:  # as before: the class has no such attribute (hasattr(Tensor, "stft") is False)
            raise AttributeError(f"type object '{owner.__name__}' has no attribute '{self.name}'")
        raise errors.not_supported(f"Tensor.{self.name}")


def install_tensor_names(tensor_cls) -> None:
    """Give `tensor_cls` an `_Unsupported` for each public name of PyTorch's Tensor it lacks (run last at
    import, once every method is bound); `dir()` leaves them out (naming.TorchClass, Tensor.__dir__)."""
    missing = frozenset(n for n in TENSOR_NAMES if not hasattr(tensor_cls, n))
    for name in missing:
        type.__setattr__(tensor_cls, name, _Unsupported(name))
    tensor_cls._unsupported_names = missing
