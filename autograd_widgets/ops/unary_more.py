"""More functions of one variable: asinh, acosh, atanh, deg2rad, rad2deg, nan_to_num (rows of derivatives.yaml),
and the no-gradient tests signbit, isposinf, isneginf, isreal."""
import math

from .. import backend as B
from .. import errors
from ..node import Op, as_array
from ..tensor import Tensor
from .binary_math import _one_minus
from .pointwise import MulBackward1, PowBackward0, SubBackward1
from .unary import RsqrtBackward0, _plus, _times, _unary

#                         PyTorch node           forward                   saved   vector-Jacobian product
AsinhBackward0 = _unary("AsinhBackward0", lambda xp, a: xp.arcsinh(a), "self",
                        lambda g, x: g * RsqrtBackward0.apply(_plus(PowBackward0.apply(x, exponent=2), 1)), "arsinh x")
AcoshBackward0 = _unary("AcoshBackward0", lambda xp, a: xp.arccosh(a), "self",
                        lambda g, x: g * RsqrtBackward0.apply(SubBackward1.apply(x * x, other=1)), "arcosh x")
AtanhBackward0 = _unary("AtanhBackward0", lambda xp, a: xp.arctanh(a), "self",
                        lambda g, x: MulBackward1.apply(g, other=1) / _one_minus(PowBackward0.apply(x, exponent=2)),
                        "artanh x")
Deg2RadBackward0 = _unary("Deg2RadBackward0", lambda xp, a: a * (math.pi / 180), None,
                          lambda g, _: _times(g, math.pi / 180), "degrees to radians")
Rad2DegBackward0 = _unary("Rad2DegBackward0", lambda xp, a: a * (180 / math.pi), None,
                          lambda g, _: _times(g, 180 / math.pi), "radians to degrees")


def _in_place_node(node, name):
    """What PyTorch records for asinh_ and its kin: a node of its own (AsinhBackward1) with no derivative."""
    def backward(ctx, g):
        raise errors.not_implemented(f"the derivative for 'inplace version of {name}' is not implemented.",
                                     f"PyTorch has no gradient formula for {name}_ done in place; use the "
                                     f"out-of-place form (`y = x.{name}()`) where gradients must flow.")
    return type(node.__name__[:-1] + "1", (node,), {"backward": backward, "__module__": __name__})


AsinhBackward1 = _in_place_node(AsinhBackward0, "asinh")
AcoshBackward1 = _in_place_node(AcoshBackward0, "acosh")
AtanhBackward1 = _in_place_node(AtanhBackward0, "atanh")


class NanToNumBackward0(Op):
    """nan_to_num(self, nan, posinf, neginf): NaN and ±inf replaced (±inf by the dtype's extremes by default)."""
    args, saves = ("self",), ("self",)
    def forward(ctx, a, nan=0.0, posinf=None, neginf=None):
        if a.dtype.kind != "f":
            return a.copy()
        return B.ns(a).nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (g * Tensor._make(B.ns(x._data).isfinite(x._data)),)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None):
    return NanToNumBackward0.apply(input, nan=nan, posinf=posinf, neginf=neginf)


def _test(name, fn):
    def test(input):
        a = input._data
        return Tensor._make(as_array(fn(B.ns(a), a)))
    test.__name__ = test.__qualname__ = name
    test.__doc__ = f"torch.{name}(input): elementwise, a bool tensor (no gradient)."
    return test


signbit = _test("signbit", lambda xp, a: xp.signbit(a) if a.dtype.kind != "b" else xp.zeros_like(a))
isposinf = _test("isposinf", lambda xp, a: xp.isposinf(a) if a.dtype.kind == "f" else xp.zeros(a.shape, dtype=bool))
isneginf = _test("isneginf", lambda xp, a: xp.isneginf(a) if a.dtype.kind == "f" else xp.zeros(a.shape, dtype=bool))
isreal = _test("isreal", lambda xp, a: xp.ones(a.shape, dtype=bool))  # no complex dtypes here: all real
