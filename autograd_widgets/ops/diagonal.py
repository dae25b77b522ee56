"""Diagonals: diagonal (a view, as in PyTorch), diag_embed, and torch.diag's two directions."""
from .. import backend as B
from .. import errors
from ..node import Op
from . import shape as S
from .shape import _view


def _dims(ndim, dim1, dim2):
    d1, d2 = errors.wrap_dim(dim1, ndim), errors.wrap_dim(dim2, ndim)
    if d1 == d2:
        raise errors.runtime(f"diagonal dimensions cannot be identical {dim1}, {dim2}",
                             "Name two different dims: the diagonal runs along both at once.")
    return d1, d2


def diagonal_view(a, offset, dim1, dim2):
    """The diagonal of array `a` as a view that can be written through (NumPy hands it out read-only)."""
    return B.writable(a, B.ns(a).diagonal(a, offset, dim1, dim2))


class DiagonalBackward0(Op):
    """diagonal(self, offset, dim1, dim2): a view; the gradient is zeros with g on that diagonal."""
    quiet = False  # a view: no arithmetic
    args = ("self",)
    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        ctx.self_sym_sizes, ctx.offset, ctx.dim1, ctx.dim2 = a.shape, offset, dim1, dim2
        return diagonal_view(a, offset, dim1, dim2)
    def backward(ctx, g):
        return (DiagonalBackwardBackward0.apply(g, shape=ctx.self_sym_sizes, offset=ctx.offset, dim1=ctx.dim1,
                                                dim2=ctx.dim2),)


class DiagonalBackward0_copy(DiagonalBackward0):  # noqa: N801 - PyTorch's name (torch.diag of a matrix)
    """torch.diag(matrix, k): the diagonal, copied (diagonal_copy in PyTorch)."""
    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        return DiagonalBackward0.forward(ctx, a, offset, dim1, dim2).copy()


class DiagonalBackwardBackward0(Op):
    """diagonal_backward(grad, sizes, offset, dim1, dim2): zeros of `shape` with grad on the diagonal."""
    args = ("grad_output",)
    def forward(ctx, g, shape, offset, dim1, dim2):
        ctx.offset, ctx.dim1, ctx.dim2 = offset, dim1, dim2
        out = B.ns(g).zeros(shape, dtype=g.dtype)
        diagonal_view(out, offset, dim1, dim2)[...] = g
        return out
    def backward(ctx, gg):
        return (DiagonalBackward0.apply(gg, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2),)


class DiagEmbedBackward0(Op):
    """diag_embed(self, offset, dim1, dim2): the last dim of self laid on a diagonal of new dims dim1, dim2."""
    args = ("self",)
    def forward(ctx, a, offset=0, dim1=-2, dim2=-1):
        ndim = a.ndim + 1
        d1, d2 = _dims(ndim, dim1, dim2)
        ctx.offset, ctx.dim1, ctx.dim2 = offset, d1, d2
        n = a.shape[-1] + abs(offset)
        rest = list(a.shape[:-1])
        shape = []
        for d in range(ndim):
            shape.append(n if d in (d1, d2) else rest.pop(0))
        out = B.ns(a).zeros(tuple(shape), dtype=a.dtype)
        diagonal_view(out, offset, d1, d2)[...] = a
        return out
    def backward(ctx, g):
        return (DiagonalBackward0.apply(g, offset=ctx.offset, dim1=ctx.dim1, dim2=ctx.dim2),)


def diagonal(input, offset=0, dim1=0, dim2=1):
    d1, d2 = _dims(input.ndim, dim1, dim2)
    return _view(DiagonalBackward0, input, offset=offset, dim1=d1, dim2=d2)


def diag_embed(input, offset=0, dim1=-2, dim2=-1):
    return DiagEmbedBackward0.apply(input, offset=offset, dim1=dim1, dim2=dim2)


def diagflat(input, offset=0):
    """input's elements, flattened, on diagonal `offset` of a square matrix (PyTorch: a view, then diag_embed)."""
    return DiagEmbedBackward0.apply(S.view(input.contiguous(), -1), offset=offset, dim1=0, dim2=1)


def diag(input, diagonal=0):
    """A vector to the matrix with it on diagonal `diagonal`; a matrix to (a copy of) that diagonal."""
    if input.ndim == 1:
        return DiagEmbedBackward0.apply(input, offset=diagonal, dim1=0, dim2=1)
    if input.ndim == 2:
        return DiagonalBackward0_copy.apply(input, offset=diagonal, dim1=0, dim2=1)
    raise errors.runtime(f"diag(): Supports 1D or 2D tensors. Got {input.ndim}D",
                         "diag() turns a vector into a diagonal matrix or takes a matrix's diagonal; for batches use "
                         "torch.diagonal or torch.diag_embed.")


def fill_diagonal_(t, fill_value, wrap=False):
    """t's main diagonal (t[i, i, ...]) set to fill_value in place, through a view of it as PyTorch writes it
    (so the graph gets CopySlices); `wrap`: a tall matrix's diagonal starts again every width + 1 rows."""
    if t.ndim < 2:
        raise errors.runtime("dimensions must larger than 1", "fill_diagonal_ needs a matrix (or a cube, ...).")
    if t.ndim > 2 and any(n != t.shape[0] for n in t.shape[1:]):
        raise errors.runtime("all dimensions of input must be of equal length",
                             "Past two dimensions the diagonal is t[i, i, i, ...]: every dimension must be as long.")
    d = t
    while d.ndim > 1:  # each diagonal() moves the diagonal last; the next takes it with the next dim
        d = diagonal(d, 0, 0, 1)
    d.fill_(fill_value)
    height, width = t.shape[0], t.shape[1]
    if wrap and t.ndim == 2 and height > width + 1:
        step = width + 1
        if t.is_contiguous():  # one view of the rest, every step-th element, as PyTorch's as_strided
            S.view(t, -1)[step * width::step].fill_(fill_value)
        else:
            for start in range(step, height, step):
                diagonal(t[start:], 0, 0, 1).fill_(fill_value)
    return t
