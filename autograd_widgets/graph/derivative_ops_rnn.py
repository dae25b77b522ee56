"""Formula helpers for the recurrent layers' nodes (MkldnnRnnLayerBackward0), read by derivatives.py; they work
on autograd_widgets' and PyTorch's tensors alike."""
from .derivative_ops import lib


def lstm_layer_backward(grads, input, weight0, weight1, weight2, weight3, hx_, cx_, reverse):
    """The gradients (input, weight0..3, hx_, cx_) of one LSTM layer-direction (mkldnn_rnn_layer) for the
    gradients of its (output, hy, cy): the layer written out step by step (gates i, f, g, o; c' = f c + i g,
    h' = o tanh(c')), run back through by the library's own autograd."""
    T = lib(input)
    with T.enable_grad():
        ins = [None if t is None else t.detach().requires_grad_() for t in
               (input, weight0, weight1, weight2, weight3, hx_, cx_)]
        x, w_ih, w_hh, b_ih, b_hh, h, c = ins
        steps = range(x.shape[0] - 1, -1, -1) if reverse else range(x.shape[0])
        outputs = {}
        for t in steps:
            gates = T.nn.functional.linear(x[t], w_ih, b_ih) + T.nn.functional.linear(h, w_hh, b_hh)
            i, f, g, o = gates.chunk(4, 1)
            c = f.sigmoid() * c + i.sigmoid() * g.tanh()
            h = o.sigmoid() * c.tanh()
            outputs[t] = h
        outs = (T.stack([outputs[t] for t in range(x.shape[0])]), h, c)
        used = [(out, g) for out, g in zip(outs, grads) if g is not None]
        wanted = [t for t in ins if t is not None]
        got = iter(T.autograd.grad([o for o, _ in used], wanted, [g for _, g in used], allow_unused=True))
    return tuple(None if t is None else next(got) for t in ins)
