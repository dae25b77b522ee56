"""clamp / clip and their one-sided forms; bounds are numbers (attributes) or tensors (inputs).

PyTorch picks the node by the bounds: numbers (or 0-d tensors) give ClampBackward1 /
ClampMinBackward0 / ClampMaxBackward0, tensors give ClampBackward0 / ClampMinBackward1 / ...
"""
import math

from .. import backend as B
from .. import dtypes, errors, scalars
from ..node import Op
from ..tensor import Tensor
from .pointwise import promote, where


def _bound(xp, a, lo, hi):
    """`a` clamped in the dtype PyTorch gives a, min and max together (an integer `a` with an int and a float bound
    is clamped as float, not first at the int in a's dtype)."""
    if a.dtype.kind != "f":
        dt = dtypes.result_type(a, *(b for b in (lo, hi) if b is not None))
        if a.dtype != dt:
            a = a.astype(dt)
    if lo is not None:
        a, lo = promote(a, lo)
        a = _keeping_ties(xp, xp.maximum(a, lo), a, lo)
    if hi is not None:
        a, hi = promote(a, hi)
        a = _keeping_ties(xp, xp.minimum(a, hi), a, hi)
    return a


def _keeping_ties(xp, clamped, a, bound):
    """`clamped` with a's own value where a equals a bound of -0.0, as PyTorch keeps it: 0.0 clamped at -0.0
    stays 0.0 (NumPy's maximum picks either zero, by dtype). Only for that bound, so clamp(min=0) costs
    nothing more; a -0.0 clamped at 0.0 may still become 0.0 here (PyTorch keeps -0.0)."""
    if type(bound) is float and bound == 0 and math.copysign(1.0, bound) < 0:
        return xp.where(a == bound, a, clamped)
    return clamped


class ClampBackward1(Op):
    """clamp(self, min, max) with number bounds: the gradient passes where min ≤ self ≤ max."""
    args, saves = ("self",), ("self",)
    def forward(ctx, a, min, max):
        ctx.min, ctx.max = min, max
        return _bound(B.ns(a), a, min, max)
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return (where(_inside(x, ctx.min, ctx.max), g, 0.0),)


def _inside(x, lo, hi):
    if lo is not None and hi is not None:
        return (x >= lo).logical_and(x <= hi)
    return x >= lo if lo is not None else x <= hi


def _one_sided_number(name, side):
    """clamp_min / clamp_max with a number bound: the gradient passes on the kept side of it."""
    def forward(ctx, a, bound):
        setattr(ctx, side, bound)  # PyTorch's name for it: node._saved_min / _saved_max
        return _bound(B.ns(a), a, *((bound, None) if side == "min" else (None, bound)))

    def backward(ctx, g):
        x, = ctx.saved_tensors
        bound = getattr(ctx, side)
        return (where(x >= bound if side == "min" else x <= bound, g, 0.0),)
    return type(name, (Op,), {"args": ("self",), "saves": ("self",), "keeps": (side,), "forward": forward,
                              "backward": backward, "__module__": __name__})


ClampMinBackward0 = _one_sided_number("ClampMinBackward0", "min")
ClampMaxBackward0 = _one_sided_number("ClampMaxBackward0", "max")


class ClampBackward0(Op):
    """clamp(self, min, max) with tensor bounds (either may be None): each bound gets the gradient where it binds."""
    args = saves = ("self", "min", "max")
    def forward(ctx, a, lo, hi):
        return _bound(B.ns(a), a, lo, hi)
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        need = ctx.needs_input_grad
        if lo is not None and hi is not None:  # clamp_backward_min_max
            return ((where((x >= lo).logical_and(x <= hi), g, 0.0) if need[0] else None),
                    (where((x < lo).logical_and(lo < hi), g, 0.0) if need[1] else None),
                    (where((x > hi).logical_or(hi < lo), g, 0.0) if need[2] else None))
        if lo is not None:
            return (where(x >= lo, g, 0.0) if need[0] else None), (where(x < lo, g, 0.0) if need[1] else None), None
        return (where(x <= hi, g, 0.0) if need[0] else None), None, (where(x > hi, g, 0.0) if need[2] else None)


def _one_sided_tensor(name, side):
    """clamp_min / clamp_max with a tensor bound: the bound gets the gradient where it binds."""
    def forward(ctx, a, bound):
        return _bound(B.ns(a), a, *((bound, None) if side == "min" else (None, bound)))

    def backward(ctx, g):
        x, bound = ctx.saved_tensors
        need = ctx.needs_input_grad
        kept, bound_binds = (x >= bound, x < bound) if side == "min" else (x <= bound, x > bound)
        return (where(kept, g, 0.0) if need[0] else None), (where(bound_binds, g, 0.0) if need[1] else None)
    return type(name, (Op,), {"args": ("self", side), "saves": ("self", side), "forward": forward,
                              "backward": backward, "__module__": __name__})


ClampMinBackward1 = _one_sided_tensor("ClampMinBackward1", "min")
ClampMaxBackward1 = _one_sided_tensor("ClampMaxBackward1", "max")


def _numbers(input, *bounds):
    """The bounds as PyTorch's argument parser reads them: numbers, NumPy scalars and 0-d tensors are Scalars.
    Numbers are converted to the result's dtype with PyTorch's range check (a 0-d tensor's value is not)."""
    if isinstance(input, Tensor) and scalars.fit_as_given(bounds, input._data.dtype):
        return bounds  # Python numbers a float tensor holds: nothing to convert
    plain = [scalars.parsed(b) for b in bounds]
    numbers = [b for b in plain if type(b) in _NUMBER]
    if numbers and isinstance(input, Tensor):
        a = input._data  # a float tensor keeps its dtype with any Python number
        if a.dtype.kind != "f" and any(type(n) is int and n >= 2 ** 63 for n in numbers):
            _uint64_bound(a, plain)
        values = numbers + [b.item() for b in plain if isinstance(b, Tensor) and b.ndim == 0]  # all are Scalars
        dt = a.dtype if a.dtype.kind == "f" else B.host_dtype(dtypes.result_type(a, *values))
        plain = scalars.scalar_arguments(plain, dt)  # passes None and tensors as they are
    return [b.item() if isinstance(b, Tensor) and b.ndim == 0 else b for b in plain]


_NUMBER = {int, float, bool}


def _uint64_bound(a, plain) -> None:
    """PyTorch reads an int bound in [2**63, 2**64) as a uint64 and, for an integer or bool tensor `a`, promotes it
    with the other bound (or, alone, with a bool tensor): an int or bool there is a promotion it does not have."""
    for n in plain:
        if type(n) is int and not -2 ** 63 <= n < 2 ** 63:
            scalars.wide_operand(n, None)  # the argument parser refuses an int past 64 bits first
    others = [n for n in plain if n is not None and not (type(n) is int and n >= 2 ** 63)]
    if len(plain) == 2 and None not in plain and len(others) == 1:  # the other bound meets the uint64 first
        other = others[0]
        kind = other._data.dtype.kind if isinstance(other, Tensor) else "b" if type(other) is bool else \
            "i" if type(other) is int else "f"
        if kind != "f":
            raise scalars.no_uint64_promotion(dtypes.scalar_name(other.dtype) if isinstance(other, Tensor) else
                                              "Bool" if kind == "b" else "Long")
    elif a.dtype.kind == "b" and not others:
        raise scalars.no_uint64_promotion("Bool")


def _is_bool(v) -> bool:
    """A Python bool or a bool tensor (PyTorch reads a numpy.bool_ bound as a float)."""
    if isinstance(v, Tensor):
        return v._data.dtype.kind == "b"
    return v is True or v is False


def _refuse_bool(input, min, max):  # noqa: A002
    """PyTorch has no clamp kernel for a bool result (a mask clamped by True/False bounds); it names the kernel
    its bounds pick: numbers or tensors, both or one (one tensor bound is a maximum/minimum, which bool has)."""
    given = [b for b in (min, max) if b is not None]
    if not (isinstance(input, Tensor) and input._data.dtype.kind == "b" and all(_is_bool(b) for b in given)):
        return
    tensors = [isinstance(b, Tensor) for b in given]
    if len(given) == 2:
        kernel = "clamp_cpu" if all(tensors) else "clamp_scalar_cpu"
    elif tensors[0]:
        return
    else:
        kernel = "clamp_min_scalar_cpu" if max is None else "clamp_max_scalar_cpu"
    raise errors.not_implemented(f"\"{kernel}\" not implemented for 'Bool'",
                                 "A bool tensor clamped by True/False bounds has no clamp in PyTorch: use "
                                 "mask & max_mask / mask | min_mask, or clamp mask.int() with numbers.")


def clamp(input, min=None, max=None):  # noqa: A002 - PyTorch's names
    if min is None and max is None:
        raise errors.runtime("torch.clamp: At least one of 'min' or 'max' must not be None",
                             "Give a lower bound (min=...), an upper bound (max=...), or both.")
    _refuse_bool(input, min, max)
    if isinstance(min, Tensor) and min.ndim or isinstance(max, Tensor) and max.ndim:
        return ClampBackward0.apply(input, min, max)
    lo, hi = _numbers(input, min, max)
    return ClampBackward1.apply(input, min=lo, max=hi)


clip = clamp


def clamp_min(input, min):  # noqa: A002
    _refuse_bool(input, min, None)
    if isinstance(min, Tensor):
        return ClampMinBackward1.apply(input, min)
    return ClampMinBackward0.apply(input, bound=_numbers(input, min)[0])


def clamp_max(input, max):  # noqa: A002
    _refuse_bool(input, None, max)
    if isinstance(max, Tensor):
        return ClampMaxBackward1.apply(input, max)
    return ClampMaxBackward0.apply(input, bound=_numbers(input, max)[0])


_RANK = {"b": 0, "u": 1, "i": 1, "f": 2}


def _written_back(fn):
    """`fn` (clamp, clip, clamp_min, clamp_max) as its in-place form. With a number among the bounds (PyTorch's
    Scalar overload), a result the tensor cannot hold (float for an integer tensor, int64 for a bool one) is refused
    before any bound is range-checked, in words that name the tensor's C++ type; tensor bounds alone go the way of
    other in-place ops ('... output type Char')."""
    def clamp_(input, *args, **kwargs):
        bounds = [b for b in (*args, *kwargs.values()) if b is not None]
        if isinstance(input, Tensor) and not all(isinstance(b, Tensor) for b in bounds):
            numbers = [b.item() if isinstance(b, Tensor) else scalars.parsed(b) for b in bounds]
            for n in numbers:
                if type(n) is int and not -2 ** 63 <= n < 2 ** 63:
                    scalars.wide_operand(n, None)  # the argument parser refuses an int past 64 bits first
            have, want = dtypes.result_type(input._data, *numbers), input._data.dtype
            if _RANK[have.kind] > _RANK[want.kind]:
                raise errors.runtime(f"result type {dtypes.scalar_name(have)} can't be cast to the desired output "
                                     f"type {dtypes.CPP_NAMES[want.name]}",
                                     f"{fn.__name__}_ writes into the tensor itself, which cannot hold the "
                                     f"{dtypes.scalar_name(have)} result its bounds give. Use bounds of its kind "
                                     f"(ints for an integer tensor), or the out-of-place x = x.{fn.__name__}(...).")
        return fn(input, *args, **kwargs)
    return clamp_


IN_PLACE_FORMS = {name: _written_back(fn) for name, fn in
                  {"clamp": clamp, "clip": clip, "clamp_min": clamp_min, "clamp_max": clamp_max}.items()}
