"""`import autograd_widgets.fft` (a PyTorch submodule this package lacks) says so, not 'No module named'."""
import importlib.abc
import sys

from . import errors


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
