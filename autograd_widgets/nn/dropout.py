"""Dropout: zero each element (or channel) with probability p in training, scaling the rest by 1/(1-p);
identity in eval."""
from . import functional as F
from .module import Module


class _DropoutNd(Module):
    _functional = "dropout"

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, input):
        return getattr(F, self._functional)(input, self.p, self.training, self.inplace)

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    """Each element independently."""


class Dropout1d(_DropoutNd):
    """Whole channels of (N, C, L) inputs."""
    _functional = "dropout1d"


class Dropout2d(_DropoutNd):
    """Whole channels of (N, C, H, W) inputs."""
    _functional = "dropout2d"
