"""Functions of square matrices: det, inverse, slogdet, solve, pinv, cross, trace.

Each is one node named as PyTorch 2.13 names it; backward is the row of derivatives.yaml (or
FunctionsManual.cpp) for real inputs, written with tensor ops so that it differentiates again.
Batches `(..., n, n)` work as in PyTorch: LAPACK (through the backend's `linalg`) maps over them.
"""
from .. import backend as B
from .. import errors
from ..dtypes import scalar_name
from ..grad_mode import GradMode
from ..node import MultiOp, Op
from ..tensor import Tensor
from .shape import sum_to


class LinAlgError(RuntimeError):
    """PyTorch's torch.linalg.LinAlgError (torch._C._LinAlgError): a matrix LAPACK could not factor."""


LinAlgError.__module__, LinAlgError.__name__, LinAlgError.__qualname__ = "torch._C", "_LinAlgError", "_LinAlgError"


# How PyTorch's CPU kernels refuse float16: by the LAPACK routine's name, or in the function's own words.
_HALF_KERNEL = {"linalg.det": "lu_cpu", "linalg.solve": "lu_cpu", "linalg.svd": "linalg_svd_cpu",
                "linalg.svdvals": "linalg_svd_cpu", "linalg.eigh": "linalg_eigh_cpu", "linalg.eigvalsh": "linalg_eigh_cpu",
                "linalg.qr": "geqrf_cpu", "linalg.cholesky": "cholesky_cpu", "cholesky": "cholesky_cpu"}


def _refuse_half(a, name):
    why = "LAPACK has no float16 routines: convert first, e.g. A.float()."
    if name == "linalg.pinv":
        raise errors.runtime(f"linalg.pinv({scalar_name(a.dtype)}{{{list(a.shape)}}}): expected a tensor with 2 or more "
                             "dimensions of float, double, cfloat or cdouble types", why)
    if name in _HALF_KERNEL:
        raise errors.not_implemented(f'"{_HALF_KERNEL[name]}" not implemented for \'Half\'', why)
    raise errors.runtime(f"{name}: Low precision dtypes not supported. Got Half", why)


def float_matrix(a, name, square=True):
    """PyTorch's checks before a matrix function: floats (not float16), at least 2-D, square (when asked)."""
    if a.dtype.kind not in "fc" and name == "linalg.pinv" or a.dtype.itemsize == 2 and a.dtype.kind == "f":
        _refuse_half(a, name)
    if a.dtype.kind not in "fc":
        raise errors.runtime(f"{name}: Expected a floating point or complex tensor as input. Got {scalar_name(a.dtype)}",
                             f"{name} works on floats: convert first, e.g. A.float() or A.double().")
    if a.ndim < 2:
        raise errors.runtime(f"{name}: The input tensor A must have at least 2 dimensions.",
                             "A matrix function needs a matrix (or a batch of them); make a vector one with "
                             "v.unsqueeze(0).")
    if square and a.shape[-1] != a.shape[-2]:
        raise errors.runtime(f"{name}: A must be batches of square matrices, but they are {a.shape[-2]} by "
                             f"{a.shape[-1]} matrices", f"{name} is defined only for square (n by n) matrices.")


def zero_pivot(a) -> int:
    """The first (1-based) diagonal element of U that is zero in the LU factorisation with partial pivoting
    LAPACK's getrf computes: PyTorch's message names it. Runs only on the error path, on a host copy."""
    m = B.to_host(a).reshape(-1, a.shape[-2], a.shape[-1])  # in a's own precision, as LAPACK
    for mat in m:
        mat = mat.copy()
        n = mat.shape[0]
        for k in range(n):
            p = k + int(abs(mat[k:, k]).argmax())
            mat[[k, p]] = mat[[p, k]]
            if mat[k, k] == 0:
                return k + 1
            mat[k + 1:, k:] -= mat[k + 1:, k:k + 1] / mat[k, k] * mat[k, k:]
    return a.shape[-1]


def singular(name, a):
    return LinAlgError(errors._explain(
        f"{name}: The diagonal element {zero_pivot(a)} is zero, the inversion could not be completed because the "
        "input matrix is singular.", "A singular matrix (determinant 0: its rows are linearly dependent) has no "
        "inverse. torch.linalg.pinv gives the pseudo-inverse; torch.linalg.lstsq a least-squares solution."))


def mT(t):
    return t.transpose(-2, -1)


def eye_of(t, k):
    """The k-by-k identity in t's dtype and device, made with methods both this core's tensors and PyTorch's
    have: the backward formulas below serve graph/derivatives.py's explanations of PyTorch's nodes too."""
    return t.new_ones(k).diag()


def as_column(t):
    return t.unsqueeze(-1).unsqueeze(-1)


class LinalgDetBackward0(Op):
    """det(A). Its gradient is the cofactor matrix g·det(A)·A⁻ᵀ. A singular A (det exactly 0) gets, as in
    PyTorch, a zero gradient from a plain backward, and under create_graph PyTorch's SVD form
    U diag(g·det(U)det(Vh)·Πⱼ≠ᵢ σⱼ) Vh (the true cofactor matrix, which stays finite)."""
    args, saves = ("A",), ("A", "result")
    def forward(ctx, a):
        float_matrix(a, "linalg.det")
        return B.ns(a).linalg.det(a)
    def backward(ctx, g):
        a, det = ctx.saved_tensors
        zero = det._data == 0
        if not bool(zero.any()):
            return (as_column(g * det) * mT(a.inverse()),)
        if not GradMode.enabled:  # det is 0 there, so any invertible stand-in gives 0
            xp = B.ns(a._data)
            safe = xp.where(zero[..., None, None], xp.eye(a.shape[-1], dtype=a._data.dtype), a._data)
            return (as_column(g * det) * mT(Tensor._make(safe).inverse()),)
        u, s, vh = svd_tensors(a)
        n = s.shape[-1]
        eye = eye_of(s, n) == 1
        others = s.unsqueeze(-2).expand(*s.shape[:-1], n, n).masked_fill(eye, 1.0).prod(-1)  # Πⱼ≠ᵢ σⱼ, zeros too
        alpha = LinalgDetBackward0.apply(u) * LinalgDetBackward0.apply(vh)
        return ((u * (others * (alpha * g).unsqueeze(-1)).unsqueeze(-2)) @ vh,)


class LinalgInvExBackward0(Op):
    """inverse(A); d/dA = -A⁻ᵀ g A⁻ᵀ (from the saved inverse)."""
    args, saves = ("A",), ("result",)
    def forward(ctx, a):
        float_matrix(a, "linalg.inv")
        xp = B.ns(a)
        try:
            return xp.linalg.inv(a)
        except xp.linalg.LinAlgError:
            raise singular("linalg.inv", a) from None
    def backward(ctx, g):
        inv, = ctx.saved_tensors
        return (-(mT(inv) @ (g @ mT(inv))),)


class LinalgSlogdetBackward0(MultiOp):
    """(sign, log|det A|): only logabsdet has a gradient, g·A⁻ᵀ."""
    args, saves = ("A",), ("A",)
    def forward(ctx, a):
        float_matrix(a, "linalg.slogdet")
        sign, logabs = B.ns(a).linalg.slogdet(a)
        return B.ns(a).asarray(sign), B.ns(a).asarray(logabs)
    def backward(ctx, g_sign, g_logabs):
        a, = ctx.saved_tensors
        if g_logabs is None:
            return (None,)
        return (as_column(g_logabs) * mT(a.inverse()),)


class LinalgSolveExBackward0(Op):
    """X = A⁻¹B. d/dB = A⁻ᵀ g; d/dA = -(d/dB) Xᵀ (a vector B: the outer product)."""
    args, saves = ("A", "B"), ("A", "result")
    def forward(ctx, a, b):
        float_matrix(a, "linalg.solve")
        if a.dtype != b.dtype:
            raise errors.runtime(f"linalg.solve: Expected A and B to have the same dtype, but found A of type "
                                 f"{scalar_name(a.dtype)} and B of type {scalar_name(b.dtype)} instead",
                                 "Convert one, e.g. b.to(A.dtype).")
        xp = B.ns(a)
        ctx.vector = b.ndim == a.ndim - 1 or b.ndim == 1
        rhs = b[..., None] if ctx.vector else b
        if rhs.shape[-2] != a.shape[-1]:
            raise errors.runtime(f"linalg.solve: Incompatible shapes of A and B for the equation AX = B "
                                 f"({a.shape[-2]}x{a.shape[-1]} and {rhs.shape[-2]}x{rhs.shape[-1]})",
                                 "B needs as many rows as A has columns.")
        try:
            x = xp.linalg.solve(a, rhs)
        except xp.linalg.LinAlgError:
            raise LinAlgError(errors._explain("torch.linalg.solve: The solver failed because the input matrix is "
                                              "singular.", "A singular A (determinant 0) gives no unique solution; "
                                              "torch.linalg.lstsq finds a least-squares one.")) from None
        return x[..., 0] if ctx.vector else x
    def backward(ctx, g):
        a, x = ctx.saved_tensors
        need = ctx.needs_input_grad
        gb = LinalgSolveExBackward0.apply(mT(a), g)
        if not need[0]:
            return None, gb
        ga = -(gb.unsqueeze(-1) * x.unsqueeze(-2)) if ctx.vector else -(gb @ mT(x))
        return ga, gb if need[1] else None


class LinalgPinvBackward0(Op):
    """The pseudo-inverse: singular values below max(atol, rtol·σmax) dropped (PyTorch's defaults: atol 0,
    rtol = eps·max(m, n)); backward is PyTorch's pinv_backward."""
    args, saves = ("self",), ("self", "result")
    def forward(ctx, a, atol=None, rtol=None, hermitian=False):
        float_matrix(a, "linalg.pinv", square=False)
        xp = B.ns(a)
        if rtol is None:  # PyTorch's default: eps·max(m, n), or none at all beside a positive atol
            rtol = 0.0 if atol is not None and atol > 0 else xp.finfo(a.dtype).eps * max(a.shape[-2:])
        if atol is not None and atol > 0:  # the cutoff max(atol, rtol·σmax), as a relative one per matrix
            top = xp.linalg.svd(a, compute_uv=False)[..., :1].max(axis=-1) if min(a.shape[-2:]) else 1.0
            rtol = xp.maximum(rtol, atol / top)
        symmetric = {"hermitian": True} if hermitian else {}  # (CuPy's pinv has no such keyword)
        return xp.linalg.pinv(a, rcond=rtol, **symmetric).astype(a.dtype, copy=False)
    def backward(ctx, g):
        a, p = ctx.saved_tensors
        return (pinv_backward(g, p, a),)


def pinv_backward(g, p, a):
    """PyTorch's pinv_backward(grad, pinvA, A), arranged for the smaller of m and n."""
    m, n = a.shape[-2], a.shape[-1]
    ph, gh = mT(p), mT(g)
    if m <= n:
        k = gh @ p
        kph = k @ ph
        return -mT(p @ k) + kph - (a @ p) @ kph + (ph @ p) @ (gh - k @ a)
    k = p @ gh
    phk = ph @ k
    return -mT(k @ p) + phk - (phk @ p) @ a + ((gh - a @ k) @ p) @ ph


class LinalgLstsqBackward0(MultiOp):
    """The least-squares solution X of AX ≈ B (the minimum-norm one for a rank-deficient A), as pinv(A) @ B;
    with CPU PyTorch's default driver (gelsy): empty residuals and singular values, and the rank. Backward is
    PyTorch's linalg_lstsq_backward: pinv_backward for A, pinv(A)ᵀ g for B."""
    args = saves = ("self", "b")
    def forward(ctx, a, b, rcond=None):
        if a.ndim < 2:
            raise errors.runtime("torch.linalg.lstsq: input must have at least 2 dimensions.",
                                 "A is a matrix (or a batch of them): one row per equation.")
        if a.dtype != b.dtype:
            raise errors.runtime(f"torch.linalg.lstsq: Expected input and other to have the same dtype, but got "
                                 f"input's dtype {scalar_name(a.dtype)} and other's dtype {scalar_name(b.dtype)}",
                                 "Convert one, e.g. b.to(A.dtype).")
        float_matrix(a, "linalg.lstsq", square=False)
        ctx.vector = b.ndim == a.ndim - 1
        rhs = b[..., None] if ctx.vector else b
        if rhs.shape[-2] != a.shape[-2]:
            raise errors.runtime(f"torch.linalg.lstsq: input.size(-2) should match other.size("
                                 f"{-1 if ctx.vector else -2})", "B needs one row per row (equation) of A.")
        xp = B.ns(a)
        rtol = xp.finfo(a.dtype).eps * max(a.shape[-2:]) if rcond is None else rcond
        x = xp.linalg.pinv(a, rcond=rtol).astype(a.dtype, copy=False) @ rhs
        s = xp.linalg.svd(a, compute_uv=False)
        rank = (s > rtol * s[..., :1]).sum(axis=-1).astype(xp.int64) if s.shape[-1] else xp.zeros(s.shape[:-1], xp.int64)
        return (x[..., 0] if ctx.vector else x), xp.zeros((0,), dtype=a.dtype), rank, None
    def backward(ctx, gx, g_residuals, g_rank, g_singular_values):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        p = a.pinverse()
        g, rhs = (gx.unsqueeze(-1), b.unsqueeze(-1)) if ctx.vector else (gx, b)
        ga = pinv_backward(g @ mT(rhs), p, a) if need[0] else None
        gb = mT(p) @ g if need[1] else None
        return ga, (gb.squeeze(-1) if ctx.vector and gb is not None else gb)


class LinalgCrossBackward0(Op):
    """a × b along dim (of length 3); d/da = b × g, d/db = g × a (then summed over broadcast dims)."""
    args = saves = ("self", "other")
    saves_if = {"self": "other", "other": "self"}
    def forward(ctx, a, b, dim):
        if a.ndim != b.ndim:
            raise errors.runtime("linalg.cross: inputs must have the same number of dimensions.",
                                 "Give both the same number of dims (x.unsqueeze(0) adds one); sizes of 1 broadcast.")
        for x in (a, b):
            if x.ndim == 0 or x.shape[dim] != 3:
                raise errors.runtime(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                                     f"{a.shape[dim] if a.ndim else 0} and {b.shape[dim] if b.ndim else 0}",
                                     "The cross product is defined for 3-vectors only.")
        ctx.dim, ctx.shapes = dim, (a.shape, b.shape)
        return B.ns(a).cross(a, b, axis=dim)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need, d = ctx.needs_input_grad, ctx.dim
        ga = sum_to(LinalgCrossBackward0.apply(b, g, dim=d), ctx.shapes[0]) if need[0] else None
        gb = sum_to(LinalgCrossBackward0.apply(g, a, dim=d), ctx.shapes[1]) if need[1] else None
        return ga, gb


class TraceBackward0(Op):
    """The sum of the diagonal of a matrix; the gradient is g on the diagonal (of self's shape)."""
    args = ("self",)
    def forward(ctx, a):
        if a.ndim != 2:
            raise errors.runtime(f"trace: expected a matrix, but got tensor with dim {a.ndim}",
                                 "trace() takes a 2-D matrix; for a batch use torch.diagonal(A, dim1=-2, dim2=-1)"
                                 ".sum(-1).")
        ctx.self_sym_sizes = a.shape
        xp = B.ns(a)
        return xp.asarray(xp.trace(a), dtype=a.dtype if a.dtype.kind in "fc" else xp.int64)
    def backward(ctx, g):
        return (trace_backward(g, ctx.self_sym_sizes),)


def trace_backward(g, sizes):
    """g on the diagonal of a matrix of `sizes`, zeros elsewhere."""
    return g * g.new_ones(tuple(sizes)).tril().triu()  # the ones of both triangles: the diagonal


def saved_outputs(node, arrays):
    """The outputs a MultiOp node kept (as arrays), as tensors for its backward: under create_graph they are
    outputs of `node` again (as PyTorch's saved outputs), so a second derivative sees their dependence on A."""
    outs = tuple(Tensor._make(a) for a in arrays)
    if GradMode.enabled:
        for i, t in enumerate(outs):
            t._rg, t.grad_fn, t._output_nr = True, node, i
    return outs


class LinalgSvdBackward0(MultiOp):
    """A = U diag(S) Vh. Backward is PyTorch's svd_backward (real case), on the first k = min(m, n) columns
    of U and rows of Vh when full_matrices (the rest of a full U or Vh gets no gradient, as in PyTorch)."""
    args = ("A",)
    def forward(ctx, a, full_matrices=True, compute_uv=True, name="linalg.svd"):
        float_matrix(a, name, square=False)
        xp = B.ns(a)
        if not compute_uv:
            return None, xp.linalg.svd(a, compute_uv=False), None
        u, s, vh = xp.linalg.svd(a, full_matrices=full_matrices)
        ctx.U, ctx.S, ctx.Vh, ctx.full_matrices = u, s, vh, full_matrices
        return u, s, vh
    def backward(ctx, gu, gs, gvh):
        return (linalg_svd_backward((gu, gs, gvh), *saved_outputs(ctx, (ctx.U, ctx.S, ctx.Vh))),)


def linalg_svd_backward(grads, u, s, vh):
    """derivatives.yaml's linalg_svd row: with full_matrices, svd_backward on the first k = min(m, n) columns
    of U and rows of Vh (and of their gradients)."""
    gu, gs, gvh = grads
    k = s.shape[-1]
    if u.shape[-1] != k or vh.shape[-2] != k:
        u, vh = u[..., :k], vh[..., :k, :]
        gu = gu[..., :k] if gu is not None else None
        gvh = gvh[..., :k, :] if gvh is not None else None
    return svd_backward(gu, gs, gvh, u, s, vh)


def svd_backward(gu, gs, gvh, u, s, vh):
    """PyTorch's svd_backward (FunctionsManual.cpp), real case."""
    m, n = u.shape[-2], vh.shape[-1]
    if gu is None and gvh is None:
        if gs is None:
            return None
        return u @ (gs.unsqueeze(-1) * vh) if m >= n else (u * gs.unsqueeze(-2)) @ vh
    s2 = s * s
    k = s.shape[-1]
    eye = eye_of(s, k)
    e = (s2.unsqueeze(-2) - s2.unsqueeze(-1)).masked_fill(eye == 1, 1.0)
    uhgu = _skew(mT(u) @ gu) if gu is not None else None
    vhgv = _skew(vh @ mT(gvh)) if gvh is not None else None
    if uhgu is not None and vhgv is not None:
        ga = (uhgu * s.unsqueeze(-2) + s.unsqueeze(-1) * vhgv) / e
    elif uhgu is not None:
        ga = uhgu * (s.unsqueeze(-2) / e)
    else:
        ga = s.unsqueeze(-1) * vhgv / e
    if gs is not None:
        ga = ga + gs.unsqueeze(-1) * eye
    if m > n and gu is not None:
        ga = u @ ga
        gusinv = gu / s.unsqueeze(-2)
        ga = (ga + gusinv - u @ (mT(u) @ gusinv)) @ vh
    elif m < n and gvh is not None:
        ga = ga @ vh
        sinvgvh = gvh / s.unsqueeze(-1)
        ga = u @ (ga + sinvgvh - (sinvgvh @ mT(vh)) @ vh)
    else:
        ga = u @ (ga @ vh) if m >= n else (u @ ga) @ vh
    return ga


def _skew(x):
    return x - mT(x)


def svd_tensors(a, full_matrices=False):
    """U, S, Vh of tensor `a`, recorded as linalg.svd records them."""
    return LinalgSvdBackward0.apply(a, full_matrices=full_matrices)
