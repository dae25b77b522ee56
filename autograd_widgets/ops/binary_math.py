"""Elementwise functions of two or three tensors: atan2, hypot, logaddexp, fmax/fmin, lerp, addcmul, addcdiv,
float_power. Each class is one row of derivatives.yaml, its backward written as PyTorch's C++ formula is, so a
create_graph=True gradient shows PyTorch's nodes (C++'s `1 - t` is a filled tensor minus t: SubBackward0)."""
from .. import backend as B
from .. import dtypes, errors
from ..node import Op
from ..tensor import Tensor
from .pointwise import (AddBackward1, MaskedFillBackward0, MulBackward1, PowBackward0, PowBackward1, PowBackward2,
                        SubBackward0, _float, ones_like, promote)


def _one_minus(t):
    """C++'s `1 - t` in a derivative formula: a tensor of ones minus t (SubBackward0 with no first edge)."""
    return SubBackward0.apply(ones_like(t), t)


def _floats(a, b):
    """`a`, `b` promoted, integers made the default float (atan2 and hypot of integers are floats)."""
    a, b = promote(a, b)
    return (_float(a) if hasattr(a, "dtype") else float(a)), (_float(b) if hasattr(b, "dtype") else float(b))


class Atan2Backward0(Op):
    """atan2(self, other): the angle of the point (other, self)."""
    args = saves = ("self", "other")
    def forward(ctx, a, b):
        a, b = _floats(a, b)
        return B.ns(a if hasattr(a, "dtype") else b).arctan2(a, b)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        recip = (a * a + b * b).reciprocal()
        recip = MaskedFillBackward0.apply(recip, mask=B.ns(recip._data).isinf(recip._data), value=0.0)
        need = ctx.needs_input_grad
        return (g * b * recip if need[0] else None), (g * -a * recip if need[1] else None)


class HypotBackward0(Op):
    """hypot(self, other) = √(self² + other²)."""
    args, saves = ("self", "other"), ("self", "other", "result")
    def forward(ctx, a, b):
        a, b = promote(a, b)
        if a.dtype.kind != "f":
            raise errors.not_implemented(f'"hypot_cpu" not implemented for \'{dtypes.scalar_name(a.dtype)}\'',
                                         "hypot works on floats: convert first, e.g. x.float().")
        return B.ns(a).hypot(a, b)
    def backward(ctx, g):
        a, b, r = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g * a / r if need[0] else None), (g * b / r if need[1] else None)


class LogaddexpBackward0(Op):
    """logaddexp(self, other) = log(eˢᵉˡᶠ + eᵒᵗʰᵉʳ), computed without overflow."""
    args = saves = ("self", "other")
    def forward(ctx, a, b):
        a, b = _floats(a, b)
        return B.ns(a).logaddexp(a, b)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g / AddBackward1.apply((b - a).exp(), other=1) if need[0] else None), \
            (g / AddBackward1.apply((a - b).exp(), other=1) if need[1] else None)


def _nan_aware(name, fn, wins):
    """fmax / fmin: as maximum / minimum, but a NaN loses to a number; the gradient goes to the one taken."""
    def forward(ctx, a, b):
        a, b = promote(a, b)
        return getattr(B.ns(a), fn)(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        take_a = wins(a, b).logical_or(b.isnan())
        return (MaskedFillBackward0.apply(g, mask=(~take_a)._data, value=0.0) if need[0] else None), \
            (MaskedFillBackward0.apply(g, mask=take_a._data, value=0.0) if need[1] else None)
    return type(name, (Op,), {"args": ("self", "other"), "saves": ("self", "other"), "forward": forward,
                              "backward": backward, "__module__": __name__})


FmaxBackward0 = _nan_aware("FmaxBackward0", "fmax", lambda a, b: a >= b)
FminBackward0 = _nan_aware("FminBackward0", "fmin", lambda a, b: a <= b)


class LerpBackward0(Op):
    """lerp(self, end, weight) = self + weight·(end − self), weight a number."""
    args = ("self", "end")
    def forward(ctx, a, b, weight):
        ctx.weight = weight
        a, b = promote(a, b)
        return a + weight * (b - a)
    def backward(ctx, g):
        w = ctx.weight
        need = ctx.needs_input_grad
        return (MulBackward1.apply(g, other=1 - w) if need[0] else None), \
            (MulBackward1.apply(g, other=w) if need[1] else None)


class LerpBackward1(Op):
    """lerp(self, end, weight), weight a tensor."""
    args = saves = ("self", "end", "weight")
    def forward(ctx, a, b, w):
        a, b = promote(a, b)
        return a + w * (b - a)
    def backward(ctx, g):
        a, b, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g * _one_minus(w) if need[0] else None), (g * w if need[1] else None), \
            (g * (b - a) if need[2] else None)


class AddcmulBackward0(Op):
    """addcmul(self, tensor1, tensor2, value) = self + value·tensor1·tensor2."""
    args = saves = ("self", "tensor1", "tensor2")
    def forward(ctx, a, t1, t2, value):
        ctx.value = value
        return a + value * t1 * t2
    def backward(ctx, g):
        _, t1, t2 = ctx.saved_tensors
        v, need = ctx.value, ctx.needs_input_grad
        return (g if need[0] else None), (g * MulBackward1.apply(t2, other=v) if need[1] else None), \
            (g * MulBackward1.apply(t1, other=v) if need[2] else None)


class AddcdivBackward0(Op):
    """addcdiv(self, tensor1, tensor2, value) = self + value·tensor1/tensor2."""
    args = saves = ("self", "tensor1", "tensor2")
    def forward(ctx, a, t1, t2, value):
        ctx.value = value
        if t1.dtype.kind in "iub" and t2.dtype.kind in "iub":
            raise errors.runtime("Integer division with addcdiv is no longer supported, and in a future  release "
                                 "addcdiv will perform a true division of tensor1 and tensor2. The historic "
                                 "addcdiv behavior can be implemented as (input + value * torch.trunc(tensor1 / "
                                 "tensor2)).to(input.dtype) for integer inputs and as (input + value * tensor1 / "
                                 "tensor2) for float inputs. The future addcdiv behavior is just the latter "
                                 "implementation: (input + value * tensor1 / tensor2), for all dtypes.",
                                 "Make tensor1 or tensor2 a float tensor.")
        return a + value * t1 / t2
    def backward(ctx, g):
        _, t1, t2 = ctx.saved_tensors
        v, need = ctx.value, ctx.needs_input_grad
        g1 = g * (v / t2) if need[1] else None  # C++'s value / tensor2: reciprocal times value
        g2 = -g * (MulBackward1.apply(t1, other=v) / (t2 * t2)) if need[2] else None
        return (g if need[0] else None), g1, g2


def _of_tensors(name, op, method=False):
    """torch.<name>(input, other) (or the method, `method`): two tensors (PyTorch's TypeError for a number, as
    its signature has none; a method counts `other` as its first argument)."""
    def fn(input, other):
        for position, (param, x) in enumerate((("input", input), ("other", other)), 0 if method else 1):
            if not isinstance(x, Tensor):
                raise errors.not_tensor(name, param, x, position)
        return op.apply(input, other)
    fn.__name__ = fn.__qualname__ = name
    return fn


atan2, arctan2 = _of_tensors("atan2", Atan2Backward0), _of_tensors("arctan2", Atan2Backward0)
hypot, logaddexp = _of_tensors("hypot", HypotBackward0), _of_tensors("logaddexp", LogaddexpBackward0)
fmax, fmin = _of_tensors("fmax", FmaxBackward0), _of_tensors("fmin", FminBackward0)
_PAIRS = (("atan2", Atan2Backward0), ("arctan2", Atan2Backward0), ("hypot", HypotBackward0),
          ("logaddexp", LogaddexpBackward0), ("fmax", FmaxBackward0), ("fmin", FminBackward0))
METHODS = {name: _of_tensors(name, op, method=True) for name, op in _PAIRS}
IN_PLACE_FORMS = {name: _of_tensors(name + "_", op, method=True) for name, op in _PAIRS}  # what t.atan2_(o) runs


def lerp(input, end, weight):
    if isinstance(weight, Tensor):
        return LerpBackward1.apply(input, end, weight)
    return LerpBackward0.apply(input, end, weight=weight)


def addcmul(input, tensor1, tensor2, *, value=1):
    return AddcmulBackward0.apply(input, tensor1, tensor2, value=value)


def addcdiv(input, tensor1, tensor2, *, value=1):
    return AddcdivBackward0.apply(input, tensor1, tensor2, value=value)


def float_power(input, exponent):
    """input ** exponent in float64 (PyTorch converts both first: a ToCopyBackward0 where one is not float64)."""
    f64 = dtypes.float64
    if not isinstance(input, Tensor):
        return PowBackward2.apply(exponent.to(f64), base=float(input))
    if isinstance(exponent, Tensor):
        return PowBackward1.apply(input.to(f64), exponent.to(f64))
    return PowBackward0.apply(input.to(f64), exponent=float(exponent))


def float_power_in_place_check(self) -> None:
    """float_power_ writes a float64 result: PyTorch refuses any other dtype of self."""
    if self.dtype is not dtypes.float64:
        raise errors.runtime(f"the base given to float_power_ has dtype {dtypes.scalar_name(self.dtype)} but the "
                             "operation's result requires dtype Double", "Convert first: x = x.double().")
