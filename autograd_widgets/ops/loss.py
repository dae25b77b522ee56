"""The losses of torch.nn.functional, each built as PyTorch 2.13 builds it, node for node.

Fused losses are Ops named as PyTorch's nodes (MseLossBackward0, NllLossBackward0, ...) whose
gradient is itself an Op (MseLossBackwardBackward0, ...), so double backward works. The rest
are compositions of core ops, as in PyTorch's C++: l1_loss is abs(input − target) reduced,
cross_entropy is log_softmax then nll_loss, and label smoothing and class-probability targets
add the same sums, products and masks. PyTorch's signatures and argument checks are in ../nn/loss_functions.py.
"""
from .. import backend as B
from ..cascade_sum import sum_as_pytorch
from ..node import Op, as_array
from ..tensor import Tensor
from .pointwise import (AddBackward1, DivBackward1, MaskedFillBackward0, MulBackward1, XlogyBackward0, promote,
                        where, zeros_like)
from .reduce import log_softmax, norm

NONE, MEAN, SUM = 0, 1, 2  # PyTorch's Reduction enum, which nodes save as `_saved_reduction`
REDUCTIONS = {"none": NONE, "mean": MEAN, "sum": SUM}


def _reduce(a, reduction):
    """PyTorch's apply_loss_reduction of array or tensor `a`: the mean is the sum divided by the count."""
    if isinstance(a, Tensor):
        return a.mean() if reduction == MEAN else a.sum() if reduction == SUM else a
    if reduction == NONE:
        return a
    total = sum_as_pytorch(a, None)
    return total / a.size if reduction == MEAN else total


def _const(a):
    """An array (or None) as a tensor outside every graph: weights, masks."""
    return None if a is None else Tensor._make(a)


def _scale(g, k):
    return g if k == 1 else MulBackward1.apply(g, other=k)


# --- losses of d = self − target: mse, huber, smooth l1 --------------------------------------
def _difference_loss(name, param, value, slope, curvature):
    """A fused loss Σ value(self − target) and its gradient op slope(d)·grad_output.

    `curvature(d, p)` is the second derivative, constant on each piece (a number or an array),
    so the gradient of the gradient needs no graph of its own.
    """
    def grad_forward(ctx, g, a, b, reduction, **p):
        a, b = promote(a, b)
        d = a - b
        ctx.reduction, ctx.p = reduction, p
        ctx.scale = 1 / max(1, d.size) if reduction == MEAN else 1
        return slope(d, **p) * (g * ctx.scale)

    def grad_backward(ctx, gg):
        g, a, b = ctx.saved_tensors
        need, k, p = ctx.needs_input_grad, ctx.scale, ctx.p
        gg_g = gg_a = None
        if need[0]:  # <loss>_double_backward_grad_output: the unreduced gradient of gg, reduced
            gg_g = grad_op.apply(gg, a, b, reduction=NONE, **p)
            gg_g = _scale(gg_g.sum() if ctx.reduction != NONE else gg_g, k)
        if need[1] or need[2]:  # <loss>_double_backward: curvature · grad · grad_output
            c = curvature(a._data - b._data, **p)
            gg_a = _scale(gg * g, k * c) if isinstance(c, (int, float)) else \
                _scale(gg * g * _const(c.astype(gg._data.dtype)), k)
        return gg_g, (gg_a if need[1] else None), (-gg_a if need[2] else None)

    grad_op = type(name + "BackwardBackward0", (Op,), {
        "__doc__": f"{name}_backward(grad_output, self, target) = slope(self − target)·grad_output (/ N for 'mean')",
        "args": ("grad_output", "self", "target"), "saves": ("grad_output", "self", "target"),
        "forward": grad_forward, "backward": grad_backward, "__module__": __name__})

    def forward(ctx, a, b, reduction, **p):
        a, b = promote(a, b)
        ctx.reduction = reduction
        ctx.__dict__.update(p)  # PyTorch saves beta / delta: node._saved_beta
        return _reduce(value(a - b, **p), reduction)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need, p = ctx.needs_input_grad, {param: getattr(ctx, param)} if param else {}
        return (grad_op.apply(g, a, b, reduction=ctx.reduction, **p) if need[0] else None), \
               (grad_op.apply(g, b, a, reduction=ctx.reduction, **p) if need[1] else None)

    loss_op = type(name + "Backward0", (Op,), {
        "args": ("self", "target"), "saves": ("self", "target"), "keeps": (param,) if param else (),
        "forward": forward, "backward": backward, "__module__": __name__})
    return loss_op, grad_op


def _huber(d, delta):
    z = abs(d)
    return B.ns(d).where(z < delta, 0.5 * z * z, delta * (z - 0.5 * delta))


def _smooth_l1(d, beta):
    z = abs(d)
    return B.ns(d).where(z < beta, 0.5 * z * z / beta, z - 0.5 * beta)


MseLossBackward0, MseLossBackwardBackward0 = _difference_loss(
    "MseLoss", None, lambda d: d * d, lambda d: 2 * d, lambda d: 2)
HuberLossBackward0, HuberLossBackwardBackward0 = _difference_loss(
    "HuberLoss", "delta", _huber, lambda d, delta: B.ns(d).clip(d, -delta, delta),
    lambda d, delta: abs(d) < delta)
SmoothL1LossBackward0, SmoothL1LossBackwardBackward0 = _difference_loss(
    "SmoothL1Loss", "beta", _smooth_l1, lambda d, beta: B.ns(d).clip(d / beta, -1, 1),
    lambda d, beta: (abs(d) < beta) / beta)


# --- binary cross entropy -------------------------------------------------------------------
def _clamped_log(x):
    """log(x), at least −100 (PyTorch clamps so that a certain wrong answer costs 100, not inf)."""
    xp = B.ns(x)
    return xp.maximum(xp.where(x > 0, xp.log(xp.where(x > 0, x, 1)), -100), -100)


class BinaryCrossEntropyBackward0(Op):
    """binary_cross_entropy(self, target, weight) = −weight·(target·log self + (1 − target)·log(1 − self))"""
    args = saves = ("self", "target")
    def forward(ctx, x, t, weight, reduction):
        ctx.weight, ctx.reduction = weight, reduction
        loss = (t - 1) * _clamped_log(1 - x) - t * _clamped_log(x)
        return _reduce(loss if weight is None else loss * weight, reduction)
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        need, w, r = ctx.needs_input_grad, ctx.weight, ctx.reduction
        gx = BinaryCrossEntropyBackwardBackward0.apply(g, x, t, weight=w, reduction=r) if need[0] else None
        gt = None
        if need[1]:  # binary_cross_entropy_target_backward: −logit(self)·grad
            gt = ((1 - x).log() - x.log()) * g
            gt = _scale(gt if w is None else gt * _const(w), 1 / max(1, x.numel()) if r == MEAN else 1)
        return gx, gt


_EPS = 1e-12


class BinaryCrossEntropyBackwardBackward0(Op):
    """binary_cross_entropy_backward = grad_output·weight·(self − target) / max(self·(1 − self), ε) (/ N)"""
    args = saves = ("grad_output", "self", "target")
    def forward(ctx, g, x, t, weight, reduction):
        ctx.weight, ctx.reduction = weight, reduction
        ctx.scale = 1 / max(1, x.size) if reduction == MEAN else 1
        out = g * (x - t) / B.ns(x).maximum((1 - x) * x, _EPS)
        out = out if weight is None else out * weight
        return out * ctx.scale if reduction == MEAN else out
    def backward(ctx, gg):
        g, x, t = ctx.saved_tensors
        need, k, w = ctx.needs_input_grad, ctx.scale, _const(ctx.weight)
        gg = gg if w is None else gg * w
        gg_g = gg_x = gg_t = None
        if need[0]:  # binary_cross_entropy_double_backward_grad_output
            gg_g = (x - t) / ((x + _EPS) * (1 - x + _EPS)) * gg
            gg_g = _scale(gg_g.sum() if ctx.reduction != NONE else gg_g, k)
        if need[1]:  # binary_cross_entropy_double_backward
            gg_x = (x * x - 2 * x * t + t) / ((x + _EPS) ** 2 * (1 - x + _EPS) ** 2)
            gg_x = _scale(gg_x * (gg * g), k)
        if need[2]:  # binary_cross_entropy_double_backward_target
            denom = (1 - x) * x
            gg_t = _scale(-gg * g / where(denom > _EPS, denom, _EPS), k)
        return gg_g, gg_x, gg_t


def _log_sigmoid(x):
    """log σ(x) = min(x, 0) − log(1 + e^−|x|), in core ops."""
    return where(x < 0, x, 0.0) - ((-abs(x)).exp() + 1).log()


class BinaryCrossEntropyWithLogitsBackward0(Op):
    """binary_cross_entropy_with_logits: (1 − target)·self − (1 + (pos_weight − 1)·target)·log σ(self), ·weight"""
    args = saves = ("self", "target")
    def forward(ctx, x, t, weight, pos_weight, reduction):
        xp = B.ns(x)
        ctx.weight, ctx.pos_weight, ctx.reduction = weight, pos_weight, reduction
        log_sigmoid = xp.minimum(x, 0) - xp.log1p(xp.exp(-abs(x)))
        if pos_weight is not None:
            log_sigmoid = log_sigmoid * ((pos_weight - 1) * t + 1)
        loss = (1 - t) * x - log_sigmoid
        loss = loss if weight is None else loss * weight
        return _reduce(loss.astype(t.dtype, copy=False), reduction)  # PyTorch works in place on (1 - target)
    def backward(ctx, g):
        # PyTorch writes this gradient in tensor ops (no fused node): the same ops, in the same order
        x, t = ctx.saved_tensors
        need, w, pw = ctx.needs_input_grad, _const(ctx.weight), _const(ctx.pos_weight)
        gx = gt = None
        if need[0]:  # binary_cross_entropy_with_logits_backward
            if pw is not None:
                pt = pw * t
                gx = (AddBackward1.apply(pt, other=1) - t) * x.sigmoid() - pt
            else:
                gx = x.sigmoid() - t
            gx = gx * g
            gx = _mean(gx if w is None else gx * w, ctx.reduction, x)
        if need[1]:  # binary_cross_entropy_with_logits_target_backward
            gt = (_log_sigmoid(-x) - _log_sigmoid(x) * pw) * g if pw is not None else -x * g
            gt = _mean(gt if w is None else gt * w, ctx.reduction, x)
        return gx, gt


def _mean(g, reduction, x):
    return DivBackward1.apply(g, other=x.numel()) if reduction == MEAN else g


# --- soft margin ----------------------------------------------------------------------------
class SoftMarginLossBackward0(Op):
    """soft_margin_loss(self, target) = log(1 + exp(−target·self)); target gets no gradient"""
    args, saves = ("self",), ("self",)
    def forward(ctx, x, target, reduction):
        xp = B.ns(x)
        ctx.target, ctx.reduction = target, reduction
        return _reduce(xp.log1p(xp.exp(-x * target)).astype(x.dtype, copy=False), reduction)  # PyTorch: in place on -input
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (SoftMarginLossBackwardBackward0.apply(g, x, target=ctx.target, reduction=ctx.reduction),)


class SoftMarginLossBackwardBackward0(Op):
    """soft_margin_loss_backward(grad_output, self, target) = −target·grad_output·z / (1 + z), z = e^(−target·self)"""
    args = saves = ("grad_output", "self")
    def forward(ctx, g, x, target, reduction):
        z = B.ns(x).exp(-target * x)
        ctx.target, ctx.reduction = target, reduction
        ctx.scale = 1 / max(1, x.size) if reduction == MEAN else 1
        return -ctx.scale * target * z / (1 + z) * g
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        need, k, y = ctx.needs_input_grad, ctx.scale, _const(ctx.target)
        gg_g = gg_x = None
        if need[0]:  # soft_margin_loss_double_backward_grad_output
            gg_g = SoftMarginLossBackwardBackward0.apply(gg, x, target=ctx.target, reduction=NONE)
            gg_g = _scale(gg_g.sum() if ctx.reduction != NONE else gg_g, k)
        if need[1]:  # soft_margin_loss_double_backward
            z = (x * -y).exp()
            gg_x = _scale(gg * g * (y * y) * z / ((z + 1) * (z + 1)), k)
        return gg_g, gg_x


# --- Kullback-Leibler divergence and cosine similarity (compositions, as in PyTorch) ----------
def kl_div(input, target, reduction, log_target):
    """target·(log target − input) elementwise, input being log-probabilities, then reduced.

    PyTorch's compiled C++ evaluates the right operand first, so its nodes are made in that order
    (it decides in which order gradients meet at the target).
    """
    if log_target:
        diff = target - input
        out = target.exp() * diff
    else:
        cross = target * input
        out = XlogyBackward0.apply(target, target) - cross
    return _reduce(out, reduction)


def cosine_similarity(x1, x2, dim, eps):
    """Σ (x1 / ‖x1‖)·(x2 / ‖x2‖) along dim, each norm at least eps (clamped outside the graph, as PyTorch)."""
    n1 = norm(x1, 2, dim, keepdim=True).clone()
    n2 = norm(x2, 2, dim, keepdim=True).clone()
    for n in (n1, n2):  # PyTorch: clamp_min_ in place under no_grad
        n._data = B.ns(n._data).maximum(n._data, eps)
    return ((x1 / n1) * (x2 / n2)).sum(dim)


# --- negative log likelihood ----------------------------------------------------------------
def _picked(x, target, weight, ignore_index):
    """Per target: (the index into the class dim, safe where ignored; its weight, 0 where ignored)."""
    xp = B.ns(x)
    keep = target != ignore_index
    safe = xp.where(keep, target, 0).astype(B.int64)
    w = weight[safe] if weight is not None else xp.ones(safe.shape, dtype=x.dtype)
    return safe, w * keep


class NllLossBackward0(Op):
    """nll_loss(self, target, weight): −weight[target]·self[target] (class dim 1, or 0 without a batch)"""
    args, saves = ("self",), ("self",)
    def forward(ctx, x, target, weight, reduction, ignore_index):
        xp = B.ns(x)
        cd = 0 if x.ndim == 1 else 1
        safe, w = _picked(x, target, weight, ignore_index)
        losses = -xp.squeeze(xp.take_along_axis(x, xp.expand_dims(safe, cd), axis=cd), axis=cd) * w
        ctx.target, ctx.weight, ctx.reduction, ctx.ignore_index = target, weight, reduction, ignore_index
        ctx.total_weight = as_array(w.sum())
        if reduction == NONE:
            return losses
        total = losses.sum()
        if reduction == SUM:
            return total
        # all targets ignored: 0/0, nan as in PyTorch (without NumPy's warning)
        return total / ctx.total_weight if ctx.total_weight != 0 else xp.asarray(float("nan"), dtype=x.dtype)
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (type(ctx).grad_op.apply(g, x, target=ctx.target, weight=ctx.weight, reduction=ctx.reduction,
                                        ignore_index=ctx.ignore_index, total_weight=ctx.total_weight),)


class NllLossBackwardBackward0(Op):
    """nll_loss_backward(grad_output, self, target, weight) = −weight[target]·grad_output at each target (/ Σ weight)"""
    args = ("grad_output", "self")
    loss_op = NllLossBackward0
    def forward(ctx, g, x, target, weight, reduction, ignore_index, total_weight):
        xp = B.ns(x)
        cd = 0 if x.ndim == 1 else 1
        safe, w = _picked(x, target, weight, ignore_index)
        ctx.target, ctx.weight, ctx.reduction, ctx.ignore_index = target, weight, reduction, ignore_index
        per_target = -w * g
        if reduction == MEAN and total_weight != 0:  # all ignored: every w is 0, so is the gradient
            per_target = per_target / total_weight
        classes = xp.arange(x.shape[cd]).reshape((-1,) + (1,) * (x.ndim - cd - 1))
        return xp.where(classes == xp.expand_dims(safe, cd), xp.expand_dims(per_target, cd), 0).astype(x.dtype)
    def backward(ctx, gg):
        need = ctx.needs_input_grad
        gg_g = type(ctx).loss_op.apply(gg, target=ctx.target, weight=ctx.weight, reduction=ctx.reduction,
                                       ignore_index=ctx.ignore_index) if need[0] else None
        return gg_g, (zeros_like(gg) if need[1] else None)


class NllLoss2DBackward0(NllLossBackward0):
    """nll_loss2d: nll_loss of a batch of images (N, C, H, W) with targets (N, H, W)"""


class NllLoss2DBackwardBackward0(NllLossBackwardBackward0):
    loss_op = NllLoss2DBackward0


NllLossBackward0.grad_op, NllLoss2DBackward0.grad_op = NllLossBackwardBackward0, NllLoss2DBackwardBackward0


def nll_loss_nd(input, target, weight, reduction, ignore_index):
    """PyTorch's nll_loss_nd: (C), (N, C) and (N, C, H, W) directly; other shapes viewed as 4-d."""
    kw = {"target": target._data, "weight": None if weight is None else weight._data,
          "reduction": reduction, "ignore_index": ignore_index}
    if input.ndim <= 2:
        return NllLossBackward0.apply(input, **kw)
    if input.ndim == 4:
        return NllLoss2DBackward0.apply(input, **kw)
    n, c = input.shape[0], input.shape[1]
    kw["target"] = target._data.reshape(n, 1, -1)
    out = NllLoss2DBackward0.apply(input.view(n, c, 1, -1), **kw)
    return out if reduction != NONE else out.view(n, *input.shape[2:])


# --- cross entropy --------------------------------------------------------------------------
def cross_entropy_indices(input, target, weight, reduction, ignore_index, label_smoothing):
    """log_softmax then nll_loss; with label smoothing, PyTorch's mix with the mean over classes."""
    class_dim = 0 if input.ndim == 1 else 1
    logp = log_softmax(input, class_dim)
    nll = nll_loss_nd(logp, target, weight, reduction, ignore_index)
    if label_smoothing <= 0:
        return nll
    ignored = target._data == ignore_index
    if weight is not None:
        shape = [1] * logp.ndim
        shape[class_dim] = weight.shape[0]
        smooth = -(logp * weight.view(*shape)).sum(class_dim)
    else:
        smooth = -logp.sum(class_dim)
    smooth = MaskedFillBackward0.apply(smooth, mask=ignored, value=0.0)
    if reduction == MEAN:
        kept = target._data[~ignored]
        denom = Tensor._make(as_array(weight._data[kept].sum() if weight is not None else (~ignored).sum()))
        smooth = smooth.sum() / denom
    elif reduction == SUM:
        smooth = smooth.sum()
    n_classes = logp.shape[class_dim]
    return MulBackward1.apply(nll, other=1 - label_smoothing) + \
        MulBackward1.apply(smooth, other=label_smoothing / n_classes)


def cross_entropy_probabilities(input, target, weight, reduction, label_smoothing):
    """−Σ target·log_softmax(input) (·weight), the target first smoothed toward uniform."""
    class_dim = 0 if input.ndim == 1 else 1
    n_classes = input.shape[class_dim]
    logp = log_softmax(input, class_dim)
    if label_smoothing > 0:
        target = AddBackward1.apply(MulBackward1.apply(target, other=1 - label_smoothing),
                                    other=label_smoothing / n_classes)
    terms = logp * target
    if weight is not None:
        shape = [1] * logp.ndim
        if logp.ndim > 1:
            shape[1] = weight.shape[0]
        terms = terms * (weight.view(*shape) if logp.ndim > 1 else weight)
    if reduction == NONE:
        return -terms.sum(class_dim)
    total = -terms.sum()
    return DivBackward1.apply(total, other=logp.numel() // n_classes) if reduction == MEAN else total
