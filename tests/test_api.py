"""The tensor API of issue 3 section 2 that the parity programs do not exercise: attributes, creation,
dtypes, grad modes, Variable/Parameter, memory sharing, version counters and seeding.

`facts(T)` runs under any torch-like module; PYTORCH_2_13 is what PyTorch 2.13.0 returned for it, so
the test needs no PyTorch, and `test_facts_are_todays_pytorch` re-checks the table where it is installed.
"""
import copy
import functools
import warnings

import numpy as np
import pytest

import autograd_widgets as aw


def facts(T):
    out = {}
    a = T.tensor([[1., 2., 3.], [4., 5., 6.]], requires_grad=True)
    out["shape"] = (tuple(a.shape), tuple(a.size()), a.size(1), a.dim(), a.numel(), str(a.dtype), tuple(a.T.shape),
                    a.is_leaf, a.requires_grad)
    out["item/tolist"] = (a[1, 2].item(), a.tolist(), type(a[0, 0].item()).__name__)
    out["creation"] = [repr(x) for x in (
        T.zeros(2), T.ones(2, 1), T.full((2,), 3), T.full((2,), 3.), T.arange(5), T.arange(1, 2, 0.25),
        T.linspace(0, 1, 3), T.eye(2, 3), T.zeros_like(a), T.ones_like(a), T.tensor(7), T.tensor([]),
        T.tensor([[True]]), T.Tensor([1, 2]), tuple(T.FloatTensor(2, 1).shape), T.tensor([1.5], dtype=T.float64),
        T.zeros(2, dtype=T.int64), T.from_numpy(np.array([1, 2])), T.from_numpy(np.array([1., 2.])),
        T.tensor(np.float64(2.5)))]
    b = a.detach()
    out["detach"] = (b.requires_grad, b.is_leaf, b.grad_fn)
    c = a.clone()
    out["clone"] = (type(c.grad_fn).__name__, c.is_leaf)
    d = T.ones(2)
    d.requires_grad_()
    out["requires_grad_"] = d.requires_grad
    e = T.ones(2)
    e.zero_()
    e.fill_(4)
    out["zero_ and fill_"] = e.tolist()
    v = T.autograd.Variable(T.ones(2), requires_grad=True)
    out["Variable"] = (type(v).__name__, v.requires_grad, v.is_leaf)
    p = T.nn.Parameter(T.ones(2))
    out["Parameter"] = (type(p).__name__, p.requires_grad, type(p * 2).__name__, isinstance(p, T.Tensor), repr(p))
    with T.no_grad():
        n = a * 2
    out["no_grad"] = (n.requires_grad, T.is_grad_enabled())

    @T.no_grad()
    def doubled(x):
        return x * 2, T.is_grad_enabled()
    r, enabled = doubled(a)
    out["no_grad decorator"] = (r.requires_grad, enabled, T.is_grad_enabled())
    with T.set_grad_enabled(False):
        with T.enable_grad():
            out["enable_grad inside set_grad_enabled(False)"] = (a * 2).requires_grad
    g = T.tensor([1., 2.], requires_grad=True)
    g.grad = T.tensor([5., 5.])
    (g * 3).sum().backward()
    out["assigned grad, then accumulated"] = g.grad.tolist()
    g.grad = None
    out["grad set to None"] = g.grad
    g.grad = T.tensor([1., 1.])
    dc = copy.deepcopy(g)
    g.grad.add_(1)  # changing the original's grad leaves the copy's alone
    out["deepcopy"] = (dc is g, dc.requires_grad, dc.is_leaf, dc.tolist(), dc.grad.tolist())
    t = T.tensor([1., 2.])
    t.numpy()[0] = 9
    out["numpy() shares memory"] = t.tolist()
    arr = np.array([1., 2.])
    shared = T.from_numpy(arr)
    arr[1] = 7
    out["from_numpy shares memory"] = (shared.tolist(), str(shared.dtype))
    w = T.ones(3)
    view = w[1:]
    view.add_(1)
    out["a view writes its base; one version counter"] = (w.tolist(), w._version, view._version)
    out["detach shares the version counter"] = a.detach()._version == a._version
    out["dtypes"] = tuple(str(x.dtype) for x in (
        T.tensor([1, 2]), T.tensor([1., 2]), T.tensor(True), T.tensor([1, 2]) / 2, T.tensor([1, 2]) * 2.5,
        T.ones(2, dtype=T.float64) + T.ones(2), T.tensor(1.5, dtype=T.float64) + T.ones(2),
        T.tensor([1, 2]) + T.tensor([True, False]), T.arange(3.))) + (T.float is T.float32, T.double is T.float64,
                                                                      T.long is T.int64)
    T.manual_seed(0)
    r1 = T.rand(3).tolist()
    T.manual_seed(0)
    out["manual_seed repeats rand; rand in [0, 1)"] = (r1 == T.rand(3).tolist(), all(0 <= x < 1 for x in r1))
    out["printing and conversions"] = (str(a), f"{T.tensor(2.5):.2f}", len(a), [x.tolist() for x in a],
                                       float(T.tensor(2.)), int(T.tensor(3)))
    out["comparisons"] = ((a > 2).tolist(), str((a > 2).dtype), (a == a).all().item())
    out["equal and allclose"] = (T.equal(T.ones(2), T.ones(2)), T.equal(T.ones(2), T.zeros(2)),
                                 T.allclose(T.ones(2), T.ones(2) + 1e-9))
    return out


PYTORCH_2_13 = {
    "shape": ((2, 3), (2, 3), 3, 2, 6, "torch.float32", (3, 2), True, True),
    "item/tolist": (6.0, [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float"),
    "creation": ["tensor([0., 0.])", "tensor([[1.],\n        [1.]])", "tensor([3, 3])", "tensor([3., 3.])",
                 "tensor([0, 1, 2, 3, 4])", "tensor([1.0000, 1.2500, 1.5000, 1.7500])",
                 "tensor([0.0000, 0.5000, 1.0000])", "tensor([[1., 0., 0.],\n        [0., 1., 0.]])",
                 "tensor([[0., 0., 0.],\n        [0., 0., 0.]])", "tensor([[1., 1., 1.],\n        [1., 1., 1.]])",
                 "tensor(7)", "tensor([])", "tensor([[True]])", "tensor([1., 2.])", "(2, 1)",
                 "tensor([1.5000], dtype=torch.float64)", "tensor([0, 0])", "tensor([1, 2])",
                 "tensor([1., 2.], dtype=torch.float64)", "tensor(2.5000, dtype=torch.float64)"],
    "detach": (False, True, None),
    "clone": ("CloneBackward0", False),
    "requires_grad_": True,
    "zero_ and fill_": [4.0, 4.0],
    "Variable": ("Tensor", True, True),
    "Parameter": ("Parameter", True, "Tensor", True, "Parameter containing:\ntensor([1., 1.], requires_grad=True)"),
    "no_grad": (False, True),
    "no_grad decorator": (False, False, True),
    "enable_grad inside set_grad_enabled(False)": True,
    "assigned grad, then accumulated": [8.0, 8.0],
    "grad set to None": None,
    "deepcopy": (False, True, True, [1.0, 2.0], [1.0, 1.0]),
    "numpy() shares memory": [9.0, 2.0],
    "from_numpy shares memory": ([1.0, 7.0], "torch.float64"),
    "a view writes its base; one version counter": ([1.0, 2.0, 2.0], 1, 1),
    "detach shares the version counter": True,
    "dtypes": ("torch.int64", "torch.float32", "torch.bool", "torch.float32", "torch.float32", "torch.float64",
               "torch.float32", "torch.int64", "torch.float32", True, True, True),
    "manual_seed repeats rand; rand in [0, 1)": (True, True),
    "printing and conversions": ("tensor([[1., 2., 3.],\n        [4., 5., 6.]], requires_grad=True)", "2.50", 2,
                                 [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], 2.0, 3),
    "comparisons": ([[False, False, True], [True, True, True]], "torch.bool", True),
    "equal and allclose": (True, False, True),
}


@functools.lru_cache(maxsize=None)
def _facts(module_name):
    T = aw if module_name == "autograd_widgets" else pytest.importorskip(module_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return facts(T)


@pytest.mark.parametrize("key", list(PYTORCH_2_13))
def test_fact_is_what_pytorch_2_13_gives(key):
    assert _facts("autograd_widgets")[key] == PYTORCH_2_13[key]


@pytest.mark.parametrize("key", list(PYTORCH_2_13))
def test_facts_are_todays_pytorch(key):
    pytest.importorskip("torch")
    assert _facts("torch")[key] == PYTORCH_2_13[key]


def test_the_table_covers_every_fact():
    assert set(_facts("autograd_widgets")) == set(PYTORCH_2_13)


def test_randn_is_standard_normal():
    """The distribution of many draws (tests/test_random.py checks them bit for bit against PyTorch)."""
    aw.manual_seed(1)
    x = aw.randn(20000, dtype=aw.float64).numpy()
    assert abs(x.mean()) < 0.03 and abs(x.std() - 1) < 0.03
    assert aw.randn(2, 3).shape == (2, 3) and aw.rand(4).dtype == aw.float32


def test_tensor_and_parameter_types_print_as_pytorchs():
    """Tutorials print type(x) and type(param); a user's own subclass prints as Python prints it."""
    torch = pytest.importorskip("torch")
    texts = []
    for T in (aw, torch):
        class Mine(T.Tensor):
            pass
        texts.append([str(type(T.ones(2))), str(type(T.nn.Parameter(T.ones(1)))), str(T.Tensor),
                      str(Mine).replace(".Mine", "")])
    assert texts[0] == texts[1]


def test_float_of_a_tensor_that_requires_grad_warns_once_per_process_as_pytorch():
    """PyTorch 2.x warns (once: TORCH_WARN_ONCE) when float() -- and so '%.2f' % t -- reads a tensor that
    requires grad; item(), int() and format() stay silent."""
    import subprocess
    import sys
    code = ("import warnings, {m} as T\n"
            "warnings.simplefilter('always')\n"
            "x = T.tensor(2.5, requires_grad=True) * 1\n"
            "for f in (lambda: x.item(), lambda: int(x), lambda: f'{{x:.2f}}', lambda: '%.2f' % x, lambda: float(x)):\n"
            "    with warnings.catch_warnings(record=True) as w:\n"
            "        warnings.simplefilter('always')\n"
            "        f()\n"
            "    print([str(i.message).splitlines()[0] for i in w])\n")
    import importlib.util
    outs = []
    for module in ("autograd_widgets", "torch")[:2 if importlib.util.find_spec("torch") else 1]:
        outs.append(subprocess.run([sys.executable, "-c", code.format(m=module)], capture_output=True, text=True,
                                   check=True).stdout)
    assert outs[0].splitlines()[3] == "['Converting a tensor with requires_grad=True to a scalar may lead to " \
                                      "unexpected behavior.']"
    if len(outs) == 2:
        assert outs[0] == outs[1]


@pytest.mark.parametrize("expr", ["np.exp(T.ones(3))", "np.add(T.ones(3), 1)", "T.ones(3) @ np.ones(3)",
                                  "np.greater(T.tensor([1., -1.]), 0)", "np.exp(T.tensor(1.0))",
                                  "np.sqrt(T.arange(3))", "np.isclose(T.ones(3), 1).all()"])
def test_numpy_functions_on_tensors_give_tensors_as_pytorchs_array_wrap(expr):
    """NumPy hands a ufunc's result on a tensor to __array_wrap__: PyTorch's makes it a tensor again (bool
    results as uint8)."""
    got = eval(expr, {"np": np, "T": aw})
    assert isinstance(got, aw.Tensor) or isinstance(got, (bool, np.bool_))
    import importlib.util
    if importlib.util.find_spec("torch"):
        import torch
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # NumPy 2 on PyTorch's older signature
            want = eval(expr, {"np": np, "T": torch})
        assert repr(got) == repr(want)
