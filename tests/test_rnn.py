"""nn.RNN, LSTM, GRU, their cells and nn.utils.rnn.pad_sequence against PyTorch: seeded initial weights bit
for bit, outputs and final states, gradients of every parameter, of the input and of h0, node names along the
graph, dropout between layers, errors in PyTorch's words, and finite differences (float64)."""
import numpy as np
import pytest

import autograd_widgets as aw
from raised import raised

torch = pytest.importorskip("torch")

TOL = {"float32": {"rtol": 1e-5, "atol": 1e-6}, "float64": {"rtol": 1e-10, "atol": 1e-12}}

CONFIGS = [
    ("RNN", {}),
    ("RNN", {"nonlinearity": "relu", "num_layers": 2}),
    ("RNN", {"bidirectional": True, "batch_first": True}),
    ("LSTM", {}),
    ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"batch_first": True, "bias": False}),
    ("GRU", {}),
    ("GRU", {"num_layers": 2, "batch_first": True}),
    ("GRU", {"bidirectional": True, "bias": False}),
]
IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for name, kw in CONFIGS]


def build(T, name, *args, seed=0, dtype="float32", **kw):
    """T.nn.<name>(*args, **kw) made right after T.manual_seed(seed), in `dtype`."""
    T.manual_seed(seed)
    module = getattr(T.nn, name)(*args, **kw)
    return module.double() if dtype == "float64" else module


def as_np(t):
    return t.detach().numpy()


def close(ours, theirs, dtype):
    np.testing.assert_allclose(as_np(ours), as_np(theirs), **TOL[dtype])


def states(result):
    """(output, h_n) or (output, h_n, c_n) of a forward, flat."""
    out, hidden = result
    return (out,) + (tuple(hidden) if isinstance(hidden, tuple) else (hidden,))


def run_both(name, kw, dtype, shape=(5, 3, 4), with_hx=False, size=6):
    """Forward both modules on the same values; backward the same loss; returns (ours, theirs) each as
    (module, input, hx tensors, flat states)."""
    runs = []
    for T in (aw, torch):
        module = build(T, name, shape[-1], size, dtype=dtype, **kw)
        rng = np.random.default_rng(1)
        x = T.tensor(rng.standard_normal(shape), dtype=getattr(T, dtype), requires_grad=True)
        hx = ()
        if with_hx:
            batch = () if len(shape) == 2 else (shape[0] if kw.get("batch_first") else shape[1],)
            n = module.num_layers * (2 if module.bidirectional else 1)
            hx = tuple(T.tensor(rng.standard_normal((n,) + batch + (size,)), dtype=getattr(T, dtype),
                                requires_grad=True) for _ in range(2 if name == "LSTM" else 1))
        result = module(x, hx if name == "LSTM" else hx[0]) if hx else module(x)
        flat = states(result)
        loss = sum((s * s).sum() * (k + 1) for k, s in enumerate(flat))  # every output and state counts
        loss.backward()
        runs.append((module, x, hx, flat))
    return runs


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_seeded_initial_parameters_equal_pytorch_bit_for_bit(name, kw):
    ours, theirs = build(aw, name, 4, 6, seed=7, **kw), build(torch, name, 4, 6, seed=7, **kw)
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    for (n, p), (_, q) in zip(ours.named_parameters(), theirs.named_parameters()):
        assert p.shape == q.shape and np.array_equal(as_np(p), as_np(q)), n


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_outputs_states_and_all_gradients_match_pytorch(name, kw, dtype):
    (m, x, _, flat), (tm, tx, _, tflat) = run_both(name, kw, dtype)
    assert [tuple(s.shape) for s in flat] == [tuple(s.shape) for s in tflat]
    for s, t in zip(flat, tflat):
        close(s, t, dtype)
    for (n, p), (_, q) in zip(m.named_parameters(), tm.named_parameters()):
        close(p.grad, q.grad, dtype)
    close(x.grad, tx.grad, dtype)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("shape,kw", [((5, 3, 4), {}), ((3, 5, 4), {"batch_first": True}), ((5, 4), {}),
                                      ((5, 4), {"batch_first": True, "num_layers": 2})],
                         ids=["batched", "batch_first", "unbatched", "unbatched-batch_first-2layers"])
def test_given_initial_state_and_unbatched_input_match_pytorch(name, shape, kw):
    """h0 (and c0) given: outputs, states and the gradient that reaches h0 and c0 as PyTorch's."""
    (_m, x, hx, flat), (_tm, tx, thx, tflat) = run_both(name, kw, "float64", shape=shape, with_hx=True)
    for s, t in zip(flat, tflat):
        assert s.shape == t.shape
        close(s, t, "float64")
    for h, th in zip(hx, thx):
        close(h.grad, th.grad, "float64")
    close(x.grad, tx.grad, "float64")


def node_names(fn, depth=6):
    """The names along the graph from `fn`, depth first, `depth` levels down."""
    if fn is None or depth < 0:
        return []
    return [type(fn).__name__] + [n for f, _ in fn.next_functions for n in node_names(f, depth - 1)]


@pytest.mark.parametrize("with_hx", [False, True], ids=["zero-state", "given-state"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_node_names_along_the_graph_match_pytorch(name, kw, dtype, with_hx):
    """RNN.cpp's composition (addmm, unbind, add, unsafe_split, sigmoid/tanh, stack, cat, transpose); a float32
    LSTM one MkldnnRnnLayerBackward0 per layer and direction, as PyTorch's CPU build records."""
    (_, _, _, flat), (_, _, _, tflat) = run_both(name, kw, dtype, with_hx=with_hx)
    for s, t in zip(flat, tflat):
        assert node_names(s.grad_fn) == node_names(t.grad_fn)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dropout_between_layers_in_training_draws_as_pytorch(name, dtype):
    """Seeded alike, the dropout masks between layers (and so the outputs) equal PyTorch's; in eval mode the
    same module drops nothing."""
    for train in (True, False):
        outs = []
        for T in (aw, torch):
            m = build(T, name, 4, 5, num_layers=3, dropout=0.4, bidirectional=True, dtype=dtype, seed=3)
            m.train(train)
            x = T.randn(6, 2, 4, dtype=getattr(T, dtype))
            outs.append(states(m(x)))
        for s, t in zip(*outs):
            close(s, t, dtype)
    m = build(aw, name, 4, 5, num_layers=3, dropout=0.4, seed=3)
    x = aw.randn(6, 2, 4)
    assert not np.allclose(as_np(m(x)[0]), as_np(m.eval()(x)[0]))


def test_double_backward_through_float32_lstm_matches_pytorch():
    """create_graph through MkldnnRnnLayerBackward0: the gradient of a gradient norm as PyTorch's."""
    got = []
    for T in (aw, torch):
        m = build(T, "LSTM", 3, 4, batch_first=True, bidirectional=True, seed=5)
        x = T.randn(2, 4, 3, requires_grad=True)
        g, = T.autograd.grad(m(x)[0].pow(2).sum(), x, create_graph=True)
        g.pow(2).sum().backward()
        got.append((g, x.grad, m.weight_hh_l0_reverse.grad))
    for a, b in zip(*got):
        close(a, b, "float32")


# --- cells -------------------------------------------------------------------------------------------------
CELLS = [("RNNCell", {}), ("RNNCell", {"nonlinearity": "relu", "bias": False}), ("LSTMCell", {}), ("GRUCell", {}),
         ("GRUCell", {"bias": False})]
CELL_IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items()) or 'default'}" for n, kw in CELLS]


@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_hx", [True, False])
@pytest.mark.parametrize("name,kw", CELLS, ids=CELL_IDS)
def test_cells_match_pytorch(name, kw, with_hx, batched):
    """Seeded weights bit for bit, the step's values, node names and every gradient (float64)."""
    runs = []
    for T in (aw, torch):
        cell = build(T, name, 4, 3, seed=2, dtype="float64", **kw)
        rng = np.random.default_rng(4)
        lead = (2,) if batched else ()
        x = T.tensor(rng.standard_normal(lead + (4,)), requires_grad=True)
        hx = [T.tensor(rng.standard_normal(lead + (3,)), requires_grad=True) for _ in range(2)]
        args = (x,) + (((hx[0], hx[1]) if name == "LSTMCell" else hx[0],) if with_hx else ())
        out = cell(*args)
        out = out if isinstance(out, tuple) else (out,)
        sum((o * o).sum() * (k + 1) for k, o in enumerate(out)).backward()
        runs.append((cell, x, hx if with_hx else [], out))
    (c, x, hx, out), (tc, tx, thx, tout) = runs
    for (n, p), (_, q) in zip(c.named_parameters(), tc.named_parameters()):
        assert np.array_equal(as_np(p), as_np(q)), n
        close(p.grad, q.grad, "float64")
    for o, t in zip(out, tout):
        assert o.shape == t.shape and node_names(o.grad_fn) == node_names(t.grad_fn)
        close(o, t, "float64")
    for h, th in zip(hx, thx):
        if th.grad is not None:
            close(h.grad, th.grad, "float64")
    close(x.grad, tx.grad, "float64")


# --- errors -----------------------------------------------------------------------------------------------
def same_error(make):
    """make(T) raises the same type with PyTorch's words under both libraries."""
    ours, theirs = raised(lambda: make(aw)), raised(lambda: make(torch))
    assert theirs is not None and ours == theirs, (ours, theirs)


MODULE_ERRORS = {
    "wrong input size": lambda T, n: getattr(T.nn, n)(10, 20)(T.randn(5, 3, 5)),
    "1-D input": lambda T, n: getattr(T.nn, n)(10, 20)(T.randn(5)),
    "4-D input": lambda T, n: getattr(T.nn, n)(10, 20)(T.randn(2, 5, 3, 10)),
    "wrong hidden batch": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(5, 3, 10), (T.randn(1, 2, 20),) * 2 if n == "LSTM" else T.randn(1, 2, 20)),
    "wrong cell size": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(5, 3, 10), (T.randn(1, 3, 20), T.randn(2, 3, 20)) if n == "LSTM" else T.randn(1, 3, 21)),
    "3-D hidden for unbatched": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(5, 10), (T.randn(1, 1, 20),) * 2 if n == "LSTM" else T.randn(1, 1, 20)),
    "2-D hidden for batched": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(5, 3, 10), (T.randn(1, 20),) * 2 if n == "LSTM" else T.randn(1, 20)),
    "input dtype": lambda T, n: getattr(T.nn, n)(10, 20)(T.randn(5, 3, 10, dtype=T.float64)),
    "empty sequence": lambda T, n: getattr(T.nn, n)(10, 20).double()(T.randn(0, 3, 10, dtype=T.float64)),
    "dropout out of range": lambda T, n: getattr(T.nn, n)(10, 20, dropout=1.5),
    "hidden_size 0": lambda T, n: getattr(T.nn, n)(10, 0),
    "num_layers 0": lambda T, n: getattr(T.nn, n)(10, 20, num_layers=0),
    "float input_size": lambda T, n: getattr(T.nn, n)(10.0, 20),
    "bias not bool": lambda T, n: getattr(T.nn, n)(10, 20, bias=1),
}


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("case", MODULE_ERRORS, ids=list(MODULE_ERRORS))
def test_module_errors_in_pytorchs_words(name, case):
    same_error(lambda T: MODULE_ERRORS[case](T, name))


def test_constructor_errors_in_pytorchs_words():
    same_error(lambda T: T.nn.RNN(3, 4, nonlinearity="sigmoid"))
    same_error(lambda T: T.nn.GRU(3, 4, proj_size=2))
    same_error(lambda T: T.nn.RNN(3, 4, proj_size=2))
    same_error(lambda T: T.nn.LSTM(3, 4, proj_size=4))


CELL_ERRORS = {
    "wrong input size": lambda T, n: getattr(T.nn, n)(10, 20)(T.randn(3, 5)),
    "3-D input": lambda T, n: getattr(T.nn, n)(10, 20)(T.randn(3, 4, 10)),
    "batch mismatch": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(3, 10), (T.randn(2, 20), T.randn(3, 20)) if n == "LSTMCell" else T.randn(2, 20)),
    "wrong hidden size": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(3, 10), (T.randn(3, 20), T.randn(3, 21)) if n == "LSTMCell" else T.randn(3, 21)),
    "3-D hidden": lambda T, n: getattr(T.nn, n)(10, 20)(
        T.randn(3, 10), (T.randn(1, 3, 20),) * 2 if n == "LSTMCell" else T.randn(1, 3, 20)),
}


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
@pytest.mark.parametrize("case", CELL_ERRORS, ids=list(CELL_ERRORS))
def test_cell_errors_in_pytorchs_words(name, case):
    same_error(lambda T: CELL_ERRORS[case](T, name))


def test_state_that_is_not_a_pair_fails_as_in_pytorch():
    same_error(lambda T: T.nn.LSTM(10, 20)(T.randn(5, 3, 10), T.randn(1, 3, 20)))
    same_error(lambda T: T.nn.LSTMCell(10, 20)(T.randn(3, 10), (T.randn(3, 20),)))


def test_unsupported_parts_say_so():
    with pytest.raises(NotImplementedError, match="proj_size"):
        aw.nn.LSTM(4, 6, proj_size=2)
    packed = torch.nn.utils.rnn.pack_sequence([torch.randn(3, 4), torch.randn(2, 4)])
    with pytest.raises(NotImplementedError, match="PackedSequence"):
        aw.nn.LSTM(4, 6)(packed)


def test_dropout_with_one_layer_warns_as_pytorch():
    for T in (aw, torch):
        with pytest.warns(UserWarning, match="non-zero dropout expects num_layers greater than 1, but got "
                                             "dropout=0.5 and num_layers=1"):
            T.nn.GRU(3, 4, dropout=0.5)


# --- module surface ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda T: T.nn.LSTM(10, 20, num_layers=2, batch_first=True),
    lambda T: T.nn.RNN(3, 4, 2, "relu", False, True, 0.5, True),
    lambda T: T.nn.GRU(3, 4, bias=False, dropout=0.25, num_layers=2),
    lambda T: T.nn.RNNCell(3, 4, bias=False, nonlinearity="relu"),
    lambda T: T.nn.LSTMCell(3, 4),
    lambda T: T.nn.Sequential(T.nn.Embedding(5, 3), T.nn.GRUCell(3, 4, bias=False)),
], ids=["lstm", "rnn-positional", "gru", "rnncell", "lstmcell", "nested"])
def test_repr_and_state_dict_keys_as_pytorch(make):
    ours, theirs = make(aw), make(torch)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())


def test_all_weights_and_flatten_parameters():
    m = aw.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    t = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True)
    assert [[tuple(w.shape) for w in ws] for ws in m.all_weights] == \
        [[tuple(w.shape) for w in ws] for ws in t.all_weights]
    assert m.all_weights[1][0] is m.weight_ih_l0_reverse
    assert m.flatten_parameters() is None


def test_reassigned_weight_is_used():
    """A weight replaced after construction (weight tying, loading) is the one the next forward reads."""
    m = aw.nn.RNN(2, 2, bias=False)
    m.weight_ih_l0 = aw.nn.Parameter(aw.zeros(2, 2))
    out, _h = m(aw.ones(3, 1, 2))
    assert np.array_equal(as_np(out), np.zeros((3, 1, 2), dtype=np.float32))


# --- finite differences --------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_gradcheck_tiny_layer_wrt_input_state_and_weights(name):
    aw.manual_seed(0)
    m = getattr(aw.nn, name)(2, 3, num_layers=2, bidirectional=True).double()
    x = aw.randn(3, 2, 2, dtype=aw.float64, requires_grad=True)
    h = aw.randn(4, 2, 3, dtype=aw.float64, requires_grad=True)
    hx = (h, aw.randn(4, 2, 3, dtype=aw.float64, requires_grad=True)) if name == "LSTM" else (h,)

    def f(x, *rest):
        hidden = rest[:len(hx)]
        out, state = m(x, tuple(hidden) if name == "LSTM" else hidden[0])
        return (out,) + (state if isinstance(state, tuple) else (state,))
    assert aw.autograd.gradcheck(f, (x, *hx, m.weight_hh_l1_reverse, m.bias_ih_l0))


@pytest.mark.parametrize("name", ["RNNCell", "LSTMCell", "GRUCell"])
def test_gradcheck_cells(name):
    aw.manual_seed(0)
    cell = getattr(aw.nn, name)(2, 3).double()
    x = aw.randn(2, 2, dtype=aw.float64, requires_grad=True)
    h = aw.randn(2, 3, dtype=aw.float64, requires_grad=True)
    hx = (h, aw.randn(2, 3, dtype=aw.float64, requires_grad=True)) if name == "LSTMCell" else h
    assert aw.autograd.gradcheck(lambda x, w: cell(x, hx), (x, cell.weight_hh))


# --- nn.utils.rnn.pad_sequence ------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [{}, {"batch_first": True, "padding_value": -1.0}, {"padding_side": "left"},
                                {"batch_first": True, "padding_side": "left"}],
                         ids=["default", "batch_first-value", "left", "batch_first-left"])
def test_pad_sequence_values_nodes_and_gradients_as_pytorch(kw):
    got = []
    for T in (aw, torch):
        seqs = [T.arange(6.0).reshape(3, 2).requires_grad_(), T.ones(1, 2) * 2, T.ones(2, 2).requires_grad_()]
        out = T.nn.utils.rnn.pad_sequence(seqs, **kw)
        (out * T.arange(float(out.numel())).reshape(tuple(out.shape))).sum().backward()
        got.append((out, node_names(out.grad_fn), seqs[0].grad, seqs[2].grad))
    (out, names, ga, gc), (tout, tnames, tga, tgc) = got
    assert names == tnames and np.array_equal(as_np(out), as_np(tout))
    assert np.array_equal(as_np(ga), as_np(tga)) and np.array_equal(as_np(gc), as_np(tgc))


def test_pad_sequence_errors_in_pytorchs_words():
    same_error(lambda T: T.nn.utils.rnn.pad_sequence([]))
    same_error(lambda T: T.nn.utils.rnn.pad_sequence([T.ones(3, 2), T.ones(2, 3)]))
    same_error(lambda T: T.nn.utils.rnn.pad_sequence([T.ones(3, 2)], padding_side="middle"))
