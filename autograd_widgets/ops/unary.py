"""More functions of one variable (log1p, erf, floor, tan, ...): each class one row of derivatives.yaml.

The backward formulas are written as PyTorch's are (`self + 1` is AddBackward1, a number times
a tensor MulBackward1), so a create_graph=True gradient shows PyTorch's nodes.
"""
import math

from .. import backend as B
from ..node import Op
from .pointwise import AddBackward1, MulBackward1, PowBackward0, _float, zeros_like


def _plus(t, number):
    return AddBackward1.apply(t, other=number)


def _times(t, number):
    return MulBackward1.apply(t, other=number)


def _unary(name, forward, saves, vjp, doc):
    """A one-input float op: forward on the array namespace, backward `vjp(g, saved)` (saved: None for none)."""
    def fwd(ctx, a):
        return forward(B.ns(a), _float(a))

    def backward(ctx, g):
        s = ctx.saved_tensors[0] if saves else None
        return (vjp(g, s),)
    return type(name, (Op,), {"args": ("self",), "saves": (saves,) if saves else (), "forward": fwd,
                              "backward": backward, "__doc__": doc, "__module__": __name__})


#                       PyTorch node          forward                            saved     vector-Jacobian product
Log1PBackward0 = _unary("Log1PBackward0", lambda xp, a: xp.log1p(a), "self", lambda g, x: g / _plus(x, 1), "ln(1+x)")
Expm1Backward0 = _unary("Expm1Backward0", lambda xp, a: xp.expm1(a), "result", lambda g, r: g * _plus(r, 1), "eˣ−1")
Exp2Backward0 = _unary("Exp2Backward0", lambda xp, a: xp.exp2(a), "result",
                       lambda g, r: _times(g * r, math.log(2.0)), "2ˣ")
Log2Backward0 = _unary("Log2Backward0", lambda xp, a: xp.log2(a), "self",
                       lambda g, x: g / _times(x, math.log(2.0)), "log₂ x")
Log10Backward0 = _unary("Log10Backward0", lambda xp, a: xp.log10(a), "self",
                        lambda g, x: g / _times(x, math.log(10.0)), "log₁₀ x")
ErfBackward0 = _unary("ErfBackward0", lambda xp, a: B.erf(a), "self",
                      lambda g, x: _times((-(x ** 2)).exp(), 2.0 / math.sqrt(math.pi)) * g, "erf x")
TanBackward0 = _unary("TanBackward0", lambda xp, a: xp.tan(a), "result", lambda g, r: g * _plus(r ** 2, 1), "tan x")
RsqrtBackward0 = _unary("RsqrtBackward0", lambda xp, a: 1 / xp.sqrt(a), "result",
                        lambda g, r: _times(g, -0.5) * r ** 3, "1/√x")
AsinBackward0 = _unary("AsinBackward0", lambda xp, a: xp.arcsin(a), "self",
                       lambda g, x: g * RsqrtBackward0.apply(_plus(-x * x, 1)), "arcsin x")
AcosBackward0 = _unary("AcosBackward0", lambda xp, a: xp.arccos(a), "self",
                       lambda g, x: g * -RsqrtBackward0.apply(_plus(-x * x, 1)), "arccos x")
AtanBackward0 = _unary("AtanBackward0", lambda xp, a: xp.arctan(a), "self", lambda g, x: g / _plus(x * x, 1),
                       "arctan x")
SinhBackward0 = _unary("SinhBackward0", lambda xp, a: xp.sinh(a), "self", lambda g, x: g * CoshBackward0.apply(x),
                       "sinh x")
CoshBackward0 = _unary("CoshBackward0", lambda xp, a: xp.cosh(a), "self", lambda g, x: g * SinhBackward0.apply(x),
                       "cosh x")
FracBackward0 = _unary("FracBackward0", lambda xp, a: a - xp.trunc(a), None, lambda g, _: g, "x − trunc(x)")


def _step(name, fn, doc):
    """A piecewise-constant op: its gradient is zero (a constant, as PyTorch's zeros_like(grad))."""
    def forward(ctx, a):
        return getattr(B.ns(a), fn)(a) if a.dtype.kind == "f" else a.copy()

    def backward(ctx, g):
        return (zeros_like(g),)
    return type(name, (Op,), {"args": ("self",), "forward": forward, "backward": backward, "__doc__": doc,
                              "__module__": __name__})


FloorBackward0 = _step("FloorBackward0", "floor", "⌊x⌋")
CeilBackward0 = _step("CeilBackward0", "ceil", "⌈x⌉")
TruncBackward0 = _step("TruncBackward0", "trunc", "x rounded toward zero")


class RoundBackward0(Op):
    """round(x): to the nearest integer, halves to even (as NumPy and PyTorch); zero gradient."""
    args = ("self",)
    def forward(ctx, a):
        return B.ns(a).round(a) if a.dtype.kind == "f" else a.copy()
    def backward(ctx, g):
        return (zeros_like(g),)


class RoundBackward1(RoundBackward0):
    """round(x, decimals=n)."""
    def forward(ctx, a, decimals):
        ctx.decimals = decimals
        return B.ns(a).round(a, decimals) if a.dtype.kind == "f" else a.copy()


def square(input):
    """input ** 2: PyTorch computes it with pow, so the node is PowBackward0."""
    return PowBackward0.apply(input, exponent=2)


def round(input, decimals=0):  # noqa: A001 - PyTorch's name
    if decimals:
        return RoundBackward1.apply(input, decimals=decimals)
    return RoundBackward0.apply(input)
