"""PyTorch's device API: creation on a device, moves, .grad where its tensor lives, and the errors.

Every test runs on the 'cuda' device twice: backed by the checking namespace (NumPy behind a
wall, so it runs on any machine) and by CuPy where CuPy finds a GPU (skipped elsewhere).
Messages are PyTorch 2.13's (tests/gpu/ compares them with PyTorch CUDA itself).
"""
import ast
import importlib.util
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import autograd_widgets as torch
from autograd_widgets import backend as B
from checked_namespace import installed_as

PACKAGE = pathlib.Path(torch.__file__).parent


@pytest.fixture(params=["checked", "cupy"])
def cuda(request):
    """The 'cuda' device, backed by the checking namespace or by CuPy on a real GPU."""
    if request.param == "checked":
        with installed_as("cuda"):
            yield request.param
        return
    if B.cuda_device_count() == 0:
        pytest.skip("CuPy finds no GPU here")
    yield request.param


@pytest.fixture
def no_cupy(monkeypatch):
    """A machine without CuPy: 'cuda' unloaded and CuPy's package not found."""
    old = B._DEVICES.get("cuda")
    B.drop_device("cuda")
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "cupy" else real(name, *a))
    yield
    B.restore_device("cuda", old)


def test_creation_functions_take_device(cuda):
    made = [torch.tensor([1.0, 2.0], device="cuda"), torch.zeros(2, 3, device="cuda"), torch.ones(2, device="cuda"),
            torch.full((2,), 7.0, device="cuda"), torch.arange(3, device="cuda"), torch.linspace(0, 1, 5, device="cuda"),
            torch.eye(2, device=torch.device("cuda")), torch.randn(2, device="cuda:0"), torch.rand(2, device="cuda"),
            torch.empty(2, device="cuda"), torch.randint(0, 5, (3,), device="cuda"), torch.Tensor(2, device="cuda")]
    for t in made:
        assert t.device == torch.device("cuda", 0) and t.is_cuda
        assert t.device != torch.device("cuda")  # PyTorch's devices compare type and index
    x = torch.tensor([[1.0, 2.0]], device="cuda")
    for like in (torch.zeros_like(x), torch.ones_like(x), torch.full_like(x, 3.0), torch.empty_like(x),
                 torch.tensor(x), torch.as_tensor(x)):
        assert like.is_cuda
    assert torch.zeros_like(x, device="cpu").device == torch.device("cpu")
    assert torch.tensor(x, device="cpu").tolist() == [[1.0, 2.0]]
    assert torch.linspace(0, 1, 5, device="cuda").tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    device_array = B.namespace("cuda").ones(2)  # a CuPy array makes a 'cuda' tensor, as in PyTorch
    assert torch.tensor(device_array).is_cuda and torch.tensor(device_array, device="cpu").tolist() == [1.0, 1.0]


def test_same_seed_same_random_values_on_every_device(cuda):
    torch.manual_seed(3)
    a = torch.randn(4)
    torch.manual_seed(3)
    b = torch.randn(4, device="cuda")
    assert a.tolist() == b.tolist()


def test_repr_names_the_device_as_pytorch_does(cuda):
    x = torch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    assert repr(x) == "tensor([1., 2.], device='cuda:0', requires_grad=True)"
    assert repr(x * 2) == "tensor([2., 4.], device='cuda:0', grad_fn=<MulBackward0>)"
    assert repr(torch.tensor([1, 2], device="cuda")) == "tensor([1, 2], device='cuda:0')"
    assert repr(torch.ones(2, dtype=torch.float64, device="cuda")) == \
        "tensor([1., 1.], device='cuda:0', dtype=torch.float64)"
    assert repr(x.device) == "device(type='cuda', index=0)" and str(x.device) == "cuda:0"


def test_moves_are_differentiable_copies(cuda):
    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    g = x.cuda()
    assert g.is_cuda and type(g.grad_fn).__name__ == "ToCopyBackward0"
    assert g.grad_fn.next_functions[0][0].variable is x
    for same in (x.to("cpu"), x.cpu(), x.to(torch.device("cpu"))):
        assert same is x  # no copy when it is there already, as in PyTorch
    assert g.cuda() is g and g.to("cuda:0") is g
    both = x.to("cuda", torch.float64)  # one ToCopyBackward0 for device and dtype together
    assert both.is_cuda and both.dtype == torch.float64 and type(both.grad_fn.next_functions[0][0]).__name__ == \
        "AccumulateGrad"
    y = (g * g).sum().cpu()
    y.backward()
    assert x.grad.device == torch.device("cpu")
    np.testing.assert_allclose(x.grad.numpy(), [2.0, -4.0, 6.0])
    assert x.to(x.cuda()).is_cuda  # to(other) takes other's device and dtype


def test_grad_lives_where_its_tensor_lives(cuda):
    w = torch.tensor([[1.0, 2.0], [3.0, 4.0]], device="cuda", requires_grad=True)
    b = torch.zeros(2, device="cuda", requires_grad=True)
    x = torch.tensor([[0.5, -1.0]], device="cuda")
    for _ in range(2):  # the second backward accumulates, on the device
        ((x @ w + b).tanh() ** 2).sum().backward()
    assert w.grad.is_cuda and b.grad.is_cuda
    # the same numbers on the CPU
    wc = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    bc = torch.zeros(2, requires_grad=True)
    for _ in range(2):
        ((torch.tensor([[0.5, -1.0]]) @ wc + bc).tanh() ** 2).sum().backward()
    # (rtol 1e-5: the host rounds tanh's 1 − y² once, as ATen's fused kernel; another array library may round
    # twice, and near saturation 1 − y² cancels, so the two roundings differ there by a few 1e-6)
    np.testing.assert_allclose(w.grad.cpu().numpy(), wc.grad.numpy(), rtol=1e-5)
    np.testing.assert_allclose(b.grad.cpu().numpy(), bc.grad.numpy(), rtol=1e-5)


def test_numpy_on_a_gpu_tensor_raises_pytorchs_type_error(cuda):
    x = torch.ones(2, device="cuda", requires_grad=True)
    message = ("can't convert cuda:0 device type tensor to numpy. Use Tensor.cpu() to copy the tensor to host "
               "memory first.")
    with pytest.raises(TypeError) as e:
        x.numpy()  # the device check comes before the requires_grad check, as in PyTorch
    assert str(e.value) == message
    with pytest.raises(TypeError):
        np.asarray(x.detach())
    assert x.numpy(force=True).tolist() == [1.0, 1.0]
    assert x.detach().cpu().numpy().tolist() == [1.0, 1.0]


def test_mixing_devices_raises_pytorchs_error(cuda):
    g = torch.ones(2, device="cuda")
    c = torch.ones(2)
    for f in (lambda: g + c, lambda: c * g, lambda: torch.where(c > 0, g, c)):
        with pytest.raises(RuntimeError, match=r"^Expected all tensors to be on the same device, but found at least "
                                               r"two devices, cuda:0 and cpu!\n\n\[autograd_widgets\]"):
            f()
    # kernels that check argument by argument name the first one off the first one's device
    for f, arg, dev, common, kernel in (
            (lambda: torch.ones(2, 2, device="cuda") @ torch.ones(2, 2), "mat2", "cpu", "cuda:0", "mm"),
            (lambda: torch.mm(torch.ones(2, 2), torch.ones(2, 2, device="cuda")), "mat2", "cuda:0", "cpu", "mm"),
            (lambda: torch.mv(torch.ones(2, 2, device="cuda"), c), "mat", "cuda:0", "cpu", "addmv_"),
            (lambda: torch.dot(g, c), "tensor", "cpu", "cuda:0", "_dot"),
            (lambda: torch.cat([g, c]), "tensors", "cpu", "cuda:0", "cat"),
            (lambda: torch.stack([c, g]), "tensors", "cuda:0", "cpu", "cat")):
        with pytest.raises(RuntimeError) as e:
            f()
        assert str(e.value).split("\n\n")[0] == (
            f"Expected all tensors to be on the same device, but got {arg} is on {dev}, different from other tensors "
            f"on {common} (when checking argument in method wrapper_CUDA_{kernel})")


def test_a_0dim_cpu_tensor_joins_a_gpu_op_and_gets_its_grad_on_the_cpu(cuda):
    s = torch.tensor(3.0, requires_grad=True)  # PyTorch lets 0-dim CPU tensors into GPU elementwise ops
    x = torch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    y = x * s
    assert y.is_cuda and y.tolist() == [3.0, 6.0]
    y.sum().backward()
    assert s.grad.device == torch.device("cpu") and s.grad.item() == 3.0
    assert x.grad.is_cuda and x.grad.tolist() == [3.0, 3.0]


def test_backward_gradient_must_live_with_its_output(cuda):
    y = torch.ones(2, device="cuda", requires_grad=True) * 2
    with pytest.raises(RuntimeError, match=r"^invalid gradient at index 0 - expected device cuda:0 but got cpu"):
        y.backward(torch.ones(2))
    y.sum().backward(torch.tensor(1.0))  # a 0-dim gradient is moved, as PyTorch's engine does


def test_assigning_a_grad_from_another_device_raises(cuda):
    x = torch.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"^attempting to assign a gradient with device type 'cuda' to a tensor with "
                                           r"device type 'cpu'. Please ensure that the gradient and the tensor are on "
                                           r"the same device"):
        x.grad = torch.ones(2, device="cuda")


def test_indexing_and_custom_functions_stay_on_the_device(cuda):
    x = torch.arange(6.0, device="cuda").reshape(2, 3).requires_grad_()
    y = x[[1, 0, 1], [0, 2, 0]] * torch.tensor([1.0, 2.0, 3.0], device="cuda")
    y.sum().backward()
    assert x.grad.is_cuda and x.grad.tolist() == [[0.0, 0.0, 2.0], [4.0, 0.0, 0.0]]
    values, idx = x.detach().max(1)
    assert idx.is_cuda and idx.tolist() == [2, 2]

    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2, a * 3

        @staticmethod
        def backward(ctx, g1, g2):  # g2 arrives as zeros, made on the device
            return g1 * 2 + g2 * 3
    a = torch.ones(2, device="cuda", requires_grad=True)
    Twice.apply(a)[0].sum().backward()
    assert a.grad.is_cuda and a.grad.tolist() == [2.0, 2.0]


def test_gradcheck_on_the_device(cuda):
    x = torch.tensor([0.3, -0.7], dtype=torch.float64, device="cuda", requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: (t.sin() * t).sum(), (x,))
    assert torch.autograd.gradgradcheck(lambda t: (t.sin() * t).sum(), (x,))


def test_graph_model_reads_gpu_tensors(cuda):
    from autograd_widgets.graph import details, model
    x = torch.tensor([1.0, 2.0], device="cuda", requires_grad=True)
    y = (x * x).sum()
    graph = model.walk(y, names={"x": x, "y": y})
    assert [n.title for n in graph.nodes.values() if n.kind == "fn"] == ["SumBackward0", "MulBackward0"]
    y.backward()
    shown = details.tensor_details(x)
    assert (shown["data"], shown["grad"], shown["device"]) == ("[1., 2.]", "[2., 4.]", "cuda:0")
    assert "device" not in details.tensor_details(x.cpu())


def test_cuda_module_reports_the_device(cuda):
    assert torch.cuda.is_available() and torch.cuda.device_count() >= 1 and torch.cuda.current_device() == 0
    torch.cuda.synchronize()
    assert isinstance(torch.cuda.get_device_name(), str)


def test_without_cupy_cuda_is_unavailable_with_pytorchs_error(no_cupy):
    assert torch.cuda.is_available() is False and torch.cuda.device_count() == 0
    for f in (lambda: torch.ones(1).cuda(), lambda: torch.ones(1, device="cuda"), lambda: torch.ones(1).to("cuda")):
        with pytest.raises(AssertionError, match=r"^Torch not compiled with CUDA enabled\n\n\[autograd_widgets\] .*"
                                                 r"pip install \"autograd_widgets\[cuda\]\""):
            f()


def test_cpu_pytorch_raises_the_same_error_type_and_words(no_cupy):
    real = pytest.importorskip("torch")
    if real.cuda.is_available():
        pytest.skip("this PyTorch has CUDA")
    with pytest.raises(AssertionError) as theirs:
        real.ones(1).cuda()
    with pytest.raises(AssertionError) as ours:
        torch.ones(1).cuda()
    assert str(ours.value).startswith(str(theirs.value))


def test_device_strings_as_pytorch_parses_them():
    real = pytest.importorskip("torch")
    for spec in ("cpu", "cuda", "cuda:0", "cuda:1", "gpu", "gpu:0", "CUDA", "cuda:x", "cuda:01", " cuda", "cuda:0:1"):
        try:
            expected = repr(real.device(spec))
        except RuntimeError as e:
            with pytest.raises(RuntimeError) as ours:
                torch.device(spec)
            assert str(ours.value).split("\n\n")[0] == str(e)
        else:
            assert repr(torch.device(spec)) == expected
    assert (torch.device("cuda") == torch.device("cuda:0")) is (real.device("cuda") == real.device("cuda:0"))


def test_only_the_backend_names_an_array_library():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "backend.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not [n for n in names if n.split(".")[0] in ("numpy", "cupy", "cupyx")], path


def test_importing_and_computing_does_not_import_cupy():
    code = ("import sys, autograd_widgets as t; x = t.ones(2, requires_grad=True); (x * 2).sum().backward(); "
            "print('cupy' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_numpy_of_a_tensor_requiring_grad_works_under_no_grad_as_in_pytorch():
    real = pytest.importorskip("torch")
    for T in (torch, real):
        x = T.ones(2, requires_grad=True)
        with T.no_grad():
            assert x.numpy().tolist() == [1.0, 1.0]
        with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
            x.numpy()


def test_what_was_looked_up_per_array_type_is_forgotten_when_a_namespace_changes():
    """An op caches its array function per array type (B.by_type_cache); a device given another namespace
    must not keep using the old one's."""
    cache = B.by_type_cache()
    torch.tanh(torch.ones(2))
    cache["seen"] = True
    with installed_as("cuda"):
        assert cache == {}
        cache["seen"] = True
    assert cache == {}
