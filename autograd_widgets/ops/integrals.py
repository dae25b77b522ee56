"""trapezoid / trapz / cumulative_trapezoid and cov, composed as PyTorch composes them (its Integration.cpp
and Correlation.cpp), so the same nodes are recorded."""
import warnings

from .. import backend as B
from .. import errors
from ..tensor import Tensor
from . import indexing as I, linalg as L, shape as S
from .pointwise import MulBackward1, DivBackward1
from .statistics import cumsum


def _slices(t, dim):
    """t without its first, and without its last, element along dim."""
    n = t.shape[dim]
    return I.narrow(t, dim, 1, max(n - 1, 0)), I.narrow(t, dim, 0, max(n - 1, 0))


def _spacing(y, x, dim):
    """dx from sample points x: 1-d x viewed along dim of y, then right minus left neighbours."""
    if x.ndim == 1:
        shape = [1] * y.ndim
        shape[dim] = x.shape[0]
        x = S.view(x, *shape)
    right, left = _slices(x, dim)
    return right - left


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """∫ y along dim by the trapezoidal rule: spacing dx (default 1), or sample points x."""
    dim = errors.wrap_dim(dim, y.ndim)
    if y.shape[dim] == 0:  # as PyTorch: zeros, with no graph
        return Tensor._make(B.ns(y._data).zeros(y.shape[:dim] + y.shape[dim + 1:], dtype=y._data.dtype))
    if isinstance(x, Tensor):
        later, earlier = _slices(y, dim)
        return DivBackward1.apply(((later + earlier) * _spacing(y, x, dim)).sum(dim), other=2.0)
    step = 1 if dx is None and x is None else (x if dx is None else dx)
    ends = I.select(y, dim, 0) + I.select(y, dim, -1)
    return MulBackward1.apply(y.sum(dim) - MulBackward1.apply(ends, other=0.5), other=step)


def trapz(y, x=None, *, dx=None, dim=-1):
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoidal integral of y along dim (one element shorter than y there)."""
    dim = errors.wrap_dim(dim, y.ndim)
    later, earlier = _slices(y, dim)
    if isinstance(x, Tensor):
        return cumsum(DivBackward1.apply(_spacing(y, x, dim) * (earlier + later), other=2.0), dim)
    step = 1 if dx is None and x is None else (x if dx is None else dx)
    return cumsum(MulBackward1.apply(later + earlier, other=0.5 * step), dim)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the variables in input's rows (observations in columns)."""
    if input.ndim > 2:
        raise errors.runtime(f"cov(): expected input to have two or fewer dimensions but got an input with "
                             f"{input.ndim} dimensions", "Rows are variables, columns observations.")
    x = S.view(input, 1, -1) if input.ndim < 2 else input
    n = x.shape[1]
    w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    xp = B.ns(x._data)
    w_sum = w.sum() if w is not None else Tensor._make(xp.asarray(n, dtype=B.int64))
    if w is not None and aweights is not None and correction != 0:
        norm = w_sum - (w * aweights).sum() * correction / w_sum
    else:
        norm = w_sum - correction
    if bool((norm <= 0).item()):
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than the number of "
                      "observations.", UserWarning, stacklevel=2)
        norm = norm * 0
    avg = (x * w if w is not None else x).sum(1) / w_sum
    centred = x - S.unsqueeze(avg, 1)
    c = L.mm(centred, S.t_(centred * w if w is not None else centred))
    return S.squeeze(c / norm)


def corrcoef(input):
    """Pearson's correlation coefficients of input's rows: cov divided by each pair's standard deviations,
    clipped to [-1, 1] (as PyTorch's Correlation.cpp composes it, so the same nodes are recorded)."""
    if input.ndim > 2:
        raise errors.runtime(f"corrcoef(): expected input to have two or fewer dimensions but got an input with "
                             f"{input.ndim} dimensions", "Rows are variables, columns observations.")
    c = cov(input)
    if c.ndim == 0:  # one variable: 1, or nan where its variance is nan, inf or 0
        return c / c
    stddev = c.diagonal().sqrt()
    c = c / S.view(stddev, -1, 1)
    c = c / S.view(stddev, 1, -1)
    return c.clip(-1, 1)
