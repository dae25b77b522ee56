"""Recurrent layers RNN, LSTM, GRU and their one-step cells, as torch/nn/modules/rnn.py: the same arguments,
parameter names, order, shapes and initial values, checks and messages; the computation is ops/recurrent.py.
PackedSequence input and LSTM's proj_size are not supported (each says so)."""
import math
import numbers
import warnings

from .. import errors
from ..creation import empty, zeros
from ..ops import recurrent
from ..ops.shape import squeeze, stack, unsqueeze
from ..tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_NO_PROJ = "Only nn.LSTM has proj_size; drop the argument."


def _check_int(name, value):
    if not isinstance(value, int):
        raise errors.type_error(f"{name} should be of type int, got: {type(value).__name__}",
                                "Sizes count features: pass a whole number.")
    if value <= 0:
        raise errors.value(f"{name} must be greater than zero", "A layer needs at least one feature.")


def _reset_uniform(module):
    """Every parameter, in parameters() order, ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size))."""
    stdv = 1.0 / math.sqrt(module.hidden_size) if module.hidden_size > 0 else 0
    for weight in module.parameters():
        init.uniform_(weight, -stdv, stdv)


def _refuse_packed(input):
    if not isinstance(input, Tensor) and type(input).__name__ == "PackedSequence":
        raise errors.not_implemented("PackedSequence input is not supported",
                                     "autograd_widgets' recurrent layers take padded tensors only: pass the "
                                     "(seq_len, batch, features) tensor itself.")


class RNNBase(Module):
    """The multi-layer recurrence shared by RNN, LSTM and GRU (`mode` picks the cell)."""

    def __init__(self, mode, input_size, hidden_size, num_layers=1, bias=True, batch_first=False, dropout=0.0,
                 bidirectional=False, proj_size=0, device=None, dtype=None):
        super().__init__()
        self.mode, self.input_size, self.hidden_size, self.num_layers = mode, input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        if not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1 or isinstance(dropout, bool):
            raise errors.value("dropout should be a number in range [0, 1] representing the probability of an "
                               "element being zeroed", "dropout is a probability, e.g. 0.2.")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                          f"expects num_layers greater than 1, but got dropout={dropout} and "
                          f"num_layers={num_layers}", stacklevel=3)
        for name, value in (("bias", bias), ("batch_first", batch_first)):
            if not isinstance(value, bool):
                raise errors.type_error(f"{name} should be of type bool, got: {type(value).__name__}",
                                        "Pass True or False.")
        _check_int("input_size", input_size)
        _check_int("hidden_size", hidden_size)
        if num_layers <= 0:
            raise errors.value("num_layers must be greater than zero", "Stack at least one layer.")
        if proj_size < 0:
            raise errors.value("proj_size should be a positive integer or zero to disable projections",
                               "Leave proj_size at 0 for no projection.")
        if proj_size >= hidden_size:
            raise errors.value("proj_size has to be smaller than hidden_size",
                               "A projection makes h smaller than the cell state.")
        if proj_size > 0:
            raise errors.not_implemented("LSTM with proj_size > 0 is not supported",
                                         "autograd_widgets' LSTM has no projection weights (weight_hr); "
                                         "leave proj_size at 0, or add an nn.Linear after the LSTM.")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size
        num_directions = 2 if bidirectional else 1
        self._flat_weights_names, self._all_weights = [], []
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                shapes = {"weight_ih": (gate_size, layer_input_size), "weight_hh": (gate_size, hidden_size)}
                if bias:
                    shapes.update(bias_ih=(gate_size,), bias_hh=(gate_size,))
                names = []
                for stem, shape in shapes.items():
                    names.append(f"{stem}_l{layer}{suffix}")
                    setattr(self, names[-1], Parameter(empty(shape, device=device, dtype=dtype)))
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self):
        _reset_uniform(self)

    def flatten_parameters(self):
        """A no-op: there are no cuDNN weight buffers to compact."""

    @property
    def _flat_weights(self):
        return [getattr(self, name) for name in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, name) for name in names] for names in self._all_weights]

    # --- checks, in PyTorch's words -------------------------------------------------------------------
    def _check_dims(self, input, words):
        _refuse_packed(input)
        if input.dim() not in (2, 3):
            raise errors.value(f"{self._get_name()}: Expected input to be 2D or 3D, got {input.dim()}D {words}",
                               "Give (seq_len, batch, features), or (seq_len, features) for one sequence "
                               "(batch first with batch_first=True).")

    def check_input(self, input, batch_sizes=None):
        weight = self._flat_weights[0]
        if input.dtype != weight.dtype:
            raise errors.value(f"RNN input dtype ({input.dtype}) does not match weight dtype ({weight.dtype}). "
                               f"Convert input: input.to({weight.dtype}), or convert model: "
                               f"model.to({input.dtype})", "The input and the weights must share one dtype.")
        if input.dim() != 3:
            raise errors.runtime(f"input must have 3 dimensions, got {input.dim()}",
                                 "The layer runs on (seq_len, batch, features).")
        if self.input_size != input.size(-1):
            raise errors.runtime(f"input.size(-1) must be equal to input_size. Expected {self.input_size}, "
                                 f"got {input.size(-1)}", "The last dimension of the input holds each step's "
                                 "features: it must be the input_size the layer was made with.")

    def get_expected_hidden_size(self, input, batch_sizes=None):
        mini_batch = input.size(0) if self.batch_first else input.size(1)
        return (self.num_layers * (2 if self.bidirectional else 1), mini_batch, self.hidden_size)

    def check_hidden_size(self, hx, expected_hidden_size, msg="Expected hidden size {}, got {}"):
        if tuple(hx.size()) != expected_hidden_size:
            raise errors.runtime(msg.format(expected_hidden_size, list(hx.size())),
                                 "The initial state is (num_layers * num_directions, batch, hidden_size).")

    def check_forward_args(self, input, hidden, batch_sizes=None):
        self.check_input(input, batch_sizes)
        self.check_hidden_size(hidden, self.get_expected_hidden_size(input, batch_sizes))

    def _zeros(self, input):
        return zeros(*self.get_expected_hidden_size(input), dtype=input.dtype, device=input.device)

    def _batch(self, input, hx):
        """RNN and GRU: the input and hx with a batch dimension (unbatched ones get one), checked."""
        self._check_dims(input, "tensor instead" if self.mode.startswith("RNN") else "instead")
        is_batched = input.dim() == 3
        if not is_batched:
            input = unsqueeze(input, 0 if self.batch_first else 1)
            if hx is not None:
                if hx.dim() != 2:
                    raise errors.runtime(f"For unbatched 2-D input, hx should also be 2-D but got {hx.dim()}-D "
                                         "tensor", "One sequence without a batch takes h0 without one too.")
                hx = unsqueeze(hx, 1)
        elif hx is not None and hx.dim() != 3:
            raise errors.runtime(f"For batched 3-D input, hx should also be 3-D but got {hx.dim()}-D tensor",
                                 "A batch of sequences takes h0 as (num_layers * num_directions, batch, hidden).")
        if hx is None:
            hx = self._zeros(input)
        self.check_forward_args(input, hx)
        return input, hx, is_batched

    def _run(self, input, hiddens):
        return recurrent.rnn_impl(recurrent.STEPS[self.mode], input, hiddens, self._flat_weights, self.bias,
                                  self.num_layers, self.dropout, self.training, self.bidirectional,
                                  self.batch_first)

    def _one_hidden_forward(self, input, hx):
        input, hx, is_batched = self._batch(input, hx)
        output, finals = self._run(input, list(hx.unbind(0)))
        hidden = stack(finals, 0)
        if not is_batched:
            output, hidden = squeeze(output, 0 if self.batch_first else 1), squeeze(hidden, 1)
        return output, hidden

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if self.proj_size != 0:
            s += ", proj_size={proj_size}"
        if self.num_layers != 1:
            s += ", num_layers={num_layers}"
        if self.bias is not True:
            s += ", bias={bias}"
        if self.batch_first is not False:
            s += ", batch_first={batch_first}"
        if self.dropout != 0:
            s += ", dropout={dropout}"
        if self.bidirectional is not False:
            s += ", bidirectional={bidirectional}"
        return s.format(**self.__dict__)


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise errors.value("proj_size argument is only supported for LSTM, not RNN or GRU", _NO_PROJ)
        if len(args) > 3:
            self.nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            self.nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if self.nonlinearity not in ("tanh", "relu"):
            raise errors.value(f"Unknown nonlinearity '{self.nonlinearity}'. Select from 'tanh' or 'relu'.",
                               "nn.RNN offers those two activations only.")
        super().__init__("RNN_TANH" if self.nonlinearity == "tanh" else "RNN_RELU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._one_hidden_forward(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit, gates r, z, n (in that order in the weights)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise errors.value("proj_size argument is only supported for LSTM, not RNN or GRU", _NO_PROJ)
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._one_hidden_forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory, gates i, f, g, o (in that order in the weights); the state is (h, c)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def check_forward_args(self, input, hidden, batch_sizes=None):
        self.check_input(input, batch_sizes)
        expected = self.get_expected_hidden_size(input, batch_sizes)
        self.check_hidden_size(hidden[0], expected, "Expected hidden[0] size {}, got {}")
        self.check_hidden_size(hidden[1], expected, "Expected hidden[1] size {}, got {}")

    def forward(self, input, hx=None):
        self._check_dims(input, "instead")
        is_batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not is_batched:
            input = unsqueeze(input, batch_dim)
        if hx is None:
            hx = (self._zeros(input), self._zeros(input))
        else:
            dims = (hx[0].dim(), hx[1].dim())
            want = 3 if is_batched else 2
            if dims != (want, want):
                raise errors.runtime(f"For {'batched 3' if is_batched else 'unbatched 2'}-D input, hx and cx "
                                     f"should also be {want}-D but got ({dims[0]}-D, {dims[1]}-D) tensors",
                                     "h0 and c0 have a batch dimension exactly when the input has one.")
            if not is_batched:
                hx = (unsqueeze(hx[0], 1), unsqueeze(hx[1], 1))
        self.check_forward_args(input, hx)
        if recurrent.use_mkldnn(input):
            output, h_n, c_n = recurrent.lstm_mkldnn(input, *hx, self._flat_weights, self.bias, self.num_layers,
                                                     self.dropout, self.training, self.bidirectional,
                                                     self.batch_first)
            hidden = (h_n, c_n)
        else:
            output, finals = self._run(input, list(zip(hx[0].unbind(0), hx[1].unbind(0))))
            hidden = (stack([h for h, _ in finals], 0), stack([c for _, c in finals], 0))
        if not is_batched:
            output, hidden = squeeze(output, batch_dim), (squeeze(hidden[0], 1), squeeze(hidden[1], 1))
        return output, hidden


# --- cells ------------------------------------------------------------------------------------------------

class RNNCellBase(Module):
    """One step's weights weight_ih (chunks*hidden, input), weight_hh (chunks*hidden, hidden), bias_ih, bias_hh."""

    def __init__(self, input_size, hidden_size, bias, num_chunks, device=None, dtype=None):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.weight_ih = Parameter(empty((num_chunks * hidden_size, input_size), device=device, dtype=dtype))
        self.weight_hh = Parameter(empty((num_chunks * hidden_size, hidden_size), device=device, dtype=dtype))
        for name in ("bias_ih", "bias_hh"):
            if bias:
                setattr(self, name, Parameter(empty(num_chunks * hidden_size, device=device, dtype=dtype)))
            else:
                self.register_parameter(name, None)
        self.reset_parameters()

    def extra_repr(self):
        s = "{input_size}, {hidden_size}"
        if "bias" in self.__dict__ and self.bias is not True:
            s += ", bias={bias}"
        if "nonlinearity" in self.__dict__ and self.nonlinearity != "tanh":
            s += ", nonlinearity={nonlinearity}"
        return s.format(**self.__dict__)

    def reset_parameters(self):
        _reset_uniform(self)

    def _params(self):
        return recurrent.CellParams(self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)

    def _batched(self, input, hx):
        """The input with a batch dimension, hx (a tensor or None) likewise; whether the input had one."""
        if input.dim() not in (1, 2):
            raise errors.value(f"{self._get_name()}: Expected input to be 1D or 2D, got {input.dim()}D instead",
                               "A cell takes one step: (batch, features) or (features,).")
        is_batched = input.dim() == 2
        if not is_batched:
            input = unsqueeze(input, 0)
            hx = None if hx is None else unsqueeze(hx, 0)
        return input, hx, is_batched

    def _check(self, input, hx, label):
        """check_rnn_cell_forward_input and _hidden of RNN.cpp."""
        if input.size(1) != self.input_size:
            raise errors.runtime(f"input has inconsistent input_size: got {input.size(1)} expected "
                                 f"{self.input_size}", "The input's last dimension must be the cell's input_size.")
        if input.size(0) != hx.size(0):
            raise errors.runtime(f"Input batch size {input.size(0)} doesn't match hidden{label} batch size "
                                 f"{hx.size(0)}", "The state holds one row per input row.")
        if hx.size(1) != self.hidden_size:
            raise errors.runtime(f"hidden{label} has inconsistent hidden_size: got {hx.size(1)}, expected "
                                 f"{self.hidden_size}", "The state's last dimension must be the cell's hidden_size.")

    def _zeros(self, input):
        return zeros(input.size(0), self.hidden_size, dtype=input.dtype, device=input.device)

    def _one_hidden_forward(self, input, hx, step):
        if hx is not None and hx.dim() not in (1, 2):
            raise errors.value(f"{self._get_name()}: Expected hidden to be 1D or 2D, got {hx.dim()}D instead",
                               "A cell's state is (batch, hidden_size) or (hidden_size,).")
        input, hx, is_batched = self._batched(input, hx)
        hx = self._zeros(input) if hx is None else hx
        self._check(input, hx, 0)
        ret = recurrent.cell_forward(step, input, hx, self._params())
        return ret if is_batched else squeeze(ret, 0)


class RNNCell(RNNCellBase):
    """h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu)."""

    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device, dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        mode = {"tanh": "RNN_TANH", "relu": "RNN_RELU"}.get(self.nonlinearity)
        if mode is None:
            raise errors.runtime(f"Unknown nonlinearity: {self.nonlinearity}", "Use 'tanh' or 'relu'.")
        return self._one_hidden_forward(input, hx, recurrent.STEPS[mode])


class GRUCell(RNNCellBase):
    """r, z = sigmoid(...), n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        return self._one_hidden_forward(input, hx, recurrent.gru_step)


class LSTMCell(RNNCellBase):
    """Gates i, f, g, o; c' = f c + i g, h' = o tanh(c'); returns (h', c')."""

    def __init__(self, input_size, hidden_size, bias=True, device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device, dtype=dtype)

    def forward(self, input, hx=None):
        if hx is not None:
            for idx, value in enumerate(hx):
                if value.dim() not in (1, 2):
                    raise errors.value(f"LSTMCell: Expected hx[{idx}] to be 1D or 2D, got {value.dim()}D instead",
                                       "h and c are (batch, hidden_size) or (hidden_size,).")
        input, _, is_batched = self._batched(input, None)
        if hx is None:
            hx = (self._zeros(input),) * 2
        elif not is_batched:
            hx = (unsqueeze(hx[0], 0), unsqueeze(hx[1], 0))
        if len(hx) != 2:
            raise errors.runtime("lstm_cell expects two hidden states", "Pass the state as a pair (h, c).")
        for label, h in enumerate(hx):
            self._check(input, h, label)
        hy, cy = recurrent.cell_forward(recurrent.lstm_step, input, tuple(hx), self._params())
        return (hy, cy) if is_batched else (squeeze(hy, 0), squeeze(cy, 0))
