"""Bitwise ops on integer and bool tensors (`^ & | ~ << >>` and their named forms): no gradient, no graph.

PyTorch has no kernel for floats: its dispatch names the kernel (`"bitwise_xor_cpu" not implemented for 'Float'`).
"""
from .. import backend as B
from .. import dtypes, errors
from ..dtypes import scalar_name
from ..node import _shape_error, as_array
from ..tensor import Tensor
from .pointwise import promote


def _data(x):
    return x._data if isinstance(x, Tensor) else x


def _no_kernel(kernel: str, dtype) -> NotImplementedError:
    return errors.not_implemented(f'"{kernel}_cpu" not implemented for \'{scalar_name(dtype)}\'',
                                  "Bitwise ops work on the bits of integers and bools; a float has no such bits "
                                  "to combine. Convert first (`x.long()`, `mask.bool()`), or use logical_xor / "
                                  "logical_and for truth values.")


def _lshift(xp, a, s):
    bits = 8 * a.dtype.itemsize
    out = xp.left_shift(a, xp.clip(s, 0, bits - 1).astype(a.dtype))
    return xp.where((s < 0) | (s >= bits), 0, out).astype(a.dtype)  # as PyTorch: shifted out entirely is 0


def _rshift(xp, a, s):
    bits = 8 * a.dtype.itemsize
    out = xp.right_shift(a, xp.clip(s, 0, bits - 1).astype(a.dtype))
    gone = xp.right_shift(a, bits - 1) if a.dtype.kind == "i" else 0  # a signed value shifted out keeps its sign
    return xp.where((s < 0) | (s >= bits), gone, out).astype(a.dtype)


def _binary(name: str, kernel: str, fn, bools=True):
    """torch.<name>(input, other): `fn(xp, a, b)` on the promoted arrays; either side may be a Python number."""
    def op(input, other):
        arrays = (_data(input), _data(other))
        a, b = promote(*arrays)
        dt = a.dtype if hasattr(a, "dtype") else b.dtype
        if dt.kind == "f" or (dt.kind == "b" and not bools):
            raise _no_kernel(kernel, dt)
        like = a if hasattr(a, "dtype") else b
        xp = B.ns(like)
        a, b = (x if hasattr(x, "dtype") else xp.asarray(x, dtype=dt) for x in (a, b))
        try:
            return Tensor._make(as_array(fn(xp, a, b)))
        except ValueError as e:
            raise _shape_error(e, arrays) from None
    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"torch.{name}(input, other): elementwise on integer or bool tensors; no gradient."
    return op


bitwise_and = _binary("bitwise_and", "bitwise_and", lambda xp, a, b: a & b)
bitwise_or = _binary("bitwise_or", "bitwise_or", lambda xp, a, b: a | b)
bitwise_xor = _binary("bitwise_xor", "bitwise_xor", lambda xp, a, b: a ^ b)
bitwise_left_shift = _binary("bitwise_left_shift", "lshift", _lshift, bools=False)
bitwise_right_shift = _binary("bitwise_right_shift", "rshift", _rshift, bools=False)


def bitwise_not(input):
    """~input: every bit flipped (for bools, not)."""
    a = input._data
    if a.dtype.kind == "f":
        raise _no_kernel("bitwise_not", a.dtype)
    return Tensor._make(as_array(~a))


def invert(self):
    """`~tensor`: PyTorch's operator refuses floats with a TypeError of its own."""
    if self._data.dtype.kind == "f":
        raise errors.type_error("~ (operator.invert) is only implemented on integer and Boolean-type tensors",
                                "For a float mask, compare first (`~(x > 0)`), or convert: `~x.bool()`.")
    return bitwise_not(self)


def _operator(fn, reflected=False):
    """`tensor ^ other` (or `other ^ tensor`): a list, a tuple or None is no operand (Python's TypeError)."""
    def method(self, other):
        if other is None or isinstance(other, (list, tuple, str)):
            return NotImplemented
        return fn(other, self) if reflected else fn(self, other)
    return method


def in_place(fn):
    """`t.bitwise_xor_(other)` / `t ^= other`: the result written into t, which must be able to hold its dtype."""
    def method(self, other):
        operands = (self._data,) if other is None else (self._data, _data(other))  # None: bitwise_not_
        have, want = dtypes.result_type(*operands), self._data.dtype
        if have != want and (want.kind == "b" or have.kind == "f"):
            raise errors.runtime(f"result type {scalar_name(have)} can't be cast to the desired output type "
                                 f"{scalar_name(want)}", "An in-place op keeps the tensor's dtype; use the "
                                 "out-of-place form (`a = a ^ b`) to get the promoted dtype.")
        self._check_inplace()
        result = fn(self, other)
        if result._data.shape != self._data.shape:
            raise errors.runtime(f"output with shape {list(self._data.shape)} doesn't match the broadcast shape "
                                 f"{list(result._data.shape)}", "An in-place op must give a result of the shape "
                                 "of the tensor it writes into.")
        self._data[...] = result._data
        self._bump()
        return self
    return method


FUNCTIONS = {"bitwise_and": bitwise_and, "bitwise_or": bitwise_or, "bitwise_xor": bitwise_xor,
             "bitwise_not": bitwise_not, "bitwise_left_shift": bitwise_left_shift,
             "bitwise_right_shift": bitwise_right_shift}
# Python operator -> the function it runs
OPERATORS = {"and": bitwise_and, "or": bitwise_or, "xor": bitwise_xor, "lshift": bitwise_left_shift,
             "rshift": bitwise_right_shift}


def bind(tensor_type) -> None:
    """The named forms, their in-place `_` forms and the operators on `tensor_type`."""
    for name, fn in FUNCTIONS.items():
        setattr(tensor_type, name, fn)
        if name != "bitwise_not":
            setattr(tensor_type, name + "_", in_place(fn))
    not_in_place = in_place(lambda t, _: bitwise_not(t))
    tensor_type.bitwise_not_ = lambda self: not_in_place(self, None)
    for op, fn in OPERATORS.items():
        setattr(tensor_type, f"__{op}__", _operator(fn))
        setattr(tensor_type, f"__r{op}__", _operator(fn, reflected=True))
        setattr(tensor_type, f"__i{op}__", in_place(fn))
    tensor_type.__invert__ = invert
