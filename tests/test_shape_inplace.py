"""x.unsqueeze_(0), squeeze_(), t_(), transpose_(), swapaxes_(): the tensors tutorial's `batch_me.unsqueeze_(0)`,
with PyTorch's shapes, versions, nodes, gradients and errors."""
import pytest

import autograd_widgets as aw

torch = pytest.importorskip("torch")

PROGRAMS = {
    "unsqueeze_ plain": lambda T: T.rand(3, 4).unsqueeze_(0),
    "unsqueeze_ -1": lambda T: (T.rand(3, 4, requires_grad=True) * 2).unsqueeze_(-1),
    "squeeze_ all": lambda T: (T.rand(1, 3, 1, requires_grad=True) * 2).squeeze_(),
    "squeeze_ dim": lambda T: (T.rand(1, 3, 1, requires_grad=True) * 2).squeeze_(0),
    "squeeze_ dims": lambda T: (T.rand(1, 3, 1, requires_grad=True) * 2).squeeze_((0, 2)),
    "t_": lambda T: (T.rand(2, 3, requires_grad=True) * 2).t_(),
    "transpose_": lambda T: (T.rand(2, 3, 4, requires_grad=True) * 2).transpose_(0, 2),
    "swapaxes_": lambda T: (T.rand(2, 3, requires_grad=True) * 2).swapaxes_(0, 1),
    "swapdims_": lambda T: (T.rand(2, 3, requires_grad=True) * 2).swapdims_(1, 0),
    "view of a non-leaf": lambda T: (T.rand(3, 4, requires_grad=True) * 2)[0].unsqueeze_(0),
    "squeeze_ of a view": lambda T: (T.rand(3, 4, requires_grad=True) * 2).unsqueeze(0).squeeze_(0),
    "leaf": lambda T: T.rand(3, 4, requires_grad=True).unsqueeze_(0),
    "view of a leaf": lambda T: T.rand(3, 4, requires_grad=True)[0].unsqueeze_(0),
    "t_ of 3-d": lambda T: T.rand(2, 3, 4).t_(),
    "under no_grad": lambda T: _no_grad(T),
}


def _no_grad(T):
    with T.no_grad():
        return T.rand(3, 4, requires_grad=True).clone().unsqueeze_(0)


def outcome(T, name):
    T.manual_seed(0)
    try:
        y = PROGRAMS[name](T)
    except RuntimeError as e:
        return str(e).split("\n")[0]
    node = type(y.grad_fn).__name__ if y.grad_fn is not None else None
    edges = [type(f).__name__ if f is not None else None for f, _ in y.grad_fn.next_functions] if node else []
    grad = None
    if y.requires_grad:
        leaf = y.grad_fn
        while leaf.next_functions:  # the leaf at the end of the chain
            leaf = next(f for f, _ in leaf.next_functions if f is not None)
        (y * T.arange(float(y.numel())).reshape(y.shape)).sum().backward()
        grad = leaf.variable.grad.tolist()
    return list(y.shape), y.stride(), y._version, node, edges, y.tolist(), grad


@pytest.mark.parametrize("name", PROGRAMS)
def test_in_place_view_ops_as_pytorch(name):
    assert outcome(aw, name) == outcome(torch, name)


def test_tutorial_batch_me():
    batch_me = aw.rand(3, 226, 226)
    batch_me.unsqueeze_(0)
    assert batch_me.shape == (1, 3, 226, 226)
