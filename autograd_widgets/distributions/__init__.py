"""torch.distributions: parameterised probability distributions whose samples are PyTorch's numbers after
torch.manual_seed and whose log_prob, entropy and rsample record PyTorch's nodes, so gradients flow to the
parameters through the engine (policy gradients, the reparameterisation trick, VAEs, d2l's dice)."""
from .. import errors
from . import constraints
from .bernoulli import Bernoulli
from .categorical import Categorical
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .multinomial import Multinomial
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .uniform import Uniform

__all__ = ["Bernoulli", "Categorical", "Distribution", "Exponential", "ExponentialFamily", "Independent", "Laplace",
           "Multinomial", "Normal", "OneHotCategorical", "OneHotCategoricalStraightThrough", "Uniform", "constraints",
           "kl_divergence", "register_kl"]


def __getattr__(name):
    """A distribution this package lacks (Beta, Gamma, MultivariateNormal, transforms, ...): the explained error."""
    raise errors.not_supported(f"torch.distributions.{name}")
