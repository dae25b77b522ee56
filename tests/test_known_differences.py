"""Differences from PyTorch 2.13 that were once listed as known, now checked against PyTorch itself: each call
gives PyTorch's result, or raises PyTorch's exception type with PyTorch's words and then our explanation."""
import numpy as np
import pytest

import autograd_widgets as aw
from raised import raised, words

torch = pytest.importorskip("torch")

# Sizes: PyTorch reads a first number and later numbers differently (a bool or a float first is "no size",
# a bool later counts as 0 or 1), and names NumPy types as 'numpy.float64'.
SIZE_CALLS = [
    "T.rand(2.5)", "T.randn(2.5)", "T.zeros(2.5)", "T.empty(2.5)", "T.ones((2, 2.5))", "T.ones([2, 2.5])",
    "T.zeros(2, 2.5)", "T.zeros((2.5, 2))", "T.zeros([2.5])", "T.zeros(2.5, 2)", "T.zeros((2,), (3,))",
    "T.zeros(True)", "T.zeros((True, 2))", "T.zeros((2, True))", "T.zeros(2, True)", "T.rand(True)",
    "T.zeros(np.int64(2))", "T.zeros((2, np.int64(3)))", "T.zeros(np.float64(2))", "T.zeros((2, np.float64(2)))",
    "T.zeros(T.tensor(2))", "T.zeros(T.tensor([2]))", "T.zeros(T.tensor(2.))", "T.zeros((2, T.tensor(2.)))",
    "T.zeros(None)", "T.zeros('a')", "T.zeros(T.Size([2, 3]))", "T.zeros(())",
    "T.full((2.5,), 1.)", "T.full(2.5, 1.)", "T.full(2, 1.)", "T.full((2, 2.5), 1.)",
    "T.rand(-1)", "T.randn(2, -3)", "T.randint(5, (-1,))",
    "T.randint(5, (2.5,))", "T.randint(5, 2.5)", "T.randint(5, 3)", "T.randint(0, 5, (2, 2.5))", "T.randperm(2.5)",
    "x.view(2.5)", "x.view(6.0)", "x.view(True)", "x.view(None)", "x.view((2, 3.0))", "x.view((2.0, 3))",
    "x.view([6.0])", "x.view((2.0,))", "x.view(2.0, 3)", "x.view(2.5, 3.5)", "x.view(T.tensor(6.))",
    "x.view(np.float64(6))", "x.view(np.int64(6))", "x.view(T.tensor(6))", "x.view(-1)",
    "x.reshape(2.5)", "x.reshape(6.0)", "x.reshape((2, 3.0))", "x.reshape((2.0, 3))", "x.reshape(2.0, 3)",
    "x.reshape(True)", "x.reshape(None)", "x.reshape([6.0])", "x.reshape(T.tensor(6.))", "x.reshape(3, -1)",
    "x.expand(2, 3.0)", "x.expand((2.0, 3))", "x.expand(2.5)", "x.expand(None)", "x.expand(True, 3)",
    "x.repeat(2.0)", "x.repeat((2, 1.0))", "x.repeat((2.0, 1))", "x.repeat(2, 1.0)", "x.repeat(2.5)",
    "x.repeat(2, 1)", "x.permute(0, 1.0)", "x.permute((0, 1.0))", "x.permute(0.0)", "x.permute(1, 0)",
    "x.sum_to_size((1, 3.0))", "x.sum_to_size(1, 3)",
    "x.new_zeros(2.5)", "x.new_zeros(2, 2.5)", "x.new_zeros((2.5, 2))", "x.new_zeros(2.5, 2)",
    "x.new_ones((2, 2.5))", "x.new_empty(2.5)", "x.new_full((2.5,), 1.)", "x.new_full(2.5, 1.)",
    "x.new_full((2, 2.5), 1.)", "x.new_zeros(True)", "x.new_zeros(np.int64(2))", "x.new_zeros(-1)",
    "x.new_zeros(size=(3,))",
    # the function forms take the size as one argument, PyTorch's argument 2
    "T.reshape(x, 2.5)", "T.reshape(x, 6)", "T.reshape(x, 2, 3)", "T.reshape(x, (2.0, 3))", "T.reshape(x, [3, 2])",
    "T.reshape(x, T.Size([6]))", "T.permute(x, (1, 0))", "T.permute(x, 1, 0)", "T.permute(x, (1.0, 0))",
    # other "tuple of ints" and "int" arguments
    "x.split(2.0)", "T.split(x, 1.0)", "x.split([1.0, 1])", "x.split([1, 1.0])", "x.split(np.int64(1))",
    "x.split(T.tensor(1))", "x.split([1, 1])", "T.nn.functional.pad(x, 1)", "T.nn.functional.pad(x, (1.0, 1))",
    "T.nn.functional.pad(x, [1, 1.0])", "T.nn.functional.pad(x, (1, -1))",
    "T.nn.functional.one_hot(T.tensor([1]), 3.0)", "T.nn.functional.one_hot(T.tensor([1]), True)",
    "T.nn.functional.one_hot(T.tensor([1]), None)", "T.nn.functional.one_hot(T.tensor([1]), np.int64(3))",
    "T.nn.functional.one_hot(T.tensor([1, 2]))", "T.nn.Unflatten(1, (3.0, 1))", "T.nn.Unflatten(1, [3, 1.0])",
    "T.nn.Unflatten(1, 3.0)", "T.nn.Unflatten(1, (3, 1))(x)", "T.nn.Linear(6 / 2, 2)", "T.nn.Conv2d(3, 16 / 2, 3)",
]


# `@` with something that is no tensor: PyTorch's operator gives up (NotImplemented), so Python words it;
# the named functions say which argument must be a Tensor.
MATMUL_CALLS = [
    "x @ None", "None @ x", "x @ 'a'", "x @ 2", "2 @ x", "x @ 2.0", "x @ [1., 2., 3.]", "[1., 1.] @ x",
    "np.ones(2) @ x", "T.matmul(x, None)", "T.matmul(None, x)", "T.matmul(x, 2)", "T.matmul(x, [1., 2., 3.])",
    "T.matmul(x, np.ones(3))", "x.matmul(None)", "x.mm(None)", "x.mm(2)", "T.mm(x, None)", "T.mm(None, x)",
    "T.mv(x, None)", "x.mv(None)", "T.dot(v, None)", "v.dot(None)", "T.bmm(x, None)", "x.bmm(None)",
    "x.__matmul__(None)", "x.__rmatmul__(None)",
]

# A one-input method takes nothing (x.exp(out=y) is refused in PyTorch's words); the function takes out=.
NO_ARGUMENT_CALLS = [
    "x.exp(out=y)", "x.exp(1)", "x.exp(1, out=y)", "x.sin(out=y)", "x.tanh(out=y)", "x.neg(out=y)",
    "x.__neg__(out=y)", "x.abs(out=y)", "x.relu(out=y)", "x.sigmoid(out=y)", "x.sqrt(out=y)", "x.square(out=y)",
    "x.log1p(out=y)", "x.floor(out=y)", "x.sin(1, 2)", "x.exp(input=x)", "T.exp(x, y)", "T.exp(x, foo=1)",
    "T.exp(x, out=y) is y", "T.tanh(x, out=y) is y", "T.sqrt(x, out=y) is y", "T.exp(input=x)",
    # a function of a tensor given something else: PyTorch's TypeError (a number has no .exp() to call)
    "T.exp(2.0)", "T.max(2.0)", "T.tanh(None)", "T.softmax(2.0, 0)", "T.t([1, 2])", "T.clone(3)",
    "T.argmax(np.ones(2))", "T.neg(True)", "T.relu(2)", "T.sigmoid(np.float64(1.0))",
]


def _outcome(T, call):
    """What `call` gives under module T: ('ok', shape) or (exception type name, PyTorch's words)."""
    names = {"T": T, "np": np, "x": T.ones(2, 3), "v": T.ones(3), "y": T.zeros(2, 3)}
    got = raised(lambda: eval(call, names))
    if got is None:
        value = eval(call, names)
        return "ok", tuple(value.shape) if hasattr(value, "shape") else type(value).__name__
    return got[0].__name__, got[1]


@pytest.mark.parametrize("call", SIZE_CALLS + MATMUL_CALLS + NO_ARGUMENT_CALLS)
def test_like_pytorch(call):
    """The call returns what PyTorch returns (here: the shape), or raises PyTorch's type with its words."""
    assert _outcome(aw, call) == _outcome(torch, call)


@pytest.mark.parametrize("call", ["T.zeros(2.5)", "x.view(2.5)", "x.reshape((2, 3.0))", "x.repeat(2.0)",
                                  "T.matmul(x, None)", "x.new_zeros((2.5,))", "x.exp(out=x)"])
def test_refusal_is_explained(call):
    """Our refusal adds a plain explanation after PyTorch's words."""
    with pytest.raises(TypeError) as e:
        eval(call, {"T": aw, "x": aw.ones(2, 3)})
    assert "\n\n[autograd_widgets] " in str(e.value) and words(e.value) != str(e.value)


def test_function_out_writes_pytorchs_values():
    """torch.exp(x, out=y) fills y with exp(x), as in PyTorch (float64, so the values compare exactly)."""
    data = [[-1.5, 0.0, 2.0]]
    results = []
    for T in (aw, torch):
        x, y = T.tensor(data, dtype=T.float64), T.zeros(1, 3, dtype=T.float64)
        assert T.exp(x, out=y) is y
        results.append(y.tolist()[0])
    assert results[0] == pytest.approx(results[1], rel=1e-15)


def test_relu_keeps_negative_zero_as_pytorch():
    """relu(-0.) is -0. in PyTorch (clamp_min keeps it); the sign shows in 1 / relu(x)."""
    x = [-0.0, 0.0, -1.0, float("nan"), 2.0]
    ours = aw.relu(aw.tensor(x))
    theirs = torch.relu(torch.tensor(x))
    np.testing.assert_array_equal(np.signbit(ours.numpy()), np.signbit(theirs.numpy()))
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
