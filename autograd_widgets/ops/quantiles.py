"""quantile / nanquantile, composed as PyTorch's quantile_impl is (so the same nodes are recorded): sort the
values along the reduced dim (moved last), view them as (*out, n), gather below and above each rank, lerp
between them in place, then squeeze (or move the q dim first) in place."""
from .. import backend as B
from .. import errors
from ..tensor import Tensor
from . import order as O, shape as S
from .binary_math import LerpBackward1

_MODES = ("linear", "lower", "higher", "midpoint", "nearest")


class UnsqueezeBackward1(S.UnsqueezeBackward0):
    """unsqueeze_(dim) in place."""


class TransposeBackward1(S.TransposeBackward0):
    """transpose_(dim0, dim1) in place."""


def _check(name, input, q, interpolation):
    if interpolation not in _MODES:
        raise errors.runtime(f"{name}() interpolation must be one of linear, lower, higher, midpoint or nearest, "
                             f"but got {interpolation}", "Pick one of those five ways to land between two values.")
    if not input.dtype.is_floating_point:
        raise errors.runtime(f"{name}() input tensor must be either float or double dtype",
                             "Quantiles interpolate between values: convert with .float() first.")
    if not input.numel():
        raise errors.runtime(f"{name}() input tensor must be non-empty", "There is no quantile of nothing.")
    if isinstance(q, Tensor):
        if q.dtype is not input.dtype:
            raise errors.runtime(f"{name}() q tensor must be same dtype as the input tensor",
                                 "Make q with dtype=input.dtype.")
        if q.ndim > 1:
            raise errors.runtime(f"{name}() q must be a scalar or 1D tensor", "Give one q or a list of them.")
        values = q._data
    else:
        if not 0 <= q <= 1:
            raise errors.runtime(f"{name}() q must be in the range [0, 1] but got {q}", "q is a fraction: 0.5 is the "
                                 "median.")
        values = B.asarray(q, dtype=input._data.dtype, device=B.device_of(input._data))
    if values.size and not bool(((values >= 0) & (values <= 1)).all()):
        raise errors.runtime(f"{name}() q values must be in the range [0, 1]", "q is a fraction: 0.5 is the median.")
    return values


def _quantile(name, input, q, dim, keepdim, interpolation, ignore_nan):
    qs = _check(name, input, q, interpolation)
    xp = B.ns(qs)
    if dim is None:
        sorted_ = O.sort(S.flatten(input), -1).values
        out_shape = [1] * input.ndim if keepdim else []
    else:
        d = errors.wrap_dim(dim, input.ndim)
        moved = input if d == input.ndim - 1 else S.transpose(S.unsqueeze(input, -1), d, -1)
        sorted_ = O.sort(moved, -1).values
        out_shape = list(input.shape)
        if keepdim:
            out_shape[d] = 1
        else:
            del out_shape[d]
    n = sorted_.shape[-1]
    sorted_ = S.view(sorted_, *(out_shape + [n]))
    data = sorted_._data
    q_row = qs.reshape(-1)
    if ignore_nan:  # ranks among the non-NaN values (a row of only NaN gives NaN)
        valid = (data == data).sum(axis=-1, keepdims=True)
        ranks = xp.maximum(q_row * (valid - 1), 0)
    else:  # a row with a NaN gives NaN: its rank is the last place, where sort put the NaN
        ranks = xp.maximum(q_row * (n - 1), (data != data).any(axis=-1, keepdims=True) * (n - 1))
    ranks = {"lower": xp.floor, "higher": xp.ceil, "nearest": xp.round}.get(interpolation, lambda r: r)(ranks)
    below = ranks.astype(B.int64)
    values = O.gather(sorted_, -1, Tensor._make(below))
    if interpolation in ("linear", "midpoint"):
        weights = ranks - below if interpolation == "linear" else xp.full_like(ranks, 0.5)
        above = O.gather(sorted_, -1, Tensor._make(xp.ceil(ranks).astype(B.int64)))
        values = LerpBackward1.apply(values, above, Tensor._make(weights.astype(data.dtype)))
    if isinstance(q, Tensor) and q.ndim == 1:
        values = TransposeBackward1.apply(UnsqueezeBackward1.apply(values, dim=0), dim0=0, dim1=values.ndim)
    return S.SqueezeBackward4.apply(values, dims=(values.ndim - 1,))


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile("quantile", input, q, dim, keepdim, interpolation, ignore_nan=False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear"):
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, ignore_nan=True)
