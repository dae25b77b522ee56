"""Matrix products. `matmul` picks the node PyTorch picks for each pair of ranks."""
from .. import backend as B
from .. import errors
from ..node import Op
from .pointwise import promote
from .shape import UnsafeViewBackward0, reshape, squeeze, unsqueeze


def _check(a, b, what):
    if what == "mm" and a.shape[1] != b.shape[0]:
        raise errors.runtime(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                             f"{b.shape[0]}x{b.shape[1]})",
                             "For A @ B the number of columns of A must equal the number of rows of B.")
    if what == "mv" and a.shape[1] != b.shape[0]:
        raise errors.runtime(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec "
                             f"({b.shape[0]})", "For M @ v the length of v must equal the number of columns of M.")
    if what == "dot" and a.shape[0] != b.shape[0]:
        raise errors.runtime(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                             f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                             f"respectively", "A dot product needs two vectors of the same length.")


class MmBackward0(Op):
    args = saves = ("self", "mat2")
    def forward(ctx, a, b):
        _check(a, b, "mm")
        a, b = promote(a, b)
        return a @ b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g.mm(b.t()) if need[0] else None), (a.t().mm(g) if need[1] else None)


class MvBackward0(Op):
    args = saves = ("self", "vec")
    def forward(ctx, a, v):
        _check(a, v, "mv")
        a, v = promote(a, v)
        return a @ v
    def backward(ctx, g):
        a, v = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g.unsqueeze(1) * v if need[0] else None), (a.t().mv(g) if need[1] else None)


class DotBackward0(Op):
    args = saves = ("self", "tensor")
    def forward(ctx, a, b):
        _check(a, b, "dot")
        a, b = promote(a, b)
        return B.ns(a).asarray(a @ b)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g * b if need[0] else None), (g * a if need[1] else None)


class BmmBackward0(Op):
    args = saves = ("self", "mat2")
    def forward(ctx, a, b):
        a, b = promote(a, b)
        return a @ b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g.bmm(b.transpose(1, 2)) if need[0] else None), (a.transpose(1, 2).bmm(g) if need[1] else None)


def mm(a, b):
    if a.ndim != 2 or b.ndim != 2:
        raise errors.runtime(f"self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix",
                             "mm() multiplies two 2-D tensors; use matmul (@) for other shapes.")
    return MmBackward0.apply(a, b)


def mv(a, v):
    return MvBackward0.apply(a, v)


def dot(a, b):
    return DotBackward0.apply(a, b)


def bmm(a, b):
    return BmmBackward0.apply(a, b)


def matmul(a, b):
    """a @ b with PyTorch's dispatch: dot, mv, mm, or folded batches."""
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise errors.runtime("both arguments to matmul need to be at least 1D, but they are "
                             f"{da}D and {db}D", "Use * to multiply by a scalar.")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:
        return squeeze(mm(unsqueeze(a, 0), b), (0,))
    if da == 2 and db == 2:
        return mm(a, b)
    if da >= 3 and db <= 2:  # fold the batch into the rows, as PyTorch does
        rows = reshape(a, -1, a.shape[-1])
        out = mm(rows, b) if db == 2 else mv(rows, b)
        shape = tuple(a.shape[:-1]) + ((b.shape[-1],) if db == 2 else ())
        return UnsafeViewBackward0.apply(out, shape=shape)
    return _batched(a, b)


def _batched(a, b):
    va = unsqueeze(a, 0) if a.ndim == 1 else a
    vb = unsqueeze(b, -1) if b.ndim == 1 else b
    batch = tuple(x for x in _broadcast(tuple(va.shape[:-2]), tuple(vb.shape[:-2])))
    n = 1
    for s in batch:
        n *= s
    ea = reshape(va.expand(*batch, *va.shape[-2:]), n, *va.shape[-2:])
    eb = reshape(vb.expand(*batch, *vb.shape[-2:]), n, *vb.shape[-2:])
    out = bmm(ea, eb)
    shape = batch + ((va.shape[-2],) if a.ndim > 1 else ()) + ((vb.shape[-1],) if b.ndim > 1 else ())
    return UnsafeViewBackward0.apply(out, shape=shape)


def _broadcast(s1, s2):
    n = max(len(s1), len(s2))
    s1, s2 = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
    out = []
    for x, y in zip(s1, s2):
        if x != y and 1 not in (x, y):
            raise errors.runtime(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                                 "non-singleton dimension", "The batch dimensions must broadcast.")
        out.append(max(x, y))
    return out
