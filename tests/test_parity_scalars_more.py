"""A Python number meeting a tensor where the last overflow work left PyTorch 2.13 and us apart: comparisons with
numbers past a dtype's range (answered silently, no NumPy warning), arithmetic with ints past int64 (PyTorch's
OverflowError, a uint64 wrapped as PyTorch wraps it), where() with a number and add/sub's alpha (checked as
PyTorch checks a Scalar), a numpy.bool_ among ints for torch.tensor, clamp of a bool tensor and the words of
clamp_'s cast error. Each case runs in both libraries: the same values and dtype, or the same exception type
and PyTorch's words, and no warning where PyTorch gives none."""
import math
import warnings

import numpy as np
import pytest

import autograd_widgets as aw
from raised import words

torch = pytest.importorskip("torch")

DTYPES = ["float32", "float64", "float16", "int8", "uint8", "int16", "int32", "int64", "bool"]
BIG_INTS = [2 ** 63 - 1, 2 ** 63, 2 ** 64 - 1, 2 ** 64, -2 ** 63, -2 ** 63 - 1, 2 ** 65, -2 ** 65, 10 ** 30]
NUMBERS = BIG_INTS + [1e39, -1e39, math.inf, -math.inf, math.nan, 3.4028235677973366e38, 65504.5, 65520.0, 70000,
                      1e20, 300, 200, 128, -129, -1, 3.5, True, np.float64(1e39), np.int64(300)]


def observed(T, program, *args):
    """What a learner sees: the result's dtype and values (NaN as 'nan') or (exception type, PyTorch's words),
    and the warnings given on the way."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = program(T, *args)
            answer = (str(result.dtype).split(".")[-1], repr(result.tolist())) if hasattr(result, "dtype") \
                else repr(result)
        except Exception as e:  # noqa: BLE001 - the type and words are what is compared
            answer = type(e).__name__, words(e)
    return answer, [str(w.message) for w in caught]


def like_pytorch(program, dtypes, values):
    """The cases (dtype, value) whose outcome differs from PyTorch's, with both outcomes: [] when all agree."""
    differ = []
    for d in dtypes:
        for v in values:
            theirs = observed(torch, program, getattr(torch, d), v)
            ours = observed(aw, program, getattr(aw, d), v)
            if ours != theirs:
                differ.append((d, v, theirs, ours))
    return differ


def _tensor(T, d):
    return T.tensor([1, 0, -1, 44, 3], dtype=d) if d is not T.uint8 else T.tensor([1, 0, 255, 44, 3], dtype=d)


COMPARISONS = {
    "==": lambda T, d, v: _tensor(T, d) == v, "!=": lambda T, d, v: _tensor(T, d) != v,
    "<": lambda T, d, v: _tensor(T, d) < v, "<=": lambda T, d, v: _tensor(T, d) <= v,
    ">": lambda T, d, v: _tensor(T, d) > v, ">=": lambda T, d, v: _tensor(T, d) >= v,
    "reflected <": lambda T, d, v: v < _tensor(T, d), "reflected ==": lambda T, d, v: v == _tensor(T, d),
    "torch.eq": lambda T, d, v: T.eq(_tensor(T, d), v), "torch.lt": lambda T, d, v: T.lt(_tensor(T, d), v),
    "ge method": lambda T, d, v: _tensor(T, d).ge(v), "ne method": lambda T, d, v: _tensor(T, d).ne(v),
    "gt_ in place": lambda T, d, v: _tensor(T, d).gt_(v) if d is not T.bool else _tensor(T, d) > v,
    "0-d ==": lambda T, d, v: _tensor(T, d)[3] == v,
}


@pytest.mark.parametrize("program", COMPARISONS.values(), ids=COMPARISONS.keys())
def test_comparison_with_a_number_like_pytorch(program):
    """x == 1e39 on float32 answers as PyTorch, without NumPy's 'overflow encountered in cast'; an int past int64
    is refused in PyTorch's words ("int too big to convert"), one in [2**63, 2**64) wraps into an integer dtype
    (int32: 2**63 == 0) and cannot meet a bool tensor ("Promotion for uint16, uint32, uint64 ...")."""
    assert like_pytorch(program, DTYPES, NUMBERS) == []


def test_comparison_with_a_number_past_float32_gives_no_warning():
    """The learner's case, with warnings as errors: float32 (and float16) against 1e39 and friends answers as
    PyTorch does, without a word."""
    def program(T):
        x = T.tensor([1.0, 3e38, -3e38])
        return [(x == 1e39).tolist(), (x < 1e39).tolist(), (x > -1e39).tolist(), (x.half() < 70000).tolist()]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert program(aw) == program(torch)


ARITHMETIC = {
    "+": lambda T, d, v: _tensor(T, d) + v, "-": lambda T, d, v: _tensor(T, d) - v,
    "*": lambda T, d, v: _tensor(T, d) * v, "/": lambda T, d, v: _tensor(T, d) / v,
    "reflected +": lambda T, d, v: v + _tensor(T, d), "reflected -": lambda T, d, v: v - _tensor(T, d),
    "reflected *": lambda T, d, v: v * _tensor(T, d), "reflected /": lambda T, d, v: v / _tensor(T, d),
    "torch.add": lambda T, d, v: T.add(_tensor(T, d), v), "sub method": lambda T, d, v: _tensor(T, d).sub(v),
    "torch.mul": lambda T, d, v: T.mul(_tensor(T, d), v), "div method": lambda T, d, v: _tensor(T, d).div(v),
    "0-d +": lambda T, d, v: _tensor(T, d)[0] + v,
}
SMALL_INTS = [300, 200, -1, -129, 70000, 2 ** 31, -2 ** 31 - 1]


@pytest.mark.parametrize("program", ARITHMETIC.values(), ids=ARITHMETIC.keys())
def test_arithmetic_with_an_int_past_int64_like_pytorch(program):
    """x + 2**64 raises PyTorch's OverflowError ("int too big to convert", "can't convert negative int to
    unsigned") for every dtype; an int in [2**63, 2**64) wraps into an integer dtype as in PyTorch (int64 + 2**63
    is x - 2**63), and true division of integers divides by the int itself (int8 / 300 is 1/300, not 1/44)."""
    dtypes = [d for d in DTYPES if d != "float16"]  # float16 * 2**63: see the test below
    assert like_pytorch(program, dtypes, BIG_INTS + SMALL_INTS) == []


@pytest.mark.parametrize("program", [ARITHMETIC["+"], ARITHMETIC["-"], ARITHMETIC["reflected -"]],
                         ids=["+", "-", "reflected -"])
def test_float16_arithmetic_with_a_big_int_like_pytorch(program):
    """float16 against an int past its range: inf where PyTorch gives inf, and the same refusals."""
    assert like_pytorch(program, ["float16"], BIG_INTS + SMALL_INTS) == []


def test_int_past_int64_is_refused_with_an_explanation():
    """The error is PyTorch's OverflowError, its exact words first, then why and what to do."""
    with pytest.raises(OverflowError) as theirs:
        torch.ones(2) + 2 ** 64
    with pytest.raises(OverflowError) as ours:
        aw.ones(2) + 2 ** 64
    assert str(theirs.value) == words(ours.value) == "int too big to convert"
    assert "\n\n[autograd_widgets] " in str(ours.value)


WHERE_AND_ALPHA = {
    "where other": lambda T, d, v: T.where(T.tensor([True, False]), T.tensor([1, 0], dtype=d), v),
    "where self": lambda T, d, v: T.where(T.tensor([True, False]), v, T.tensor([1, 0], dtype=d)),
    "where method": lambda T, d, v: T.tensor([1, 0], dtype=d).where(T.tensor([True, False]), v),
    "add alpha": lambda T, d, v: T.add(T.tensor([1, 0], dtype=d), T.tensor([1, 2], dtype=d), alpha=v),
    "add number alpha": lambda T, d, v: T.add(T.tensor([1, 0], dtype=d), 2, alpha=v),
    "add alpha float64 other": lambda T, d, v: T.add(T.tensor([1, 0], dtype=d), T.tensor([1., 2.], dtype=T.float64),
                                                     alpha=v),
    "add_ alpha": lambda T, d, v: T.tensor([1, 0], dtype=d).add_(T.tensor([1, 2], dtype=d), alpha=v),
    "sub alpha": lambda T, d, v: T.tensor([1, 0], dtype=d).sub(T.tensor([1, 2], dtype=d), alpha=v),
    "sub_ alpha": lambda T, d, v: T.tensor([1, 0], dtype=d).sub_(T.tensor([1, 2], dtype=d), alpha=v),
}
ALPHAS = [1e39, -1e39, math.inf, math.nan, 3.4028235677973366e38, 70000, 65520.0, 300, -1, 2.5, 1.0, 2 ** 63,
          2 ** 64, 2 ** 63 - 1, -2 ** 63 - 1, 1e20, True, False, 3, np.float64(1e39), np.int64(300), np.bool_(True)]


@pytest.mark.parametrize("program", WHERE_AND_ALPHA.values(), ids=WHERE_AND_ALPHA.keys())
def test_where_number_and_alpha_like_pytorch(program):
    """where(c, x, 1e39) and add(x, y, alpha=1e39) check the number against the result's dtype as PyTorch checks a
    Scalar ("value cannot be converted to type float without overflow"); an integer result refuses a float alpha
    ("For integral input tensors, argument alpha must not be a floating point number."), a non-bool one a bool
    alpha ("Boolean alpha only supported for Boolean results.")."""
    assert like_pytorch(program, DTYPES, ALPHAS) == []


def test_alpha_scales_as_in_pytorch_with_its_gradient():
    """A float alpha in range still gives PyTorch's values and gradients (d/dy of x - 2.5·y is -2.5)."""
    def program(T):
        x, y = T.tensor([1.0, 2.0], requires_grad=True), T.tensor([3.0, 4.0], requires_grad=True)
        out = T.sub(x, y, alpha=2.5) + T.add(x, y, alpha=-0.5)
        out.sum().backward()
        return out.tolist(), x.grad.tolist(), y.grad.tolist()
    assert program(aw) == program(torch)


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8", "int32", "bool", "float32", None])
def test_numpy_bool_among_ints_like_pytorch(dtype):
    """torch.tensor([1, np.bool_(True)]) and friends: PyTorch refuses a numpy.bool_ that is to become an integer
    ("'numpy.bool' object cannot be interpreted as an integer"), where NumPy would take it for 1; it stays a bool
    or float where the tensor is one."""
    data = [[1, np.bool_(True)], [np.bool_(True), 1], [[1], [np.bool_(False)]], [np.bool_(True)], np.bool_(True),
            [True, 1], [1.5, np.bool_(True)], [np.bool_(True), np.int64(3)], [np.bool_(True), 300]]

    def program(T, d, v):
        return T.tensor(v, dtype=None if d is None else getattr(T, d))
    differ = [(v, observed(torch, program, dtype, v), observed(aw, program, dtype, v)) for v in data]
    assert [case for case in differ if case[1] != case[2]] == []


CLAMPS = ["b.clamp(False, True)", "b.clamp(min=False)", "b.clamp(max=True)", "b.clamp(f, t)", "b.clamp(min=f)",
          "b.clamp(max=t)", "b.clamp_min(f)", "b.clamp_max(t)", "b.clamp_min(False)", "b.clip(False, True)",
          "b.clamp(T.tensor(False), T.tensor(True))", "b.clamp(T.tensor(False), True)", "b.clamp(0, 1)",
          "b.clamp_(False, True)", "b.clamp(False, 1)", "b.clamp(T.tensor(0), True)", "T.clamp(b, min=False)",
          "b.clamp(f.int(), t)", "b.clamp_(min=0)", "b.clamp(np.bool_(True), False)", "T.clamp_max(b, np.bool_(True))",
          "b.clip_(max=False)", "T.clip(b, True, True)"]


@pytest.mark.parametrize("call", CLAMPS)
def test_clamp_of_a_bool_tensor_like_pytorch(call):
    """A mask clamped by True/False bounds has no kernel in PyTorch ('"clamp_scalar_cpu" not implemented for
    'Bool'', named by the kind of bounds); int bounds promote it and work; one tensor bound works."""
    def program(T):
        return eval(call, {"T": T, "np": np, "b": T.tensor([True, False]), "t": T.tensor([True]),
                           "f": T.tensor([False])})
    assert observed(aw, program) == observed(torch, program)


@pytest.mark.parametrize("d", DTYPES)
@pytest.mark.parametrize("call", ["t.clip_(max=2.5)", "t.clamp_(min=2.5)", "t.clamp_(0.5, 2)", "t.clamp_min_(2.5)",
                                  "t.clamp_max_(np.float32(2.5))", "t.clamp_(min=0)", "t.clip_(-1, 1)",
                                  "t.clamp_(T.tensor([0.5]), None)"])
def test_clamp_in_place_refusal_names_the_cpp_type(call, d):
    """clamp_ that cannot write its result back says PyTorch's words, which name the tensor's C++ type ('result type
    Float can't be cast to the desired output type signed char'), unlike add_ ('... Char')."""
    def program(T, dt):
        t = T.tensor([1, 2], dtype=dt)
        out = eval(call, {"T": T, "np": np, "t": t})
        assert out is t
        return t
    assert observed(aw, program, getattr(aw, d)) == observed(torch, program, getattr(torch, d))


def _linspaces():
    """(start, end, steps) over signs, magnitudes and lengths, with infinities, nan and the edge lengths."""
    rs = np.random.RandomState(0)
    cases = [(float(a), float(b), int(n)) for (a, b), n in zip(rs.randn(300, 2) * 10.0 ** rs.randint(-3, 4, (300, 1)),
                                                                 rs.randint(0, 300, 300))]
    inf = math.inf
    return cases + [(-inf, inf, 2), (-inf, inf, 3), (0, inf, 5), (inf, 0, 3), (math.nan, 0, 3), (-inf, inf, 1),
                    (inf, inf, 4), (0, inf, 40), (-5, 5, 1), (0, 1, 0), (0, 1, -1), (3, 3, 7), (-2, 7, 100_003)]


@pytest.mark.parametrize("d", ["float32", "float64", "float16", "int64", "int32", "int16", "bool"])
def test_linspace_gives_pytorchs_numbers_to_the_last_bit(d):
    """torch.linspace computes each number as PyTorch's CPU kernel does (start + step·i for the first half, end -
    step·(steps - 1 - i) after, fused multiply-adds in float32 and float64): the same bits, nan between infinities
    where NumPy gave inf, PyTorch's errors for steps=-1 and a bool dtype."""
    def program(T, dt, case):
        start, end, steps = case
        return T.linspace(start, end, steps, dtype=dt)
    differ = [case for case in _linspaces()  # observed: repr of each number, exact for float32 and float64
              if observed(aw, program, getattr(aw, d), case) != observed(torch, program, getattr(torch, d), case)]
    assert differ == []


INDEX_FILLS = ["x.index_fill(0, [0, 1], 1.0)", "x.index_fill(0, [0], 1)", "x.index_fill_(0, [0], T.tensor(1.))",
               "T.index_fill(x, 0, [0], 1.0)", "x.index_fill(0, (0, 1.5), True)", "x.index_fill(0, 0, 1.0)",
               "x.index_fill(0, None, 1.0)", "x.index_fill(0, [0], [1.0])", "x.index_fill(0, T.tensor([0]), [1.0])",
               "x.index_fill(0, T.tensor([0]), 'a')", "x.index_fill(0, [], 1.0)", "x.index_fill(0, [T.tensor(0)], 1.0)",
               "x.index_fill(0, T.tensor([0]), np.float32(2.5))", "x.index_fill_(0, T.tensor([0]), T.tensor([1., 2.]))",
               "x.index_fill(0, [0], T.tensor([1., 2.]))", "T.index_fill(x, 0, T.tensor([1]), 2.0)",
               "x.index_fill_(0, T.tensor([1]), 2.0)", "x.index_fill(0, index=T.tensor([1]), value=T.tensor(3.))",
               "x.index_fill_(0, [1], None)"]


@pytest.mark.parametrize("call", INDEX_FILLS)
def test_index_fill_with_wrong_arguments_has_pytorchs_full_words(call):
    """index_fill with a list index (or a value that is no number) gives PyTorch's whole TypeError: each overload
    with the arguments it could not take marked ('!list of [int, int]!'), named index_fill_ for the in-place form
    and with 'Tensor input' for torch.index_fill; right arguments still give PyTorch's tensor."""
    def program(T):
        return eval(call, {"T": T, "np": np, "x": T.zeros(3)})
    assert observed(aw, program) == observed(torch, program)


POWERS = {"**": lambda T, d, v: _tensor(T, d) ** v, "torch.pow": lambda T, d, v: T.pow(_tensor(T, d), v),
          "pow_": lambda T, d, v: _tensor(T, d).pow_(v) if d is not T.bool else _tensor(T, d) ** v,
          "reflected **": lambda T, d, v: v ** _tensor(T, d)[:2]}  # 1 and 0: no negative power of an int
EXPONENTS = BIG_INTS + [1e39, 70000, 65520.0, 300, 200, -129, 128, 2, -1, 0.5, 3.5, True, np.int64(300)]


@pytest.mark.parametrize("program", POWERS.values(), ids=POWERS.keys())
def test_power_with_a_number_like_pytorch(program):
    """x ** 300 checks the exponent in an integer or float16 result's dtype ('value cannot be converted to type
    int8_t without overflow', 'c10::Half'), float32 and float64 take any number, and an int past 64 bits gives
    PyTorch's OverflowError, where NumPy raised its own words or answered; 300 ** int8 wraps 300 as PyTorch."""
    assert like_pytorch(program, DTYPES, EXPONENTS) == []


@pytest.mark.parametrize("call", [
    "x.clamp(0, 2**63)", "x.clamp(-1.5, 2**63)", "x.clamp(True, 2**63)", "x.clamp(2**63, 2**63)", "x.clamp(None, 2**63)",
    "x.clamp(2**63)", "x.float().clamp(0, 2**63)", "x.bool().clamp(0, 2**63)", "x.clamp(T.tensor(0), 2**63)",
    "x.clamp(0.5, 2**63)", "x.clamp_min(2**63)", "x.bool().clamp(min=2**63)", "x.bool().clamp(False, 2**63)",
    "x.clamp(2**64, 2**63)", "x.clamp(2**63, 2**64)", "x.bool().clamp_max(2**63)", "x.clamp(T.tensor(0.5), 2**63)",
    "x.long().clamp(0, 2**64 - 1)"])
def test_clamp_bound_past_int64_like_pytorch(call):
    """A clamp bound in [2**63, 2**64) is PyTorch's uint64: with an int or bool other bound (or alone on a bool
    tensor) PyTorch has no promotion ('... attempted to promote Long and UInt64'); alone on an integer tensor it is
    range-checked ('int8_t'); a float bound (a 0-d tensor too) makes the result float."""
    def program(T):
        return eval(call, {"T": T, "x": T.tensor([1, 0], dtype=T.int8)})
    assert observed(aw, program) == observed(torch, program)


INPLACE_ON_BOOL = {
    "pow_": lambda t: t.pow_(3), "add_ int": lambda t: t.add_(1), "mul_ int": lambda t: t.mul_(2),
    "add_ bool": lambda t: t.add_(True), "mul_ bool tensor": lambda t: t.mul_(t.clone()),
    "add_ int tensor": lambda t: t.add_(t.long()) if hasattr(t, "long") else None,
    "sub_": lambda t: t.sub_(1), "div_": lambda t: t.div_(2),
}


@pytest.mark.parametrize("name", INPLACE_ON_BOOL)
def test_inplace_on_bool_refuses_an_integer_result_as_pytorch(name):
    """bool_tensor.pow_(3) raises "result type Long can't be cast to the desired output type Bool"."""
    def outcome(T):
        try:
            return INPLACE_ON_BOOL[name](T.tensor([True, False])).tolist()
        except RuntimeError as e:
            return str(e).split("\n")[0]
    assert outcome(aw) == outcome(torch)
