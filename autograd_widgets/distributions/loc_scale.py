"""What Normal and Laplace share: a real `loc` and a positive `scale`, broadcast together, loc the mean and mode.

A mixin placed before the distribution's base class; PyTorch writes these lines out in each class."""
from . import constraints
from .utils import batch_shape_of, broadcast_all


class LocScale:
    arg_constraints = {"loc": constraints.real, "scale": constraints.positive}
    support = constraints.real
    has_rsample = True

    def __init__(self, loc, scale, validate_args=None):
        self.loc, self.scale = broadcast_all(loc, scale)
        super().__init__(batch_shape_of((loc, scale), self.loc), validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc
