"""torch.nn: Module and its layers, containers and losses, Parameter, init, utils and functional."""
from . import functional, init, utils  # noqa: F401
from .parameter import Buffer, Parameter
from .module import Module
from .container import ModuleDict, ModuleList, ParameterDict, ParameterList, Sequential
from .linear import Identity, Linear
from .activation import (ELU, GELU, SELU, Hardtanh, LeakyReLU, LogSoftmax, ReLU, ReLU6, Sigmoid, SiLU, Softmax,
                         Softmin, Softplus, Tanh)
from .loss import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, KLDivLoss, L1Loss, MSELoss, NLLLoss,
                   SmoothL1Loss, SoftMarginLoss)
from .conv import Conv1d, Conv2d
from .pooling import AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d
from .dropout import Dropout, Dropout1d, Dropout2d
from .distance import CosineSimilarity
from .normalization import LayerNorm
from .batchnorm import BatchNorm1d, BatchNorm2d
from .sparse import Embedding
from .flatten import Flatten, Unflatten
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell, RNNCellBase


def __getattr__(name):
    from .. import errors
    raise errors.not_supported(f"torch.nn.{name}")
