"""torch.linalg: determinants, inverses, solvers, factorisations and norms, as PyTorch 2.13 names them.

Each function records the node PyTorch records (torch.linalg.det(A).grad_fn is a LinalgDetBackward0);
the several results of a factorisation come as PyTorch's named tuples (torch.return_types.linalg_svd).
"""
import inspect
import math

from . import backend as B
from . import errors
from .ops import reduce as R
from .ops.decompositions import LinalgCholeskyExBackward0, LinalgEighBackward0, LinalgQrBackward0
from .ops.diagonal import diagonal as _diagonal
from .ops.extrema import amax, amin
from .keywords import accept
from .ops.linalg import matmul as _matmul
from .ops.matrix import (LinAlgError, LinalgDetBackward0, LinalgInvExBackward0, LinalgPinvBackward0,
                         LinalgSlogdetBackward0, LinalgSolveExBackward0, LinalgSvdBackward0, LinalgCrossBackward0,
                         LinalgLstsqBackward0, float_matrix)
from .ops.products import multi_dot, VdotBackward0
from .tensor import Tensor

__all__ = ["LinAlgError", "cholesky", "cholesky_ex", "cond", "cross", "det", "lstsq", "diagonal", "eigh", "eigvalsh", "inv", "inv_ex",
           "matmul", "matrix_norm", "matrix_power", "matrix_rank", "multi_dot", "norm", "pinv", "qr", "slogdet", "solve", "svd",
           "svdvals", "vecdot", "vector_norm"]


matmul = accept(_matmul, ("input", "other"))  # torch.linalg.matmul(m1, m2, out=c), as torch.matmul


def __getattr__(name):
    raise errors.not_supported(f"torch.linalg.{name}")


linalg_svd = R.result_type("linalg_svd", ("U", "S", "Vh"))
svd_result = R.result_type("svd", ("U", "S", "V"))
linalg_slogdet = R.result_type("linalg_slogdet", ("sign", "logabsdet"))
slogdet_result = R.result_type("slogdet", ("sign", "logabsdet"))
linalg_eigh = R.result_type("linalg_eigh", ("eigenvalues", "eigenvectors"))
linalg_qr = R.result_type("linalg_qr", ("Q", "R"))
qr_result = R.result_type("qr", ("Q", "R"))
linalg_inv_ex = R.result_type("linalg_inv_ex", ("inverse", "info"))
linalg_cholesky_ex = R.result_type("linalg_cholesky_ex", ("L", "info"))
linalg_lstsq = R.result_type("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))


def _tensor(name, x, param="A"):
    if not isinstance(x, Tensor):
        raise errors.not_tensor(name, param, x, 1, f"{name}() works on a tensor: make one with torch.tensor(...).")


def _info(a):
    """LAPACK's info per matrix (all 0: the _ex functions here raise instead of reporting a failure)."""
    return Tensor._make(B.ns(a._data).zeros(a.shape[:-2], dtype=B.ns(a._data).int32))


def det(A):
    _tensor("linalg_det", A)
    return LinalgDetBackward0.apply(A)


def slogdet(A):
    _tensor("linalg_slogdet", A)
    return linalg_slogdet(*LinalgSlogdetBackward0.apply(A))


def inv(A):
    _tensor("linalg_inv", A)
    return LinalgInvExBackward0.apply(A)


def inv_ex(A, *, check_errors=False):
    return linalg_inv_ex(inv(A), _info(A))


def solve(A, B, *, left=True):
    _tensor("linalg_solve", A)
    if not left:  # XA = B  <=>  AᵀXᵀ = Bᵀ
        return LinalgSolveExBackward0.apply(A.mT, B.mT).mT
    return LinalgSolveExBackward0.apply(A, B)


def pinv(A, *, atol=None, rtol=None, hermitian=False):
    _tensor("linalg_pinv", A)
    return LinalgPinvBackward0.apply(A, atol=atol, rtol=rtol, hermitian=hermitian)


def svd(A, full_matrices=True, *, driver=None):
    _tensor("linalg_svd", A)
    return linalg_svd(*LinalgSvdBackward0.apply(A, full_matrices=full_matrices))


def svdvals(A, *, driver=None):
    _tensor("linalg_svdvals", A)
    if A.requires_grad or A._fw_grad is not None:  # PyTorch computes U and Vh too when S needs a derivative
        return LinalgSvdBackward0.apply(A, full_matrices=False, name="linalg.svdvals")[1]
    return LinalgSvdBackward0.apply(A, compute_uv=False, name="linalg.svdvals")[1]


def eigh(A, UPLO="L"):
    _tensor("linalg_eigh", A)
    return linalg_eigh(*LinalgEighBackward0.apply(A, UPLO=UPLO))


def eigvalsh(A, UPLO="L"):
    _tensor("linalg_eigvalsh", A)
    return LinalgEighBackward0.apply(A, UPLO=UPLO, name="linalg.eigvalsh")[0]  # PyTorch too computes V


def qr(A, mode="reduced"):
    _tensor("linalg_qr", A)
    return linalg_qr(*LinalgQrBackward0.apply(A, mode=mode))


def cholesky(A, *, upper=False):
    _tensor("linalg_cholesky", A)
    return LinalgCholeskyExBackward0.apply(A, upper=upper)


def cholesky_ex(A, *, upper=False, check_errors=False):
    return linalg_cholesky_ex(cholesky(A, upper=upper), _info(A))


def cross(input, other, *, dim=-1):
    _tensor("linalg_cross", input, "input")
    _tensor("linalg_cross", other, "other")
    return LinalgCrossBackward0.apply(input, other, dim=dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    return _diagonal(A, offset, dim1, dim2)


def vecdot(x, y, *, dim=-1):
    """Σ x·y along dim: one VdotBackward0 for two vectors, as PyTorch; a product and a sum for batches."""
    if x.ndim == 1 and y.ndim == 1:
        return VdotBackward0.apply(x, y)
    return (x * y).sum(dim)


def matrix_power(A, n):
    """A multiplied by itself n times (PyTorch's order: binary powers), A⁻¹ to the power -n for n < 0."""
    _tensor("linalg_matrix_power", A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise errors.runtime(f"linalg.matrix_power: A must be batches of square matrices, but they are "
                             f"{A.shape[-2] if A.ndim > 1 else 1} by {A.shape[-1] if A.ndim else 1} matrices",
                             "A matrix power multiplies A by itself, so A must be square.")
    if n == 0:
        return A.clone().copy_(Tensor._make(B.ns(A._data).broadcast_to(
            B.ns(A._data).eye(A.shape[-1], dtype=A._data.dtype), A.shape)))
    if n < 0:
        A, n = inv(A), -n
        if n == 1:  # the inverse itself, uncloned (PyTorch's graph)
            return A
    if n == 1:
        return A.clone()
    if n == 2:
        return matmul(A, A)
    if n == 3:
        return matmul(matmul(A, A), A)
    z = result = None
    while n > 0:
        bit, n = n % 2, n // 2
        z = A if z is None else matmul(z, z)
        if bit:
            result = z if result is None else matmul(result, z)
    return result


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    _tensor("linalg_vector_norm", x, "input")
    return R.norm(x, ord, dim, keepdim, dtype)


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None):
    """'fro' as a vector norm of the matrix; 'nuc', 2 and -2 from the singular values; ±1 and ±inf as the
    largest (smallest) column or row sum of |A|."""
    _tensor("linalg_matrix_norm", A)
    if dtype is not None:
        A = A.to(dtype)
    float_matrix(A._data, "linalg.matrix_norm", square=False)
    d0, d1 = (errors.wrap_dim(d, A.ndim) for d in dim)
    if ord == "fro":
        return R.norm(A, 2, (d0, d1), keepdim)
    if ord in ("nuc", 2, -2):  # PyTorch's order: the two dims moved last, and back with keepdim
        perm = [d for d in range(A.ndim) if d not in (d0, d1)] + [d0, d1]
        s = svdvals(A.permute(*perm))
        out = s.sum(-1, keepdim) if ord == "nuc" else _extreme(s, -1, ord > 0, keepdim)
        return out.unsqueeze(-1).permute(*[perm.index(d) for d in range(A.ndim)]) if keepdim else out
    if ord in (1, -1, math.inf, -math.inf):
        along, across = (d0, d1) if ord in (1, -1) else (d1, d0)  # 1: column sums (over rows), inf: row sums
        sums = R.norm(A, 1, along, keepdim)
        return _extreme(sums, across if keepdim else across - (across > along), ord > 0, keepdim)
    raise errors.runtime(f"linalg.matrix_norm: Order {ord} not supported.",
                         "A matrix norm takes ord 'fro', 'nuc', 2, -2, 1, -1, inf or -inf.")


def _extreme(t, dim, largest, keepdim=False):
    """The largest (smallest) value along dim: amax (amin), PyTorch's node here."""
    return (amax if largest else amin)(t, dim, keepdim)


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None):
    """A vector norm, or a matrix norm for a 2-tuple dim (or a 2-D A with ord given and no dim)."""
    _tensor("linalg_norm", A)
    if isinstance(dim, int):
        dim = (dim,)
    if dim is not None and len(dim) == 2 or dim is None and ord is not None and A.ndim == 2:
        return matrix_norm(A, "fro" if ord is None else ord, dim or (-2, -1), keepdim, dtype=dtype)
    if dim is None and ord is not None and A.ndim != 1:
        raise errors.runtime(f"linalg.norm: If dim is not specified but ord is, the input must be 1D or 2D. Got "
                             f"{A.ndim}D.", "Give dim= to say which dimensions the norm runs over.")
    return vector_norm(A, 2 if ord is None else ord, dim, keepdim, dtype=dtype)


def matrix_rank(A, *, atol=None, rtol=None, hermitian=False, tol=None):
    """How many singular values exceed max(atol, rtol·σmax) (rtol = eps·max(m, n) when neither is given), or
    `tol` (the older keyword); an int64 count per matrix, with no gradient."""
    _tensor("linalg_matrix_rank", A)
    s = svdvals(A.detach())._data
    xp = B.ns(s)
    if tol is not None:
        limit = tol
    else:
        if rtol is None:
            rtol = 0.0 if atol is not None and atol > 0 else xp.finfo(s.dtype).eps * max(A.shape[-2:])
        top = s.max(axis=-1, keepdims=True) if s.shape[-1] else xp.zeros(s.shape[:-1] + (1,), dtype=s.dtype)
        limit = xp.maximum(atol or 0.0, rtol * top)
    return Tensor._make(xp.asarray((s > limit).sum(axis=-1), dtype=xp.int64))


def cond(A, p=None):
    """The condition number: σmax/σmin for p None or 2 (σmin/σmax for -2), from the singular values as PyTorch
    slices them; other p: ‖A‖ₚ·‖A⁻¹‖ₚ."""
    _tensor("linalg_cond", A)
    if p in (None, 2, -2):
        s = svdvals(A)
        big, small = s[..., :1], s[..., -1:]
        return (big / small if p != -2 else small / big).squeeze(-1)
    return matrix_norm(A, p) * matrix_norm(inv(A), p)


def lstsq(A, B, rcond=None, *, driver=None):
    """min ‖AX − B‖, as CPU PyTorch's default driver (gelsy) answers: the solution, empty residuals and
    singular values, and the rank."""
    _tensor("linalg_lstsq", A, "self")
    if driver not in (None, "gelsy"):
        raise errors.not_supported(f"torch.linalg.lstsq(driver={driver!r})")
    x, residuals, rank, _ = LinalgLstsqBackward0.apply(A, B, rcond=rcond)
    return linalg_lstsq(x, residuals, rank, B.new_zeros(0))


# out=: the result written into a given tensor, as PyTorch's out= (keywords.accept); the factorisations
# returning several tensors take no out= here
for _name in ("det", "inv", "solve", "pinv", "svdvals", "eigvalsh", "cholesky", "cross", "matrix_power", "vector_norm",
              "matrix_norm", "norm", "matrix_rank", "cond"):
    _fn = globals()[_name]
    globals()[_name] = accept(_fn, tuple(list(inspect.signature(_fn).parameters)[:1]))
