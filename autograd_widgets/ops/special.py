"""Special functions: erfinv, lgamma, digamma, polygamma. Rows of derivatives.yaml (the chain lgamma → digamma →
polygamma(1) → polygamma(2) ..., so gradients of any order work)."""
import functools
import math

from .. import backend as B
from .. import special_math as SM
from ..node import Op
from .pointwise import PowBackward0, _float
from .unary import _times, _unary

ErfinvBackward0 = _unary("ErfinvBackward0", lambda xp, a: B.special("erfinv", SM.erfinv, a), "self",
                         lambda g, x: _times(PowBackward0.apply(ErfinvBackward0.apply(x), exponent=2).exp(),
                                             0.5 * math.sqrt(math.pi)) * g, "erf⁻¹ x")
LgammaBackward0 = _unary("LgammaBackward0", lambda xp, a: B.special("gammaln", SM.lgamma, a), "self",
                         lambda g, x: g * DigammaBackward0.apply(x), "ln |Γ(x)|")
DigammaBackward0 = _unary("DigammaBackward0", lambda xp, a: B.special("digamma", SM.digamma, a), "self",
                          lambda g, x: g * PolygammaBackward0.apply(x, n=1), "ψ(x)")


class PolygammaBackward0(Op):
    """polygamma(n, self) = ψ⁽ⁿ⁾(self)."""
    args, saves = ("self",), ("self",)
    def forward(ctx, a, n):
        ctx.n = n
        return B.special("polygamma", functools.partial(SM.polygamma, n), _float(a), n)
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (g * PolygammaBackward0.apply(x, n=ctx.n + 1),)


def polygamma(n, input):
    return PolygammaBackward0.apply(input, n=n)


class PolygammaBackward1(PolygammaBackward0):
    """polygamma_(n) in place."""


def polygamma_in_place(input, n):
    return PolygammaBackward1.apply(input, n=n)
