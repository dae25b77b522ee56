"""_ntuple(n)(x): an int repeated n times, or x itself as a tuple (torch/nn/modules/utils.py's helper)."""
from collections import abc


def _ntuple(n):
    def parse(x):
        if isinstance(x, abc.Iterable):
            return tuple(x)
        return (x,) * n
    return parse
