"""Run a learner's program with `torch` resolved to autograd_widgets.

    python tests/programs/_as_autograd_widgets.py PROGRAM.py

`import torch`, `import torch.nn as nn`, `from torch.utils.data import DataLoader`, ... then load
autograd_widgets, autograd_widgets.nn, autograd_widgets.utils.data, ... : the program runs unchanged,
as `import autograd_widgets as torch` promises, also where it imports torch's submodules by name.
A submodule autograd_widgets lacks raises the package's own "not supported (yet)" error.
"""
import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys
import types

PACKAGE = "autograd_widgets"


class TorchAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `torch` and `torch.<sub>` and loads them as the same-named autograd_widgets modules."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "torch" or fullname.startswith("torch."):
            return importlib.machinery.ModuleSpec(fullname, self)
        return None

    def create_module(self, spec):
        real_name = PACKAGE + spec.name[len("torch"):]
        try:
            module = importlib.import_module(real_name)
        except ModuleNotFoundError as missing:
            if missing.name != real_name:
                raise
            parent, _, child = real_name.rpartition(".")
            module = getattr(importlib.import_module(parent), child)  # the package's __getattr__ explains
            if not isinstance(module, types.ModuleType):
                raise
        spec.loader_state = module.__spec__  # the import system overwrites __spec__; exec_module restores it
        return module

    def exec_module(self, module):
        module.__spec__ = module.__spec__.loader_state


def run(program, args=()):
    sys.meta_path.insert(0, TorchAlias())
    sys.argv = [program, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(program))
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2:])
