"""In-place writes through views, recorded as PyTorch records them.

An in-place op on a view of `root` (`y[0].mul_(2)`, `y[:, 1] = v`) gives `root` a new history:
a `CopySlices` node over the op's own node, which sends the gradient of the written region
through that op and the rest of it to the root's old history. Every view of the root then
reads its values from the new history: its grad_fn becomes an `AsStridedBackward0` (PyTorch's
node for a regenerated view) whose edge leads to the root's.
"""
import math

from .. import backend as B
from .. import errors
from ..node import Op, _SCRATCH, _sequence, edge_to
from ..tensor import Tensor
from .indexing import IndexPutImplBackward0
from .pointwise import CloneBackward0, CopyBackwards, zeros_like


class Region:
    """Where a view lies in its root: the view ops (with their parameters) that made it from the root."""

    def __init__(self, chain, shape):
        self.chain, self.shape = chain, tuple(shape)

    def positions(self, xp):
        """For every element of the view, its flat (row-major) position in the root."""
        a = xp.arange(math.prod(self.shape)).reshape(self.shape)
        for op, params in self.chain:
            a = op.forward(_SCRATCH, a, **params)
        return a

    def write(self, out, src):
        """Write `src` (an array or a number, broadcast to the view's shape) into the region of array `out`."""
        xp = B.ns(out)
        pos = self.positions(xp)
        if B.is_array(src):
            src = xp.broadcast_to(src, pos.shape).reshape(-1)
        out.reshape(-1)[pos.reshape(-1)] = src  # `out` is a fresh contiguous copy, so reshape(-1) shares it

    def read(self, g):
        return AsStridedBackward0.apply(g, region=self)


class Index:
    """A region given by an index (basic and advanced parts mixed), as in `t[0, [1, 2]] = v`."""

    def __init__(self, index):
        self.index = index

    def write(self, out, src):
        out[self.index] = src

    def read(self, g):
        return g[self.index]


class AsStridedBackward0(Op):
    """as_strided: the elements of a region of self. PyTorch's grad_fn of a view whose root changed in place."""
    args = ("self",)
    overlapping = False  # whether elements of the view share memory (expand): their gradients add up

    def forward(ctx, a, region):
        ctx.region = region
        return a.reshape(-1)[region.positions(B.ns(a))]

    def backward(ctx, g):
        region = ctx.region
        xp = B.ns(g._data)
        zeros = Tensor._make(xp.zeros(region.shape, dtype=g._data.dtype))
        if ctx.overlapping:
            pos = region.positions(xp).reshape(-1)
            flat = IndexPutImplBackward0.apply(zeros.view(-1), g.reshape(-1), index=(pos,), accumulate=True)
            return (flat.view(region.shape),)
        out = CopySlices.apply(zeros, g, region=region)  # as PyTorch's as_strided_backward: zeros, region = g
        if out._rg:
            out = AsStridedBackward0.apply(out, region=Region((), region.shape))
        return (out,)

    multi_output = None  # (i, op) if the view was piece i of unbind/split: PyTorch refuses to use it now

    def _first_use(self):
        if self.multi_output:
            raise errors.multi_output_view_inplace(*self.multi_output, changed=True)
        super()._first_use()

    @property
    def _saved_size(self):
        return tuple(self._meta[0][0])

    @property
    def _saved_stride(self):
        return self.stride

    @property
    def _saved_storage_offset(self):
        pos = self.region.positions(B.namespace()).reshape(-1)
        return int(pos[0]) if pos.size else 0


class CopySlices(Op):
    """self with `src` written into a region; self's gradient is g outside the region, src's is g inside it.

    Built by `rebase_history` over an in-place op's node `fn` it is PyTorch's CopySlices: the region
    of g goes back through `fn`, whose gradient for the view's old value replaces it in g for the root.
    """
    args = ("self", "src")
    _fn = None  # the in-place op's node, when this records one through a view

    def name(self):
        return "torch::autograd::CopySlices"  # a C++ node in PyTorch, named with its namespace

    def __repr__(self):
        return f"<CopySlices object at {id(self):#x}>"

    def forward(ctx, a, src, region):
        out = a.copy()
        region.write(out, src)
        ctx._region = region
        return out

    def backward(ctx, g):
        # PyTorch's steps, so that a create_graph=True graph shows its nodes: copy g, take the region and
        # clone it, send that through fn, write fn's gradient for the view's old value into the region
        need = ctx.needs_input_grad
        fn, region = ctx._fn, ctx._region
        result = CopyBackwards.apply(0.0, g) if g._rg else g
        piece = region.read(result)
        if piece._rg:
            piece = CloneBackward0.apply(piece)
        if fn is None:  # a plain copy of src into the region: CopyBackwards' gradients
            grads = (zeros_like(piece) if need[0] else None), (piece if need[1] else None)
        else:
            grads = fn.backward(piece)
            if type(grads) is not tuple:
                grads = (grads,)
        old = grads[0]
        root = CopySlices.apply(result, old, region=region) if need[0] and old is not None else None
        return (root,) + tuple(grads[1:])

    @property
    def _fresh_results(self):
        return self._fn is None or self._fn._fresh_results  # what fn's backward returns passes through

    def _release(self):
        if self._fn is not None:
            self._fn._release()
        super()._release()


def _node(cls, edges, data):
    node = cls.__new__(cls)
    node.next_functions = edges
    node._meta = ((data.shape, data.dtype),)
    node._seq = next(_sequence)
    return node


def rebase_history(view, fn):
    """The in-place op recorded as `fn` wrote into `view`: its root's grad_fn becomes CopySlices over fn."""
    root = view._base
    node = _node(CopySlices, (edge_to(root),) + fn.next_functions[1:], root._data)
    node._fn, node._region = fn, Region(view._chain, root._data.shape)
    root.grad_fn, root._rg, root._output_nr = node, True, 0


def regenerate(root):
    """Point every live view of `root` at the root's current history (PyTorch does this when one is read)."""
    edge = edge_to(root)
    live = []
    for ref in root._views:
        v = ref()
        if v is None:
            continue
        live.append(ref)
        if v._nograd_view:
            continue
        data = v._data
        node = _node(AsStridedBackward0, (edge,), data)
        node.region = Region(v._chain, root._data.shape)
        node.overlapping, node._renumber = B.overlaps(data), True
        node.multi_output = v._multi_output
        node.stride = tuple(s // data.itemsize for s in data.strides)
        v.grad_fn, v._rg, v._output_nr = node, True, 0
    root._views = live

