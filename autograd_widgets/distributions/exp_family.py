"""torch.distributions.ExponentialFamily: the base class of the exponential families (Normal, Bernoulli).

Each subclass here writes its entropy in closed form, as PyTorch's do, so the Bregman-divergence entropy of
PyTorch's base class is not needed."""
from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """p(x; theta) = exp(<t(x), theta> - F(theta) + k(x))."""
