"""Tensor.unfold: every window of `size` along one dim, `step` apart, as a new last dim (a view).

Vision-transformer lessons cut an image into patches with x.unfold(2, 16, 16).unfold(3, 16, 16); a
convolution written by hand slides windows the same way. Windows may overlap, so the gradient of the
input sums the gradients of every window that holds an element (PyTorch's unfold_backward).
"""
from .. import backend as B
from .. import errors
from ..node import Op
from .shape import _view


def _windows(n, size, step):
    return (n - size) // step + 1


class UnfoldBackward0(Op):
    quiet = False  # a view: no arithmetic, so no inf/nan warnings to silence
    args = ("self",)
    def forward(ctx, a, dimension, size, step):
        ctx.self_sym_sizes, ctx.dimension, ctx.size, ctx.step = a.shape, dimension, size, step
        if a.ndim == 0:
            return a.reshape(1)
        shape, strides = list(a.shape), list(a.strides)
        shape[dimension] = _windows(a.shape[dimension], size, step)
        strides[dimension] *= step
        return B.ns(a).lib.stride_tricks.as_strided(a, tuple(shape) + (size,), tuple(strides) + (a.strides[dimension],))
    def backward(ctx, g):
        return (UnfoldBackwardBackward0.apply(g, input_sizes=ctx.self_sym_sizes, dim=ctx.dimension, size=ctx.size,
                                              step=ctx.step),)


class UnfoldBackwardBackward0(Op):
    """unfold_backward(grad_in, input_sizes, dim, size, step): each window's gradient added back where it was
    taken from (overlapping windows add up)."""
    args = ("grad_in",)
    def forward(ctx, g, input_sizes, dim, size, step):
        ctx.dim, ctx.size, ctx.step = dim, size, step
        return windows_added(B.ns(g).zeros(input_sizes, g.dtype), g, dim, size, step)
    def backward(ctx, gg):
        return (unfold(gg, ctx.dim, ctx.size, ctx.step),)


def windows_added(out, g, dim, size, step):
    """Array `out` (zeros shaped like the input) with each window of `g` added back where it was taken."""
    if not out.ndim:
        return out + g.reshape(())
    xp = B.ns(out)
    along, windows = xp.moveaxis(out, dim, -1), xp.moveaxis(g, dim, -2)  # views: writes land in `out`
    for k in range(size):  # element k of window w sits at w·step + k
        along[..., k:k + step * windows.shape[-2]:step] += windows[..., k]
    return out


def unfold(t, dimension, size, step):
    """t.unfold(dimension, size, step): the windows t[..., i*step : i*step + size, ...] along `dimension`,
    stacked in that dim, each window's elements in a new last dim."""
    d = errors.wrap_dim(dimension, t.ndim)
    n = t.shape[d] if t.ndim else 1
    if size < 0:
        raise errors.runtime(f"size is {size} but must be >= 0", "A window holds size elements: 0 or more.")
    if size > n:
        raise errors.runtime(f"maximum size for tensor at dimension {d} is {n} but size is {size}",
                             f"Dimension {d} has {n} elements: a window can be at most that long.")
    if step <= 0:
        raise errors.runtime(f"step is {step} but must be > 0", "step is how far each window starts after the last.")
    return _view(UnfoldBackward0, t, dimension=d, size=size, step=step)
