"""Matrix factorisations besides SVD: QR, the symmetric eigen-decomposition, Cholesky.

Backward formulas are PyTorch's (FunctionsManual.cpp) for real inputs, in tensor ops on the saved
factors (outputs of the node again under create_graph, so second derivatives are whole).
"""
from .. import backend as B
from .. import errors
from ..node import MultiOp, Op
from .matrix import LinAlgError, eye_of, float_matrix, mT, saved_outputs


class LinalgQrBackward0(MultiOp):
    """A = QR (mode 'reduced' or 'complete'). Backward, for m ≥ n: gA = (gQ + Q·copyltu(M))·R⁻ᵀ with
    M = R gRᵀ − gQᵀ Q (copyltu: M's lower triangle mirrored to the upper)."""
    args = ("A",)
    def forward(ctx, a, mode="reduced"):
        float_matrix(a, "linalg.qr", square=False)
        q, r = B.ns(a).linalg.qr(a, mode=mode)
        ctx.Q, ctx.R, ctx.mode = q, r, mode
        return q, r
    def backward(ctx, gq, gr):
        return (qr_backward(gq, gr, *saved_outputs(ctx, (ctx.Q, ctx.R)), ctx.mode),)


def qr_backward(gq, gr, q, r, mode):
    m, n = q.shape[-2], r.shape[-1]
    if m < n or (mode == "complete" and m > n):
        raise errors.not_implemented(
            "The QR decomposition is not differentiable when mode='complete' and nrows > ncols."
            if m > n else "linalg.qr backward for wide matrices (m < n)",
            "autograd_widgets differentiates QR of square or tall matrices in mode='reduced'.")
    gq = gq if gq is not None else q * 0
    gr = gr if gr is not None else r * 0
    mm = r @ mT(gr) - mT(gq) @ q
    low = mm.tril(-1)
    copyltu = low + mT(low) + mm * eye_of(mm, n)
    return (gq + q @ copyltu) @ mT(r.inverse())


class LinalgEighBackward0(MultiOp):
    """A = V diag(L) Vᵀ for symmetric A (its lower triangle read, UPLO='L'). Backward, PyTorch's
    linalg_eig_backward for Hermitian A: V ((skew(VᵀgV)/2 + diag(gL)) / E) Vᵀ, E[i, j] = L[j] − L[i]."""
    args = ("A",)
    def forward(ctx, a, UPLO="L", name="linalg.eigh"):
        float_matrix(a, name)
        vals, vecs = B.ns(a).linalg.eigh(a, UPLO=UPLO)
        ctx.eigenvalues, ctx.eigenvectors = vals, vecs
        return vals, vecs
    def backward(ctx, gl, gv):
        return (eigh_backward(gl, gv, *saved_outputs(ctx, (ctx.eigenvalues, ctx.eigenvectors))),)


def eigh_backward(gl, gv, vals, v):
    n = vals.shape[-1]
    if gv is None:
        return (v * gl.unsqueeze(-2)) @ mT(v)
    vhgv = mT(v) @ gv
    vhgv = 0.5 * (vhgv - mT(vhgv))
    eye = eye_of(vals, n)
    e = vals.unsqueeze(-2) - vals.unsqueeze(-1) + eye  # 1 on the diagonal, where vhgv is 0
    ga = vhgv / e
    if gl is not None:
        ga = ga + gl.unsqueeze(-1) * eye
    return v @ (ga @ mT(v))


def _cholesky(a, name, upper):
    float_matrix(a, name)
    xp = B.ns(a)
    try:
        low = xp.linalg.cholesky(a)
    except xp.linalg.LinAlgError:
        raise LinAlgError(errors._explain(
            f"{name}: The factorization could not be completed because the input is not positive-definite (the "
            f"leading minor of order {_failing_minor(a)} is not positive-definite).",
            "Cholesky needs a symmetric positive-definite matrix, e.g. A @ A.T + eps * I.")) from None
    return xp.swapaxes(low, -1, -2).copy() if upper else low


def _failing_minor(a) -> int:
    """The order of the first leading minor that is not positive (PyTorch's message names it)."""
    xp = B.ns(a)
    mat = a.reshape(-1, a.shape[-2], a.shape[-1])
    for k in range(1, a.shape[-1] + 1):
        if bool((xp.linalg.eigvalsh(mat[:, :k, :k]) <= 0).any()):
            return k
    return a.shape[-1]


def cholesky_backward(gl, low):
    """PyTorch's cholesky_backward: gA = L⁻ᵀ Φ(Lᵀ gL) L⁻¹ made symmetric, Φ taking the lower triangle
    with the diagonal halved."""
    n = low.shape[-1]
    phi = (mT(low) @ gl).tril()
    phi = phi - 0.5 * phi * eye_of(low, n)
    inv = low.inverse()
    ga = mT(inv) @ phi @ inv
    return 0.5 * (ga + mT(ga))


class LinalgCholeskyExBackward0(Op):
    """A = L Lᵀ (L lower; upper=True gives Lᵀ)."""
    args, saves = ("self",), ("result",)
    def forward(ctx, a, upper=False):
        ctx.upper = upper
        return _cholesky(a, "linalg.cholesky", upper)
    def backward(ctx, g):
        low, = ctx.saved_tensors
        return (cholesky_backward(mT(g), mT(low)) if ctx.upper else cholesky_backward(g, low),)


class CholeskyBackward0(LinalgCholeskyExBackward0):
    """torch.cholesky (deprecated): PyTorch's older node, the same factor and gradient."""
    def forward(ctx, a, upper=False):
        ctx.upper = upper
        return _cholesky(a, "cholesky", upper)
