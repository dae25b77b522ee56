"""The functions the derivative table (derivatives.py) writes its formulas with.

Each takes and returns tensors of whichever library it is given (this core or PyTorch: the
library is read off the tensor), so one formula evaluates against both. Structural ones
(scatter a gradient back to the places a forward picked, add each window's gradient back
to its cells) work on host copies of the values: evaluating a formula only needs numbers,
never a graph. Linear maps whose adjoint is long to write (padding modes, adaptive pooling,
convolution) are evaluated as the transpose of the library's own forward, column by column,
so a formula never calls the backward it explains.
"""
import math
import sys

from .. import backend as B

pi, inf = math.pi, math.inf


def lib(t):
    """The library (autograd_widgets or torch) that made tensor `t`."""
    return sys.modules[type(t).__module__.split(".")[0]]


def _host(t):
    """A host NumPy copy of a tensor's values (a Python number or list as an array)."""
    if hasattr(t, "numpy"):
        return t.detach().numpy(force=True) if hasattr(t, "detach") else t.numpy()
    return B.asarray(t)


def _tensor(like, array):
    """`array` as a tensor of `like`'s library, dtype and device."""
    return lib(like).tensor(array, dtype=like.dtype, device=like.device)


def _dims(dim, ndim):
    """`dim` (an int, a sequence, or None/() for every dim) as sorted non-negative dims."""
    if dim is None or (not isinstance(dim, int) and len(dim) == 0):
        return list(range(ndim))
    dims = [dim] if isinstance(dim, int) else list(dim)
    return sorted(d % ndim if ndim else 0 for d in dims)


# --- elementwise -----------------------------------------------------------------------
def where(condition, a, b):
    """`a` where `condition` holds, else `b` (numbers broadcast)."""
    t = next(x for x in (condition, a, b) if hasattr(x, "shape"))
    return lib(t).where(condition, a, b)


def zeros_like(t):
    return lib(t).zeros_like(t)


def log(x):
    """The natural log of a number or a tensor."""
    return math.log(x) if isinstance(x, (int, float)) else x.log()


def between(x, lo, hi):
    """Where lo <= x <= hi (a None bound is no bound), as clamp keeps x."""
    if lo is None:
        return x <= hi
    return x >= lo if hi is None else (x >= lo).logical_and(x <= hi)


def below(x, lo, hi):
    """Where clamp raised x to lo (lo < hi, or no hi)."""
    out = x < lo
    return out if hi is None else out.logical_and(lo < hi)


def above(x, lo, hi):
    """Where clamp lowered x to hi (or lo > hi, where hi wins)."""
    out = x > hi
    return out if lo is None else out.logical_or(hi < lo)


# --- shapes and reductions ----------------------------------------------------------------
def sum_to(t, shape):
    """`t` summed down to `shape` (broadcasting undone: leading dims, then dims of size 1)."""
    shape = tuple(shape)
    lead = t.dim() - len(shape)
    if lead:
        t = t.sum(tuple(range(lead)))
    dims = tuple(i for i, n in enumerate(shape) if n == 1 and t.shape[i] != 1)
    return t.sum(dims, keepdim=True) if dims else t


def restore_dims(t, dim, keepdim, sizes):
    """`t` with the dims a reduction removed put back as size 1 (so it broadcasts against the input)."""
    if keepdim or t.dim() == len(sizes):
        return t
    for d in _dims(dim, len(sizes)):
        t = t.unsqueeze(d)
    return t


def count(sizes, dim=None):
    """How many elements a reduction over `dim` of a tensor of `sizes` takes in (max 1)."""
    n = 1
    for d in _dims(dim, len(sizes)):
        n *= sizes[d]
    return max(n, 1)


def centered(x, dim):
    """x minus its mean over `dim`."""
    return x - x.mean(tuple(_dims(dim, x.dim())), keepdim=True)


def inverse(dims):
    """The permutation that undoes `dims`."""
    out = [0] * len(dims)
    for i, d in enumerate(dims):
        out[d] = i
    return out


def unsqueeze_all(t, dims):
    """`t` with a size-1 dim put back at each of `dims` (in increasing order)."""
    for d in sorted([dims] if isinstance(dims, int) else dims):
        t = t.unsqueeze(d)
    return t


def dims_except(t, keep):
    """Every dim of `t` but `keep`."""
    return tuple(d for d in range(t.dim()) if d != keep)


def per_channel(t, like):
    """A per-channel vector (C,) shaped (1, C, 1, ...) to broadcast against `like`; numbers and None stay."""
    if not hasattr(t, "shape"):
        return 1.0 if t is None else t
    if like.dim() < 2 or t.numel() == 1:
        return t
    return t.reshape((1, -1) + (1,) * (like.dim() - 2))


def stack(grads, dim):
    return lib(grads[0]).stack(list(grads), dim)


def cat(grads, dim):
    return lib(grads[0]).cat(list(grads), dim)


# --- placing a gradient back where the forward read it --------------------------------------
def _zeros(like, sizes):
    return B.ns(_host(like)).zeros(tuple(sizes), dtype=_host(like).dtype)


def scatter_add(sizes, dim, index, src):
    """zeros(sizes) with src added at `index` along `dim` (gather's adjoint)."""
    out, idx, s = _zeros(src, sizes), _host(index), _host(src)
    xp = B.ns(out)
    places = list(xp.indices(idx.shape, sparse=True))
    places[dim % len(sizes)] = idx
    xp.add.at(out, tuple(places), s[tuple(slice(0, n) for n in idx.shape)])
    return _tensor(src, out)


def value_selecting_backward(grad, dim, indices, sizes, keepdim):
    """max/min/sort/topk along a dim: each value's grad goes back to where it was picked."""
    if indices.dim() < len(sizes):  # the reduced dim, put back (PyTorch saves indices without it unless keepdim)
        indices = indices.unsqueeze(dim)
    if grad.dim() < len(sizes):
        grad = grad.unsqueeze(dim)
    return scatter_add(sizes, dim, indices, grad)


def index_backward(grad, sizes, indices):
    """zeros(sizes) with grad added at `indices` (repeated places add up)."""
    out = _zeros(grad, sizes)
    B.ns(out).add.at(out, _index(indices), _host(grad))
    return _tensor(grad, out)


def _index(indices):
    """A NumPy index from a saved one: PyTorch's list of index tensors (None: every place), or this core's."""
    if not isinstance(indices, (tuple, list)):
        indices = (indices,)
    return tuple(slice(None) if i is None else _host(i) if hasattr(i, "shape") else i for i in indices)


def index_select_backward(grad, sizes, dim, index):
    places = [slice(None)] * len(sizes)
    places[dim % len(sizes)] = _host(index)
    return index_backward(grad, sizes, tuple(places))


def masked_select_backward(grad, sizes, mask):
    """zeros(sizes) with grad's values written, in order, where `mask` is True (summed if mask broadcast it)."""
    m = _host(mask)
    xp = B.ns(m)
    shape = xp.broadcast_shapes(tuple(sizes), m.shape)
    out = _zeros(grad, shape)
    out[xp.broadcast_to(m, shape)] = _host(grad)
    return sum_to(_tensor(grad, out), sizes)


def select_backward(grad, sizes, dim, index):
    """zeros(sizes) with grad written at `index` of `dim`."""
    places = [slice(None)] * len(sizes)
    places[dim % len(sizes)] = index
    return index_backward(grad, sizes, tuple(places))


def slice_backward(grad, sizes, dim, start, end, step):
    """zeros(sizes) with grad written at start:end:step of `dim`."""
    places = [slice(None)] * len(sizes)
    places[dim % len(sizes)] = slice(start, end, step)
    return index_backward(grad, sizes, tuple(places))


def unfold_backward(grad, sizes, dim, size, step):
    """zeros(sizes) with each window's grad added back where the window was taken (overlaps add up)."""
    return _tensor(grad, windows_added(_zeros(grad, sizes), _host(grad), dim, size, step))


def take_slice(t, dim, start, end, step):
    """t[..., start:end:step, ...] along `dim`."""
    places = [slice(None)] * t.dim()
    places[dim % t.dim()] = slice(start, end, step)
    return t[tuple(places)]


def repeat_backward(grad, repeats, sizes):
    """Each copy's grad, added back onto the one input it copied."""
    lead = len(repeats) - len(sizes)
    split = []
    for r, n in zip(repeats, (1,) * lead + tuple(sizes)):
        split += [r, n]
    return grad.reshape(split).sum(tuple(range(0, len(split), 2))).reshape(tuple(sizes))


def embedding_backward(grad, indices, num_weights, padding_idx, scale_grad_by_freq):
    """Each looked-up row's grad, added to its row of the weight (none to padding_idx)."""
    idx, g = _host(indices).reshape(-1), _host(grad)
    g = g.reshape(idx.size, -1).copy()
    xp = B.ns(g)
    if padding_idx is not None and padding_idx >= 0:
        g[idx == padding_idx] = 0
    if scale_grad_by_freq:
        g = g / xp.bincount(idx, minlength=num_weights)[idx][:, None]
    out = _zeros(grad, (num_weights, g.shape[1]))
    xp.add.at(out, idx, g)
    return _tensor(grad, out)


def max_pool_backward(grad, self, indices):
    """Each window's grad, given to the input cell that was its maximum (`indices`: its flat place)."""
    n = int(math.prod(self.shape[:-2]) if self.dim() > 2 else 1)
    out = _zeros(grad, (n, int(math.prod(self.shape[-2:]))))
    xp = B.ns(out)
    idx = _host(indices).reshape(n, -1)
    xp.add.at(out, (xp.arange(n)[:, None], idx), _host(grad).reshape(n, -1))
    return _tensor(grad, out.reshape(tuple(self.shape)))


def at_maxima(grad, indices):
    """grad read at each window's maximum (the second derivative of max pooling)."""
    n = int(math.prod(indices.shape[:-2]) if indices.dim() > 2 else 1)
    g, idx = _host(grad).reshape(n, -1), _host(indices).reshape(n, -1)
    xp = B.ns(g)
    return _tensor(grad, g[xp.arange(n)[:, None], idx].reshape(tuple(indices.shape)))


def picked(target, self, ignore_index):
    """One-hot of `target` along the class dim (dim 1, or 0 for one sample); 0 where target == ignore_index."""
    t = _host(target)
    xp = B.ns(t)
    cls_dim = 0 if self.dim() == 1 else 1
    classes = xp.arange(self.shape[cls_dim]).reshape((-1,) + (1,) * (self.dim() - cls_dim - 1))
    onehot = (xp.expand_dims(t, cls_dim) == classes) & xp.expand_dims(t != ignore_index, cls_dim)
    return _tensor(self, onehot.astype(_host(self).dtype))


def per_sample(grad, self):
    """A loss's grad lined up with the input's class dim: a number stays, one per sample gains the class dim."""
    return grad if grad.dim() == 0 else grad.unsqueeze(1 if self.dim() > 1 else 0)


def mean_count(reduction, total):
    """What a 'mean' reduction divided by (`total`), else 1 ('sum', 'none'); PyTorch saves 1 for mean."""
    return total if reduction in (1, "mean") else 1


from .derivative_ops_rnn import lstm_layer_backward  # noqa: E402,F401  (needs lib, defined above)


# --- adjoints of linear forwards, column by column -------------------------------------------
def adjoint(forward, like, grad):
    """gradᵀ·J of the linear map `forward` at inputs shaped like `like`: one forward per input element."""
    T = lib(grad)
    n = like.numel()
    out = []
    with T.no_grad():
        basis = T.eye(n, dtype=grad.dtype)
        for k in range(n):
            out.append(float((forward(basis[k].reshape(tuple(like.shape))) * grad).sum()))
    return _tensor(grad, B.asarray(out).reshape(tuple(like.shape)))


def pad_backward(grad, self, padding, mode):
    """The transpose of padding in `mode`: each padded cell's grad goes back to the cell it copied."""
    return adjoint(lambda x: lib(grad).nn.functional.pad(x, list(padding), mode=mode), self, grad)


def add_back_to_windows(grad, self, kernel_size, stride, padding, ceil_mode):
    """Each window's grad, added back to every cell of the window (the transpose of a window sum)."""
    F = lib(grad).nn.functional
    pool = {1: F.avg_pool1d, 2: F.avg_pool2d}[len(kernel_size)]
    extra = {} if len(kernel_size) == 1 else {"divisor_override": 1}
    scale = 1 if extra else kernel_size[0]  # avg_pool1d has no divisor_override: undo its division
    return adjoint(lambda x: pool(x, kernel_size, stride, padding, ceil_mode, True, **extra) * scale, self, grad)


def adaptive_avg_pool_backward(grad, self):
    """Each output's grad, spread evenly over the cells it averaged."""
    pool = lib(grad).nn.functional.adaptive_avg_pool2d  # 1-d pooling runs as 2-d on an unsqueezed input
    return adjoint(lambda x: pool(x, tuple(grad.shape[-2:])), self, grad)


def convolution(x, weight, bias, stride, padding, dilation, groups, transposed, output_padding):
    """The convolution the forward computed (transposed or not); 0 for a missing input or weight."""
    if x is None or weight is None:
        return 0
    F = lib(weight).nn.functional
    d = weight.dim() - 2
    if transposed:
        fn = getattr(F, f"conv_transpose{d}d")
        return fn(x, weight, bias, stride, padding, output_padding, groups, dilation)
    return getattr(F, f"conv{d}d")(x, weight, bias, stride, padding, dilation, groups)


def conv_input_backward(grad, input, weight, stride, padding, dilation, groups, transposed, output_padding):
    """The transpose of the convolution in its input: each output's grad, sent back through the weights."""
    if weight is None or grad is None:
        return 0
    return adjoint(lambda x: convolution(x, weight, None, stride, padding, dilation, groups, transposed,
                                         output_padding), input, grad)


def conv_weight_backward(grad, input, weight, stride, padding, dilation, groups, transposed, output_padding):
    """Each weight's grad: the input patches it met, times the grad of the outputs it made, summed."""
    if input is None or grad is None:
        return 0
    return adjoint(lambda w: convolution(input, w, None, stride, padding, dilation, groups, transposed,
                                         output_padding), weight, grad)


def padded(t, padding, mode="constant"):
    """`t` padded as F.pad pads it (negative padding crops)."""
    return lib(t).nn.functional.pad(t, list(padding), mode=mode)


def window_sum(t, kernel_size, stride, padding, ceil_mode):
    """The sum of each pooling window of `t` (zero padding counts as zeros)."""
    F = lib(t).nn.functional
    if len(kernel_size) == 1:
        return F.avg_pool1d(t, kernel_size, stride, padding, ceil_mode, True) * kernel_size[0]
    return F.avg_pool2d(t, kernel_size, stride, padding, ceil_mode, True, 1)


def adaptive_avg_pool2d(t, output_size):
    return lib(t).nn.functional.adaptive_avg_pool2d(t, output_size)


def nll_loss(t, target, weight, reduction, ignore_index):
    """−t at each target class (times its weight), summed, or averaged over the weights for 'mean'."""
    w = picked(target, t, ignore_index) * per_channel(weight, t)
    picked_t = (t * w).sum(1 if t.dim() > 1 else 0)
    if reduction in (0, "none"):
        return -picked_t
    return -picked_t.sum() / (w.sum() if reduction in (1, "mean") else 1)


def zeroed_at(grad, indices):
    """grad with 0 at `indices` (the places an index_put overwrote)."""
    out = _host(grad).copy()
    out[_index(indices)] = 0
    return _tensor(grad, out)


def read_at(grad, indices):
    """grad[indices], for PyTorch's saved list of index tensors as for this core's index."""
    return _tensor(grad, _host(grad)[_index(indices)])


def embedding_rows(grad, indices, padding_idx):
    """grad's rows at `indices` (zero for padding_idx): the rows an embedding looks up."""
    rows = _host(grad)[_host(indices)].copy()
    if padding_idx is not None and padding_idx >= 0:
        rows[_host(indices) == padding_idx] = 0
    return _tensor(grad, rows)


from .derivative_ops_more import (aminmax_backward, logcumsumexp_backward, moments_backward,  # noqa: E402,F401
                                  shared_backward, take_backward)


# --- matrix functions: the core's backward formulas are written with tensor methods both libraries share
# (ops/matrix.py, ops/decompositions.py), so the table names them rather than writing each out twice
from ..ops.decompositions import cholesky_backward, eigh_backward, qr_backward  # noqa: E402, F401
from ..ops.unfold import windows_added  # noqa: E402
from ..ops.matrix import linalg_svd_backward, pinv_backward, trace_backward  # noqa: E402, F401


def solve(A, B):
    """A⁻¹B, by the library's own solver."""
    return lib(A).linalg.solve(A, B)


def diagonal_backward(grad, sizes, offset, dim1, dim2):
    """Zeros of `sizes` with grad on the diagonal (offset, dim1, dim2): where diagonal() read from."""
    out = grad.new_zeros(tuple(sizes))
    out.diagonal(offset, dim1, dim2).copy_(grad)
    return out
