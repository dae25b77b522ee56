"""In-place view ops: x.unsqueeze_(0), x.squeeze_(), x.t_(), x.transpose_(0, 1), ... change x's own shape
(its data stays where it is) and, where x has a history, make x the output of PyTorch's in-place node
(UnsqueezeBackward1, TBackward1, ...: the out-of-place formula under the in-place op's name)."""
from .. import errors
from ..grad_mode import GradMode
from . import shape as S
from .shape import SqueezeBackward0, SqueezeBackward4, TBackward0, TransposeBackward0, UnsqueezeBackward0


class SqueezeBackward3(SqueezeBackward0):
    """squeeze_() in place: every dimension of size 1."""


class SqueezeBackward5(SqueezeBackward0):
    """squeeze_(dims) in place, with a tuple of dims."""


class UnsqueezeBackward1(UnsqueezeBackward0):
    """unsqueeze_(dim) in place."""


class TBackward1(TBackward0):
    """t_() in place."""


class TransposeBackward1(TransposeBackward0):
    """transpose_(dim0, dim1) (and swapaxes_, swapdims_) in place."""


def _in_place(t, op, **params):
    """t itself becomes op's view of its data, and op's output in the graph."""
    if GradMode.enabled and t._rg:
        if t.grad_fn is None:
            raise errors.leaf_inplace()
        if t._base is not None and t._base._rg and t._base.grad_fn is None:
            raise errors.leaf_inplace(view=True)
    out = op.apply(t, **params)
    t._data = out._data
    if out.grad_fn is not None:
        t.grad_fn, t._output_nr = out.grad_fn, 0
    if t._base is not None:  # a view keeps the steps from its base (to rebuild its history when the base changes)
        t._chain = t._chain + ((op, params),)
    (t if t._vsrc is None else t._vsrc)._ver += 1  # a new version, as PyTorch's; no value changed, so the
    return t                                      # other views of its base keep their histories


def unsqueeze_(t, dim):
    return _in_place(t, UnsqueezeBackward1, dim=errors.wrap_dim(dim, t.ndim + 1))


def squeeze_(t, dim=None):
    nd = t.ndim
    if dim is None:
        return _in_place(t, SqueezeBackward3, dims=tuple(range(nd)))
    dims = tuple({errors.wrap_dim(d, nd) for d in ((dim,) if isinstance(dim, int) else dim)}) if nd else ()
    return _in_place(t, SqueezeBackward4 if isinstance(dim, int) else SqueezeBackward5, dims=dims)


def t_(t):
    return S.transposed(t, TBackward1, "t_", _as_view_of_itself)


def transpose_(t, dim0, dim1):
    return S.swapped(t, dim0, dim1, TransposeBackward1, _as_view_of_itself)


def _as_view_of_itself(op, t, **params):
    return _in_place(t, op, **params)
