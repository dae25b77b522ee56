"""torch.distributions.Distribution: the base class (shapes, sampling under no_grad, argument and sample
validation in PyTorch's words, repr)."""
import warnings

from .. import errors
from ..grad_mode import no_grad
from ..size import Size
from ..tensor import Tensor
from . import constraints
from .utils import lazy_property

__all__ = ["Distribution"]


def _all_true(valid) -> bool:
    return bool(valid.all())


class Distribution:
    """A probability distribution batched over `batch_shape`, each sample of `event_shape`."""
    has_rsample = False
    has_enumerate_support = False
    _validate_args = __debug__

    @staticmethod
    def set_default_validate_args(value: bool) -> None:
        if value not in [True, False]:
            raise ValueError
        Distribution._validate_args = value

    def __init__(self, batch_shape=Size(), event_shape=Size(), validate_args=None):
        self._batch_shape, self._event_shape = Size(batch_shape), Size(event_shape)
        if validate_args is not None:
            self._validate_args = validate_args
        if self._validate_args:
            self._check_parameters()
        super().__init__()

    def _check_parameters(self):
        try:
            arg_constraints = self.arg_constraints
        except NotImplementedError:
            arg_constraints = {}
            warnings.warn(f"{self.__class__} does not define `arg_constraints`. "
                          "Please set `arg_constraints = {}` or initialize the distribution "
                          "with `validate_args=False` to turn off validation.", stacklevel=3)
        for param, constraint in arg_constraints.items():
            if constraints.is_dependent(constraint):
                continue  # cannot be checked
            if param not in self.__dict__ and isinstance(getattr(type(self), param), lazy_property):
                continue  # not computed: checking would compute it
            value = getattr(self, param)
            if not _all_true(constraint.check(value)):
                raise errors.value(f"Expected parameter {param} ({type(value).__name__} of shape "
                                   f"{tuple(value.shape)}) of distribution {self!r} to satisfy the constraint "
                                   f"{constraint!r}, but found invalid values:\n{value}",
                                   f"The distribution checks its parameters when it is made: {param} must satisfy "
                                   f"{constraint!r} (a scale must be > 0, probabilities lie in [0, 1] and sum to 1). "
                                   "validate_args=False skips the check.")

    def expand(self, batch_shape, _instance=None):
        raise NotImplementedError

    @property
    def batch_shape(self) -> Size:
        return self._batch_shape

    @property
    def event_shape(self) -> Size:
        return self._event_shape

    @property
    def arg_constraints(self) -> dict:
        raise NotImplementedError

    @property
    def support(self):
        raise NotImplementedError

    @property
    def mean(self) -> Tensor:
        raise NotImplementedError

    @property
    def mode(self) -> Tensor:
        raise NotImplementedError(f"{self.__class__} does not implement mode")

    @property
    def variance(self) -> Tensor:
        raise NotImplementedError

    @property
    def stddev(self) -> Tensor:
        return self.variance.sqrt()

    def sample(self, sample_shape=Size()) -> Tensor:
        with no_grad():
            return self.rsample(sample_shape)

    def rsample(self, sample_shape=Size()) -> Tensor:
        raise NotImplementedError

    def sample_n(self, n: int) -> Tensor:
        warnings.warn("`sample_n(n)` will be deprecated. Use `sample((n,))` instead.", FutureWarning, stacklevel=2)
        return self.sample(Size((n,)))

    def log_prob(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def cdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def icdf(self, value: Tensor) -> Tensor:
        raise NotImplementedError

    def enumerate_support(self, expand=True) -> Tensor:
        raise NotImplementedError

    def entropy(self) -> Tensor:
        raise NotImplementedError

    def perplexity(self) -> Tensor:
        return self.entropy().exp()

    def _extended_shape(self, sample_shape=Size()) -> Size:
        """sample_shape + batch_shape + event_shape."""
        return Size(tuple(sample_shape) + self._batch_shape + self._event_shape)

    def _validate_sample(self, value) -> None:
        """PyTorch's checks of a value to score: a tensor, broadcastable to the shapes, inside the support."""
        if not isinstance(value, Tensor):
            raise errors.value("The value argument to log_prob must be a Tensor",
                               "Score a tensor: log_prob(torch.tensor(0.5)), not log_prob(0.5).")
        size = Size(value.size())
        event_dim_start = len(size) - len(self._event_shape)
        if Size(size[event_dim_start:]) != self._event_shape:
            raise errors.value(f"The right-most size of value must match event_shape: {size} vs {self._event_shape}.",
                               "Each value scored is one whole event (e.g. a vector of counts for Multinomial): its "
                               "last dims must be the event shape.")
        expected_shape = Size(self._batch_shape + self._event_shape)
        for i, j in zip(reversed(size), reversed(expected_shape)):
            if i != 1 and j != 1 and i != j:
                raise errors.value(f"Value is not broadcastable with batch_shape+event_shape: {size} vs "
                                   f"{expected_shape}.", "The values are scored against the batch of "
                                   "distributions, so their shapes must broadcast with the parameters' shape.")
        try:
            support = self.support
        except NotImplementedError:
            warnings.warn(f"{self.__class__} does not define `support` to enable sample validation. Please "
                          "initialize the distribution with `validate_args=False` to turn off validation.",
                          stacklevel=3)
            return
        if not _all_true(support.check(value)):
            raise errors.value(f"Expected value argument ({type(value).__name__} of shape {tuple(value.shape)}) "
                               f"to be within the support ({support!r}) of the distribution {self!r}, "
                               f"but found invalid values:\n{value}",
                               f"A value the distribution can never produce has no log-probability: it must lie in "
                               f"{support!r}. validate_args=False skips the check.")

    def _expanded(self, new, batch_shape, event_shape=Size()):
        """The end of every expand(): `new` gets the shapes, unchecked, and this one's validate_args."""
        Distribution.__init__(new, batch_shape, event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _get_checked_instance(self, cls, _instance=None):
        if _instance is None and type(self).__init__ != cls.__init__:
            raise NotImplementedError(f"Subclass {self.__class__.__name__} of {cls.__name__} that defines a custom "
                                      "__init__ method must also define a custom .expand() method.")
        return self.__new__(type(self)) if _instance is None else _instance

    def __repr__(self) -> str:
        params = [k for k in self.arg_constraints if k in self.__dict__]
        args = ", ".join(f"{p}: {self.__dict__[p] if self.__dict__[p].numel() == 1 else self.__dict__[p].size()}"
                         for p in params)
        return f"{self.__class__.__name__}({args})"
