"""torch.nn.functional: relu, sigmoid, tanh, softmax, log_softmax, and the losses."""
from ..ops.pointwise import ReluBackward0, SigmoidBackward0, TanhBackward0
from ..ops.reduce import log_softmax, softmax  # noqa: F401


def relu(input, inplace=False):
    return ReluBackward0.apply(input)


def sigmoid(input):
    return SigmoidBackward0.apply(input)


def tanh(input):
    return TanhBackward0.apply(input)


# --- losses (helper `losses`; the functions and their checks are in loss_functions.py) --------------------
from .loss_functions import (binary_cross_entropy, binary_cross_entropy_with_logits, cosine_similarity,  # noqa: E402,F401
                             cross_entropy, huber_loss, kl_div, l1_loss, mse_loss, nll_loss, smooth_l1_loss,
                             soft_margin_loss)
# --- end of losses -------------------------------------------------------------------------------------------


def __getattr__(name):
    from .. import errors
    raise errors.not_supported(f"torch.nn.functional.{name}")
