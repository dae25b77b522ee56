"""Matrix products. `matmul` picks the node PyTorch picks for each pair of ranks."""
import math

from .. import backend as B
from .. import errors
from ..dtypes import scalar_name
from ..node import Op
from ..tensor import Tensor
from .pointwise import CloneBackward0, promote
from .shape import SqueezeBackward4, TBackward0, UnsafeViewBackward0, _view, reshape, squeeze, transpose, unsqueeze


_CPP_NAME = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int", "int32": "int",
             "bool": "bool"}


def _dtype_mismatch(a, b, what):
    """PyTorch multiplies matrices of one dtype only: each kernel words the refusal its own way."""
    sa, sb = scalar_name(a.dtype), scalar_name(b.dtype)
    words = {"mm": f"expected m1 and m2 to have the same dtype, but got: {_CPP_NAME[a.dtype.name]} != "
                   f"{_CPP_NAME[b.dtype.name]}",
             "mv": f"addmv input tensors must have the same dtype, but got {sb}, {sa}, and {sb}",
             "dot": f"dot : expected both vectors to have same dtype, but found {sa} and {sb}",
             "bmm": f"expected scalar type {sa} but found {sb}",
             "addmm": f"mat1 and mat2 must have the same dtype, but got {sa} and {sb}",
             "addmm self": f"self and mat2 must have the same dtype, but got {sa} and {sb}"}[what]
    return errors.runtime(words, f"Both operands must have the same dtype ({a.dtype.name} and {b.dtype.name} here), "
                                 "e.g. a float64 NumPy array against float32 weights: convert one with .float() or "
                                 ".double().")


def _check(a, b, what):
    if what == "mm" and a.shape[1] != b.shape[0]:  # PyTorch's mm and mv check shapes before dtypes,
        raise errors.runtime(f"mat1 and mat2 shapes cannot be multiplied ({a.shape[0]}x{a.shape[1]} and "
                             f"{b.shape[0]}x{b.shape[1]})",
                             "For A @ B the number of columns of A must equal the number of rows of B.")
    if what == "mv" and a.shape[1] != b.shape[0]:
        raise errors.runtime(f"size mismatch, got input ({a.shape[0]}), mat ({a.shape[0]}x{a.shape[1]}), vec "
                             f"({b.shape[0]})", "For M @ v the length of v must equal the number of columns of M.")
    if a.dtype != b.dtype:  # dot checks dtypes first
        raise _dtype_mismatch(a, b, what)
    if what == "dot" and a.shape[0] != b.shape[0]:
        raise errors.runtime(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src [{b.shape[0]}] to "
                             f"have the same number of elements, but got {a.shape[0]} and {b.shape[0]} elements "
                             f"respectively", "A dot product needs two vectors of the same length.")


def _column_major(a):
    """PyTorch's test in mm_mat1/mat2_backward (strides (1, rows)), read from the layout flags every
    array library offers; a vector-shaped matrix counts as row-major (PyTorch differs only for a
    transposed row vector, and only in the shape of the gradient's own graph)."""
    flags = a.flags
    return flags.f_contiguous and not flags.c_contiguous


class MmBackward0(Op):
    args = saves = ("self", "mat2")
    saves_if = {"self": "mat2", "mat2": "self"}  # each factor is needed only for the other's gradient
    def forward(ctx, a, b):
        _check(a, b, "mm")
        ctx.column_major = (_column_major(a), _column_major(b))
        a, b = promote(a, b)
        return a @ b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        return mm_grads(ctx, g, a, b, ctx.needs_input_grad)


def mm_grads(ctx, g, a, b, need):
    """PyTorch's mm_mat1_backward and mm_mat2_backward: a column-major input gets its gradient column-major too."""
    col_a, col_b = ctx.column_major
    ga = (_t(_mm(b, _t(g))) if col_a else _mm(g, _t(b))) if need[0] else None
    gb = (_t(_mm(_t(g), a)) if col_b else _mm(_t(a), g)) if need[1] else None
    return ga, gb


def _t(x):
    """x.t() for a matrix x (the method's rank check and keyword handling cost more than the view)."""
    return _view(TBackward0, x)


def _mm(a, b):
    """a.mm(b) for matrices a, b (the op's node, without the function's operand checks)."""
    return MmBackward0.apply(a, b)


class MvBackward0(Op):
    args = saves = ("self", "vec")
    saves_if = {"self": "vec", "vec": "self"}  # each factor is needed only for the other's gradient
    def forward(ctx, a, v):
        _check(a, v, "mv")
        a, v = promote(a, v)
        return a @ v
    def backward(ctx, g):
        a, v = ctx.saved_tensors
        need = ctx.needs_input_grad
        # d/dM is the outer product g vᵀ, which PyTorch forms as g.reshape(-1, 1) * v
        return (g.reshape(-1, 1) * v if need[0] else None), (a.t().mv(g) if need[1] else None)


class DotBackward0(Op):
    args = saves = ("self", "tensor")
    saves_if = {"self": "tensor", "tensor": "self"}  # each factor is needed only for the other's gradient
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
    saves_if = {"self": "mat2", "mat2": "self"}  # each factor is needed only for the other's gradient
    def forward(ctx, a, b):
        if a.dtype != b.dtype:
            raise _dtype_mismatch(a, b, "bmm")
        a, b = promote(a, b)
        return a @ b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g.bmm(b.transpose(1, 2)) if need[0] else None), (a.transpose(1, 2).bmm(g) if need[1] else None)


def _tensors(name, a, b, second):
    """PyTorch's TypeError when an operand of the product `name` (its second argument named `second`) is no tensor."""
    for param, value, position in (("input", a, 1), (second, b, 2)):
        if not isinstance(value, Tensor):
            raise errors.not_tensor(name, param, value, position)


def mm(a, b):
    _tensors("mm", a, b, "mat2")
    if a.ndim != 2 or b.ndim != 2:
        raise errors.runtime(f"self must be a matrix" if a.ndim != 2 else "mat2 must be a matrix",
                             "mm() multiplies two 2-D tensors; use matmul (@) for other shapes.")
    return MmBackward0.apply(a, b)


def mv(a, v):
    _tensors("mv", a, v, "vec")
    if a.ndim != 2 or v.ndim != 1:
        raise errors.runtime(f"vector + matrix @ vector expected, got 1, {a.ndim}, {v.ndim}",
                             "mv() multiplies a 2-D matrix by a 1-D vector; use matmul (@) for other shapes.")
    return MvBackward0.apply(a, v)


def dot(a, b):
    _tensors("dot", a, b, "tensor")
    if a.ndim != 1 or b.ndim != 1:
        raise errors.runtime(f"1D tensors expected, but got {a.ndim}D and {b.ndim}D tensors",
                             "dot() multiplies two 1-D vectors; use matmul (@) or mm() for matrices.")
    return DotBackward0.apply(a, b)


def bmm(a, b):
    _tensors("bmm", a, b, "mat2")
    for name, x in (("batch1", a), ("batch2", b)):
        if x.ndim != 3:
            raise errors.runtime(f"{name} must be a 3D tensor",
                                 "bmm() multiplies two batches of matrices, each 3-D (batch, rows, columns).")
    want, got = [a.shape[0], a.shape[2]], [b.shape[0], b.shape[1]]
    if want != got:
        raise errors.runtime(f"Expected size for first two dimensions of batch2 tensor to be: {want} but got: {got}.",
                             "Both batches need the same batch size, and batch1's columns must match batch2's rows.")
    return BmmBackward0.apply(a, b)


def matmul(a, b):
    """a @ b with PyTorch's dispatch (aten _matmul_impl): dot, mv, mm, folded into mm/mv, or bmm."""
    _tensors("matmul", a, b, "other")
    da, db = a.ndim, b.ndim
    if da == 0 or db == 0:
        raise errors.runtime("both arguments to matmul need to be at least 1D, but they are "
                             f"{da}D and {db}D", "Use * to multiply by a scalar.")
    if da == 1 and db == 1:
        return dot(a, b)
    if da == 2 and db == 1:
        return mv(a, b)
    if da == 1 and db == 2:  # PyTorch: unsqueeze(0).mm(b).squeeze_(0)
        out = SqueezeBackward4.apply(mm(unsqueeze(a, 0), b), dims=(0,))  # squeeze_ in place: not a view
        out._ver = 1  # and, as an in-place op, it counts as a version
        return out
    if da == 2 and db == 2:
        return MmBackward0.apply(a, b)  # mm's operand checks are those above
    if _should_fold(a, b):
        return _folded(a, b)
    if da == 3 and db == 3 and a.shape[0] != b.shape[0]:  # a batch of one that needs grad: drop it
        if a.shape[0] == 1 and a._rg:
            return matmul(squeeze(a, 0), b)
        if b.shape[0] == 1 and b._rg:
            return matmul(a, squeeze(b, 0))
    return _batched(a, b)


def _should_fold(a, b):
    """PyTorch folds the batch of the larger operand into mm/mv rows when that copies nothing (or saves work)."""
    larger = a.ndim >= b.ndim
    t1 = a._data if larger else B.ns(b._data).swapaxes(b._data, -1, -2)
    small = b if larger else a
    if not (t1.ndim >= 3 and small.ndim <= 2):
        return False
    if small._rg:
        return True
    if a.ndim == 2 or t1.size == 0:
        return False
    return t1.flags.c_contiguous  # PyTorch asks for foldable leading dims; contiguity is that, bar strided last dims


def _folded(a, b):
    swap = b.ndim > a.ndim  # then compute (bᵀ @ aᵀ)ᵀ
    t1 = transpose(b, -1, -2) if swap else a
    t2 = (a.t() if a.ndim == 2 else a) if swap else b
    shape = tuple(t1.shape[:-1])
    rows = reshape(t1, math.prod(shape), t1.shape[-1])  # not -1: ambiguous when a dim is 0
    if t2.ndim == 1:
        return UnsafeViewBackward0.apply(mv(rows, t2), shape=shape)
    out = UnsafeViewBackward0.apply(mm(rows, t2), shape=shape + (t2.shape[1],))
    if not swap:
        return out
    out = transpose(out, -1, -2)
    return out if out._data.flags.c_contiguous else _clone(out)  # .contiguous()


def _clone(t):
    return CloneBackward0.apply(t)


def _batched(a, b):
    """Broadcast the batch dims, flatten them, bmm, and view the result back (a vector b as a column)."""
    batch = tuple(_broadcast(tuple(a.shape[:-2]), tuple(b.shape[:-2])))
    n = 1
    for s in batch:
        n *= s
    rows = a.shape[-2] if a.ndim > 1 else 1
    ea = reshape(a.expand(*batch, rows, a.shape[-1]), n, rows, a.shape[-1])
    if b.ndim == 1:
        eb = unsqueeze(reshape(b.expand(*batch, b.shape[0]), n, b.shape[0]), 2)
        out = bmm(ea, eb).squeeze(-1)
    else:
        eb = reshape(b.expand(*batch, *b.shape[-2:]), n, *b.shape[-2:])
        out = bmm(ea, eb)
    shape = batch + ((a.shape[-2],) if a.ndim > 1 else ()) + ((b.shape[-1],) if b.ndim > 1 else ())
    return UnsafeViewBackward0.apply(out, shape=shape)


def _broadcast(s1, s2):
    n = max(len(s1), len(s2))
    s1, s2 = (1,) * (n - len(s1)) + s1, (1,) * (n - len(s2)) + s2
    out = []
    for x, y in zip(s1, s2):
        if x != y and 1 not in (x, y):
            raise errors.runtime(f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                                 f"non-singleton dimension {len(out)}", "The batch dimensions must broadcast.")
        out.append(x if y == 1 else y)  # not max: a size-0 dim broadcasts against 1 to 0
    return out
