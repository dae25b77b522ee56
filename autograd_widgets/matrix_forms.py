"""The matrix functions at torch level and as Tensor methods: torch.det / A.det(), torch.svd, torch.trace,
torch.diag, torch.addmm, ... (the torch.linalg forms are in linalg.py; these call the same nodes).

Parameters carry PyTorch's names, so keywords (`torch.diagonal(A, offset=1)`) need no translation.
"""
import math

from . import backend as B
from . import errors, linalg
from .methods_forms import in_place
from .ops import decompositions as DC, diagonal as DG, pointwise as P, products as X
from .ops.matrix import LinalgCrossBackward0, LinalgSvdBackward0, TraceBackward0
from .tensor import Tensor


def det(input):
    return linalg.det(input)


def logdet(input):
    """log det(A): NaN for a negative determinant (PyTorch's where over slogdet's sign)."""
    sign, logabs = linalg.slogdet(input)
    nan = Tensor._make(P.zeros_like(logabs)._data + math.nan)
    return P.where(sign < 0, nan, logabs)


def slogdet(input):
    return linalg.slogdet_result(*linalg.slogdet(input))


def inverse(input):
    return linalg.inv(input)


def pinverse(input, rcond=1e-15):
    return linalg.pinv(input, rtol=rcond)


def matrix_power(input, n):
    return linalg.matrix_power(input, n)


def svd(input, some=True, compute_uv=True):
    """PyTorch's older svd: U, S, V (not Vh: V = Vhᵀ), reduced unless some=False; without compute_uv,
    U and V are zeros."""
    if not compute_uv:
        s = linalg.svdvals(input)
        xp = B.ns(input._data)
        m, n = input.shape[-2], input.shape[-1]
        zeros = [Tensor._make(xp.zeros(input.shape[:-2] + (k, k), dtype=input._data.dtype)) for k in (m, n)]
        return linalg.svd_result(zeros[0], s, zeros[1])
    u, s, vh = LinalgSvdBackward0.apply(input, full_matrices=not some, name="linalg.svd")
    return linalg.svd_result(u, s, vh.mT)


def qr(input, some=True):
    errors.warn("torch.qr is deprecated in favor of torch.linalg.qr and will be removed in a future PyTorch "
                "release.\nThe boolean parameter 'some' has been replaced with a string parameter 'mode'.\n"
                "Q, R = torch.qr(A, some)\nshould be replaced with\n"
                "Q, R = torch.linalg.qr(A, 'reduced' if some else 'complete')", "Both give the same factors.")
    return linalg.qr_result(*linalg.qr(input, "reduced" if some else "complete"))


def cholesky(input, upper=False):
    errors.warn("torch.cholesky is deprecated in favor of torch.linalg.cholesky and will be removed in a future "
                "PyTorch release.\nL = torch.cholesky(A)\nshould be replaced with\nL = torch.linalg.cholesky(A)\n"
                "and\nU = torch.cholesky(A, upper=True)\nshould be replaced with\nU = torch.linalg.cholesky(A).mH\n"
                "This transform will produce equivalent results for all valid (symmetric positive definite) inputs.",
                "Both give the same factor.")
    return DC.CholeskyBackward0.apply(input, upper=upper)


def trace(input):
    return TraceBackward0.apply(input)


def cross(input, other, dim=None):
    """The cross product along dim; without dim, PyTorch's deprecated choice: the first dim of length 3."""
    if dim is None:
        errors.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                    "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                    "with that of linalg.cross in a future release.",
                    "torch.linalg.cross(a, b) takes the last dim; pass dim= to torch.cross to choose one.")
        dim = next((d for d, s in enumerate(input.shape) if s == 3), -1)
    return LinalgCrossBackward0.apply(input, other, dim=dim)


# name -> function(input, ...): a torch function and a Tensor method each
FUNCTIONS = {f.__name__: f for f in (det, logdet, slogdet, inverse, pinverse, matrix_power, svd, qr, cholesky, trace,
                                     cross, DG.diag, DG.diagonal, DG.diag_embed, DG.diagflat, X.addmm, X.addmv, X.baddbmm, X.vdot,
                                     X.inner, X.kron)}
# torch-level functions only
TORCH_ONLY = {"tensordot": X.tensordot, "chain_matmul": X.chain_matmul}


def adjoint(self):
    """x.adjoint(): the conjugate (for real tensors, plain) transpose of the last two dims, as x.mH."""
    if self.ndim == 0:
        errors.warn("adjoint() is deprecated on 0-D tensors. Consider using x.conj().", "A number is its own "
                    "transpose.")
        return self
    if self.ndim == 1:
        raise errors.runtime("tensor.adjoint() is only supported on matrices or batches of matrices. Got 1-D tensor.",
                             "It swaps the last two dims; a vector has only one (v.unsqueeze(0) is a row).")
    return self.transpose(-2, -1)


def bind():
    for name, fn in FUNCTIONS.items():
        setattr(Tensor, name, fn)
    Tensor.adjoint = adjoint
    Tensor.addmm_, Tensor.addmv_, Tensor.baddbmm_ = in_place(X.addmm), in_place(X.addmv), in_place(X.baddbmm)
