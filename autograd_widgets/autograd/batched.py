"""The backward pass of `autograd.grad(..., is_grads_batched=True)`: one pass for a stack of grad_outputs.

Every gradient carries a leading batch dimension B. Nodes whose vector-Jacobian product broadcasts
over it (elementwise ops) run once on the whole stack; views, sums and matrix products have a rule
here; every other node runs once per batch element and stacks what it returns (as PyTorch's vmap
falls back to a loop for an op without a batching rule). So the result always equals B single
backward passes, and a Jacobian costs one pass instead of one per row. A graph with hooks, or one
the backward stepper is watching, runs as that loop of whole passes, so hooks see what they would.
"""
import heapq

from ..creation import zeros
from ..engine import _dependencies, _needed, _observers, _runs_past, _validate, run_backward
from ..grad_mode import GradMode
from ..node import AccumulateGrad
from ..ops import linalg, pointwise, reduce, shape, unary
from ..ops.shape import stack
from ..tensor import Tensor


def batched_backward(roots, root_grads, retain_graph, create_graph, inputs):
    """The gradients reaching `inputs`, each with the batch dimension of `root_grads` in front (None: none)."""
    n = root_grads[0].shape[0]
    root_fns = [fn for fn, _ in roots]
    deps = _dependencies(root_fns)
    seen = set(root_fns).union(deps)
    if n == 0 or _observers or any(_hooked(fn) for fn in seen):
        return _looped(roots, root_grads, retain_graph, create_graph, inputs, n)
    captures = {}  # node -> [(input position, output_nr)]
    for pos, t in enumerate(inputs):
        fn, nr = (t.grad_fn, t._output_nr) if t.grad_fn is not None else (t._ag() if t._ag else None, 0)
        if fn is not None:
            captures.setdefault(fn, []).append((pos, nr))
    needed = _needed(root_fns, deps, captures)
    results = [None] * len(inputs)
    buffers, ready = {}, []
    for (fn, nr), g in zip(roots, root_grads):
        buf = buffers.setdefault(fn, [None] * len(fn._meta))
        buf[nr] = g if buf[nr] is None else buf[nr] + g
    for fn in buffers:
        if deps.get(fn, 0) == 0:
            heapq.heappush(ready, (-fn._seq, id(fn), fn))
    prev, GradMode.enabled = GradMode.enabled, create_graph
    try:
        while ready:
            _, _, fn = heapq.heappop(ready)
            grads = buffers.pop(fn)
            for pos, nr in captures.get(fn, ()):
                results[pos] = grads[nr]
            if fn not in needed or type(fn) is AccumulateGrad or (fn in captures and not _runs_past(fn, needed)):
                continue
            if all(g is None for g in grads):
                sent = (None,) * len(fn._fns)
            else:
                sent = _vjp(fn, grads, n)
            for i, (nxt, nr) in enumerate(zip(fn._fns, fn._nrs)):
                if nxt is None or nxt not in needed:
                    continue
                buf = buffers.setdefault(nxt, [None] * len(nxt._meta))
                g = sent[i]
                if g is not None:
                    g = _fit(fn, i, g, n, *nxt._meta[nr])
                    buf[nr] = g if buf[nr] is None else buf[nr] + g
                deps[nxt] -= 1
                if deps[nxt] == 0:
                    heapq.heappush(ready, (-nxt._seq, id(nxt), nxt))
            if not retain_graph:
                fn._release()
    finally:
        GradMode.enabled = prev
    return results


def _hooked(fn):
    if fn._pre_hooks or fn._post_hooks or fn._tensor_hooks or fn._retains:
        return True
    return type(fn) is AccumulateGrad and bool(fn.variable._hooks)


def _looped(roots, root_grads, retain_graph, create_graph, inputs, n):
    """B whole backward passes, one per batch element, their results stacked."""
    rows = [run_backward(roots, [g[b] for g in root_grads], retain_graph or b < n - 1, create_graph,
                         inputs=inputs, accumulate=False) for b in range(n)]
    out = []
    for i, x in enumerate(inputs):
        got = [r[i] for r in rows]
        if n == 0:
            out.append(zeros((0,) + tuple(x.shape), dtype=x.dtype, device=x.device))
        elif all(g is None for g in got):
            out.append(None)
        else:
            out.append(stack([g if g is not None else x.new_zeros(x.shape) for g in got]))
    return out


def _fit(fn, i, g, n, shape, dt):
    """g, a batch of gradients for input i of fn, summed to (n, *shape) over broadcast dimensions and cast to dt."""
    extra = g.ndim - 1 - len(shape)
    if extra > 0:  # dimensions broadcasting added in front of the input's: summed, the batch dimension kept
        g = g.sum(tuple(range(1, 1 + extra)))
    return _validate(fn, i, g, (n,) + tuple(shape), dt)


def _vjp(fn, grads, n):
    rule = _RULES.get(type(fn))
    if rule is not None:
        sent = rule(fn, grads, n)
    elif type(fn) in _BROADCASTING:
        sent = fn.backward(*grads)
    else:
        return _per_element(fn, grads, n)
    return sent if type(sent) is tuple else (sent,)


def _per_element(fn, grads, n):
    """fn's backward once per batch element, the results stacked: right for any node."""
    rows = []
    for b in range(n):
        r = fn.backward(*[g[b] if g is not None else None for g in grads])
        rows.append(r if type(r) is tuple else (r,))
    sent = []
    for i in range(len(rows[0])):
        col = [r[i] for r in rows]
        known = next((g for g in col if g is not None), None)
        sent.append(None if known is None else stack([g if g is not None else known.new_zeros(known.shape)
                                                      for g in col]))
    return tuple(sent)


# --- rules: the node's vector-Jacobian product for a batch of gradients ---------------------------
def _input_shape(fn, i=0):
    nxt, nr = fn._fns[i], fn._nrs[i]
    return None if nxt is None else tuple(nxt._meta[nr][0])


def _reshaped(fn, grads, n):
    """Any view that only changes the shape: the gradient takes the input's shape back."""
    s = _input_shape(fn)
    return (None if s is None else grads[0].reshape((n,) + s),)


def _summed(fn, grads, n):
    """sum(): each batch element's number spread over the input's shape."""
    s = tuple(fn.self_sym_sizes)
    return (grads[0].reshape((n,) + (1,) * len(s)).expand((n,) + s),)


def _summed_dims(fn, grads, n):
    g = grads[0]
    if not fn.keepdim and fn.self_sym_sizes:
        for d in fn.dim:
            g = g.unsqueeze(d + 1)
    return (g.expand((n,) + tuple(fn.self_sym_sizes)),)


def _mean(fn, grads, n):
    count = 1
    for s in fn.self_sym_sizes:
        count *= s
    return (_summed(fn, grads, n)[0] / max(1, count),)


def _transposed(fn, grads, n):
    g, nd = grads[0], grads[0].ndim - 1
    if type(fn) is shape.TBackward0:
        return (g.transpose(1, 2) if nd == 2 else g,)
    if nd == 0:
        return (g,)
    return (g.transpose(fn.dim0 % nd + 1, fn.dim1 % nd + 1),)


def _permuted(fn, grads, n):
    inverse = [0] * len(fn.dims)
    for i, d in enumerate(fn.dims):
        inverse[d] = i
    return (grads[0].permute(0, *[d + 1 for d in inverse]),)


def _expanded(fn, grads, n):
    """expand(): the batch of gradients as it is; _fit sums it over the expanded dimensions."""
    return (grads[0],)


def _mv(fn, grads, n):
    a, v = fn.saved_tensors
    need = fn.needs_input_grad
    g = grads[0]
    return (g.unsqueeze(-1) * v if need[0] else None), (g.matmul(a) if need[1] else None)


def _mm(fn, grads, n):
    a, b = fn.saved_tensors
    need = fn.needs_input_grad
    g = grads[0]
    return (g.matmul(b.t()) if need[0] else None), (a.t().matmul(g) if need[1] else None)


def _dot(fn, grads, n):
    a, b = fn.saved_tensors
    need = fn.needs_input_grad
    g = grads[0].unsqueeze(-1)
    return (g * b if need[0] else None), (g * a if need[1] else None)


def _pow(fn, grads, n):
    if fn.exponent == 0:  # PyTorch's zeros_like(self), batched
        a, = fn.saved_tensors
        return (a.new_zeros((n,) + tuple(a.shape)),)
    return fn.backward(*grads)


_RULES = {
    shape.ViewBackward0: _reshaped, shape.UnsafeViewBackward0: _reshaped, shape.ReshapeAliasBackward0: _reshaped,
    shape.SqueezeBackward0: _reshaped, shape.SqueezeBackward1: _reshaped, shape.SqueezeBackward2: _reshaped,
    shape.SqueezeBackward4: _reshaped, shape.UnsqueezeBackward0: _reshaped,
    shape.ExpandBackward0: _expanded, shape.TBackward0: _transposed, shape.TransposeBackward0: _transposed, shape.PermuteBackward0: _permuted,
    reduce.SumBackward0: _summed, reduce.SumBackward1: _summed_dims,
    reduce.MeanBackward0: _mean,
    linalg.MvBackward0: _mv, linalg.MmBackward0: _mm, linalg.DotBackward0: _dot,
    pointwise.PowBackward0: _pow,
}

# Nodes whose own backward is right for a batch as it stands: elementwise formulas (g times values shaped
# like the output, which broadcast under the batch dimension), their input gradients summed to shape by _fit.
_BROADCASTING = {getattr(pointwise, name) for name in (
    "AddBackward0", "AddBackward1", "SubBackward0", "SubBackward1", "RsubBackward0", "RsubBackward1",
    "MulBackward0", "MulBackward1", "DivBackward0", "DivBackward1", "NegBackward0", "ReciprocalBackward0",
    "ExpBackward0", "LogBackward0", "SinBackward0", "CosBackward0", "TanhBackward0", "SqrtBackward0",
    "SigmoidBackward0", "ReluBackward0", "AbsBackward0", "TanhBackwardBackward0", "SigmoidBackwardBackward0",
    "ThresholdBackwardBackward0")} | {getattr(unary, name) for name in (
        "Log1PBackward0", "Expm1Backward0", "Exp2Backward0", "Log2Backward0", "Log10Backward0", "ErfBackward0",
        "TanBackward0", "RsqrtBackward0", "AsinBackward0", "AcosBackward0", "AtanBackward0", "SinhBackward0",
        "CoshBackward0", "FracBackward0")}
