"""Activation functions of torch.nn.functional (gelu, leaky_relu, elu, softplus, hardtanh).

As PyTorch, each differentiates through a fused `*_backward(grad_output, self)` op, so a
create_graph=True gradient shows `XBackwardBackward0`; each of those is differentiable again.
"""
import math

from .. import backend as B
from ..node import MultiOp, Op
from ..tensor import Tensor
from .pointwise import AddBackward1, SubBackward0, _float, where, zeros_like

_SQRT_2PI = math.sqrt(2 * math.pi)
_TANH_K, _TANH_C = math.sqrt(2 / math.pi), 0.044715  # gelu's tanh approximation: tanh(k·(x + c·x³))


class _Activation(Op):
    """An activation f(self; params) whose backward is the fused op `grad_node(grad, self, **params)`."""
    args = saves = ("self",)
    grad_node = None
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (ctx.grad_node.apply(g, x, **ctx.params),)


def _backward_node(name, derivative, second):
    """`XBackwardBackward0`: grad_output·f'(self); its own VJP is f'(self) for grad_output and
    grad·grad_output·f''(self) for self (`second(ctx, x)` in tensor ops, None where f'' = 0)."""
    def forward(ctx, g, x, **params):
        ctx.params = params
        return g * derivative(x, **params)

    def vjp(ctx, gg):
        g, x = ctx.saved_tensors
        need = ctx.needs_input_grad
        gx = None
        if need[1]:
            f2 = second(x, **ctx.params)
            gx = zeros_like(gg) if f2 is None else gg * g * f2
        return (cls.apply(gg, x, **ctx.params) if need[0] else None), gx
    cls = type(name, (Op,), {"args": ("grad_output", "self"), "saves": ("grad_output", "self"), "forward": forward,
                             "backward": vjp, "__module__": __name__, "__doc__": _backward_node.__doc__})
    return cls


# --- gelu ---------------------------------------------------------------------------------
def _gelu(x, approximate):
    xp = B.ns(x)
    if approximate == "tanh":
        return 0.5 * x * (1 + xp.tanh(_TANH_K * (x + _TANH_C * x ** 3)))
    return 0.5 * x * (1 + B.erf(x / math.sqrt(2)))


def _gelu_d1(x, approximate):
    xp = B.ns(x)
    if approximate == "tanh":
        t = xp.tanh(_TANH_K * (x + _TANH_C * x ** 3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _TANH_K * (1 + 3 * _TANH_C * x * x)
    return 0.5 * (1 + B.erf(x / math.sqrt(2))) + x * xp.exp(-0.5 * x * x) / _SQRT_2PI


def _gelu_d2(x, approximate):
    """f'' in tensor ops: φ(x)(2 − x²) exactly; for tanh, (1−t²)(u' − x·t·u'² + x·u''/2) with u = k(x + c·x³)."""
    if approximate == "tanh":
        t = (_TANH_K * (x + _TANH_C * x ** 3)).tanh()
        du = _TANH_K * (1 + 3 * _TANH_C * x * x)
        return (1 - t * t) * (du - x * t * du * du + x * (3 * _TANH_K * _TANH_C) * x)
    return (-0.5 * x * x).exp() / _SQRT_2PI * (2 - x * x)


GeluBackwardBackward0 = _backward_node("GeluBackwardBackward0", _gelu_d1, _gelu_d2)


class GeluBackward0(_Activation):
    grad_node = GeluBackwardBackward0
    def forward(ctx, a, approximate):
        ctx.params = {"approximate": approximate}
        return _gelu(_float(a), approximate)


# --- leaky_relu, elu, softplus, hardtanh ----------------------------------------------------
def _no_second(x, **params):
    return None  # piecewise linear: f'' = 0 almost everywhere


def _leaky_d1(x, negative_slope):
    return B.ns(x).where(x > 0, 1.0, negative_slope).astype(x.dtype)


LeakyReluBackwardBackward0 = _backward_node("LeakyReluBackwardBackward0", _leaky_d1, _no_second)


class LeakyReluBackward0(_Activation):
    grad_node = LeakyReluBackwardBackward0
    def forward(ctx, a, negative_slope):
        ctx.params = {"negative_slope": negative_slope}
        return B.ns(a).where(a > 0, a, a * negative_slope)


class LeakyReluBackward1(LeakyReluBackward0):
    """leaky_relu_ in place: it saves the result (same sign as self, so the same derivative)."""
    saves = ("result",)


def _elu_d1(x, alpha, scale, input_scale, is_result=False):
    """f' from the input x, or (is_result, after elu_ in place) from the result y = scale·alpha·(e^(x·input_scale) − 1)."""
    xp = B.ns(x)
    if is_result:
        neg = input_scale * (x + alpha * scale)
    else:
        neg = alpha * scale * input_scale * xp.exp(xp.minimum(x, 0) * input_scale)
    return xp.where(x <= 0, neg, scale).astype(x.dtype)  # elu_backward: NaN takes the positive side


def _elu_d2(x, alpha, scale, input_scale, is_result=False):
    if is_result:
        return where(x > 0, 0.0, input_scale + x * 0)
    return where(x > 0, 0.0, (x * (x <= 0) * input_scale).exp() * (alpha * scale * input_scale * input_scale))


EluBackwardBackward0 = _backward_node("EluBackwardBackward0", _elu_d1, _elu_d2)


class EluBackward0(_Activation):
    """elu(self, alpha, scale, input_scale): scale·x for x > 0, else scale·alpha·(exp(x·input_scale) − 1); selu too."""
    grad_node = EluBackwardBackward0
    def forward(ctx, a, alpha, scale=1.0, input_scale=1.0):
        ctx.params = {"alpha": alpha, "scale": scale, "input_scale": input_scale}
        if getattr(ctx, "saves_result", False):  # EluBackward1 (no node to record: the scratch ctx lacks it)
            ctx.params["is_result"] = True
        a = _float(a)
        xp = B.ns(a)
        return xp.where(a > 0, a * scale, (alpha * scale) * xp.expm1(xp.minimum(a, 0) * input_scale))


class EluBackward1(EluBackward0):
    """elu_ in place: it saves the result and differentiates from it."""
    saves = ("result",)


def _softplus_d1(x, beta, threshold):
    xp = B.ns(x)
    bx = x * beta
    return xp.where(bx > threshold, 1.0, 1 / (1 + xp.exp(-xp.minimum(bx, threshold)))).astype(x.dtype)


def _softplus_d2(x, beta, threshold):
    s = (x * beta).sigmoid()
    return where(x * beta < threshold, s * (1 - s) * beta, 0.0)


SoftplusBackwardBackward0 = _backward_node("SoftplusBackwardBackward0", _softplus_d1, _softplus_d2)


class SoftplusBackward0(_Activation):
    grad_node = SoftplusBackwardBackward0
    def forward(ctx, a, beta, threshold):
        ctx.params = {"beta": beta, "threshold": threshold}
        a = _float(a)
        xp = B.ns(a)
        bx = a * beta
        return xp.where(bx > threshold, a, xp.log1p(xp.exp(xp.minimum(bx, threshold))) / beta)


def _hardtanh_d1(x, min_val, max_val):
    return (~((x <= min_val) | (x >= max_val))).astype(x.dtype)  # hardtanh_backward: NaN passes the gradient


HardtanhBackwardBackward0 = _backward_node("HardtanhBackwardBackward0", _hardtanh_d1, _no_second)


class HardtanhBackward0(_Activation):
    grad_node = HardtanhBackwardBackward0
    def forward(ctx, a, min_val, max_val):
        ctx.params = {"min_val": min_val, "max_val": max_val}
        return B.ns(a).minimum(B.ns(a).maximum(a, min_val), max_val).astype(a.dtype)


class SiluBackward0(Op):
    """silu(x) = x·sigmoid(x); its gradient is composed as PyTorch composes it under grad mode
    (infinitely_differentiable_silu_backward): grad·s·(1 + x·(1 − s))."""
    args = saves = ("self",)
    def forward(ctx, a):
        a = _float(a)
        return a / (1 + B.ns(a).exp(-a))
    def backward(ctx, g):
        x, = ctx.saved_tensors
        s = x.sigmoid()
        one = Tensor._make(B.ns(s._data).asarray(1.0, dtype=s._data.dtype))  # the C++ literal 1.0, a wrapped number
        return (g * s * AddBackward1.apply(x * SubBackward0.apply(one, s), other=1.0),)


class CeluBackward0(EluBackward0):
    """celu(x, alpha) = elu(x, alpha, scale=1, input_scale=1/alpha), differentiated by elu's own op."""


class CeluBackward1(EluBackward1):
    """celu_ in place: saves the result."""


def _hardswish_d1(x):
    xp = B.ns(x)
    return xp.where(x < -3, 0.0, xp.where(x <= 3, x / 3 + 0.5, 1.0)).astype(x.dtype)


def _hardswish_d2(x):
    return where((x > -3) * (x < 3), 1 / 3 + x * 0, 0.0)


HardswishBackwardBackward0 = _backward_node("HardswishBackwardBackward0", _hardswish_d1, _hardswish_d2)


class HardswishBackward0(_Activation):
    """hardswish(x) = x·relu6(x + 3)/6."""
    grad_node = HardswishBackwardBackward0
    def forward(ctx, a):
        ctx.params = {}
        xp = B.ns(a)
        return (a * xp.minimum(xp.maximum(a + 3, 0), 6) / 6).astype(a.dtype)


def _logsigmoid_d1(x):
    return 1 / (1 + B.ns(x).exp(x))  # σ(−x)


def _logsigmoid_d2(x):
    s = x.sigmoid()
    return -(s * (1 - s))


LogSigmoidBackwardBackward0 = _backward_node("LogSigmoidBackwardBackward0", _logsigmoid_d1, _logsigmoid_d2)


class LogSigmoidBackward0(_Activation):
    """log σ(x) = −softplus(−x), computed without overflow."""
    grad_node = LogSigmoidBackwardBackward0
    def forward(ctx, a):
        ctx.params = {}
        a = _float(a)
        xp = B.ns(a)
        return xp.minimum(a, 0) - xp.log1p(xp.exp(-abs(a)))


def _shrink_d1(x, lambd):
    return (abs(x) > lambd).astype(x.dtype)


SoftshrinkBackwardBackward0 = _backward_node("SoftshrinkBackwardBackward0", _shrink_d1, _no_second)
HardshrinkBackwardBackward0 = _backward_node("HardshrinkBackwardBackward0", _shrink_d1, _no_second)


class SoftshrinkBackward0(_Activation):
    grad_node = SoftshrinkBackwardBackward0
    def forward(ctx, a, lambd):
        ctx.params = {"lambd": lambd}
        xp = B.ns(a)
        return xp.where(a > lambd, a - lambd, xp.where(a < -lambd, a + lambd, 0)).astype(a.dtype)


class HardshrinkBackward0(_Activation):
    grad_node = HardshrinkBackwardBackward0
    def forward(ctx, a, lambd):
        ctx.params = {"lambd": lambd}
        return B.ns(a).where(abs(a) > lambd, a, 0).astype(a.dtype)


# --- prelu ------------------------------------------------------------------------------------
class PreluKernelBackward0(Op):
    """_prelu_kernel(self, weight) = self where self > 0, else weight·self (weight broadcast per channel)."""
    args = saves = ("self", "weight")
    def forward(ctx, x, w):
        return B.ns(x).where(x > 0, x, w * x)
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return PreluKernelBackwardBackward0.apply(g, x, w, output_mask=ctx.needs_input_grad)


class PreluKernelBackwardBackward0(MultiOp):
    """_prelu_kernel_backward(grad_output, self, weight) → (grad_self, grad_weight), both of self's shape
    (the engine sums grad_weight down to the weight's)."""
    args = saves = ("grad_output", "self", "weight")
    def forward(ctx, g, x, w, output_mask):
        xp = B.ns(g)
        pos = x > 0
        return (xp.where(pos, g, w * g) if output_mask[0] else None), \
            (xp.where(pos, 0, x * g).astype(g.dtype) if output_mask[1] else None)
    def backward(ctx, gg_x, gg_w):
        g, x, w = ctx.saved_tensors
        need, pos = ctx.needs_input_grad, x > 0
        terms = ([where(pos, gg_x, w * gg_x)] if gg_x is not None else []) + \
            ([where(pos, 0.0, x * gg_w)] if gg_w is not None else [])
        d_g = (terms[0] if len(terms) == 1 else terms[0] + terms[1]) if need[0] and terms else None
        d_x = where(pos, 0.0, gg_w * g) if need[1] and gg_w is not None else None
        d_w = where(pos, 0.0, gg_x * g) if need[2] and gg_x is not None else None
        return d_g, d_x, d_w
