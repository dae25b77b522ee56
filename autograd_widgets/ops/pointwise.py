"""Elementwise ops. Read each class as one row of PyTorch's derivatives.yaml."""
import math

from .. import backend as B
from .. import dtypes
from .. import errors
from .. import scalars
from ..creation import tensor
from ..fused import one_minus_square
from ..node import Op, _shape_error
from ..tensor import Tensor

_fused = B.fused_for_type
_HOST = B.host_array_type


def _own_binary(name, a, b):
    """Our kernel for `a name b` on this device (cuda_kernels.Kernels.binary), or None: the library's operator."""
    kernels = _fused(type(a))
    return kernels and kernels.binary(name, a, b)


_FLOAT32 = B.namespace("cpu").dtype("float32")  # NumPy's dtypes are singletons: `is` compares them


def promote(a, b):
    """Arrays (or Python numbers) `a`, `b` cast to the dtype PyTorch gives `a op b`."""
    tb = type(b)
    if type(a) is tb:
        if a.dtype is b.dtype or a.dtype == b.dtype:  # the common case: two arrays of one dtype
            return a, b
    elif tb is float:
        if a.dtype.kind == "f":  # a Python float never widens a float tensor
            return a, b
    elif tb is int and (a.dtype.kind == "f" or a.dtype.itemsize == 8) and -2 ** 63 <= b < 2 ** 63:
        return a, b  # a smaller integer dtype may wrap b, and an int past int64 is read as PyTorch reads it
    if tb is int and not -2 ** 63 <= b < 2 ** 63:
        b = scalars.wide_operand(b, a)
    elif type(a) is int and not -2 ** 63 <= a < 2 ** 63:
        a = scalars.wide_operand(a, b)
    dt = dtypes.result_type(a, b)
    a, b = _cast(a, dt), _cast(b, dt)
    return a, b


def _cast(x, dt):
    """Array `x` as dtype `dt`; a Python int beyond an integer dtype wraps around as PyTorch's does."""
    if not isinstance(x, (int, float)):
        return x if x.dtype == dt else x.astype(dt)
    if type(x) is int and dt.kind in "iu":
        bits = 8 * dt.itemsize
        x %= 1 << bits
        return x - (1 << bits) if dt.kind == "i" and x >= 1 << (bits - 1) else x
    return x


def _float(a):
    """`a` as a float array (true division and float functions of integers give the default float)."""
    return a if a.dtype.kind == "f" else a.astype(dtypes.default_float().array_dtype)


def _in_float(x, other, f):
    """Integer operand `x` of a true division by `other`, as float dtype `f`: an array cast, a Python number as it
    is (an int past int64 read as PyTorch reads it against `other`)."""
    if not isinstance(x, int):
        return x.astype(f)
    return scalars.wide_operand(x, other) if not -2 ** 63 <= x < 2 ** 63 else x


def _log(x):
    return math.log(x) if x > 0 else -math.inf if x == 0 else math.nan


def _is_int_like(a):
    return isinstance(a, int) or (not isinstance(a, float) and a.dtype.kind in "iub")


# --- arithmetic -------------------------------------------------------------------------
class AddBackward0(Op):
    args = ("self", "other")
    def forward(ctx, a, b, alpha=1):
        if type(a) is not type(b) or a.dtype is not b.dtype:  # two arrays of one dtype need no promote() call
            a, b = promote(a, b)
        ctx.alpha = alpha
        if alpha != 1:
            return a + _scaled(alpha, b, a.dtype)
        if type(a) is not _HOST:  # a GPU: our kernel for large arrays
            out = _own_binary("add", a, b)
            if out is not None:
                return out
        return a + b
    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha)


def _scaled(alpha, b, dt):
    """alpha·b for add/sub: two Python ints multiply exactly, then wrap into an integer dtype `dt` as PyTorch's
    integer arithmetic does (uint8: 2 · 255 is 254)."""
    product = alpha * b
    return _cast(product, dt) if type(product) is int else product


def _is_bool(v) -> bool:
    """A Python bool, or an array or NumPy scalar of bool dtype."""
    return v is True or v is False or getattr(getattr(v, "dtype", None), "kind", "") == "b"


def _refuse_bool_sub(a, b) -> None:
    """PyTorch refuses `-` when either side is bool (a Python bool included), in any order."""
    a_bool, b_bool = _is_bool(a), _is_bool(b)
    if not (a_bool or b_bool):
        return
    for number in (a, b):  # PyTorch reads an int argument before it looks at the dtypes
        if type(number) is int and not -2 ** 63 <= number < 2 ** 63:
            scalars.wide_operand(number, None)
    if a_bool and b_bool:
        raise errors.runtime("Subtraction, the `-` operator, with two bool tensors is not supported. "
                             "Use the `^` or `logical_xor()` operator instead.", "`a ^ b` is True where they differ.")
    raise errors.runtime("Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
                         "to invert a mask, use the `~` or `logical_not()` operator instead.",
                         "Convert the mask first (`mask.float()`) to do arithmetic with it, or use `~mask`.")


class SubBackward0(Op):
    args = ("self", "other")
    def forward(ctx, a, b, alpha=1):
        _refuse_bool_sub(a, b)
        a, b = promote(a, b)
        ctx.alpha = alpha
        if alpha != 1:
            return a + _scaled(-alpha, b, a.dtype)  # PyTorch's add with -alpha
        if type(a) is not _HOST:  # a GPU: our kernel for large arrays
            out = _own_binary("sub", a, b)
            if out is not None:
                return out
        return a - b
    def backward(ctx, g):
        return g, -g if ctx.alpha == 1 else g * -ctx.alpha


class SubBackward1(Op):
    """self - number, as backward formulas write it: the number is an attribute."""
    args = ("self",)
    def forward(ctx, a, other):
        _refuse_bool_sub(a, other)
        a, other = promote(a, other)
        return a - other
    def backward(ctx, g):
        return (g,)


class AddBackward1(Op):
    """self + number (add.Scalar), as PyTorch's C++ formulas write it: the number is an attribute."""
    args = ("self",)
    def forward(ctx, a, other):
        a, other = promote(a, other)
        return a + other
    def backward(ctx, g):
        return (g,)


class RsubBackward0(Op):
    """torch.rsub(self, other) = other - self, both tensors."""
    args = ("self", "other")
    def forward(ctx, a, b):
        _refuse_bool_sub(a, b)
        a, b = promote(a, b)
        return b - a
    def backward(ctx, g):
        return -g, g


class RsubBackward1(Op):
    """number - self: the number is an attribute, not an input."""
    args = ("self",)
    def forward(ctx, a, other):
        _refuse_bool_sub(a, other)
        a, other = promote(a, other)
        return other - a
    def backward(ctx, g):
        return (-g,)


class MulBackward0(Op):
    args = saves = ("self", "other")
    saves_if = {"self": "other", "other": "self"}  # each factor is needed only for the other's gradient
    def forward(ctx, a, b):
        if type(a) is not type(b) or a.dtype is not b.dtype:
            a, b = promote(a, b)
        if type(a) is not _HOST:  # a GPU: our kernel for large arrays
            out = _own_binary("mul", a, b)
            if out is not None:
                return out
        return a * b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g * b if need[0] else None), (g * a if need[1] else None)


class MulBackward1(Op):
    """self * number, as backward formulas write it: the number is an attribute."""
    args = ("self",)
    def forward(ctx, a, other):
        ctx.other = other
        a, other = promote(a, other)
        return a * other
    def backward(ctx, g):
        return (MulBackward1.apply(g, other=ctx.other),)


class DivBackward0(Op):
    args = saves = ("self", "other")
    saves_if = {"self": "other"}  # self appears only in d/d other = -g·self/other²
    def forward(ctx, a, b):
        if _is_int_like(a) and _is_int_like(b):  # true division of integers: in the default float, where a
            f = dtypes.default_float().array_dtype  # Python int does not wrap around (int8 / 300 is 1/300)
            a, b = _in_float(a, b, f), _in_float(b, a, f)
        a, b = promote(a, b)
        return a / b
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g / b if need[0] else None), (-g * ((a / b) / b) if need[1] else None)  # PyTorch's grouping


class DivBackward1(Op):
    """self / number (div.Scalar), as PyTorch's C++ formulas write it: the number is an attribute."""
    args = ("self",)
    def forward(ctx, a, other):
        ctx.other = other
        a, other = promote(a, other)
        return a / other
    def backward(ctx, g):
        return (DivBackward1.apply(g, other=ctx.other),)


class XlogyBackward0(Op):
    """xlogy(self, other) = self·log(other), 0 where self is 0 (unless other is nan)"""
    args = saves = ("self", "other")
    def forward(ctx, a, b):
        a, b = promote(a, b)
        xp = B.ns(b)
        zero = a == 0
        out = xp.where(zero, 0, a * xp.log(xp.where(zero, 1, b)))
        return xp.where(xp.isnan(b), b, out)
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        ga = MaskedFillBackward0.apply(XlogyBackward0.apply(g, b), mask=((a._data == 0) & (b._data <= 0)), value=0.0) \
            if need[0] else None
        return ga, (g * a / b if need[1] else None)


class NegBackward0(Op):
    args = ("self",)
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise errors.runtime(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to invert a mask, "
                "use the `~` or `logical_not()` operator instead.", "`~mask` flips True and False.")
        return -a
    def backward(ctx, g):
        return (-g,)


class ReciprocalBackward0(Op):
    args, saves = ("self",), ("result",)
    def forward(ctx, a):
        return 1 / _float(a)
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return (-g * (r * r),)  # derivatives.yaml: -grad * (result * result)


class PowBackward0(Op):
    """self ** exponent, exponent a number."""
    args, saves = ("self",), ("self",)
    def forward(ctx, a, exponent):
        ctx.exponent = exponent
        if a.dtype.kind == "b":  # a mask to a Python bool power stays a mask; to a number, int64
            if isinstance(exponent, bool):
                return a | (not exponent)
            a = a.astype(dtypes.int64.array_dtype)
        if isinstance(exponent, float) and a.dtype.kind != "f":
            a = _float(a)
        elif a.dtype.kind in "iu" and exponent < 0:
            raise errors.runtime("Integers to negative integer powers are not allowed.",
                                 "An integer tensor stays integer, and 1/n is not an integer: make the tensor "
                                 "float first (x.float() ** -1).")
        return a ** exponent
    def backward(ctx, g):
        a, = ctx.saved_tensors
        e = ctx.exponent
        if e == 0:  # PyTorch's pow_backward: zeros_like(self), so a NaN/inf gradient gives 0 and no graph
            return (zeros_like(a),)
        return (g * MulBackward1.apply(a ** (e - 1), other=e),)


class PowBackward1(Op):
    """self ** exponent, both tensors."""
    args, saves = ("self", "exponent"), ("self", "exponent", "result")
    def forward(ctx, a, e):
        a, e = promote(a, e)
        if a.dtype.kind == "b":
            raise _no_bool_pow()
        return _int_power(a, e) if a.dtype.kind in "iu" else a ** e
    def backward(ctx, g):
        a, e, r = ctx.saved_tensors
        need = ctx.needs_input_grad
        # PyTorch's conventions: d/da is 0 where e == 0; d/de is 0 where a == 0 and e >= 0.
        ga = where(e == 0, 0.0, g * (e * a ** SubBackward1.apply(e, other=1))) if need[0] else None
        # the log of self at the promoted dtype (a ToCopyBackward0 where self's differs), as pow_backward_exponent
        ge = g * where((a == 0) * (e >= 0), 0.0, r * a.to(r.dtype).log()) if need[1] else None
        return ga, ge


def _no_bool_pow():
    return errors.not_implemented("\"pow\" not implemented for 'Bool'",
                                  "Raise a number, not a truth value: convert with .int() or .float() first.")


class PowBackward2(Op):
    """number ** exponent: the base is an attribute."""
    args, saves = ("exponent",), ("exponent", "result")
    def forward(ctx, e, base):
        ctx.self = base
        if e.dtype.kind == "b" and (base is True or base is False):  # True ** mask: a bool result, no kernel
            raise _no_bool_pow()
        e2 = _float(e) if not isinstance(base, int) or e.dtype.kind == "f" else e
        if e2.dtype.kind in "iu":  # an int base wraps into the exponent's integer dtype (300 ** int8 is 44 ** ...)
            return _int_power(B.ns(e).asarray(_cast(base, e.dtype), dtype=e.dtype), e2)
        return base ** e2
    def backward(ctx, g):
        e, r = ctx.saved_tensors
        grad = MulBackward1.apply(r, other=_log(float(ctx.self)))  # a Python number: weak, on no device
        if ctx.self == 0:  # pow_backward_exponent: 0 ** e is flat (0 or 1) where e >= 0, not r·log 0 = NaN
            grad = where(e >= 0, 0.0, grad)
        return (g * grad,)


def _int_power(a, e):
    """Integer a ** e elementwise as PyTorch computes it: a negative exponent gives 0, or ±1 for a base of ±1."""
    xp = B.ns(a)
    neg = e < 0
    if not neg.any():
        return a ** e
    r = a ** xp.where(neg, 0, e)
    ones = xp.where(e % 2 == 0, 1, a)  # (±1) ** e
    return xp.where(neg, xp.where(abs(a) == 1, ones, 0), r).astype(r.dtype)


# --- functions of one variable ----------------------------------------------------------
def _own_kernel(kernels, name, library_fn):
    """`library_fn`, run by kernels.unary(name, ·) where that has a kernel for the array."""
    if name not in kernels.unary_names:
        return library_fn

    def fn(a):
        out = kernels.unary(name, a)
        return library_fn(a) if out is None else out
    return fn


def _unary(name, fn, saves, vjp, doc):
    """A one-input float op: forward `fn` from the array namespace, backward `vjp(g, saved)`."""
    by_type = B.by_type_cache()  # array type -> its namespace's fn (found once: every tanh, exp, ... of a forward)

    def forward(ctx, a):
        f = by_type.get(type(a))
        if f is None:
            kernels = B.fused(a)  # a GPU kernel of ours where there is one, else the library's function
            f = by_type[type(a)] = _own_kernel(kernels, fn, getattr(B.ns(a), fn)) if kernels else getattr(B.ns(a), fn)
        return f(a if a.dtype.kind == "f" else _float(a))

    def backward(ctx, g):
        s, = ctx.saved_tensors
        return (vjp(g, s),)
    return type(name, (Op,), {"args": ("self",), "saves": (saves,), "forward": forward, "backward": backward,
                              "__doc__": doc, "__module__": __name__})


#                       PyTorch node       array fn   saved      vector-Jacobian product
ExpBackward0 = _unary("ExpBackward0", "exp", "result", lambda g, r: g * r, "e^x")
LogBackward0 = _unary("LogBackward0", "log", "self", lambda g, x: g / x, "ln x")
SinBackward0 = _unary("SinBackward0", "sin", "self", lambda g, x: g * x.cos(), "sin x")
CosBackward0 = _unary("CosBackward0", "cos", "self", lambda g, x: g * -x.sin(), "cos x")
TanhBackward0 = _unary("TanhBackward0", "tanh", "result", lambda g, r: TanhBackwardBackward0.apply(g, r), "tanh x")
SqrtBackward0 = _unary("SqrtBackward0", "sqrt", "result", lambda g, r: g / MulBackward1.apply(r, other=2), "√x")
TanhBackward0.quiet = False  # bounded, and silent for inf and nan: no NumPy warnings to turn off


class SigmoidBackward0(Op):
    args, saves = ("self",), ("result",)
    def forward(ctx, a):
        a = _float(a)
        one = B.one(a)
        return one / (one + B.ns(a).exp(-a))
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return (SigmoidBackwardBackward0.apply(g, r),)


class ReluBackward0(Op):
    args, saves = ("self",), ("result",)
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise errors.runtime("Boolean inputs not supported for relu", "relu needs numbers: `mask.float().relu()`.")
        return B.ns(a).where(a < 0, 0, a)  # clamp_min(self, 0): NaN stays NaN, -0. stays -0. (as PyTorch)
    def backward(ctx, g):
        r, = ctx.saved_tensors
        return (ThresholdBackwardBackward0.apply(g, r),)


# PyTorch differentiates tanh, sigmoid and relu with fused ops (tanh_backward(grad, output), ...),
# so a create_graph=True graph shows these nodes; each is itself differentiable.
class TanhBackwardBackward0(Op):
    """tanh_backward(grad_output, output) = grad_output·(1 − output²)"""
    args = saves = ("grad_output", "output")
    def forward(ctx, g, y):
        if type(y) is not _HOST:  # a GPU: one kernel, as ATen's
            kernels = _fused(type(y))
            out = kernels and kernels.tanh_backward(g, y)
            if out is not None:
                return out
        if y.dtype is _FLOAT32:  # ATen's kernel rounds 1 − y² once (a fused multiply-add): so here, on the host
            return g * one_minus_square(y)
        return g * (B.one(y) - y * y)
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (TanhBackwardBackward0.apply(gg, y) if need[0] else None), \
               (gg * g * MulBackward1.apply(y, other=-2) if need[1] else None)


class SigmoidBackwardBackward0(Op):
    """sigmoid_backward(grad_output, output) = grad_output·output·(1 − output)"""
    args = saves = ("grad_output", "output")
    def forward(ctx, g, y):
        kernels = _fused(type(y))
        out = kernels and kernels.sigmoid_backward(g, y)
        return g * (B.one(y) - y) * y if out is None else out  # in ATen's order: its last bits
    def backward(ctx, gg):
        g, y = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (SigmoidBackwardBackward0.apply(gg, y) if need[0] else None), \
               (gg * g * (1 - MulBackward1.apply(y, other=2)) if need[1] else None)


class ThresholdBackwardBackward0(Op):
    """threshold_backward(grad_output, self, 0) = 0 where self <= 0, else grad_output (NaN passes it)"""
    args, saves = ("grad_output", "self"), ("self",)
    def forward(ctx, g, x):
        kernels = _fused(type(x))
        out = kernels and kernels.threshold_backward(g, x)
        return B.ns(g).where(x <= 0, 0, g) if out is None else out
    def backward(ctx, gg):
        x, = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (ThresholdBackwardBackward0.apply(gg, x) if need[0] else None), \
               (gg * 0 if need[1] else None)


class AbsBackward0(Op):
    args, saves = ("self",), ("self",)
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise errors.not_implemented("\"abs_cpu\" not implemented for 'Bool'",
                                         "abs of True/False is not defined; convert first: `mask.long().abs()`.")
        return abs(a)
    def backward(ctx, g):
        a, = ctx.saved_tensors
        return (g * SgnBackward0.apply(a),)


class MaskedFillBackward0(Op):
    """masked_fill(self, mask, value): the filled places get no gradient."""
    args = ("self",)
    def forward(ctx, a, mask, value):
        ctx.mask = Tensor._make(mask)
        return B.ns(a).where(mask, value, a)
    def backward(ctx, g):
        return (where(ctx.mask, 0.0, g),)



class MaskedFillBackward1(Op):
    """masked_fill(self, mask, value) with a 0-d tensor value: the value gets the sum of the filled places' gradient."""
    args = ("self", "value")
    def forward(ctx, a, value, mask):
        ctx.mask = Tensor._make(mask)
        return B.ns(a).where(mask, value.astype(a.dtype), a)
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (where(ctx.mask, 0.0, g) if need[0] else None), (where(ctx.mask, g, 0.0).sum() if need[1] else None)

class SignBackward0(Op):
    """sign(x): flat almost everywhere, so its gradient is zero."""
    args = ("self",)
    def forward(ctx, a):
        if a.dtype.kind == "b":  # PyTorch: the sign of a bool is itself
            return a.copy()
        xp = B.ns(a)
        s = xp.sign(a)
        if s.dtype.kind == "f":  # as PyTorch: sign(NaN) is 0 (so abs and norm send NaN no gradient)
            s = xp.where(s != s, xp.zeros_like(s), s)  # not s[...] = 0: a 0-d sign is a NumPy scalar
        return s
    def backward(ctx, g):
        return (zeros_like(g),)  # a constant, as PyTorch's zeros_like(grad): no graph behind it


class SgnBackward0(SignBackward0):
    """sgn(x), the sign PyTorch's derivative formulas (abs, norm) use."""


class CloneBackward0(Op):
    args = ("self",)
    def forward(ctx, a):
        return a.copy()
    def backward(ctx, g):
        return (g,)


class CopyBackwards(Op):
    """self.copy_(src): src broadcast into self's shape and dtype; self's old value gets no gradient."""
    args = ("self", "src")
    def name(self):
        return "torch::autograd::CopyBackwards"  # a C++ node in PyTorch, named with its namespace
    def forward(ctx, a, s):
        if isinstance(a, (int, float)):  # a plain differentiable copy of src
            return s.copy()
        out = B.ns(a).empty_like(a)
        out[...] = s
        return out
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (zeros_like(g) if need[0] else None), g  # PyTorch's zeros_like: a constant


class FillBackward2(Op):
    """self.fill_(value): every element replaced, so self's old value gets no gradient."""
    args = ("self",)
    def forward(ctx, a, value):
        return B.ns(a).full_like(a, value)
    def backward(ctx, g):
        return (zeros_like(g),)


class FillBackward3(Op):
    """self.fill_(value), value a 0-d tensor: every element becomes value, so value gets the sum of the gradient."""
    args = ("self", "value")
    def forward(ctx, a, v):
        return B.ns(a).full_like(a, v)
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (zeros_like(g) if need[0] else None), (g.sum() if need[1] else None)


class ZeroBackward0(FillBackward2):
    """self.zero_()."""


class ToCopyBackward0(Op):
    """_to_copy(self, dtype, device): the gradient goes back to self's dtype and device."""
    args = ("self",)
    def forward(ctx, a, dtype=None, device=None):
        ctx.self_dtype, ctx.self_device = dtypes.of_array(a), B.device_of(a)
        if dtype is None and device is None:  # .to(copy=True)
            return a.copy()
        if device is not None:
            a = B.asarray(a, device=device, copy=dtype is None)
        return a if dtype is None else a.astype(dtype.array_dtype)
    def backward(ctx, g):
        return (g.to(ctx.self_device, ctx.self_dtype),)


_NUMBERS = {int, float, bool}


def _where_numbers(a, b):
    """where()'s self and other when one is a number: converted into the result's dtype as PyTorch converts a
    Scalar argument ('value cannot be converted to type float without overflow' for float32 and 1e39)."""
    for number, other in ((a, b), (b, a)):
        if type(number) is int and not -2 ** 63 <= number < 2 ** 63:
            scalars.wide_operand(number, other)
    dt = dtypes.result_type(a, b)
    if dt.kind == "f" and dt.itemsize == 2:  # PyTorch writes it into float16 unchecked: 1e39 becomes inf
        return a, b
    return (scalars.scalar_argument(a, dt) if type(a) in _NUMBERS else a,
            scalars.scalar_argument(b, dt) if type(b) in _NUMBERS else b)


class WhereBackward0(Op):
    """where(condition, self, other): the condition is an attribute, not an input."""
    args = ("self", "other")
    def forward(ctx, a, b, condition):
        if type(a) in _NUMBERS or type(b) in _NUMBERS:
            a, b = _where_numbers(a, b)
        a, b = promote(a, b)
        ctx.condition = Tensor._make(condition)
        try:
            return B.ns(condition).where(condition, a, b)
        except ValueError as e:  # PyTorch names the shapes in the order condition, self, other
            raise _shape_error(e, (condition, a, b)) from None
    def backward(ctx, g):
        c = ctx.condition
        need = ctx.needs_input_grad
        return (where(c, g, 0.0) if need[0] else None), (where(c, 0.0, g) if need[1] else None)


def _extreme_pair(name, fn, loses):
    """maximum/minimum(self, other): the larger (smaller) one gets the gradient, each half of it at ties."""
    def forward(ctx, a, b):
        a, b = promote(a, b)
        return getattr(B.ns(a), fn)(a, b)

    def backward(ctx, g):
        a, b = ctx.saved_tensors
        # as derivatives.yaml: where(self == other, grad / 2, grad).masked_fill_(self < other, 0)
        half = where(a == b, DivBackward1.apply(g, other=2), g)
        need = ctx.needs_input_grad
        return (MaskedFillBackward0.apply(half, mask=loses(a, b)._data, value=0.0) if need[0] else None), \
            (MaskedFillBackward0.apply(half, mask=loses(b, a)._data, value=0.0) if need[1] else None)
    return type(name, (Op,), {"args": ("self", "other"), "saves": ("self", "other"), "forward": forward,
                              "backward": backward, "__module__": __name__})


MaximumBackward0 = _extreme_pair("MaximumBackward0", "maximum", lambda a, b: a < b)
MinimumBackward0 = _extreme_pair("MinimumBackward0", "minimum", lambda a, b: a > b)


# --- public functions -------------------------------------------------------------------
def _scalar(x):
    """A NumPy scalar as the Python number PyTorch reads it as (so it stays 'weak' in type promotion)."""
    return x.item() if isinstance(x, B.generic_scalar) else x


def _tensor_like(x, op):
    """A number or array as op's operand `other`: numbers stay numbers (they are 'weak'), a NumPy scalar
    becomes one (as in PyTorch), an array a tensor; a list or tuple is refused as PyTorch refuses it."""
    if isinstance(x, B.generic_scalar):
        return x.item()
    if isinstance(x, (Tensor, int, float)):
        return x
    if isinstance(x, (list, tuple)):
        raise errors.type_error(f"{op}(): argument 'other' (position 2) must be Tensor, not {type(x).__name__}",
                                "Make the list a tensor first: torch.tensor([...]).")
    return tensor(x)


_INT_OR_FLOAT = {int, float}


def _alpha(alpha, a, b, negated=False):
    """add/sub's `alpha` as PyTorch's alpha_check and Scalar conversion take it for the result's dtype: a bool
    alpha only for a bool result, no float alpha for an integer one, and a number the dtype holds (uint8 takes
    -1 as 255). sub (`negated`) is PyTorch's add with -alpha: -alpha is what must fit (int64 takes 2**63)."""
    if type(alpha) in _INT_OR_FLOAT and -65504.0 <= alpha <= 65504.0 and a._data.dtype.kind == "f":
        return alpha  # the common case: a float result (a's dtype or wider) holds it as it is
    alpha = scalars.parsed(alpha)
    if type(alpha) is int and not -2 ** 63 <= alpha < 2 ** 64:
        scalars.wide_operand(alpha, None)  # the argument parser refuses it first
    other = b._data if isinstance(b, Tensor) else b
    if negated:
        _refuse_bool_sub(a._data, other)
    dt = dtypes.result_type(a._data, other)
    if type(alpha) is bool and dt.kind != "b":
        raise errors.runtime("Boolean alpha only supported for Boolean results.",
                             "alpha scales `other` before it is added: give a number (alpha=1), not True or False.")
    if isinstance(alpha, float) and dt.kind in "iub":
        raise errors.runtime("For integral input tensors, argument alpha must not be a floating point number.",
                             "The result is an integer tensor, so alpha must be an int (alpha=2), or convert the "
                             "tensors first (x.float()).")
    if negated:
        return -scalars.scalar_argument(-alpha, dt)
    return scalars.scalar_argument(alpha, dt)


def add(a, b, alpha=1):
    b = b if type(b) is Tensor else _tensor_like(b, "add")
    if type(alpha) is int and alpha == 1:
        return AddBackward0.apply(a, b)
    return AddBackward0.apply(a, b, alpha=_alpha(alpha, a, b))


def sub(a, b, alpha=1):
    b = b if type(b) is Tensor else _tensor_like(b, "sub")
    if type(alpha) is int and alpha == 1:
        return SubBackward0.apply(a, b)
    return SubBackward0.apply(a, b, alpha=_alpha(alpha, a, b, negated=True))


def rsub(a, b):
    if isinstance(b, Tensor):
        return RsubBackward0.apply(a, b)
    return RsubBackward1.apply(a, other=b)


def mul(a, b):
    return MulBackward0.apply(a, b if type(b) is Tensor else _tensor_like(b, "mul"))


def div(a, b):
    return DivBackward0.apply(a, b if type(b) is Tensor else _tensor_like(b, "div"))


def rdiv(a, number):
    """number / a, which PyTorch computes as reciprocal(a) * number."""
    return mul(ReciprocalBackward0.apply(a), number)


def pow(a, e):  # noqa: A001 - PyTorch's name
    a, e = _scalar(a), _scalar(e)
    if isinstance(a, Tensor):
        if isinstance(e, Tensor):
            return PowBackward1.apply(a, e)
        if not (type(e) in _INT_OR_FLOAT and -128 <= e <= 127):  # a small exponent fits every dtype
            _check_exponent(e, a._data)
        return PowBackward0.apply(a, exponent=e)
    if type(a) is int and not -2 ** 63 <= a < 2 ** 63:
        scalars.wide_operand(a, e._data)
    return PowBackward2.apply(e, base=a)


def _check_exponent(e, a) -> None:
    """x ** e's number `e` checked as PyTorch checks it: an int past 64 bits refused by the argument parser, then
    range-checked in the result's dtype when that is an integer or float16 ('value cannot be converted to type
    int8_t without overflow' for int8 ** 300; float32 and float64 take any number)."""
    if type(e) is int and not -2 ** 63 <= e < 2 ** 63:
        scalars.wide_operand(e, None)
        if a.dtype.kind in "iub":  # a uint64 exponent is checked as an int64 one
            scalars.scalar_argument(e, B.host_dtype(B.int64))
    if type(e) not in _NUMBERS or e < 0 and type(e) is int and a.dtype.kind in "iu":
        return  # PowBackward0 refuses a negative power of integers first
    dt = dtypes.result_type(a, e)
    if dt.kind in "iu" or dt.kind == "f" and dt.itemsize == 2:
        scalars.scalar_argument(e, dt)


def where(condition, a, b):
    c = condition._data if isinstance(condition, Tensor) else condition
    if B.is_array(c) and c.dtype.kind != "b":
        raise errors.runtime(f"where expected condition to be a boolean tensor, but got a tensor with dtype "
                             f"{dtypes.scalar_name(c.dtype)}",
                             "The condition picks, per element, which input to take: compare first, e.g. x > 0.")
    a, b = scalars.parsed(a), scalars.parsed(b)  # a NumPy scalar as the number PyTorch reads (numpy.bool_: 1.0)
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):  # two numbers: the first as a tensor of their type
        a = tensor(a, dtype=dtypes.default_float() if isinstance(b, float) and not isinstance(a, float) else None)
    return WhereBackward0.apply(a, b, condition=c)


def zeros_like(t):
    return Tensor._make(B.ns(t._data).zeros_like(t._data))


def ones_like(t):
    return Tensor._make(B.ns(t._data).ones_like(t._data))
