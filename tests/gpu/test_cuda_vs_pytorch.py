"""On a GPU with PyTorch CUDA: the same programs on both, the same values, nodes and error messages."""
import numpy as np
import pytest

import autograd_widgets as aw
from autograd_widgets import backend as B

torch = pytest.importorskip("torch")
pytestmark = pytest.mark.skipif(B.cuda_device_count() == 0 or not torch.cuda.is_available(),
                                reason="needs CuPy and PyTorch to find a GPU")

MISUSES = {
    "add cuda+cpu": lambda T: T.ones(2, device="cuda") + T.ones(2),
    "mul cpu*cuda": lambda T: T.ones(2) * T.ones(2, device="cuda"),
    "where": lambda T: T.where(T.ones(2) > 0, T.ones(2, device="cuda"), T.zeros(2)),
    "cat": lambda T: T.cat([T.ones(2, device="cuda"), T.ones(2)]),
    "stack": lambda T: T.stack([T.ones(2), T.ones(2, device="cuda")]),
    "mm cuda@cpu": lambda T: T.ones(2, 2, device="cuda") @ T.ones(2, 2),
    "mm cpu@cuda": lambda T: T.mm(T.ones(2, 2), T.ones(2, 2, device="cuda")),
    "mv": lambda T: T.mv(T.ones(2, 2, device="cuda"), T.ones(2)),
    "dot": lambda T: T.dot(T.ones(2, device="cuda"), T.ones(2)),
    "bmm": lambda T: T.bmm(T.ones(1, 2, 2, device="cuda"), T.ones(1, 2, 2)),
    "numpy": lambda T: T.ones(2, device="cuda").numpy(),
    "backward cpu gradient": lambda T: (T.ones(2, device="cuda", requires_grad=True) * 2).backward(T.ones(2)),
    "assign cuda grad": lambda T: setattr(T.ones(2, requires_grad=True), "grad", T.ones(2, device="cuda")),
}


@pytest.mark.parametrize("name", sorted(MISUSES))
def test_misuse_raises_pytorchs_type_and_message(name):
    with pytest.raises(Exception) as theirs:
        MISUSES[name](torch)
    with pytest.raises(Exception) as ours:
        MISUSES[name](aw)
    assert type(ours.value) is type(theirs.value)
    assert str(ours.value).split("\n\n[autograd_widgets]")[0] == str(theirs.value), \
        f"\nours:   {str(ours.value).splitlines()[0]}\ntheirs: {str(theirs.value)}"


def test_repr_of_gpu_tensors():
    for T in (aw, torch):
        x = T.tensor([1.0, 2.0], device="cuda", requires_grad=True)
        assert repr(x * 2) == "tensor([2., 4.], device='cuda:0', grad_fn=<MulBackward0>)"
        assert repr(x.device) == "device(type='cuda', index=0)"


def test_cpu_scalar_joins_gpu_op_on_both():
    results = []
    for T in (aw, torch):
        s = T.tensor(3.0, requires_grad=True)
        x = T.tensor([1.0, 2.0], device="cuda", requires_grad=True)
        (x * s).sum().backward()
        results.append((str(s.grad.device), s.grad.item(), str(x.grad.device), x.grad.tolist()))
    assert results[0] == results[1]


def test_mlp_step_same_loss_grads_and_graph():
    rng = np.random.default_rng(0)
    sizes = [784, 256, 256, 10]
    Ws = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(np.float32) for a, b in zip(sizes, sizes[1:])]
    X, Y = rng.standard_normal((128, 784)).astype(np.float32), rng.standard_normal((128, 10)).astype(np.float32)
    out = []
    for T in (aw, torch):
        ps = [T.tensor(w, device="cuda", requires_grad=True) for w in Ws]
        h = T.tensor(X, device="cuda")
        for i, w in enumerate(ps):
            h = h @ w
            h = h.tanh() if i < 2 else h
        loss = T.nn.functional.mse_loss(h, T.tensor(Y, device="cuda"))
        loss.backward()
        names, fn = [], loss.grad_fn
        while fn is not None:
            names.append(type(fn).__name__)
            fn = next((f for f, _ in fn.next_functions if f is not None and "Accumulate" not in type(f).__name__), None)
        out.append((loss.item(), [p.grad.cpu().numpy() for p in ps], names))
    (l1, g1, n1), (l2, g2, n2) = out
    assert n1 == n2
    np.testing.assert_allclose(l1, l2, rtol=1e-5)
    for a, b in zip(g1, g2):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-6)
