"""The recurrent layers' computation, composed of existing ops as aten/src/ATen/native/RNN.cpp composes them
on the CPU: so the values, gradients and node names follow PyTorch's.

A layer projects the whole input at once (`linear(input, w_ih, b_ih)`, then `unbind(0)` into steps), each step
adds `linear(h, w_hh, b_hh)` and applies its cell, the step outputs are stacked; a bidirectional layer runs the
reversed steps with the `_reverse` weights and concatenates; layers stack with dropout between them in training.
PyTorch writes several steps in place (`add_`, `sigmoid_`, `mul_` on fresh tensors): the out-of-place forms here
record the same nodes with the same edges.
"""
from collections.abc import Callable, Sequence

from .. import autograd, dtypes, errors
from ..grad_mode import GradMode, enable_grad, no_grad
from ..node import MultiOp
from ..tensor import Tensor
from .nn import dropout, linear
from .pointwise import ReluBackward0, SigmoidBackward0, TanhBackward0
from .shape import TransposeBackward0, cat, stack
from .split import SplitBackward0, _cut, unbind


class UnsafeSplitBackward0(SplitBackward0):
    """unsafe_chunk's node: consecutive pieces along `dim` (the gate blocks of a cell)."""


class TransposeBackward1(TransposeBackward0):
    """transpose_(dim0, dim1): the batch_first output swapped back in place, as PyTorch records it."""


def unsafe_chunk(t: Tensor, chunks: int, dim: int) -> tuple:
    """`chunks` equal pieces along `dim`, one UnsafeSplitBackward0 node (PyTorch's cells cut their gates so)."""
    n = t.shape[dim]
    step = max(1, -(-n // chunks))
    return _cut(UnsafeSplitBackward0, t, dim=dim, sizes=[min(step, n - s) for s in range(0, n, step)])


class CellParams:
    """One layer-direction's weights: w_ih, w_hh and the biases (None without bias)."""

    def __init__(self, w_ih: Tensor, w_hh: Tensor, b_ih: Tensor = None, b_hh: Tensor = None):
        self.w_ih, self.w_hh, self.b_ih, self.b_hh = w_ih, w_hh, b_ih, b_hh

    def linear_ih(self, x: Tensor) -> Tensor:
        return linear(x, self.w_ih, self.b_ih)

    def linear_hh(self, h: Tensor) -> Tensor:
        return linear(h, self.w_hh, self.b_hh)


def gather_params(weights: Sequence[Tensor], has_biases: bool) -> list:
    """The flat weight list (w_ih, w_hh[, b_ih, b_hh] per layer and direction) as CellParams."""
    k = 4 if has_biases else 2
    return [CellParams(*weights[i:i + k]) for i in range(0, len(weights), k)]


# --- cells: one step from the input's projection `gi` (linear_ih of the input) and the hidden state -------

def simple_cell(activation: Callable) -> Callable:
    """RNN's cell: h' = activation(W_hh h + b_hh + gi)."""
    def step(gi: Tensor, h: Tensor, p: CellParams) -> Tensor:
        return activation(p.linear_hh(h) + gi)
    return step


def tanh(t: Tensor) -> Tensor:
    return TanhBackward0.apply(t)


def sigmoid(t: Tensor) -> Tensor:
    return SigmoidBackward0.apply(t)


def relu(t: Tensor) -> Tensor:
    return ReluBackward0.apply(t)


def lstm_step(gi: Tensor, hidden: tuple, p: CellParams) -> tuple:
    """Gates i, f, g, o from W_hh h + b_hh + gi; c' = f c + i g, h' = o tanh(c')."""
    hx, cx = hidden
    ingate, forgetgate, cellgate, outgate = unsafe_chunk(p.linear_hh(hx) + gi, 4, 1)
    ingate, forgetgate, cellgate, outgate = sigmoid(ingate), sigmoid(forgetgate), tanh(cellgate), sigmoid(outgate)
    cy = forgetgate * cx + ingate * cellgate
    return outgate * tanh(cy), cy


def gru_step(gi: Tensor, h: Tensor, p: CellParams) -> Tensor:
    """r = sigmoid(W_hr h + b_hr + gi_r), z likewise, n = tanh(gi_n + r (W_hn h + b_hn)); h' = (h - n) z + n."""
    i_r, i_z, i_n = unsafe_chunk(gi, 3, 1)
    h_r, h_z, h_n = unsafe_chunk(p.linear_hh(h), 3, 1)
    reset_gate = sigmoid(h_r + i_r)
    input_gate = sigmoid(h_z + i_z)
    new_gate = tanh(i_n + h_n * reset_gate)
    return (h - new_gate) * input_gate + new_gate


def cell_forward(step: Callable, input: Tensor, hidden, p: CellParams):
    """A cell module's step (rnn_tanh_cell, lstm_cell, gru_cell): the input projected here, not precomputed."""
    return step(p.linear_ih(input), hidden, p)


# --- layers --------------------------------------------------------------------------------------------

def _output(hidden):
    return hidden[0] if isinstance(hidden, tuple) else hidden


def _run_steps(step: Callable, step_inputs: Sequence[Tensor], hidden, p: CellParams):
    outputs = []
    for gi in step_inputs:
        hidden = step(gi, hidden, p)
        outputs.append(_output(hidden))
    return outputs, hidden


def _check_steps(outputs: list):
    if not outputs:
        raise errors.runtime("Expected sequence length to be larger than 0 in RNN",
                             "The input has no time steps: its first dimension (or the second with batch_first) "
                             "is 0.")


def full_layer(step: Callable, input: Tensor, hidden, p: CellParams):
    """One direction over the whole sequence: (stacked outputs, final hidden)."""
    outputs, hidden = _run_steps(step, unbind(p.linear_ih(input), 0), hidden, p)
    _check_steps(outputs)
    return stack(outputs, 0), hidden


def bidirectional_layer(step: Callable, input: Tensor, hidden: tuple, p: tuple):
    """Forward steps with p[0], reversed steps with p[1]; outputs concatenated on the last dim."""
    fw_output, fw_hidden = full_layer(step, input, hidden[0], p[0])
    rev_outputs, rev_hidden = _run_steps(step, unbind(p[1].linear_ih(input), 0)[::-1], hidden[1], p[1])
    rev_output = stack(rev_outputs[::-1], 0)
    return cat([fw_output, rev_output], fw_output.ndim - 1), (fw_hidden, rev_hidden)


def rnn_impl(step: Callable, input: Tensor, hiddens: list, weights: Sequence[Tensor], has_biases: bool,
             num_layers: int, dropout_p: float, train: bool, bidirectional: bool, batch_first: bool):
    """_rnn_impl: `hiddens` one per layer and direction (a tensor, or (h, c) for LSTM); returns (output, the
    final hiddens in the same order). Dropout (drawn as at::dropout) between layers when training."""
    if batch_first:
        input = input.transpose(0, 1)
    params = gather_params(weights, has_biases)
    finals = []
    for layer in range(num_layers):
        if bidirectional:
            pair = slice(2 * layer, 2 * layer + 2)
            input, final = bidirectional_layer(step, input, tuple(hiddens[pair]), tuple(params[pair]))
            finals.extend(final)
        else:
            input, final = full_layer(step, input, hiddens[layer], params[layer])
            finals.append(final)
        if dropout_p != 0 and train and layer < num_layers - 1:
            input = dropout(input, dropout_p, True)
    if batch_first:  # aten's lstm() transposes back out of place (a view); rnn_tanh, rnn_relu, gru in place
        input = input.transpose(0, 1) if step is lstm_step else TransposeBackward1.apply(input, dim0=0, dim1=1)
    return input, finals


# --- float32 LSTM: PyTorch's CPU build runs each layer-direction as one oneDNN kernel, one node ---------------

def _lstm_direction(x, w_ih, w_hh, b_ih, b_hh, hx, cx, reverse):
    """One LSTM layer in one direction, steps reversed when `reverse` (outputs back in time order)."""
    p = CellParams(w_ih, w_hh, b_ih, b_hh)
    steps = unbind(p.linear_ih(x), 0)
    outputs, (hy, cy) = _run_steps(lstm_step, steps[::-1] if reverse else steps, (hx, cx), p)
    _check_steps(outputs)
    return stack(outputs[::-1] if reverse else outputs, 0), hy, cy


class MkldnnRnnLayerBackward0(MultiOp):
    """mkldnn_rnn_layer(input, weight0..3, hx_, cx_, reverse) -> (output, hy, cy): the node PyTorch records for
    a float32 LSTM layer on the CPU. Its values are the composed layer's; its backward runs that layer again on
    the saved inputs and takes its vector-Jacobian product (so a graph is built when create_graph asks)."""
    args = saves = ("input", "weight0", "weight1", "weight2", "weight3", "hx_", "cx_")
    def forward(ctx, x, w_ih, w_hh, b_ih, b_hh, hx, cx, reverse):
        ctx.reverse = reverse
        with no_grad():
            outs = _lstm_direction(*[None if a is None else Tensor._make(a) for a in (x, w_ih, w_hh, b_ih, b_hh, hx, cx)],
                                   reverse)
        return tuple(o._data for o in outs)
    def backward(ctx, *grads):
        inputs, need = ctx.saved_tensors, ctx.needs_input_grad
        create_graph = GradMode.enabled
        with enable_grad():
            outs = _lstm_direction(*inputs, ctx.reverse)
        used = [(o, g) for o, g in zip(outs, grads) if g is not None]
        wanted = [x for x, n in zip(inputs, need) if n]
        got = iter(autograd.grad([o for o, _ in used], wanted, [g for _, g in used], create_graph=create_graph,
                                 allow_unused=True))
        return tuple(next(got) if n else None for n in need)


def lstm_mkldnn(input: Tensor, hx: Tensor, cx: Tensor, weights: Sequence[Tensor], has_biases: bool, num_layers: int,
                dropout_p: float, train: bool, bidirectional: bool, batch_first: bool):
    """mkldnn_impl for LSTM: one MkldnnRnnLayerBackward0 per layer and direction, directions concatenated,
    dropout between layers when training; returns (output, h_n, c_n)."""
    if batch_first:
        input = input.transpose(0, 1).contiguous()  # oneDNN reads time-major memory: a copy (CloneBackward0)
    params = gather_params(weights, has_biases)
    directions = 2 if bidirectional else 1
    hy, cy = [], []
    for layer in range(num_layers):
        outputs = []
        for direction in range(directions):
            i = layer * directions + direction
            p = params[i]
            out, h, c = MkldnnRnnLayerBackward0.apply(input, p.w_ih, p.w_hh, p.b_ih, p.b_hh, hx[i], cx[i],
                                                      reverse=direction == 1)
            outputs.append(out)
            hy.append(h)
            cy.append(c)
        input = outputs[0] if directions == 1 else cat(outputs, -1)
        if dropout_p != 0 and train and layer < num_layers - 1:
            input = dropout(input, dropout_p, True)
    if batch_first:
        input = input.transpose(0, 1)
    return input, stack(hy, 0), stack(cy, 0)


def use_mkldnn(input: Tensor) -> bool:
    """Whether PyTorch's CPU build takes the oneDNN path for this LSTM input (float32, not empty)."""
    return input.dtype is dtypes.float32 and input.numel() != 0


STEPS = {"RNN_TANH": simple_cell(tanh), "RNN_RELU": simple_cell(relu), "LSTM": lstm_step, "GRU": gru_step}
