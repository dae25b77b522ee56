"""The ops behind torch.nn.functional's linear, embedding, one_hot and dropout."""
from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from .linalg import _check, _column_major, matmul, mm_grads
from .pointwise import MaskedFillBackward0, promote
from .shape import reshape, view


class AddmmBackward0(Op):
    """addmm(self, mat1, mat2) = self + mat1 @ mat2 (self broadcast; the engine sums its gradient back)."""
    args, saves = ("self", "mat1", "mat2"), ("mat1", "mat2")
    def forward(ctx, c, a, b):
        _check(a, b, "mm")
        ctx.column_major = (_column_major(a), _column_major(b))
        a, b = promote(a, b)
        return c + a @ b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return ((g if need[0] else None),) + mm_grads(ctx, g, a, b, need[1:])


def linear(input: Tensor, weight: Tensor, bias: Tensor = None) -> Tensor:
    """input @ weight.T + bias, with the nodes PyTorch's aten::linear builds for each rank and layout."""
    wt = weight.t()
    if bias is None:
        return matmul(input, wt)
    if input.ndim == 2:
        return AddmmBackward0.apply(bias, input, wt)
    if input._data.flags.c_contiguous and input.ndim:  # flatten to rows, addmm, view back
        rows = reshape(input, -1, input.shape[-1]) if input.ndim != 1 else view(input, 1, input.shape[0])
        out = AddmmBackward0.apply(bias, rows, wt)
        return view(out, *input.shape[:-1], out.shape[1])
    return matmul(input, wt) + bias


class EmbeddingBackward0(Op):
    """embedding(weight, indices): rows of weight; padding_idx's row gets no gradient."""
    args = ("weight",)
    def forward(ctx, w, indices, padding_idx, scale_grad_by_freq):
        ctx.indices, ctx.padding_idx, ctx.scale_grad_by_freq = indices, padding_idx, scale_grad_by_freq
        ctx.weight_sym_argsize_0 = w.shape[0]
        return w[indices]
    def backward(ctx, g):
        return (EmbeddingDenseBackwardBackward0.apply(g, indices=ctx.indices, num_weights=ctx.weight_sym_argsize_0,
                                                      padding_idx=ctx.padding_idx,
                                                      scale_grad_by_freq=ctx.scale_grad_by_freq),)


class EmbeddingDenseBackwardBackward0(Op):
    """embedding_dense_backward(grad_output, indices, num_weights, padding_idx, scale_grad_by_freq):
    each row of grad_output added into the row its index names."""
    args = ("grad_output",)
    def forward(ctx, g, indices, num_weights, padding_idx, scale_grad_by_freq):
        xp = B.ns(g)
        ctx.indices, ctx.padding_idx = indices, padding_idx
        flat, rows = indices.reshape(-1), g.reshape(-1, g.shape[-1])
        if scale_grad_by_freq:  # each index's rows divided by how often it occurs in the batch
            counts = xp.zeros(num_weights, dtype=g.dtype)
            B.scatter_add(counts, flat, 1)
            rows = rows / counts[flat][:, None]
        out = xp.zeros((num_weights, g.shape[-1]), dtype=g.dtype)
        B.scatter_add(out, flat, rows)
        if padding_idx is not None:
            out[padding_idx] = 0
        ctx.scale = Tensor._make(1 / counts[flat].reshape(indices.shape + (1,))) if scale_grad_by_freq else None
        return out
    def backward(ctx, gg):
        out = gg[Tensor._make(ctx.indices)]  # embedding_dense_double_backward: the rows picked again
        if ctx.padding_idx is not None:
            out = MaskedFillBackward0.apply(out, mask=(ctx.indices == ctx.padding_idx)[..., None], value=0.0)
        return (out * ctx.scale if ctx.scale is not None else out,)


def embedding(input: Tensor, weight: Tensor, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False) -> Tensor:
    if max_norm is not None or sparse:
        raise errors.not_supported("torch.nn.functional.embedding with max_norm or sparse=True")
    idx = input._data
    if idx.dtype.kind not in "iu":
        raise errors.runtime(f"Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                             f"Long, Int; but got torch.{input.dtype._legacy} instead (while checking arguments for "
                             f"embedding)", "Embedding looks rows up by integer position: pass a LongTensor.")
    n = weight.shape[0]
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= n):
        raise IndexError(errors._explain("index out of range in self",
                                         f"The embedding has {n} rows, so indices must lie in 0..{n - 1}."))
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise AssertionError("Padding_idx must be within num_embeddings")
        padding_idx %= n
    return EmbeddingBackward0.apply(weight, indices=idx, padding_idx=padding_idx,
                                    scale_grad_by_freq=scale_grad_by_freq)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor with one more dimension, 1 at each value's position."""
    a = tensor._data
    if a.dtype != B.int64:
        raise errors.runtime("one_hot is only applicable to index tensor of type LongTensor.",
                             "Give the class indices as an int64 tensor (torch.long).")
    if num_classes == -1:
        if a.size == 0:
            raise errors.runtime("Can not infer total number of classes from empty tensor.",
                                 "Pass num_classes when the tensor is empty.")
        num_classes = int(a.max()) + 1
    if a.size:
        if int(a.min()) < 0:
            raise errors.runtime("Class values must be non-negative.", "Class indices count from 0.")
        if int(a.max()) >= num_classes:
            raise errors.runtime("Class values must be smaller than num_classes.",
                                 f"With num_classes={num_classes} the indices must lie in 0..{num_classes - 1}.")
    xp = B.ns(a)
    return Tensor._make((a[..., None] == xp.arange(num_classes)).astype(B.int64))


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p), as aten's _dropout_impl on the CPU:
    noise = empty_like(input).bernoulli_(1 - p) / (1 - p), then input * noise."""
    return _dropout(input, p, training, inplace, feature=False)


def feature_dropout(input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """Dropout of whole channels: one noise value per (sample, channel), as aten's feature_dropout."""
    return _dropout(input, p, training, inplace, feature=True)


def _dropout(input, p, training, inplace, feature):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if p == 0 or not training or input.numel() == 0:
        return input
    if p == 1:
        noise = Tensor._make(B.ns(input._data).zeros((), dtype=input._data.dtype))
    else:
        shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2) if feature else tuple(input.shape)
        noise = _bernoulli(input, shape, 1 - p)
        noise._data /= 1 - p
    return input.mul_(noise) if inplace else input * noise


def _bernoulli(like, shape, prob):
    """A tensor of `shape` (dtype and device of `like`), each element 1 with probability `prob`, from PyTorch's
    own random stream."""
    from .. import creation
    return creation.empty(*shape, dtype=like.dtype, device=like.device).bernoulli_(prob)


class ConstantPadNdBackward0(Op):
    """constant_pad_nd(self, pad, value): pad = (lo, hi) pairs from the last dim backwards; negative pads crop."""
    args = ("self",)
    def forward(ctx, a, pad, value=0.0):
        ctx.pad = pad
        k = len(pad) // 2
        pairs = [(0, 0)] * (a.ndim - k) + [(pad[2 * i], pad[2 * i + 1]) for i in reversed(range(k))]
        shape = tuple(s + lo + hi for s, (lo, hi) in zip(a.shape, pairs))
        if any(s < 0 for s in shape):
            raise errors.runtime(f"The input size {a.shape[-1]}, plus negative padding {pad[0]} and {pad[1]} resulted "
                                 f"in a negative output size, which is invalid. Check dimension {a.ndim - 1} of your "
                                 "input.", "Negative padding crops; it cannot crop more than the tensor holds.")
        out = B.ns(a).full(shape, value, dtype=a.dtype)
        src = tuple(slice(max(-lo, 0), s - max(-hi, 0)) for s, (lo, hi) in zip(a.shape, pairs))
        dst = tuple(slice(max(lo, 0), n - max(hi, 0)) for n, (lo, hi) in zip(shape, pairs))
        out[dst] = a[src]
        return out
    def backward(ctx, g):
        return (ConstantPadNdBackward0.apply(g, pad=tuple(-p for p in ctx.pad)),)


def pad(input: Tensor, pad, mode: str = "constant", value=None) -> Tensor:
    """torch.nn.functional.pad; the constant mode (the others are not supported yet)."""
    if mode != "constant":
        raise errors.not_supported(f"torch.nn.functional.pad with mode='{mode}'")
    pad = tuple(int(p) for p in pad)
    if len(pad) % 2:
        raise errors.runtime("Padding length must be divisible by 2",
                             "pad lists (before, after) pairs, starting with the last dimension.")
    if len(pad) // 2 > input.ndim:
        raise errors.runtime(f"Padding length should be less than or equal to two times the input dimension but got "
                             f"padding length {len(pad)} and input of dimension {input.ndim}",
                             "Give at most one (before, after) pair per dimension.")
    return ConstantPadNdBackward0.apply(input, pad=pad, value=0 if value is None else value)
