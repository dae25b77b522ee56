"""Rounding division and remainders: `a // b`, `torch.div(a, b, rounding_mode=...)`, `a % b`, `fmod`.

Each class is one row of PyTorch's derivatives.yaml; floor_divide has none (PyTorch's node is
`NotImplemented`, whose backward refuses).
"""
from .. import backend as B
from .. import errors
from ..node import Op
from ..tensor import Tensor
from .pointwise import DivBackward0, _tensor_like, promote, zeros_like
from .unary import FloorBackward0, TruncBackward0


def _rounded_quotient(a, b, mode):
    """a / b rounded toward -inf ('floor') or zero ('trunc'), in the promoted dtype (integers stay integers)."""
    a, b = promote(a, b)
    xp = B.ns(b if isinstance(a, (int, float)) else a)
    if xp.result_type(a, b).kind != "f":
        q = xp.floor_divide(a, b)
        return q if mode == "floor" else q + ((q < 0) & (xp.remainder(a, b) != 0))
    return xp.floor(xp.true_divide(a, b)) if mode == "floor" else xp.trunc(xp.true_divide(a, b))


class DivBackward2(Op):
    """div(self, other, rounding_mode='floor'|'trunc') (other a tensor or a number): a step function of
    both, so zero gradients."""
    args = ("self", "other")
    def forward(ctx, a, b, rounding_mode):
        return _rounded_quotient(a, b, rounding_mode)
    def backward(ctx, g):
        need = ctx.needs_input_grad
        return (zeros_like(g) if need[0] else None), (zeros_like(g) if need[1] else None)


def _floor_divide_node():
    def forward(ctx, a, b):
        return _rounded_quotient(a, b, "floor")

    def backward(ctx, g):
        raise errors.runtime("derivative for aten::floor_divide is not implemented",
                             "a // b is a step function of a and b; use torch.div(a, b, rounding_mode='floor'), "
                             "whose gradient is zero, or a / b.")
    return type("NotImplemented", (Op,), {"args": ("self", "other"), "forward": forward, "backward": backward,
                                          "__module__": __name__, "__doc__": "floor_divide: no derivative"})


FloorDivide = _floor_divide_node()


def _quotient_part(mode):
    return FloorBackward0 if mode == "floor" else TruncBackward0


def _python_remainder(xp, a, b):
    """a − b·floor(a/b) as ATen computes it for floats: fmod, then + b where the signs differ (so −3 % 3 is −0.)."""
    m = xp.fmod(a, b)
    if m.dtype.kind != "f":
        return xp.remainder(a, b)
    return xp.where((m != 0) & ((xp.asarray(b) < 0) != (m < 0)), m + b, m)


def _remainder_ops(name, xp_fn, mode):
    """self − other·round(self/other), as two nodes: `<name>Backward0` for a number other (gradient g)
    and `<name>Backward1` for a tensor other (−g·round(self/other) for other)."""
    def forward(ctx, a, b):
        a, b = promote(a, b)
        xp = B.ns(b if isinstance(a, (int, float)) else a)
        return xp.fmod(a, b) if xp_fn == "fmod" else _python_remainder(xp, a, b)

    def by_number(ctx, a, other):
        return forward(ctx, a, other)

    def backward(ctx, g):
        if not ctx.saved_tensors:
            return (g,)
        a, b = ctx.saved_tensors
        need = ctx.needs_input_grad
        return (g if need[0] else None), (-g * _quotient_part(mode).apply(a / b) if need[1] else None)
    number = type(name + "Backward0", (Op,), {"args": ("self",), "forward": by_number, "backward": backward,
                                              "__module__": __name__})
    tensor = type(name + "Backward1", (Op,), {"args": ("self", "other"), "saves": ("self", "other"),
                                              "saves_if": {"self": "other", "other": "other"}, "forward": forward,
                                              "backward": backward, "__module__": __name__})
    return number, tensor


RemainderBackward0, RemainderBackward1 = _remainder_ops("Remainder", "remainder", "floor")
FmodBackward0, FmodBackward1 = _remainder_ops("Fmod", "fmod", "trunc")


def _operand(b, op):
    """`b` as the `other` operand of torch.<op> (the op's name is what PyTorch's refusal of a list names)."""
    return b if type(b) is Tensor else _tensor_like(b, op)


def div(input, other, *, rounding_mode=None):
    """torch.div: true division, or rounded with rounding_mode 'floor' or 'trunc'."""
    if rounding_mode is None:
        return DivBackward0.apply(input, _operand(other, "div"))
    if rounding_mode not in ("floor", "trunc"):
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but found "
                         f"'{rounding_mode}'")
    return DivBackward2.apply(input, _operand(other, "div"), rounding_mode=rounding_mode)


def floor_divide(input, other):
    if not isinstance(input, Tensor):
        input = _tensor_like(input, "floor_divide")
    return FloorDivide.apply(input, _operand(other, "floor_divide"))


def remainder(input, other):
    if not isinstance(input, Tensor):  # torch.remainder(number, tensor), `number % tensor`
        input = _tensor_like(input, "remainder")
    if isinstance(other, (int, float)):
        return RemainderBackward0.apply(input, other=other)
    return RemainderBackward1.apply(input, _operand(other, "remainder"))


def fmod(input, other):
    if isinstance(other, (int, float)):
        return FmodBackward0.apply(input, other=other)
    return FmodBackward1.apply(input, _operand(other, "fmod"))
