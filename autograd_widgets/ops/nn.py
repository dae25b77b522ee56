"""The ops behind torch.nn.functional's linear, embedding, one_hot, dropout and pad."""
from .. import backend as B
from .. import creation
from .. import errors, scalars
from ..node import Op
from ..size_args import int_arg, sizes
from ..tensor import Tensor
from .linalg import _check, _column_major, _dtype_mismatch, matmul, mm_grads
from .pointwise import MaskedFillBackward0
from .shape import reshape, view


class AddmmBackward0(Op):
    """addmm(self, mat1, mat2, beta, alpha) = beta·self + alpha·(mat1 @ mat2) (self broadcast; the engine sums
    its gradient back). beta = 0 ignores self, nan and inf in it too, as PyTorch documents."""
    args, saves = ("self", "mat1", "mat2"), ("mat1", "mat2")
    def forward(ctx, c, a, b, beta=1, alpha=1):
        if a.dtype != b.dtype or c.dtype != b.dtype:
            raise _dtype_mismatch(a, b, "addmm") if a.dtype != b.dtype else _dtype_mismatch(c, b, "addmm self")
        _check(a, b, "mm")
        ctx.column_major = (_column_major(a), _column_major(b))
        if beta == 1 and alpha == 1:  # nn.Linear's
            return c + a @ b
        ctx.beta, ctx.alpha = beta, alpha
        return (B.ns(c).zeros_like(c) if beta == 0 else beta * c) + alpha * (a @ b)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        beta, alpha = getattr(ctx, "beta", 1), getattr(ctx, "alpha", 1)
        ga, gb = mm_grads(ctx, g, a, b, need[1:])
        if alpha != 1:
            ga, gb = (None if x is None else x * alpha for x in (ga, gb))
        return (g if beta == 1 else g * beta) if need[0] else None, ga, gb


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
    if sparse:
        raise errors.not_supported("torch.nn.functional.embedding with sparse=True")
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
    if max_norm is not None:
        _renorm_rows(weight, idx, max_norm, norm_type)
    return EmbeddingBackward0.apply(weight, indices=idx, padding_idx=padding_idx,
                                    scale_grad_by_freq=scale_grad_by_freq)


def _renorm_rows(weight, idx, max_norm, norm_type):
    """embedding_renorm_: rows the batch looks up whose norm exceeds max_norm are scaled down in place
    (outside autograd, as PyTorch does it under no_grad)."""
    xp = B.ns(weight._data)
    rows = xp.unique(idx.reshape(-1))
    w = weight._data[rows]
    norms = (abs(w) ** norm_type).sum(axis=1) ** (1.0 / norm_type)
    scale = xp.where(norms > max_norm, max_norm / (norms + 1e-7), 1.0).astype(w.dtype)
    weight._data[rows] = w * scale[:, None]
    weight._bump()


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """An int64 tensor with one more dimension, 1 at each value's position."""
    num_classes = int_arg("one_hot", "num_classes", num_classes, 2)
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


def _source_positions(n, lo, hi, mode):
    """For each position of a dim padded by (lo, hi), the input position it copies (reflect or replicate)."""
    xp = B.namespace("cpu")
    i = xp.arange(-lo, n + hi)
    if mode == "replicate":
        return xp.clip(i, 0, n - 1)
    i = xp.abs(i)  # reflect about the first element, then about the last
    return (n - 1) - xp.abs((n - 1) - i)


def _index_pad(mode, dims):
    """ReflectionPad{dims}DBackward0 / ReplicationPad...: each output element copies one input element, so the
    gradient adds each output's gradient into the element it copied (the ...BackwardBackward0 op)."""
    base = f"{'Reflection' if mode == 'reflect' else 'Replication'}Pad{dims}D"

    def index(ctx, shape):
        k = len(ctx.pad) // 2
        pos = [_source_positions(shape[-1 - i], ctx.pad[2 * i], ctx.pad[2 * i + 1], mode) for i in range(k)][::-1]
        return (Ellipsis,) + tuple(p.reshape((-1,) + (1,) * (k - 1 - j)) for j, p in enumerate(pos))

    def forward(ctx, a, pad):
        ctx.pad = pad
        idx = index(ctx, a.shape)
        return a[(Ellipsis,) + tuple(B.asarray(i, device=B.device_of(a)) for i in idx[1:])]

    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (grad_cls.apply(g, x, pad=ctx.pad),)

    def grad_forward(ctx, g, x, pad):
        ctx.pad = pad
        idx = (Ellipsis,) + tuple(B.asarray(i, device=B.device_of(g)) for i in index(ctx, x.shape)[1:])
        out = B.ns(g).zeros(x.shape, dtype=g.dtype)
        B.scatter_add(out, idx, g)
        return out

    def grad_backward(ctx, gg):
        need = ctx.needs_input_grad
        return (cls.apply(gg, pad=ctx.pad) if need[0] else None), (gg * 0 if need[1] else None)

    cls = type(base + "Backward0", (Op,), {"args": ("self",), "saves": ("self",), "forward": forward,
                                            "backward": backward, "__module__": __name__})
    grad_cls = type(base + "BackwardBackward0", (Op,), {"args": ("grad_output", "self"), "forward": grad_forward,
                                                         "backward": grad_backward, "__module__": __name__})
    return cls


_INDEX_PADS = {(mode, d): _index_pad(mode, d) for mode in ("reflect", "replicate") for d in (1, 2, 3)}


def pad(input: Tensor, pad, mode: str = "constant", value=None) -> Tensor:
    """torch.nn.functional.pad: constant, reflect or replicate (circular is not supported yet)."""
    pad = sizes("pad", (pad,), "pad", position=2, varargs=False)
    if len(pad) % 2:
        raise errors.runtime("Padding length must be divisible by 2",
                             "pad lists (before, after) pairs, starting with the last dimension.")
    if len(pad) // 2 > input.ndim:
        raise errors.runtime(f"Padding length should be less than or equal to two times the input dimension but got "
                             f"padding length {len(pad)} and input of dimension {input.ndim}",
                             "Give at most one (before, after) pair per dimension.")
    if mode == "constant":
        value = 0 if value is None else scalars.scalar_argument(float(value), input._data.dtype)  # a float arg
        return ConstantPadNdBackward0.apply(input, pad=pad, value=value)
    if mode not in ("reflect", "replicate"):
        raise errors.not_supported(f"torch.nn.functional.pad with mode='{mode}'")
    dims = len(pad) // 2
    if input.ndim not in (dims + 1, dims + 2):
        raise NotImplementedError(errors._explain(
            f"Padding size {len(pad)} is not supported for {input.ndim}D input tensor.\nSupported combinations for "
            "non-constant padding:\n  - 2D or 3D input: padding size = 2 (pads last dimension)\n  - 3D or 4D input: "
            "padding size = 4 (pads last 2 dimensions)\n  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)",
            "Reflect and replicate padding pad the last 1, 2 or 3 dims of a tensor with one or two more dims."))
    if mode == "reflect":
        for i in range(dims):
            d = input.ndim - 1 - i
            if max(pad[2 * i], pad[2 * i + 1]) >= input.shape[d]:
                raise errors.runtime(f"Argument #{4 + 2 * i}: Padding size should be less than the "
                                     f"corresponding input dimension, but got: padding ({pad[2 * i]}, "
                                     f"{pad[2 * i + 1]}) at dimension {d} of input {list(input.shape)}",
                                     "Reflection mirrors the tensor's own elements, so a pad must be shorter than "
                                     "the dimension it pads.")
    return _INDEX_PADS[mode, dims].apply(input, pad=pad)
