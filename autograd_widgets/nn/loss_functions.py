"""torch.nn.functional's losses: PyTorch's signatures, argument checks, errors and warnings.

The ops themselves (and the graphs they build) are in ../ops/loss.py.
"""
from typing import Optional

from .. import errors
from ..dtypes import scalar_name
from ..node import _shape_error
from ..ops import loss as L
from ..ops.pointwise import AbsBackward0
from ..tensor import Tensor


# --- reduction ------------------------------------------------------------------------------
def _legacy_reduction(size_average, reduce, stacklevel=3):
    """The reduction the deprecated size_average / reduce flags mean, with PyTorch's warning."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    reduction = "mean" if size_average and reduce else "sum" if reduce else "none"
    errors.warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
                f"Write reduction='{reduction}' instead of size_average / reduce: the same loss, today's spelling.",
                stacklevel=stacklevel)
    return reduction


def _reduction_enum(reduction, size_average=None, reduce=None):
    """'none' / 'mean' / 'sum' as PyTorch's enum (legacy flags win, as in PyTorch)."""
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce, stacklevel=4)
    if reduction == "elementwise_mean":
        errors.warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.",
                    "'elementwise_mean' is the old name of 'mean'.", stacklevel=3)
        reduction = "mean"
    if reduction not in L.REDUCTIONS:
        raise errors.value(f"{reduction} is not a valid value for reduction",
                           "reduction says how the per-element losses become the result: 'mean' (the default) "
                           "averages them, 'sum' adds them, 'none' returns them all.")
    return L.REDUCTIONS[reduction]


# --- shapes ---------------------------------------------------------------------------------
def _warn_size(input, target):
    if target.shape != input.shape:
        errors.warn(f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
                    "This will likely lead to incorrect results due to broadcasting. Please ensure they have the "
                    "same size.",
                    "The loss compares input and target element by element, so their shapes are broadcast "
                    "together first; a prediction of shape (N, 1) against targets of shape (N,) gives an (N, N) "
                    "table of differences, not N. Reshape one of them (e.g. target.view(-1, 1)).",
                    stacklevel=3)


def _broadcast(input, target):
    """torch.broadcast_tensors(input, target): an ExpandBackward0 on each side whose shape grows."""
    if input.shape == target.shape:
        return input, target
    a, b = tuple(input.shape), tuple(target.shape)
    n = max(len(a), len(b))
    a, b = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        raise _shape_error(ValueError("shapes do not broadcast"), [input._data, target._data])
    shape = tuple(max(x, y) for x, y in zip(a, b))
    return (input if tuple(input.shape) == shape else input.expand(shape)), \
           (target if tuple(target.shape) == shape else target.expand(shape))


def _weighted(loss, weight, input, reduction, mean=None):
    """A loss with `weight` (mse, l1, huber), as PyTorch's Python: multiply, then reduce; 'mean' divides
    by Σ weight unless `mean` says otherwise."""
    if weight.shape != input.shape:
        raise errors.value("Weights and input must have the same size.",
                           "weight gives one factor per element of input, so it must have input's shape.")
    loss = loss * weight
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return mean(loss) if mean else loss.sum() / weight.sum()
    raise errors.value(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.",
                       "reduction is 'mean' (the default), 'sum' or 'none'.")


# --- regression losses ----------------------------------------------------------------------
def mse_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
             reduction: str = "mean", weight: Optional[Tensor] = None) -> Tensor:
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast(input, target)
    if weight is not None:
        return _weighted((input - target) ** 2, weight, input, reduction)
    return L.MseLossBackward0.apply(input, target, reduction=_reduction_enum(reduction))


def l1_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
            reduction: str = "mean", weight: Optional[Tensor] = None) -> Tensor:
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast(input, target)
    if weight is not None:
        return _weighted(AbsBackward0.apply(input - target), weight, input, reduction)
    return _l1(input, target, _reduction_enum(reduction))


def _l1(input, target, reduction):
    """PyTorch decomposes l1_loss: abs(input − target), then mean or sum."""
    return L._reduce(AbsBackward0.apply(input - target), reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = _legacy_reduction(size_average, reduce)
    input, target = _broadcast(input, target)
    r = _reduction_enum(reduction)
    if beta == 0.0:
        return _l1(input, target, r)
    if beta < 0:
        raise errors.runtime("smooth_l1_loss does not support negative values for beta.",
                             "beta is where the loss turns from quadratic to linear: a distance, so 0 or more.")
    return L.SmoothL1LossBackward0.apply(input, target, reduction=r, beta=beta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Optional[Tensor] = None) -> Tensor:
    _warn_size(input, target)
    input, target = _broadcast(input, target)
    if weight is not None:
        if weight.shape != input.shape:  # before the loss is computed, as in PyTorch
            _weighted(None, weight, input, reduction)
        return _weighted(huber_loss(input, target, "none", delta), weight, input, reduction, mean=lambda l: l.mean())
    r = _reduction_enum(reduction)
    if delta <= 0:
        raise errors.runtime("huber_loss does not support non-positive values for delta.",
                             "delta is where the loss turns from quadratic to linear: a positive distance.")
    return L.HuberLossBackward0.apply(input, target, reduction=r, delta=delta)


# --- binary classification ------------------------------------------------------------------
def _check_unit_interval(t, what):
    a = t._data
    if not bool(((a >= 0) & (a <= 1)).all()):
        raise errors.runtime(f"all elements of {what} should be between 0 and 1",
                             "binary_cross_entropy takes probabilities: apply torch.sigmoid to the model's "
                             "outputs first, or pass the raw outputs (logits) to binary_cross_entropy_with_logits, "
                             "which is also numerically safer." if what == "input" else
                             "Targets of binary_cross_entropy are probabilities of the class 1: 0, 1, or between.")


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                         size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                         reduction: str = "mean") -> Tensor:
    r = _reduction_enum(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise errors.value(f"Using a target size ({target.shape}) that is different to the input size "
                           f"({input.shape}) is deprecated. Please ensure they have the same size.",
                           "Give the target exactly the input's shape, e.g. target.view(-1, 1) or "
                           "output.squeeze(1), so that each prediction meets its own label.")
    if target.dtype != input.dtype:
        raise errors.runtime(f"Found dtype {scalar_name(target.dtype)} but expected {scalar_name(input.dtype)}",
                             "binary_cross_entropy needs a target of the input's dtype: convert it, e.g. "
                             "target.float().")
    if weight is not None:
        weight = weight.expand(_broadcast(target, weight)[0].shape)
    _check_unit_interval(input, "input")
    _check_unit_interval(target, "target")
    weight = None if weight is None else weight._data.astype(input._data.dtype, copy=False)  # the result keeps input's dtype
    return L.BinaryCrossEntropyBackward0.apply(input, target, weight=weight, reduction=r)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Optional[Tensor] = None,
                                     size_average: Optional[bool] = None, reduce: Optional[bool] = None,
                                     reduction: str = "mean", pos_weight: Optional[Tensor] = None) -> Tensor:
    r = _reduction_enum(reduction, size_average, reduce)
    if target.shape != input.shape:
        raise errors.value(f"Target size ({target.shape}) must be the same as input size ({input.shape})",
                           "Give the target exactly the input's shape, e.g. target.view(-1, 1) or "
                           "output.squeeze(1), so that each logit meets its own label.")
    if not target.dtype.is_floating_point:
        raise errors.runtime(f"result type {scalar_name(input.dtype)} can't be cast to the desired output type "
                             f"{scalar_name(target.dtype)}",
                             "The targets of binary_cross_entropy_with_logits are probabilities: make them "
                             "floats, e.g. target.float().")
    return L.BinaryCrossEntropyWithLogitsBackward0.apply(
        input, target, weight=None if weight is None else weight._data,
        pos_weight=None if pos_weight is None else pos_weight._data, reduction=r)


# --- classification -------------------------------------------------------------------------
def _check_nll(input, target, weight, ignore_index):
    """PyTorch's checks of nll_loss_nd and of its kernels, in their order."""
    if input.ndim < 1:
        raise errors.value(f"Expected 1 or more dimensions (got {input.ndim})",
                           "The input holds one score per class: shape (C,), or (N, C) for a batch.")
    if input.ndim != 1 and target.ndim and input.shape[0] != target.shape[0]:
        raise errors.value(f"Expected input batch_size ({input.shape[0]}) to match target batch_size "
                           f"({target.shape[0]}).",
                           "Input (N, C) holds one row of class scores per sample and target (N,) one class "
                           "index per sample, so both must have the same N.")
    n_classes = input.shape[1] if input.ndim > 1 else input.shape[0]
    if input.ndim == 4:
        if target.ndim != 3 or tuple(input.shape[2:]) != tuple(target.shape[1:]):
            raise errors.runtime(f"size mismatch (got input: {list(input.shape)} , target: {list(target.shape)}",
                                 "For inputs (N, C, H, W) the target holds one class per pixel: (N, H, W).")
    elif input.ndim > 2:
        expected = [input.shape[0]] + list(input.shape[2:])
        if list(target.shape) != expected:
            raise errors.runtime(f"Expected target size {expected}, got {list(target.shape)}",
                                 "For inputs (N, C, d1, ...) the target holds one class per position: "
                                 "(N, d1, ...).")
    elif target.ndim > 1:
        raise errors.runtime("0D or 1D target tensor expected, multi-target not supported",
                             "The target holds one class index per sample, shape (N,). For one-hot or "
                             "probability targets use cross_entropy with a target of the input's shape.")
    elif input.ndim == 1 and target.ndim == 1 and target.shape[0] != 1:
        raise errors.value(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}",
                           "A 1-D input is one sample's class scores, so the target is one class index.")
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        msg = ("weight tensor should be defined either for all or no classes" if input.ndim == 4 else
               f"weight tensor should be defined either for all {n_classes} classes or no classes but got "
               f"weight tensor of shape: {list(weight.shape)}")
        raise errors.runtime(msg, "weight gives one factor per class, so it has shape (C,).")
    if weight is not None and weight.dtype != input.dtype:
        raise errors.runtime(f"expected scalar type {scalar_name(input.dtype)} but found {scalar_name(weight.dtype)}",
                             "Give weight the input's dtype, e.g. weight.to(input.dtype).")
    if target.dtype._legacy not in ("LongTensor", "ByteTensor"):
        raise errors.runtime(f"expected target dtype to be Long or Byte, but got {scalar_name(target.dtype)}",
                             "Targets of nll_loss / cross_entropy are class indices, integers of dtype "
                             "torch.long: write torch.tensor([0, 2, 1]) or target.long(). (cross_entropy also "
                             "takes class probabilities, as floats of the input's shape.)")
    t = target._data
    bad = (t != ignore_index) & ((t < 0) | (t >= n_classes))
    if bool(bad.any()):
        raise errors.index(f"Target {int(t[bad].reshape(-1)[0])} is out of bounds.",
                           f"The input has {n_classes} classes, so targets are class indices 0 to {n_classes - 1} "
                           f"(or ignore_index={ignore_index}).")


def nll_loss(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
             ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    r = _reduction_enum(reduction, size_average, reduce)
    _check_nll(input, target, weight, ignore_index)
    if input.ndim == 1 and target.ndim == 1:
        target = target.view(())
    return L.nll_loss_nd(input, target, weight, r, ignore_index)


def cross_entropy(input: Tensor, target: Tensor, weight: Optional[Tensor] = None, size_average: Optional[bool] = None,
                  ignore_index: int = -100, reduce: Optional[bool] = None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    r = _reduction_enum(reduction, size_average, reduce)
    if input.shape == target.shape:  # as PyTorch: same shapes mean class probabilities
        _check_probabilities(input, target, weight, ignore_index, label_smoothing)
        return L.cross_entropy_probabilities(input, target, weight, r, label_smoothing)
    if label_smoothing > 1.0:
        raise _smoothing_error(label_smoothing)
    _check_nll(input, target, weight, ignore_index)
    if input.ndim == 1 and target.ndim == 1:
        target = target.view(())
    return L.cross_entropy_indices(input, target, weight, r, ignore_index, label_smoothing)


def _smoothing_error(label_smoothing):
    return errors.runtime(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing}",
                          "label_smoothing is the share of each target spread evenly over all classes.")


def _check_probabilities(input, target, weight, ignore_index, label_smoothing):
    if not target.dtype.is_floating_point:
        raise errors.runtime(f"Expected floating point type for target with class probabilities, got "
                             f"{scalar_name(target.dtype)}",
                             "Input and target have the same shape, so cross_entropy reads the target as class "
                             "probabilities, which are floats. For class indices the target has shape (N,) "
                             "(one integer per sample); for one-hot targets, convert them with target.float().")
    if ignore_index >= 0:
        raise errors.runtime("ignore_index is not supported for floating point target",
                             "With class-probability targets there is no class index to ignore.")
    n_classes = input.shape[0 if input.ndim == 1 else 1]
    if weight is not None and (weight.ndim != 1 or weight.numel() != n_classes):
        raise errors.runtime(f"cross_entropy: weight tensor should be defined either for all {n_classes} classes "
                             f"or no classes but got weight tensor of shape: {list(weight.shape)}",
                             "weight gives one factor per class, so it has shape (C,).")
    if label_smoothing > 1.0:
        raise _smoothing_error(label_smoothing)


# --- margins, divergences, similarities -----------------------------------------------------
def soft_margin_loss(input: Tensor, target: Tensor, size_average: Optional[bool] = None,
                     reduce: Optional[bool] = None, reduction: str = "mean") -> Tensor:
    r = _reduction_enum(reduction, size_average, reduce)
    if getattr(target, "requires_grad", False):
        raise errors.runtime("The function 'soft_margin_loss' is not differentiable with respect to argument "
                             "'target'. This input cannot have requires_grad True.",
                             "Targets of soft_margin_loss are labels (1 or -1), so they get no gradient: pass "
                             "target.detach().")
    return L.SoftMarginLossBackward0.apply(input, target=target._data, reduction=r)


def kl_div(input: Tensor, target: Tensor, size_average: Optional[bool] = None, reduce: Optional[bool] = None,
           reduction: str = "mean", log_target: bool = False) -> Tensor:
    if size_average is not None or reduce is not None:
        r = _reduction_enum(_legacy_reduction(size_average, reduce))
    else:
        if reduction == "mean":
            errors.warn("reduction: 'mean' divides the total loss by both the batch size and the support size."
                        "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
                        "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
                        "For the KL divergence of a batch of distributions pass reduction='batchmean'.")
        r = _reduction_enum("sum" if reduction == "batchmean" else reduction)
    out = L.kl_div(input, target, r, log_target)
    return out / input.shape[0] if reduction == "batchmean" and input.ndim else out


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    if x1.shape != x2.shape:  # PyTorch's expand_outplace: then both sides expand, one of them to its own shape
        shape = _broadcast(x1, x2)[0].shape
        x1, x2 = x1.expand(shape), x2.expand(shape)
    return L.cosine_similarity(x1, x2, dim, eps)
