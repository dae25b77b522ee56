"""Counting and searching, with no gradient: bincount, histc, histogram, searchsorted, bucketize, unique_consecutive,
gcd, lcm, triu_indices, tril_indices."""
from .. import backend as B
from .. import errors
from ..cascade_sum import sum_as_pytorch
from ..device import type_of
from ..dtypes import scalar_name
from ..grad_mode import GradMode
from ..node import MultiOp, as_array
from ..ranges import linspace_values
from ..tensor import Tensor
from .bitwise import _binary
from .reduce import return_types


def _out(a):
    return Tensor._make(as_array(a))


def bincount(input, weights=None, minlength=0):
    """How often each non-negative integer occurs in the 1-d input (summed weights, with weights)."""
    a = input._data
    if a.dtype.kind == "f":
        raise errors.not_implemented(f'"bincount_cpu" not implemented for \'{scalar_name(a.dtype)}\'',
                                     "bincount counts integers; convert with .long() first.")
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise errors.runtime("bincount only supports 1-d non-negative integral inputs.",
                             "Pass a 1-d tensor of counts' positions (0, 1, 2, ...).")
    xp = B.ns(a)
    if weights is None:
        return _out(xp.bincount(a, minlength=minlength).astype(B.int64))
    w = weights._data
    dt = w.dtype if w.dtype.kind == "f" else B.float64
    return _out(xp.bincount(a, weights=w, minlength=minlength).astype(dt))


def histc(input, bins=100, min=0, max=0):  # noqa: A002 - PyTorch's names
    """A histogram of `bins` equal bins over [min, max] (the data's range when both are 0); others are left out."""
    a = input._data
    if a.dtype.kind != "f":
        raise errors.not_implemented(f'"histogram_cpu" not implemented for \'{scalar_name(a.dtype)}\'',
                                     "histc works on floats: convert with .float() first.")
    xp = B.ns(a)
    lo, hi = float(min), float(max)
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    counts, _ = xp.histogram(a, bins=bins, range=(lo, hi))
    return _out(counts.astype(a.dtype))


def searchsorted(sorted_sequence, values, *, out_int32=False, right=False, side=None, sorter=None):
    """Where each value would go in the sorted innermost rows of sorted_sequence to keep them sorted."""
    seq = sorted_sequence._data
    xp = B.ns(seq)
    scalar = not isinstance(values, Tensor)
    v = xp.asarray(values) if scalar else values._data
    if sorter is not None:
        seq = xp.take_along_axis(seq, sorter._data, axis=-1)
    where = side or ("right" if right else "left")
    if seq.ndim <= 1:
        out = xp.searchsorted(seq, v, side=where)
    else:
        rows, vals = seq.reshape(-1, seq.shape[-1]), v.reshape(-1, v.shape[-1])
        out = xp.stack([xp.searchsorted(r, w, side=where) for r, w in zip(rows, vals)]).reshape(v.shape)
    return _out(xp.asarray(out).astype(B.int32 if out_int32 else B.int64))


def bucketize(input, boundaries, *, out_int32=False, right=False):
    """The bucket of each element between the sorted 1-d boundaries (right=True: boundaries[i-1] <= x < ...)."""
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """input with each run of equal consecutive elements (or slices along dim) kept once."""
    a = input._data
    xp = B.ns(a)
    if dim is None:
        flat = a.reshape(-1)
        starts = xp.concatenate([xp.asarray([True]), flat[1:] != flat[:-1]]) if flat.size else flat.astype(bool)
        values = flat[starts]
    else:
        d = errors.wrap_dim(dim, a.ndim)
        moved = xp.moveaxis(a, d, 0)
        rows = moved.reshape(moved.shape[0], -1)
        changed = (rows[1:] != rows[:-1]).any(axis=1) if rows.shape[0] else rows[:0, 0].astype(bool)
        starts = xp.concatenate([xp.asarray([True]), changed]) if rows.shape[0] else changed
        values = xp.moveaxis(moved[starts], 0, d)
    out = [_out(values)]
    run = xp.cumsum(starts.astype(B.int64)) - 1
    if return_inverse:
        out.append(_out(run.reshape(a.shape) if dim is None else run))
    if return_counts:
        out.append(_out(xp.bincount(run, minlength=int(starts.sum())).astype(B.int64)))
    return out[0] if len(out) == 1 else tuple(out)


def _gcd(xp, a, b):
    return xp.gcd(a, b)


def _lcm(xp, a, b):
    return xp.abs(xp.lcm(a, b))


gcd = _binary("gcd", "gcd", _gcd, bools=False)
lcm = _binary("lcm", "lcm", _lcm, bools=False)


def _triangle_indices(name, keep):
    def indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
        xp = B.namespace(type_of(device))
        r, c = xp.indices((row, col))
        mask = keep(c - r, offset)
        out = xp.stack([r[mask], c[mask]])
        return _out(out.astype(dtype.array_dtype if dtype is not None else B.int64))
    indices.__name__ = indices.__qualname__ = name
    indices.__doc__ = f"torch.{name}(row, col, offset): the 2×N row and column indices of that triangle."
    return indices


triu_indices = _triangle_indices("triu_indices", lambda diff, offset: diff >= offset)
tril_indices = _triangle_indices("tril_indices", lambda diff, offset: diff <= offset)


def histogram(input, bins=100, *, range=None, weight=None, density=False):  # noqa: A002 - PyTorch's names
    """torch.histogram: (hist, bin_edges). `bins` equal bins from the data's min to max (or over `range`), or
    the edges given as a 1-d tensor; each bin holds its left edge, the last also its right one; values
    outside the edges are left out. `density`: hist / (hist.sum() · bin width), so it integrates to 1.
    From inputs that require grad both come out of a node PyTorch calls NotImplemented (no derivative)."""
    tensors = [t for t in (input, bins, weight) if isinstance(t, Tensor)]
    if any(t.requires_grad for t in tensors) and GradMode.enabled:
        hist, bin_edges = HistogramNotImplemented.apply(*tensors, bins=bins, range=range, weighted=weight is not None,
                                                        density=density)
    else:
        hist, bin_edges = (_out(x) for x in _histogram(input._data, bins, range, weight, density))
    return return_types.histogram(hist, bin_edges)


def _histogram(a, bins, range, weight, density):  # noqa: A002 - PyTorch's names
    """histogram's two arrays, from array `a`, `bins` (a count or edges as a tensor) and `weight` (a tensor)."""
    if B.device_of(a) != "cpu":
        raise errors.not_implemented("Could not run 'aten::histogram.bin_ct' with arguments from the 'CUDA' backend.",
                                     "torch.histogram runs on the CPU only: call it on t.cpu().")
    if a.dtype.kind != "f":
        raise errors.not_implemented(f'"histogramdd" not implemented for \'{scalar_name(a.dtype)}\'',
                                     "A histogram bins floats: convert with .float() first.")
    xp = B.ns(a)
    flat = a.reshape(-1)
    if isinstance(bins, Tensor) or B.is_array(bins):
        edges = bins._data if isinstance(bins, Tensor) else bins
        if edges.dtype != a.dtype:
            raise errors.runtime(f"torch.histogram: input tensor and bins tensors should have the same dtype, but got "
                                 f"input {scalar_name(a.dtype)} and bins {scalar_name(edges.dtype)}",
                                 "Make the edges with the input's dtype (torch.linspace(..., dtype=x.dtype)).")
    else:
        lo, hi = (float(range[0]), float(range[1])) if range is not None else \
            (float(flat.min()), float(flat.max())) if flat.size else (0.0, 1.0)
        if not (xp.isfinite(lo) and xp.isfinite(hi)):
            raise errors.runtime(f"torch.histogramdd: dimension 0's range [{_g(lo)}, {_g(hi)}] is not finite",
                                 "Leave out inf and nan values, or give range=(min, max).")
        if lo > hi:
            raise errors.runtime(f"torch.histogramdd: min should not exceed max, but got min {_g(lo)} max {_g(hi)} "
                                 "for dimension 0", "range is (min, max), smallest first.")
        if lo == hi:  # as NumPy: one value spreads over [v - 0.5, v + 0.5]
            lo, hi = lo - 0.5, hi + 0.5
        edges = linspace_values(lo, hi, int(bins) + 1, a.dtype)
    inside = (flat >= edges[0]) & (flat <= edges[-1])  # (nan is never inside)
    pos = xp.minimum(xp.searchsorted(edges, flat[inside], side="right") - 1, len(edges) - 2)
    if weight is None:
        hist = xp.bincount(pos, minlength=len(edges) - 1).astype(a.dtype)
    else:
        hist = xp.zeros(len(edges) - 1, a.dtype)
        w = weight._data if isinstance(weight, Tensor) else weight
        xp.add.at(hist, pos, w.reshape(-1)[inside])  # in the input's order, as the kernel adds
    if density:
        hist = hist / sum_as_pytorch(hist, None)
        hist = hist / xp.diff(edges)
    return hist.astype(a.dtype, copy=False), edges


class HistogramNotImplemented(MultiOp):
    """torch.histogram of inputs that require grad: PyTorch records this node, and has no derivative."""
    def forward(ctx, a, *more, bins, range, weighted, density):  # noqa: A002 - PyTorch's names
        edges = more[0] if len(more) > weighted else bins  # the tensors given: input, [bins], [weight]
        return _histogram(a, edges, range, more[-1] if weighted else None, density)
    def backward(ctx, *grads):
        raise errors.runtime("derivative for aten::histogram is not implemented",
                             "A histogram counts values: it has no gradient. Call it on t.detach().")


HistogramNotImplemented.__name__ = HistogramNotImplemented.__qualname__ = "NotImplemented"


def _g(x: float) -> str:
    """A double as C++'s stream prints it (6 significant digits)."""
    return f"{x:g}"
