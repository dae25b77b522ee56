"""Ops that cut a tensor into several views at once: unbind, split, chunk.

One node records the whole cut (output i of it is piece i); each piece is a view of the
tensor's root, and PyTorch forbids in-place ops on them where a graph is involved.
"""
from .. import backend as B
from .. import errors
from ..grad_mode import GradMode
from ..node import _SCRATCH, Op, _sequence, edge_to
from ..size_args import sizes as size_arg
from ..tensor import Tensor
from .indexing import SelectBackward0, SliceBackward0
from .shape import cat, mark_view, stack


class UnbindBackward0(Op):
    """The slices along `dim`; the gradient stacks theirs (zeros for a piece that got none)."""
    args = ("self",)
    def forward(ctx, a, dim):
        ctx.dim = dim
        return tuple(a[(slice(None),) * dim + (i,)] for i in range(a.shape[dim]))
    def pieces(ctx):
        return [(SelectBackward0, {"dim": ctx.dim, "index": i}) for i in range(len(ctx._sizes))]
    def backward(ctx, *grads):
        return (stack(_zeros_for_missing(ctx, grads), ctx.dim),)


class SplitBackward0(Op):
    """Consecutive pieces of `sizes` along `dim`; the gradient concatenates theirs."""
    args = ("self",)
    def forward(ctx, a, dim, sizes):
        ctx.dim = dim
        out, start = [], 0
        for n in sizes:
            out.append(a[(slice(None),) * dim + (slice(start, start + n),)])
            start += n
        return tuple(out)
    def pieces(ctx):
        out, start = [], 0
        for shape in ctx._sizes:
            n = shape[ctx.dim]
            out.append((SliceBackward0, {"dim": ctx.dim, "sl": slice(start, start + n)}))
            start += n
        return out
    def backward(ctx, *grads):
        return (cat(_zeros_for_missing(ctx, grads), ctx.dim),)


class SplitWithSizesBackward0(SplitBackward0):
    """split with a list of sizes."""


def _zeros_for_missing(ctx, grads):
    return [g if g is not None else Tensor._make(B.ns(ctx._like).zeros(shape, dtype=ctx._like.dtype))
            for g, shape in zip(grads, ctx._sizes)]


def _cut(op, t, **params):
    """Run the several-output view op `op` on `t`: one node, piece i its output i, each a view of t's root."""
    record = t._rg and GradMode.enabled
    node = op.__new__(op) if record else _SCRATCH
    arrays = op.forward(node, t._data, **params)
    ctx = op.__new__(op)  # where each piece lies, kept whether or not a graph is recorded
    like = B.ns(t._data).empty(0, dtype=t._data.dtype)  # dtype and device for the zeros of unused pieces
    ctx.dim, ctx._sizes, ctx._like = params["dim"], [a.shape for a in arrays], like
    outs = []
    for i, (a, step) in enumerate(zip(arrays, ctx.pieces())):
        out = Tensor._make(a)
        mark_view(out, t, step, nograd=not record)  # as PyTorch, which then names its error
        out._multi_output = (i, op.__name__[:-len("Backward0")])
        outs.append(out)
    if t._fw_grad is not None:  # forward AD: each piece's tangent is that piece of the tangent (a view of it)
        from ..autograd.forward_ad import set_tangent
        for out, piece in zip(outs, _cut(op, t._fw_grad, **params)):
            set_tangent(out, piece)
    if record:
        node._sizes, node._like = ctx._sizes, like
        node.next_functions = (edge_to(t),)
        node._meta = tuple((a.shape, a.dtype) for a in arrays)
        node._seq = next(_sequence)
        for i, out in enumerate(outs):
            out._rg, out.grad_fn, out._output_nr = True, node, i
    return tuple(outs)


def unbind(t, dim=0):
    return _cut(UnbindBackward0, t, dim=errors.wrap_dim(dim, t.ndim))


def split(t, split_size_or_sections, dim=0):
    dim = errors.wrap_dim(dim, t.ndim)
    n = t.shape[dim]
    if isinstance(split_size_or_sections, Tensor) and split_size_or_sections.numel() == 1:
        split_size_or_sections = int(split_size_or_sections.item())  # as Tensor.split: a one-number tensor is a size
    if isinstance(split_size_or_sections, int):
        step = split_size_or_sections
        sizes = [min(step, n - s) for s in range(0, n, step)] if n else [0]
        return _cut(SplitBackward0, t, dim=dim, sizes=sizes)
    sizes = list(size_arg("split_with_sizes", (split_size_or_sections,), "split_sizes", position=2, varargs=False))
    if sum(sizes) != n:
        raise errors.runtime(f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at "
                             f"dimension {dim}), but got split_sizes={sizes}",
                             "The sizes you split into must add up to the length of that dimension.")
    return _cut(SplitWithSizesBackward0, t, dim=dim, sizes=sizes)


def chunk(t, chunks, dim=0):
    if chunks <= 0:
        raise errors.runtime(f"chunk expects `chunks` to be greater than 0, got: {chunks}",
                             "Ask for at least one chunk.")
    dim = errors.wrap_dim(dim, t.ndim)
    n = t.shape[dim]
    return split(t, max(1, -(-n // chunks)), dim)
