"""torch.optim: optimizers that update parameters from their `.grad`, and learning-rate schedulers."""
from . import lr_scheduler
from .adagrad import Adagrad
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adagrad", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]


def __getattr__(name):
    from .. import errors
    raise errors.not_supported(f"torch.optim.{name}")
