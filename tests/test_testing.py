"""torch.testing.assert_close: the same verdicts and failure messages as PyTorch's over a table of cases."""
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")
np = pytest.importorskip("numpy")

NAN = float("nan")
CASES = {
    "one element off": lambda T: T.testing.assert_close(T.tensor([1., 2., 3.]), T.tensor([1., 2.1, 3.])),
    "dtypes differ": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., 2.], dtype=T.float64)),
    "dtype not checked": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., 2.], dtype=T.float64),
                                                          check_dtype=False),
    "shapes differ": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., 2., 3.])),
    "nan": lambda T: T.testing.assert_close(T.tensor([1., NAN]), T.tensor([1., NAN])),
    "nan equal": lambda T: T.testing.assert_close(T.tensor([1., NAN]), T.tensor([1., NAN]), equal_nan=True),
    "nan on one side": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., NAN])),
    "inf": lambda T: T.testing.assert_close(T.tensor([1., float("inf")]), T.tensor([1., float("inf")])),
    "python floats close": lambda T: T.testing.assert_close(1.0, 1.0 + 1e-9),
    "python floats apart": lambda T: T.testing.assert_close(1.0, 1.1),
    "int and float": lambda T: T.testing.assert_close(1, 1.0),
    "int tensors": lambda T: T.testing.assert_close(T.tensor([[1, 2], [3, 4]]), T.tensor([[1, 2], [3, 5]])),
    "0-d int tensors": lambda T: T.testing.assert_close(T.tensor(2), T.tensor(3)),
    "bool tensors": lambda T: T.testing.assert_close(T.tensor([True, False]), T.tensor([True, True])),
    "in a list": lambda T: T.testing.assert_close([T.tensor(1.)], [T.tensor(1.5)]),
    "in a dict": lambda T: T.testing.assert_close({"a": T.tensor(1.)}, {"a": T.tensor(2.)}),
    "lists of numbers": lambda T: T.testing.assert_close([1, 2], [1, 2, 3]),
    "tensor and number": lambda T: T.testing.assert_close(T.tensor(1.), 1.0),
    "tolerances given": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., 2.0001]), rtol=1e-3, atol=0),
    "one tolerance": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., 2.0001]), rtol=1e-3),
    "within float32's": lambda T: T.testing.assert_close(T.ones(2, 3), T.ones(2, 3) + 1e-6),
    "requires_grad ignored": lambda T: T.testing.assert_close(T.ones(2, 2, requires_grad=True), T.ones(2, 2)),
    "many off": lambda T: T.testing.assert_close(T.arange(12.).reshape(3, 4), T.arange(12.).reshape(3, 4) * 1.01),
    "zero expected": lambda T: T.testing.assert_close(T.tensor([0., 1.]), T.tensor([0.5, 1.])),
    "msg": lambda T: T.testing.assert_close(T.tensor([1., 2.]), T.tensor([1., 3.]), msg="custom"),
    "numpy arrays": lambda T: T.testing.assert_close(np.array([1., 2.]), np.array([1., 2.5])),
}


def outcome(T, case):
    try:
        CASES[case](T)
    except Exception as e:  # the verdict compared: PyTorch's exception type and message's first paragraph
        return type(e).__name__, str(e).split("\n\n[autograd_widgets]")[0]
    return "passed"


@pytest.mark.parametrize("case", CASES)
def test_assert_close_as_pytorch(case):
    assert outcome(aw, case) == outcome(torch, case)
