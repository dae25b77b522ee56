"""A Python number written into a tensor (torch.full, full_like, new_full, masked_fill, index_fill, clamp bounds,
t[i] = v, torch.tensor with an integer dtype) gives PyTorch 2.13's answer over every dtype and the values at and
past each dtype's bounds: the same tensor, or the same exception type with PyTorch's words ("value cannot be
converted to type float without overflow", "... int8_t ...", "Overflow when unpacking long long", ...),
and no warning where PyTorch gives none. Arithmetic (x + 1e39) stays unchecked, as in PyTorch."""
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from raised import words

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "int8", "uint8", "int16", "int32", "int64", "bool"]
F32_MAX = 3.4028234663852886e38
VALUES = [
    F32_MAX, 3.4028235677973366e38, -F32_MAX, -3.4028235677973366e38, 3.5e38, 1e39, -1e39, 1e308, float("inf"),
    float("-inf"), float("nan"), 65504.0, 65504.5, -65504.0, -65504.5, 65519.99, 65520.0, 65505, 70000, 0,
    3.3895313892515355e38, 127, 128, -128, -129, 127.5, 128.0, -1.5, 255, 256, -1, -255, -256, -257, 255.9, 256.0,
    -1.0, -0.5, -0.0, 32767, 32768, -32768, -32769, 2 ** 31 - 1, 2 ** 31, -2 ** 31, -2 ** 31 - 1, 2147483647.5,
    -2147483648.9,
    2 ** 63 - 1, 2 ** 63, -2 ** 63, -2 ** 63 - 1, 2 ** 64 - 1, 2 ** 64, 2.0 ** 63, -2.0 ** 63, 1e20,
    True, False, np.float64(1e39), np.float32(3e38), np.int64(300), np.int64(-1), np.bool_(True),
]
MASK = [True, False, True]


def _setitem(index):
    def program(T, d, v):
        t = T.zeros(3, dtype=d)
        t[index(T)] = v
        return t
    return program


def _in_place(method):
    def program(T, d, v):
        t = T.zeros(3, dtype=d)
        out = method(T, t, v)
        assert out is t
        return t
    return program


ENTRIES = {
    "full": lambda T, d, v: T.full((3,), v, dtype=d),
    "full_like": lambda T, d, v: T.full_like(T.zeros(3, dtype=d), v),
    "new_full": lambda T, d, v: T.zeros(1, dtype=d).new_full((3,), v),
    "masked_fill": lambda T, d, v: T.zeros(3, dtype=d).masked_fill(T.tensor(MASK), v),
    "masked_fill_": _in_place(lambda T, t, v: t.masked_fill_(T.tensor(MASK), v)),
    "masked_fill nothing masked": lambda T, d, v: T.zeros(3, dtype=d).masked_fill(T.tensor([False] * 3), v),
    "index_fill": lambda T, d, v: T.zeros(3, dtype=d).index_fill(0, T.tensor([0, 2]), v),
    "index_fill_": _in_place(lambda T, t, v: t.index_fill_(0, T.tensor([1]), v)),
    "index_fill 0-d value": lambda T, d, v: T.zeros(3, dtype=d).index_fill(0, T.tensor([1]),
                                                                           T.tensor(v, dtype=T.float64))
    if isinstance(v, float) else T.zeros(1),
    "scatter value": lambda T, d, v: T.zeros(3, dtype=d).scatter(0, T.tensor([0, 2]), v),
    "pad value": lambda T, d, v: T.nn.functional.pad(T.zeros(1, dtype=d), (1, 1), value=v),
    "setitem int": _setitem(lambda T: 0),
    "setitem slice": _setitem(lambda T: slice(None)),
    "setitem empty slice": _setitem(lambda T: slice(0, 0)),
    "setitem ellipsis": _setitem(lambda T: Ellipsis),
    "setitem mask": _setitem(lambda T: T.tensor(MASK)),
    "setitem index": _setitem(lambda T: T.tensor([0, 2])),
    "tensor": lambda T, d, v: T.tensor([1, v], dtype=d),  # a numpy.bool_ among ints: PyTorch's TypeError
    "tensor nested": lambda T, d, v: T.tensor([[v], [1]], dtype=d),
}
NUMERIC = {  # not for bool: a bool tensor refuses clamp ("clamp_min_scalar_cpu" not implemented for 'Bool'), linspace
    "linspace": lambda T, d, v: T.linspace(-1, v, 2, dtype=d),
    "linspace start": lambda T, d, v: T.linspace(v, 0, 2, dtype=d),
    "clamp min": lambda T, d, v: T.zeros(3, dtype=d).clamp(min=v),
    "clamp max": lambda T, d, v: T.zeros(3, dtype=d).clamp(max=v),
    "clamp both": lambda T, d, v: T.zeros(3, dtype=d).clamp(v, v),
    "clamp mixed": lambda T, d, v: T.zeros(3, dtype=d).clamp(-1, v) if abs(v) < 2 ** 63 else T.zeros(1),
    "clamp_min": lambda T, d, v: T.clamp_min(T.zeros(3, dtype=d), v),
    "clamp_max": lambda T, d, v: T.zeros(3, dtype=d).clamp_max(v),
    "clip_": _in_place(lambda T, t, v: t.clip_(max=v)),  # an integer tensor refuses a float bound: "signed char"
}
FLOATING = {  # hardtanh of an integer tensor is no learner's case
    "hardtanh": lambda T, d, v: T.nn.functional.hardtanh(T.zeros(3, dtype=d), -abs(v), abs(v)) if v == v
    else T.zeros(1),
}
CASES = [pytest.param(entry, d, id=f"{name}-{d}") for name, entry in ENTRIES.items() for d in DTYPES] + \
        [pytest.param(entry, d, id=f"{name}-{d}") for name, entry in NUMERIC.items() for d in DTYPES if d != "bool"] + \
        [pytest.param(entry, d, id=f"{name}-{d}") for name, entry in FLOATING.items() for d in DTYPES[:3]]


def outcome(T, program, *args):
    """What a learner sees: the values (NaN as 'nan') or (exception type, PyTorch's words), and the warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            answer = repr(program(T, *args).tolist())
        except Exception as e:  # noqa: BLE001 - the type and words are what is compared
            answer = type(e).__name__, words(e)
    return answer, [str(w.message) for w in caught]


def test_values_reach_every_bound():
    """The table holds each dtype's largest and smallest numbers and one just past each, so the test below
    would see a check that is off by one place (float64 and bool cannot overflow from a Python float)."""
    for d in ["float32", "float16", "int8", "uint8", "int16", "int32", "int64"]:
        floating = d.startswith("float")
        info = (torch.finfo if floating else torch.iinfo)(getattr(torch, d))
        step = info.max * 1e-5 if floating else 1
        assert info.max in VALUES and any(info.max < v <= info.max + step for v in VALUES), d
        assert info.min in VALUES or d == "uint8"
        assert any(info.min - step <= v < info.min for v in VALUES), d


@pytest.mark.parametrize("program, d", CASES)
def test_like_pytorch_for_every_bound(program, d):
    """Each value of the table written into a tensor of dtype d: PyTorch's tensor or PyTorch's error."""
    expected = [outcome(torch, program, getattr(torch, d), v) for v in VALUES]
    got = [outcome(aw, program, getattr(aw, d), v) for v in VALUES]
    assert got == expected


@pytest.mark.parametrize("call, message", [
    ("T.full((2,), 1e39)", "value cannot be converted to type float without overflow"),
    ("T.full((2,), 300, dtype=T.int8)", "value cannot be converted to type int8_t without overflow"),
    ("T.full((2,), 70000, dtype=T.float16)", "value cannot be converted to type c10::Half without overflow"),
    ("T.full((2,), 2 ** 63)", "value cannot be converted to type int64_t without overflow"),
    ("T.full((2,), 2 ** 64)", "int too big to convert"),
    ("T.full((2,), -2 ** 63 - 1)", "can't convert negative int to unsigned"),
    ("T.zeros(2, dtype=T.int32).masked_fill(T.tensor([True, False]), float('nan'))",
     "value cannot be converted to type int without overflow"),
    ("T.tensor([300], dtype=T.uint8)", "value cannot be converted to type uint8 without overflow"),
    ("T.zeros(2, dtype=T.uint8).clamp(min=-256)", "value cannot be converted to type uint8_t without overflow"),
])
def test_refusal_has_pytorchs_words_then_an_explanation(call, message):
    """The error starts with PyTorch's exact words and goes on to say why in plain words."""
    with pytest.raises(Exception) as theirs:
        eval(call, {"T": torch})
    with pytest.raises(type(theirs.value)) as ours:
        eval(call, {"T": aw})
    assert str(theirs.value).splitlines()[0] == message
    assert words(ours.value) == message
    assert "\n\n[autograd_widgets] " in str(ours.value)


@pytest.mark.parametrize("d", ["float32", "float16", "float64"])
def test_recorded_writes_are_checked_too(d):
    """A write into a tensor that is part of a graph (setitem, masked_fill on a result of requires_grad input)
    checks the number the same way, and a value in range still gives PyTorch's gradient."""
    def program(T, dt, v):
        x = T.ones(3, dtype=dt, requires_grad=True)
        y = x * 2
        y[0] = v
        z = y.masked_fill(T.tensor(MASK), v)
        z.sum().backward()
        return x.grad
    for v in (1e39, -1e39, 70000, 65504.0, 3.0, float("inf")):
        assert outcome(aw, program, getattr(aw, d), v) == outcome(torch, program, getattr(torch, d), v)


@pytest.mark.parametrize("value", [np.int64(3), np.uint8(3), np.bool_(True), np.float32(2.5), np.float64(2.5)],
                         ids=lambda v: type(v).__name__)
def test_full_reads_a_numpy_scalar_as_pytorch(value):
    """torch.full's dtype from a NumPy scalar as PyTorch's parser reads it: an integer is an int (int64), any
    other (numpy.bool_ too) a float; full_like keeps the tensor's dtype."""
    def program(T, dt, v):
        return T.full((2,), v), T.full_like(T.zeros(2, dtype=dt), v)
    ours, theirs = program(aw, aw.int8, value), program(torch, torch.int8, value)
    assert [(str(t.dtype), t.tolist()) for t in ours] == [(str(t.dtype), t.tolist()) for t in theirs]


@pytest.mark.parametrize("call", ["T.arange(0, 1e39, 1e38)", "T.arange(-1e39, 0, 2e38)",
                                  "T.arange(0, 7e4, 2e4, dtype=T.float16)", "T.arange(0, 300, 100, dtype=T.int8)"])
def test_arange_is_not_checked(call):
    """arange's values past the dtype's range become inf (or wrap) without a word, as in PyTorch."""
    assert outcome(aw, lambda T, *_: eval(call), None) == outcome(torch, lambda T, *_: eval(call), None)


@pytest.mark.parametrize("d", ["float32", "float16", "int8", "uint8", "int64"])
def test_arithmetic_is_not_checked(d):
    """x + 1e39 and x * 300 wrap or overflow to inf without a word in PyTorch; they stay so (no check there)."""
    def program(T, dt, v):
        return T.ones(3, dtype=dt) * v + v
    for v in (1e39, -1e39, 300, -1, 70000, float("nan")):
        assert outcome(aw, program, getattr(aw, d), v) == outcome(torch, program, getattr(torch, d), v)


@pytest.mark.parametrize("d", DTYPES)
def test_fill_like_pytorch_for_every_bound(d):
    """t.fill_(v) checks a number v as torch.full does ('value cannot be converted to type int8_t without
    overflow'), except for a single float16 element, which PyTorch fills unchecked; a 0-d tensor's value is
    cast unchecked (300 wraps to 44 in int8)."""
    for n in (3, 1):
        def program(T, dt, v):
            t = T.zeros(n, dtype=dt)
            assert t.fill_(v(T) if callable(v) else v) is t
            return t
        tensors = [lambda T: T.tensor(300), lambda T: T.tensor(-1), lambda T: T.tensor(1e39, dtype=T.float64),
                   lambda T: T.tensor(2.7), lambda T: T.tensor(True), lambda T: T.tensor(70000.)]
        expected = [outcome(torch, program, getattr(torch, d), v) for v in VALUES + tensors]
        assert [outcome(aw, program, getattr(aw, d), v) for v in VALUES + tensors] == expected


@pytest.mark.parametrize("shape", [(), (1,), (1, 1), (2,)], ids=str)
def test_one_float16_element_is_filled_unchecked(shape):
    """PyTorch's fill of a single float16 element (torch.full, full_like, new_full) skips the check and gives
    inf; two elements, masked_fill and other dtypes are still checked."""
    programs = {
        "full": lambda T, d, v: T.full(shape, v, dtype=d),
        "full_like": lambda T, d, v: T.full_like(T.zeros(shape, dtype=d), v),
        "new_full": lambda T, d, v: T.zeros(3, dtype=d).new_full(shape, v),
        "masked_fill": lambda T, d, v: T.zeros(shape, dtype=d).masked_fill(T.ones(shape, dtype=T.bool), v),
    }
    for name, program in programs.items():
        for d in ("float16", "float32", "int8"):
            for v in (1e39, -70000, 65519.99, 300, 2 ** 64, float("nan")):
                expected = outcome(torch, program, getattr(torch, d), v)
                assert outcome(aw, program, getattr(aw, d), v) == expected, (name, d, v)
