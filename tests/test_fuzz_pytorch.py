"""Differential fuzzer (issue 10): hypothesis writes small programs, each runs under PyTorch and under
autograd_widgets on the same input arrays, and what a learner could observe must agree.

A program is a few inputs (shapes with 0-d and size-0 dims, a broadcasting partner, float32/float64/int64/
bool, sometimes NaN/inf) and a list of ops applied to a running tensor: unary, binary (with another input),
reductions, shape ops, sometimes an in-place op on a non-leaf or on a view. Then either `backward` with a
random gradient or `autograd.grad(create_graph=True)` and a second derivative. After each step the trace
records dtype, shape, values (NaN equal to NaN), requires_grad and the node names along the graph; a raised
error records its type and the words before "[autograd_widgets]". Both traces must be equal.

CI runs a fixed, derandomized set (`AW_FUZZ_EXAMPLES`, default 60); `AW_FUZZ_SEED=<n>` runs a different
random set (not derandomized) to hunt for new differences. Differences found so far are fixed with a
regression test or excluded below with a comment saying how the two libraries differ.
"""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import autograd_widgets as aw
from graph_names import levels
from raised import raised

torch = pytest.importorskip("torch")

FLOATS = ["float32", "float64"]
DTYPES = FLOATS + ["int64", "bool"]

# name -> (function of (T, x, other, arg), strategy of arg, whether it takes a second input)
_dim = st.integers(-3, 3)  # sometimes out of range: the error must match too
UNARY = {
    "neg": lambda T, x, a: -x,
    "exp": lambda T, x, a: x.exp(),
    "log": lambda T, x, a: x.log(),
    "sqrt": lambda T, x, a: x.sqrt(),
    "abs": lambda T, x, a: x.abs(),
    "relu": lambda T, x, a: x.relu(),
    "sigmoid": lambda T, x, a: x.sigmoid(),
    "tanh": lambda T, x, a: x.tanh(),
    "sin": lambda T, x, a: x.sin(),
    "square": lambda T, x, a: x * x,
    "pow": lambda T, x, a: x ** a,
    "rpow": lambda T, x, a: a ** x,
    "reciprocal": lambda T, x, a: x.reciprocal(),
    "sign": lambda T, x, a: x.sign(),
    "clamp": lambda T, x, a: x.clamp(min=-a, max=a),
    "scale": lambda T, x, a: x * a,
    "float": lambda T, x, a: x.float(),
    "double": lambda T, x, a: x.double(),
}
UNARY_ARG = {"pow": st.sampled_from([2, 3, 0.5, -1, 0]), "rpow": st.sampled_from([2.0, 0.0, 0.5]),
             "clamp": st.sampled_from([0.5, 1.0]), "scale": st.sampled_from([2, -1.5, 0])}
BINARY = {
    "add": lambda T, x, y: x + y,
    "sub": lambda T, x, y: x - y,
    "mul": lambda T, x, y: x * y,
    "div": lambda T, x, y: x / y,
    "pow": lambda T, x, y: x ** y,
    "maximum": lambda T, x, y: T.maximum(x, y),
    "minimum": lambda T, x, y: T.minimum(x, y),
    "where": lambda T, x, y: T.where(x > 0, x, y),
    "matmul": lambda T, x, y: x @ y,
}
REDUCE = {
    "sum": lambda T, x, d: x.sum(),
    "mean": lambda T, x, d: x.mean(),
    "sum_dim": lambda T, x, d: x.sum(d),
    "mean_dim_keep": lambda T, x, d: x.mean(d, keepdim=True),
    "max": lambda T, x, d: x.max(),
    "max_dim": lambda T, x, d: x.max(d)[0],
    "norm": lambda T, x, d: x.norm(),
    "softmax": lambda T, x, d: x.softmax(d),
    "prod": lambda T, x, d: x.prod(),
}
SHAPE = {
    "flatten": lambda T, x, d: x.flatten(),
    "reshape": lambda T, x, d: x.reshape(-1, 1),
    "transpose": lambda T, x, d: x.transpose(0, d),
    "unsqueeze": lambda T, x, d: x.unsqueeze(d),
    "squeeze": lambda T, x, d: x.squeeze(d),
    "t": lambda T, x, d: x.t(),
    "index0": lambda T, x, d: x[0],
    "slice": lambda T, x, d: x[..., 1:],
    "expand": lambda T, x, d: x.unsqueeze(0).expand(2, *x.shape),
    # excluded: cat of empty 1-D tensors along an out-of-range dim: PyTorch skips them (legacy) and never checks
    # the dim; we refuse the dim
    "cat": lambda T, x, d: T.cat([x, x], d if tuple(x.shape) != (0,) else 0),
}
INPLACE = {  # applied to a fresh non-leaf (x * 1) or to a view of one
    "mul_": lambda T, x: x.mul_(2),
    "add_": lambda T, x: x.add_(1),
    "exp_": lambda T, x: x.exp_(),
    "relu_": lambda T, x: x.relu_(),
    "setitem": lambda T, x: x.__setitem__(0, 3.0),
}


@st.composite
def shapes(draw):
    return tuple(draw(st.lists(st.sampled_from([0, 1, 2, 3]), min_size=0, max_size=3)))


@st.composite
def partner(draw, shape):
    """A shape that broadcasts with `shape` (fewer leading dims, some 1s), or sometimes any shape."""
    if draw(st.integers(0, 5)) == 0:
        return draw(shapes())
    tail = list(shape[draw(st.integers(0, len(shape))):])
    return tuple(1 if draw(st.booleans()) and draw(st.booleans()) else n for n in tail)


@st.composite
def programs(draw):
    shape = draw(shapes())
    dtype = draw(st.sampled_from(FLOATS * 3 + DTYPES))
    inputs = [(shape, dtype), (draw(partner(shape)), draw(st.sampled_from(FLOATS * 4 + DTYPES)))]
    ending = draw(st.sampled_from(["backward", "grad2", "none"]))
    ops = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["unary", "unary", "binary", "binary", "reduce", "shape", "inplace"]))
        if kind == "unary":
            name = draw(st.sampled_from(sorted(UNARY)))
            ops.append((kind, name, draw(UNARY_ARG.get(name, st.none()))))
        elif kind == "binary":
            names = sorted(BINARY)
            if dtype == "bool" or dtype != inputs[1][1]:
                # excluded: PyTorch refuses bool @ bool naming its kernel ('"dot" not implemented for 'Bool''); we
                # answer. Mixed dtypes: PyTorch's bmm of size-0 batches answers without its dtype check; we refuse
                names.remove("matmul")
            ops.append((kind, draw(st.sampled_from(names)), draw(st.booleans())))
        elif kind == "reduce":
            names = sorted(REDUCE)
            if dtype in ("int64", "bool"):
                # excluded: PyTorch refuses softmax of an integer/bool tensor ('"softmax_kernel_impl" not implemented
                # for 'Long''); we compute it in float32
                names.remove("softmax")
            if ending == "grad2":
                # excluded: max(dim)'s gradient under create_graph: PyTorch builds zeros.scatter(dim, indices, grad)
                # (ScatterBackward0), we multiply by a one-hot mask (MulBackward0); same values
                names.remove("max_dim")
            ops.append((kind, draw(st.sampled_from(names)), draw(_dim)))
        elif kind == "shape":
            ops.append((kind, draw(st.sampled_from(sorted(SHAPE))), draw(_dim)))
        else:
            ops.append((kind, draw(st.sampled_from(sorted(INPLACE))), draw(st.booleans())))
    return dict(inputs=inputs, ops=ops, ending=ending, seed=draw(st.integers(0, 2**16)),
                special=draw(st.sampled_from([None, None, None, "nan", "inf", "-inf", "zero"])))


def _arrays(program):
    """The input arrays (shared by both libraries) and a gradient seed."""
    rng = np.random.default_rng(program["seed"])
    out = []
    for shape, dtype in program["inputs"]:
        if dtype == "bool":
            a = rng.random(shape) > 0.5
        elif dtype == "int64":
            a = rng.integers(-3, 4, shape)
        else:
            a = rng.standard_normal(shape).astype(dtype)
            if program["special"] and a.size:
                a.flat[rng.integers(a.size)] = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "zero": 0}[
                    program["special"]]
        out.append(np.asarray(a, dtype=dtype))
    return out, rng


def _seen(t):
    """What a learner sees of a tensor: dtype, shape, values, requires_grad, node names."""
    if t is None:
        return None
    values = t.detach().numpy(force=True).copy()  # force: PyTorch may answer a ZeroTensor
    return (str(t.dtype).split(".")[-1], tuple(t.shape), values, t.requires_grad, levels(t, depth=6))


def _apply(T, op, x, other):
    kind, name, arg = op
    if kind == "unary":
        return UNARY[name](T, x, arg)
    if kind == "binary":
        return BINARY[name](T, *((other, x) if arg else (x, other)))
    if kind == "reduce":
        return REDUCE[name](T, x, arg)
    if kind == "shape":
        return SHAPE[name](T, x, arg)
    y = x * 1  # a non-leaf: in place on a leaf that requires grad is a (separately tested) error
    target = y.view(-1) if arg and y.dim() else y
    INPLACE[name](T, target)
    return y


def _run(T, program):
    """The trace of `program` under library T."""
    arrays, rng = _arrays(program)
    leaves = [T.tensor(a, requires_grad=a.dtype.kind == "f") for a in arrays]
    trace = []

    def steps():
        x = leaves[0]
        for op in program["ops"]:
            x = _apply(T, op, x, leaves[1])
            trace.append(_seen(x))
        if program["ending"] == "none" or not x.requires_grad:
            return
        grad_rng = np.random.default_rng(program["seed"] + 1)
        v = T.tensor(grad_rng.standard_normal(tuple(x.shape)).astype(str(x.dtype).split(".")[-1]))
        wrt = [t for t in leaves if t.requires_grad]
        if program["ending"] == "backward":
            x.backward(v)
            trace.extend(_seen(t.grad) for t in wrt)
            return
        gs = T.autograd.grad(x, wrt, v, create_graph=True, allow_unused=True)
        trace.extend(_seen(g) for g in gs)
        used = [(g, t) for g, t in zip(gs, wrt) if g is not None and g.requires_grad]
        if used:
            total = sum((g * g).sum() for g, _ in used)
            trace.extend(_seen(g) for g in T.autograd.grad(total, wrt, allow_unused=True))

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        err = raised(steps)
    if err is not None:
        trace.append(("raises", err[0].__name__, err[1]))
    said = sorted({w.category.__name__ for w in caught if issubclass(w.category, RuntimeWarning)})
    return trace, said


def _same(a, b, tol):
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        if a.shape != b.shape or a.dtype != b.dtype:
            return False
        if a.dtype.kind != "f":
            return bool(np.array_equal(a, b))
        return bool(np.allclose(a, b, equal_nan=True, **tol))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    return a == b


def _tolerance(program):
    """float32 rounding anywhere (a float32 or integer input) can show later in float64 too, after `.double()`."""
    if all(dtype == "float64" for _, dtype in program["inputs"]):
        return dict(rtol=1e-9, atol=1e-12)
    return dict(rtol=1e-4, atol=1e-5)


EXAMPLES = int(os.environ.get("AW_FUZZ_EXAMPLES", 60))
FUZZ_SEED = os.environ.get("AW_FUZZ_SEED")


def _fuzz(test):
    test = settings(derandomize=FUZZ_SEED is None, database=None, deadline=None, max_examples=EXAMPLES,
                    suppress_health_check=list(HealthCheck))(test)
    return seed(int(FUZZ_SEED))(test) if FUZZ_SEED is not None else test


@_fuzz
@given(programs())
def test_same_as_pytorch(program):
    """A random program shows the same values, dtypes, gradients, node names, errors and warnings under both."""
    expected, got = _run(torch, program), _run(aw, program)
    assert _same(got[0], expected[0], _tolerance(program)), (program, got[0], expected[0])
    assert got[1] == [] or got[1] == expected[1], ("NumPy warned where PyTorch is silent", program, got[1])


# Programs the fuzzer found with AW_FUZZ_EXAMPLES=300 (beyond CI's fixed set), kept so they stay fixed.
FOUND = [
    # d/d exponent of float32 ** float64 takes the log of self cast to float64 (a ToCopyBackward0 node)
    dict(inputs=[((), "float32"), ((), "float64")], ops=[("binary", "pow", False)], ending="grad2", seed=0,
         special=None),
    # writing past the end of an empty tensor: PyTorch's "dimension", not NumPy's "axis"
    dict(inputs=[((0,), "int64"), ((), "float32")], ops=[("inplace", "setitem", False)], ending="backward", seed=0,
         special=None),
    # mean's gradient divides by a number (DivBackward1 under create_graph), as PyTorch's formula
    dict(inputs=[((), "float32"), ((), "float32")], ops=[("reduce", "mean", 0), ("unary", "abs", None)],
         ending="grad2", seed=0, special=None),
]


@pytest.mark.parametrize("program", FOUND, ids=["pow_mixed_dtypes", "setitem_empty", "mean_create_graph"])
def test_found_programs_stay_the_same_as_pytorch(program):
    """Each program the fuzzer once found different now shows what PyTorch shows."""
    expected, got = _run(torch, program), _run(aw, program)
    assert _same(got[0], expected[0], _tolerance(program)), (program, got[0], expected[0])
