"""Products: outer, einsum, addmm, addmv, baddbmm, vdot, kron, tensordot, inner, multi_dot.

outer and einsum are written with the core's ops (so they differentiate to any order).

outer builds PyTorch's graph (a view times b). einsum gives PyTorch's values and gradients, but
its graph is this engine's (permute, unsqueeze, mul, sum), not PyTorch's bmm-based one.
"""
import math

from .. import backend as B
from .. import errors
from ..dtypes import scalar_name
from ..node import Op
from ..tensor import Tensor
from .linalg import _CPP_NAME, _check, _dtype_mismatch
from .nn import AddmmBackward0
from .shape import UnsafeViewBackward0, sum_to


def outer(input, vec2):
    return input.reshape(-1, 1) * vec2


ger = outer


def _parse(equation, operands):
    eq = equation.replace(" ", "")
    inputs, arrow, output = eq.partition("->")
    terms = inputs.split(",")
    if len(terms) != len(operands):
        raise errors.runtime("einsum(): more operands were provided than specified in the equation"
                             if len(operands) > len(terms) else
                             "einsum(): fewer operands were provided than specified in the equation",
                             "Give one comma-separated subscript term per operand.")
    if "." in eq:
        raise NotImplementedError("autograd_widgets: einsum with '...' is not supported yet.")
    if not arrow:  # implicit output: the letters that occur once, in alphabetical order
        letters = "".join(terms)
        output = "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    return terms, output


def einsum(equation, *operands):
    """Each operand is lined up on one axis per letter, the product taken, and the other letters summed."""
    if len(operands) == 1 and not isinstance(operands[0], Tensor):
        operands = tuple(operands[0])
    terms, output = _parse(equation, operands)
    letters = list(output) + sorted({c for t in terms for c in t} - set(output))
    product = None
    for term, x in zip(terms, operands):
        if len(term) != x.dim():
            raise errors.runtime(f"einsum(): the number of subscripts in the equation ({len(term)}) does not match "
                                 f"the number of dimensions ({x.dim()}) for operand {terms.index(term)} and no "
                                 "ellipsis was given", "Write one letter per dimension of each operand.")
        if len(set(term)) != len(term):
            raise NotImplementedError("autograd_widgets: einsum with a letter repeated in one operand (a trace or "
                                      "diagonal, 'ii->') is not supported yet.")
        order = sorted(range(len(term)), key=lambda k: letters.index(term[k]))
        x = x.permute(*order) if order != list(range(len(term))) else x
        placed = [term[k] for k in order]
        for pos, c in enumerate(letters):
            if c not in placed:
                x = x.unsqueeze(pos)
                placed.insert(pos, c)
        product = x if product is None else product * x
    summed = tuple(range(len(output), len(letters)))
    return product.sum(summed) if summed else product



# --- products with a scaled addend (addmm, addmv, baddbmm) and their relatives ------------------------------
def _adding(product):
    """The forward of beta·self + alpha·product(a, b), self broadcast to the product's shape."""
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.beta, ctx.alpha, ctx.self_shape = beta, alpha, c.shape
        out = product(ctx, a, b)
        if c.dtype != out.dtype:
            raise _dtype_mismatch_add(product, c, a, b)
        return _scaled(c, beta) + alpha * out
    return forward


def _dtype_mismatch_add(product, c, a, b):
    """PyTorch's words when self's dtype is not the factors' (each kernel has its own)."""
    sc, sa, sb = (scalar_name(x.dtype) for x in (c, a, b))
    words = {_mv: f"addmv input tensors must have the same dtype, but got {sc}, {sa}, and {sb}",
             _bmm: f"Input dtypes must be the same, got: input {_CPP_NAME[c.dtype.name]}, batch1: "
                   f"{_CPP_NAME[a.dtype.name]}, batch2: {_CPP_NAME[b.dtype.name]}"}[product]
    return errors.runtime(words, f"self ({c.dtype.name}) must have the factors' dtype ({a.dtype.name}): convert one "
                                 "with .float() or .double().")


def _added(factor_grads):
    """The backward of beta·self + alpha·(a product): self's gradient scaled by beta, the factors' (from
    `factor_grads`) by alpha. (addmm is nn.Linear's AddmmBackward0.)"""
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        gc = sum_to(_times(g, ctx.beta), ctx.self_shape) if need[0] else None
        ga, gb = factor_grads(g, a, b, need[1:])
        return gc, _times(ga, ctx.alpha), _times(gb, ctx.alpha)
    return backward


def _mv(ctx, a, v):
    _check(a, v, "mv")
    return a @ v


def _bmm(ctx, a, b):
    if a.dtype != b.dtype:
        raise _dtype_mismatch(a, b, "bmm")
    return a @ b


def _mv_grads(g, a, v, need):
    return (g.unsqueeze(-1) * v if need[0] else None), (a.t().mv(g) if need[1] else None)


def _bmm_grads(g, a, b, need):
    return (g.bmm(b.transpose(1, 2)) if need[0] else None), (a.transpose(1, 2).bmm(g) if need[1] else None)


class AddmvBackward0(Op):
    """addmv(self, mat, vec) = beta·self + alpha·(mat @ vec)."""
    args, saves = ("self", "mat", "vec"), ("mat", "vec")
    forward, backward = _adding(_mv), _added(_mv_grads)


class BaddbmmBackward0(Op):
    """baddbmm(self, batch1, batch2) = beta·self + alpha·(batch1 @ batch2), batches of matrices."""
    args, saves = ("self", "batch1", "batch2"), ("batch1", "batch2")
    forward, backward = _adding(_bmm), _added(_bmm_grads)


def _scaled(c, beta):
    """beta·c, where beta = 0 ignores c entirely (nan and inf in it too), as PyTorch documents."""
    return B.ns(c).zeros_like(c) if beta == 0 else (c if beta == 1 else beta * c)


def _times(g, k):
    return g if g is None or k == 1 else g * k


class VdotBackward0(Op):
    """The dot product of two vectors (the first conjugated: the same for real ones)."""
    args = saves = ("self", "other")
    saves_if = {"self": "other", "other": "self"}
    def forward(ctx, a, b):
        _check(a, b, "dot")
        return B.ns(a).asarray(a @ b)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g * b if need[0] else None), (g * a if need[1] else None)


def addmm(input, mat1, mat2, *, beta=1, alpha=1):
    return AddmmBackward0.apply(input, mat1, mat2, beta=beta, alpha=alpha)  # nn.Linear's node, scaled


def addmv(input, mat, vec, *, beta=1, alpha=1):
    return AddmvBackward0.apply(input, mat, vec, beta=beta, alpha=alpha)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1):
    return BaddbmmBackward0.apply(input, batch1, batch2, beta=beta, alpha=alpha)


def vdot(input, other):
    if input.ndim != 1 or other.ndim != 1:
        raise errors.runtime(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors",
                             "vdot() multiplies two 1-D vectors.")
    return VdotBackward0.apply(input, other)


def kron(input, other):
    """PyTorch's kron: both viewed with interleaved 1-dims, multiplied, and viewed as one matrix."""
    n = max(input.ndim, other.ndim)
    a = input.reshape((1,) * (n - input.ndim) + tuple(input.shape))
    b = other.reshape((1,) * (n - other.ndim) + tuple(other.shape))
    sa = sum(((s, 1) for s in a.shape), ())
    sb = sum(((1, s) for s in b.shape), ())
    out = UnsafeViewBackward0.apply(input, shape=sa) * UnsafeViewBackward0.apply(other, shape=sb)
    return UnsafeViewBackward0.apply(out, shape=tuple(x * y for x, y in zip(a.shape, b.shape)))


def tensordot(a, b, dims=2):
    """Contract dims of a with dims of b: both permuted, viewed as matrices, multiplied with mm, viewed back."""
    if isinstance(dims, int):
        da, db = list(range(a.ndim - dims, a.ndim)), list(range(dims))
    else:
        da, db = ([dims[0]], [dims[1]]) if isinstance(dims[0], int) else (list(dims[0]), list(dims[1]))
        if isinstance(dims, Tensor):
            da, db = [int(x) for x in dims[0].tolist()], [int(x) for x in dims[1].tolist()]
    da, db = [d % a.ndim for d in da], [d % b.ndim for d in db]
    if a.ndim == b.ndim == len(da) == 1:  # two vectors: PyTorch takes their dot product
        return a.permute(0).dot(b.permute(0)).view(())
    free_a = [d for d in range(a.ndim) if d not in da]
    free_b = [d for d in range(b.ndim) if d not in db]
    k = math.prod(a.shape[d] for d in da)
    ra = a.permute(*(free_a + da)).reshape(math.prod(a.shape[d] for d in free_a), k)
    rb = b.permute(*(db + free_b)).reshape(k, math.prod(b.shape[d] for d in free_b))
    return ra.mm(rb).view(*([a.shape[d] for d in free_a] + [b.shape[d] for d in free_b]))


def inner(input, other):
    """The sum over the last dims (a number times a tensor if either is 0-d)."""
    if input.ndim == 0 or other.ndim == 0:
        return input * other
    return tensordot(input, other, ([-1], [-1]))


def multi_dot(tensors):
    """A chain of matrix products in the cheapest order (a first or last 1-D operand as a row or column)."""
    tensors = list(tensors)
    if len(tensors) < 2:
        raise errors.runtime(f"multi_dot(): expected at least 2 tensors but got {len(tensors)}",
                             "Pass a list of two or more matrices.")
    first, last = tensors[0].ndim == 1, tensors[-1].ndim == 1
    shape = ([tensors[0].shape[0]] if not first else []) + ([tensors[-1].shape[-1]] if not last else [])
    if first:
        tensors[0] = tensors[0].unsqueeze(0)
    if last:
        tensors[-1] = tensors[-1].unsqueeze(-1)
    if len(tensors) == 3:  # PyTorch's own rule for three: (AB)C unless A(BC) costs strictly less
        a, b, c, d = tensors[0].shape[0], tensors[1].shape[0], tensors[2].shape[0], tensors[2].shape[1]
        x, y, z = tensors
        out = x.mm(y.mm(z)) if a * c * (b + d) > b * d * (a + c) else x.mm(y).mm(z)
    else:
        out = _chain(tensors, _order([t.shape[0] for t in tensors] + [tensors[-1].shape[1]]), 0, len(tensors) - 1)
    return out.view(*shape)


def _order(p):
    """The matrix-chain order (Cormen's dynamic programme): split[i][j] is where to cut tensors i..j."""
    n = len(p) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = math.inf
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + p[i] * p[k + 1] * p[j + 1]
                if c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(tensors, split, i, j):
    if i == j:
        return tensors[i]
    k = split[i][j]
    return _chain(tensors, split, i, k).mm(_chain(tensors, split, k + 1, j))


def chain_matmul(*matrices):
    errors.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch release. Use "
                "torch.linalg.multi_dot instead, which accepts a list of two or more tensors rather than multiple "
                "parameters.", "torch.linalg.multi_dot(list_of_matrices) computes the same product.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(matrices)
